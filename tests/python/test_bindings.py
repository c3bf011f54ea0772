"""The binding layer against torch: devices, tolist/item/number conversions, numpy(), out=
identity and operators with numpy operands. Each case runs in both libraries and compares the
result (value, type, dtype) or the exception (type, and message where torch's is ours too)."""
import operator
import pickle

import numpy as np
import pytest
import torch

import torsh
from conftest import record
from oracle import DTYPES


def outcome(fn, message=True):
    """('ok', value) or (exception type name, message): comparable across libraries."""
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001 - the exception is the result being compared
        return (type(e).__name__, str(e) if message else "")


def lib_of(name):
    return torch if name == "torch" else torsh


def describe(x):
    """A library-neutral summary of a result: tensors by device, dtype, shape and values."""
    if isinstance(x, (torch.Tensor, torsh.Tensor)):
        vals = x.tolist() if x.dtype not in (torch.bfloat16, torsh.bfloat16) else x.float().tolist()
        return ("Tensor", repr(x.device), repr(x.dtype), tuple(x.shape), repr(vals))
    if isinstance(x, (torch.device, torsh.device)):
        return ("device", repr(x), str(x), x.type, x.index)
    if isinstance(x, np.ndarray):
        return ("ndarray", x.dtype.str, x.shape, repr(x.tolist()))
    return (type(x).__name__, repr(x))


def compare(fn, message=True):
    """Calls fn(lib) for torch and torsh; same described result or same exception."""
    record("bindings")
    t = outcome(lambda: describe(fn(torch)), message)
    s = outcome(lambda: describe(fn(torsh)), message)
    assert s == t, f"torsh {s} vs torch {t}"


# ---- devices ------------------------------------------------------------------------------------
DEVICE_STRINGS = ["cpu", "cpu:0", "cpu:1", "cuda", "cuda:0", "cuda:1", "cuda:12", "mps", "meta",
                  "xla:2", "privateuseone", "banana", "CPU", "Cuda", "cuda:", "cpu:-1", "cpu:01",
                  "cuda:a", "cuda:1:2", " cpu", "cpu ", ":0", "", "cuda:+1", "cuda-1", "cu da"]


@pytest.mark.parametrize("s", DEVICE_STRINGS)
def test_device_from_string(s):
    compare(lambda m: m.device(s))


@pytest.mark.parametrize("args,kwargs", [
    (("cuda", 1), {}), (("cpu", 0), {}), (("cpu", -1), {}), (("cuda:1", 0), {}), ((0,), {}),
    ((3,), {}), ((-1,), {}), ((), {"type": "cuda"}), ((), {"type": "cuda", "index": 2}),
    (("banana", 0), {}), (("cpu", None), {})])
def test_device_constructor_forms(args, kwargs):
    compare(lambda m: m.device(*args, **kwargs))


@pytest.mark.parametrize("args", [(None,), (1.5,), ("cpu", 1.5), ("cpu", "1"), (), (True,)])
def test_device_constructor_type_errors(args):
    compare(lambda m: m.device(*args), message=False)


def test_device_objects():
    compare(lambda m: m.device(m.device("cuda:1")))
    for a, b in [("cpu", "cpu"), ("cpu", "cpu:0"), ("cuda:1", "cuda:1"), ("cuda", "cpu")]:
        compare(lambda m: m.device(a) == m.device(b))
        compare(lambda m: m.device(a) != m.device(b))
        compare(lambda m: hash(m.device(a)) == hash(m.device(b)))
    compare(lambda m: m.device("cpu") == "cpu")
    compare(lambda m: pickle.loads(pickle.dumps(m.device("cuda:3"))))
    compare(lambda m: {m.device("cpu"): 1}[m.device("cpu")])
    compare(lambda m: m.ones(2).device)
    compare(lambda m: m.ones(2).is_cuda)
    compare(lambda m: m.cuda.is_available())
    compare(lambda m: m.cuda.device_count())
    compare(lambda m: m.cuda.is_initialized())


def device_arg(m, d):
    return m.device(d[1]) if isinstance(d, tuple) else d


TARGETS = ["cpu", "cpu:0", "cuda", "cuda:1", "banana", "cuda:x", ("device", "cpu"),
           ("device", "cuda:0"), 0]


@pytest.mark.parametrize("d", TARGETS, ids=str)
def test_tensor_to_device(d):
    compare(lambda m: m.arange(3.0).to(device_arg(m, d)))
    compare(lambda m: m.arange(3.0).to(device=device_arg(m, d)))
    compare(lambda m: m.arange(3.0).to(device_arg(m, d), m.float64))
    compare(lambda m: m.arange(3.0).to(device_arg(m, d), dtype=m.int32, copy=True))


@pytest.mark.parametrize("d", TARGETS + ["mps", "xla"], ids=str)
def test_tensor_to_unsupported_backend(d):
    compare(lambda m: m.ones(2).to(d if isinstance(d, str) else device_arg(m, d)))


def test_tensor_to_other_forms():
    compare(lambda m: m.arange(3.0).to(m.float64))
    compare(lambda m: m.arange(3.0).to(dtype=m.int64))
    compare(lambda m: m.arange(3.0).to(m.ones(1, dtype=m.int8)))
    compare(lambda m: m.arange(3.0).to("cpu", m.float16, False, True))
    compare(lambda m: m.arange(3.0).to("cpu", "cpu"), message=False)
    compare(lambda m: m.arange(3.0).to("cpu", 1.5), message=False)
    compare(lambda m: m.arange(3.0).to("cpu", copy=1), message=False)
    compare(lambda m: m.arange(3.0).to(m.float64, bogus=1), message=False)


@pytest.mark.parametrize("call", [
    lambda t, m: t.to("cpu"), lambda t, m: t.to(m.float32), lambda t, m: t.to(t),
    lambda t, m: t.to(), lambda t, m: t.to("cpu", copy=True), lambda t, m: t.cpu(),
    lambda t, m: t.float(), lambda t, m: t.double(), lambda t, m: t.to(m.device("cpu"))])
def test_noop_conversions_return_self(call):
    compare(lambda m: (lambda t: call(t, m) is t)(m.ones(2)))


@pytest.mark.parametrize("d", [None, "cpu", "cpu:0", "cuda", "cuda:1", "banana", ("device", "cuda"),
                               ("device", "cpu"), 0, -1], ids=str)
def test_creation_on_device(d):
    compare(lambda m: m.zeros(2, device=device_arg(m, d)))
    compare(lambda m: m.ones(2, 3, dtype=m.int32, device=device_arg(m, d)))
    compare(lambda m: m.full((2,), 7, device=device_arg(m, d)))
    compare(lambda m: m.arange(4, device=device_arg(m, d)))
    compare(lambda m: m.eye(2, device=device_arg(m, d)))
    compare(lambda m: m.empty(2, device=device_arg(m, d)).shape)
    compare(lambda m: m.randn(2, device=device_arg(m, d)).shape)
    compare(lambda m: m.tensor([1.5, 2.0], device=device_arg(m, d)))
    compare(lambda m: m.zeros_like(m.ones(2), device=device_arg(m, d)))


def test_cuda_and_cpu_methods():
    compare(lambda m: m.ones(2).cuda())
    compare(lambda m: m.ones(2).cuda(0))
    compare(lambda m: m.ones(2).cuda("banana"))
    compare(lambda m: m.ones(2).cuda(device="cuda:1"))
    compare(lambda m: m.ones(2).cpu())
    compare(lambda m: m.Generator(device="cuda"))
    compare(lambda m: m.Generator(device="banana"))
    compare(lambda m: m.Generator(device="cpu").initial_seed())


# ---- numbers out of tensors ---------------------------------------------------------------------
INT_RANGES = {"int8": (-128, 127), "int16": (-2**15, 2**15 - 1), "int32": (-2**31, 2**31 - 1),
              "int64": (-2**63, 2**63 - 1), "uint8": (0, 255)}


def sample(dt, shape, rng):
    """The same tensor in both libraries, built from a numpy array of dt's own type (exact)."""
    if dt == "bool":
        arr = rng.random(shape) > 0.5
    elif dt in INT_RANGES:
        lo, hi = INT_RANGES[dt]
        arr = rng.integers(lo, hi, shape, dtype=getattr(np, dt), endpoint=True)
    else:
        arr = rng.uniform(-100, 100, shape) * 10.0 ** rng.integers(-8, 8, shape)
    return arr


def pair(arr, dt):
    arr = np.asarray(arr)
    src = arr if dt in INT_RANGES or dt == "bool" else arr.astype(np.float64)
    return (torch.from_numpy(src.copy()).to(getattr(torch, dt)),
            torsh.from_numpy(src.copy()).to(getattr(torsh, dt)))


def edge_values(dt):
    if dt in INT_RANGES:
        lo, hi = INT_RANGES[dt]
        extra = [2**53 + 1, -(2**53) - 3, 2**62 + 7] if dt == "int64" else []
        return np.array([lo, hi, 0, 1, -1 if lo < 0 else 2] + extra, dtype=getattr(np, dt))
    if dt == "bool":
        return np.array([True, False])
    return np.array([0.1, 1 / 3, -2.5, 1e-7, 65504.0, 3e38, 1e300, 5e-324, 0.0, -0.0, np.inf,
                     -np.inf, np.nan])


@pytest.mark.parametrize("dt", DTYPES)
def test_tolist_and_item_exact(dt):
    rng = np.random.default_rng(1)
    cases = [edge_values(dt), sample(dt, (), rng), sample(dt, (3,), rng), sample(dt, (2, 3), rng),
             sample(dt, (0,), rng), sample(dt, (2, 0), rng), sample(dt, (2, 1, 3), rng)]
    for arr in cases:
        t, s = pair(arr, dt)
        for view in (lambda x: x, lambda x: x.t() if x.dim() == 2 else x,
                     lambda x: x[::2] if x.dim() else x):
            record("tolist")
            assert repr(view(s).tolist()) == repr(view(t).tolist()), f"{dt} {arr!r}"
        for i in range(t.numel()):
            record("item")
            assert repr(s.reshape(-1)[i].item()) == repr(t.reshape(-1)[i].item()), dt


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("conv", [int, float, bool, operator.index, lambda x: x.item()],
                         ids=["int", "float", "bool", "index", "item"])
def test_python_number_conversions(dt, conv):
    for arr in list(edge_values(dt)[:, None]) + [edge_values(dt)[:1].reshape(()),
                                                 edge_values(dt)[:2], edge_values(dt)[:0],
                                                 edge_values(dt)[:1].reshape(1, 1)]:
        t, s = pair(np.asarray(arr), dt)
        record("conversions")
        assert outcome(lambda: repr(conv(s))) == outcome(lambda: repr(conv(t))), f"{dt} {arr!r}"


# ---- numpy --------------------------------------------------------------------------------------
@pytest.mark.parametrize("make_input", [
    lambda m: m.ones(3, requires_grad=True), lambda m: m.ones(3, requires_grad=True) * 2,
    lambda m: m.ones(3, requires_grad=True).detach(), lambda m: m.ones(2, 2)],
    ids=["leaf", "nonleaf", "detached", "plain"])
def test_numpy_requires_grad(make_input):
    compare(lambda m: make_input(m).numpy())
    compare(lambda m: np.asarray(make_input(m)))
    compare(lambda m: make_input(m).detach().numpy())
    compare(lambda m: make_input(m).numpy(force=True))

    def under_no_grad(m):
        with m.no_grad():
            return make_input(m).numpy()
    compare(under_no_grad)


# ---- out= returns the object passed ------------------------------------------------------------
@pytest.mark.parametrize("name,args", [("add", 2), ("sub", 2), ("mul", 2), ("div", 2),
                                       ("maximum", 2), ("exp", 1), ("neg", 1), ("abs", 1)])
def test_out_returns_the_same_object(name, args):
    def run(m):
        a = m.arange(1.0, 4.0)
        o = m.empty(0)
        r = getattr(m, name)(*([a] * args), out=o)
        return (r is o, o)
    compare(run)


# ---- operators with numpy operands --------------------------------------------------------------
NP_SCALARS = [np.float32(2.5), np.float64(2.5), np.float16(1.5), np.int64(3), np.int32(3),
              np.uint8(3), np.int8(-2), np.bool_(True), 2.5, 3, -2, True]
BINARY = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow, operator.lt,
          operator.le, operator.gt, operator.ge, operator.eq, operator.ne]


@pytest.mark.parametrize("scalar", NP_SCALARS, ids=lambda v: f"{type(v).__name__}({v})")
@pytest.mark.parametrize("dt", ["float32", "float64", "int64", "int32", "uint8", "bool"])
def test_numpy_scalar_operands(scalar, dt):
    for op in BINARY:
        compare(lambda m: op(scalar, m.arange(1, 4).to(getattr(m, dt))), message=False)
        compare(lambda m: op(m.arange(1, 4).to(getattr(m, dt)), scalar), message=False)


@pytest.mark.parametrize("op", BINARY + [operator.matmul], ids=lambda o: o.__name__)
def test_numpy_array_operands(op):
    arr = np.arange(1.0, 4.0)
    compare(lambda m: op(m.arange(1.0, 4.0), arr), message=False)
    compare(lambda m: op(arr, m.arange(1.0, 4.0)), message=False)
    compare(lambda m: op(arr.astype(np.int32), m.arange(1, 4)), message=False)


def test_array_priority():
    assert torsh.Tensor.__array_priority__ == torch.Tensor.__array_priority__


@pytest.mark.parametrize("ufunc", [np.sin, np.negative, lambda x: np.greater(x, 1.5),
                                   lambda x: np.add(x, np.ones(3, dtype=np.int64))],
                         ids=["sin", "negative", "greater", "add"])
def test_numpy_ufuncs_give_tensors(ufunc):
    compare(lambda m: ufunc(m.arange(1.0, 4.0)))


# ---- generated entry points: named tuples, keywords, numbers, errors --------------------------
def _both(fn):
    return fn(torch), fn(torsh)


@pytest.mark.parametrize("call", [
    lambda m, x: m.max(x, 1), lambda m, x: x.max(dim=0, keepdim=True), lambda m, x: m.min(x, -1),
    lambda m, x: x.min(1)])
def test_named_tuple_returns(call):
    vals = np.array([[3.0, 1.0, 2.0], [0.5, 4.0, 4.0]])
    rt, rs = _both(lambda m: call(m, m.tensor(vals)))
    assert type(rs).__name__ == type(rt).__name__
    assert type(rs).__module__ == "torsh.return_types"
    assert isinstance(rs, tuple) and len(rs) == len(rt) == 2
    for field in ("values", "indices"):
        assert getattr(rs, field).tolist() == getattr(rt, field).tolist()
    values, indices = rs  # unpacks like a tuple
    assert values.tolist() == rt[0].tolist() and indices.tolist() == rt[1].tolist()
    assert isinstance(rs, torsh.return_types.max if "max" in type(rs).__name__
                      else torsh.return_types.min)
    assert pickle.loads(pickle.dumps(type(rs))) is type(rs)  # importable by its name


@pytest.mark.parametrize("call", [
    lambda m, a: m.add(a, 2), lambda m, a: a.add(2.5, alpha=2), lambda m, a: m.eq(a, 1),
    lambda m, a: a.mul_(3), lambda m, a: m.pow(a, 2), lambda m, a: a.lt(0.5)])
def test_numbers_as_tensors(call):
    rt, rs = _both(lambda m: call(m, m.tensor([1.0, 2.0])))
    assert rs.tolist() == rt.tolist() and str(rs.dtype)[6:] == str(rt.dtype)[6:]


@pytest.mark.parametrize("call", [
    lambda m, a: m.exp(a, 1),  # extra positional
    lambda m, a: m.exp(a, foo=1),  # unknown keyword
    lambda m, a: a.sum(dim=0, dim2=1),
    lambda m, a: m.exp(input=a, input2=a),
    lambda m, a: a.view("x"),
    lambda m, a: m.cat(a),
    lambda m, a: a.add(a, alpha=1, alpha2=2)])
def test_bad_arguments_raise_type_error(call):
    for m in (torch, torsh):
        with pytest.raises(TypeError):
            call(m, m.ones(2))


@pytest.mark.parametrize("call", [
    lambda m, a: a.sum(input=a) if m is None else m.sum(input=a),
    lambda m, a: m.exp(input=a), lambda m, a: m.cat(tensors=[a, a], dim=0),
    lambda m, a: m.zeros(size=(2, 3)), lambda m, a: m.zeros(2, 3, dtype=m.float64),
    lambda m, a: a.view(-1), lambda m, a: a.view((2, 1)), lambda m, a: a.view([1, 2]),
    lambda m, a: m.transpose(a.view(1, 2), dim0=0, dim1=1)])
def test_keyword_and_list_forms(call):
    rt, rs = _both(lambda m: call(m, m.ones(2)))
    assert rs.tolist() == rt.tolist() and tuple(rs.shape) == tuple(rt.shape)
    assert str(rs.dtype)[6:] == str(rt.dtype)[6:]


@pytest.mark.parametrize("call", [lambda m, a: a.add(2 ** 64), lambda m, a: a.sum(2 ** 70),
                                  lambda m, a: a.narrow(0, 2 ** 64, 1)])
def test_int_overflow_raises_runtime_error(call):
    for m in (torch, torsh):
        with pytest.raises(RuntimeError, match="Overflow when unpacking long"):
            call(m, m.ones(2))


@pytest.mark.parametrize("call", [lambda m, a: a.view(2 ** 64), lambda m, a: m.zeros(2 ** 63),
                                  lambda m, a: a.view(1, 2 ** 64), lambda m, a: a.permute([0, 2 ** 65])])
def test_int_list_overflow_raises_type_error(call):
    for m in (torch, torsh):
        with pytest.raises(TypeError):
            call(m, m.ones(2))


def test_subscript_slots():
    for m in (torch, torsh):
        a = m.arange(6.0).view(2, 3)
        assert a[1].tolist() == [3.0, 4.0, 5.0] and a[-1, 0].item() == 3.0
        a[0] = 7.0
        assert a.__getitem__(0).tolist() == [7.0, 7.0, 7.0]
        a.__setitem__((1, 1), 9.0)
        assert a[1, 1].item() == 9.0
        with pytest.raises(IndexError):
            a[2]
        with pytest.raises(IndexError):
            m.tensor(1.0)[0]
        with pytest.raises(TypeError):
            del a[0]


# ---- hot attributes (python/src/fast_attrs.cpp) and operator slots ------------------------------
def _outcome(fn):
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return type(e).__name__
    if isinstance(r, (torch.Tensor, torsh.Tensor)):
        return ("tensor", r.tolist(), str(r.dtype)[6:])
    if isinstance(r, (torch.dtype, torsh.dtype)):
        return str(r)
    return ("value", r if not isinstance(r, tuple) else tuple(r), type(r).__name__)


@pytest.mark.parametrize("call", [
    lambda m, a: a.shape, lambda m, a: a.size(), lambda m, a: a.size(1), lambda m, a: a.size(-2),
    lambda m, a: a.size(dim=0), lambda m, a: a.size(2), lambda m, a: a.size(0.5),
    lambda m, a: a.size(0, 1), lambda m, a: m.tensor(1.0).size(0), lambda m, a: m.tensor(1.0).size(),
    lambda m, a: a.dim(), lambda m, a: a.ndim, lambda m, a: a.ndimension(), lambda m, a: a.numel(),
    lambda m, a: a.nelement(), lambda m, a: a.dtype, lambda m, a: a.is_leaf,
    lambda m, a: a.requires_grad, lambda m, a: a.grad, lambda m, a: a.contiguous() is a,
    lambda m, a: a.t().contiguous() is a, lambda m, a: a.t().contiguous().is_contiguous(),
    lambda m, a: a.contiguous(memory_format=m.contiguous_format) is a,
    lambda m, a: a.shape[1:], lambda m, a: a.size()[0]])
def test_hot_attributes_like_torch(call):
    assert _outcome(lambda: call(torsh, torsh.ones(2, 3))) == \
        _outcome(lambda: call(torch, torch.ones(2, 3)))


@pytest.mark.parametrize("value", [True, False, 1, None, "x", 1.0])
def test_requires_grad_setter(value):
    def f(m):
        a = m.ones(2)
        a.requires_grad = value
        return a.requires_grad
    assert _outcome(lambda: f(torsh)) == _outcome(lambda: f(torch))


@pytest.mark.parametrize("grad", [lambda m: m.ones(2), lambda m: m.ones(3), lambda m: 3,
                                  lambda m: None, lambda m: m.ones(2, dtype=m.float64)])
def test_grad_setter(grad):
    def f(m):
        a = m.zeros(2, requires_grad=True)
        a.grad = grad(m)
        g = a.grad
        del a.grad
        return (None if g is None else g.tolist()), a.grad
    assert _outcome(lambda: f(torsh)) == _outcome(lambda: f(torch))


@pytest.mark.parametrize("call", [
    lambda m, a: a == a, lambda m, a: a < 1.5, lambda m, a: 1.5 < a, lambda m, a: a >= 2,
    lambda m, a: a != 1, lambda m, a: 2 == a, lambda m, a: a == None,  # noqa: E711
    lambda m, a: a != "x", lambda m, a: a @ a, lambda m, a: -a, lambda m, a: a @ 1,
    lambda m, a: np.float64(1.5) < a, lambda m, a: a <= m.tensor([2, 1])])
def test_comparison_and_matmul_slots(call):
    assert _outcome(lambda: call(torsh, torsh.tensor([1.0, 2.0]))) == \
        _outcome(lambda: call(torch, torch.tensor([1.0, 2.0])))


@pytest.mark.parametrize("call", [
    lambda m, a: a.to(float), lambda m, a: a.to(int), lambda m, a: a.to(bool),
    lambda m, a: a.to(dtype=float), lambda m, a: m.zeros(2, dtype=float), lambda m, a: m.ones(2, dtype=int),
    lambda m, a: m.tensor([1, 2], dtype=float), lambda m, a: m.tensor([1.5], dtype=int),
    lambda m, a: m.arange(3, dtype=bool), lambda m, a: a.sum(dtype=float), lambda m, a: a.to("x"),
    lambda m, a: m.tensor([1], dtype=str), lambda m, a: a.random_(2 ** 63),
    lambda m, a: m.manual_seed(2 ** 64)])
def test_python_types_as_dtypes(call):
    assert _outcome(lambda: call(torsh, torsh.tensor([1.5, 0.0]))) == \
        _outcome(lambda: call(torch, torch.tensor([1.5, 0.0])))


@pytest.mark.parametrize("call", [
    lambda m, a: a.copy_(3), lambda m, a: a.copy_(2.5, True), lambda m, a: a.copy_("x"),
    lambda m, a: a.fill_([1, 2]), lambda m, a: a.fill_(None), lambda m, a: m.result_type(a, "x"),
    lambda m, a: m.where(m.tensor([1, 0], dtype=m.uint8), a, a + 1),
    lambda m, a: a.stride(), lambda m, a: a.stride(-1), lambda m, a: a.stride(a),
    lambda m, a: a.view(1, 2).stride(dim=0), lambda m, a: a.stride(3),
    lambda m, a: m.index_put(a, (None,), m.tensor(1.0)),
    lambda m, a: m.index_put(a, (m.tensor([0]), None), m.tensor(1.0)),
    lambda m, a: m.index_put(a, [m.tensor([1])], m.tensor(5.0))])
def test_argument_kinds_like_torch(call):
    assert _outcome(lambda: call(torsh, torsh.tensor([1.5, 0.0]))) == \
        _outcome(lambda: call(torch, torch.tensor([1.5, 0.0])))
