#pragma once
// torsh::distributed: process groups over MPI and their collectives, with torch.distributed's
// names and semantics (c10d's ProcessGroup in libtorch). Every operation runs on one
// communication thread, in the order this process issued it, and returns a Work to wait on.
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "torsh/core/tensor.h"

namespace torsh::distributed {

/// torch.distributed.ReduceOp. AVG is SUM divided by the group size (integer types truncate).
enum class ReduceOp { SUM, PRODUCT, MIN, MAX, BAND, BOR, BXOR, AVG };
/// "SUM", "AVG", ...
const char* reduce_op_name(ReduceOp op);

/// The handle of an operation in flight (torch's Work): wait() blocks until it is done and
/// rethrows its error; is_completed() polls.
class Work {
 public:
  virtual ~Work() = default;
  /// Whether the operation has finished (successfully or not).
  virtual bool is_completed() const = 0;
  /// Whether it finished without error (false while running).
  virtual bool is_success() const = 0;
  /// Waits for completion (at most timeout when given; then throws torsh::Error), rethrowing
  /// the operation's error. Returns true.
  virtual bool wait(std::optional<std::chrono::milliseconds> timeout = std::nullopt) = 0;
  /// The error, once finished with one.
  virtual std::exception_ptr exception() const = 0;
  /// The tensors the operation wrote.
  virtual std::vector<Tensor> result() const = 0;
  /// For recv from any source: the rank the message came from (after wait()).
  virtual int source_rank() const = 0;
};
using WorkPtr = std::shared_ptr<Work>;

/// A set of ranks that run collectives together (c10d::ProcessGroup). Ranks are the group's
/// own, 0..size()-1; tensors are CPU tensors of any dtype, contiguous or not.
class ProcessGroup {
 public:
  virtual ~ProcessGroup() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// "mpi".
  virtual std::string backend() const = 0;
  /// The global rank of each member, in group rank order.
  virtual const std::vector<int>& global_ranks() const = 0;

  /// Reduces tensor across the group, in place, on every rank.
  virtual WorkPtr allreduce(const Tensor& tensor, ReduceOp op = ReduceOp::SUM) = 0;
  /// Copies root's tensor into every rank's tensor.
  virtual WorkPtr broadcast(const Tensor& tensor, int root) = 0;
  /// Reduces into root's tensor (the others' tensors are left as they were).
  virtual WorkPtr reduce(const Tensor& tensor, int root, ReduceOp op = ReduceOp::SUM) = 0;
  /// outputs[i] = rank i's input, on every rank.
  virtual WorkPtr allgather(const std::vector<Tensor>& outputs, const Tensor& input) = 0;
  /// output = the ranks' inputs concatenated along dim 0 (or stacked, if output has one more
  /// dim): all_gather_into_tensor.
  virtual WorkPtr allgather_into_tensor(const Tensor& output, const Tensor& input) = 0;
  /// output = the reduction over ranks of their inputs[rank].
  virtual WorkPtr reduce_scatter(const Tensor& output, const std::vector<Tensor>& inputs,
                                 ReduceOp op = ReduceOp::SUM) = 0;
  /// output = this rank's slice (dim 0) of the reduction of the ranks' inputs.
  virtual WorkPtr reduce_scatter_tensor(const Tensor& output, const Tensor& input,
                                        ReduceOp op = ReduceOp::SUM) = 0;
  /// On root, outputs[i] = rank i's input; outputs is empty on the other ranks.
  virtual WorkPtr gather(const std::vector<Tensor>& outputs, const Tensor& input, int root) = 0;
  /// output = root's inputs[rank]; inputs is empty on the other ranks.
  virtual WorkPtr scatter(const Tensor& output, const std::vector<Tensor>& inputs, int root) = 0;
  /// outputs[i] = rank i's inputs[rank].
  virtual WorkPtr alltoall(const std::vector<Tensor>& outputs,
                           const std::vector<Tensor>& inputs) = 0;
  /// all_to_all_single: input split along dim 0 (equally, or by input_splits), the pieces
  /// exchanged, and received pieces concatenated into output (by output_splits).
  virtual WorkPtr alltoall_single(const Tensor& output, const Tensor& input,
                                  const std::vector<int64_t>& output_splits,
                                  const std::vector<int64_t>& input_splits) = 0;
  virtual WorkPtr barrier() = 0;
  /// Point to point, by group rank; src -1 receives from any rank (Work::source_rank tells).
  virtual WorkPtr send(const Tensor& tensor, int dst, int tag = 0) = 0;
  virtual WorkPtr recv(const Tensor& tensor, int src, int tag = 0) = 0;
};
using ProcessGroupPtr = std::shared_ptr<ProcessGroup>;

/// DistributedDataParallel's gradient engine (torch's Reducer). Parameters are grouped into
/// buckets of at most bucket_cap_bytes (the first, holding the last parameters, 1 MiB), in
/// reverse order as their gradients arrive in backward. During a backward armed by
/// prepare_for_backward(), each gradient (plus the `.grad` it accumulates into) is written into
/// its bucket as it arrives, and a full bucket's all-reduce (SUM) starts at once, overlapping
/// the rest of backward. When backward ends, every `.grad` holds the sum divided by the group
/// size: the mean over ranks of the ranks' accumulated `.grad` (torch divides each rank's share
/// before summing, which gives the same bits when the group size is a power of two). Without
/// find_unused_parameters, a parameter that got no gradient makes the next prepare_for_backward()
/// raise (torch's "Expected to have finished reduction" error); with it, such parameters count as
/// zero, and one that no rank used keeps its `.grad`.
class Reducer {
 public:
  Reducer(std::vector<Tensor> params, ProcessGroupPtr group, int64_t bucket_cap_bytes = 25 << 20,
          bool find_unused_parameters = false);
  ~Reducer();
  Reducer(const Reducer&) = delete;
  Reducer& operator=(const Reducer&) = delete;
  /// Arms the hooks for the next backward (call at each forward that should synchronise).
  void prepare_for_backward();
  /// Parameter indices of each bucket, in launch order.
  std::vector<std::vector<int64_t>> bucket_indices() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

/// Starts MPI (once per process, with the thread level the communication thread needs) and
/// makes the world group the default. backend must be "mpi"; rank and world_size, when given
/// (>= 0), must agree with the MPI launcher's. timeout bounds each wait().
void init_process_group(const std::string& backend = "mpi", int world_size = -1, int rank = -1,
                        std::chrono::milliseconds timeout = std::chrono::minutes(30));
bool is_initialized();
/// Whether this build has the MPI backend (true: torsh builds it whenever MPI is installed).
bool is_mpi_available();
/// The default (world) group; throws when init_process_group has not run.
ProcessGroupPtr default_group();
/// A group of the given global ranks (all of them when empty). Every rank must call it, as in
/// torch; ranks outside get nullptr.
ProcessGroupPtr new_group(const std::vector<int>& ranks = {});
/// Ends the default group and every group made from it; MPI itself is finalised at exit.
void destroy_process_group();
/// Lets queued operations finish (within init_process_group's timeout), then finalises MPI.
/// Runs by itself at exit; nothing can communicate after it.
void shutdown();
/// Ends every process of the job (MPI_Abort), for a rank that cannot go on; does not return.
[[noreturn]] void abort(int errorcode);
/// This process's rank in group (the default group when null). Ranks outside a group got
/// nullptr from new_group, which means the default group here.
int get_rank(const ProcessGroupPtr& group = nullptr);
int get_world_size(const ProcessGroupPtr& group = nullptr);

}  // namespace torsh::distributed
