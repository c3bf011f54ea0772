#pragma once
// torsh::nn::parallel::DistributedDataParallel: torch's DDP for C++ modules (libtorch has none).
//
//   auto model = Net();
//   torsh::nn::parallel::DistributedDataParallel<Net> ddp(model);   // after init_process_group
//   auto out = ddp.forward(x);  ...  loss.backward();  // .grad is the mean over ranks
//   { auto guard = ddp.no_sync(); ... }                 // accumulate without communicating
#include <memory>
#include <utility>

#include "torsh/distributed.h"
#include "torsh/nn/module.h"

namespace torsh::nn::parallel {

struct DistributedDataParallelOptions {
  TORSH_ARG(double, bucket_cap_mb) = 25;
  TORSH_ARG(bool, find_unused_parameters) = false;
  TORSH_ARG(bool, broadcast_buffers) = true;
};

namespace detail {
/// What DistributedDataParallel does around the module, whatever its forward's signature.
class DDPCore {
 public:
  /// Checks that every rank has the same parameter shapes, broadcasts rank 0's parameters and
  /// buffers, and builds the Reducer.
  DDPCore(std::shared_ptr<Module> module, const DistributedDataParallelOptions& options,
          distributed::ProcessGroupPtr group);
  /// Before each forward: buffers from rank 0 and, when gradients will be synchronised, the
  /// Reducer armed for the next backward.
  void before_forward();
  bool require_backward_grad_sync = true;

 private:
  std::shared_ptr<Module> module_;
  DistributedDataParallelOptions options_;
  distributed::ProcessGroupPtr group_;
  std::unique_ptr<distributed::Reducer> reducer_;
  bool sync_buffers_next_ = true;
};
}  // namespace detail

template <typename ModuleHolder>
class DistributedDataParallel {
 public:
  explicit DistributedDataParallel(ModuleHolder module,
                                   const DistributedDataParallelOptions& options = {},
                                   distributed::ProcessGroupPtr group = nullptr)
      : module_(std::move(module)), core_(module_.ptr(), options, std::move(group)) {}

  template <typename... Args>
  decltype(auto) forward(Args&&... args) {
    core_.before_forward();
    return module_->forward(std::forward<Args>(args)...);
  }
  ModuleHolder& module() { return module_; }
  std::vector<Tensor> parameters(bool recurse = true) const { return module_->parameters(recurse); }

  /// While the guard lives, backward accumulates gradients locally; the first synchronised
  /// backward after it averages what was accumulated.
  class NoSyncGuard {
   public:
    explicit NoSyncGuard(detail::DDPCore& core)
        : core_(core), old_(core.require_backward_grad_sync) {
      core_.require_backward_grad_sync = false;
    }
    ~NoSyncGuard() { core_.require_backward_grad_sync = old_; }
    NoSyncGuard(const NoSyncGuard&) = delete;
    NoSyncGuard& operator=(const NoSyncGuard&) = delete;

   private:
    detail::DDPCore& core_;
    bool old_;
  };
  [[nodiscard]] NoSyncGuard no_sync() { return NoSyncGuard(core_); }

 private:
  ModuleHolder module_;
  detail::DDPCore core_;
};

}  // namespace torsh::nn::parallel
