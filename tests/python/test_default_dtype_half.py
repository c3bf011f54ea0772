"""torch.set_default_dtype(torch.float16 / torch.bfloat16) against torch 1.13: factories, number
promotion, printing, module initialisation, and torch's error for complex numbers without a
dtype under those defaults."""
import pytest
import torch

import torsh
from conftest import record

CHECKS = [
    lambda L: str(L.tensor([1.5]).dtype), lambda L: str((L.arange(3) * 1.5).dtype),
    lambda L: str(L.zeros(2).dtype), lambda L: str(L.randn(2).dtype),
    lambda L: L.linspace(0, 1, 3).tolist(), lambda L: repr(L.ones(2)),
    lambda L: str(L.nn.Linear(2, 2).weight.dtype), lambda L: str(L.tensor(3).float().dtype),
    lambda L: str(L.full((2,), 1.5).dtype), lambda L: str(L.arange(0, 1, 0.5).dtype),
    lambda L: str(L.get_default_dtype()), lambda L: str((L.arange(3) / 2).dtype),
    lambda L: repr(L.arange(3) / 3), lambda L: repr(L.tensor([1 + 2j], dtype=L.complex64)),
    lambda L: repr(L.ones(2, dtype=L.float32) + 1.5), lambda L: L.tensor(2.5).item(),
    lambda L: str((L.ones(3) * L.tensor(2.0)).dtype),
    lambda L: repr(L.tensor([1.0, 2.0], dtype=L.float64)),
]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
def test_half_defaults_match_torch(dtype):
    record("default_dtype")

    def run(L):
        L.set_default_dtype(getattr(L, dtype))
        try:
            out = [check(L).replace("torsh", "torch") if isinstance(check(L), str) else check(L)
                   for check in CHECKS]
            try:
                L.tensor([1j])
                out.append("no error")
            except RuntimeError as e:
                out.append(str(e))
            return out
        finally:
            L.set_default_dtype(L.float32)
    assert run(torsh) == run(torch)


def test_integer_default_is_refused():
    for L in (torch, torsh):
        with pytest.raises(TypeError, match="only floating-point types are supported"):
            L.set_default_dtype(L.int64)
        assert L.get_default_dtype() == L.float32
