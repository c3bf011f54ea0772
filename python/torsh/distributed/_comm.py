"""Work.get_future() and GradBucket (what a DDP communication hook receives)."""
from torsh._C import _distributed as _d

__all__ = ["GradBucket"]

# The first DDP bucket's size limit (torch's dist._DEFAULT_FIRST_BUCKET_BYTES); DDP reads it
# when the model is wrapped, for the communication-hook path.
_DEFAULT_FIRST_BUCKET_BYTES = 1024 * 1024


def _work_get_future(self):
    """A torch.futures.Future completed when this work is; its value is the work's output
    tensors (a list, [tensor] for all_reduce)."""
    from torsh.futures import _from_work
    return _from_work(self, lambda: list(self.result()))


_d.Work.get_future = _work_get_future


class GradBucket:
    """One DDP gradient bucket, as a communication hook sees it: the flat buffer of the
    bucket's gradients (not divided by the world size), its parameters, and per-parameter views
    of the buffer."""

    def __init__(self, index, bucket_count, buffer, offsets, lengths, shapes, parameters):
        self._index = index
        self._count = bucket_count
        self._buffer = buffer
        self._offsets = list(offsets)
        self._lengths = list(lengths)
        self._shapes = [tuple(s) for s in shapes]
        self._parameters = list(parameters)

    def index(self):
        """The bucket's index (0: the first gradients to arrive)."""
        return self._index

    def buffer(self):
        """The flat tensor of the bucket's gradients."""
        return self._buffer

    def gradients(self):
        """Each parameter's gradient: views into buffer(), shaped as the parameter."""
        return [self._buffer[o:o + n].view(s)
                for o, n, s in zip(self._offsets, self._lengths, self._shapes)]

    def parameters(self):
        """The bucket's parameters, in the order of their gradients in the buffer."""
        return list(self._parameters)

    def is_last(self):
        """Whether this is the last bucket of the backward pass (the last to be reduced)."""
        return self._index == self._count - 1

    def set_buffer(self, buffer):
        """Replaces the bucket's flat tensor (e.g. by a compressed copy)."""
        self._buffer = buffer

    def __repr__(self):
        return (f"GradBucket(index={self._index}, numel={self._buffer.numel()}, "
                f"parameters={len(self._parameters)})")
