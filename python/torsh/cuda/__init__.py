"""torsh.cuda: this build has no CUDA. The queries answer as torch's CPU-only build does, and
whatever needs a CUDA device raises its AssertionError."""


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def _lazy_init():
    raise AssertionError("Torch not compiled with CUDA enabled")


def current_device():
    _lazy_init()


def synchronize(device=None):
    _lazy_init()


def manual_seed(seed):
    """Seeds CUDA generators when there are any; none here (as torch without CUDA)."""


def manual_seed_all(seed):
    """Seeds every CUDA generator; none here."""


def seed_all():
    """Seeds every CUDA generator randomly; none here."""


def empty_cache():
    """Releases cached CUDA memory; there is none (a no-op, as torch without CUDA)."""


def memory_allocated(device=None):
    return 0


def max_memory_allocated(device=None):
    return 0


def memory_reserved(device=None):
    return 0


def max_memory_reserved(device=None):
    return 0


def get_device_name(device=None):
    _lazy_init()


def get_device_properties(device):
    _lazy_init()


def is_bf16_supported():
    _lazy_init()
