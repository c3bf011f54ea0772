"""torch.optim.swa_utils (torch 1.13 semantics): Stochastic Weight Averaging. AveragedModel keeps
a running average of a model's parameters (and optionally buffers), SWALR anneals the learning
rate to a constant, update_bn recomputes BatchNorm statistics for the averaged weights."""
import itertools
import math
import warnings
from copy import deepcopy

import torsh
from torsh.nn import Module
from torsh.nn.modules.batchnorm import _BatchNorm
from torsh.optim.lr_scheduler import _LRScheduler

__all__ = ["AveragedModel", "update_bn", "SWALR"]


def _equal_average(averaged_param, model_param, num_averaged):
    """The running mean after one more model: avg + (new - avg) / (n + 1)."""
    return averaged_param + (model_param - averaged_param) / (num_averaged + 1)


class AveragedModel(Module):
    r"""A copy of `model` whose parameters are the running average of the models passed to
    :meth:`update_parameters` (Izmailov et al., "Averaging Weights Leads to Wider Optima and
    Better Generalization", 2018).

    Args:
        model (Module): the model to average; it is deep-copied.
        device (torch.device, optional): where the copy (and ``n_averaged``) lives.
        avg_fn (callable, optional): (averaged param, model param, number averaged so far) ->
            new averaged param; an equal-weight average by default. Not saved in state_dict.
        use_buffers (bool): average the buffers too (default: False, only parameters).

    The first :meth:`update_parameters` copies the model's values; later ones apply `avg_fn`.
    ``n_averaged`` is an int64 buffer counting the calls.
    """

    def __init__(self, model, device=None, avg_fn=None, use_buffers=False):
        super().__init__()
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", torsh.tensor(0, dtype=torsh.long, device=device))
        self.avg_fn = _equal_average if avg_fn is None else avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def _tensors(self, module, own):
        if self.use_buffers:
            return itertools.chain(module.parameters(), module.buffers())
        # without buffers the averaged side walks self.parameters() (the copy's parameters)
        return self.parameters() if own else module.parameters()

    def update_parameters(self, model):
        """Folds `model`'s current parameters (and buffers with use_buffers) into the
        average."""
        first = bool(self.n_averaged == 0)
        for p_swa, p_model in zip(self._tensors(self.module, True), self._tensors(model, False)):
            device = p_swa.device
            value = p_model.detach().to(device)
            if first:
                p_swa.detach().copy_(value)
            else:
                p_swa.detach().copy_(self.avg_fn(p_swa.detach(), value,
                                                 self.n_averaged.to(device)))
        self.n_averaged += 1


@torsh.no_grad()
def update_bn(loader, model, device=None):
    r"""Recomputes the running_mean / running_var of every BatchNorm layer of `model` with one
    pass over `loader` (a cumulative average over the batches; momentum is restored after).

    Args:
        loader (iterable): batches that are tensors, or lists/tuples whose first element is the
            model's input.
        model (Module): the model whose BatchNorm statistics are recomputed.
        device (torch.device, optional): where each batch is moved before the forward.
    """
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.running_mean = torsh.zeros_like(module.running_mean)
            module.running_var = torsh.ones_like(module.running_var)
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None  # cumulative moving average over the pass
        module.num_batches_tracked *= 0
    for batch in loader:
        if isinstance(batch, (list, tuple)):
            batch = batch[0]
        if device is not None:
            batch = batch.to(device)
        model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(_LRScheduler):
    r"""Anneals each group's learning rate from its current value to `swa_lr` over
    `anneal_epochs` steps, then holds it (the SWA phase schedule).

    Args:
        optimizer (Optimizer): wrapped optimizer.
        swa_lr (float or list): the target learning rate, one for all groups or one per group.
        anneal_epochs (int): steps of the annealing phase (default: 10).
        anneal_strategy (str): "cos" or "linear" (default: "cos").
        last_epoch (int): the index of the last epoch (default: -1).
    """

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos",
                 last_epoch=-1):
        for lr, group in zip(self._format_param(optimizer, swa_lr), optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError("anneal_strategy must by one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        self.anneal_func = (self._cosine_anneal if anneal_strategy == "cos"
                            else self._linear_anneal)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _format_param(optimizer, swa_lrs):
        if isinstance(swa_lrs, (list, tuple)):
            if len(swa_lrs) != len(optimizer.param_groups):
                raise ValueError("swa_lr must have the same length as optimizer.param_groups: "
                                 f"swa_lr has {len(swa_lrs)}, optimizer.param_groups has "
                                 f"{len(optimizer.param_groups)}")
            return swa_lrs
        return [swa_lrs] * len(optimizer.param_groups)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        """The learning rate that, annealed by `alpha` toward swa_lr, gave `lr`."""
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def _progress(self, step):
        return self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))

    def get_lr(self):
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use "
                          "`get_last_lr()`.", UserWarning)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        # recover the pre-annealing rate from the current one (other schedulers may have
        # changed it), then anneal it one step further
        prev_alpha = self._progress(step - 1)
        alpha = self._progress(step)
        groups = self.optimizer.param_groups
        starts = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in groups]
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(groups, starts)]
