"""torsh.autograd: grad, backward, custom Functions, anomaly detection and gradcheck."""
from torsh import _C
from torsh._grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled  # noqa: F401
from torsh.autograd.function import Function, FunctionCtx  # noqa: F401
from torsh.autograd.gradcheck import gradcheck, gradgradcheck  # noqa: F401
from torsh.autograd import graph  # noqa: F401
from torsh.autograd.variable import Variable  # noqa: F401

# False while a backward pass that cannot run a reentrant checkpoint is running (grad(), or
# backward with inputs).
_is_checkpoint_valid = _C._is_checkpoint_valid


def _as_tuple(x):
    if x is None:
        return ()
    if isinstance(x, (list, tuple)):
        return tuple(x)
    return (x,)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=False):
    """Gradients of outputs with respect to inputs (returned, not accumulated into .grad)."""
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs)
    return _C._autograd_grad(list(outputs), list(inputs), list(grad_outputs), retain_graph,
                             create_graph, allow_unused)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulates gradients of tensors into the leaves' .grad."""
    _C._autograd_backward(list(_as_tuple(tensors)), list(_as_tuple(grad_tensors)), retain_graph,
                          create_graph, list(_as_tuple(inputs)))


from torsh.autograd import anomaly_mode  # noqa: E402
from torsh.autograd.anomaly_mode import detect_anomaly, set_detect_anomaly  # noqa: F401,E402
from torsh.autograd import _once_differentiable  # noqa: E402
from torsh.autograd import function as _function_module  # noqa: E402

# torch.autograd.function.once_differentiable (kept out of function.py, attached to its module)
_function_module.once_differentiable = _once_differentiable.once_differentiable

from torsh.autograd import functional  # noqa: F401,E402  (uses grad above)
from torsh.autograd import profiler  # noqa: F401,E402


def variable(*args, **kwargs):
    """Deprecated torch.autograd.variable(...): torch.tensor(...)."""
    import warnings

    import torsh
    warnings.warn("torch.autograd.variable(...) is deprecated, use torch.tensor(...) instead")
    return torsh.tensor(*args, **kwargs)
