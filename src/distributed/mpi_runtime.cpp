#include "distributed/mpi_runtime.h"

#include <cstdlib>
#include <map>
#include <utility>

#include "torsh/core/error.h"
#include "torsh/core/grad_mode.h"
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
  // Never destroyed: a communication thread left blocked at exit must find its mutex alive.
  static Runtime* runtime = new Runtime;
  return *runtime;
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
  int provided = 0;
  if (!initialized) {
    // Every MPI call is made from the communication thread, one at a time.
    check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided),
              "init_process_group");
  } else {
    MPI_Query_thread(&provided);  // started by the program itself
  }
  if (provided < MPI_THREAD_SERIALIZED) {
    throw Error(
        "init_process_group: the MPI library does not support MPI_THREAD_SERIALIZED, which "
        "torsh's communication thread needs");
  }
  create_half_ops();  // MPI_Op_create, before the communication thread makes MPI calls
  // Errors come back as return codes (raised as torsh::Error), not as aborts.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size_);
  started_ = true;
  thread_ = std::thread([this] { loop(); });
  std::atexit([] { Runtime::get().stop(); });
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
  NoGradGuard no_grad;           // copies into the callers' tensors are not part of any graph
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
      MPI_Status status{};
      status.MPI_SOURCE = -1;
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

void Runtime::stop() {
  std::unique_lock<std::mutex> g(mu_);
  if (!started_ || stopping_) return;
  stopping_ = true;
  cv_.notify_all();
  // Operations still queued finish first (a program may exit without waiting on async work),
  // within the process group's timeout.
  const bool drained = idle_cv_.wait_for(
      g, drain_timeout, [&] { return queue_.empty() && !busy_ && in_flight_ == 0; });
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

// The user-defined reductions of 16-bit floats, made once by create_half_ops().
std::map<std::pair<ScalarType, ReduceOp>, MPI_Op> g_half_ops;

template <typename H>
void add_half_ops(ScalarType t) {
  const std::pair<ReduceOp, MPI_User_function*> fns[] = {{ReduceOp::SUM, &reduce16<H, Add>},
                                                         {ReduceOp::PRODUCT, &reduce16<H, Mul>},
                                                         {ReduceOp::MIN, &reduce16<H, Min>},
                                                         {ReduceOp::MAX, &reduce16<H, Max>}};
  for (const auto& [op, fn] : fns) {
    MPI_Op created;
    check_mpi(MPI_Op_create(fn, 1, &created), "init_process_group");
    g_half_ops[{t, op}] = created;
  }
  g_half_ops[{t, ReduceOp::AVG}] = g_half_ops[{t, ReduceOp::SUM}];
}

}  // namespace

void create_half_ops() {
  if (!g_half_ops.empty()) return;
  add_half_ops<Half>(kHalf);
  add_half_ops<BFloat16>(kBFloat16);
}

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
  if (t == kHalf || t == kBFloat16) return g_half_ops.at({t, op});
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
