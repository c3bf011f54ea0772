"""torch.optim.Adam (torch 1.13): Adam with optional AMSGrad, L2 weight decay and maximization.
The step counter is a 0-dim float32 tensor, as in 1.13."""
import math
from typing import List, Optional

import torsh
from torsh import Tensor
from torsh.optim.optimizer import (Optimizer, _fused_ok, _is_sparse, _run_closure, _step_to_tensor,
                                   _use_grad_for_differentiable)

__all__ = ["Adam", "adam"]


def _check_adam_args(lr, betas, eps, weight_decay):
    if not 0.0 <= lr:
        raise ValueError("Invalid learning rate: {}".format(lr))
    if not 0.0 <= eps:
        raise ValueError("Invalid epsilon value: {}".format(eps))
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError("Invalid beta parameter at index 0: {}".format(betas[0]))
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError("Invalid beta parameter at index 1: {}".format(betas[1]))
    if not 0.0 <= weight_decay:
        raise ValueError("Invalid weight_decay value: {}".format(weight_decay))


def _gather_adam_group(opt, group, name, capturable):
    """The per-group lists an Adam-family step works on; creates missing state lazily."""
    params, grads, exp_avgs, exp_avg_sqs, max_sqs, steps = [], [], [], [], [], []
    for p in group["params"]:
        if p.grad is None:
            continue
        params.append(p)
        if _is_sparse(p.grad):
            raise RuntimeError(name)
        grads.append(p.grad)
        state = opt.state[p]
        if len(state) == 0:
            state["step"] = (torsh.zeros((1,), dtype=torsh.float32) if capturable
                             else torsh.tensor(0.0))
            state["exp_avg"] = torsh.zeros_like(p, memory_format=torsh.preserve_format)
            state["exp_avg_sq"] = torsh.zeros_like(p, memory_format=torsh.preserve_format)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = torsh.zeros_like(
                    p, memory_format=torsh.preserve_format)
        exp_avgs.append(state["exp_avg"])
        exp_avg_sqs.append(state["exp_avg_sq"])
        if group["amsgrad"]:
            max_sqs.append(state["max_exp_avg_sq"])
        if group.get("differentiable") and state["step"].requires_grad:
            raise RuntimeError("`requires_grad` is not supported for `step` in differentiable "
                               "mode")
        steps.append(state["step"])
    return params, grads, exp_avgs, exp_avg_sqs, max_sqs, steps


class Adam(Optimizer):
    r"""Implements the Adam algorithm.

    Args:
        params (iterable): parameters to optimize or dicts defining parameter groups
        lr (float, optional): learning rate (default: 1e-3)
        betas (Tuple[float, float], optional): running-average coefficients of the gradient
            and its square (default: (0.9, 0.999))
        eps (float, optional): term added to the denominator (default: 1e-8)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        amsgrad (bool, optional): use the AMSGrad variant (default: False)
        foreach (bool, optional): accepted; the per-tensor path is used
        maximize (bool, optional): maximize the objective instead of minimizing
        capturable (bool, optional): use tensor bias corrections (CUDA-graph safe form)
        differentiable (bool, optional): run the step with autograd enabled
        fused (bool, optional): the fused kernel needs CUDA parameters
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach: Optional[bool] = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False, fused: bool = False):
        _check_adam_args(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` cannot be `differentiable`")
            self._step_supports_amp_scaling = True
            if not all(getattr(p, "is_cuda", False) and torsh.is_floating_point(p)
                       for pg in self.param_groups for p in pg["params"]):
                raise RuntimeError("FusedAdam requires all the params to be CUDA, floating "
                                   "point")

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)
        _step_to_tensor(self.state)

    @_use_grad_for_differentiable
    def step(self, closure=None, *, grad_scaler=None):
        """Performs a single optimization step."""
        loss = _run_closure(closure)
        for group in self.param_groups:
            lists = _gather_adam_group(
                self, group, "Adam does not support sparse gradients, please consider "
                "SparseAdam instead", self.defaults["capturable"] or self.defaults["fused"])
            beta1, beta2 = group["betas"]
            adam(*lists, amsgrad=group["amsgrad"], beta1=beta1, beta2=beta2, lr=group["lr"],
                 weight_decay=group["weight_decay"], eps=group["eps"],
                 maximize=group["maximize"], foreach=group["foreach"],
                 capturable=group["capturable"], differentiable=group["differentiable"])
        return loss


def _adam_denom_update(param, exp_avg, denom_src, step_t, *, beta1, beta2, lr, eps,
                       tensor_math):
    """The bias-corrected update shared by Adam and AdamW once the moments are updated."""
    if tensor_math:
        bias_correction1 = 1 - torsh.pow(beta1, step_t)
        bias_correction2 = 1 - torsh.pow(beta2, step_t)
        step_size_neg = (lr / bias_correction1).neg()
        bias_correction2_sqrt = bias_correction2.sqrt()
        denom = (denom_src.sqrt() / (bias_correction2_sqrt * step_size_neg)).add_(
            eps / step_size_neg)
        param.addcdiv_(exp_avg, denom)
    else:
        step = step_t.item()
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = math.sqrt(bias_correction2)
        denom = (denom_src.sqrt() / bias_correction2_sqrt).add_(eps)
        param.addcdiv_(exp_avg, denom, value=-step_size)


def adam(params: List[Tensor], grads: List[Tensor], exp_avgs: List[Tensor],
         exp_avg_sqs: List[Tensor], max_exp_avg_sqs: List[Tensor], state_steps: List[Tensor],
         foreach: Optional[bool] = None, capturable: bool = False,
         differentiable: bool = False, fused: bool = False, grad_scale=None, found_inf=None,
         *, amsgrad: bool, beta1: float, beta2: float, lr: float, weight_decay: float,
         eps: float, maximize: bool):
    """Functional Adam: updates params and their moment buffers in place."""
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError("API has changed, `state_steps` argument must contain a list of "
                           "singleton tensors")
    if not capturable and _fused_ok(differentiable) and torsh._C._fused_adam_(
            params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs if amsgrad else [],
            state_steps, lr, beta1, beta2, weight_decay, eps, amsgrad, maximize, False):
        return  # the whole group in C++, one pass per parameter
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        exp_avg, exp_avg_sq, step_t = exp_avgs[i], exp_avg_sqs[i], state_steps[i]
        if capturable:
            assert getattr(param, "is_cuda", False) and getattr(step_t, "is_cuda", False), \
                "If capturable=True, params and state_steps must be CUDA tensors."
        step_t += 1
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        if amsgrad:
            if capturable or differentiable:
                max_exp_avg_sqs[i].copy_(torsh.maximum(max_exp_avg_sqs[i].clone()
                                                       if differentiable else
                                                       max_exp_avg_sqs[i], exp_avg_sq))
            else:
                torsh.maximum(max_exp_avg_sqs[i], exp_avg_sq, out=max_exp_avg_sqs[i])
            src = max_exp_avg_sqs[i]
        else:
            src = exp_avg_sq
        _adam_denom_update(param, exp_avg, src, step_t, beta1=beta1, beta2=beta2, lr=lr,
                           eps=eps, tensor_math=capturable or differentiable)
