#pragma once
// The worker threads of a C++ data loader (DataLoaderOptions().workers(n), as libtorch's): each
// worker holds its own copy of the dataset and turns batches of indices into batches; the
// loading thread draws the indices from the sampler, keeps up to max_jobs batches in flight and
// takes results in sampler order (enforce_ordering) or as they finish. An exception thrown by
// the dataset reaches the loading thread when its batch is taken.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "torsh/core/error.h"

namespace torsh::data::detail {

template <typename DatasetT, typename BatchT>
class BatchWorkers {
 public:
  struct Result {
    std::optional<BatchT> batch;
    std::exception_ptr error;
  };

  BatchWorkers(const DatasetT& dataset, size_t workers) {
    if constexpr (std::is_copy_constructible_v<DatasetT>) {
      for (size_t i = 0; i < workers; ++i) {
        threads_.emplace_back([this, copy = dataset]() mutable { run(copy); });
      }
    } else {
      TORSH_CHECK(false, "DataLoader: workers > 0 needs a copyable dataset (each worker holds ",
                  "a copy)");
    }
  }
  BatchWorkers(const BatchWorkers&) = delete;
  BatchWorkers& operator=(const BatchWorkers&) = delete;
  ~BatchWorkers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    jobs_ready_.notify_all();
    for (auto& t : threads_) t.join();
  }

  /// Starts a new pass: queued jobs are dropped, late results of the old pass discarded.
  void new_epoch() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++epoch_;
    jobs_.clear();
    results_.clear();
  }

  /// Queues the batch of indices numbered seq in this pass.
  void push(size_t seq, std::vector<size_t> indices) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_.push_back({epoch_, seq, std::move(indices)});
    }
    jobs_ready_.notify_one();
  }

  /// The result numbered seq (or, without seq, the first to finish), waiting at most timeout.
  Result pop(std::optional<size_t> seq, std::optional<std::chrono::milliseconds> timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    auto ready = [&] { return seq ? results_.count(*seq) > 0 : !results_.empty(); };
    if (timeout) {
      TORSH_CHECK(results_ready_.wait_for(lock, *timeout, ready), "DataLoader timed out after ",
                  timeout->count(), " ms waiting for a batch from its workers");
    } else {
      results_ready_.wait(lock, ready);
    }
    auto it = seq ? results_.find(*seq) : results_.begin();
    Result r = std::move(it->second);
    results_.erase(it);
    return r;
  }

 private:
  struct Job {
    uint64_t epoch;
    size_t seq;
    std::vector<size_t> indices;
  };

  void run(DatasetT& dataset) {
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        jobs_ready_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
        if (stop_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      Result r;
      try {
        r.batch.emplace(dataset.get_batch(job.indices));
      } catch (...) {
        r.error = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (job.epoch != epoch_) continue;  // a pass that was restarted
        results_.emplace(job.seq, std::move(r));
      }
      results_ready_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable jobs_ready_, results_ready_;
  std::deque<Job> jobs_;
  std::map<size_t, Result> results_;
  uint64_t epoch_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace torsh::data::detail
