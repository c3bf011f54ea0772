"""torch.optim.SparseAdam (torch 1.13): lazy Adam for embedding tables, where only the rows a
step's gradient touches have their moments and values updated.

torsh has no sparse tensors: an embedding's gradient (``sparse=True`` included) is dense, with
zero rows where no index pointed. SparseAdam therefore takes the rows of the gradient that are
not all zero as the sparse gradient's indices, and updates exactly those rows with torch's
arithmetic (same operations, same order, so the same values). The one difference: a row that
was looked up but whose summed gradient is exactly zero counts as untouched here, where torch
would decay its moments (and move it)."""
import math

import torsh
from torsh.optim.optimizer import Optimizer, _run_closure

__all__ = ["SparseAdam", "sparse_adam"]


class SparseAdam(Optimizer):
    r"""Lazy Adam: the moments and values of the rows a gradient touches are updated, the others
    left as they are (see the module docstring for what "touches" means in torsh).

    Args:
        params (iterable): parameters to optimize or dicts defining parameter groups
        lr (float, optional): learning rate (default: 1e-3)
        betas (Tuple[float, float], optional): (default: (0.9, 0.999))
        eps (float, optional): term added to the denominator (default: 1e-8)
        maximize (bool, optional): maximize the objective instead of minimizing
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize: bool = False):
        if not 0.0 < lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 < eps:
            raise ValueError("Invalid epsilon value: {}".format(eps))
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError("Invalid beta parameter at index 0: {}".format(betas[0]))
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError("Invalid beta parameter at index 1: {}".format(betas[1]))
        defaults = dict(lr=lr, betas=betas, eps=eps, maximize=maximize)
        super().__init__(list(params), defaults)

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
                    grads.append(p.grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = 0
                        state["exp_avg"] = torsh.zeros_like(p, memory_format=torsh.preserve_format)
                        state["exp_avg_sq"] = torsh.zeros_like(
                            p, memory_format=torsh.preserve_format)
                    exp_avgs.append(state["exp_avg"])
                    exp_avg_sqs.append(state["exp_avg_sq"])
                    state["step"] += 1
                    steps.append(state["step"])
                sparse_adam(params, grads, exp_avgs, exp_avg_sqs, steps, eps=group["eps"],
                            beta1=beta1, beta2=beta2, lr=group["lr"],
                            maximize=group.get("maximize", False))
        return loss


def _rows(t):
    """t with its rows along dim 0 (a 0-d tensor as one row), a view of t."""
    return t.unsqueeze(0) if t.dim() == 0 else t


def sparse_adam(params, grads, exp_avgs, exp_avg_sqs, state_steps, *, eps, beta1, beta2, lr,
                maximize=False):
    """Functional SparseAdam: updates the touched rows of params and their moments in place."""
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        rows_of = _rows  # views: the in-place row updates reach the tensors themselves
        g = rows_of(grad)
        index = g.reshape(g.size(0), -1).ne(0).any(1).nonzero().squeeze(1)  # touched rows
        if index.numel() == 0:
            continue
        exp_avg, exp_avg_sq, step = rows_of(exp_avgs[i]), rows_of(exp_avg_sqs[i]), state_steps[i]
        values = g.index_select(0, index)
        # old <- old + (1 - b) * (new - old) on the touched rows
        old_exp_avg = exp_avg.index_select(0, index)
        exp_avg_update = values.sub(old_exp_avg).mul_(1 - beta1)
        exp_avg.index_add_(0, index, exp_avg_update)
        old_exp_avg_sq = exp_avg_sq.index_select(0, index)
        exp_avg_sq_update = values.pow(2).sub_(old_exp_avg_sq).mul_(1 - beta2)
        exp_avg_sq.index_add_(0, index, exp_avg_sq_update)
        numer = exp_avg_update.add_(old_exp_avg)
        exp_avg_sq_update.add_(old_exp_avg_sq)
        denom = exp_avg_sq_update.sqrt_().add_(eps)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        step_size = lr * math.sqrt(bias_correction2) / bias_correction1
        rows_of(param).index_add_(0, index, -step_size * numer.div_(denom))
