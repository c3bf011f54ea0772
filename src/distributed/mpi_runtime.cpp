#include "distributed/mpi_runtime.h"

#include <map>
#include <utility>

#include "torsh/core/error.h"
#include "torsh/core/half.h"

namespace torsh::distributed::detail {

// ---- Work ----

bool WorkImpl::is_completed() const {
  std::lock_guard<std::mutex> g(mu_);
  return done_;
}

bool WorkImpl::is_success() const {
  std::lock_guard<std::mutex> g(mu_);
  return done_ && !error_;
}

bool WorkImpl::wait(std::optional<std::chrono::milliseconds> timeout) {
  std::unique_lock<std::mutex> g(mu_);
  const auto limit = timeout ? *timeout : this->timeout;
  if (limit.count() > 0) {
    if (!cv_.wait_for(g, limit, [&] { return done_; })) {
      throw Error(torsh::detail::str_cat(
          name, " on rank ", Runtime::get().world_rank(), ": timed out after ", limit.count(),
          " ms waiting for the other ranks (a rank may have failed or be "
          "running a different collective)"));
    }
  } else {
    cv_.wait(g, [&] { return done_; });
  }
  if (error_) std::rethrow_exception(error_);
  return true;
}

std::exception_ptr WorkImpl::exception() const {
  std::lock_guard<std::mutex> g(mu_);
  return error_;
}

std::vector<Tensor> WorkImpl::result() const {
  std::lock_guard<std::mutex> g(mu_);
  return outputs_;
}

int WorkImpl::source_rank() const {
  std::lock_guard<std::mutex> g(mu_);
  return source_;
}

void WorkImpl::finish(std::vector<Tensor> outputs, std::exception_ptr error, int source) {
  {
    std::lock_guard<std::mutex> g(mu_);
    outputs_ = std::move(outputs);
    error_ = std::move(error);
    source_ = source;
    done_ = true;
  }
  cv_.notify_all();
}

// ---- Runtime ----

Runtime& Runtime::get() {
  static Runtime runtime;
  return runtime;
}

void check_mpi(int rc, const char* op) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw Error(
      torsh::detail::str_cat(op, ": MPI error: ", std::string(text, static_cast<size_t>(len))));
}

void Runtime::start() {
  std::lock_guard<std::mutex> g(mu_);
  if (started_) return;
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    // Every MPI call is made from the communication thread, one at a time.
    check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided),
              "init_process_group");
    if (provided < MPI_THREAD_SERIALIZED) {
      throw Error(
          "init_process_group: the MPI library does not support MPI_THREAD_SERIALIZED, which "
          "torsh's communication thread needs");
    }
  }
  // Errors come back as return codes (raised as torsh::Error), not as aborts.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size_);
  started_ = true;
  thread_ = std::thread([this] { loop(); });
}

std::shared_ptr<WorkImpl> Runtime::push(std::string name, std::chrono::milliseconds timeout,
                                        std::function<std::vector<Tensor>()> fn,
                                        std::function<Pending()> post) {
  auto work = std::make_shared<WorkImpl>();
  work->name = std::move(name);
  work->timeout = timeout;
  {
    std::lock_guard<std::mutex> g(mu_);
    TORSH_CHECK(started_ && !stopping_, work->name,
                ": the default process group has not been initialized; call "
                "init_process_group first");
    queue_.push_back(Task{work, std::move(fn), std::move(post)});
  }
  cv_.notify_all();
  return work;
}

std::shared_ptr<WorkImpl> Runtime::enqueue(std::string name, std::chrono::milliseconds timeout,
                                           std::function<std::vector<Tensor>()> fn) {
  return push(std::move(name), timeout, std::move(fn), nullptr);
}

std::shared_ptr<WorkImpl> Runtime::enqueue_nonblocking(std::string name,
                                                       std::chrono::milliseconds timeout,
                                                       std::function<Pending()> post) {
  return push(std::move(name), timeout, nullptr, std::move(post));
}

void Runtime::run_sync(const std::function<void()>& fn) {
  auto work = enqueue("new_group", std::chrono::milliseconds(0), [&] {
    fn();
    return std::vector<Tensor>{};
  });
  work->wait(std::nullopt);
}

void Runtime::run(Task& task, std::vector<Pending>& pending) {
  std::vector<Tensor> outputs;
  std::exception_ptr error;
  try {
    if (task.post) {
      Pending p = task.post();
      p.work = task.work;
      pending.push_back(std::move(p));
      return;
    }
    outputs = task.fn();
  } catch (...) {
    error = std::current_exception();
  }
  task.work->finish(std::move(outputs), error);
}

void Runtime::loop() {
  std::vector<Pending> pending;  // only this thread touches it
  for (;;) {
    Task task;
    bool have = false;
    {
      std::unique_lock<std::mutex> g(mu_);
      auto ready = [&] { return stopping_ || !queue_.empty(); };
      if (pending.empty()) {
        cv_.wait(g, ready);
      } else {
        // Poll the nonblocking operations, waking at once for new work.
        cv_.wait_for(g, std::chrono::microseconds(50), ready);
      }
      if (!queue_.empty()) {
        task = std::move(queue_.front());
        queue_.pop_front();
        have = true;
        busy_ = true;
      } else if (pending.empty()) {
        return;  // stopping, nothing left
      }
    }
    if (have) run(task, pending);
    for (size_t i = 0; i < pending.size();) {
      int flag = 0;
      MPI_Status status;
      const int rc = MPI_Test(&pending[i].request, &flag, &status);
      if (rc == MPI_SUCCESS && !flag) {
        ++i;
        continue;
      }
      std::vector<Tensor> outputs;
      std::exception_ptr error;
      try {
        check_mpi(rc, pending[i].work->name.c_str());
        outputs = pending[i].done(status);
      } catch (...) {
        error = std::current_exception();
      }
      pending[i].work->finish(std::move(outputs), error, status.MPI_SOURCE);
      pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(i));
    }
    {
      std::lock_guard<std::mutex> g(mu_);
      busy_ = false;
      in_flight_ = pending.size();
    }
    idle_cv_.notify_all();
  }
}

Runtime::~Runtime() {
  std::unique_lock<std::mutex> g(mu_);
  if (!started_) return;
  stopping_ = true;
  cv_.notify_all();
  // Operations still queued finish first (a program may exit without waiting on async work).
  const bool drained = idle_cv_.wait_for(
      g, std::chrono::seconds(10), [&] { return queue_.empty() && !busy_ && in_flight_ == 0; });
  g.unlock();
  if (!drained) {
    // A collective is still blocked in MPI (another rank failed): leave without finalising, so
    // the launcher sees this process end and stops the job.
    thread_.detach();
    return;
  }
  thread_.join();
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

// ---- dtypes and reductions ----

MPI_Datatype mpi_type(ScalarType t) {
  switch (t) {
    case kByte:
      return MPI_UINT8_T;
    case kChar:
      return MPI_INT8_T;
    case kShort:
      return MPI_INT16_T;
    case kInt:
      return MPI_INT32_T;
    case kLong:
      return MPI_INT64_T;
    case kHalf:
    case kBFloat16:
      return MPI_UINT16_T;
    case kFloat:
      return MPI_FLOAT;
    case kDouble:
      return MPI_DOUBLE;
    case kComplexFloat:
      return MPI_C_FLOAT_COMPLEX;
    case kComplexDouble:
      return MPI_C_DOUBLE_COMPLEX;
    case kBool:
      return MPI_C_BOOL;
    default:
      throw TypeError(
          torsh::detail::str_cat("torsh.distributed: unsupported dtype ", scalar_type_name(t)));
  }
}

namespace {

// Elementwise reductions of 16-bit floats, computed in float as torch's CPU kernels do.
template <typename H, typename F>
void reduce16(void* in, void* inout, int* len, MPI_Datatype*) {
  const H* a = static_cast<const H*>(in);
  H* b = static_cast<H*>(inout);
  for (int i = 0; i < *len; ++i) b[i] = H(F()(static_cast<float>(a[i]), static_cast<float>(b[i])));
}
struct Add {
  float operator()(float a, float b) const { return a + b; }
};
struct Mul {
  float operator()(float a, float b) const { return a * b; }
};
struct Min {
  float operator()(float a, float b) const { return a != a ? a : (b < a ? b : a); }
};
struct Max {
  float operator()(float a, float b) const { return a != a ? a : (b > a ? b : a); }
};

template <typename H>
MPI_Op half_op(ReduceOp op) {
  static std::mutex mu;
  static std::map<ReduceOp, MPI_Op> ops;
  std::lock_guard<std::mutex> g(mu);
  auto it = ops.find(op);
  if (it != ops.end()) return it->second;
  MPI_User_function* fn = nullptr;
  switch (op) {
    case ReduceOp::SUM:
    case ReduceOp::AVG:
      fn = &reduce16<H, Add>;
      break;
    case ReduceOp::PRODUCT:
      fn = &reduce16<H, Mul>;
      break;
    case ReduceOp::MIN:
      fn = &reduce16<H, Min>;
      break;
    default:
      fn = &reduce16<H, Max>;
      break;
  }
  MPI_Op created;
  check_mpi(MPI_Op_create(fn, 1, &created), "torsh.distributed");
  ops.emplace(op, created);
  return created;
}

}  // namespace

MPI_Op mpi_op(ReduceOp op, ScalarType t, const char* name) {
  const bool bitwise = op == ReduceOp::BAND || op == ReduceOp::BOR || op == ReduceOp::BXOR;
  if (t == kBool) {
    TORSH_CHECK(op != ReduceOp::AVG, name, ": ReduceOp.AVG is not supported for bool tensors");
    if (op == ReduceOp::SUM || op == ReduceOp::MAX || op == ReduceOp::BOR) return MPI_LOR;
    if (op == ReduceOp::BXOR) return MPI_LXOR;
    return MPI_LAND;
  }
  if (bitwise) {
    TORSH_CHECK(is_integral(t), name, ": ReduceOp.", reduce_op_name(op),
                " needs an integer or bool tensor, got ", scalar_type_name(t));
    return op == ReduceOp::BAND ? MPI_BAND : op == ReduceOp::BOR ? MPI_BOR : MPI_BXOR;
  }
  if (is_complex(t)) {
    TORSH_CHECK(op != ReduceOp::MIN && op != ReduceOp::MAX, name, ": ReduceOp.", reduce_op_name(op),
                " is not supported for complex tensors");
  }
  if (t == kHalf) return half_op<Half>(op);
  if (t == kBFloat16) return half_op<BFloat16>(op);
  switch (op) {
    case ReduceOp::PRODUCT:
      return MPI_PROD;
    case ReduceOp::MIN:
      return MPI_MIN;
    case ReduceOp::MAX:
      return MPI_MAX;
    default:
      return MPI_SUM;
  }
}

}  // namespace torsh::distributed::detail

namespace torsh::distributed {
const char* reduce_op_name(ReduceOp op) {
  switch (op) {
    case ReduceOp::SUM:
      return "SUM";
    case ReduceOp::PRODUCT:
      return "PRODUCT";
    case ReduceOp::MIN:
      return "MIN";
    case ReduceOp::MAX:
      return "MAX";
    case ReduceOp::BAND:
      return "BAND";
    case ReduceOp::BOR:
      return "BOR";
    case ReduceOp::BXOR:
      return "BXOR";
    case ReduceOp::AVG:
      return "AVG";
  }
  return "?";
}

}  // namespace torsh::distributed
