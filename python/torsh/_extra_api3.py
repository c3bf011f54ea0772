"""More of torch 1.13's top-level functions and Tensor methods, composed from torsh ops:

* the view-copy family (``t_copy``, ``select_copy``, ``split_copy``, ...): the view op applied,
  then a fresh tensor laid out as torch's clone lays it out (a dense view's strides kept,
  another's dim order kept), with torch 1.13's ``out=`` (the result copied into ``out``,
  broadcasting, no resize);
* ``as_strided_`` / ``as_strided_scatter``, functional ``fill``, ``conj_physical_``,
  ``resize_as_`` (with ``preserve_format``) and the deprecated ``Tensor.resize`` /
  ``Tensor.resize_as``, the legacy constructor ``Tensor.new``;
* ``native_dropout``, ``native_group_norm``, ``native_norm`` (sparse-only in torch: raises
  NotImplementedError on dense tensors, as torch does), ``norm_except_dim``;
* the removed legacy linear algebra (``solve``, ``eig``, ``lstsq``, ``matrix_rank`` raise as
  torch 1.13 does; ``symeig`` still works with a deprecation warning).

The rest (binomial, histogramdd, the functional RNNs, the aten forms of embedding_bag and
ctc_loss, svd/pca_lowrank) is in _extra_api4."""
import warnings

import torsh
from torsh import _C
from torsh._linalg_decomp import _result_type

_NO_GRAD_OUT = ("{}(): functions with out=... arguments don't support automatic "
                "differentiation, but one of the arguments requires grad.")


def _attach(fn, name, inputs, outputs):
    """Gives `outputs` (computed without history) a backward node `name` whose gradients for
    `inputs` are fn(*grads)."""
    _C._attach_function(fn, name, list(inputs), list(outputs))


def _write(op, result, out, check_grad=True):
    if out is None:
        return result
    if check_grad and torsh.is_grad_enabled() and (result.requires_grad or out.requires_grad):
        raise RuntimeError(_NO_GRAD_OUT.format(op))
    with torsh.no_grad():
        out.copy_(result)
    return out


def _write_list(op, results, out):
    if out is None:
        return results
    if len(out) != len(results):
        raise RuntimeError(f"{op}() expected an out= argument of size {len(results)}, got size "
                           f"{len(out)}")
    with torsh.no_grad():
        for o, r in zip(out, results):
            o.copy_(r)
    return None


def _wrap_dim(dim, ndim):
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim + n if dim < 0 else dim


def _dense_strides(sizes, strides):
    """Contiguous strides in the dim order of `strides` (torch's infer_dense_strides: dims with
    stride 0 keep their place, equal strides put the smaller dim inside)."""
    n = len(sizes)
    perm = list(range(n - 1, -1, -1))  # perm[0]: the innermost dim

    def order(d0, d1):
        s0, s1 = strides[d0], strides[d1]
        if s0 == 0 or s1 == 0:
            return 0
        if s0 != s1:
            return -1 if s0 < s1 else 1
        return 1 if sizes[d0] > sizes[d1] else 0
    for i in range(1, n):
        d1 = i
        for j in range(1, i + 1):
            d0 = i - j
            c = order(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    out, step = [0] * n, 1
    for d in perm:
        out[d] = step
        step *= max(sizes[d], 1)
    return out


def _is_dense(t):
    dims = sorted((st, sz) for sz, st in zip(t.shape, t.stride()) if sz != 1)
    expect = 1
    for st, sz in dims:
        if st != expect:
            return False
        expect *= sz
    return True


def _fresh(view):
    """A new tensor with view's values, laid out as torch's clone lays it out."""
    if _is_dense(view):
        return view.clone()
    out = torsh.empty_strided(tuple(view.shape), _dense_strides(list(view.shape),
                                                                list(view.stride())),
                              dtype=view.dtype)
    return out.copy_(view)


def _ints(op, name, pos, value, varargs=()):
    if varargs:
        raise TypeError(f"{op}() takes 2 positional arguments but {2 + len(varargs)} were given")
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    for i, v in enumerate(value):
        if not isinstance(v, int) or isinstance(v, bool):
            raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be tuple of ints, "
                            f"but found element of type {type(v).__name__} at pos {i + 1}")
    return list(value)


# ---- the view-copy family ---------------------------------------------------------------------

def alias_copy(input, *, out=None):
    return _write("alias_copy", _fresh(input), out)


def as_strided_copy(input, size, stride, storage_offset=None, *, out=None):
    return _write("as_strided_copy", _fresh(input.as_strided(size, stride, storage_offset)), out)


def detach_copy(input, *, out=None):
    result = _fresh(input.detach())
    if input.requires_grad and torsh.is_grad_enabled():
        # torch 1.13 marks the copy as requiring grad but has no derivative for it
        def backward(grad):
            raise RuntimeError("derivative for aten::detach_copy is not implemented")
        _attach(backward, "NotImplemented", [input], [result])
    return _write("detach_copy", result, out, check_grad=False)


def diagonal_copy(input, offset=0, dim1=0, dim2=1, *, out=None):
    return _write("diagonal_copy", _fresh(input.diagonal(offset, dim1, dim2)), out)


def expand_copy(input, size, *args, implicit=False, out=None):
    size = _ints("expand_copy", "size", 2, size, args)
    return _write("expand_copy", _fresh(input.expand(size)), out)


def permute_copy(input, dims, *args, out=None):
    dims = _ints("permute_copy", "dims", 2, dims, args)
    return _write("permute_copy", _fresh(input.permute(dims)), out)


def select_copy(input, dim, index, *, out=None):
    return _write("select_copy", _fresh(input.select(dim, index)), out)


def slice_copy(input, dim=0, start=None, end=None, step=1, *, out=None):
    dim = _wrap_dim(dim, input.dim())
    if step <= 0:
        raise RuntimeError("slice_copy(): slice step must be positive")
    key = (slice(None),) * dim + (slice(start, end, step),)
    return _write("slice_copy", _fresh(input[key]), out)


def split_copy(input, split_size, dim=0, *, out=None):
    if not isinstance(split_size, int) or isinstance(split_size, bool):
        raise TypeError(f"split_copy(): argument 'split_size' (position 2) must be int, not "
                        f"{type(split_size).__name__}")
    parts = tuple(_fresh(p) for p in input.split(split_size, dim))
    return _write_list("split_copy_Tensor_out", parts, out)


def split_with_sizes_copy(input, split_sizes, dim=0, *, out=None):
    if isinstance(split_sizes, int):
        raise TypeError("split_with_sizes_copy(): argument 'split_sizes' (position 2) must be "
                        "tuple of ints, not int")
    split_sizes = _ints("split_with_sizes_copy", "split_sizes", 2, split_sizes)
    d = _wrap_dim(dim, input.dim())
    if sum(split_sizes) != input.size(d):
        raise RuntimeError(f"split_with_sizes_copy(): split_with_sizes expects split_sizes to "
                           f"sum exactly to {input.size(d)} (input tensor's size at dimension "
                           f"{dim}), but got split_sizes={split_sizes}")
    parts = tuple(_fresh(p) for p in input.split(split_sizes, dim))
    return _write_list("split_with_sizes_copy_out", parts, out)


def squeeze_copy(input, dim=None, *, out=None):
    if dim is not None and (not isinstance(dim, int) or isinstance(dim, bool)):
        raise TypeError(f"squeeze_copy(): argument 'dim' (position 2) must be int, not "
                        f"{type(dim).__name__}")
    view = input.squeeze() if dim is None else input.squeeze(dim)
    return _write("squeeze_copy", _fresh(view), out)


def t_copy(input, *, out=None):
    return _write("t_copy", _fresh(input.t()), out)


def transpose_copy(input, dim0, dim1, *, out=None):
    return _write("transpose_copy", _fresh(input.transpose(dim0, dim1)), out)


def unbind_copy(input, dim=0, *, out=None):
    parts = tuple(_fresh(p) for p in input.unbind(dim))
    return _write_list("unbind_copy_int_out", parts, out)


def unfold_copy(input, dimension, size, step, *, out=None):
    return _write("unfold_copy", _fresh(input.unfold(dimension, size, step)), out)


def unsqueeze_copy(input, dim, *, out=None):
    return _write("unsqueeze_copy", _fresh(input.unsqueeze(dim)), out)


def view_as_complex_copy(input, *, out=None):
    return _write("view_as_complex_copy", _fresh(torsh.view_as_complex(input)), out)


def view_as_real_copy(input, *, out=None):
    return _write("view_as_real_copy", _fresh(torsh.view_as_real(input)), out)


def view_copy(input, size, *args, out=None):
    if isinstance(size, torsh.dtype):
        if args:
            raise TypeError("view_copy(): expected (Tensor input, torch.dtype dtype) or (Tensor "
                            "input, tuple of SymInts size)")
        return _write("view_copy", _fresh(input.view(size)), out)
    if args:
        raise TypeError("view_copy() received an invalid combination of arguments: expected "
                        "(Tensor input, tuple of SymInts size, *, Tensor out)")
    size = _ints("view_copy", "size", 2, size)
    # the functional view accepts any layout (reshape semantics), as torch 1.13's does
    return _write("view_copy", _fresh(input.reshape(size)), out)


_COPIES = ["alias_copy", "as_strided_copy", "detach_copy", "diagonal_copy", "expand_copy",
           "permute_copy", "select_copy", "slice_copy", "split_copy", "split_with_sizes_copy",
           "squeeze_copy", "t_copy", "transpose_copy", "unbind_copy", "unfold_copy",
           "unsqueeze_copy", "view_as_complex_copy", "view_as_real_copy", "view_copy"]


# ---- in-place geometry, fill, conj, resize ----------------------------------------------------

def as_strided_(input, size, stride, storage_offset=None):
    """The tensor itself takes the new sizes/strides/offset over its storage."""
    grad = torsh.is_grad_enabled() and input.requires_grad
    if grad and input.is_leaf:
        raise RuntimeError("as_strided_(): a leaf Variable that requires grad is being used in "
                           "an in-place operation.")
    if not grad:
        view = input.detach().as_strided(size, stride, storage_offset)
        view._bump_version()
        input.data = view
        return input
    with torsh.enable_grad():
        hist = input.view(tuple(input.shape)).as_strided(size, stride, storage_offset)
    hist._bump_version()
    input.data = hist.detach()
    _attach(lambda g: g, "AsStridedBackward1", [hist], [input])
    return input


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """A copy of input (its layout kept) with src written over the as_strided view of the
    copy's storage."""
    out = input.clone()
    view = out.as_strided(size, stride, storage_offset)
    if tuple(view.shape) != tuple(src.shape):
        raise RuntimeError(f"as_strided_scatter(): expected src to have a size equal to the "
                           f"slice of self. src size = {list(src.shape)}, slice size = "
                           f"{list(view.shape)}")
    view.copy_(src)
    return out


def fill(input, value):
    """torch.fill: a new tensor shaped (and laid out) like input, every element `value` in
    input's dtype. Differentiable in a 0-dim tensor value (its gradient is the sum)."""
    if isinstance(value, torsh.Tensor):
        if value.dim() != 0:
            raise RuntimeError(f"fill(): fill_ only supports 0-dimension value tensor but got "
                               f"tensor with {value.dim()} dimensions.")
        filled = value.to(input.dtype).expand(input.shape)
    else:
        with torsh.no_grad():
            filled = torsh.empty_like(input).fill_(value)
    # where() keeps the result in input's graph (zero gradient) as torch's FillBackward does
    return torsh.where(torsh.zeros_like(input, dtype=torsh.bool), input, filled)


def conj_physical_(input):
    if input.is_complex():
        input.copy_(torsh.conj_physical(input))
    return input


def _suggest_memory_format(t):
    if t.dim() == 4 and not t.is_contiguous() and t.is_contiguous(
            memory_format=torsh.channels_last):
        return torsh.channels_last
    if t.dim() == 5 and not t.is_contiguous() and t.is_contiguous(
            memory_format=torsh.channels_last_3d):
        return torsh.channels_last_3d
    return torsh.contiguous_format


def resize_as_(input, the_template, *, memory_format=None):
    """input takes the template's shape (torsh's resize_); preserve_format takes the
    template's layout (channels_last when it is channels-last)."""
    if memory_format == torsh.preserve_format:
        memory_format = _suggest_memory_format(the_template)
    sizes = list(the_template.shape)
    if input.requires_grad:
        raise RuntimeError("resize_as_(): cannot resize variables that require grad")
    if memory_format is None:
        return input.resize_(sizes)
    input.resize_(sizes, memory_format=memory_format)
    # a memory format restrides even when the shape did not change (torch's
    # empty_tensor_restride); the storage already holds numel elements
    want = _format_strides(sizes, memory_format)
    if list(input.stride()) != want:
        as_strided_(input, sizes, want, input.storage_offset())
    return input


def _format_strides(sizes, memory_format):
    n = len(sizes)
    order = list(range(n - 1, -1, -1))  # innermost first
    if memory_format == torsh.channels_last and n == 4 or \
            memory_format == torsh.channels_last_3d and n == 5:
        order = [1] + list(range(n - 1, 1, -1)) + [0]
    strides, step = [0] * n, 1
    for d in order:
        strides[d] = step
        step *= max(sizes[d], 1)
    return strides


class _Resize(torsh.autograd.Function):
    """Tensor.resize / resize_as (deprecated, autograd's Resize): a reshape that keeps the
    element count."""

    @staticmethod
    def forward(ctx, tensor, sizes):
        numel = 1
        for s in sizes:
            numel = numel * s
        if tensor.numel() != numel:
            shown = "x".join(map(str, sizes))
            have = "x".join(map(str, tensor.shape))
            raise RuntimeError(f"requested resize to {shown} ({numel} elements in total), but "
                               f"the given tensor has a size of {have} ({tensor.numel()} "
                               "elements). autograd's resize can only change the shape of a "
                               "given tensor, while preserving the number of elements. ")
        ctx.input_sizes = tuple(tensor.shape)
        return tensor.contiguous().view(*sizes)

    @staticmethod
    def backward(ctx, grad):
        return grad.contiguous().view(ctx.input_sizes), None


def _tensor_resize(self, *sizes):
    warnings.warn("non-inplace resize is deprecated")
    return _Resize.apply(self, sizes)


def _tensor_resize_as(self, tensor):
    warnings.warn("non-inplace resize_as is deprecated")
    return _Resize.apply(self, tuple(tensor.shape))


# ---- Tensor.new --------------------------------------------------------------------------------

def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _tensor_new(self, *args, device=None, **kwargs):
    """The legacy constructor: new() empty; new(*sizes) / new(torch.Size) uninitialised;
    new(sequence or array) data converted to self's dtype; new(tensor) an alias of a tensor of
    self's dtype."""
    if kwargs:
        raise TypeError(f"new() received an invalid combination of arguments: unexpected "
                        f"keyword argument '{next(iter(kwargs))}'")
    if device is not None and torsh.device(device).type != self.device.type:
        raise RuntimeError(f"new(): expected device {self.device.type} but got "
                           f"{torsh.device(device).type}")
    dtype = self.dtype
    if not args:
        return torsh.empty(0, dtype=dtype)
    first = args[0]
    if len(args) == 1 and isinstance(first, torsh.Tensor):
        if first.dtype != dtype:
            raise TypeError(f"new(): expected a tensor of dtype {dtype} (the tensor's), got "
                            f"{first.dtype}")
        return first.view_as(first)
    if len(args) == 1 and isinstance(first, torsh.Size):
        return torsh.empty(tuple(first), dtype=dtype)
    if _is_int(first):
        for i, v in enumerate(args):
            if not _is_int(v):
                raise TypeError(f"new(): argument 'size' must be tuple of ints, but found "
                                f"element of type {type(v).__name__} at pos {i + 1}")
        for v in args:
            if v < 0:
                raise RuntimeError(f"new(): Trying to create tensor with negative dimension "
                                   f"{v}: {list(args)}")
        return torsh.empty(args, dtype=dtype)
    if len(args) > 1:
        raise TypeError(f"new() received an invalid combination of arguments - got "
                        f"({', '.join(type(a).__name__ for a in args)})")
    if isinstance(first, str):
        raise TypeError("new(): invalid data type 'str'")
    if isinstance(first, (float, bool, complex)) or first is None:
        raise TypeError(f"new(): data must be a sequence (got {type(first).__name__})")
    return torsh.tensor(first, dtype=dtype)


# ---- native_* ops ------------------------------------------------------------------------------

def native_dropout(input, p, train):
    """(output, bool mask): mask ~ Bernoulli(1 - p) (one draw per element, as torch's bool
    bernoulli_), output = input * mask / (1 - p) (0 when p == 1); train=False gives
    (input.clone(), all-True mask). As torch 1.13, the gradient's scale is 1 unless train is
    True."""
    if input.numel() == 0:
        return input, torsh.empty_like(input)
    training = train is None or bool(train)
    with torsh.no_grad():
        if training:
            p1m = 1.0 - p
            scale = 0.0 if p1m == 0 else 1.0 / p1m
            mask = torsh.empty_like(input, dtype=torsh.bool)
            try:
                mask.bernoulli_(p1m)
                output = input.mul(mask)
                output.mul_(scale)
            except RuntimeError as e:
                raise RuntimeError(f"native_dropout(): {e}") from None
        else:
            mask = torsh.ones_like(input, dtype=torsh.bool)
            output = input.clone()
    if input.requires_grad and torsh.is_grad_enabled():
        grad_scale = scale if train is not None and bool(train) else 1.0
        _attach(lambda g: g * mask * grad_scale, "NativeDropoutBackward0", [input], [output])
    return output, mask


def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """(output, mean, rstd) of group norm over input seen as (N, C, HxW); mean and rstd are
    (N, group)."""
    op = "native_group_norm()"
    if group <= 0:
        raise RuntimeError(f"{op}: Expected num groups to be greater than 0, got {group}")
    if C % group != 0:
        raise RuntimeError(f"{op}: Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={group}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and not (t.dim() == 1 and t.numel() == C):
            raise RuntimeError(f"{op}: Expected {name} to be a vector of size equal to the "
                               f"number of channels in input, but got {name} of shape "
                               f"{list(t.shape)} and input of shape {list(input.shape)}")
    if input.numel() != N * C * HxW:
        raise RuntimeError(f"{op}: Expected X.numel() == N * C * HxW to be true, but got false.")
    if not input.is_floating_point():
        raise RuntimeError(f"{op}: \"GroupNormKernelImpl\" not implemented for "
                           f"'{_scalar_name(input.dtype)}'")
    for t in (weight, bias):
        if t is not None and t.dtype != input.dtype:
            raise RuntimeError(f"{op}: expected scalar type {_scalar_name(input.dtype)} but "
                               f"found {_scalar_name(t.dtype)}")
    layout = _suggest_memory_format(input)
    if not input.is_contiguous(memory_format=layout):
        raise RuntimeError(f"{op}: Expected X.is_contiguous(memory_format) to be true, but got "
                           "false.")
    x = input.reshape(N, C, HxW)
    out = torsh.group_norm(x, group, weight, bias, eps).reshape(input.shape)
    if layout != torsh.contiguous_format:  # the output keeps a channels-last layout
        out = out.contiguous(memory_format=layout)
    grouped = x.reshape(N, group, -1)
    mean = grouped.mean(-1)
    var = grouped.var(-1, unbiased=False)
    rstd = torsh.rsqrt(var + eps)
    return out, mean, rstd


_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half",
                 "bfloat16": "BFloat16", "int64": "Long", "int32": "Int", "int16": "Short",
                 "int8": "Char", "uint8": "Byte", "bool": "Bool", "complex64": "ComplexFloat",
                 "complex128": "ComplexDouble"}


def _scalar_name(dtype):
    return _SCALAR_NAMES.get(str(dtype).replace("torch.", "").replace("torsh.", ""), str(dtype))


def native_norm(input, p=2, dim=None, keepdim=False, dtype=None):
    """Sparse-only in torch 1.13: a dense (every torsh) tensor raises NotImplementedError."""
    overload = "aten::native_norm" if dim is None else "aten::native_norm.ScalarOpt_dim_dtype"
    raise NotImplementedError(f"native_norm(): Could not run '{overload}' with arguments from "
                              "the 'CPU' backend. 'aten::native_norm' is only available for "
                              "sparse tensors (SparseCPU), which torsh does not have.")


def norm_except_dim(v, pow=2, dim=0):
    """The p-norm of v over every dim but `dim` (kept, the others size 1); dim=-1: the norm
    of everything (0-dim)."""
    if dim == -1:
        return v.norm(pow)
    if dim == 0:
        shape = [1] * v.dim()
        shape[0] = v.size(0)
        return v.contiguous().view(v.size(0), -1).norm(pow, 1).view(shape)
    if dim == v.dim() - 1:
        shape = [1] * v.dim()
        shape[-1] = v.size(-1)
        return v.contiguous().view(-1, v.size(-1)).norm(pow, 0).view(shape)
    return norm_except_dim(v.transpose(0, dim), pow, 0).transpose(0, dim)


# ---- removed legacy linear algebra -----------------------------------------------------------

_REMOVED = "This function was deprecated since version 1.9 and is now removed."


def solve(input, A, *, out=None):
    raise RuntimeError(_REMOVED + " Please use the `torch.linalg.solve` function instead.")


def eig(self, eigenvectors=False, *, e=None, v=None):
    raise RuntimeError(_REMOVED + " Please use the `torch.linalg.eig` function instead.")


def lstsq(input, A, *, out=None):
    raise RuntimeError(_REMOVED, "Please use the `torch.linalg.lstsq` function instead.")


def matrix_rank(input, tol=None, symmetric=False, *, out=None):
    raise RuntimeError(_REMOVED, "Please use the `torch.linalg.matrix_rank` function instead.")


_Symeig = _result_type("symeig", ["eigenvalues", "eigenvectors"])
_SYMEIG_WARNED = []
_SYMEIG_MSG = ("torch.symeig is deprecated in favor of torch.linalg.eigh and will be removed in "
               "a future PyTorch release.\nThe default behavior has changed from using the upper "
               "triangular portion of the matrix by default to using the lower triangular "
               "portion.\nL, _ = torch.symeig(A, upper=upper)\nshould be replaced with\nL = "
               "torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\nand\nL, V = torch.symeig(A, "
               "eigenvectors=True)\nshould be replaced with\nL, V = torch.linalg.eigh(A, UPLO='U' "
               "if upper else 'L')")


def symeig(input, eigenvectors=False, upper=True, *, out=None):
    """Deprecated (warns once): linalg.eigh on the upper (default) or lower triangle; without
    eigenvectors, an empty eigenvectors tensor and eigenvalues that cannot be differentiated."""
    from torsh import _extra_api2
    if not _SYMEIG_WARNED or _extra_api2.is_warn_always_enabled():
        _SYMEIG_WARNED.append(True)
        warnings.warn(_SYMEIG_MSG)
    if input.dim() < 2:
        raise RuntimeError("linalg.symeig: The input tensor A must have at least 2 dimensions.")
    if input.size(-1) != input.size(-2):
        raise RuntimeError(f"linalg.symeig: A must be batches of square matrices, but they are "
                           f"{input.size(-2)} by {input.size(-1)} matrices")
    if not (input.is_floating_point() or input.is_complex()):
        raise RuntimeError(f"symeig(): \"symeig_cpu\" not implemented for "
                           f"'{_scalar_name(input.dtype)}'")
    uplo = "U" if upper else "L"
    if eigenvectors:
        values, vectors = torsh.linalg.eigh(input, UPLO=uplo)
    else:
        with torsh.no_grad():
            values = torsh.linalg.eigvalsh(input, UPLO=uplo)
        if input.requires_grad and torsh.is_grad_enabled():
            def backward(grad):
                raise RuntimeError("linalg_eig_backward: torch.symeig(A, eigenvectors=False) is "
                                   "not differentiable. Use torch.linalg.eigvalsh(A) instead.")
            _attach(backward, "SymeigBackward0", [input], [values])
        vectors = torsh.empty(0, dtype=input.dtype)
    if out is not None:
        with torsh.no_grad():
            for o, r in zip(out, (values, vectors)):
                o.resize_(list(r.shape)).copy_(r)
        return _Symeig(*out)
    return _Symeig(values, vectors)


__all__ = _COPIES + ["as_strided_", "as_strided_scatter", "fill", "conj_physical_",
                     "resize_as_", "native_dropout", "native_group_norm", "native_norm",
                     "norm_except_dim", "solve", "eig", "lstsq", "matrix_rank", "symeig"]


def _install():
    for name in __all__:
        setattr(torsh, name, globals()[name])
    T = torsh.Tensor
    T.as_strided_ = as_strided_
    T.as_strided_scatter = as_strided_scatter
    T.conj_physical_ = conj_physical_
    T.resize_as_ = resize_as_
    T.resize = _tensor_resize
    T.resize_as = _tensor_resize_as
    T.new = _tensor_new
    T.solve = solve
    T.eig = eig
    T.lstsq = lstsq
    T.symeig = symeig
    from torsh import _extra_api4
    _extra_api4._install()
