"""Module.to's argument parsing (torch 1.13's torch._C._nn._parse_to: device, dtype,
non_blocking and memory_format from positional or keyword arguments)."""
import torsh
from torsh import Tensor


def _parse_to(args, kwargs):
    """torch._C._nn._parse_to: (device, dtype, non_blocking, memory_format) from Module.to's
    arguments: to(device=None, dtype=None, non_blocking=False), to(dtype, non_blocking=False),
    to(tensor, non_blocking=False), to(memory_format=...)."""
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    non_blocking = kwargs.pop("non_blocking", False)
    memory_format = kwargs.pop("memory_format", None)
    kwargs.pop("copy", None)
    if kwargs:
        raise TypeError("to() received an invalid combination of arguments - got unexpected "
                        "keyword argument(s) " + ", ".join(repr(k) for k in kwargs))
    args = list(args)
    if args and isinstance(args[0], Tensor):
        other = args.pop(0)
        device, dtype = other.device, other.dtype
    elif args and isinstance(args[0], torsh.dtype):
        dtype = args.pop(0)
    elif args and isinstance(args[0], (str, int, torsh.device)):
        device = args.pop(0)
        if args and isinstance(args[0], torsh.dtype):
            dtype = args.pop(0)
    if args and isinstance(args[0], bool):
        non_blocking = args.pop(0)
    if args:
        raise TypeError("to() received an invalid combination of arguments - got "
                        f"({', '.join(type(a).__name__ for a in args)})")
    if device is not None:
        if isinstance(device, int):
            device = torsh.device("cuda", device)
        elif not isinstance(device, torsh.device):
            device = torsh.device(device)
    return device, dtype, non_blocking, memory_format


def to_empty(self, *, device):
    """Module.to_empty: every parameter and buffer replaced by an uninitialised tensor of the same
    shape and dtype on `device` (no values copied); returns the module."""
    return self._apply(lambda t: torsh.empty_like(t, device=device))


def _check_to_dtype(dtype):
    """Module.to's dtype: floating point or complex (complex with torch's warning)."""
    if dtype is None:
        return
    if not (dtype.is_floating_point or dtype.is_complex):
        raise TypeError("nn.Module.to only accepts floating point or complex "
                        "dtypes, but got desired dtype={}".format(dtype))
    if dtype.is_complex:
        import warnings
        warnings.warn(
            "Complex modules are a new feature under active development whose design may change, "
            "and some modules might not work as expected when using complex tensors as "
            "parameters or buffers. Please file an issue at "
            "https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml "
            "if a complex module does not work as expected.")
