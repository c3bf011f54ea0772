"""torch.optim.Adadelta (torch 1.13)."""
from typing import List, Optional

import torsh
from torsh import Tensor
from torsh.optim.optimizer import Optimizer, _fused_ok, _is_sparse, _run_closure

__all__ = ["Adadelta", "adadelta"]


class Adadelta(Optimizer):
    r"""Implements the Adadelta algorithm.

    Args:
        params (iterable): parameters to optimize or dicts defining parameter groups
        lr (float, optional): coefficient that scales delta before it is applied (default: 1.0)
        rho (float, optional): running-average coefficient of squared gradients (default: 0.9)
        eps (float, optional): term added to the denominator (default: 1e-6)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        foreach (bool, optional): accepted; the per-tensor path is used
        maximize (bool, optional): maximize the objective instead of minimizing
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0,
                 foreach: Optional[bool] = None, *, maximize: bool = False):
        if not 0.0 <= lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 <= rho <= 1.0:
            raise ValueError("Invalid rho value: {}".format(rho))
        if not 0.0 <= eps:
            raise ValueError("Invalid epsilon value: {}".format(eps))
        if not 0.0 <= weight_decay:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        foreach=foreach)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)

    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _run_closure(closure)
        with torsh.no_grad():
            for group in self.param_groups:
                params, grads, square_avgs, acc_deltas = [], [], [], []
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    params.append(p)
                    if _is_sparse(p.grad):
                        raise RuntimeError("Adadelta does not support sparse gradients")
                    grads.append(p.grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = 0
                        state["square_avg"] = torsh.zeros_like(
                            p, memory_format=torsh.preserve_format)
                        state["acc_delta"] = torsh.zeros_like(
                            p, memory_format=torsh.preserve_format)
                    square_avgs.append(state["square_avg"])
                    acc_deltas.append(state["acc_delta"])
                    state["step"] += 1
                adadelta(params, grads, square_avgs, acc_deltas, lr=group["lr"],
                         rho=group["rho"], eps=group["eps"], weight_decay=group["weight_decay"],
                         foreach=group["foreach"], maximize=group["maximize"])
        return loss


def adadelta(params: List[Tensor], grads: List[Tensor], square_avgs: List[Tensor],
             acc_deltas: List[Tensor], foreach: Optional[bool] = None, *, lr: float,
             rho: float, eps: float, weight_decay: float, maximize: bool):
    """Functional Adadelta: updates params and their buffers in place."""
    if _fused_ok() and torsh._C._fused_adadelta_(params, grads, square_avgs, acc_deltas, lr,
                                                 rho, eps, weight_decay, maximize):
        return  # the whole group in C++, one pass per parameter
    for param, grad, square_avg, acc_delta in zip(params, grads, square_avgs, acc_deltas):
        grad = grad if not maximize else -grad
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
        std = square_avg.add(eps).sqrt_()
        delta = acc_delta.add(eps).sqrt_().div_(std).mul_(grad)
        acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
        param.add_(delta, alpha=-lr)
