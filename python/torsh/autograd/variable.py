"""torch.autograd.Variable: the pre-0.4 wrapper, now a constructor that returns a tensor (a
detached alias of its data with requires_grad set) and an isinstance test true of every
tensor."""
import warnings

import torsh

__all__ = ["Variable"]


class VariableMeta(type):
    def __instancecheck__(cls, other):
        return isinstance(other, torsh.Tensor)


class Variable(metaclass=VariableMeta):
    """Variable(data=None, requires_grad=False, volatile=False): `data` detached (sharing its
    memory), requiring grad when asked; `volatile` only warns, as in torch."""

    def __new__(cls, data=None, requires_grad=False, volatile=False, _grad_fn=None,
                name=None):
        del _grad_fn, name
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with "
                          "torch.no_grad():` instead.", UserWarning, stacklevel=2)
        if data is None:
            var = torsh.empty(0, dtype=torsh.get_default_dtype())
        elif isinstance(data, torsh.Tensor):
            var = data.detach()
        else:
            raise TypeError(f"Variable data has to be a tensor, but got "
                            f"{type(data).__name__}")
        if requires_grad:
            var.requires_grad_(True)
        return var
