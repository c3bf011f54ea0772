"""torch.jit in torsh runs programs eagerly (as torch with PYTORCH_JIT=0): the same script
gives torch's results under torch's compiler and torsh's eager execution; TorchScript
serialisation raises instead of writing something else."""
from typing import Dict, List, Optional, Tuple

import numpy as np
import pytest
import torch

import torsh
from conftest import record


def program(L):
    @L.jit.script
    def gelu_tanh(x):
        return 0.5 * x * (1.0 + L.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))

    class Block(L.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = L.nn.Linear(4, 3)

        def forward(self, x):
            if L.jit.is_scripting():
                return self.fc(x) * 0  # never taken in either library here
            return L.relu(self.fc(x))

        @L.jit.ignore
        def debug(self, x):
            return x.sum()

        @L.jit.export
        def twice(self, x):
            return 2 * self.fc(x)

    L.manual_seed(0)
    x = L.tensor(np.linspace(-2, 2, 8).reshape(2, 4), dtype=L.float32)
    block = Block()
    out = [gelu_tanh(x)]
    traced = L.jit.trace(block, x)
    out.append(traced(x))
    out.append(block.twice(x))
    fut = L.jit.fork(gelu_tanh, x)
    out.append(L.jit.wait(fut))
    out.append(L.jit.annotate(List[int], [1, 2])[1] * x)
    flags = (L.jit.is_tracing(), L.jit.isinstance([1, 2], List[int]),
             L.jit.isinstance({"a": x}, Dict[str, L.Tensor]),
             L.jit.isinstance((1, "a"), Tuple[int, str]), L.jit.isinstance(None, Optional[int]),
             L.jit.isinstance([1, "a"], List[int]))
    return [o.detach().numpy() for o in out], flags


def test_scripted_program_matches_torch():
    (a, fa), (b, fb) = program(torch), program(torsh)
    record("jit program")
    assert fa == fb
    for u, v in zip(a, b):
        np.testing.assert_allclose(v, u, rtol=1e-6, atol=1e-6)


def test_script_returns_its_argument_and_save_raises(tmp_path):
    m = torsh.nn.Linear(2, 2)
    assert torsh.jit.script(m) is m
    assert torsh.jit.freeze(m) is m
    with pytest.raises(RuntimeError, match="state_dict"):
        torsh.jit.save(m, str(tmp_path / "m.pt"))
    with pytest.raises(RuntimeError, match="state_dict"):
        torsh.jit.load(str(tmp_path / "m.pt"))
    with torsh.jit.optimized_execution(True), torsh.jit.fuser("fuser1"):
        assert torsh.jit.is_scripting() is False


def test_script_module_is_a_module():
    class M(torsh.jit.ScriptModule):
        def __init__(self):
            super().__init__()
            self.fc = torsh.nn.Linear(2, 2)

        @torsh.jit.script_method
        def forward(self, x):
            return self.fc(x)
    m = M()
    assert len(list(m.parameters())) == 2 and m(torsh.ones(1, 2)).shape == (1, 2)
