"""torch.norm and Tensor.norm (torch 1.13's Python front end in torch/functional.py): a string
p picks the Frobenius norm ('fro') or the nuclear norm ('nuc', the sum of the singular values); a
number p the vector p-norm over dim (every dim when None), on the table's norm overloads."""
from torsh import _C


def _frobenius_norm(input, dim, keepdim, out=None):
    dim = list(dim)
    if len(dim) > 2:
        raise RuntimeError(f"Expected at most 2 dimensions, but got {len(dim)} dimensions "
                           "instead.")
    kw = {} if out is None else {"out": out}
    if len(dim) <= 1:
        return _C.norm(input, 2, dim, keepdim, **kw)
    nd = max(input.dim(), 1)
    a, b = [d + nd if d < 0 else d for d in dim]
    if a == b:
        raise RuntimeError(f"Expected dims to be different, got {tuple(dim)} instead")
    return _C.sqrt(_C.sum(input * input, dim, keepdim), **kw)


def _nuclear_norm(input, dim, keepdim, out):
    """torch.norm(p='nuc'): the sum of the singular values over two dims (a 2-d input's own
    without dim)."""
    if dim is None:
        if input.dim() != 2:
            n = input.dim()
            raise RuntimeError(f"Expected a tensor with 2 dimensions, but got a tensor with {n} "
                               f"dimension{'' if n == 1 else 's'} instead.")
        dim = [0, 1]
    if len(dim) != 2:
        raise RuntimeError("nuclear norm requires a 'dim' argument of size 2")
    import torsh
    return torsh.linalg.matrix_norm(input, "nuc", dim=dim, keepdim=keepdim, out=out)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch.norm: the matrix or vector norm of input over dim (see the module docstring)."""
    if not isinstance(input, _C.Tensor):
        # torch's Python front end reads input.dim() first
        raise AttributeError(f"'{type(input).__name__}' object has no attribute 'dim'")
    ndim = input.dim()
    if dim is None and out is None and dtype is None and p is not None:
        if isinstance(p, str) and p == "fro":
            return _frobenius_norm(input, (), keepdim)
        if not isinstance(p, str):
            return _C.norm(input, p, list(range(ndim)), keepdim=keepdim)
    _dim = [dim] if isinstance(dim, int) else dim
    if isinstance(p, str):
        if p == "fro":
            if dtype is not None:
                raise ValueError("dtype argument is not supported in frobenius norm")
            return _frobenius_norm(input, list(range(ndim)) if _dim is None else _dim, keepdim,
                                   out)
        if p == "nuc":
            if dtype is not None:
                raise ValueError("dtype argument is not supported in nuclear norm")
            return _nuclear_norm(input, _dim, keepdim, out)
        raise RuntimeError(f"only valid string values are 'fro' and 'nuc', found {p}")
    if _dim is None:
        _dim = list(range(ndim))
    kw = {} if out is None else {"out": out}
    if out is not None and out.is_floating_point() and (
            dtype.is_floating_point if dtype is not None else input.is_floating_point()):
        dtype = out.dtype  # torch computes a norm written to out= in out's dtype
    if dtype is not None:
        kw["dtype"] = dtype
    return _C.norm(input, p, _dim, keepdim=keepdim, **kw)


def _tensor_norm(self, p="fro", dim=None, keepdim=False, dtype=None):
    return norm(self, p, dim, keepdim, dtype=dtype)
