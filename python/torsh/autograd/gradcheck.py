"""gradcheck / gradgradcheck: compare autograd's gradients with central finite differences
(float64, torch's defaults eps=1e-6, atol=1e-5, rtol=1e-3). Complex inputs and outputs are
checked as their real and imaginary parts: the real Jacobian of (re, im) of every output with
respect to (re, im) of every input, which autograd gives through torch's convention
(grad = dL/d(re) + i dL/d(im)) with grad_outputs 1 and 1j."""
import torsh


def _inputs_needing_grad(inputs):
    return [i for i, x in enumerate(inputs) if isinstance(x, torsh.Tensor) and x.requires_grad]


def _flat_outputs(func, inputs):
    out = func(*inputs)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o for o in outs if isinstance(o, torsh.Tensor) and
            (o.is_floating_point() or o.is_complex())]


def _real_flat(t):
    """t's values as a float64 vector, a complex element as its (re, im) pair."""
    t = t.detach()
    if t.is_complex():
        t = torsh.view_as_real(t.resolve_conj().contiguous())
    return t.reshape(-1).to(torsh.float64).clone()


def _parts(t):
    return 2 if t.is_complex() else 1


def _analytical(outs, inputs, idx):
    """jac[(o, i)]: rows = real components of input i, columns = those of output o."""
    jac = {}
    for o_i, out in enumerate(outs):
        n_out = out.numel()
        for i in idx:
            jac[(o_i, i)] = torsh.zeros(inputs[i].numel() * _parts(inputs[i]),
                                        n_out * _parts(out), dtype=torsh.float64)
        for j in range(n_out):
            for part in ((1, 1j) if out.is_complex() else (1,)):
                go = torsh.zeros(n_out, dtype=out.dtype)
                go[j] = part
                gs = torsh.autograd.grad([out], [inputs[i] for i in idx],
                                         [go.reshape(tuple(out.shape))], retain_graph=True,
                                         allow_unused=True)
                col = j * _parts(out) + (0 if part == 1 else 1)
                for i, g in zip(idx, gs):
                    if g is not None:
                        jac[(o_i, i)][:, col] = _real_flat(g.to(inputs[i].dtype))
    return jac


def _numerical(func, inputs, idx, n_outs, eps):
    jac = {}
    for i in idx:
        x = inputs[i]
        xd = x.detach()
        cols = []
        for k in range(x.numel()):
            # element k in row-major order, perturbed in place whatever x's strides
            off, rem = xd.storage_offset(), k
            for d in reversed(range(xd.dim())):
                off += (rem % xd.shape[d]) * xd.stride(d)
                rem //= xd.shape[d]
            xe = torsh.as_strided(xd, (), (), off)
            orig = xe.item()
            for step in ((eps, eps * 1j) if xd.is_complex() else (eps,)):
                xe.fill_(orig + step)  # func may itself differentiate (gradgradcheck): no no_grad
                plus = [_real_flat(o) for o in _flat_outputs(func, inputs)]
                xe.fill_(orig - step)
                minus = [_real_flat(o) for o in _flat_outputs(func, inputs)]
                xe.fill_(orig)
                cols.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
        for o_i in range(n_outs):
            jac[(o_i, i)] = torsh.stack([c[o_i] for c in cols]) if cols else None
    return jac


def gradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """True when the analytical Jacobian of func at inputs matches the numerical one."""
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    idx = _inputs_needing_grad(inputs)
    outs = _flat_outputs(func, inputs)
    analytical = _analytical(outs, inputs, idx)  # before any perturbation of the inputs
    numerical = _numerical(func, inputs, idx, len(outs), eps)
    for key, a in analytical.items():
        n = numerical[key]
        if n is None:
            continue
        ok = ((a - n).abs() <= atol + rtol * n.abs()).to(torsh.int64).sum().item() == n.numel()
        if not ok:
            if raise_exception:
                raise RuntimeError(f"Jacobian mismatch for output {key[0]} with respect to input "
                                   f"{key[1]},\nnumerical:{n}\nanalytical:{a}\n")
            return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True):
    """gradcheck of the map (inputs, grad_outputs) -> gradients: second derivatives."""
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
