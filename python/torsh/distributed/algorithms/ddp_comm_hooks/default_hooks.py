"""torch.distributed.algorithms.ddp_comm_hooks.default_hooks: the mean by all_reduce, and the
same on a float16 or bfloat16 copy of the bucket (torsh's MPI backend reduces both; torch
refuses the bfloat16 hook without CUDA 11+ and NCCL 2.10+)."""
from typing import Any, Callable

import torsh
import torsh.distributed as dist

__all__ = ["allreduce_hook", "fp16_compress_hook", "bf16_compress_hook", "fp16_compress_wrapper",
           "bf16_compress_wrapper"]


def _group_or_world(process_group):
    return process_group if process_group is not None else dist.group.WORLD


def _allreduce_fut(process_group: dist.ProcessGroup,
                   tensor: torsh.Tensor) -> torsh.futures.Future[torsh.Tensor]:
    """Divides tensor by the group size (first, so half precision does not overflow), starts
    its all_reduce and returns a future of the result."""
    group = _group_or_world(process_group)
    tensor.div_(group.size())
    work = dist.all_reduce(tensor, group=group, async_op=True)
    return work.get_future().then(lambda fut: fut.value()[0])


def allreduce_hook(process_group: dist.ProcessGroup,
                   bucket: dist.GradBucket) -> torsh.futures.Future[torsh.Tensor]:
    """The mean of the bucket over the group: what DDP does without a hook."""
    return _allreduce_fut(process_group, bucket.buffer())


def _compress_hook(dtype, process_group, bucket):
    group = _group_or_world(process_group)
    compressed = bucket.buffer().to(dtype).div_(group.size())
    fut = dist.all_reduce(compressed, group=group, async_op=True).get_future()

    def decompress(fut):
        out = bucket.buffer()
        out.copy_(fut.value()[0])  # back into the bucket: no second full-size tensor
        return out

    return fut.then(decompress)


def fp16_compress_hook(process_group: dist.ProcessGroup,
                       bucket: dist.GradBucket) -> torsh.futures.Future[torsh.Tensor]:
    """The mean computed in float16: the bucket cast to float16 and divided by the group size,
    all-reduced, and cast back into the bucket's dtype."""
    return _compress_hook(torsh.float16, process_group, bucket)


def bf16_compress_hook(process_group: dist.ProcessGroup,
                       bucket: dist.GradBucket) -> torsh.futures.Future[torsh.Tensor]:
    """As fp16_compress_hook, in bfloat16."""
    return _compress_hook(torsh.bfloat16, process_group, bucket)


def _compress_wrapper(dtype, hook, name):
    def wrapper_hook(hook_state, bucket: dist.GradBucket) -> torsh.futures.Future[torsh.Tensor]:
        bucket.set_buffer(bucket.buffer().to(dtype))
        fut = hook(hook_state, bucket)

        def decompress(fut):
            out = bucket.buffer()  # the compressed buffer, as in torch
            out.copy_(fut.value())
            return out

        return fut.then(decompress)

    wrapper_hook.__name__ = wrapper_hook.__qualname__ = name
    return wrapper_hook


def fp16_compress_wrapper(
        hook: Callable[[Any, dist.GradBucket], torsh.futures.Future[torsh.Tensor]]
) -> Callable[[Any, dist.GradBucket], torsh.futures.Future[torsh.Tensor]]:
    """hook run on a float16 copy of the bucket (fp16_compress_hook is
    fp16_compress_wrapper(allreduce_hook))."""
    return _compress_wrapper(torsh.float16, hook, "fp16_compress_wrapper_hook")


def bf16_compress_wrapper(
        hook: Callable[[Any, dist.GradBucket], torsh.futures.Future[torsh.Tensor]]
) -> Callable[[Any, dist.GradBucket], torsh.futures.Future[torsh.Tensor]]:
    """hook run on a bfloat16 copy of the bucket."""
    return _compress_wrapper(torsh.bfloat16, hook, "bf16_compress_wrapper_hook")
