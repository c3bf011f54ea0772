"""torch.optim.Rprop (torch 1.13): resilient backpropagation."""
from typing import List, Optional

import torsh
from torsh import Tensor
from torsh.optim.optimizer import Optimizer, _fused_ok, _is_sparse, _run_closure

__all__ = ["Rprop", "rprop"]


class Rprop(Optimizer):
    r"""Implements the resilient backpropagation algorithm.

    Args:
        params (iterable): parameters to optimize or dicts defining parameter groups
        lr (float, optional): learning rate (default: 1e-2)
        etas (Tuple[float, float], optional): (etaminus, etaplus), the multiplicative
            decrease and increase factors (default: (0.5, 1.2))
        step_sizes (Tuple[float, float], optional): minimal and maximal allowed step sizes
            (default: (1e-6, 50))
        foreach (bool, optional): accepted; the per-tensor path is used
        maximize (bool, optional): maximize the objective instead of minimizing
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50),
                 foreach: Optional[bool] = None, maximize: bool = False):
        if not 0.0 <= lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError("Invalid eta values: {}, {}".format(etas[0], etas[1]))
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize)
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
                params, grads, prevs, step_sizes = [], [], [], []
                etaminus, etaplus = group["etas"]
                step_size_min, step_size_max = group["step_sizes"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    params.append(p)
                    grad = p.grad
                    if _is_sparse(grad):
                        raise RuntimeError("Rprop does not support sparse gradients")
                    grads.append(grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = 0
                        state["prev"] = torsh.zeros_like(p, memory_format=torsh.preserve_format)
                        state["step_size"] = torsh.full_like(grad, group["lr"])
                        # torch fills a new tensor in place: its version starts at 1
                        state["step_size"]._bump_version()
                    prevs.append(state["prev"])
                    step_sizes.append(state["step_size"])
                    state["step"] += 1
                rprop(params, grads, prevs, step_sizes, step_size_min=step_size_min,
                      step_size_max=step_size_max, etaminus=etaminus, etaplus=etaplus,
                      foreach=group["foreach"], maximize=group["maximize"])
        return loss


def rprop(params: List[Tensor], grads: List[Tensor], prevs: List[Tensor],
          step_sizes: List[Tensor], foreach: Optional[bool] = None, maximize: bool = False, *,
          step_size_min: float, step_size_max: float, etaplus: float, etaminus: float):
    """Functional Rprop: updates params, their previous gradients and step sizes in place."""
    if _fused_ok() and torsh._C._fused_rprop_(params, grads, prevs, step_sizes, step_size_min,
                                              step_size_max, etaplus, etaminus, maximize):
        return  # the whole group in C++, one pass per parameter
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        prev, step_size = prevs[i], step_sizes[i]
        sign = grad.mul(prev).sign()
        sign[sign.gt(0)] = etaplus
        sign[sign.lt(0)] = etaminus
        sign[sign.eq(0)] = 1
        # update stepsizes with step size updates
        step_size.mul_(sign).clamp_(step_size_min, step_size_max)
        # for dir<0, dfdx=0; for dir>=0 dfdx=dfdx
        grad = grad.clone(memory_format=torsh.preserve_format)
        grad[sign.eq(etaminus)] = 0
        # update parameters
        param.addcmul_(grad.sign(), step_size, value=-1)
        prev.copy_(grad)
