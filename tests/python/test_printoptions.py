"""torch.set_printoptions: reprs under every option equal torch 1.13's."""
import math

import numpy as np
import pytest
import torch

import torsh
from conftest import record

VALUES = [
    np.array([1.23456789, -2.5, 3.14159265, 0.1]),
    np.array([1.0, 2.0, -30.0]),  # integer-valued floats
    np.array([1e-6, 2.5, 3e5]),  # scientific by range
    np.array([1.5e9, 2.0, 7.0]),  # integer-valued, scientific by size
    np.array([0.0, float("nan"), float("inf"), -1.25]),
    np.array([0.0, 0.0]),
    np.arange(30, dtype=np.float64).reshape(3, 10) / 7,
    np.arange(2000, dtype=np.float64) / 3,
    np.array([[1 + 2.5j, -0.125 - 3j], [1e-5 + 1j, 4 + 0j]]),
    np.arange(12, dtype=np.int64).reshape(3, 4) * 1000,
]
OPTIONS = [
    {}, {"precision": 2}, {"precision": 8}, {"precision": 0}, {"sci_mode": True},
    {"sci_mode": False}, {"threshold": 5}, {"threshold": 5, "edgeitems": 1},
    {"edgeitems": 5, "threshold": 20}, {"linewidth": 30}, {"profile": "short"},
    {"profile": "full"}, {"profile": "full", "precision": 3}, {"threshold": math.inf},
]


@pytest.fixture(autouse=True)
def _reset():
    yield
    for L in (torch, torsh):
        L.set_printoptions(profile="default", sci_mode=None)


@pytest.mark.parametrize("opts", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items())
                         or "default")
@pytest.mark.parametrize("k", range(len(VALUES)))
def test_repr_under_print_options(opts, k):
    v = VALUES[k]
    reprs = []
    for L in (torch, torsh):
        L.set_printoptions(**opts)
        t = L.tensor(v)
        reprs.append((repr(t), repr(t.float()) if not np.iscomplexobj(v) else "", str(t[0])))
    record("printoptions")
    assert reprs[1] == reprs[0]


def test_options_persist_until_replaced():
    out = []
    for L in (torch, torsh):
        L.set_printoptions(precision=2)
        L.set_printoptions(linewidth=40)  # precision stays 2
        a = repr(L.tensor([1.23456, 2.0]))
        L.set_printoptions(sci_mode=True)
        L.set_printoptions(precision=3)  # sci_mode goes back to automatic
        b = repr(L.tensor([1.23456, 2.0]))
        out.append((a, b))
        L.set_printoptions(profile="default")
    assert out[1] == out[0]
