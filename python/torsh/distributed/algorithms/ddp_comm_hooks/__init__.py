"""torch.distributed.algorithms.ddp_comm_hooks: register_ddp_comm_hook and DDPCommHookType
(the default hooks and the no-op hook; torch's quantization and PowerSGD hooks are not in
torsh)."""
from enum import Enum
from functools import partial

from torsh.distributed.algorithms.ddp_comm_hooks import debugging_hooks as debugging
from torsh.distributed.algorithms.ddp_comm_hooks import default_hooks as default

__all__ = ["DDPCommHookType", "register_ddp_comm_hook"]


def _ddp_comm_hook_wrapper(comm_hook, model, state):
    model.register_comm_hook(state, comm_hook)


class DDPCommHookType(Enum):
    """The hooks by name; ``DDPCommHookType.ALLREDUCE.value(model=model, state=group)``
    registers one."""
    ALLREDUCE = partial(_ddp_comm_hook_wrapper, comm_hook=default.allreduce_hook)
    FP16_COMPRESS = partial(_ddp_comm_hook_wrapper, comm_hook=default.fp16_compress_hook)
    BF16_COMPRESS = partial(_ddp_comm_hook_wrapper, comm_hook=default.bf16_compress_hook)
    NOOP = partial(_ddp_comm_hook_wrapper, comm_hook=debugging.noop_hook)


def register_ddp_comm_hook(comm_hook_type, model, state=None):
    """Registers the hook named by comm_hook_type on the DDP model, with state."""
    comm_hook_type.value(model=model, state=state)
