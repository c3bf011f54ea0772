// torch.optim's fused steps: torsh._C._fused_adam_ and _fused_sgd_ run a group's update in
// C++ (torsh::optim::fused_adam_step / fused_sgd_step), one pass per parameter. Each returns a
// "not fused" result without changing anything when a tensor is not a contiguous float or
// double tensor matching its parameter, and the Python optimizer then goes op by op.
#include <pybind11/stl.h>

#include <optional>
#include <vector>

#include "bindings.h"
#include "torsh/optim.h"

namespace torsh::python {

void register_optim(py::module_& m) {
  m.def(
      "_fused_adam_",
      [](const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
         const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
         const std::vector<Tensor>& max_exp_avg_sqs, const std::vector<Tensor>& state_steps,
         double lr, double beta1, double beta2, double weight_decay, double eps, bool amsgrad,
         bool maximize, bool decoupled) {
        // the step counts after this step; the tensors are written only if the step runs
        std::vector<double> steps;
        for (const Tensor& s : state_steps) {
          if (s.numel() != 1 || s.requires_grad()) return false;
          steps.push_back(s.item<double>() + 1);
        }
        optim::FusedAdamConfig c{lr, beta1, beta2, weight_decay, eps, amsgrad, maximize, decoupled};
        if (!optim::fused_adam_step(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps,
                                    c)) {
          return false;
        }
        for (const Tensor& s : state_steps) s.add_(1);
        return true;
      },
      py::arg("params"), py::arg("grads"), py::arg("exp_avgs"), py::arg("exp_avg_sqs"),
      py::arg("max_exp_avg_sqs"), py::arg("state_steps"), py::arg("lr"), py::arg("beta1"),
      py::arg("beta2"), py::arg("weight_decay"), py::arg("eps"), py::arg("amsgrad"),
      py::arg("maximize"), py::arg("decoupled"));
  m.def(
      "_fused_sgd_",
      [](const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
         const std::vector<std::optional<Tensor>>& momentum_buffers, double weight_decay,
         double momentum, double lr, double dampening, bool nesterov, bool maximize) -> py::object {
        std::vector<Tensor> bufs;
        for (const auto& b : momentum_buffers) bufs.push_back(b ? *b : Tensor());
        optim::FusedSgdConfig c{lr, momentum, dampening, weight_decay, nesterov, maximize};
        if (!optim::fused_sgd_step(params, grads, bufs, c)) return py::none();
        py::list out;
        for (const Tensor& b : bufs) out.append(b.defined() ? py::cast(b) : py::none());
        return out;
      },
      py::arg("params"), py::arg("grads"), py::arg("momentum_buffers"), py::arg("weight_decay"),
      py::arg("momentum"), py::arg("lr"), py::arg("dampening"), py::arg("nesterov"),
      py::arg("maximize"));
}

}  // namespace torsh::python
