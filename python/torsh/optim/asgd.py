"""torch.optim.ASGD (torch 1.13): averaged stochastic gradient descent. eta and mu are 0-dim
float32 tensors in the state, as in 1.13."""
import math
from typing import List, Optional

import torsh
from torsh import Tensor
from torsh.optim.optimizer import Optimizer, _fused_ok, _is_sparse, _run_closure, _step_to_tensor

__all__ = ["ASGD", "asgd"]


class ASGD(Optimizer):
    r"""Implements Averaged Stochastic Gradient Descent.

    Args:
        params (iterable): parameters to optimize or dicts defining parameter groups
        lr (float, optional): learning rate (default: 1e-2)
        lambd (float, optional): decay term (default: 1e-4)
        alpha (float, optional): power for eta update (default: 0.75)
        t0 (float, optional): point at which to start averaging (default: 1e6)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        foreach (bool, optional): accepted; the per-tensor path is used
        maximize (bool, optional): maximize the objective instead of minimizing
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach: Optional[bool] = None, maximize: bool = False):
        if not 0.0 <= lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 <= weight_decay:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
        _step_to_tensor(self.state)
        values = list(self.state.values())
        if len(values) != 0 and not isinstance(values[0]["eta"], Tensor):
            for s in values:
                s["eta"] = torsh.tensor(s["eta"])
        if len(values) != 0 and not isinstance(values[0]["mu"], Tensor):
            for s in values:
                s["mu"] = torsh.tensor(float(s["mu"]))

    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _run_closure(closure)
        with torsh.no_grad():
            for group in self.param_groups:
                params, grads, mus, axs, etas, steps = [], [], [], [], [], []
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    params.append(p)
                    if _is_sparse(p.grad):
                        raise RuntimeError("ASGD does not support sparse gradients")
                    grads.append(p.grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = torsh.tensor(0.0)
                        state["eta"] = torsh.tensor(group["lr"])
                        state["mu"] = torsh.tensor(1.0)
                        state["ax"] = torsh.zeros_like(p, memory_format=torsh.preserve_format)
                    mus.append(state["mu"])
                    axs.append(state["ax"])
                    etas.append(state["eta"])
                    steps.append(state["step"])
                asgd(params, grads, axs, mus, etas, steps, lambd=group["lambd"], lr=group["lr"],
                     t0=group["t0"], alpha=group["alpha"], weight_decay=group["weight_decay"],
                     foreach=group["foreach"], maximize=group["maximize"])
        return loss


def asgd(params: List[Tensor], grads: List[Tensor], axs: List[Tensor], mus: List[Tensor],
         etas: List[Tensor], state_steps: List[Tensor], foreach: Optional[bool] = None,
         maximize: bool = False, *, lambd: float, lr: float, t0: float, alpha: float,
         weight_decay: float):
    """Functional ASGD: updates params, their averages and the eta/mu tensors in place."""
    if _fused_ok() and torsh._C._fused_asgd_(params, grads, axs, mus, etas, state_steps, lambd,
                                             lr, t0, alpha, weight_decay, maximize):
        return  # the whole group in C++, one pass per parameter
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        mu, ax, eta, step_t = mus[i], axs[i], etas[i], state_steps[i]
        step_t += 1
        step = step_t.item()
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        param.mul_(1 - lambd * eta.item())          # decay term
        param.add_(grad, alpha=-eta.item())          # update parameter
        if mu.item() != 1:                           # averaging
            ax.add_(param.sub(ax).mul(mu))
        else:
            ax.copy_(param)
        eta.copy_(torsh.tensor(lr / math.pow((1 + lambd * lr * step), alpha)))
        mu.copy_(torsh.tensor(1 / max(1, step - t0)))
