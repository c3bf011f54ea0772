"""torsh: a PyTorch-compatible tensor library over a small native core.

`import torsh as torch` gives torch's names: tensors, dtypes, creation, math, reductions,
views, matmul and random numbers with PyTorch's CPU streams."""
from torsh import _C
from torsh._C import *  # noqa: F401,F403
from torsh._C import Tensor, Generator, device, dtype  # noqa: F401
from torsh._C import return_types  # noqa: F401  (torch.return_types: named tuples of tensors)
from torsh._size import Size  # noqa: F401
from torsh._grad_mode import (enable_grad, inference_mode, is_inference_mode_enabled,  # noqa: F401
                              no_grad, set_grad_enabled)
import sys as _sys  # noqa: E402

_sys.modules[__name__ + ".return_types"] = return_types
from torsh import autograd, cuda  # noqa: F401,E402
from torsh import nn  # noqa: F401,E402
from torsh import random  # noqa: F401,E402
from torsh import _tensor_extras  # noqa: E402
from torsh._tensor_extras import is_complex, typename  # noqa: F401,E402
_tensor_extras.install()
# torch.default_generator: the Generator object of the global random state (not a function)
default_generator = _C.default_generator()
from torsh import optim  # noqa: F401,E402
from torsh import utils  # noqa: F401,E402
from torsh import distributed  # noqa: F401,E402
from torsh._shape import (atleast_1d, atleast_2d, atleast_3d, block_diag,  # noqa: F401,E402
                          broadcast_shapes, broadcast_tensors, cartesian_prod, meshgrid,
                          split, adjoint)


float32, float64, float16, bfloat16 = _C.float32, _C.float64, _C.float16, _C.bfloat16
int64, int32, int16, int8, uint8 = _C.int64, _C.int32, _C.int16, _C.int8, _C.uint8
complex64, complex128, cfloat, cdouble = _C.complex64, _C.complex128, _C.cfloat, _C.cdouble
bool = _C.bool  # noqa: A001 - torch.bool shadows the builtin in this namespace, as in torch


class _NamedConstant:
    """A module-level constant of torch (repr 'torch.<name>'; pickles as that name)."""

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "torch." + self._name

    def __reduce__(self):
        return self._name


class memory_format(_NamedConstant):
    """torch.memory_format: the dim order asked of a tensor's strides (contiguous_format,
    channels_last for NHWC 4-D tensors, channels_last_3d for NDHWC 5-D ones, preserve_format to
    keep the source's)."""


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")


class layout(_NamedConstant):
    """torch.layout: how a tensor's elements are stored. Every torsh tensor is strided (dense);
    the sparse layouts exist as names only."""


strided = layout("strided")
sparse_coo = layout("sparse_coo")
sparse_csr = layout("sparse_csr")
_mkldnn = layout("_mkldnn")


def _tensor_arg(fn, t):
    if not isinstance(t, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(t).__name__}")
    return t


def is_conj(t):
    """torch.is_conj: always False (torsh has no lazy conjugate bit; conj() copies)."""
    return _tensor_arg("is_conj", t).is_conj()


def is_floating_point(t):
    return _tensor_arg("is_floating_point", t).is_floating_point()


def numel(t):
    return _tensor_arg("numel", t).numel()


from torsh import torch_version, version  # noqa: F401,E402
from torsh.torch_version import __version__  # noqa: E402  (a str comparable with tuples)


_nonzero = _C.nonzero


def nonzero(input, *, out=None, as_tuple=False):
    """torch.nonzero: the indices of the nonzero elements, as one [n, ndim] tensor or, with
    as_tuple=True, one index tensor per dim (torch.where(input))."""
    if out is not None and not as_tuple:
        from torsh import _out
        _out.check_grad("nonzero", input)
        return _out.write("nonzero", out, _nonzero(input), "nonzero")
    return _C.where(input) if as_tuple else _nonzero(input)


def _tensor_nonzero(self, *, as_tuple=False):
    return _C.where(self) if as_tuple else _nonzero(self)


Tensor.nonzero = _tensor_nonzero

from torsh._norm import norm, _tensor_norm  # noqa: E402  (torch.norm's Python front end)

Tensor.norm = _tensor_norm
from torsh import linalg  # noqa: F401,E402
from torsh import _linalg_extra  # noqa: E402
_linalg_extra._install()  # torch.linalg.matrix_exp, householder_product, torch.orgqr
from torsh import _linalg_solve  # noqa: E402
_linalg_solve._install()  # torch.linalg.solve, inv, LinAlgError; torch.inverse
from torsh import _linalg_decomp  # noqa: E402
_linalg_decomp._install()  # torch.linalg.cholesky, det, slogdet, svd, eigh, pinv, ...; legacy forms
from torsh import _linalg_lu  # noqa: E402
_linalg_lu._install()  # torch.linalg.lu_factor(_ex), lu, lu_solve; torch.lu, lu_unpack, lu_solve
from torsh import _linalg_eig  # noqa: E402
_linalg_eig._install()  # torch.linalg.eig, eigvals
from torsh._linalg_basic import cdist, chain_matmul, einsum, tensordot  # noqa: F401,E402
from torsh._unique import _unique2, histogram, unique, unique_consecutive  # noqa: F401,E402
import warnings as _warnings  # noqa: E402


def range(*args, **kwargs):  # noqa: A001 - torch.range shadows the builtin here, as in torch
    """torch.range (deprecated): values from start to end inclusive, by step."""
    _warnings.warn("torch.range is deprecated and will be removed in a future release because "
                   "its behavior is inconsistent with Python's range builtin. Instead, use "
                   "torch.arange, which produces values in [start, end).", UserWarning,
                   stacklevel=2)
    return _C.range(*args, **kwargs)


def _new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    """Tensor.new_tensor: torch.tensor(data) with self's dtype (and device) by default."""
    if isinstance(data, Tensor):
        _warnings.warn("To copy construct from a tensor, it is recommended to use "
                       "sourceTensor.clone().detach() or "
                       "sourceTensor.clone().detach().requires_grad_(True), rather than "
                       "tensor.new_tensor(sourceTensor).", UserWarning, stacklevel=2)
        r = data.detach().to(dtype if dtype is not None else self.dtype, copy=True)
    else:
        r = _C.tensor(data, dtype=dtype if dtype is not None else self.dtype,
                      device=device if device is not None else self.device)
    if requires_grad:
        r.requires_grad_(True)
    return r


Tensor.new_tensor = _new_tensor


def as_tensor(data, *, dtype=None, device=None):
    """torch.as_tensor (dtype and device keyword-only, as torch 1.13 parses them): data itself
    when it is a tensor of that dtype and device (else `.to`, which keeps the autograd graph); a
    NumPy array of a matching dtype shares its memory (as from_numpy); anything else is copied
    as torch.tensor(data, dtype=dtype)."""
    if isinstance(data, Tensor):
        return data.to(dtype=dtype if dtype is not None else data.dtype,
                       device=device if device is not None else data.device)
    try:
        import numpy as _np
    except ImportError:  # pragma: no cover - numpy is a dependency of the tests only
        _np = None
    if _np is not None and isinstance(data, _np.ndarray):
        t = from_numpy(data)
        return t if dtype is None or dtype == t.dtype else t.to(dtype)
    return _C.tensor(data, dtype=dtype, device=device)
from torsh.serialization import load, save  # noqa: F401,E402  (torch.save / torch.load)
from torsh._random_extra import (bernoulli, binomial, multinomial,  # noqa: F401,E402
                                 normal, poisson, randint_like)
from torsh._legacy_types import (BFloat16Tensor, BoolTensor, ByteTensor,  # noqa: F401,E402
                                 CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor,
                                 LongTensor, ShortTensor, set_default_tensor_type)
from torsh._deterministic import (are_deterministic_algorithms_enabled,  # noqa: F401,E402
                                  get_deterministic_debug_mode,
                                  is_deterministic_algorithms_warn_only_enabled,
                                  set_deterministic_debug_mode, use_deterministic_algorithms)
from torsh import backends, testing  # noqa: F401,E402
from torsh import amp, cpu  # noqa: F401,E402
from torsh.cuda import amp as _cuda_amp  # noqa: F401,E402  (torch.cuda.amp)
from torsh.amp import (autocast, autocast_decrement_nesting,  # noqa: F401,E402
                       autocast_increment_nesting, clear_autocast_cache, get_autocast_cpu_dtype,
                       get_autocast_gpu_dtype, is_autocast_cache_enabled,
                       is_autocast_cpu_enabled, is_autocast_enabled, set_autocast_cache_enabled,
                       set_autocast_cpu_dtype, set_autocast_cpu_enabled, set_autocast_enabled,
                       set_autocast_gpu_dtype)
from torsh import _aliases, _extra_api  # noqa: E402
from torsh._frombuffer import e, frombuffer, inf, nan, pi  # noqa: F401,E402
from torsh._extra_api import finfo, iinfo  # noqa: F401,E402
_extra_api.install()  # torch.dist, isin, cov, windows, ... and their Tensor methods
_aliases.install()  # torch.absolute & co., torch.abs_(t) & co.
from torsh._printing import set_printoptions  # noqa: F401,E402
from torsh import distributions  # noqa: F401,E402  (torch.distributions)
from torsh._asarray import asarray  # noqa: F401,E402
from torsh._matmul_precision import (get_float32_matmul_precision,  # noqa: F401,E402
                                     set_float32_matmul_precision)
from torsh import special  # noqa: F401,E402  (torch.special)
from torsh import fft  # noqa: F401,E402  (torch.fft)
from torsh import jit  # noqa: F401,E402  (torch.jit, run eagerly)
from torsh import _stft  # noqa: E402
_stft._install()  # torch.stft, torch.istft
from torsh import _extra_api2  # noqa: E402
_extra_api2._install()  # torch.gradient, rsub, nuclear_norm, cholesky_solve, ...
from torsh import _extra_api3  # noqa: E402
_extra_api3._install()  # the *_copy views, histogramdd, torch.lstm & co., ...
from torsh import futures, multiprocessing  # noqa: F401,E402  (torch.futures, torch.multiprocessing)
from torsh import profiler  # noqa: F401,E402  (torch.profiler)
from torsh import _clamp_inplace  # noqa: E402
_clamp_inplace.install()  # Tensor.clamp_/clip_/clamp_min_/clamp_max_ with tensor bounds
from torsh import _foreach  # noqa: E402
_foreach.install()  # torch._foreach_*
from torsh import _storage  # noqa: E402
_storage.install()  # Tensor.storage(), torch.TypedStorage, torch.is_storage
from torsh import overrides  # noqa: F401,E402  (torch.overrides: __torch_function__)
