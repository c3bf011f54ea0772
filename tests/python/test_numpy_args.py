"""numpy integer and floating scalars as int/float arguments (torch's parser takes them where it
takes a Python int or float): sizes, dims and counts given as np.int64/np.int32, alone, in a
tuple or as varargs. Each case runs in torch and torsh and must agree."""
import numpy as np
import pytest
import torch

import torsh
from test_reliability import same

I64, I32, F32 = np.int64, np.int32, np.float32

CASES = {
    "permute_varargs": lambda L, x: x.permute(I64(2), 0, 1),
    "permute_tuple": lambda L, x: x.permute((I64(2), I32(0), 1)),
    "reshape": lambda L, x: x.reshape(I64(6), 4),
    "view_single": lambda L, x: x.view(I64(-1)),
    "view_varargs": lambda L, x: x.view(I64(4), I64(6)),
    "sum_dim": lambda L, x: x.sum(I64(1)),
    "transpose": lambda L, x: x.transpose(I64(0), I64(1)),
    "zeros": lambda L, x: L.zeros(I64(3)),
    "ones_varargs": lambda L, x: L.ones(I64(2), I32(3)),
    "flatten": lambda L, x: x.flatten(I64(1)),
    "narrow": lambda L, x: x.narrow(I64(0), 0, I64(1)),
    "expand": lambda L, x: x.expand(I64(2), 3, 4),
    "repeat": lambda L, x: x.repeat(I64(2), 1, 1),
    "squeeze": lambda L, x: x.squeeze(I64(0)),
    "unsqueeze": lambda L, x: x.unsqueeze(I64(0)),
    "size": lambda L, x: x.size(I64(1)),
    "topk": lambda L, x: x.topk(I64(2)).values,
    "full": lambda L, x: L.full((I64(2),), I64(3)),
    "new_zeros": lambda L, x: x.new_zeros(I64(2)),
    "arange": lambda L, x: L.arange(I64(3)),
    "chunk": lambda L, x: x.chunk(I64(2), I64(2))[0],
    "roll": lambda L, x: x.roll(I64(1), I64(0)),
    "tile": lambda L, x: x.tile(I64(2)),
    "movedim": lambda L, x: x.movedim(I64(0), 1),
    "float_arg": lambda L, x: L.isclose(x.float(), x.float() + 0.05, rtol=F32(0.1), atol=F32(0)),
    "float_dim_refused": lambda L, x: x.permute(np.float64(0), 1, 2),
    "bool_dim_refused": lambda L, x: x.sum(np.bool_(True)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_numpy_scalar_arguments(name):
    same(lambda L: CASES[name](L, L.arange(24).reshape(2, 3, 4)))
