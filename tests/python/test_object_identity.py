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


@pytest.mark.parametrize("lib", [torch, torsh], ids=["torch", "torsh"])
def test_parameters_and_data_keep_their_objects(lib):
    p = lib.nn.Parameter(lib.randn(3, 4))
    assert p.view(12)._base is p
    assert p[0]._base is p
    assert p.t()._base is p
    lin = lib.nn.Linear(2, 3)
    assert lin.weight.t()._base is lin.weight
    d = p.detach()
    assert d.view(12)._base is d
    # rebinding .data keeps the object, which then stands for the new data
    old = p.data
    p.data = lib.zeros(2, 2)
    assert p.view(4)._base is p
    assert old.view(12)._base is old
    assert not lib.equal(old.view(12)._base, p)


def test_rebinding_data_forgets_the_old_tensor_object():
    """A tensor whose `.data` was rebound must not be handed back for the old data (which lives
    on in a view), nor after the object died."""
    x = torsh.arange(6.0)
    v = x.view(2, 3)
    x.data = torsh.zeros(2)
    assert v._base is not x
    assert torsh.equal(v._base, torsh.arange(6.0))
    del x
    gc.collect()
    for _ in range(50):
        torsh.randn(3) + 1
    assert torsh.equal(v._base, torsh.arange(6.0))


@pytest.mark.parametrize("lib", [torch, torsh], ids=["torch", "torsh"])
def test_resize_and_set_return_self(lib):
    x = lib.arange(6.0)
    assert x.resize_(2, 2) is x
    assert x.tolist() == [[0.0, 1.0], [2.0, 3.0]]
    assert x.resize_((8,)).shape == (8,)
    assert x[:6].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]  # the grown storage keeps its data
    assert x._version == 0  # resize_ is not counted as a write
    z = lib.zeros(1, 2, 3, 4).resize_(2, 3, 4, 5, memory_format=lib.channels_last)
    assert z.stride() == (60, 1, 15, 3)
    b = lib.arange(4.0).view(2, 2)
    a = lib.zeros(3)
    assert a.resize_as_(b).shape == (2, 2)
    a = lib.zeros(3)
    assert a.set_(b) is a
    assert a.data_ptr() == b.data_ptr() and a.tolist() == b.tolist() and a._version == 1
    b.add_(1)  # the same memory
    assert a.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert lib.zeros(3).set_().shape == (0,)
    w = lib.zeros(2, requires_grad=True)
    with lib.no_grad():
        w.set_(lib.ones(3))
    assert w.requires_grad and w.tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("call,exc", [
    (lambda lib: lib.zeros(2, requires_grad=True).resize_(3), RuntimeError),
    (lambda lib: lib.arange(6.0).resize_(2, 2, memory_format=lib.preserve_format), RuntimeError),
    (lambda lib: lib.arange(6.0).resize_(3, 4, memory_format=lib.channels_last), RuntimeError),
    (lambda lib: lib.zeros(2, requires_grad=True).set_(lib.ones(2)), RuntimeError),
])
def test_resize_and_set_errors_match_torch(call, exc):
    for lib in (torch, torsh):
        with pytest.raises(exc):
            call(lib)
