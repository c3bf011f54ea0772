#pragma once
// The MPI runtime behind torsh::distributed: MPI started once per process, one communication
// thread that runs every collective in issue order, Work objects, and the dtype and reduction
// mappings onto MPI's.
#include <mpi.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "torsh/distributed.h"

namespace torsh::distributed::detail {

/// A Work finished by the communication thread (or by MPI requests for point to point).
class WorkImpl : public Work {
 public:
  bool is_completed() const override;
  bool is_success() const override;
  bool wait(std::optional<std::chrono::milliseconds> timeout) override;
  std::exception_ptr exception() const override;
  std::vector<Tensor> result() const override;
  int source_rank() const override;

  /// Marks the work finished (error null on success) and wakes waiters.
  void finish(std::vector<Tensor> outputs, std::exception_ptr error, int source = -1);
  /// The op's name for timeout messages.
  std::string name;
  std::chrono::milliseconds timeout{0};

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::exception_ptr error_;
  std::vector<Tensor> outputs_;
  int source_ = -1;
};

/// MPI for this process: started by init_process_group, finalised at exit.
class Runtime {
 public:
  static Runtime& get();
  /// Starts MPI (idempotent) and the communication thread.
  void start();
  bool started() const { return started_; }
  int world_rank() const { return world_rank_; }
  int world_size() const { return world_size_; }
  /// Runs fn on the communication thread after everything queued before it; the returned work
  /// finishes with fn's outputs or its exception.
  std::shared_ptr<WorkImpl> enqueue(std::string name, std::chrono::milliseconds timeout,
                                    std::function<std::vector<Tensor>()> fn);
  /// A nonblocking MPI operation started on the communication thread: post() starts it and
  /// returns its request; done() gives the outputs once MPI_Test reports it complete.
  struct Pending {
    MPI_Request request = MPI_REQUEST_NULL;
    std::function<std::vector<Tensor>(const MPI_Status&)> done;
    std::shared_ptr<WorkImpl> work;
  };
  std::shared_ptr<WorkImpl> enqueue_nonblocking(std::string name, std::chrono::milliseconds timeout,
                                                std::function<Pending()> post);
  /// Runs fn on the communication thread and waits for it (used to create communicators).
  void run_sync(const std::function<void()>& fn);
  /// Lets queued work finish (up to drain_timeout), stops the thread and finalises MPI; at exit
  /// (std::atexit, and Python's atexit before the interpreter goes). Idempotent.
  void stop();
  std::chrono::milliseconds drain_timeout{std::chrono::minutes(30)};

 private:
  Runtime() = default;
  void loop();
  struct Task {
    std::shared_ptr<WorkImpl> work;
    std::function<std::vector<Tensor>()> fn;
    std::function<Pending()> post;
  };
  std::shared_ptr<WorkImpl> push(std::string name, std::chrono::milliseconds timeout,
                                 std::function<std::vector<Tensor>()> fn,
                                 std::function<Pending()> post);
  /// Runs one task; nonblocking ones join pending.
  void run(Task& task, std::vector<Pending>& pending);
  bool started_ = false;
  bool stopping_ = false;
  bool busy_ = false;
  size_t in_flight_ = 0;  // nonblocking operations not yet complete
  int world_rank_ = 0;
  int world_size_ = 1;
  std::mutex mu_;
  std::condition_variable cv_;       // work queued, or stopping
  std::condition_variable idle_cv_;  // an operation finished
  std::deque<Task> queue_;
  std::thread thread_;
};

/// Throws torsh::Error naming op when an MPI call failed.
void check_mpi(int rc, const char* op);
/// The MPI datatype moving one element of t (Half and BFloat16 move as 16-bit words).
MPI_Datatype mpi_type(ScalarType t);
/// The MPI reduction for op on dtype t (user-defined ops for Half and BFloat16); throws
/// torsh::Error for combinations torch rejects (bitwise ops on floats, MIN/MAX on complex).
MPI_Op mpi_op(ReduceOp op, ScalarType t, const char* name);
/// Creates the Half and BFloat16 reductions (Runtime::start, before the thread starts).
void create_half_ops();

}  // namespace torsh::distributed::detail
