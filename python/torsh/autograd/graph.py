"""torsh.autograd.graph: hooks on the tensors autograd saves for backward."""
from torsh import _C


class saved_tensors_hooks:
    """Context manager: every tensor saved for backward inside it is passed to pack_hook, and
    what pack_hook returned is passed to unpack_hook when backward needs the tensor back
    (torch.autograd.graph.saved_tensors_hooks). unpack_hook must return a tensor with the same
    values; saved tensors are not version-checked while packed."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        _C._push_saved_tensors_hooks(self.pack_hook, self.unpack_hook)

    def __exit__(self, *args):
        _C._pop_saved_tensors_hooks()
