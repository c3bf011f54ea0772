// torsh::nn::parallel::DistributedDataParallel's non-template part.
#include "torsh/core/error.h"
#include "torsh/core/grad_mode.h"
#include "torsh/nn/parallel.h"
#include "torsh/ops.h"

namespace torsh::nn::parallel::detail {

namespace {
// Rank 0's values of tensors, broadcast in one message per dtype.
void broadcast_from_first(const std::vector<Tensor>& tensors, distributed::ProcessGroup& group) {
  NoGradGuard no_grad;
  std::vector<ScalarType> dtypes;
  for (const auto& t : tensors) {
    if (std::find(dtypes.begin(), dtypes.end(), t.scalar_type()) == dtypes.end()) {
      dtypes.push_back(t.scalar_type());
    }
  }
  for (ScalarType dt : dtypes) {
    std::vector<Tensor> same;
    for (const auto& t : tensors) {
      if (t.scalar_type() == dt) same.push_back(t.reshape({-1}));
    }
    Tensor flat = torsh::cat(same, 0);
    group.broadcast(flat, 0)->wait();
    int64_t at = 0;
    for (const auto& t : tensors) {
      if (t.scalar_type() != dt) continue;
      t.copy_(flat.narrow(0, at, t.numel()).view(t.sizes()));
      at += t.numel();
    }
  }
}
}  // namespace

DDPCore::DDPCore(std::shared_ptr<Module> module, const DistributedDataParallelOptions& options,
                 distributed::ProcessGroupPtr group)
    : module_(std::move(module)),
      options_(options),
      group_(group ? std::move(group) : distributed::default_group()) {
  std::vector<Tensor> params;
  for (const auto& p : module_->parameters()) {
    if (p.requires_grad()) params.push_back(p);
  }
  TORSH_CHECK(!params.empty(),
              "DistributedDataParallel is not needed when a module doesn't have any parameter "
              "that requires a gradient.");
  // Every rank's shapes must be rank 0's: [count, dims, sizes...] compared after a broadcast.
  std::vector<int64_t> shape_list{static_cast<int64_t>(params.size())};
  for (const auto& p : params) {
    shape_list.push_back(p.dim());
    for (int64_t s : p.sizes()) shape_list.push_back(s);
  }
  Tensor mine = torsh::tensor(shape_list);
  Tensor count = torsh::tensor(std::vector<int64_t>{mine.numel()});
  Tensor max_count = count.clone();
  group_->allreduce(max_count, distributed::ReduceOp::MAX)->wait();
  Tensor padded = torsh::zeros({max_count.item<int64_t>()}, kLong);
  padded.narrow(0, 0, mine.numel()).copy_(mine);
  Tensor first = padded.clone();
  group_->broadcast(first, 0)->wait();
  TORSH_CHECK(torsh::equal(first, padded),
              "DDP expects same model across all ranks: the "
              "parameter shapes on rank ",
              group_->rank(), " do not match rank 0's.");
  std::vector<Tensor> state = module_->parameters();
  for (const auto& b : module_->buffers()) state.push_back(b);
  broadcast_from_first(state, *group_);
  reducer_ = std::make_unique<distributed::Reducer>(
      params, group_, static_cast<int64_t>(options_.bucket_cap_mb() * 1024 * 1024),
      options_.find_unused_parameters());
}

void DDPCore::before_forward() {
  const bool grad = GradMode::is_enabled();
  if (grad && require_backward_grad_sync) reducer_->prepare_for_backward();
  if (sync_buffers_next_ && options_.broadcast_buffers()) {
    auto buffers = module_->buffers();
    if (!buffers.empty()) broadcast_from_first(buffers, *group_);
  }
  sync_buffers_next_ = grad && require_backward_grad_sync;  // as torch's forward
}

}  // namespace torsh::nn::parallel::detail
