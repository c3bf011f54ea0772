"""The same libtorch-style C++ program (autograd::grad with create_graph, a custom Function,
NoGradGuard, detach) built against torsh and against libtorch must print the same numbers."""
import os
import subprocess

import pytest

from conftest import ROOT, record

BUILD = os.path.join(ROOT, "build")


def test_program_prints_the_same_as_libtorch():
    ours = os.path.join(BUILD, "libtorch_program_torsh")
    ref = os.path.join(BUILD, "libtorch_program_ref")
    if not os.path.exists(ref):
        pytest.skip("libtorch-dev not found at build time")
    a = subprocess.run([ours], capture_output=True, text=True, check=True).stdout
    b = subprocess.run([ref], capture_output=True, text=True, check=True).stdout
    record("libtorch parity")
    assert a.count("\n") >= 9
    assert a == b
