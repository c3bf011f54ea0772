"""The same libtorch-style C++ program (autograd::grad with create_graph, a custom Function,
NoGradGuard, detach) built against torsh and against libtorch must print the same numbers."""
import os
import subprocess

import pytest

from conftest import ROOT, record

BUILD = os.path.join(ROOT, "build")


def _outputs(program):
    """stdout of the program's torsh build and of its libtorch build."""
    ours = os.path.join(BUILD, f"{program}_torsh")
    ref = os.path.join(BUILD, f"{program}_ref")
    if not os.path.exists(ref):
        pytest.skip("libtorch-dev not found at build time")
    return tuple(subprocess.run([p], capture_output=True, text=True, check=True).stdout
                 for p in (ours, ref))


def test_program_prints_the_same_as_libtorch():
    a, b = _outputs("libtorch_program")
    record("libtorch parity")
    assert a.count("\n") >= 9
    assert a == b


def _numbers_close(a, b, rel=2e-5, abs_=2e-6):
    """Two printed lines equal word for word, numbers to float32 training-run tolerance."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        return False
    for x, y in zip(wa, wb):
        if x == y:
            continue
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            return False
        if abs(fx - fy) > abs_ + rel * abs(fy):
            return False
    return True


def test_nn_program_matches_libtorch():
    """A CNN built with the C++ frontend (Module, TORCH_MODULE holders, options, F::, Sequential,
    init, SGD/Adam/AdamW): the same printout, initial weights and losses as libtorch's build."""
    a, b = (out.splitlines() for out in _outputs("nn_program"))
    record("libtorch nn parity")
    assert len(a) == len(b) and len(a) > 60
    # module printout, parameter names/shapes and the same-seed initial values: exact
    head = next(i for i, line in enumerate(b) if line.startswith("sgd step"))
    assert a[:head] == b[:head]
    bad = [(x, y) for x, y in zip(a[head:], b[head:]) if not _numbers_close(x, y)]
    assert not bad, bad[:5]


def test_spellings_program_matches_libtorch():
    """Everyday libtorch spellings (torch::indexing, bitwise operators, printing of sizes,
    scalar types and devices, c10:: names, torch::cuda, from_blob, sort/topk/norm/std/var,
    autograd::backward's defaults) compile against torsh's compat header and print the same."""
    a, b = _outputs("spellings_program")
    record("libtorch spellings parity")
    assert a.count("\n") >= 25
    assert a == b
