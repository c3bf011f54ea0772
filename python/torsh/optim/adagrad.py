"""torch.optim.Adagrad (torch 1.13): per-coordinate learning rates from the running sum of
squared gradients. State (step, sum) is created for every parameter at construction."""
from typing import List, Optional

import torsh
from torsh import Tensor
from torsh.optim.optimizer import (Optimizer, _fused_ok, _is_complex, _is_sparse, _run_closure,
                                   _step_to_tensor)

__all__ = ["Adagrad", "adagrad"]


class Adagrad(Optimizer):
    r"""Implements the Adagrad algorithm.

    Args:
        params (iterable): parameters to optimize or dicts defining parameter groups
        lr (float, optional): learning rate (default: 1e-2)
        lr_decay (float, optional): learning rate decay (default: 0)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        initial_accumulator_value (float, optional): start value of the sums (default: 0)
        eps (float, optional): term added to the denominator (default: 1e-10)
        foreach (bool, optional): accepted; the per-tensor path is used
        maximize (bool, optional): maximize the objective instead of minimizing
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, foreach: Optional[bool] = None, *,
                 maximize: bool = False):
        if not 0.0 <= lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 <= lr_decay:
            raise ValueError("Invalid lr_decay value: {}".format(lr_decay))
        if not 0.0 <= weight_decay:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        if not 0.0 <= initial_accumulator_value:
            raise ValueError("Invalid initial_accumulator_value value: {}".format(
                initial_accumulator_value))
        if not 0.0 <= eps:
            raise ValueError("Invalid epsilon value: {}".format(eps))
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = torsh.tensor(0.0)
                init = (complex(initial_accumulator_value, initial_accumulator_value)
                        if _is_complex(p) else initial_accumulator_value)
                state["sum"] = torsh.full_like(p, init, memory_format=torsh.preserve_format)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
        _step_to_tensor(self.state)

    def share_memory(self):
        for group in self.param_groups:
            for p in group["params"]:
                s = self.state[p]["sum"]
                if hasattr(s, "share_memory_"):
                    s.share_memory_()

    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _run_closure(closure)
        with torsh.no_grad():
            for group in self.param_groups:
                params, grads, sums, steps = [], [], [], []
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    params.append(p)
                    grads.append(p.grad)
                    state = self.state[p]
                    sums.append(state["sum"])
                    steps.append(state["step"])
                adagrad(params, grads, sums, steps, lr=group["lr"],
                        weight_decay=group["weight_decay"], lr_decay=group["lr_decay"],
                        eps=group["eps"], foreach=group["foreach"],
                        maximize=group["maximize"])
        return loss


def adagrad(params: List[Tensor], grads: List[Tensor], state_sums: List[Tensor],
            state_steps: List[Tensor], has_sparse_grad: bool = None,
            foreach: Optional[bool] = None, *, lr: float, weight_decay: float,
            lr_decay: float, eps: float, maximize: bool):
    """Functional Adagrad: updates params and their sums in place."""
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError("API has changed, `state_steps` argument must contain a list of "
                           "singleton tensors")
    if (not has_sparse_grad and _fused_ok() and not any(_is_sparse(g) for g in grads)
            and torsh._C._fused_adagrad_(params, grads, state_sums, state_steps, lr,
                                         weight_decay, lr_decay, eps, maximize)):
        return  # the whole group in C++, one pass per parameter
    for param, grad, state_sum, step_t in zip(params, grads, state_sums, state_steps):
        step_t += 1
        step = step_t.item()
        grad = grad if not maximize else -grad
        if _is_sparse(grad):
            raise RuntimeError("Adagrad: sparse gradients are not supported by torsh")
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        clr = lr / (1 + (step - 1) * lr_decay)
        state_sum.addcmul_(grad, grad, value=1)
        std = state_sum.sqrt().add_(eps)
        param.addcdiv_(grad, std, value=-clr)
