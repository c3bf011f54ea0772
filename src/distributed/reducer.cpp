// DistributedDataParallel's Reducer: gradient buckets all-reduced during backward.
#include <map>

#include "distributed/mpi_runtime.h"
#include "torsh/autograd/engine.h"
#include "torsh/autograd/node.h"
#include "torsh/core/error.h"
#include "torsh/core/grad_mode.h"
#include "torsh/ops.h"

namespace torsh::distributed {

namespace {
constexpr int64_t kFirstBucketBytes = 1 << 20;  // torch's _DEFAULT_FIRST_BUCKET_BYTES
}

struct Reducer::State {
  struct Bucket {
    std::vector<int64_t> params;  // indices into State::params
    Tensor flat;                  // the bucket's values, one dtype
    int64_t pending = 0;          // gradients still to arrive this backward
    WorkPtr work;
  };
  std::vector<Tensor> params;
  ProcessGroupPtr group;
  bool find_unused = false;
  std::vector<Bucket> buckets;
  std::vector<int64_t> bucket_of;  // param -> bucket
  std::vector<Tensor> slots;       // param -> its view into the bucket
  std::vector<char> ready;         // param -> gradient arrived this backward
  std::vector<unsigned> hook_ids;  // param -> its post-accumulate hook, removed with the Reducer
  bool armed = false;              // the current backward synchronises
  bool callback_queued = false;
  size_t next_launch = 0;  // buckets launch in order, the same on every rank
  std::string unfinished;  // the error for the next prepare_for_backward

  // After backward accumulated param i's gradient (so after the user's own hooks): its .grad
  // goes into the bucket.
  void on_grad_ready(int64_t i, const std::shared_ptr<State>& self) {
    if (!armed || ready[static_cast<size_t>(i)]) return;
    if (!callback_queued) {
      callback_queued = true;
      std::weak_ptr<State> weak = self;
      autograd::queue_callback([weak] {
        if (auto st = weak.lock()) st->finish();
      });
    }
    NoGradGuard no_grad;
    slots[static_cast<size_t>(i)].copy_(params[static_cast<size_t>(i)].grad());
    mark_ready(i);
  }

  void mark_ready(int64_t i) {
    ready[static_cast<size_t>(i)] = 1;
    const int64_t b = bucket_of[static_cast<size_t>(i)];
    --buckets[static_cast<size_t>(b)].pending;
    launch_ready();
  }

  void launch_ready() {
    while (next_launch < buckets.size() && buckets[next_launch].pending == 0) {
      Bucket& bucket = buckets[next_launch++];
      bucket.work = group->allreduce(bucket.flat, ReduceOp::SUM);
    }
  }

  void finish() {
    callback_queued = false;
    const bool was_armed = armed;
    armed = false;
    if (!was_armed) return;
    std::vector<int64_t> unused;
    for (size_t i = 0; i < params.size(); ++i) {
      if (!ready[i]) unused.push_back(static_cast<int64_t>(i));
    }
    Tensor used_anywhere;
    WorkPtr used_work;
    if (!unused.empty()) {
      if (!find_unused) {
        unfinished = unused_message(unused);  // launched buckets are waited for then
        return;
      }
      NoGradGuard no_grad;
      for (int64_t i : unused) {
        const Tensor& grad = params[static_cast<size_t>(i)].grad();
        if (grad.defined()) {
          slots[static_cast<size_t>(i)].copy_(grad);
        } else {
          slots[static_cast<size_t>(i)].zero_();
        }
        mark_ready(i);
      }
    }
    if (find_unused) {  // which parameters some rank used, after the buckets (same order)
      used_anywhere = torsh::empty({static_cast<int64_t>(params.size())}, kInt);
      int32_t* u = used_anywhere.data_ptr<int32_t>();
      for (size_t i = 0; i < params.size(); ++i) u[i] = 1;
      for (int64_t i : unused) u[i] = 0;
      used_work = group->allreduce(used_anywhere, ReduceOp::SUM);
    }
    for (auto& b : buckets) b.work->wait();
    if (used_work) used_work->wait();
    // The mean, written into .grad in one pass (dividing the sum: for a world size that is a
    // power of two, bit for bit what torch's dividing each rank's share first gives).
    NoGradGuard no_grad;
    const Tensor inv = torsh::scalar_tensor(1.0 / group->size(), TensorOptions(kDouble));
    for (size_t i = 0; i < params.size(); ++i) {
      if (used_anywhere.defined() && used_anywhere.data_ptr<int32_t>()[i] == 0) continue;
      Tensor& grad = params[i].mutable_grad();
      if (!grad.defined()) grad = torsh::empty_like(slots[i]);
      torsh::mul_out(grad, slots[i], inv);
    }
    for (auto& b : buckets) b.work.reset();
  }

  static std::string unused_message(const std::vector<int64_t>& unused) {
    std::string idx;
    for (int64_t i : unused) idx += (idx.empty() ? "" : ", ") + std::to_string(i);
    return torsh::detail::str_cat(
        "Expected to have finished reduction in the prior iteration before starting a new one. "
        "This error indicates that your module has parameters that were not used in producing "
        "loss. You can enable unused parameter detection by passing the keyword argument "
        "`find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`, and by "
        "making sure all `forward` function outputs participate in calculating loss.\n"
        "Parameter indices which did not receive grad for rank ",
        get_rank(), ": ", idx);
  }
};

Reducer::Reducer(std::vector<Tensor> params, ProcessGroupPtr group, int64_t bucket_cap_bytes,
                 bool find_unused_parameters)
    : state_(std::make_shared<State>()) {
  State& s = *state_;
  s.group = group ? std::move(group) : default_group();
  s.find_unused = find_unused_parameters;
  s.params = std::move(params);
  const size_t n = s.params.size();
  s.bucket_of.assign(n, -1);
  s.slots.resize(n);
  s.ready.assign(n, 0);
  // Reverse order (gradients of the last layers arrive first); per dtype, a bucket closes once
  // it reaches its limit: 1 MiB for the first, bucket_cap_bytes after.
  std::map<ScalarType, std::pair<int64_t, int64_t>> open;  // dtype -> (bucket, bytes)
  std::map<ScalarType, int> closed;
  for (size_t k = n; k-- > 0;) {
    const Tensor& p = s.params[k];
    TORSH_CHECK(p.defined() && p.requires_grad(), "DistributedDataParallel: parameter ", k,
                " does not require grad");
    const ScalarType dt = p.scalar_type();
    auto it = open.find(dt);
    if (it == open.end()) {
      s.buckets.emplace_back();
      it = open.emplace(dt, std::make_pair(static_cast<int64_t>(s.buckets.size() - 1), 0)).first;
    }
    State::Bucket& bucket = s.buckets[static_cast<size_t>(it->second.first)];
    bucket.params.push_back(static_cast<int64_t>(k));
    s.bucket_of[k] = it->second.first;
    it->second.second += p.numel() * p.element_size();
    const int64_t limit = closed[dt] == 0 ? kFirstBucketBytes : bucket_cap_bytes;
    if (it->second.second >= limit) {
      ++closed[dt];
      open.erase(it);
    }
  }
  for (auto& bucket : s.buckets) {
    int64_t total = 0;
    for (int64_t i : bucket.params) total += s.params[static_cast<size_t>(i)].numel();
    const ScalarType dt = s.params[static_cast<size_t>(bucket.params[0])].scalar_type();
    bucket.flat = torsh::zeros({total}, dt);
    int64_t at = 0;
    for (int64_t i : bucket.params) {
      const Tensor& p = s.params[static_cast<size_t>(i)];
      s.slots[static_cast<size_t>(i)] = bucket.flat.narrow(0, at, p.numel()).view(p.sizes());
      at += p.numel();
    }
  }
  std::weak_ptr<State> weak = state_;
  for (size_t k = 0; k < n; ++k) {
    s.hook_ids.push_back(
        autograd::register_post_accumulate_grad_hook(s.params[k], [weak, k](const Tensor&) {
          if (auto st = weak.lock()) st->on_grad_ready(static_cast<int64_t>(k), st);
        }));
  }
}

Reducer::~Reducer() {
  State& s = *state_;
  for (size_t k = 0; k < s.params.size(); ++k) {
    autograd::remove_post_accumulate_grad_hook(s.params[k], s.hook_ids[k]);
  }
  for (auto& b : s.buckets) {
    if (b.work) b.work->wait();  // MPI may still be reading the bucket
  }
}

void Reducer::prepare_for_backward() {
  State& s = *state_;
  // A backward that failed midway left its end-of-pass callback unrun: its buckets may still
  // be in flight. Let them finish before their memory is written again.
  s.callback_queued = false;
  s.armed = false;
  for (auto& bucket : s.buckets) {
    if (!bucket.work) continue;
    try {
      bucket.work->wait();
    } catch (const std::exception&) {
      // that step's error was the backward's; this one starts afresh
    }
  }
  if (!s.unfinished.empty()) {
    std::string message;
    std::swap(message, s.unfinished);
    throw Error(message);
  }
  for (auto& bucket : s.buckets) {
    bucket.pending = static_cast<int64_t>(bucket.params.size());
    bucket.work.reset();
  }
  std::fill(s.ready.begin(), s.ready.end(), 0);
  s.next_launch = 0;
  s.armed = true;
}

std::vector<std::vector<int64_t>> Reducer::bucket_indices() const {
  std::vector<std::vector<int64_t>> out;
  for (const auto& b : state_->buckets) out.push_back(b.params);
  return out;
}

}  // namespace torsh::distributed
