"""torch.optim.RMSprop (torch 1.13), with the centered and momentum variants."""
from typing import List, Optional

import torsh
from torsh import Tensor
from torsh.optim.optimizer import (Optimizer, _fused_ok, _is_sparse, _run_closure,
                                   _use_grad_for_differentiable)

__all__ = ["RMSprop", "rmsprop"]


class RMSprop(Optimizer):
    r"""Implements the RMSprop algorithm.

    Args:
        params (iterable): parameters to optimize or dicts defining parameter groups
        lr (float, optional): learning rate (default: 1e-2)
        alpha (float, optional): smoothing constant (default: 0.99)
        eps (float, optional): term added to the denominator (default: 1e-8)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        momentum (float, optional): momentum factor (default: 0)
        centered (bool, optional): normalize by the estimated variance of the gradient
        foreach (bool, optional): accepted; the per-tensor path is used
        maximize (bool, optional): maximize the objective instead of minimizing
        differentiable (bool, optional): run the step with autograd enabled
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, foreach: Optional[bool] = None, maximize: bool = False,
                 differentiable: bool = False):
        if not 0.0 <= lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 <= eps:
            raise ValueError("Invalid epsilon value: {}".format(eps))
        if not 0.0 <= momentum:
            raise ValueError("Invalid momentum value: {}".format(momentum))
        if not 0.0 <= weight_decay:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        if not 0.0 <= alpha:
            raise ValueError("Invalid alpha value: {}".format(alpha))
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("momentum", 0)
            group.setdefault("centered", False)
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _run_closure(closure)
        for group in self.param_groups:
            params, grads, square_avgs, grad_avgs, bufs = [], [], [], [], []
            for p in group["params"]:
                if p.grad is None:
                    continue
                params.append(p)
                if _is_sparse(p.grad):
                    raise RuntimeError("RMSprop does not support sparse gradients")
                grads.append(p.grad)
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["square_avg"] = torsh.zeros_like(p, memory_format=torsh.preserve_format)
                    if group["momentum"] > 0:
                        state["momentum_buffer"] = torsh.zeros_like(
                            p, memory_format=torsh.preserve_format)
                    if group["centered"]:
                        state["grad_avg"] = torsh.zeros_like(p, memory_format=torsh.preserve_format)
                square_avgs.append(state["square_avg"])
                if group["momentum"] > 0:
                    bufs.append(state["momentum_buffer"])
                if group["centered"]:
                    grad_avgs.append(state["grad_avg"])
                if group["differentiable"] and isinstance(state["step"], Tensor):
                    raise RuntimeError("`step` can't be a tensor")
                state["step"] += 1
            rmsprop(params, grads, square_avgs, grad_avgs, bufs, lr=group["lr"],
                    alpha=group["alpha"], eps=group["eps"], weight_decay=group["weight_decay"],
                    momentum=group["momentum"], centered=group["centered"],
                    foreach=group["foreach"], maximize=group["maximize"],
                    differentiable=group["differentiable"])
        return loss


def rmsprop(params: List[Tensor], grads: List[Tensor], square_avgs: List[Tensor],
            grad_avgs: List[Tensor], momentum_buffer_list: List[Tensor],
            foreach: Optional[bool] = None, maximize: bool = False,
            differentiable: bool = False, *, lr: float, alpha: float, eps: float,
            weight_decay: float, momentum: float, centered: bool):
    """Functional RMSprop: updates params and their buffers in place."""
    if _fused_ok(differentiable) and torsh._C._fused_rmsprop_(
            params, grads, square_avgs, grad_avgs, momentum_buffer_list, lr, alpha, eps,
            weight_decay, momentum, centered, maximize):
        return  # the whole group in C++, one pass per parameter
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        square_avg = square_avgs[i]
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if centered:
            grad_avg = grad_avgs[i]
            grad_avg.mul_(alpha).add_(grad, alpha=1 - alpha)
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg.add(eps) if differentiable else avg.add_(eps)
        if momentum > 0:
            buf = momentum_buffer_list[i]
            buf.mul_(momentum).addcdiv_(grad, avg)
            param.add_(buf, alpha=-lr)
        else:
            param.addcdiv_(grad, avg, value=-lr)
