"""torch.distributed's object collectives: picklable objects moved as byte tensors (sizes
first, then the bytes), as torch does. Only use them between trusted ranks: unpickling runs code."""
import io
import pickle

import torsh


def _to_tensor(obj):
    import numpy as np
    buf = io.BytesIO()
    pickle.Pickler(buf).dump(obj)
    data = np.frombuffer(buf.getbuffer(), dtype=np.uint8).copy()
    return torsh.from_numpy(data), len(data)


def _to_object(t, size):
    return pickle.loads(t[:size].numpy().tobytes())


def broadcast_object_list(object_list, src=0, group=None, device=None):
    from torsh import distributed as dist
    if dist._not_member(group, "broadcast_object_list"):
        return
    me = dist.get_rank()
    sizes = torsh.zeros(len(object_list), dtype=torsh.int64)
    if me == src:
        pieces = [_to_tensor(o) for o in object_list]
        sizes = torsh.tensor([n for _, n in pieces], dtype=torsh.int64)
    dist.broadcast(sizes, src, group)
    total = int(sizes.sum())
    data = torsh.cat([t for t, _ in pieces]) if me == src else torsh.empty(total,
                                                                           dtype=torsh.uint8)
    dist.broadcast(data, src, group)
    if me != src:
        at = 0
        for i, n in enumerate(sizes.tolist()):
            object_list[i] = _to_object(data[at:at + n], n)
            at += n


def _gather_bytes(obj, group):
    """Every rank's pickled obj (padded to the longest), and the true sizes."""
    from torsh import distributed as dist
    t, n = _to_tensor(obj)
    world = dist.get_world_size(group)
    sizes = [torsh.zeros(1, dtype=torsh.int64) for _ in range(world)]
    dist.all_gather(sizes, torsh.tensor([n], dtype=torsh.int64), group)
    longest = max(int(s) for s in sizes)
    padded = torsh.zeros(longest, dtype=torsh.uint8)
    padded[:n] = t
    return padded, [int(s) for s in sizes], longest


def all_gather_object(object_list, obj, group=None):
    from torsh import distributed as dist
    if dist._not_member(group, "all_gather_object"):
        return
    padded, sizes, longest = _gather_bytes(obj, group)
    out = [torsh.zeros(longest, dtype=torsh.uint8) for _ in sizes]
    dist.all_gather(out, padded, group)
    for i, (t, n) in enumerate(zip(out, sizes)):
        object_list[i] = _to_object(t, n)


def gather_object(obj, object_gather_list=None, dst=0, group=None):
    from torsh import distributed as dist
    if dist._not_member(group, "gather_object"):
        return
    padded, sizes, longest = _gather_bytes(obj, group)
    me = dist.get_rank()
    out = [torsh.zeros(longest, dtype=torsh.uint8) for _ in sizes] if me == dst else None
    dist.gather(padded, out, dst, group)
    if me == dst:
        for i, (t, n) in enumerate(zip(out, sizes)):
            object_gather_list[i] = _to_object(t, n)


def scatter_object_list(scatter_object_output_list, scatter_object_input_list, src=0, group=None):
    from torsh import distributed as dist
    if dist._not_member(group, "scatter_object_list"):
        return
    objects = list(scatter_object_input_list) if dist.get_rank() == src else [None]
    if dist.get_rank() != src:
        objects = [None] * dist.get_world_size(group)
    broadcast_object_list(objects, src, group)
    scatter_object_output_list[0] = objects[dist.get_rank(group)]
