// torsh._C._distributed: the process-group objects behind torsh.distributed (the torch API
// itself, with its group and rank handling, is Python: torsh/distributed/__init__.py).
#include <pybind11/chrono.h>
#include <pybind11/stl.h>

#include "bindings.h"

#ifdef TORSH_HAVE_DISTRIBUTED
#include "torsh/distributed.h"

namespace torsh::python {

namespace dist = torsh::distributed;

void register_distributed(py::module_& m) {
  auto d = m.def_submodule("_distributed", "process groups on MPI");
  d.attr("available") = true;
  py::class_<dist::Work, dist::WorkPtr>(d, "Work")
      .def(
          "wait",
          [](dist::Work& w, std::optional<std::chrono::milliseconds> timeout) {
            if (timeout && timeout->count() <= 0) timeout.reset();
            py::gil_scoped_release nogil;
            return w.wait(timeout);
          },
          py::arg("timeout") = py::none())
      .def("is_completed", &dist::Work::is_completed)
      .def("is_success", &dist::Work::is_success)
      .def("exception",
           [](dist::Work& w) -> py::object {
             auto e = w.exception();
             if (!e) return py::none();
             try {
               std::rethrow_exception(e);
             } catch (const std::exception& x) {
               return py::str(x.what());
             }
           })
      .def("result", &dist::Work::result)
      .def("_source_rank", &dist::Work::source_rank);

  using PG = dist::ProcessGroup;
  auto op = [](int v) { return static_cast<dist::ReduceOp>(v); };
  py::class_<PG, dist::ProcessGroupPtr>(d, "ProcessGroup")
      .def("rank", &PG::rank)
      .def("size", &PG::size)
      .def("backend", &PG::backend)
      .def("global_ranks", &PG::global_ranks)
      .def("allreduce", [op](PG& g, const Tensor& t, int o) { return g.allreduce(t, op(o)); })
      .def("broadcast", &PG::broadcast)
      .def("reduce",
           [op](PG& g, const Tensor& t, int root, int o) { return g.reduce(t, root, op(o)); })
      .def("allgather", &PG::allgather)
      .def("allgather_into_tensor", &PG::allgather_into_tensor)
      .def("reduce_scatter", [op](PG& g, const Tensor& out, const std::vector<Tensor>& in,
                                  int o) { return g.reduce_scatter(out, in, op(o)); })
      .def("reduce_scatter_tensor", [op](PG& g, const Tensor& out, const Tensor& in,
                                         int o) { return g.reduce_scatter_tensor(out, in, op(o)); })
      .def("gather", &PG::gather)
      .def("scatter", &PG::scatter)
      .def("alltoall", &PG::alltoall)
      .def("alltoall_single", &PG::alltoall_single)
      .def("barrier", &PG::barrier)
      .def("send", &PG::send)
      .def("recv", &PG::recv);

  py::class_<dist::Reducer>(d, "Reducer")
      .def(py::init<std::vector<Tensor>, dist::ProcessGroupPtr, int64_t, bool>(), py::arg("params"),
           py::arg("group"), py::arg("bucket_cap_bytes"), py::arg("find_unused_parameters"))
      .def("prepare_for_backward", &dist::Reducer::prepare_for_backward)
      .def("bucket_indices", &dist::Reducer::bucket_indices);

  d.def(
      "init_process_group",
      [](const std::string& backend, int world_size, int rank, std::chrono::milliseconds timeout) {
        py::gil_scoped_release nogil;
        dist::init_process_group(backend, world_size, rank, timeout);
      },
      py::arg("backend"), py::arg("world_size"), py::arg("rank"), py::arg("timeout"));
  d.def("is_initialized", &dist::is_initialized);
  d.def("default_group", &dist::default_group);
  d.def(
      "new_group",
      [](const std::vector<int>& ranks) {
        py::gil_scoped_release nogil;
        return dist::new_group(ranks);
      },
      py::arg("ranks"));
  d.def("destroy_process_group", &dist::destroy_process_group);
  d.def("shutdown", [] {
    py::gil_scoped_release nogil;  // the thread may need the GIL to free numpy-backed tensors
    dist::shutdown();
  });
  d.def("reduce_op_name", [op](int o) { return std::string(dist::reduce_op_name(op(o))); });
  d.def("abort", [](int code) { dist::abort(code); });
}

}  // namespace torsh::python

#else

namespace torsh::python {
void register_distributed(py::module_& m) {
  auto d = m.def_submodule("_distributed", "built without MPI");
  d.attr("available") = false;
}
}  // namespace torsh::python

#endif
