"""Gradient clipping, as torch.nn.utils (1.13): the same total norm and the same scaling."""
import warnings

import torsh

_inf = float("inf")


def _with_grads(parameters):
    if isinstance(parameters, torsh.Tensor):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scales the gradients in place so that their joint norm (of order norm_type, as if all
    were one vector) is at most max_norm; returns that norm before scaling."""
    params = _with_grads(parameters)
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not params:
        return torsh.tensor(0.0)
    grads = [p.grad.detach() for p in params]
    if norm_type == _inf:
        norms = [g.abs().max() for g in grads]
        total = norms[0] if len(norms) == 1 else torsh.max(torsh.stack(norms))
    else:
        total = torsh.norm(torsh.stack([torsh.norm(g, norm_type) for g in grads]), norm_type)
    if error_if_nonfinite and bool(total.isnan() | total.isinf()):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the gradients "
            "by the non-finite norm anyway, set `error_if_nonfinite=False`")
    coef = torsh.clamp(max_norm / (total + 1e-6), max=1.0)
    for g in grads:
        g.mul_(coef)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated spelling of clip_grad_norm_ (warns, as torch)."""
    warnings.warn("torch.nn.utils.clip_grad_norm is now deprecated in favor of "
                  "torch.nn.utils.clip_grad_norm_.", stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamps every gradient element into [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    for p in _with_grads(parameters):
        p.grad.detach().clamp_(min=-clip_value, max=clip_value)
