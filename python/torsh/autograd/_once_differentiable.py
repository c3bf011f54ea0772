"""torch.autograd.function.once_differentiable: marks a custom Function's backward as not
differentiable itself. The backward runs without recording a graph; when the caller asked for
a differentiable backward (create_graph=True) its gradients come back attached to a node whose
own backward raises, so a double backward fails loudly instead of returning wrong zeros."""
import functools

import torsh
from torsh.autograd.function import Function

_TWICE = ("trying to differentiate twice a function that was marked with "
          "@once_differentiable")


class _DelayedError(Function):
    """Passes its inputs through (as views); differentiating through it raises."""

    @staticmethod
    def forward(ctx, *tensors):
        return tuple(t.view_as(t) if t is not None else None for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(_TWICE)


def once_differentiable(fn):
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with torsh.no_grad():
            outputs = fn(ctx, *args)
        if not torsh.is_grad_enabled():
            return outputs
        # Only a backward run under create_graph=True gets here with grad mode on; if no incoming
        # gradient requires grad the result is not differentiable anyway.
        if not any(isinstance(a, torsh.Tensor) and a.requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        fake = [o.detach().requires_grad_(True) if isinstance(o, torsh.Tensor) and
                (o.is_floating_point() or o.is_complex()) else o for o in outs]
        wrapped = _DelayedError.apply(*fake)
        return wrapped[0] if single else wrapped
    return wrapper
