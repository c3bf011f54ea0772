"""torsh.random: the default CPU generator's seed and state (torch.random)."""
import contextlib

from torsh._C import get_rng_state, initial_seed, manual_seed, set_rng_state  # noqa: F401


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices"):
    """Restores the CPU generator's state on exit: random numbers drawn inside do not move the
    stream seen outside (torch.random.fork_rng; torsh has no CUDA generators to fork)."""
    del devices, _caller, _devices_kw
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
