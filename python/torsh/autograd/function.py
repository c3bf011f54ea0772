"""Custom differentiable functions: subclass Function, write forward(ctx, ...) and
backward(ctx, *grads), call apply(...), as in torch.autograd.Function."""
from torsh import _C


class FunctionCtx:
    """The ctx object: save_for_backward, saved_tensors, needs_input_grad, mark_dirty,
    mark_non_differentiable, and free attributes."""

    def __init__(self):
        self.saved_tensors = ()
        self.needs_input_grad = ()
        self._non_differentiable = ()
        self._dirty = ()

    def save_for_backward(self, *tensors):
        self.saved_tensors = tensors

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable = tensors

    def set_materialize_grads(self, value):
        self._materialize = value


class Function:
    """Base class of custom autograd functions."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError

    @classmethod
    def apply(cls, *args):
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, _C.Tensor) and a.requires_grad for a in args)
        with _no_grad():
            out = cls.forward(ctx, *args)
        outs = out if isinstance(out, tuple) else (out,)
        if _C.is_grad_enabled() and any(ctx.needs_input_grad):
            outs = tuple(o if o in ctx._dirty else o for o in outs)
            differentiable = [o for o in outs if isinstance(o, _C.Tensor) and
                              not any(o is n for n in ctx._non_differentiable)]

            def run_backward(*grads):
                return cls.backward(ctx, *grads)
            _C._attach_function(run_backward, cls.__name__ + "Backward", list(args),
                                differentiable)
        return out


def _no_grad():
    from torsh._grad_mode import no_grad
    return no_grad()
