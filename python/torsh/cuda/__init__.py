"""torsh.cuda: this build has no CUDA. Every function answers as torch 1.13's CPU-only build
does: the queries report no devices and no memory, the seeding and cache functions do nothing,
whatever needs a CUDA device raises torch's AssertionError, and the few that fail in torch with
another exception (reset_peak_memory_stats' AttributeError, Stream's TypeError, ...) fail here
with the same type."""
import collections
import warnings

import torsh

_NO_CUDA = "Torch not compiled with CUDA enabled"


def _lazy_init():
    raise AssertionError(_NO_CUDA)


def _missing_native(fn, native):
    """What torch's CPU build raises where it calls a binding that only a CUDA build has."""
    raise AttributeError(f"torch.cuda.{fn}: this build has no CUDA (module 'torch._C' has no "
                         f"attribute '{native}')")


def _dummy_base(name):
    raise RuntimeError(f"Tried to instantiate dummy base class {name}")


class CudaError(RuntimeError):
    def __init__(self, code):
        super().__init__(f"CUDA error {code}")


class DeferredCudaCallError(Exception):
    pass


class OutOfMemoryError(RuntimeError):
    """torch.cuda.OutOfMemoryError (never raised here)."""


has_half = False
has_magma = False
default_generators = ()


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def init():
    _lazy_init()


def current_device():
    _lazy_init()


def synchronize(device=None):
    _lazy_init()


def get_arch_list():
    return []


def get_gencode_flags():
    return ""


def get_device_name(device=None):
    _lazy_init()


def get_device_capability(device=None):
    _lazy_init()


def get_device_properties(device):
    _lazy_init()


def is_bf16_supported():
    _lazy_init()


def can_device_access_peer(device, peer_device):
    _lazy_init()


def current_blas_handle():
    _lazy_init()


def ipc_collect():
    _lazy_init()


def get_sync_debug_mode():
    _lazy_init()


def set_sync_debug_mode(debug_mode):
    _lazy_init()


def set_per_process_memory_fraction(fraction, device=None):
    _lazy_init()


def mem_get_info(device=None):
    _lazy_init()


def is_current_stream_capturing():
    _dummy_base("_cuda_isCurrentStreamCapturing")


def graph_pool_handle():
    _dummy_base("_graph_pool_handle")


def _device_index(device, optional=False):
    """torch.cuda._utils._get_device_index: the CUDA index a device, str or int names; None
    when optional and it names none (torch would ask the current device)."""
    if isinstance(device, str):
        device = torsh.device(device)
    if isinstance(device, torsh.device):
        if device.type != "cuda":
            raise ValueError(f"Expected a cuda device, but got: {device}")
        index = device.index
    elif isinstance(device, globals()["device"]):
        return device.idx
    elif isinstance(device, int):
        index = device
    else:
        index = None
    if index is None and not optional:
        raise ValueError(f"Expected a torch.device with a specified index or an integer, but "
                         f"got:{device}")
    return index


def set_device(device):
    """A negative index is a no-op (as torch); selecting a device fails, there is none."""
    index = _device_index(device)
    if index >= 0:
        _missing_native("set_device", "_cuda_setDevice")


class device:
    """torch.cuda.device(idx): selects a CUDA device inside the with-block; a negative index is
    a no-op, any other fails on entry as there is no CUDA."""

    def __init__(self, device):
        self.idx = _device_index(device, optional=True)
        self.prev_idx = -1

    def __enter__(self):
        if self.idx == -1:
            return
        self.prev_idx = current_device()

    def __exit__(self, type, value, traceback):
        if self.prev_idx != self.idx:
            set_device(self.prev_idx)
        return False


class device_of(device):
    """torch.cuda.device_of(obj): the device of a CUDA tensor; a no-op for a CPU tensor."""

    def __init__(self, obj):
        idx = obj.get_device() if obj.is_cuda else -1
        super().__init__(idx)


class Stream:
    """torch.cuda.Stream: cannot be created without CUDA (torch's CPU build raises this
    TypeError)."""

    def __new__(cls, device=None, priority=0, **kwargs):
        raise TypeError("object.__new__() takes exactly one argument (the type to instantiate)")


class ExternalStream(Stream):
    def __new__(cls, stream_ptr, device=None, **kwargs):
        _lazy_init()


class Event:
    """torch.cuda.Event: cannot be created without CUDA (torch's CPU build raises this
    TypeError)."""

    def __new__(cls, enable_timing=False, blocking=False, interprocess=False):
        raise TypeError("object.__new__() takes exactly one argument (the type to instantiate)")


class CUDAGraph:
    def __new__(cls, *args, **kwargs):
        _dummy_base("CUDAGraph")


class StreamContext:
    """torch.cuda.stream(s): selects stream s inside the with-block; with None (the only stream
    there can be here) a no-op."""

    def __init__(self, stream):
        self.stream = stream
        self.idx = -1 if stream is None else _device_index(None, True)

    def __enter__(self):
        if self.stream is None or self.idx == -1:
            return
        _lazy_init()

    def __exit__(self, type, value, traceback):
        return False


def stream(stream):
    return StreamContext(stream)


def set_stream(stream):
    """Sets the current stream; None is a no-op (as torch)."""
    if stream is None:
        return
    _lazy_init()


def current_stream(device=None):
    _lazy_init()


def default_stream(device=None):
    _lazy_init()


# Random numbers: there are no CUDA generators. The setters do nothing (torch queues them until
# CUDA initialises, which never happens); reading a generator's state fails.
def manual_seed(seed):
    """Seeds CUDA generators when there are any; none here (as torch without CUDA)."""


def manual_seed_all(seed):
    """Seeds every CUDA generator; none here."""


def seed():
    """Seeds the CUDA generator randomly; none here."""


def seed_all():
    """Seeds every CUDA generator randomly; none here."""


def initial_seed():
    _lazy_init()


def get_rng_state(device="cuda"):
    _lazy_init()


def get_rng_state_all():
    return []


def set_rng_state(new_state, device="cuda"):
    """Queued until CUDA initialises in torch, so a no-op here."""


def set_rng_state_all(new_states):
    for state in new_states:
        set_rng_state(state)


# Memory: nothing is allocated, the statistics are empty, and resetting them fails as in torch.
def empty_cache():
    """Releases cached CUDA memory; there is none (a no-op, as torch without CUDA)."""


def memory_stats(device=None):
    return collections.OrderedDict()


def memory_stats_as_nested_dict(device=None):
    return {}


def memory_summary(device=None, abbreviated=False):
    raise KeyError("allocated_bytes.all.current")


def memory_snapshot():
    _missing_native("memory_snapshot", "_cuda_memorySnapshot")


def memory_allocated(device=None):
    return 0


def max_memory_allocated(device=None):
    return 0


def memory_reserved(device=None):
    return 0


def max_memory_reserved(device=None):
    return 0


def memory_cached(device=None):
    warnings.warn("torch.cuda.memory_cached has been renamed to torch.cuda.memory_reserved",
                  FutureWarning, stacklevel=2)
    return memory_reserved(device)


def max_memory_cached(device=None):
    warnings.warn("torch.cuda.max_memory_cached has been renamed to "
                  "torch.cuda.max_memory_reserved", FutureWarning, stacklevel=2)
    return max_memory_reserved(device)


def reset_peak_memory_stats(device=None):
    _missing_native("reset_peak_memory_stats", "_cuda_resetPeakMemoryStats")


def reset_accumulated_memory_stats(device=None):
    _missing_native("reset_accumulated_memory_stats", "_cuda_resetAccumulatedMemoryStats")


def reset_max_memory_allocated(device=None):
    warnings.warn("torch.cuda.reset_max_memory_allocated now calls "
                  "torch.cuda.reset_peak_memory_stats, which resets /all/ peak memory stats.",
                  FutureWarning, stacklevel=2)
    return reset_peak_memory_stats(device)


def reset_max_memory_cached(device=None):
    warnings.warn("torch.cuda.reset_max_memory_cached now calls "
                  "torch.cuda.reset_peak_memory_stats, which resets /all/ peak memory stats.",
                  FutureWarning, stacklevel=2)
    return reset_peak_memory_stats(device)


def list_gpu_processes(device=None):
    return "pynvml module not found, please install pynvml"


def utilization(device=None):
    raise ModuleNotFoundError("pynvml module not found, please install pynvml")


def memory_usage(device=None):
    raise ModuleNotFoundError("pynvml module not found, please install pynvml")


class _CudaTensorTypeMeta(type):
    """The metaclass of torch.cuda.FloatTensor & co.: no tensor is an instance (none is on
    CUDA), and constructing one fails as in torch's CPU build."""

    def __instancecheck__(cls, obj):
        return False

    def __call__(cls, *args, **kwargs):
        raise TypeError(f"type torch.cuda.{cls.__name__} not available. Torch not compiled "
                        f"with CUDA enabled.")

    def __repr__(cls):
        return f"<class 'torch.cuda.{cls.__name__}'>"


for _name in ("FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor",
              "IntTensor", "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"):
    globals()[_name] = _CudaTensorTypeMeta(_name, (), {"__module__": __name__})
del _name
