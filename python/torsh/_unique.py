"""torch.unique and torch.unique_consecutive as torch.functional writes them: the native op
returns (output, inverse, counts) and the front end returns the output alone or a tuple with
the parts that return_inverse / return_counts ask for (their truth value decides, as torch's
boolean_dispatch); Tensor.unique and Tensor.unique_consecutive call them. torch.histogram's
out=(hist, bin_edges), which the generated binding (one out tensor) cannot take."""
from torsh import _C
from torsh._grad_mode import no_grad

_unique2 = _C._unique2
unique_dim = _C.unique_dim
_unique_consecutive = _C.unique_consecutive
_histogram = _C.histogram


def _flag(args, kwargs, name, index):
    if name in kwargs:
        return kwargs[name]
    return args[index] if index < len(args) else False


def _select(res, inverse, counts):
    output, inverse_indices, counts_out = res
    if inverse and counts:
        return output, inverse_indices, counts_out
    if inverse:
        return output, inverse_indices
    if counts:
        return output, counts_out
    return output


def _unique_impl(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    if dim is not None:
        return unique_dim(input, dim, sorted=sorted, return_inverse=return_inverse,
                          return_counts=return_counts)
    return _unique2(input, sorted=sorted, return_inverse=return_inverse,
                    return_counts=return_counts)


def _unique_consecutive_impl(input, return_inverse=False, return_counts=False, dim=None):
    return _unique_consecutive(input, return_inverse=return_inverse, return_counts=return_counts,
                               dim=dim)


def unique(*args, **kwargs):
    """torch.unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    the unique elements (or slices along dim), sorted, with the inverse indices and counts
    when asked for."""
    return _select(_unique_impl(*args, **kwargs), _flag(args, kwargs, "return_inverse", 2),
                   _flag(args, kwargs, "return_counts", 3))


def unique_consecutive(*args, **kwargs):
    """torch.unique_consecutive(input, return_inverse=False, return_counts=False, dim=None): one
    element (or slice along dim) per run of equal consecutive ones."""
    return _select(_unique_consecutive_impl(*args, **kwargs),
                   _flag(args, kwargs, "return_inverse", 1),
                   _flag(args, kwargs, "return_counts", 2))


def histogram(*args, out=None, **kwargs):
    """torch.histogram(input, bins, *, range=None, weight=None, density=False, out=None): the
    named tuple (hist, bin_edges); with out=, both written into the given tensors."""
    if out is None:
        return _histogram(*args, **kwargs)
    if not isinstance(out, (tuple, list)) or len(out) != 2 or \
            not all(isinstance(o, _C.Tensor) for o in out):
        raise TypeError("histogram(): argument 'out' must be tuple of Tensors")
    r = _histogram(*args, **kwargs)
    for o, name in zip(out, ("hist", "bin_edges")):
        if o.dtype != r.hist.dtype:
            raise RuntimeError(f"torch.histogram: input tensor and {name} tensor should have the "
                               f"same dtype, but got input {r.hist.dtype} and {name} {o.dtype}")
    # torch records its NotImplemented node on the outputs; here they are plain copies (no
    # history), written as torch's out= does (resized, with its warning when not empty).
    with no_grad():
        for o, v in zip(out, r):
            _C.cat([v], out=o)
    return type(r)(tuple(out))


def _tensor_unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
    return unique(self, sorted=sorted, return_inverse=return_inverse,
                  return_counts=return_counts, dim=dim)


def _tensor_unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
    return unique_consecutive(self, return_inverse=return_inverse, return_counts=return_counts,
                              dim=dim)


_C.Tensor.unique = _tensor_unique
_C.Tensor.unique_consecutive = _tensor_unique_consecutive
