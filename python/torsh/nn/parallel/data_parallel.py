"""torch.nn.parallel.DataParallel on a machine without CUDA devices (torsh has none): as torch
then, the wrapper keeps the module (so state_dict keys gain a ``module.`` prefix), records no
devices, and forward calls the module directly."""
from torsh.nn.modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


class DataParallel(Module):
    r"""Wraps ``module`` for single-process multi-GPU data parallelism. With no GPU, as here,
    ``device_ids`` is ``[]`` (whatever is passed, as torch), ``output_device`` and ``dim`` are
    not recorded, and ``forward(*inputs, **kwargs)`` is ``module(*inputs, **kwargs)``."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = []

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0,
                  module_kwargs=None):
    r"""The functional DataParallel. torch 1.13 fails on a machine without GPUs (it indexes the
    empty device list with a TypeError); so does this, with a message that says why."""
    raise TypeError("data_parallel(): no CUDA device is available to replicate the module on "
                    "(torch raises this TypeError too on a CPU-only machine); call the module "
                    "directly or wrap it in nn.DataParallel")
