"""Fixes from the third walk-through of user programs (helpers 71 and 72), against torch 1.13:
nn.modules.utils.consume_prefix_in_state_dict_if_present, a custom Function's next_functions
(one entry per tensor input), from_numpy's read-only warning and stride errors."""
import warnings
from collections import OrderedDict
from importlib import import_module

import numpy as np
import torch

import torsh
from conftest import record


def _both(fn):
    record("walkthrough_fixes_3")
    ref, ours = fn(torch), fn(torsh)
    assert ours == ref
    return ref


def test_consume_prefix_in_state_dict_if_present():
    def run(L):
        utils = import_module(L.__name__ + ".nn.modules.utils")
        m = L.nn.Sequential(L.nn.Linear(2, 2))
        sd = OrderedDict(("module." + k, v) for k, v in m.state_dict().items())
        sd["other"] = L.ones(1)
        utils.consume_prefix_in_state_dict_if_present(sd, "module.")
        own = m.state_dict()
        utils.consume_prefix_in_state_dict_if_present(own, "0.")
        return list(sd.keys()), list(own.keys()), list(own._metadata.keys())
    _both(run)


def test_custom_function_edges_are_its_tensor_inputs():
    def run(L):
        class Scale(L.autograd.Function):
            @staticmethod
            def forward(ctx, x, k, y):
                return x * k + y

            @staticmethod
            def backward(ctx, g):
                return g * 2, None, g

        x = L.ones(2, requires_grad=True)
        y = L.ones(2, requires_grad=True)
        out = Scale.apply(x, 2.0, y)
        names = [type(f).__name__ if f is not None else None
                 for f, _ in out.grad_fn.next_functions]
        out.sum().backward()
        z = Scale.apply(L.ones(2), 3.0, y)
        return (names, x.grad.tolist(), y.grad.tolist(),
                [f is None for f, _ in z.grad_fn.next_functions])
    _both(run)


def test_from_numpy_stride_errors():
    def run(L):
        errors = []
        for arr in (np.arange(4.0)[::-1],
                    np.zeros(3, dtype=[("a", np.int8), ("b", np.int32)])["b"]):
            try:
                L.from_numpy(arr)
            except ValueError as e:
                errors.append(str(e))
        return errors
    _both(run)


def test_from_numpy_warns_once_about_read_only_arrays():
    # Once per process: each library runs in a fresh interpreter.
    import os
    import subprocess
    import sys
    script = ("import sys, warnings, numpy as np\n"
              "L = __import__(sys.argv[1])\n"
              "with warnings.catch_warnings(record=True) as w:\n"
              "    warnings.simplefilter('always')\n"
              "    a = np.frombuffer(b'\\x01\\x02', dtype=np.uint8)\n"
              "    L.from_numpy(a); L.as_tensor(a); L.tensor(a)\n"
              "    b = np.ones(2); b.flags.writeable = False; L.as_tensor(b)\n"
              "print([str(x.message).split(' (Triggered')[0] for x in w])\n")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(torsh.__file__)))
    outs = [subprocess.run([sys.executable, "-c", script, lib], capture_output=True, text=True,
                           env=env, timeout=300).stdout for lib in ("torch", "torsh")]
    assert outs[0] == outs[1] and "not writable" in outs[0]


def test_complex_inputs_to_nonzero_any_all_count_nonzero():
    def run(L):
        z = L.tensor([[1 + 2j, 0j], [0j, 0j]])
        return [z.nonzero().tolist(), z.any().item(), z.all().item(), z.any(1).tolist(),
                z.all(0).tolist(), L.count_nonzero(z).item(), L.count_nonzero(z, 0).tolist(),
                L.argwhere(z).tolist(), z.to(L.complex128).nonzero().tolist()]
    _both(run)


def test_matrix_power_of_any_matmul_dtype():
    def run(L):
        A = L.tensor([[1, 1], [0, 1]])
        out = []
        for call in (lambda: L.matrix_power(A, 3), lambda: L.linalg.matrix_power(A, 0),
                     lambda: L.matrix_power(A, -1),
                     lambda: L.linalg.matrix_power(A.to(L.bfloat16), 2),
                     lambda: L.linalg.matrix_power(A.to(L.uint8), 5),
                     lambda: L.linalg.matrix_power(A.bool(), 2),
                     lambda: L.linalg.matrix_power(L.ones(2, 3), 2),
                     lambda: L.linalg.matrix_power(A.to(L.complex64), 3),
                     lambda: L.linalg.matrix_power(A.to(L.int32)[None].expand(2, 2, 2), 2),
                     lambda: L.linalg.matrix_power(A.float(), -2)):
            try:
                r = call()
                out.append((r.tolist(), str(r.dtype).replace("torsh", "torch")))
            except RuntimeError as e:
                out.append(str(e))
        return out
    _both(run)
