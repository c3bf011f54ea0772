"""torch.multiprocessing: the standard ``multiprocessing`` module (every public name is
re-exported, so ``import torsh.multiprocessing as mp`` replaces ``import multiprocessing``),
plus tensors that travel between processes in shared memory (see reductions.py), ``spawn`` /
``start_processes`` and the sharing-strategy settings."""
import multiprocessing
import sys

from multiprocessing import *  # noqa: F401,F403

from torsh.multiprocessing import reductions  # noqa: F401
from torsh.multiprocessing.reductions import init_reductions
from torsh.multiprocessing.spawn import (ProcessContext, ProcessExitedException,  # noqa: F401
                                         ProcessRaisedException, SpawnContext, spawn,
                                         start_processes)

__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies"]
__all__ += multiprocessing.__all__

if sys.platform in ("darwin", "win32"):
    _sharing_strategy = "file_system"
    _all_sharing_strategies = {"file_system"}
else:
    _sharing_strategy = "file_descriptor"
    _all_sharing_strategies = {"file_descriptor", "file_system"}


def set_sharing_strategy(new_strategy):
    """Selects how CPU tensors are shared: one of get_all_sharing_strategies(). torsh records
    the choice; its tensors are always sent by file descriptor."""
    global _sharing_strategy
    assert new_strategy in _all_sharing_strategies
    _sharing_strategy = new_strategy


def get_sharing_strategy():
    """The current sharing strategy ('file_descriptor' by default on Linux)."""
    return _sharing_strategy


def get_all_sharing_strategies():
    """The set of sharing strategies this system supports."""
    return _all_sharing_strategies


init_reductions()
