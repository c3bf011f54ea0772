// ProcessGroup over an MPI communicator, and the module-level functions (init_process_group,
// new_group, ...). Inputs are checked on the calling thread, so bad arguments raise at the call;
// the MPI calls run on the communication thread (mpi_runtime.cpp).
#include <climits>
#include <cstdlib>
#include <numeric>

#include "distributed/mpi_runtime.h"
#include "torsh/core/error.h"
#include "torsh/ops.h"

namespace torsh::distributed {
namespace detail {
namespace {

using torsh::detail::str_cat;
using Outputs = std::vector<Tensor>;

int count_of(int64_t n, const char* op) {
  TORSH_CHECK(n <= INT_MAX, op, ": ", n, " elements exceed MPI's count limit (2^31 - 1)");
  return static_cast<int>(n);
}

void* ptr(const Tensor& t) { return t.data_ptr(); }

// dst gets buf's values when buf is dst's contiguous copy.
void write_back(const Tensor& dst, const Tensor& buf) {
  if (!buf.is_same(dst)) dst.copy_(buf);
}

// A flat contiguous tensor holding the tensors' values one after another.
Tensor flat_cat(const std::vector<Tensor>& ts) {
  std::vector<Tensor> flat;
  flat.reserve(ts.size());
  for (const auto& t : ts) flat.push_back(t.reshape({-1}));
  return torsh::cat(flat, 0);
}

// Copies consecutive pieces of flat into the tensors.
void split_into(const Tensor& flat, const std::vector<Tensor>& ts) {
  int64_t at = 0;
  for (const auto& t : ts) {
    t.copy_(flat.narrow(0, at, t.numel()).view(t.sizes()));
    at += t.numel();
  }
}

class ProcessGroupMPI final : public ProcessGroup,
                              public std::enable_shared_from_this<ProcessGroupMPI> {
 public:
  ProcessGroupMPI(MPI_Comm comm, std::vector<int> global_ranks, std::chrono::milliseconds timeout)
      : comm_(comm), global_(std::move(global_ranks)), timeout_(timeout) {
    rank_ = 0;
    size_ = static_cast<int>(global_.size());
    const int me = Runtime::get().world_rank();
    for (int i = 0; i < size_; ++i) {
      if (global_[static_cast<size_t>(i)] == me) rank_ = i;
    }
  }
  // The communicator is left to MPI_Finalize: freeing it here could run during exit, after
  // the communication thread has stopped.
  ~ProcessGroupMPI() override = default;
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string backend() const override { return "mpi"; }
  const std::vector<int>& global_ranks() const override { return global_; }

  WorkPtr allreduce(const Tensor& tensor, ReduceOp op) override {
    const char* name = "all_reduce";
    check(tensor, name);
    const MPI_Op mop = mpi_op(op, tensor.scalar_type(), name);
    const int n = count_of(tensor.numel(), name);
    Tensor buf = tensor.contiguous();
    return submit(name, [=, this, keep = shared_from_this()] {
      check_mpi(MPI_Allreduce(MPI_IN_PLACE, ptr(buf), n, mpi_type(buf.scalar_type()), mop, comm_),
                name);
      finish_avg(buf, op);
      write_back(tensor, buf);
      return Outputs{tensor};
    });
  }

  WorkPtr broadcast(const Tensor& tensor, int root) override {
    const char* name = "broadcast";
    check(tensor, name);
    check_rank(root, name, "src");
    const int n = count_of(tensor.numel(), name);
    Tensor buf = tensor.contiguous();
    return submit(name, [=, this, keep = shared_from_this()] {
      check_mpi(MPI_Bcast(ptr(buf), n, mpi_type(buf.scalar_type()), root, comm_), name);
      write_back(tensor, buf);
      return Outputs{tensor};
    });
  }

  WorkPtr reduce(const Tensor& tensor, int root, ReduceOp op) override {
    const char* name = "reduce";
    check(tensor, name);
    check_rank(root, name, "dst");
    const MPI_Op mop = mpi_op(op, tensor.scalar_type(), name);
    const int n = count_of(tensor.numel(), name);
    Tensor buf = tensor.contiguous();
    const bool is_root = root == rank_;
    return submit(name, [=, this, keep = shared_from_this()] {
      check_mpi(MPI_Reduce(is_root ? MPI_IN_PLACE : ptr(buf), is_root ? ptr(buf) : nullptr, n,
                           mpi_type(buf.scalar_type()), mop, root, comm_),
                name);
      if (is_root) {
        finish_avg(buf, op);
        write_back(tensor, buf);
      }
      return Outputs{tensor};
    });
  }

  WorkPtr allgather(const std::vector<Tensor>& outputs, const Tensor& input) override {
    const char* name = "all_gather";
    check(input, name);
    check_list(outputs, input, name, "tensor_list");
    const int n = count_of(input.numel(), name);
    Tensor in = input.contiguous();
    return submit(name, [=, this, keep = shared_from_this()] {
      Tensor flat = torsh::empty({static_cast<int64_t>(n) * size_}, in.scalar_type());
      const MPI_Datatype type = mpi_type(in.scalar_type());
      check_mpi(MPI_Allgather(ptr(in), n, type, ptr(flat), n, type, comm_), name);
      split_into(flat, outputs);
      return outputs;
    });
  }

  WorkPtr allgather_into_tensor(const Tensor& output, const Tensor& input) override {
    const char* name = "all_gather_into_tensor";
    check(input, name);
    check(output, name);
    check_same_dtype(output, input, name);
    TORSH_CHECK(output.numel() == input.numel() * size_, name,
                ": output tensor size must be equal to world_size times input tensor size "
                "(output ",
                torsh::detail::shape_str(output.sizes()), ", input ",
                torsh::detail::shape_str(input.sizes()), ", world_size ", size_, ")");
    const int n = count_of(input.numel(), name);
    count_of(output.numel(), name);
    Tensor in = input.contiguous();
    Tensor out = output.contiguous();
    return submit(name, [=, this, keep = shared_from_this()] {
      const MPI_Datatype type = mpi_type(in.scalar_type());
      check_mpi(MPI_Allgather(ptr(in), n, type, ptr(out), n, type, comm_), name);
      write_back(output, out);
      return Outputs{output};
    });
  }

  WorkPtr reduce_scatter(const Tensor& output, const std::vector<Tensor>& inputs,
                         ReduceOp op) override {
    const char* name = "reduce_scatter";
    check(output, name);
    check_list(inputs, output, name, "input_list");
    const MPI_Op mop = mpi_op(op, output.scalar_type(), name);
    const int n = count_of(output.numel(), name);
    count_of(output.numel() * size_, name);
    Tensor flat = flat_cat(inputs);
    Tensor out = output.contiguous();
    return submit(name, [=, this, keep = shared_from_this()] {
      check_mpi(
          MPI_Reduce_scatter_block(ptr(flat), ptr(out), n, mpi_type(out.scalar_type()), mop, comm_),
          name);
      finish_avg(out, op);
      write_back(output, out);
      return Outputs{output};
    });
  }

  WorkPtr reduce_scatter_tensor(const Tensor& output, const Tensor& input, ReduceOp op) override {
    const char* name = "reduce_scatter_tensor";
    check(input, name);
    check(output, name);
    check_same_dtype(output, input, name);
    TORSH_CHECK(input.numel() == output.numel() * size_, name,
                ": input tensor must be the same size as output size times world size (input ",
                torsh::detail::shape_str(input.sizes()), ", output ",
                torsh::detail::shape_str(output.sizes()), ", world_size ", size_, ")");
    const MPI_Op mop = mpi_op(op, output.scalar_type(), name);
    const int n = count_of(output.numel(), name);
    count_of(input.numel(), name);
    Tensor in = input.contiguous();
    Tensor out = output.contiguous();
    return submit(name, [=, this, keep = shared_from_this()] {
      check_mpi(
          MPI_Reduce_scatter_block(ptr(in), ptr(out), n, mpi_type(out.scalar_type()), mop, comm_),
          name);
      finish_avg(out, op);
      write_back(output, out);
      return Outputs{output};
    });
  }

  WorkPtr gather(const std::vector<Tensor>& outputs, const Tensor& input, int root) override {
    const char* name = "gather";
    const int n = check_rooted(input, outputs, root, name, "dst", "gather_list", "destination");
    const bool is_root = root == rank_;
    Tensor in = input.contiguous();
    return submit(name, [=, this, keep = shared_from_this()] {
      const MPI_Datatype type = mpi_type(in.scalar_type());
      Tensor flat;
      if (is_root) flat = torsh::empty({static_cast<int64_t>(n) * size_}, in.scalar_type());
      check_mpi(MPI_Gather(ptr(in), n, type, is_root ? ptr(flat) : nullptr, n, type, root, comm_),
                name);
      if (is_root) split_into(flat, outputs);
      return outputs;
    });
  }

  WorkPtr scatter(const Tensor& output, const std::vector<Tensor>& inputs, int root) override {
    const char* name = "scatter";
    const int n = check_rooted(output, inputs, root, name, "src", "scatter_list", "source");
    const bool is_root = root == rank_;
    Tensor flat = is_root ? flat_cat(inputs) : Tensor();
    Tensor out = output.contiguous();
    return submit(name, [=, this, keep = shared_from_this()] {
      const MPI_Datatype type = mpi_type(out.scalar_type());
      check_mpi(MPI_Scatter(is_root ? ptr(flat) : nullptr, n, type, ptr(out), n, type, root, comm_),
                name);
      write_back(output, out);
      return Outputs{output};
    });
  }

  WorkPtr alltoall(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs) override {
    const char* name = "all_to_all";
    TORSH_CHECK(
        static_cast<int>(outputs.size()) == size_ && static_cast<int>(inputs.size()) == size_, name,
        ": expected ", size_, " output and input tensors, got ", outputs.size(), " and ",
        inputs.size());
    std::vector<int64_t> send(inputs.size()), recv(outputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      check(inputs[i], name);
      check(outputs[i], name);
      check_same_dtype(outputs[i], inputs[0], name);
      check_same_dtype(inputs[i], inputs[0], name);
      send[i] = inputs[i].numel();
      recv[i] = outputs[i].numel();
    }
    Tensor sflat = flat_cat(inputs);
    const ScalarType dtype = inputs[0].scalar_type();
    return submit(name, [=, this, keep = shared_from_this()] {
      Tensor rflat = torsh::empty({std::accumulate(recv.begin(), recv.end(), int64_t{0})}, dtype);
      exchange(sflat, send, rflat, recv, name);
      split_into(rflat, outputs);
      return outputs;
    });
  }

  WorkPtr alltoall_single(const Tensor& output, const Tensor& input,
                          const std::vector<int64_t>& output_splits,
                          const std::vector<int64_t>& input_splits) override {
    const char* name = "all_to_all_single";
    check(input, name);
    check(output, name);
    check_same_dtype(output, input, name);
    const std::vector<int64_t> send = split_counts(input, input_splits, name, "input");
    const std::vector<int64_t> recv = split_counts(output, output_splits, name, "output");
    Tensor in = input.contiguous();
    Tensor out = output.contiguous();
    return submit(name, [=, this, keep = shared_from_this()] {
      exchange(in, send, out, recv, name);
      write_back(output, out);
      return Outputs{output};
    });
  }

  WorkPtr barrier() override {
    return submit("barrier", [this, keep = shared_from_this()] {
      check_mpi(MPI_Barrier(comm_), "barrier");
      return Outputs{};
    });
  }

  WorkPtr send(const Tensor& tensor, int dst, int tag) override {
    const char* name = "send";
    check(tensor, name);
    check_rank(dst, name, "dst");
    TORSH_CHECK(dst != rank_, name, ": a rank cannot send to itself (dst ", dst, ")");
    const int n = count_of(tensor.numel(), name);
    Tensor buf = tensor.contiguous();
    return Runtime::get().enqueue_nonblocking(name, timeout_, [=, this, keep = shared_from_this()] {
      Runtime::Pending p;
      check_mpi(MPI_Isend(ptr(buf), n, mpi_type(buf.scalar_type()), dst, tag, comm_, &p.request),
                name);
      p.done = [buf](const MPI_Status&) { return Outputs{buf}; };
      return p;
    });
  }

  WorkPtr recv(const Tensor& tensor, int src, int tag) override {
    const char* name = "recv";
    check(tensor, name);
    if (src >= 0) {
      check_rank(src, name, "src");
      TORSH_CHECK(src != rank_, name, ": a rank cannot receive from itself (src ", src, ")");
    }
    const int n = count_of(tensor.numel(), name);
    Tensor buf = tensor.contiguous();
    return Runtime::get().enqueue_nonblocking(name, timeout_, [=, this, keep = shared_from_this()] {
      Runtime::Pending p;
      const MPI_Datatype type = mpi_type(buf.scalar_type());
      check_mpi(
          MPI_Irecv(ptr(buf), n, type, src < 0 ? MPI_ANY_SOURCE : src, tag, comm_, &p.request),
          name);
      p.done = [=](const MPI_Status& status) {
        int got = 0;
        MPI_Get_count(&status, type, &got);
        TORSH_CHECK(got == n, name, ": expected ", n, " elements from rank ", status.MPI_SOURCE,
                    ", received ", got);
        write_back(tensor, buf);
        return Outputs{tensor};
      };
      return p;
    });
  }

 private:
  // Each task holds the group (keep = shared_from_this()): work still queued when the group is
  // destroyed, or at exit, runs against a live communicator.
  WorkPtr submit(const char* name, std::function<Outputs()> fn) {
    return Runtime::get().enqueue(name, timeout_, std::move(fn));
  }
  void check(const Tensor& t, const char* name) const {
    TORSH_CHECK(t.defined(), name, ": expected a tensor, got an undefined one");
    mpi_type(t.scalar_type());  // throws for dtypes MPI cannot move
  }
  void check_rank(int r, const char* name, const char* arg) const {
    TORSH_CHECK(r >= 0 && r < size_, name, ": ", arg, " rank ", r,
                " is out of range for a group of size ", size_);
  }
  static void check_same_dtype(const Tensor& a, const Tensor& b, const char* name) {
    TORSH_CHECK(a.scalar_type() == b.scalar_type(), name,
                ": Invalid usage of tensors with different dtypes. Found ",
                scalar_type_name(a.scalar_type()), " and ", scalar_type_name(b.scalar_type()));
  }
  void check_list(const std::vector<Tensor>& list, const Tensor& like, const char* name,
                  const char* arg) const {
    TORSH_CHECK(static_cast<int>(list.size()) == size_, name, ": ", arg,
                " must have one tensor per rank (", size_, "), got ", list.size());
    for (const auto& t : list) {
      check(t, name);
      check_same_dtype(t, like, name);
      TORSH_CHECK(t.numel() == like.numel(), name, ": tensors in ", arg,
                  " must have as many elements as the tensor (",
                  torsh::detail::shape_str(like.sizes()), "), got ",
                  torsh::detail::shape_str(t.sizes()));
    }
  }
  // gather and scatter: the list (one tensor like t per rank) on root only; returns t's count.
  int check_rooted(const Tensor& t, const std::vector<Tensor>& list, int root, const char* name,
                   const char* root_arg, const char* list_arg, const char* root_role) const {
    check(t, name);
    check_rank(root, name, root_arg);
    if (root == rank_) {
      check_list(list, t, name, list_arg);
    } else {
      TORSH_CHECK_T(ValueError, list.empty(), name, ": Argument ``", list_arg,
                    "`` must NOT be specified on non-", root_role, " ranks.");
    }
    count_of(t.numel() * size_, name);
    return count_of(t.numel(), name);
  }
  std::vector<int64_t> split_counts(const Tensor& t, const std::vector<int64_t>& splits,
                                    const char* name, const char* which) const {
    TORSH_CHECK(t.dim() > 0, name, ": the ", which, " tensor must have at least one dim");
    const int64_t rows = t.size(0);
    const int64_t row = rows == 0 ? 0 : t.numel() / rows;
    std::vector<int64_t> counts(static_cast<size_t>(size_));
    if (splits.empty()) {
      TORSH_CHECK(rows % size_ == 0, name, ": the ", which, " tensor's dim 0 (", rows,
                  ") must divide by the group size (", size_, ")");
      for (auto& c : counts) c = rows / size_ * row;
      return counts;
    }
    TORSH_CHECK(static_cast<int>(splits.size()) == size_, name, ": ", which,
                "_split_sizes must have one entry per rank (", size_, "), got ", splits.size());
    int64_t total = 0;
    for (size_t i = 0; i < splits.size(); ++i) {
      TORSH_CHECK(splits[i] >= 0, name, ": negative split size ", splits[i]);
      total += splits[i];
      counts[i] = splits[i] * row;
    }
    TORSH_CHECK(total == rows, name, ": ", which, "_split_sizes add up to ", total, " but the ",
                which, " tensor's dim 0 is ", rows);
    return counts;
  }
  // MPI_Alltoallv of contiguous buffers with per-rank element counts.
  void exchange(const Tensor& in, const std::vector<int64_t>& send, const Tensor& out,
                const std::vector<int64_t>& recv, const char* name) const {
    std::vector<int> sc(send.size()), sd(send.size()), rc(recv.size()), rd(recv.size());
    int64_t s_at = 0, r_at = 0;
    for (size_t i = 0; i < send.size(); ++i) {
      sc[i] = count_of(send[i], name);
      sd[i] = count_of(s_at, name);
      s_at += send[i];
      rc[i] = count_of(recv[i], name);
      rd[i] = count_of(r_at, name);
      r_at += recv[i];
    }
    const MPI_Datatype type = mpi_type(in.scalar_type());
    check_mpi(MPI_Alltoallv(ptr(in), sc.data(), sd.data(), type, ptr(out), rc.data(), rd.data(),
                            type, comm_),
              name);
  }
  // AVG is computed as SUM, then divided here (integers truncate).
  void finish_avg(const Tensor& buf, ReduceOp op) const {
    if (op != ReduceOp::AVG) return;
    if (is_integral(buf.scalar_type())) {
      buf.div_(torsh::scalar_tensor(size_, TensorOptions(kLong)), "trunc");
    } else {
      buf.div_(size_);
    }
  }

  MPI_Comm comm_;
  std::vector<int> global_;
  std::chrono::milliseconds timeout_;
  int rank_ = 0;
  int size_ = 1;
};

struct State {
  std::mutex mu;
  ProcessGroupPtr world;
  std::chrono::milliseconds timeout{0};
};
State& state() {
  Runtime::get();  // constructed first, so destroyed after the groups
  static State s;
  return s;
}

// A communicator over the given world ranks (sorted), made collectively over MPI_COMM_WORLD.
ProcessGroupPtr make_group(std::vector<int> ranks, std::chrono::milliseconds timeout) {
  MPI_Comm comm = MPI_COMM_NULL;
  Runtime::get().run_sync([&] {
    MPI_Group world_group, group;
    check_mpi(MPI_Comm_group(MPI_COMM_WORLD, &world_group), "new_group");
    check_mpi(MPI_Group_incl(world_group, static_cast<int>(ranks.size()), ranks.data(), &group),
              "new_group");
    check_mpi(MPI_Comm_create(MPI_COMM_WORLD, group, &comm), "new_group");
    MPI_Group_free(&group);
    MPI_Group_free(&world_group);
  });
  if (comm == MPI_COMM_NULL) return nullptr;
  return std::make_shared<ProcessGroupMPI>(comm, std::move(ranks), timeout);
}

}  // namespace
}  // namespace detail

bool is_mpi_available() { return true; }

void init_process_group(const std::string& backend, int world_size, int rank,
                        std::chrono::milliseconds timeout) {
  TORSH_CHECK_T(ValueError, backend == "mpi", "init_process_group: backend '", backend,
                "' is not available; torsh's backend is 'mpi' (launch with mpirun)");
  auto& st = detail::state();
  std::lock_guard<std::mutex> g(st.mu);
  TORSH_CHECK(!st.world, "trying to initialize the default process group twice!");
  auto& rt = detail::Runtime::get();
  rt.start();
  TORSH_CHECK_T(ValueError, world_size < 0 || world_size == rt.world_size(),
                "init_process_group: world_size=", world_size, " but the MPI launcher started ",
                rt.world_size(), " processes");
  TORSH_CHECK_T(ValueError, rank < 0 || rank == rt.world_rank(), "init_process_group: rank=", rank,
                " but MPI gives this process rank ", rt.world_rank());
  std::vector<int> all(static_cast<size_t>(rt.world_size()));
  std::iota(all.begin(), all.end(), 0);
  st.timeout = timeout;
  rt.drain_timeout = timeout;
  st.world = detail::make_group(std::move(all), timeout);
}

bool is_initialized() {
  auto& st = detail::state();
  std::lock_guard<std::mutex> g(st.mu);
  return st.world != nullptr;
}

ProcessGroupPtr default_group() {
  auto& st = detail::state();
  std::lock_guard<std::mutex> g(st.mu);
  TORSH_CHECK(st.world,
              "Default process group has not been initialized, please make sure to call "
              "init_process_group.");
  return st.world;
}

ProcessGroupPtr new_group(const std::vector<int>& ranks) {
  auto world = default_group();
  std::vector<int> sorted = ranks;
  if (sorted.empty()) sorted = world->global_ranks();
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) {
    TORSH_CHECK(sorted[i] >= 0 && sorted[i] < world->size(), "new_group: rank ", sorted[i],
                " is out of range for a world of size ", world->size());
    TORSH_CHECK(i == 0 || sorted[i] != sorted[i - 1], "new_group: rank ", sorted[i],
                " is listed twice");
  }
  return detail::make_group(std::move(sorted), detail::state().timeout);
}

void abort(int errorcode) {
  if (detail::Runtime::get().started()) MPI_Abort(MPI_COMM_WORLD, errorcode);
  std::_Exit(errorcode);
}

void shutdown() {
  {
    auto& st = detail::state();
    std::lock_guard<std::mutex> g(st.mu);
    st.world.reset();
  }
  detail::Runtime::get().stop();
}

void destroy_process_group() {
  auto& st = detail::state();
  std::lock_guard<std::mutex> g(st.mu);
  st.world.reset();
}

int get_rank(const ProcessGroupPtr& group) {
  if (group) return group->rank();
  return default_group()->rank();
}

int get_world_size(const ProcessGroupPtr& group) {
  if (group) return group->size();
  return default_group()->size();
}

}  // namespace torsh::distributed
