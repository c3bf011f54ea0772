"""torsh: a PyTorch-compatible tensor library over a small native core.

`import torsh as torch` gives torch's names: tensors, dtypes, creation, math, reductions,
views, matmul and random numbers with PyTorch's CPU streams."""
from torsh import _C
from torsh._C import *  # noqa: F401,F403
from torsh._C import Tensor, Generator, device, dtype  # noqa: F401
from torsh._size import Size  # noqa: F401
from torsh._grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled  # noqa: F401
from torsh import autograd, cuda  # noqa: F401,E402
from torsh import random  # noqa: F401,E402


float32, float64, float16, bfloat16 = _C.float32, _C.float64, _C.float16, _C.bfloat16
int64, int32, int16, int8, uint8 = _C.int64, _C.int32, _C.int16, _C.int8, _C.uint8
bool = _C.bool  # noqa: A001 - torch.bool shadows the builtin in this namespace, as in torch
strided = "strided"


def _tensor_arg(fn, t):
    if not isinstance(t, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(t).__name__}")
    return t


def is_floating_point(t):
    return _tensor_arg("is_floating_point", t).is_floating_point()


def numel(t):
    return _tensor_arg("numel", t).numel()


__version__ = "0.1.0"
