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
        self._materialize = True

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
            # one node output per forward output, as torch: backward gets a gradient for each
            # (zeros for an unused or non-differentiable tensor output unless
            # set_materialize_grads(False), None for a non-tensor)
            attached = [o if isinstance(o, _C.Tensor) and
                        not any(o is n for n in ctx._non_differentiable) else None for o in outs]
            name = cls.__name__ + "Backward"
            shapes = [(o.shape, o.dtype) if isinstance(o, _C.Tensor) else None for o in outs]
            kinds = [isinstance(a, _C.Tensor) for a in args]

            def run_backward(*grads):
                if ctx._materialize:
                    grads = tuple(_zeros(*s) if g is None and s is not None else g
                                  for g, s in zip(grads, shapes))
                return _check_grads(name, cls.backward(ctx, *grads), kinds)
            _C._attach_function(run_backward, name, list(args), attached)
        return out


def _zeros(shape, dtype):
    import torsh
    return torsh.zeros(shape, dtype=dtype)


def _check_grads(name, res, input_is_tensor):
    """torch's checks of what a custom backward returns: one gradient per forward input (extra
    trailing Nones allowed), None for the inputs that are not tensors."""
    res = res if isinstance(res, tuple) else (res,)
    n = len(input_is_tensor)
    if len(res) > n and all(r is None for r in res[n:]):
        res = res[:n]
    if len(res) != n:
        raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                           f"(expected {n}, got {len(res)})")
    for i, (r, is_tensor) in enumerate(zip(res, input_is_tensor)):
        if r is not None and not is_tensor:
            raise RuntimeError(f"function {name} returned a gradient different than None at "
                               f"position {i + 1}, but the corresponding forward input was not "
                               "a Variable")
    return res


def _no_grad():
    from torsh._grad_mode import no_grad
    return no_grad()
