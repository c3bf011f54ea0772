"""torch.optim.AdamW (torch 1.13): Adam with decoupled weight decay."""
from typing import List, Optional

import torsh
from torsh import Tensor
from torsh.optim.adam import _adam_denom_update, _check_adam_args, _gather_adam_group
from torsh.optim.optimizer import Optimizer, _fused_ok, _run_closure, _step_to_tensor

__all__ = ["AdamW", "adamw"]


class AdamW(Optimizer):
    r"""Implements the AdamW algorithm (decoupled weight decay: the parameter is scaled by
    ``1 - lr * weight_decay`` before the Adam update).

    Args:
        params (iterable): parameters to optimize or dicts defining parameter groups
        lr (float, optional): learning rate (default: 1e-3)
        betas (Tuple[float, float], optional): (default: (0.9, 0.999))
        eps (float, optional): (default: 1e-8)
        weight_decay (float, optional): weight decay coefficient (default: 1e-2)
        amsgrad (bool, optional): use the AMSGrad variant (default: False)
        maximize (bool, optional): maximize the objective instead of minimizing
        foreach (bool, optional): accepted; the per-tensor path is used
        capturable (bool, optional): use tensor bias corrections (CUDA-graph safe form)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize: bool = False, foreach: Optional[bool] = None,
                 capturable: bool = False):
        _check_adam_args(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, foreach=foreach, maximize=maximize,
                        capturable=capturable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
        _step_to_tensor(self.state)

    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _run_closure(closure)
        with torsh.no_grad():
            for group in self.param_groups:
                lists = _gather_adam_group(self, group, "AdamW does not support sparse "
                                           "gradients", self.defaults["capturable"])
                beta1, beta2 = group["betas"]
                adamw(*lists, amsgrad=group["amsgrad"], beta1=beta1, beta2=beta2,
                      lr=group["lr"], weight_decay=group["weight_decay"], eps=group["eps"],
                      maximize=group["maximize"], foreach=group["foreach"],
                      capturable=group["capturable"])
        return loss


def adamw(params: List[Tensor], grads: List[Tensor], exp_avgs: List[Tensor],
          exp_avg_sqs: List[Tensor], max_exp_avg_sqs: List[Tensor], state_steps: List[Tensor],
          foreach: Optional[bool] = None, capturable: bool = False, *, amsgrad: bool,
          beta1: float, beta2: float, lr: float, weight_decay: float, eps: float,
          maximize: bool):
    """Functional AdamW: updates params and their moment buffers in place."""
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError("API has changed, `state_steps` argument must contain a list of "
                           "singleton tensors")
    if not capturable and _fused_ok() and torsh._C._fused_adam_(
            params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs if amsgrad else [],
            state_steps, lr, beta1, beta2, weight_decay, eps, amsgrad, maximize, True):
        return  # the whole group in C++, one pass per parameter
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        exp_avg, exp_avg_sq, step_t = exp_avgs[i], exp_avg_sqs[i], state_steps[i]
        if capturable:
            assert getattr(param, "is_cuda", False) and getattr(step_t, "is_cuda", False), \
                "If capturable=True, params and state_steps must be CUDA tensors."
        step_t += 1
        param.mul_(1 - lr * weight_decay)
        exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        if amsgrad:
            torsh.maximum(max_exp_avg_sqs[i], exp_avg_sq, out=max_exp_avg_sqs[i])
            src = max_exp_avg_sqs[i]
        else:
            src = exp_avg_sq
        _adam_denom_update(param, exp_avg, src, step_t, beta1=beta1, beta2=beta2, lr=lr,
                           eps=eps, tensor_math=capturable)
