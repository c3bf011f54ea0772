"""torch.optim.NAdam (torch 1.13): Adam with Nesterov momentum and momentum decay. The
running product of the momentum coefficients is a 0-dim float32 tensor, as in 1.13."""
from typing import List, Optional

import torsh
from torsh import Tensor
from torsh.optim.adam import _check_adam_args
from torsh.optim.optimizer import Optimizer, _fused_ok, _is_sparse, _run_closure, _step_to_tensor

__all__ = ["NAdam", "nadam"]


class NAdam(Optimizer):
    r"""Implements the NAdam algorithm.

    Args:
        params (iterable): parameters to optimize or dicts defining parameter groups
        lr (float, optional): learning rate (default: 2e-3)
        betas (Tuple[float, float], optional): (default: (0.9, 0.999))
        eps (float, optional): term added to the denominator (default: 1e-8)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        momentum_decay (float, optional): momentum decay (default: 4e-3)
        foreach (bool, optional): accepted; the per-tensor path is used
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, foreach: Optional[bool] = None):
        _check_adam_args(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError("Invalid momentum_decay value: {}".format(momentum_decay))
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay, foreach=foreach)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
        _step_to_tensor(self.state)
        values = list(self.state.values())
        if len(values) != 0 and not isinstance(values[0]["mu_product"], Tensor):
            for s in values:
                s["mu_product"] = torsh.tensor(s["mu_product"])

    def step(self, closure=None):
        """Performs a single optimization step."""
        loss = _run_closure(closure)
        with torsh.no_grad():
            for group in self.param_groups:
                params, grads, exp_avgs, exp_avg_sqs, mu_products, steps = [], [], [], [], [], []
                beta1, beta2 = group["betas"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    params.append(p)
                    if _is_sparse(p.grad):
                        raise RuntimeError("NAdam does not support sparse gradients")
                    grads.append(p.grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = torsh.tensor(0.0)
                        state["mu_product"] = torsh.tensor(1.0)
                        state["exp_avg"] = torsh.zeros_like(p, memory_format=torsh.preserve_format)
                        state["exp_avg_sq"] = torsh.zeros_like(
                            p, memory_format=torsh.preserve_format)
                    exp_avgs.append(state["exp_avg"])
                    exp_avg_sqs.append(state["exp_avg_sq"])
                    mu_products.append(state["mu_product"])
                    steps.append(state["step"])
                nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, steps, beta1=beta1,
                      beta2=beta2, lr=group["lr"], weight_decay=group["weight_decay"],
                      momentum_decay=group["momentum_decay"], eps=group["eps"],
                      foreach=group["foreach"])
        return loss


def nadam(params: List[Tensor], grads: List[Tensor], exp_avgs: List[Tensor],
          exp_avg_sqs: List[Tensor], mu_products: List[Tensor], state_steps: List[Tensor],
          foreach: Optional[bool] = None, *, beta1: float, beta2: float, lr: float,
          weight_decay: float, momentum_decay: float, eps: float):
    """Functional NAdam: updates params and their buffers in place."""
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError("API has changed, `state_steps` argument must contain a list of "
                           "singleton tensors")
    if not all(isinstance(t, Tensor) for t in mu_products):
        raise RuntimeError("API has changed, `mu_products` argument must contain a list of "
                           "singleton tensors")
    if _fused_ok() and torsh._C._fused_nadam_(params, grads, exp_avgs, exp_avg_sqs, mu_products,
                                              state_steps, beta1, beta2, lr, weight_decay,
                                              momentum_decay, eps):
        return  # the whole group in C++, one pass per parameter
    for i, param in enumerate(params):
        grad, exp_avg, exp_avg_sq = grads[i], exp_avgs[i], exp_avg_sqs[i]
        mu_product, step_t = mu_products[i], state_steps[i]
        step_t += 1
        step = step_t.item()
        bias_correction2 = 1 - beta2 ** step
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        mu = beta1 * (1. - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1. - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product *= mu
        mu_product_next = mu_product * mu * mu_next
        exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = exp_avg_sq.div(bias_correction2).sqrt().add_(eps)
        param.addcdiv_(grad, denom, value=(-lr * (1. - mu) / (1. - mu_product.item())))
        param.addcdiv_(exp_avg, denom, value=(-lr * mu_next) / (1. - mu_product_next.item()))
