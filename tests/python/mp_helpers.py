"""Functions run in child processes by test_multiprocessing.py. They live in an importable module
because the 'spawn' start method pickles the target by reference. Each takes the library name
('torch' or 'torsh') and imports it in the child, so one helper serves both libraries."""
import importlib
import os
import signal
import sys


def _lib(name):
    return importlib.import_module(name)


def put_index(i, q, base):
    """Reports (index, base + index, pid)."""
    q.put((i, base + i, os.getpid()))


def raise_in(i, bad_index):
    """Process ``bad_index`` raises a ValueError naming its index; the others return."""
    if i == bad_index:
        raise ValueError("boom from process %d" % i)


def exit_with(i, code):
    sys.exit(code)


def kill_self(i):
    os.kill(os.getpid(), signal.SIGKILL)


def wait_for(i, event):
    """Blocks until the parent sets ``event``."""
    event.wait(60)


def describe(lib, t):
    """What a receiver sees of a tensor: dtype name, shape, values (bf16/half as float),
    requires_grad, is_shared, and whether it is a Parameter."""
    vals = t.detach()
    if vals.dtype in (lib.bfloat16, lib.float16):
        vals = vals.float()
    return (repr(t.dtype).split(".")[-1], tuple(t.shape), vals.tolist(), t.requires_grad,
            t.is_shared(), isinstance(t, lib.nn.Parameter))


def echo_tensors(i, libname, q_in, q_out):
    """Receives a list of tensors; sends back what it saw, then each tensor doubled (a new
    tensor made here), then adds 1 in place to every floating tensor it received. Stays alive
    until the parent sends None, so the parent can still fetch the memory of what it was sent."""
    lib = _lib(libname)
    tensors = q_in.get()
    q_out.put([describe(lib, t) for t in tensors])
    q_out.put([(t.detach() * 2) for t in tensors])
    with lib.no_grad():
        for t in tensors:
            if t.is_floating_point():
                t.add_(1)
    q_out.put("modified")
    q_in.get()


def modify_arg(i, libname, t, q):
    """Gets a tensor as a spawn argument, reports it and adds 10 * (i + 1) to it in place."""
    lib = _lib(libname)
    q.put((i, describe(lib, t)))
    t.add_(10 * (i + 1))


def square(t):
    """A Pool task: the elementwise square (a tensor made in the worker)."""
    return t * t


def pool_sum(t):
    return float(t.sum())
