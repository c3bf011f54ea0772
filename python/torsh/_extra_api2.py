"""More of torch's top-level functions, composed from torsh ops: torch.gradient (numpy's
second-order central differences with one- or two-sided edges, uniform or coordinate spacing),
rsub, nuclear_norm, frobenius_norm, cholesky_solve, cholesky_inverse, igamma / igammac,
get_device, set_warn_always / is_warn_always_enabled; the Tensor methods apply_ / map_ / map2_
(a Python callable per element, in place), polygamma_ / igamma_ / igammac_, unsafe_chunk /
unsafe_split(_with_sizes), names (all None: torsh has no named tensors) and has_names."""
import numbers

import torsh

__all__ = ["gradient", "rsub", "nuclear_norm", "frobenius_norm", "cholesky_solve",
           "cholesky_inverse", "igamma", "igammac", "get_device", "set_warn_always",
           "is_warn_always_enabled"]


# ---- gradient --------------------------------------------------------------------------------

def _spacings(input, spacing, dims):
    """Per dim: a Python number (uniform step) or a 1-D coordinate tensor."""
    if isinstance(spacing, (numbers.Number, torsh.Tensor)) and not (
            isinstance(spacing, torsh.Tensor) and spacing.dim() == 1 and len(dims) > 1):
        if isinstance(spacing, torsh.Tensor):
            if spacing.dim() == 0:
                return [spacing.item()] * len(dims)
            return [spacing] if len(dims) == 1 else [spacing] * len(dims)
        return [spacing] * len(dims)
    spacing = list(spacing)
    if len(spacing) != len(dims):
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or "
                           f"it's spacing and dim arguments to have the same length, but got a "
                           f"spacing argument of length {len(spacing)} and a dim argument of "
                           f"length {len(dims)}.")
    out = []
    for s, d in zip(spacing, dims):
        if isinstance(s, torsh.Tensor) and s.dim() == 0:
            s = s.item()
        if isinstance(s, torsh.Tensor) and s.size(0) != input.size(d):
            raise RuntimeError(f"torch.gradient expected each tensor to be on the same device "
                               f"and to have the size of the input along dim {d}, got "
                               f"{s.size(0)}")
        out.append(s)
    return out


def _along(t, d, start, stop):
    return t.narrow(d, start, stop - start)


def _gradient_1d(f, d, h, edge_order):
    n = f.size(d)
    if n < edge_order + 1:
        raise RuntimeError("torch.gradient expected each dimension size to be at least "
                           "edge_order+1")
    shape = [1] * f.dim()
    shape[d] = -1
    if isinstance(h, torsh.Tensor):
        x = h.to(f.dtype if f.is_floating_point() else torsh.get_default_dtype())
        dx = x[1:] - x[:-1]
        a = dx[:-1]  # h_{i-1}
        b = dx[1:]   # h_i
        # nonuniform central differences (numpy's formula)
        interior = (_along(f, d, 2, n) * (a * a).reshape(shape)
                    - _along(f, d, 0, n - 2) * (b * b).reshape(shape)
                    + _along(f, d, 1, n - 1) * (b * b - a * a).reshape(shape)) \
            / (a * b * (a + b)).reshape(shape)
        if edge_order == 1:
            first = (_along(f, d, 1, 2) - _along(f, d, 0, 1)) / dx[0]
            last = (_along(f, d, n - 1, n) - _along(f, d, n - 2, n - 1)) / dx[-1]
        else:
            h1, h2 = dx[0], dx[1]
            first = (-(2 * h1 + h2) / (h1 * (h1 + h2)) * _along(f, d, 0, 1)
                     + (h1 + h2) / (h1 * h2) * _along(f, d, 1, 2)
                     - h1 / (h2 * (h1 + h2)) * _along(f, d, 2, 3))
            h1, h2 = dx[-2], dx[-1]
            last = (h2 / (h1 * (h1 + h2)) * _along(f, d, n - 3, n - 2)
                    - (h1 + h2) / (h1 * h2) * _along(f, d, n - 2, n - 1)
                    + (2 * h2 + h1) / (h2 * (h1 + h2)) * _along(f, d, n - 1, n))
        return torsh.cat([first, interior, last], d)
    interior = (_along(f, d, 2, n) - _along(f, d, 0, n - 2)) / (2.0 * h)
    if edge_order == 1:
        first = (_along(f, d, 1, 2) - _along(f, d, 0, 1)) / h
        last = (_along(f, d, n - 1, n) - _along(f, d, n - 2, n - 1)) / h
    else:
        first = (-1.5 * _along(f, d, 0, 1) + 2.0 * _along(f, d, 1, 2)
                 - 0.5 * _along(f, d, 2, 3)) / h
        last = (0.5 * _along(f, d, n - 3, n - 2) - 2.0 * _along(f, d, n - 2, n - 1)
                + 1.5 * _along(f, d, n - 1, n)) / h
    return torsh.cat([first, interior, last], d)


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """torch.gradient: the derivative estimate of input along each dim (all when dim is None)
    by central differences inside and one-sided ones (first or second order) at the edges,
    with a uniform step or the given coordinates."""
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    nd = input.dim()
    raw = list(range(nd)) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    for d in raw:
        if not -nd <= d < nd:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, "
                             f"{nd - 1}], but got {d})")
    dims = [d % nd for d in raw]
    if len(set(dims)) != len(dims):
        raise RuntimeError("dim " + str(dims[0]) + " appears multiple times in the list of dims")
    steps = _spacings(input, spacing, dims)
    f = input if input.is_floating_point() or input.is_complex() else \
        input.to(torsh.get_default_dtype())
    return tuple(_gradient_1d(f, d, h, edge_order) for d, h in zip(dims, steps))


# ---- small functions -------------------------------------------------------------------------

def rsub(input, other, alpha=1):
    """torch.rsub: other - alpha * input (a number other as a 0-dim tensor, which promotes as
    torch's wrapped number does)."""
    if not isinstance(other, torsh.Tensor):
        other = torsh.tensor(other)
    return torsh.sub(other, input, alpha=alpha)


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    """torch.nuclear_norm: the sum of the singular values (of a 2-d input, or over dim)."""
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim)
        dim, keepdim = None, dim
    return torsh.norm(input, "nuc", dim=dim, keepdim=keepdim, out=out)


def frobenius_norm(input, dim=None, keepdim=False, *, out=None):
    """torch.frobenius_norm: the 2-norm of the elements over dim (every element without)."""
    return torsh.norm(input, "fro", dim=dim, keepdim=keepdim, out=out)


def cholesky_solve(input, input2, upper=False, *, out=None):
    """torch.cholesky_solve(B, L): X with A X = B for A = L L^T (U^T U when upper), by two
    triangular solves (batches broadcast)."""
    L = input2.mT if upper else input2
    batch = torsh.broadcast_shapes(tuple(input.shape[:-2]), tuple(L.shape[:-2]))
    B = input.expand(*batch, *input.shape[-2:])
    L = L.expand(*batch, *L.shape[-2:])
    Y = torsh.linalg.solve_triangular(L, B, upper=False)
    X = torsh.linalg.solve_triangular(L.mT, Y, upper=True)
    if out is not None:
        out.resize_(X.shape).copy_(X)
        return out
    return X


def cholesky_inverse(input, upper=False, *, out=None):
    """torch.cholesky_inverse(L): the inverse of A = L L^T (U^T U when upper)."""
    n = input.size(-1)
    eye = torsh.eye(n, dtype=input.dtype).expand(*input.shape[:-2], n, n)
    return cholesky_solve(eye, input, upper, out=out)


def igamma(input, other, *, out=None):
    """torch.igamma: torch.special.gammainc."""
    return torsh.special.gammainc(input, other, out=out) if out is not None else \
        torsh.special.gammainc(input, other)


def igammac(input, other, *, out=None):
    """torch.igammac: torch.special.gammaincc."""
    return torsh.special.gammaincc(input, other, out=out) if out is not None else \
        torsh.special.gammaincc(input, other)


def get_device(input):
    """torch.get_device: -1 for a CPU tensor."""
    return input.get_device()


_warn_always = [False]


def set_warn_always(b):
    """torch.set_warn_always: recorded (torsh's warnings already go through Python's warnings
    module, whose filters decide how often they show)."""
    _warn_always[0] = bool(b)


def is_warn_always_enabled():
    return _warn_always[0]


# ---- Tensor methods -----------------------------------------------------------------------

def _elementwise_(self, callable, *others):
    """self[i] = callable(self[i], *(o[i] for o in others)) in place, the others broadcast to
    self (Tensor.apply_ / map_ / map2_: a Python callable per element, CPU, as torch)."""
    import numpy as np
    args = [self.detach().numpy()] + [o.expand_as(self).detach().numpy() for o in others]
    vals = np.vectorize(callable, otypes=[args[0].dtype])(*args)
    with torsh.no_grad():
        self.copy_(torsh.tensor(vals, dtype=self.dtype))
    return self


def _install():
    for name in __all__:
        setattr(torsh, name, globals()[name])
    T = torsh.Tensor
    T.cholesky_solve = lambda self, input2, upper=False: cholesky_solve(self, input2, upper)
    T.cholesky_inverse = lambda self, upper=False: cholesky_inverse(self, upper)
    T.igamma = lambda self, other: igamma(self, other)
    T.igammac = lambda self, other: igammac(self, other)
    T.igamma_ = lambda self, other: self.copy_(igamma(self, other))
    T.igammac_ = lambda self, other: self.copy_(igammac(self, other))
    T.polygamma_ = lambda self, n: self.copy_(torsh.polygamma(n, self))
    T.apply_ = lambda self, callable: _elementwise_(self, callable)
    T.map_ = lambda self, tensor, callable: _elementwise_(self, callable, tensor)
    T.map2_ = lambda self, x, y, callable: _elementwise_(self, callable, x, y)
    T.unsafe_chunk = lambda self, chunks, dim=0: self.chunk(chunks, dim)
    T.unsafe_split = lambda self, split_size, dim=0: self.split(split_size, dim)
    T.unsafe_split_with_sizes = lambda self, split_sizes, dim=0: self.split(list(split_sizes),
                                                                            dim)
    torsh.unsafe_chunk = lambda input, chunks, dim=0: input.chunk(chunks, dim)
    torsh.unsafe_split = lambda input, split_size, dim=0: input.split(split_size, dim)
    T.names = property(lambda self: (None,) * self.dim())
    T.has_names = lambda self: False
