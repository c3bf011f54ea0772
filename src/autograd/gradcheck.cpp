#include "torsh/autograd/gradcheck.h"

#include <cmath>

#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::autograd {

namespace {
variable_list float_outputs(const DiffFn& fn, const variable_list& inputs) {
  variable_list r;
  for (const Tensor& t : fn(inputs))
    if (t.defined() && t.is_floating_point()) r.push_back(t);
  return r;
}

// Flat float64 copy of t (values only).
std::vector<double> values(const Tensor& t) {
  NoGradGuard g;
  Tensor c = t.detach().to(kDouble).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}
}  // namespace

bool gradcheck(const DiffFn& fn, const variable_list& inputs, double eps, double atol, double rtol,
               bool raise_exception) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].defined() && inputs[i].requires_grad()) idx.push_back(i);
  variable_list outs = float_outputs(fn, inputs);
  // Analytical Jacobians first (one vector-Jacobian product per output element), before the
  // inputs are perturbed for the numerical ones.
  std::vector<std::vector<std::vector<double>>> analytical(outs.size());
  for (size_t o = 0; o < outs.size(); ++o) {
    const int64_t n_out = outs[o].numel();
    analytical[o].assign(idx.size(), {});
    for (size_t k = 0; k < idx.size(); ++k)
      analytical[o][k].assign(static_cast<size_t>(inputs[idx[k]].numel() * n_out), 0.0);
    for (int64_t j = 0; j < n_out; ++j) {
      Tensor go = torsh::zeros({n_out}, outs[o].dtype());
      {
        NoGradGuard g;
        go.select(0, j).fill_(1);
      }
      variable_list wrt;
      for (size_t i : idx) wrt.push_back(inputs[i]);
      auto gs = grad({outs[o]}, wrt, {go.reshape(outs[o].sizes())}, true, false, true);
      for (size_t k = 0; k < idx.size(); ++k) {
        if (!gs[k].defined()) continue;
        auto v = values(gs[k]);
        for (size_t e = 0; e < v.size(); ++e) analytical[o][k][e * n_out + j] = v[e];
      }
    }
  }
  for (size_t k = 0; k < idx.size(); ++k) {
    // The input is perturbed in place, element by element in row-major order, whatever its
    // strides (a permuted dense input included).
    const Tensor in = inputs[idx[k]].detach();
    for (int64_t e = 0; e < in.numel(); ++e) {
      int64_t off = in.storage_offset(), rem = e;
      for (int64_t d = in.dim() - 1; d >= 0; --d) {
        off += (rem % in.size(d)) * in.stride(d);
        rem /= in.size(d);
      }
      const Tensor elem = in.as_strided({}, {}, off);
      const double orig = elem.item<double>();
      auto eval = [&](double v) {
        {
          NoGradGuard g;
          elem.fill_(v);
        }
        std::vector<std::vector<double>> r;
        for (const Tensor& t : float_outputs(fn, inputs)) r.push_back(values(t));
        return r;
      };
      auto plus = eval(orig + eps);
      auto minus = eval(orig - eps);
      eval(orig);
      for (size_t o = 0; o < outs.size(); ++o) {
        const int64_t n_out = outs[o].numel();
        for (int64_t j = 0; j < n_out; ++j) {
          const double num = (plus[o][j] - minus[o][j]) / (2 * eps);
          const double ana = analytical[o][k][e * n_out + j];
          if (!(std::abs(ana - num) <= atol + rtol * std::abs(num))) {
            if (!raise_exception) return false;
            throw Error(detail::str_cat("gradcheck(): Jacobian mismatch for output ", o,
                                        " with respect to input ", idx[k], " at element ", e,
                                        ", output element ", j, ": numerical ", num, " analytical ",
                                        ana));
          }
        }
      }
    }
  }
  return true;
}

bool gradgradcheck(const DiffFn& fn, const variable_list& inputs, double eps, double atol,
                   double rtol, bool raise_exception) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].defined() && inputs[i].requires_grad()) idx.push_back(i);
  variable_list outs = float_outputs(fn, inputs);
  variable_list all = inputs;
  Generator gen(0);
  for (const Tensor& o : outs)
    all.push_back(torsh::randn(o.sizes(), gen, o.dtype()).requires_grad_());
  const size_t n_in = inputs.size();
  DiffFn first = [&](const variable_list& args) {
    variable_list xs(args.begin(), args.begin() + static_cast<int64_t>(n_in));
    variable_list gos(args.begin() + static_cast<int64_t>(n_in), args.end());
    variable_list wrt;
    for (size_t i : idx) wrt.push_back(xs[i]);
    AutoGradMode enable(true);
    auto gs = grad(float_outputs(fn, xs), wrt, gos, true, true, true);
    variable_list r;
    for (const Tensor& g : gs)
      if (g.defined()) r.push_back(g);
    return r;
  };
  return gradcheck(first, all, eps, atol, rtol, raise_exception);
}

}  // namespace torsh::autograd
