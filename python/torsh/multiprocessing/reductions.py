"""How torsh tensors cross process boundaries through multiprocessing (queues, pipes, Process
arguments): in shared memory, as torch.multiprocessing sends them.

A tensor being sent is first moved into a memfd-backed shared mapping (the sender's tensor is
rebound to it, keeping its values; a later send reuses the mapping). What is pickled is a
duplicate of the mapping's file descriptor (multiprocessing.reduction.DupFd, passed over a Unix
socket, or inherited by a child being spawned) plus the byte offset, sizes, strides and dtype;
the receiver maps the same memory, so in-place changes on either side are seen by the other.

Differences from torch: a tensor that is a view of a larger tensor is shared on its own (its
base keeps the old private memory, where torch moves the whole storage); both sharing
strategies use file descriptors (torch's 'file_system' uses named shared-memory files)."""
import mmap
import multiprocessing.reduction
import os
import weakref

import numpy as np

import torsh

__all__ = ["init_reductions", "reduce_tensor", "rebuild_tensor"]

# This process's shared mappings: start address -> (end address, file descriptor). The fd stays
# open while the mapping lives, so the memory can be sent on again.
_REGIONS = {}


def _release(start, fd):
    _REGIONS.pop(start, None)
    torsh._extra_api._SHARED.pop(start, None)
    try:
        os.close(fd)
    except OSError:
        pass


def _map(fd, nbytes):
    """The whole shared mapping of ``fd`` as a uint8 numpy array, registered as a region (and
    as shared memory for Tensor.is_shared) until the array is freed."""
    buf = mmap.mmap(fd, nbytes)
    raw = np.frombuffer(buf, dtype=np.uint8, count=nbytes)
    start = raw.ctypes.data
    _REGIONS[start] = (start + nbytes, fd)
    torsh._extra_api._SHARED[start] = start + nbytes
    weakref.finalize(raw, _release, start, fd)
    return raw


def _extent(t):
    """(lowest, one past the highest) byte address the tensor's elements occupy."""
    lo = hi = t.data_ptr()
    size = t.element_size()
    for n, st in zip(t.shape, t.stride()):
        if st >= 0:
            hi += (n - 1) * st * size
        else:
            lo += (n - 1) * st * size
    return lo, hi + size


def _find_region(t):
    lo, hi = _extent(t)
    for start, (end, fd) in list(_REGIONS.items()):  # a finalizer may run meanwhile
        if start <= lo and hi <= end:
            return start, end, fd
    return None


def _move_to_shared(t):
    """Rebinds ``t`` to a fresh contiguous copy of itself in a new memfd mapping."""
    nbytes = t.numel() * t.element_size()
    fd = os.memfd_create("torsh_shared", os.MFD_CLOEXEC)
    try:
        os.ftruncate(fd, nbytes)
        raw = _map(fd, nbytes)
    except BaseException:
        os.close(fd)
        raise
    shared = torsh.from_numpy(raw).view(t.dtype).view(t.shape)
    with torsh.no_grad():
        shared.copy_(t.detach())
    t.data = shared  # keeps t's identity, requires_grad and grad, as torch's share_memory_
    return _find_region(t)


def reduce_tensor(t):
    """The ForkingPickler reducer of torsh tensors and Parameters."""
    if t.requires_grad and not t.is_leaf:
        raise RuntimeError(
            "Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd "
            "does not support crossing process boundaries.  If you just want to transfer the "
            "data, call detach() on the tensor before serializing (e.g., putting it on the "
            "queue).")
    if t.numel() == 0:
        return t.__reduce_ex__(2)  # nothing to share: the ordinary (copying) pickle
    region = _find_region(t)
    if region is None:
        region = _move_to_shared(t)
    start, end, fd = region
    meta = (end - start, t.data_ptr() - start, tuple(t.shape), tuple(t.stride()),
            repr(t.dtype).split(".")[-1], t.requires_grad)
    is_param = isinstance(t, torsh.nn.Parameter)
    return rebuild_tensor, (multiprocessing.reduction.DupFd(fd), meta, is_param)


def rebuild_tensor(dup_fd, meta, is_param):
    """Maps the sent memory and views it with the sender's sizes, strides and dtype."""
    nbytes, offset, shape, stride, dtype_name, requires_grad = meta
    fd = dup_fd.detach()
    try:
        raw = _map(fd, nbytes)
    except BaseException:
        os.close(fd)
        raise
    dtype = getattr(torsh, dtype_name)
    itemsize = torsh.empty(0, dtype=dtype).element_size()
    # the bytes from the tensor's first element to the end of the mapping, as ``dtype``
    count = (nbytes - offset) // itemsize
    # (sliced as a tensor, so the tensor keeps ``raw`` itself alive and the region registered)
    flat = torsh.from_numpy(raw)[offset:offset + count * itemsize].view(dtype)
    t = flat.as_strided(shape, stride)  # keeps flat's storage offset
    if is_param:
        return torsh.nn.Parameter(t, requires_grad)
    if requires_grad:
        t.requires_grad_(True)
    return t


def init_reductions():
    """Registers the tensor reducer with multiprocessing's pickler (torch does the same when
    torch.multiprocessing is imported)."""
    from torsh.nn.parameter import Parameter
    multiprocessing.reduction.ForkingPickler.register(torsh.Tensor, reduce_tensor)
    multiprocessing.reduction.ForkingPickler.register(Parameter, reduce_tensor)
