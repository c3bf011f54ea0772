"""The same tensor gives back the same live Python object, as torch's: `t.grad is t.grad`,
`view._base is base`, an in-place op returns its input object, and `p.grad = g` keeps g."""
import gc

import pytest
import torch

import torsh


@pytest.mark.parametrize("lib", [torch, torsh], ids=["torch", "torsh"])
def test_identity_of_grad_base_and_inplace_results(lib):
    a = lib.ones(4, requires_grad=True)
    (a * 2).sum().backward()
    assert a.grad is a.grad
    x = lib.ones(4)
    v = x.view(2, 2)
    assert v._base is x
    assert v[0]._base is x
    assert x.add_(1) is x
    g = lib.zeros(4)
    a.grad = g
    assert a.grad is g
    a.grad.foo = "kept"  # an attribute lives as long as the object
    assert a.grad.foo == "kept"


def test_objects_die_and_are_made_again():
    """Once the Python object is gone a fresh one is made (no dangling reuse)."""
    a = torsh.ones(3, requires_grad=True)
    (a * 3).sum().backward()
    first = id(a.grad)
    g = a.grad
    del g
    gc.collect()
    for _ in range(100):  # churn: freed objects and their memory are reused elsewhere
        torsh.randn(3) + 1
    assert torsh.equal(a.grad, torsh.full((3,), 3.0))
    assert isinstance(first, int)
