"""torch.optim.SGD: stochastic gradient descent with optional momentum, dampening, Nesterov
momentum, L2 weight decay and maximization (torch 1.13's update, op for op)."""
from typing import Optional

import torsh
from torsh.optim.optimizer import (Optimizer, _fused_ok, _is_sparse, _run_closure,
                                   _use_grad_for_differentiable, required)

__all__ = ["SGD", "sgd"]


class SGD(Optimizer):
    r"""Implements stochastic gradient descent (optionally with momentum).

    Args:
        params (iterable): parameters to optimize or dicts defining parameter groups
        lr (float): learning rate
        momentum (float, optional): momentum factor (default: 0)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        dampening (float, optional): dampening for momentum (default: 0)
        nesterov (bool, optional): enables Nesterov momentum (default: False)
        maximize (bool, optional): maximize the objective instead of minimizing
        foreach (bool, optional): accepted for compatibility; the per-tensor path is used
    """

    def __init__(self, params, lr=required, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach: Optional[bool] = None,
                 differentiable=False):
        if lr is not required and lr < 0.0:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if momentum < 0.0:
            raise ValueError("Invalid momentum value: {}".format(momentum))
        if weight_decay < 0.0:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Performs a single optimization step; `closure` re-evaluates the model and returns
        the loss."""
        loss = _run_closure(closure)
        for group in self.param_groups:
            params, grads, bufs = [], [], []
            has_sparse_grad = False
            for p in group["params"]:
                if p.grad is None:
                    continue
                params.append(p)
                grads.append(p.grad)
                has_sparse_grad = has_sparse_grad or _is_sparse(p.grad)
                bufs.append(self.state[p].get("momentum_buffer"))
            sgd(params, grads, bufs, weight_decay=group["weight_decay"],
                momentum=group["momentum"], lr=group["lr"], dampening=group["dampening"],
                nesterov=group["nesterov"], maximize=group["maximize"],
                has_sparse_grad=has_sparse_grad, foreach=group["foreach"])
            for p, buf in zip(params, bufs):
                self.state[p]["momentum_buffer"] = buf
        return loss


def sgd(params, d_p_list, momentum_buffer_list, has_sparse_grad=None, foreach=None, *,
        weight_decay, momentum, lr, dampening, nesterov, maximize):
    """Functional SGD: updates `params` in place; fills new momentum buffers into
    `momentum_buffer_list` (entries that were None)."""
    if not has_sparse_grad and _fused_ok():
        bufs = torsh._C._fused_sgd_(params, d_p_list, momentum_buffer_list, weight_decay,
                                    momentum, lr, dampening, nesterov, maximize)
        if bufs is not None:  # the whole group in C++, one pass per parameter
            for i, buf in enumerate(bufs):
                if momentum_buffer_list[i] is None:
                    momentum_buffer_list[i] = buf
            return
    for i, param in enumerate(params):
        d_p = d_p_list[i] if not maximize else -d_p_list[i]
        if weight_decay != 0:
            d_p = d_p.add(param, alpha=weight_decay)
        if momentum != 0:
            buf = momentum_buffer_list[i]
            if buf is None:
                buf = torsh.clone(d_p).detach()
                momentum_buffer_list[i] = buf
            else:
                buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
            if nesterov:
                d_p = d_p.add(buf, alpha=momentum)
            else:
                d_p = buf
        param.add_(d_p, alpha=-lr)
