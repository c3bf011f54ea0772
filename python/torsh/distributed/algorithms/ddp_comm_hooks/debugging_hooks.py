"""torch.distributed.algorithms.ddp_comm_hooks.debugging_hooks: noop_hook."""
import torsh
import torsh.distributed as dist

__all__ = ["noop_hook"]


def noop_hook(_: object, bucket: dist.GradBucket) -> torsh.futures.Future[torsh.Tensor]:
    """Returns the bucket unchanged and communicates nothing (to measure the rest of a step)."""
    fut = torsh.futures.Future()
    fut.set_result(bucket.buffer())
    return fut
