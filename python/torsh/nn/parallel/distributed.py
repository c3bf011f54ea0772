"""torch.nn.parallel.DistributedDataParallel for torsh: one process per rank (mpirun), the
module replicated, gradients averaged during backward.

At construction rank 0's parameters and buffers are broadcast to every rank (after checking
that all ranks have the same parameter shapes). The gradient work is the C++ Reducer
(torsh::distributed::Reducer): parameters in buckets of at most ``bucket_cap_mb`` (the first 1
MiB), in reverse order; a bucket's all-reduce starts as soon as its last gradient arrives, so
communication overlaps the rest of backward; when backward returns every ``.grad`` is the mean
over ranks. Differences from torch: the buckets are fixed at construction (torch rebuilds them
once, in gradient-arrival order, after the first iteration); the averages are the same.

``register_comm_hook(state, hook)`` switches to the Python HookReducer (_comm_hooks.py), which
buckets as torch does (rebuilding included) and makes each bucket's ``.grad`` values the
hook's future result.
"""
import contextlib
import inspect

import torsh
import torsh.distributed as dist
from torsh.nn.modules.module import Module
from torsh.nn.parallel._comm_hooks import HookReducer

__all__ = ["DistributedDataParallel"]


def _flat_broadcast(tensors, group):
    """Broadcasts rank 0's values of tensors (grouped by dtype into one message each)."""
    by_dtype = {}
    for t in tensors:
        by_dtype.setdefault(t.dtype, []).append(t)
    for ts in by_dtype.values():
        flat = torsh.cat([t.detach().reshape(-1) for t in ts])
        dist.broadcast(flat, dist.get_global_rank(group, 0) if group is not None else 0, group)
        at = 0
        with torsh.no_grad():
            for t in ts:
                n = t.numel()
                t.copy_(flat[at:at + n].view(t.shape))
                at += n


class DistributedDataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=25, find_unused_parameters=False,
                 check_reduction=False, gradient_as_bucket_view=False, static_graph=False):
        super().__init__()
        if not any(p.requires_grad for p in module.parameters()):
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have "
                               "any parameter that requires a gradient.")
        if device_ids is not None or output_device is not None:
            raise ValueError(
                "DistributedDataParallel device_ids and output_device arguments only work with "
                "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                f"{device_ids}, output_device {output_device}, and module parameters "
                "{device(type='cpu')}.")
        self.module = module
        self.device = torsh.device("cpu")
        self.dim = dim
        self.process_group = process_group
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.bucket_bytes_cap = int(bucket_cap_mb * 1024 * 1024)
        self._first_bucket_bytes = dist._DEFAULT_FIRST_BUCKET_BYTES  # read here, as torch
        self.broadcast_bucket_size = int(250 * 1024 * 1024)
        pg = dist._pg(process_group)
        # Parameters in model order, each once, as torch's reducer sees them.
        seen, params = set(), []
        for _, mod in module.named_modules():
            for _, p in mod.named_parameters(recurse=False):
                if p.requires_grad and id(p) not in seen:
                    seen.add(id(p))
                    params.append(p)
        self._params = params
        self._verify_same_shapes(params)
        _flat_broadcast(list(module.parameters()) + list(module.buffers()), process_group)
        self.reducer = dist._d.Reducer(params, pg, self.bucket_bytes_cap, find_unused_parameters)

    def _verify_same_shapes(self, params):
        group = self.process_group
        counts = [torsh.zeros(1, dtype=torsh.int64) for _ in range(dist.get_world_size(group))]
        dist.all_gather(counts, torsh.tensor([len(params)]), group)
        for r, c in enumerate(counts):
            if int(c) != len(params):
                raise RuntimeError(f"DDP expects same model across all ranks, but Rank "
                                   f"{dist.get_rank(group)} has {len(params)} params, while rank "
                                   f"{r} has inconsistent {int(c)} params.")
        # Rank 0's [dims, sizes...] list against this rank's, padded to the longest so that the
        # broadcast has the same length everywhere.
        shapes = torsh.tensor([d for p in params for d in (p.dim(), *p.shape)] or [0])
        longest = torsh.tensor([shapes.numel()])
        dist.all_reduce(longest, op=dist.ReduceOp.MAX, group=group)
        mine = torsh.full((int(longest),), -1, dtype=torsh.int64)
        mine[:shapes.numel()] = shapes
        ref = mine.clone()
        dist.broadcast(ref, dist.get_global_rank(group, 0) if group is not None else 0, group)
        if not torsh.equal(ref, mine):
            raise RuntimeError(f"DDP expects same model across all ranks: the parameter shapes "
                               f"on rank {dist.get_rank(group)} do not match rank 0's.")

    def forward(self, *inputs, **kwargs):
        grad = torsh.is_grad_enabled()
        sync = grad and self.require_backward_grad_sync
        hooked = isinstance(self.reducer, HookReducer)
        if sync:
            if hooked:
                self.reducer.prepare_for_forward()
            else:
                self.reducer.prepare_for_backward()
        if self.require_forward_param_sync and self.broadcast_buffers:
            buffers = list(self.module.buffers())
            if buffers:
                _flat_broadcast(buffers, self.process_group)
        output = self.module(*inputs, **kwargs)
        if sync and hooked:
            self.reducer.prepare_for_backward(output)
        self.require_forward_param_sync = sync
        return output

    def register_comm_hook(self, state, hook):
        """Registers ``hook(state, bucket: dist.GradBucket) -> torch.futures.Future[Tensor]``:
        it receives each gradient bucket (local gradients, not divided by the world size) and
        its future's tensor becomes the bucket's gradients. Once per model, before backward."""
        self._check_comm_hook(hook)
        if isinstance(self.reducer, HookReducer):
            raise RuntimeError("register_comm_hook or register_builtin_comm_hook can only be "
                               "called once.")
        # The C++ Reducer goes (its autograd hooks with it): the hook path does the reduction.
        self.reducer = HookReducer(self._params, self.process_group,
                                   [self._first_bucket_bytes, self.bucket_bytes_cap],
                                   self.find_unused_parameters, self.static_graph, state, hook)

    def _check_comm_hook(self, hook):
        if not callable(hook):
            raise TypeError("Communication hook must be callable.")
        sig = inspect.signature(hook)
        # as torch: the hook's second parameter must be named `bucket`
        bucket_annotation = sig.parameters["bucket"].annotation
        if bucket_annotation is not inspect.Parameter.empty and \
                bucket_annotation != dist.GradBucket:
            raise ValueError("Communication hook: bucket annotation should be dist.GradBucket.")
        if sig.return_annotation is not inspect.Signature.empty and \
                sig.return_annotation != torsh.futures.Future[torsh.Tensor]:
            raise ValueError("Communication hook: return annotation should be "
                             "torch.futures.Future[torch.Tensor].")

    @contextlib.contextmanager
    def no_sync(self):
        """Gradients accumulate locally inside; the first synchronised backward after it
        averages the accumulated gradients."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old
