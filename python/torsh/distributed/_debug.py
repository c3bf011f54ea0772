"""torch.distributed's debug level (DebugLevel, get/set_debug_level, set_debug_level_from_env),
the deprecated ``reduce_op`` object, ``supports_complex`` and ``is_ucc_available``.

torsh keeps the debug level (read from TORCH_DISTRIBUTED_DEBUG when torsh.distributed is
imported, as torch does) so that code reading it behaves the same; its MPI backend logs nothing
more at INFO or DETAIL."""
import enum
import os
import warnings

__all__ = ["DebugLevel", "get_debug_level", "set_debug_level", "set_debug_level_from_env",
           "supports_complex", "is_ucc_available"]


class DebugLevel(enum.Enum):
    """The debug level of torch.distributed: OFF, INFO or DETAIL."""
    OFF = 0
    INFO = 1
    DETAIL = 2

    def __int__(self):
        return self.value

    def __index__(self):
        return self.value


_level = [DebugLevel.OFF]


def get_debug_level():
    """Gets the debug level of the torch.distributed package."""
    return _level[0]


def set_debug_level(level):
    """Sets the debug level of the torch.distributed package."""
    if not isinstance(level, DebugLevel):
        raise TypeError("set_debug_level(): incompatible function arguments. The following "
                        "argument types are supported:\n    1. (arg0: "
                        "torch._C._distributed_c10d.DebugLevel) -> None\n\n"
                        f"Invoked with: {level!r}")
    _level[0] = level


def set_debug_level_from_env():
    """Sets the debug level from the TORCH_DISTRIBUTED_DEBUG environment variable (OFF when
    it is unset)."""
    value = os.environ.get("TORCH_DISTRIBUTED_DEBUG")
    if value is None:
        _level[0] = DebugLevel.OFF
        return
    name = value.strip().upper()
    if name not in DebugLevel.__members__:
        raise RuntimeError("The value of TORCH_DISTRIBUTED_DEBUG must be OFF, INFO, or DETAIL.")
    _level[0] = DebugLevel[name]


class _reduce_op:  # noqa: N801  (torch's name)
    """Deprecated enum-like object for reduction operations (use ReduceOp): every attribute
    read warns."""

    def __init__(self, red_op_type):
        for name, value in red_op_type.__members__.items():
            setattr(self, name, value)
        self.__members__ = red_op_type.__members__

    def __getattribute__(self, key):
        warnings.warn("torch.distributed.reduce_op is deprecated, please use "
                      "torch.distributed.ReduceOp instead")
        return object.__getattribute__(self, key)


def _make_reduce_op():
    from torsh.distributed import ReduceOp
    return _reduce_op(ReduceOp.RedOpType)


def supports_complex(reduceOp):  # noqa: N803  (torch's argument name)
    """Whether reduceOp can reduce complex tensors (not MAX, MIN, PRODUCT nor bitwise ops)."""
    from torsh.distributed import ReduceOp
    deny = [ReduceOp.MAX, ReduceOp.MIN, ReduceOp.PRODUCT, ReduceOp.BAND, ReduceOp.BOR,
            ReduceOp.BXOR]
    return reduceOp not in deny


def is_ucc_available():
    return False
