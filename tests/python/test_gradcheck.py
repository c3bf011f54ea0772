"""gradcheck and gradgradcheck of every differentiable op in the table, on inputs drawn from the
op's differential samples (converted to float64) (tests/python/test_ops.py): finite differences, no oracle.

An entry opts out with `test: {gradcheck: false}` or `test: {gradgradcheck: false}`, each with a
reason beside it in ops/ops.yaml. Programs that combine several ops (views chains, subscripts,
in-place ops on views) are gradchecked in test_autograd.py."""
import os

import numpy as np
import pytest
import yaml

import torsh
from conftest import ROOT, record
from oracle import Pair, unwrap
from schema import parse_schema
from test_ops import SAMPLERS, entry_id

with open(os.path.join(ROOT, "ops", "ops.yaml")) as f:
    TABLE = yaml.safe_load(f)

# Composite entries are differentiable through their parts; they are gradchecked too.
DIFFERENTIABLE = [e for e in TABLE if ("backward" in e or e.get("composite")) and "test" in e
                  and e["test"].get("gradcheck", True)]
MAX_SAMPLES = 3
MAX_NUMEL = 60


def _tensors(x):
    if isinstance(x, Pair):
        return [x.s] if isinstance(x.s, torsh.Tensor) else []
    if isinstance(x, (list, tuple)):
        return [t for i in x for t in _tensors(i)]
    return []


def _usable(args):
    """A sample whose floating tensors are float32 or float64 (checked in float64), small, finite and away from 0 (where abs,
    relu and friends have kinks); other tensors (conditions, indices) are not differentiated."""
    ts = [t for t in _tensors(args) if t.is_floating_point()]
    if not ts or any(t.dtype not in (torsh.float32, torsh.float64) for t in ts):
        return False
    for t in ts:
        if t.numel() == 0 or t.numel() > MAX_NUMEL:
            return False
        v = t.detach().contiguous().numpy()
        if not np.isfinite(v).all() or (np.abs(v) < 1e-3).any():
            return False
    return True


def _leaves(x):
    """torsh args with every tensor copied into a leaf that requires grad (layout kept)."""
    if isinstance(x, Pair):
        if isinstance(x.s, torsh.Tensor) and x.s.is_floating_point():
            t = x.s.detach().double()
            return (t.clone() if t.is_contiguous() else t.t().clone().t() if t.dim() == 2
                    else t.clone()).requires_grad_(True)
        return x.s
    if isinstance(x, (list, tuple)):
        return type(x)(_leaves(i) for i in x)
    return unwrap(x, "s")


def _valid(op, args, kwargs):
    """False for the suite's bad-input samples (wrong shapes or dtypes: errors, not gradients),
    and for samples whose backward raises (as torch's does there: test_ops.py checks that)."""
    try:
        f, inputs = _flat_call(op, args, kwargs)
        out = f(*inputs)
        outs = out if isinstance(out, tuple) else (out,)
        torsh.autograd.grad([o.sum() for o in outs], list(inputs), allow_unused=True)
        return True
    except (RuntimeError, IndexError, TypeError, ValueError):
        return False


def gradcheck_samples(entry, op):
    kind = entry["test"]["kind"]
    rng = np.random.default_rng(5)
    out = []
    for args, kwargs, label in SAMPLERS[kind](entry["test"], rng):
        if _usable(args) and _valid(op, args, kwargs):
            out.append((args, kwargs, label))
        if len(out) == MAX_SAMPLES:
            break
    return out


def _flat_call(fn, args, kwargs):
    """fn over the flattened list of tensor inputs (gradcheck takes a flat tuple)."""
    structure = [_leaves(a) for a in args]
    flat = [t for a in structure for t in (a if isinstance(a, (list, tuple)) else [a])
            if isinstance(t, torsh.Tensor) and t.requires_grad]

    def rebuild(new):
        it = iter(new)

        def sub(a):
            if isinstance(a, (list, tuple)):
                return type(a)(sub(i) for i in a)
            return next(it) if isinstance(a, torsh.Tensor) and a.requires_grad else a
        return [sub(a) for a in structure]

    kw = unwrap(kwargs, "s")

    def f(*inputs):
        r = fn(*rebuild(inputs), **kw)
        return tuple(o for o in r if o.is_floating_point()) if isinstance(r, tuple) else r
    return f, tuple(flat)


@pytest.mark.parametrize("entry", DIFFERENTIABLE, ids=entry_id)
def test_table_gradcheck(entry):
    meta = entry["test"]
    name = parse_schema(entry["func"]).name
    op = getattr(torsh, name) if "function" in entry.get("variants", ["function"]) else \
        (lambda self, *a, **k: getattr(self, name)(*a, **k))
    samples = gradcheck_samples(entry, op)
    assert samples, f"{name}: no float64 sample to gradcheck; add one to its sampler"
    for args, kwargs, label in samples:
        f, inputs = _flat_call(op, args, kwargs)
        record("gradcheck " + name)
        assert torsh.autograd.gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3), label
        if meta.get("gradgradcheck", True):
            record("gradgradcheck " + name)
            assert torsh.autograd.gradgradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3), label
