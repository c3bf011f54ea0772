"""Differences a walk-through of ordinary user programs found between torsh and torch 1.13,
each checked against torch: reduced-precision addmm/linear and lerp round once (in float),
torch.seed()/Generator.seed() reseed non-deterministically, manual_seed returns the generator
object itself, named tuples print as torch prints them, nll_loss's batch mismatch is a
ValueError with torch's message (and its other shape errors torch's), and torch.__version__
is the torch version whose API torsh implements."""
import numpy as np
import pytest
import torch

import torsh
from conftest import record

LIBS = (torch, torsh)


def _both(fn):
    record("walkthrough")
    ref, ours = fn(torch), fn(torsh)
    assert ours == ref
    return ref


@pytest.mark.parametrize("seed", [0, 19, 77])
@pytest.mark.parametrize("shape", [(3, 8, 16), (5, 33, 7), (1, 64, 64)])
def test_bf16_linear_and_addmm_round_once(seed, shape):
    n, k, m = shape

    def run(L):
        L.manual_seed(seed)
        x, w, b = (L.randn(n, k).bfloat16(), L.randn(m, k).bfloat16(), L.randn(m).bfloat16())
        outs = [L.nn.functional.linear(x, w, b), L.addmm(b, x, w.t()),
                L.addmm(b, x, w.t(), beta=0.5, alpha=2.0), L.nn.functional.linear(x, w)]
        return [o.float().tolist() for o in outs]
    _both(run)


def test_bf16_linear_equals_float_rounded_once():
    torsh.manual_seed(19)
    x, w, b = torsh.randn(3, 8), torsh.randn(16, 8), torsh.randn(16)
    xb, wb, bb = x.bfloat16(), w.bfloat16(), b.bfloat16()
    exact = (xb.float() @ wb.float().t() + bb.float()).bfloat16()
    assert torsh.equal(torsh.nn.functional.linear(xb, wb, bb), exact)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("weight", [0.3, 0.7, -0.4, 1.6])
def test_reduced_precision_lerp_rounds_once(dtype, weight):
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal(500) * 4, rng.standard_normal(500) * 4

    def run(L):
        dt = getattr(L, dtype)
        x, y = L.tensor(a).to(dt), L.tensor(b).to(dt)
        out = [L.lerp(x, y, weight), L.lerp(x, y, L.full((500,), weight).to(dt))]
        return [o.float().tolist() for o in out]
    if dtype == "float16":  # torch 1.13 has no float16 lerp on CPU: float reference
        def ref(L):
            x, y = L.tensor(a).half().float(), L.tensor(b).half().float()
            return [L.lerp(x, y, weight).half().float().tolist(),
                    L.lerp(x, y, L.full((500,), weight).half().float()).half().float().tolist()]
        assert run(torsh) == ref(torch)
    else:
        _both(run)


def test_seed_reseeds_and_generators_are_returned_themselves():
    for L in LIBS:
        L.manual_seed(34)
        x = L.rand(4)
        L.manual_seed(34)
        s = L.seed()
        assert s != 34 and L.initial_seed() == s
        assert not L.equal(L.rand(4), x)
        assert L.manual_seed(1) is L.default_generator
        g = L.Generator()
        assert g.manual_seed(3) is g and g.set_state(g.get_state()) is g
        s2 = g.seed()
        assert g.initial_seed() == s2 and 0 <= s2 < 2 ** 64
        assert len({L.Generator().seed() for _ in range(5)}) == 5


def test_named_tuples_print_as_torch():
    def run(L):
        t = L.tensor([[1.0, 3.0], [2.0, 0.0]])
        return [repr(L.max(t, 1)), str(L.sort(t)), repr(L.topk(t, 1)), str(L.aminmax(t)),
                repr(L.kthvalue(t, 1)), repr(L.mode(t)), repr(L.cummax(t, 0)),
                repr(L.var_mean(t, 1))]
    _both(run)


@pytest.mark.parametrize("inp, tgt", [((3, 4), (2,)), ((3, 4, 5), (2, 5)), ((3, 4, 5), (3, 6)),
                                      ((3, 4, 5, 6, 2), (3, 5, 6, 3)), ((3, 4, 5), (3,)),
                                      ((4,), (1,)), ((4,), (2, 2)), ((3, 4, 5, 6), (3, 5)),
                                      ((3, 4, 5, 6), (3, 5, 7)), ((3, 4), (3, 2))])
@pytest.mark.parametrize("fn", ["nll_loss", "cross_entropy"])
def test_nll_loss_shape_errors_match_torch(inp, tgt, fn):
    def run(L):
        try:
            getattr(L.nn.functional, fn)(L.zeros(inp), L.zeros(tgt, dtype=L.long))
        except Exception as e:  # noqa: BLE001
            return type(e).__name__, str(e).split("\n")[0]
        return "ok"
    _both(run)


def test_version_compares_as_torch_113():
    for other in ("1.10", (1, 12), "1.13", (1, 13), "1.13.0a0", "1.14", "2.0"):
        _both(lambda L: (L.__version__ >= other, L.__version__ < other,
                         L.__version__ == other))
    assert torsh.version.torsh == "0.1.0"


@pytest.mark.parametrize("a, b", [((2, 3), (3, 2)), ((4, 2, 3), (5, 1, 2)), ((3,), (2, 4))])
def test_broadcast_error_names_the_last_mismatching_dim(a, b):
    def run(L):
        with pytest.raises(RuntimeError) as e:
            L.ones(a) + L.ones(b)
        msg = str(e.value)
        return msg[msg.index("The size of tensor a"):]
    _both(run)


def test_non_leaf_grad_access_warns_as_torch():
    import warnings

    def run(L):
        x = L.ones(2, requires_grad=True)
        y = x * 2
        y.sum().backward()
        out = []
        for t in (x, y):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                g = t.grad
            out.append((None if g is None else g.tolist(),
                        [str(m.message).split(" (Triggered")[0] for m in w]))
        y.retain_grad()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out.append(y.grad)
        return out
    _both(run)


def test_module_to_empty_keeps_shapes_and_dtypes():
    def run(L):
        L.manual_seed(0)
        m = L.nn.Sequential(L.nn.Linear(3, 4), L.nn.BatchNorm1d(4)).double()
        state = L.get_rng_state()
        r = m.to_empty(device="cpu")
        assert r is m and L.equal(L.get_rng_state(), state)
        return [(k, tuple(v.shape), str(v.dtype).split(".")[-1]) for k, v in m.state_dict().items()]
    _both(run)


@pytest.mark.parametrize("seed", [0, 5])
def test_binomial_distribution_samples_as_torch(seed):
    def run(L):
        L.manual_seed(seed)
        d = L.distributions.Binomial(L.tensor([[30.0], [200.0]]), probs=L.rand(2, 50))
        return d.sample((3,)).tolist()
    _both(run)


def test_resize_with_an_explicit_memory_format_restrides():
    def run(L):
        out = []
        for size, fmt in (((2, 3, 4, 5), L.contiguous_format), ((2, 3, 4, 5), None),
                          ((2, 3, 4, 6), None), ((2, 3, 4, 5), L.channels_last)):
            x = L.arange(120.0).reshape(2, 3, 4, 5).to(memory_format=L.channels_last)
            y = x.resize_(size) if fmt is None else x.resize_(size, memory_format=fmt)
            out.append((y.stride(), y.is_contiguous()))
        x = L.arange(20.0).reshape(4, 5).t()
        out.append((x.resize_(5, 4).stride(),
                    x.resize_(5, 4, memory_format=L.contiguous_format).stride()))
        return out
    _both(run)


# ---- second walk-through (helper-68) ----

@pytest.mark.parametrize("index", [(1, 4), (5,), (slice(None), 7), (Ellipsis, 3), (-5,),
                                   (None, 1, 9), "tensors"])
def test_integer_index_errors_name_torchs_dimension(index):
    def run(L):
        x = L.zeros(3, 4, 2)
        key = (L.tensor(1), L.tensor(6)) if index == "tensors" else index
        with pytest.raises(IndexError) as e:
            x[key]
        return str(e.value)
    _both(run)


@pytest.mark.parametrize("case", ["probs_ignore_index", "probs_default", "float_indices",
                                  "long_probs"])
def test_cross_entropy_target_kind_follows_its_shape(case):
    def run(L):
        x = L.zeros(6, 4)
        tgt, kw = {"probs_ignore_index": (L.full((6, 4), 0.25), {"ignore_index": 1}),
                   "probs_default": (L.full((6, 4), 0.25), {}),
                   "float_indices": (L.zeros(6), {}),
                   "long_probs": (L.zeros(6, 4, dtype=L.long), {})}[case]
        try:
            return round(float(L.nn.functional.cross_entropy(x, tgt, **kw)), 6)
        except RuntimeError as e:
            return str(e).split("\n")[0]
    _both(run)


def test_inplace_clamp_takes_tensor_bounds():
    def run(L):
        t = L.arange(7.0) - 3
        lo, hi = L.zeros(7), L.linspace(0.5, 2, 7)
        out = [t.clone().clamp_(lo, hi).tolist(), t.clone().clamp_(min=lo).tolist(),
               t.clone().clamp_max_(hi).tolist(), t.clone().clamp_min_(lo).tolist(),
               t.clone().clip_(lo, hi).tolist(), L.clamp_(t.clone(), lo).tolist(),
               t.clone().clamp_(0.0, 1.0).tolist()]
        x = L.arange(4.0).requires_grad_(True)
        y = x * 1
        y.clamp_(L.ones(4), L.full((4,), 2.0))
        y.sum().backward()
        out.append(x.grad.tolist())
        with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
            t.clone().clamp_(L.zeros(2, 7))
        return out
    _both(run)


def test_copy_construct_warning_and_complex_modules():
    import warnings

    def run(L):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            L.tensor(L.ones(2))
            L.tensor([L.tensor(1.0), L.tensor(2.0)])
            m = L.nn.Linear(2, 2).to(L.complex64)
        with pytest.raises(TypeError, match="only accepts floating point or complex"):
            m.to(L.int32)
        return [str(x.message)[:60] for x in w], str(m.weight.dtype), str(m.bias.dtype)
    _both(run)


def test_set_grad_enabled_as_a_decorator():
    def run(L):
        try:
            @L.set_grad_enabled(False)
            def f(x):
                return (x * 2).requires_grad, L.is_grad_enabled()
            at_decoration = L.is_grad_enabled()  # torch sets the mode when decorating
            L.set_grad_enabled(True)
            return at_decoration, f(L.ones(1, requires_grad=True)), L.is_grad_enabled()
        finally:
            L.set_grad_enabled(True)
    _both(run)
