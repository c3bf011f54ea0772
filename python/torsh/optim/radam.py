"""torch.optim.RAdam (torch 1.13): Adam with a rectified adaptive learning rate."""
import math
from typing import List, Optional

import torsh
from torsh import Tensor
from torsh.optim.adam import _check_adam_args
from torsh.optim.optimizer import Optimizer, _fused_ok, _is_sparse, _run_closure, _step_to_tensor

__all__ = ["RAdam", "radam"]


class RAdam(Optimizer):
    r"""Implements the RAdam algorithm.

    Args:
        params (iterable): parameters to optimize or dicts defining parameter groups
        lr (float, optional): learning rate (default: 1e-3)
        betas (Tuple[float, float], optional): (default: (0.9, 0.999))
        eps (float, optional): term added to the denominator (default: 1e-8)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        foreach (bool, optional): accepted; the per-tensor path is used
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach: Optional[bool] = None):
        _check_adam_args(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        foreach=foreach)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
        _step_to_tensor(self.state)

    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _run_closure(closure)
        with torsh.no_grad():
            for group in self.param_groups:
                params, grads, exp_avgs, exp_avg_sqs, steps = [], [], [], [], []
                beta1, beta2 = group["betas"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    params.append(p)
                    if _is_sparse(p.grad):
                        raise RuntimeError("RAdam does not support sparse gradients")
                    grads.append(p.grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = torsh.tensor(0.0)
                        state["exp_avg"] = torsh.zeros_like(p, memory_format=torsh.preserve_format)
                        state["exp_avg_sq"] = torsh.zeros_like(
                            p, memory_format=torsh.preserve_format)
                    exp_avgs.append(state["exp_avg"])
                    exp_avg_sqs.append(state["exp_avg_sq"])
                    steps.append(state["step"])
                radam(params, grads, exp_avgs, exp_avg_sqs, steps, beta1=beta1, beta2=beta2,
                      lr=group["lr"], weight_decay=group["weight_decay"], eps=group["eps"],
                      foreach=group["foreach"])
        return loss


def radam(params: List[Tensor], grads: List[Tensor], exp_avgs: List[Tensor],
          exp_avg_sqs: List[Tensor], state_steps: List[Tensor], foreach: Optional[bool] = None,
          *, beta1: float, beta2: float, lr: float, weight_decay: float, eps: float):
    """Functional RAdam: updates params and their buffers in place."""
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError("API has changed, `state_steps` argument must contain a list of "
                           "singleton tensors")
    if _fused_ok() and torsh._C._fused_radam_(params, grads, exp_avgs, exp_avg_sqs, state_steps,
                                              beta1, beta2, lr, weight_decay, eps):
        return  # the whole group in C++, one pass per parameter
    for i, param in enumerate(params):
        grad, exp_avg, exp_avg_sq, step_t = grads[i], exp_avgs[i], exp_avg_sqs[i], state_steps[i]
        step_t += 1
        step = step_t.item()
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        corrected = exp_avg / bias_correction1
        # maximum length of the approximated SMA, and its value at this step
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                             / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            adaptive_lr = math.sqrt(bias_correction2) / exp_avg_sq.sqrt().add_(eps)
            param.add_(corrected * lr * adaptive_lr * rect, alpha=-1.0)
        else:
            param.add_(corrected * lr, alpha=-1.0)
