"""torch.nn.utils.weight_norm (the torch 1.13 hook-based version): ``w = g * v / ||v||``.

The parameter ``name`` is replaced by ``name_g`` (the magnitude) and ``name_v`` (the direction);
a forward pre-hook recomputes ``name`` as a plain attribute before every forward.
"""
from torsh.nn.parameter import Parameter, UninitializedParameter

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


def _norm_except_dim(v, pow, dim):
    """torch.norm_except_dim: the ``pow``-norm over every dim but ``dim``, shaped to broadcast
    against ``v``; ``dim == -1`` means the norm of the whole tensor (a 0-dim result)."""
    if dim == -1:
        return v.norm(pow)
    last = v.dim() - 1
    if dim == 0:
        shape = [v.size(0)] + [1] * last
        return v.contiguous().view(v.size(0), -1).norm(pow, 1).view(shape)
    if dim == last:
        shape = [1] * last + [v.size(last)]
        return v.contiguous().view(-1, v.size(last)).norm(pow, 0).view(shape)
    return _norm_except_dim(v.transpose(0, dim), pow, 0).transpose(0, dim)


def _weight_norm(v, g, dim=0):
    """torch._weight_norm: ``v * (g / norm_except_dim(v, 2, dim))``."""
    return v * (g / _norm_except_dim(v, 2, dim))


class WeightNorm:
    """The forward pre-hook that recomputes ``module.<name>`` from ``<name>_g`` and
    ``<name>_v``."""

    def __init__(self, name, dim):
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module):
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return _weight_norm(v, g, self.dim)

    @staticmethod
    def apply(module, name, dim):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError("Cannot register two weight_norm hooks on the same "
                                   "parameter {}".format(name))
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        if isinstance(weight, UninitializedParameter):
            raise ValueError(
                "The module passed to `WeightNorm` can't have uninitialized parameters. Make "
                "sure to run the dummy forward before applying weight normalization")
        del module._parameters[name]
        # g first, then v: the order the state_dict lists them in, as torch.
        module.register_parameter(name + "_g",
                                  Parameter(_norm_except_dim(weight, 2, fn.dim).data))
        module.register_parameter(name + "_v", Parameter(weight.data))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.data))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    r"""Reparametrises ``module.<name>`` as ``g * v / ||v||``, the norm taken over every dim but
    ``dim`` (``dim=None``: over the whole tensor). Adds the parameters ``<name>_g`` and
    ``<name>_v`` and a forward pre-hook; returns the module."""
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    r"""Removes the weight normalisation of ``module.<name>``, leaving the current weight as a
    plain Parameter."""
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError("weight_norm of '{}' not found in {}".format(name, module))
