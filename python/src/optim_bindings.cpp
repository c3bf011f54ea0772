// torch.optim's fused steps: torsh._C._fused_<name>_ run a group's update in C++
// (torsh::optim::fused_<name>_step, torsh/optim_fused.h), one pass per parameter. Each returns
// a "not fused" result without changing anything when a tensor is not a contiguous float or
// double tensor matching its parameter, and the Python optimizer then goes op by op.
#include <pybind11/stl.h>

#include <optional>
#include <vector>

#include "bindings.h"
#include "torsh/optim.h"

namespace torsh::python {

namespace {

// The step counts after this step, from torch's one-element step tensors (nullopt: not fusable).
std::optional<std::vector<double>> steps_after(const std::vector<Tensor>& state_steps) {
  std::vector<double> steps;
  for (const Tensor& s : state_steps) {
    if (!s.defined() || s.numel() != 1 || s.requires_grad()) return std::nullopt;
    // the value step_t += 1 leaves, in the tensor's dtype (float32 stops counting at 2^24)
    const double v = s.item<double>();
    switch (s.dtype()) {
      case kFloat:
        steps.push_back(static_cast<double>(static_cast<float>(v) + 1.0f));
        break;
      case kDouble:
        steps.push_back(v + 1);
        break;
      default:
        steps.push_back(s.clone().add_(1).item<double>());
    }
  }
  return steps;
}

// Runs step(steps) and, when it ran, counts the step in each step tensor (step_t += 1).
template <typename F>
bool with_steps(const std::vector<Tensor>& state_steps, const F& step) {
  const auto steps = steps_after(state_steps);
  if (!steps || !step(*steps)) return false;
  for (const Tensor& s : state_steps) s.add_(1);
  return true;
}

void register_adaptive(py::module_& m) {
  using namespace optim;
  using TL = std::vector<Tensor>;
  using steps_t = std::vector<double>;
  m.def(
      "_fused_adagrad_",
      [](const TL& p, const TL& g, const TL& sums, const TL& st, double lr, double weight_decay,
         double lr_decay, double eps, bool maximize) {
        FusedAdagradConfig c{lr, lr_decay, weight_decay, eps, maximize};
        return with_steps(st,
                          [&](const steps_t& s) { return fused_adagrad_step(p, g, sums, s, c); });
      },
      py::arg("params"), py::arg("grads"), py::arg("state_sums"), py::arg("state_steps"),
      py::arg("lr"), py::arg("weight_decay"), py::arg("lr_decay"), py::arg("eps"),
      py::arg("maximize"));
  m.def(
      "_fused_rmsprop_",
      [](const TL& p, const TL& g, const TL& square_avgs, const TL& grad_avgs, const TL& bufs,
         double lr, double alpha, double eps, double weight_decay, double momentum, bool centered,
         bool maximize) {
        FusedRmspropConfig c{lr, alpha, eps, weight_decay, momentum, centered, maximize};
        return fused_rmsprop_step(p, g, square_avgs, grad_avgs, bufs, c);
      },
      py::arg("params"), py::arg("grads"), py::arg("square_avgs"), py::arg("grad_avgs"),
      py::arg("momentum_buffers"), py::arg("lr"), py::arg("alpha"), py::arg("eps"),
      py::arg("weight_decay"), py::arg("momentum"), py::arg("centered"), py::arg("maximize"));
  m.def(
      "_fused_adadelta_",
      [](const TL& p, const TL& g, const TL& square_avgs, const TL& acc_deltas, double lr,
         double rho, double eps, double weight_decay, bool maximize) {
        FusedAdadeltaConfig c{lr, rho, eps, weight_decay, maximize};
        return fused_adadelta_step(p, g, square_avgs, acc_deltas, c);
      },
      py::arg("params"), py::arg("grads"), py::arg("square_avgs"), py::arg("acc_deltas"),
      py::arg("lr"), py::arg("rho"), py::arg("eps"), py::arg("weight_decay"), py::arg("maximize"));
  m.def(
      "_fused_adamax_",
      [](const TL& p, const TL& g, const TL& exp_avgs, const TL& exp_infs, const TL& st, double eps,
         double beta1, double beta2, double lr, double weight_decay, bool maximize) {
        FusedAdamaxConfig c{lr, beta1, beta2, eps, weight_decay, maximize};
        return with_steps(st, [&](const steps_t& s) {
          return fused_adamax_step(p, g, exp_avgs, exp_infs, s, c);
        });
      },
      py::arg("params"), py::arg("grads"), py::arg("exp_avgs"), py::arg("exp_infs"),
      py::arg("state_steps"), py::arg("eps"), py::arg("beta1"), py::arg("beta2"), py::arg("lr"),
      py::arg("weight_decay"), py::arg("maximize"));
  m.def(
      "_fused_nadam_",
      [](const TL& p, const TL& g, const TL& exp_avgs, const TL& exp_avg_sqs, const TL& mu_products,
         const TL& st, double beta1, double beta2, double lr, double weight_decay,
         double momentum_decay, double eps) {
        FusedNadamConfig c{lr, beta1, beta2, eps, weight_decay, momentum_decay};
        return with_steps(st, [&](const steps_t& s) {
          return fused_nadam_step(p, g, exp_avgs, exp_avg_sqs, mu_products, s, c);
        });
      },
      py::arg("params"), py::arg("grads"), py::arg("exp_avgs"), py::arg("exp_avg_sqs"),
      py::arg("mu_products"), py::arg("state_steps"), py::arg("beta1"), py::arg("beta2"),
      py::arg("lr"), py::arg("weight_decay"), py::arg("momentum_decay"), py::arg("eps"));
  m.def(
      "_fused_radam_",
      [](const TL& p, const TL& g, const TL& exp_avgs, const TL& exp_avg_sqs, const TL& st,
         double beta1, double beta2, double lr, double weight_decay, double eps) {
        FusedRadamConfig c{lr, beta1, beta2, eps, weight_decay};
        return with_steps(st, [&](const steps_t& s) {
          return fused_radam_step(p, g, exp_avgs, exp_avg_sqs, s, c);
        });
      },
      py::arg("params"), py::arg("grads"), py::arg("exp_avgs"), py::arg("exp_avg_sqs"),
      py::arg("state_steps"), py::arg("beta1"), py::arg("beta2"), py::arg("lr"),
      py::arg("weight_decay"), py::arg("eps"));
  m.def(
      "_fused_asgd_",
      [](const TL& p, const TL& g, const TL& axs, const TL& mus, const TL& etas, const TL& st,
         double lambd, double lr, double t0, double alpha, double weight_decay, bool maximize) {
        FusedAsgdConfig c{lr, lambd, alpha, t0, weight_decay, maximize};
        return with_steps(
            st, [&](const steps_t& s) { return fused_asgd_step(p, g, axs, mus, etas, s, c); });
      },
      py::arg("params"), py::arg("grads"), py::arg("axs"), py::arg("mus"), py::arg("etas"),
      py::arg("state_steps"), py::arg("lambd"), py::arg("lr"), py::arg("t0"), py::arg("alpha"),
      py::arg("weight_decay"), py::arg("maximize"));
  m.def(
      "_fused_rprop_",
      [](const TL& p, const TL& g, const TL& prevs, const TL& step_sizes, double step_size_min,
         double step_size_max, double etaplus, double etaminus, bool maximize) {
        FusedRpropConfig c{etaminus, etaplus, step_size_min, step_size_max, maximize};
        return fused_rprop_step(p, g, prevs, step_sizes, c);
      },
      py::arg("params"), py::arg("grads"), py::arg("prevs"), py::arg("step_sizes"),
      py::arg("step_size_min"), py::arg("step_size_max"), py::arg("etaplus"), py::arg("etaminus"),
      py::arg("maximize"));
}

}  // namespace

void register_optim(py::module_& m) {
  register_adaptive(m);
  m.def(
      "_fused_adam_",
      [](const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
         const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
         const std::vector<Tensor>& max_exp_avg_sqs, const std::vector<Tensor>& state_steps,
         double lr, double beta1, double beta2, double weight_decay, double eps, bool amsgrad,
         bool maximize, bool decoupled) {
        optim::FusedAdamConfig c{lr, beta1, beta2, weight_decay, eps, amsgrad, maximize, decoupled};
        return with_steps(state_steps, [&](const std::vector<double>& steps) {
          return optim::fused_adam_step(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs,
                                        steps, c);
        });
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
