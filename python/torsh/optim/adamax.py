"""torch.optim.Adamax (torch 1.13): Adam with the infinity norm."""
from typing import List, Optional

import torsh
from torsh import Tensor
from torsh.optim.adam import _check_adam_args
from torsh.optim.optimizer import Optimizer, _fused_ok, _is_sparse, _run_closure, _step_to_tensor

__all__ = ["Adamax", "adamax"]


class Adamax(Optimizer):
    r"""Implements the Adamax algorithm (a variant of Adam based on the infinity norm).

    Args:
        params (iterable): parameters to optimize or dicts defining parameter groups
        lr (float, optional): learning rate (default: 2e-3)
        betas (Tuple[float, float], optional): (default: (0.9, 0.999))
        eps (float, optional): term added to the denominator (default: 1e-8)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        foreach (bool, optional): accepted; the per-tensor path is used
        maximize (bool, optional): maximize the objective instead of minimizing
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach: Optional[bool] = None, *, maximize: bool = False):
        _check_adam_args(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
        _step_to_tensor(self.state)

    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _run_closure(closure)
        with torsh.no_grad():
            for group in self.param_groups:
                params, grads, exp_avgs, exp_infs, steps = [], [], [], [], []
                beta1, beta2 = group["betas"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    params.append(p)
                    if _is_sparse(p.grad):
                        raise RuntimeError("Adamax does not support sparse gradients")
                    grads.append(p.grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = torsh.tensor(0.0)
                        state["exp_avg"] = torsh.zeros_like(p, memory_format=torsh.preserve_format)
                        state["exp_inf"] = torsh.zeros_like(p, memory_format=torsh.preserve_format)
                    exp_avgs.append(state["exp_avg"])
                    exp_infs.append(state["exp_inf"])
                    steps.append(state["step"])
                adamax(params, grads, exp_avgs, exp_infs, steps, eps=group["eps"], beta1=beta1,
                       beta2=beta2, lr=group["lr"], weight_decay=group["weight_decay"],
                       foreach=group["foreach"], maximize=group["maximize"])
        return loss


def adamax(params: List[Tensor], grads: List[Tensor], exp_avgs: List[Tensor],
           exp_infs: List[Tensor], state_steps: List[Tensor], foreach: Optional[bool] = None,
           maximize: bool = False, *, eps: float, beta1: float, beta2: float, lr: float,
           weight_decay: float):
    """Functional Adamax: updates params and their buffers in place."""
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError("API has changed, `state_steps` argument must contain a list of "
                           "singleton tensors")
    if _fused_ok() and torsh._C._fused_adamax_(params, grads, exp_avgs, exp_infs, state_steps,
                                               eps, beta1, beta2, lr, weight_decay, maximize):
        return  # the whole group in C++, one pass per parameter
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        exp_avg, exp_inf, step_t = exp_avgs[i], exp_infs[i], state_steps[i]
        step_t += 1
        step = step_t.item()
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        # exp_inf = max(beta2 * exp_inf, |grad| + eps), as an amax over a stacked pair
        norm_buf = torsh.cat([exp_inf.mul_(beta2).unsqueeze(0),
                              grad.abs().add_(eps).unsqueeze(0)], 0)
        torsh.amax(norm_buf, 0, keepdim=False, out=exp_inf)
        clr = lr / (1 - beta1 ** step)
        param.addcdiv_(exp_avg, exp_inf, value=-clr)
