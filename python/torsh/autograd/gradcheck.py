"""gradcheck / gradgradcheck: compare autograd's gradients with central finite differences
(float64, torch's defaults eps=1e-6, atol=1e-5, rtol=1e-3)."""
import torsh


def _inputs_needing_grad(inputs):
    return [i for i, x in enumerate(inputs) if isinstance(x, torsh.Tensor) and x.requires_grad]


def _flat_outputs(func, inputs):
    out = func(*inputs)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o for o in outs if isinstance(o, torsh.Tensor) and o.is_floating_point()]


def gradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """True when the analytical Jacobian of func at inputs matches the numerical one."""
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    idx = _inputs_needing_grad(inputs)
    outs = _flat_outputs(func, inputs)
    for o_i, out in enumerate(outs):
        flat_out = out.reshape(-1)
        n_out = flat_out.numel()
        for i in idx:
            x = inputs[i]
            # Numerical: perturb each element of x, in place on a detached view.
            numerical = torsh.zeros(x.numel(), n_out, dtype=torsh.float64)
            xd = x.detach()
            xf = xd.reshape(-1)
            for k in range(x.numel()):
                orig = xf[k].item()
                # func may itself differentiate (gradgradcheck), so no no_grad here.
                xf[k] = orig + eps
                plus = _flat_outputs(func, inputs)[o_i].detach().reshape(-1).to(torsh.float64)
                xf[k] = orig - eps
                minus = _flat_outputs(func, inputs)[o_i].detach().reshape(-1).to(torsh.float64)
                xf[k] = orig
                numerical[k] = (plus - minus) / (2 * eps)
            # Analytical: one vector-Jacobian product per output element.
            analytical = torsh.zeros(x.numel(), n_out, dtype=torsh.float64)
            for j in range(n_out):
                go = torsh.zeros(n_out, dtype=out.dtype)
                go[j] = 1
                g = torsh.autograd.grad([out], [x], [go.reshape(out.shape)], retain_graph=True,
                                        allow_unused=True)[0]
                if g is not None:
                    analytical[:, j] = g.reshape(-1).to(torsh.float64)
            diff = (analytical - numerical).abs()
            bound = atol + rtol * numerical.abs()
            if not bool((diff <= bound).to(torsh.int64).sum().item() == diff.numel()):
                if raise_exception:
                    raise RuntimeError(
                        f"Jacobian mismatch for output {o_i} with respect to input {i},\n"
                        f"numerical:{numerical}\nanalytical:{analytical}\n")
                return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True):
    """gradcheck of the function inputs -> gradients (second derivatives)."""
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    idx = _inputs_needing_grad(inputs)
    outs = _flat_outputs(func, inputs)
    if grad_outputs is None:
        torsh.manual_seed(0)
        grad_outputs = [torsh.randn(tuple(o.shape), dtype=o.dtype).requires_grad_() for o in outs]

    def first_grads(*args):
        xs = args[:len(inputs)]
        gos = args[len(inputs):]
        o = _flat_outputs(func, xs)
        gs = torsh.autograd.grad(o, [xs[i] for i in idx], list(gos), create_graph=True,
                                 allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_grads, tuple(inputs) + tuple(grad_outputs), eps, atol, rtol,
                     raise_exception)
