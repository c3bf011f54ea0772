"""default_collate / default_convert (torch 1.13 semantics): how the DataLoader turns a list
of samples into a batch (stacking tensors, numpy arrays and numbers; recursing into
mappings, named tuples and sequences; leaving strings as lists)."""
import collections
import re
from typing import Callable, Dict, Optional, Tuple, Type, Union

import torsh

np_str_obj_array_pattern = re.compile(r"[SaUO]")
string_classes = (str, bytes)

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, "
    "dicts or lists; found {}")


def default_convert(data):
    r"""Converts numpy arrays and scalars in `data` (recursively through mappings, named
    tuples and sequences) to tensors; the DataLoader's collate_fn when batching is off."""
    elem_type = type(data)
    if isinstance(data, torsh.Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        # numpy arrays of strings or objects are left alone
        if elem_type.__name__ == "ndarray":
            if np_str_obj_array_pattern.search(data.dtype.str) is not None:
                return data
            return torsh.as_tensor(data)
        # a numpy scalar: through a 0-d array, which keeps its dtype (see
        # collate_numpy_scalar_fn)
        import numpy as np
        return torsh.as_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        try:
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:
            # the mapping type may not support `__init__(iterable)`
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # backwards compatibility
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, string_classes):
        try:
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            # the sequence type may not support `__init__(iterable)` (e.g. `range`)
            return [default_convert(d) for d in data]
    return data


def collate(batch, *, collate_fn_map: Optional[Dict[Union[Type, Tuple[Type, ...]],
                                                    Callable]] = None):
    r"""The general collate: the first element's type picks a function from
    `collate_fn_map` (exact type first, then isinstance); otherwise mappings, named tuples
    and sequences are collated field by field / position by position."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        try:
            return elem_type({key: collate([d[key] for d in batch],
                                           collate_fn_map=collate_fn_map) for key in elem})
        except TypeError:
            return {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                    for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map)
                           for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        # check to make sure that the elements in batch have consistent size
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [collate(samples, collate_fn_map=collate_fn_map) for samples in transposed]
        try:
            return elem_type([collate(samples, collate_fn_map=collate_fn_map)
                              for samples in transposed])
        except TypeError:
            return [collate(samples, collate_fn_map=collate_fn_map) for samples in transposed]
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    return torsh.stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    elem = batch[0]
    # arrays of string classes and objects
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([torsh.as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    # torch.as_tensor(list of numpy scalars) keeps the scalars' numpy dtype; torsh's
    # tensor() reads numpy scalars as Python numbers (np.int32 -> int64, np.bool_ ->
    # float32), so the list goes through a numpy array, which carries the dtype
    import numpy as np
    return torsh.as_tensor(np.asarray(batch))


def collate_float_fn(batch, *, collate_fn_map=None):
    return torsh.tensor(batch, dtype=torsh.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    return torsh.tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map: Dict[Union[Type, Tuple[Type, ...]], Callable] = {
    torsh.Tensor: collate_tensor_fn}
try:
    import numpy as _np
    default_collate_fn_map[_np.ndarray] = collate_numpy_array_fn
    # np.bool_ is not a subclass of np.number; np.object_ covers remaining numpy scalars
    default_collate_fn_map[(_np.bool_, _np.number, _np.object_)] = collate_numpy_scalar_fn
except ImportError:  # pragma: no cover
    pass
default_collate_fn_map[float] = collate_float_fn
default_collate_fn_map[int] = collate_int_fn
default_collate_fn_map[string_classes] = collate_str_fn


def default_collate(batch):
    r"""Puts each data field into a tensor with an outer batch dimension: tensors are stacked,
    numpy arrays/scalars converted and stacked, floats become a float64 tensor, ints an int64
    tensor, strings stay a list; mappings, named tuples and sequences are collated per
    field/position (a tuple sample gives a list of batches).

    Examples:
        >>> default_collate([0, 1, 2, 3])
        tensor([0, 1, 2, 3])
        >>> default_collate([{'A': 0, 'B': 1}, {'A': 100, 'B': 100}])
        {'A': tensor([  0, 100]), 'B': tensor([  1, 100])}
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)
