"""torsh.nn.Module, Parameter and the containers against torch.nn 1.13: registration and
traversal order, state_dict keys and loading, repr, hooks, modes, conversions."""
import copy
from collections import OrderedDict

import numpy as np
import pytest
import torch

import torsh
from nn_pairs import build_pair
from torsh import nn


def to_torsh(t):
    return torsh.from_numpy(t.detach().numpy().copy())


def to_np(t):
    return t.detach().numpy()


def _mylinear_class(lib, libnn):
    # A linear layer written from matmul and add, so the Module machinery is exercised with
    # ops both libraries have.
    class MyLinear(libnn.Module):
        def __init__(self, n_in, n_out):
            super().__init__()
            self.weight = libnn.Parameter(lib.randn(n_out, n_in))
            self.bias = libnn.Parameter(lib.randn(n_out))

        def forward(self, x):
            return lib.matmul(x, self.weight.t()) + self.bias

    return MyLinear


def _net(lib, libnn):
    """Sequential(Linear, ReLU, Sequential(Linear, LayerNorm)) inside a custom module with a
    buffer, a non-persistent buffer and a custom child."""
    MyLinear = _mylinear_class(lib, libnn)

    class Net(libnn.Module):
        def __init__(self):
            super().__init__()
            self.body = libnn.Sequential(libnn.Linear(4, 8), libnn.ReLU(),
                                         libnn.Sequential(libnn.Linear(8, 3), libnn.LayerNorm(3)))
            self.register_buffer("running", lib.zeros(3))
            self.register_buffer("scratch", lib.ones(2), persistent=False)
            self.head = MyLinear(3, 2)
            self.scale = libnn.Parameter(lib.ones(1))

    return Net()


def _small(lib, libnn):
    """A model both libraries can run today: MyLinear -> ReLU -> MyLinear -> Tanh."""
    MyLinear = _mylinear_class(lib, libnn)
    return libnn.Sequential(OrderedDict([("fc1", MyLinear(5, 6)), ("act", libnn.ReLU()),
                                         ("fc2", MyLinear(6, 3)), ("out", libnn.Tanh())]))


_pair = build_pair


def test_parameter_is_tensor_subclass():
    p = nn.Parameter(torsh.randn(2, 3))
    assert type(p) is nn.Parameter
    assert isinstance(p, torsh.Tensor) and isinstance(p, nn.Parameter)
    assert not isinstance(torsh.randn(2), nn.Parameter)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    q = nn.Parameter(torsh.randn(2), requires_grad=False)
    assert not q.requires_grad
    empty = nn.Parameter()
    assert tuple(empty.shape) == (0,) and type(empty) is nn.Parameter


def test_parameter_shares_data_and_is_a_detached_leaf():
    src = torsh.randn(3, requires_grad=True)
    y = src * 2
    p = nn.Parameter(y)
    assert p.is_leaf and p.grad_fn is None and p.requires_grad
    assert p.data_ptr() == y.data_ptr()
    (p * p).sum().backward()
    np.testing.assert_allclose(to_np(p.grad), 2 * to_np(y), rtol=1e-6)
    assert src.grad is None


def test_parameter_subclass_of_parameter():
    class MyParam(nn.Parameter):
        pass
    p = MyParam(torsh.ones(2))
    assert type(p) is MyParam and isinstance(p, nn.Parameter)
    p.tag = "x"
    assert p.tag == "x"


def test_parameter_repr_matches_torch():
    t = torch.tensor([[1.5, -2.0], [0.25, 3.0]])
    assert repr(nn.Parameter(to_torsh(t))) == repr(torch.nn.Parameter(t))
    assert repr(nn.Parameter(to_torsh(t), requires_grad=False)) == \
        repr(torch.nn.Parameter(t, requires_grad=False))


def test_parameter_deepcopy():
    p = nn.Parameter(torsh.randn(3))
    q = copy.deepcopy(p)
    assert type(q) is nn.Parameter and q.requires_grad
    assert q.data_ptr() != p.data_ptr()
    np.testing.assert_array_equal(to_np(q), to_np(p))


def test_traversal_names_match_torch():
    a, b = _pair(_net)
    assert [n for n, _ in b.named_parameters()] == [n for n, _ in a.named_parameters()]
    assert [n for n, _ in b.named_buffers()] == [n for n, _ in a.named_buffers()]
    assert [n for n, _ in b.named_modules()] == [n for n, _ in a.named_modules()]
    assert [type(m).__name__ for m in b.modules()] == [type(m).__name__ for m in a.modules()]
    assert [n for n, _ in b.named_children()] == [n for n, _ in a.named_children()]
    assert list(b.state_dict().keys()) == list(a.state_dict().keys())
    assert "scratch" not in b.state_dict()
    assert [n for n, _ in b.named_parameters(prefix="m", recurse=False)] == \
        [n for n, _ in a.named_parameters(prefix="m", recurse=False)]
    assert [n for n, _ in b.named_modules(prefix="root")] == \
        [n for n, _ in a.named_modules(prefix="root")]
    assert len(list(b.parameters())) == len(list(a.parameters()))
    assert len(list(b.buffers(recurse=False))) == len(list(a.buffers(recurse=False)))


def test_shared_parameters_and_modules_are_listed_once():
    def build(lib, libnn):
        lin = libnn.Linear(3, 3)
        seq = libnn.Sequential(lin, libnn.ReLU(), lin)
        seq.extra = libnn.Linear(3, 3)
        seq.extra.weight = lin.weight
        return seq
    a, b = _pair(build)
    assert [n for n, _ in b.named_parameters()] == [n for n, _ in a.named_parameters()]
    assert [n for n, _ in b.named_modules()] == [n for n, _ in a.named_modules()]
    assert [n for n, _ in b.named_modules(remove_duplicate=False)] == \
        [n for n, _ in a.named_modules(remove_duplicate=False)]
    assert list(b.state_dict().keys()) == list(a.state_dict().keys())


def test_state_dict_values_are_detached_copies_of_the_parameters():
    a, b = _pair(_net)
    sd = b.state_dict()
    assert isinstance(sd, OrderedDict)
    for (k, v), (tk, tv) in zip(sd.items(), a.state_dict().items()):
        assert k == tk
        assert type(v) is torsh.Tensor and not v.requires_grad
        np.testing.assert_allclose(to_np(v), to_np(tv), rtol=1e-6)
    assert sd["body.0.weight"].data_ptr() == b.body[0].weight.data_ptr()
    kv = b.state_dict(keep_vars=True)
    assert kv["body.0.weight"] is b.body[0].weight
    pre = b.state_dict(prefix="model.")
    assert list(pre.keys()) == ["model." + k for k in sd.keys()]


def test_repr_matches_torch():
    a, b = _pair(_net)
    assert repr(b) == repr(a)
    a, b = _pair(_small)
    assert repr(b) == repr(a)


def test_container_reprs_match_torch():
    def build(lib, libnn):
        return libnn.ModuleDict(OrderedDict([
            ("list", libnn.ModuleList([libnn.ReLU(), libnn.Tanh(), libnn.Identity()])),
            ("plist", libnn.ParameterList([libnn.Parameter(lib.ones(2, 3)), lib.zeros(4)])),
            ("pdict", libnn.ParameterDict({"b": libnn.Parameter(lib.ones(5)),
                                           "a": lib.zeros(1, 2)})),
            ("empty", libnn.Sequential()),
        ]))
    a, b = _pair(build)
    assert repr(b) == repr(a)


def test_load_torch_state_dict_reproduces_torch_outputs_and_gradients():
    a, _ = _pair(_small, seed=1)
    _, b = _pair(_small, seed=2)
    res = b.load_state_dict({k: to_torsh(v) for k, v in a.state_dict().items()})
    assert res.missing_keys == [] and res.unexpected_keys == []
    assert repr(res) == "<All keys matched successfully>"
    x = torch.randn(7, 5)
    ya = a(x)
    yb = b(to_torsh(x))
    np.testing.assert_allclose(to_np(yb), to_np(ya), rtol=1e-5, atol=1e-6)
    ya.pow(2).sum().backward()
    yb.pow(2).sum().backward()
    for (n, pa), (m, pb) in zip(a.named_parameters(), b.named_parameters()):
        assert n == m
        np.testing.assert_allclose(to_np(pb.grad), to_np(pa.grad), rtol=1e-5, atol=1e-5)


def test_load_state_dict_keeps_parameter_objects():
    a, b = _pair(_small)
    before = [id(p) for p in b.parameters()]
    b.load_state_dict({k: to_torsh(v) * 0 for k, v in a.state_dict().items()})
    assert [id(p) for p in b.parameters()] == before
    assert all(float(p.abs().sum()) == 0 for p in b.parameters())
    assert all(p.requires_grad and p.is_leaf for p in b.parameters())


def test_load_state_dict_strict_false_returns_incompatible_keys():
    a, b = _pair(_net)
    sd_a = a.state_dict()
    del sd_a["body.0.bias"]
    sd_a["bogus.weight"] = torch.zeros(1)
    sd_a["body.7"] = torch.zeros(1)
    res_a = a.load_state_dict(sd_a, strict=False)
    res_b = b.load_state_dict({k: to_torsh(v) for k, v in sd_a.items()}, strict=False)
    assert res_b.missing_keys == res_a.missing_keys
    assert res_b.unexpected_keys == res_a.unexpected_keys
    assert repr(res_b) == repr(res_a)
    assert type(res_b).__name__ == type(res_a).__name__


def _load_error(model, sd):
    with pytest.raises(Exception) as e:
        model.load_state_dict(sd)
    return e


def test_load_state_dict_errors_match_torch():
    a, b = _pair(_small)
    sd = a.state_dict()
    missing = OrderedDict((k, v) for k, v in sd.items() if k != "fc2.bias")
    unexpected = OrderedDict(sd, **{"fc9.weight": torch.zeros(2)})
    mismatch = OrderedDict(sd)
    mismatch["fc1.weight"] = torch.zeros(5, 6)
    for bad in (missing, unexpected, mismatch):
        ea = _load_error(a, bad)
        eb = _load_error(b, {k: to_torsh(v) for k, v in bad.items()})
        assert eb.type is ea.type is RuntimeError
        assert str(eb.value) == str(ea.value)
    assert "Missing key(s) in state_dict: \"fc2.bias\"" in str(_load_error(
        b, {k: to_torsh(v) for k, v in missing.items()}).value)
    with pytest.raises(TypeError):
        b.load_state_dict([1, 2])


def test_load_state_dict_wrong_type_value_message():
    a, b = _pair(_small)
    sd = {k: to_torsh(v) for k, v in a.state_dict().items()}
    sd["fc1.bias"] = [1.0] * 6
    with pytest.raises(RuntimeError, match='While copying the parameter named "fc1.bias"'):
        b.load_state_dict(sd)


def test_train_eval_flags():
    a, b = _pair(_net)
    assert all(m.training for m in b.modules())
    assert b.eval() is b
    a.eval()
    assert [m.training for m in b.modules()] == [m.training for m in a.modules()]
    b.body.train()
    a.body.train()
    assert [m.training for m in b.modules()] == [m.training for m in a.modules()]
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        b.train(1)


def test_zero_grad_and_requires_grad_():
    _, b = _pair(_small)
    b(torsh.randn(2, 5)).sum().backward()
    assert all(p.grad is not None for p in b.parameters())
    grads = [p.grad for p in b.parameters()]
    b.zero_grad()
    for p, g in zip(b.parameters(), grads):
        assert p.grad is not None and float(p.grad.abs().sum()) == 0
        assert p.grad.data_ptr() == g.data_ptr()
    b.zero_grad(set_to_none=True)
    assert all(p.grad is None for p in b.parameters())
    assert b.requires_grad_(False) is b
    assert not any(p.requires_grad for p in b.parameters())
    b.requires_grad_()
    assert all(p.requires_grad for p in b.parameters())


def test_apply_visits_children_then_self():
    def order(model):
        seen = []
        assert model.apply(lambda m: seen.append(type(m).__name__)) is model
        return seen
    a, b = _pair(_net)
    assert order(b) == order(a)

    def fill(m):
        if isinstance(m, nn.Linear):
            nn.init.constant_(m.weight, 0.5)
    b.apply(fill)
    assert float(b.body[0].weight.sum()) == 0.5 * 32


def test_forward_hooks():
    a, b = _pair(_small)
    calls = []

    def pre(mod, inp):
        calls.append(("pre", type(mod).__name__, len(inp)))
        return (inp[0] * 2,)

    def post(mod, inp, out):
        calls.append(("post", type(mod).__name__))
        return out + 1

    results = []
    for model, lib in ((a, torch), (b, torsh)):
        calls.clear()
        h1 = model.fc1.register_forward_pre_hook(pre)
        h2 = model.register_forward_hook(post)
        x = torch.ones(1, 5) if lib is torch else torsh.ones(1, 5)
        out = model(x)
        results.append((list(calls), to_np(out)))
        h1.remove()
        h2.remove()
        calls.clear()
        out2 = model(x)
        assert calls == []
        results.append(to_np(out2))
    assert results[0][0] == results[2][0]
    np.testing.assert_allclose(results[2][1], results[0][1], rtol=1e-5)
    np.testing.assert_allclose(results[3], results[1], rtol=1e-5)


def test_hook_handle_context_manager_and_pre_hook_non_tuple():
    _, b = _pair(_small)
    with b.fc1.register_forward_pre_hook(lambda m, i: i[0] * 0):
        assert float(b.fc1(torsh.ones(1, 5)).sub(b.fc1.bias).abs().sum()) == 0
    assert not b.fc1._forward_pre_hooks
    assert float(b.fc1(torsh.ones(1, 5)).sub(b.fc1.bias).abs().sum()) != 0


def test_setattr_registration_and_errors():
    m = nn.Module()
    m.p = nn.Parameter(torsh.ones(1))
    m.sub = nn.ReLU()
    m.t = torsh.zeros(1)
    assert list(m._parameters) == ["p"] and list(m._modules) == ["sub"]
    assert "t" not in m._buffers and "t" in m.__dict__
    m.register_buffer("buf", torsh.zeros(2))
    m.buf = torsh.ones(2)
    assert float(m._buffers["buf"].sum()) == 2
    tm = torch.nn.Module()
    tm.p = torch.nn.Parameter(torch.ones(1))
    tm.register_buffer("buf", torch.zeros(2))
    tm.sub = torch.nn.ReLU()
    for name, value, tvalue in (("p", torsh.ones(1), torch.ones(1)), ("sub", 3, 3),
                                ("buf", 3, 3)):
        with pytest.raises(TypeError) as eb:
            setattr(m, name, value)
        with pytest.raises(TypeError) as ea:
            setattr(tm, name, tvalue)
        assert str(eb.value) == str(ea.value)
    m.p = None
    assert m.p is None and "p" in m._parameters
    del m.sub
    assert "sub" not in m._modules
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'nope'"):
        m.nope
    for bad in ("a.b", ""):
        with pytest.raises(KeyError):
            m.register_buffer(bad, torsh.ones(1))
    with pytest.raises(KeyError, match="attribute 't' already exists"):
        m.register_parameter("t", nn.Parameter(torsh.ones(1)))
    with pytest.raises(TypeError):
        m.register_parameter("q", torsh.ones(1))
    with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor"):
        m.register_parameter("q", _nonleaf_param())
    with pytest.raises(TypeError, match="is not a Module subclass"):
        m.add_module("x", 3)


def _nonleaf_param():
    p = nn.Parameter(torsh.ones(1))
    out = p * 2
    out.__class__ = nn.Parameter
    return out


def test_setattr_before_init():
    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(torsh.ones(1))
    with pytest.raises(AttributeError,
                       match=r"cannot assign parameters before Module.__init__\(\) call"):
        Bad()


def test_missing_forward():
    with pytest.raises(NotImplementedError, match=r'Module \[Module\] is missing the required'):
        nn.Module()(torsh.ones(1))


def test_get_submodule_and_get_parameter():
    a, b = _pair(_net)
    assert b.get_submodule("body.2.1") is b.body[2][1]
    assert b.get_submodule("") is b
    assert b.get_parameter("body.2.0.bias") is b.body[2][0].bias
    assert b.get_parameter("scale") is b.scale
    assert b.get_buffer("running") is b.running
    for bad in ("body.9", "body.0.weight"):
        with pytest.raises(AttributeError) as eb:
            b.get_submodule(bad)
        with pytest.raises(AttributeError) as ea:
            a.get_submodule(bad)
        assert str(eb.value) == str(ea.value)
    with pytest.raises(AttributeError) as eb:
        b.get_parameter("running")
    with pytest.raises(AttributeError) as ea:
        a.get_parameter("running")
    assert str(eb.value) == str(ea.value)


def test_dir_lists_registered_names():
    a, b = _pair(_net)
    d = dir(b)
    assert d == sorted(d)
    for name in ("body", "head", "running", "scratch", "scale", "forward", "training",
                 "state_dict", "named_parameters"):
        assert name in d and name in dir(a)
    assert not any(n.isdigit() for n in dir(b.body))


def test_to_dtype_and_float_double():
    _, b = _pair(_net)
    ids = {n: id(p) for n, p in b.named_parameters()}
    assert b.double() is b
    assert all(p.dtype == torsh.float64 for p in b.parameters())
    assert all(type(p) is nn.Parameter and p.requires_grad for p in b.parameters())
    assert b.running.dtype == torsh.float64 and b.scratch.dtype == torsh.float64
    b.float()
    assert all(p.dtype == torsh.float32 for p in b.parameters())
    kept = {n: id(p) for n, p in b.named_parameters()}
    b.float()
    assert {n: id(p) for n, p in b.named_parameters()} == kept
    b.to(torsh.float64)
    assert all(p.dtype == torsh.float64 for p in b.parameters())
    b.to("cpu", torsh.float32)
    b.to(device="cpu")
    b.to(torsh.zeros(1, dtype=torsh.float64))
    assert all(p.dtype == torsh.float64 for p in b.parameters())
    b.half()
    assert all(p.dtype == torsh.float16 for p in b.parameters())
    del ids
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point"):
        b.to(torsh.int64)


def test_to_keeps_tied_parameters_tied():
    lin = nn.Linear(3, 3)
    seq = nn.Sequential(lin, nn.Linear(3, 3))
    seq[1].weight = lin.weight
    seq.double()
    assert seq[0].weight is seq[1].weight
    assert seq[0].weight.dtype == torsh.float64


def test_to_converts_integer_buffers_only_when_floating():
    m = nn.Module()
    m.register_buffer("count", torsh.zeros(2, dtype=torsh.int64))
    m.register_buffer("avg", torsh.zeros(2))
    m.double()
    assert m.count.dtype == torsh.int64 and m.avg.dtype == torsh.float64


def test_to_grad_is_converted():
    _, b = _pair(_small)
    b(torsh.randn(2, 5)).sum().backward()
    b.double()
    assert all(p.grad is not None and p.grad.dtype == torsh.float64 for p in b.parameters())


def test_to_unavailable_device_raises_as_tensor_to():
    _, b = _pair(_small)
    with pytest.raises(Exception) as eb:
        torsh.zeros(1).to("cuda")
    with pytest.raises(eb.type):
        b.to("cuda")


def test_sequential_indexing_matches_torch():
    def build(lib, libnn):
        return libnn.Sequential(libnn.ReLU(), libnn.Tanh(), libnn.Sigmoid(), libnn.Identity())
    a, b = _pair(build)
    assert type(b[0]) is nn.ReLU and type(b[-1]) is nn.Identity
    sl = b[1:3]
    assert type(sl) is nn.Sequential and repr(sl) == repr(a[1:3])
    assert len(b) == 4 and [type(m).__name__ for m in b] == [type(m).__name__ for m in a]
    with pytest.raises(IndexError, match="index 4 is out of range"):
        b[4]
    b.append(nn.ReLU())
    a.append(torch.nn.ReLU())
    del b[1]
    del a[1]
    b.insert(0, nn.Tanh())
    a.insert(0, torch.nn.Tanh())
    b[2] = nn.Softsign()
    a[2] = torch.nn.Softsign()
    assert repr(b) == repr(a)
    assert repr(b + b[:1]) == repr(a + a[:1])
    assert repr(b * 2) == repr(a * 2)
    assert type(b.pop(0)) is nn.Tanh
    od = nn.Sequential(OrderedDict([("first", nn.ReLU()), ("second", nn.Tanh())]))
    assert list(od._modules) == ["first", "second"] and od.first is od[0]


def test_sequential_forward_chains_modules():
    a, b = _pair(_small)
    b.load_state_dict({k: to_torsh(v) for k, v in a.state_dict().items()})
    x = torch.randn(3, 5)
    np.testing.assert_allclose(to_np(b(to_torsh(x))), to_np(a(x)), rtol=1e-5, atol=1e-6)


def test_module_list_matches_torch():
    def build(lib, libnn):
        ml = libnn.ModuleList([libnn.ReLU(), libnn.Tanh()])
        ml.append(libnn.Sigmoid())
        ml.extend([libnn.Identity(), libnn.Softsign()])
        ml.insert(1, libnn.Tanhshrink())
        ml += [libnn.LogSigmoid()]
        return ml
    a, b = _pair(build)
    assert repr(b) == repr(a)
    assert len(b) == len(a) == 7
    assert repr(b[2:5]) == repr(a[2:5]) and type(b[2:5]) is nn.ModuleList
    assert type(b[-1]) is nn.LogSigmoid
    del b[0]
    del a[0]
    assert repr(b) == repr(a)
    assert [n for n, _ in b.named_modules()] == [n for n, _ in a.named_modules()]
    with pytest.raises(IndexError):
        b[10]
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable"):
        b.extend(nn.ReLU())
    assert repr(b + b) == repr(a + a)


def test_module_dict_matches_torch():
    def build(lib, libnn):
        md = libnn.ModuleDict({"relu": libnn.ReLU(), "tanh": libnn.Tanh()})
        md["lin"] = libnn.Linear(2, 2)
        md.update([("sig", libnn.Sigmoid())])
        return md
    a, b = _pair(build)
    assert repr(b) == repr(a)
    assert list(b.keys()) == list(a.keys()) and "lin" in b and len(b) == 4
    assert [n for n, _ in b.named_parameters()] == [n for n, _ in a.named_parameters()]
    assert type(b.pop("relu")) is nn.ReLU and "relu" not in b
    assert list(iter(b)) == ["tanh", "lin", "sig"]


def test_parameter_list_and_dict():
    def build(lib, libnn):
        m = libnn.Module()
        m.plist = libnn.ParameterList([libnn.Parameter(lib.ones(2)), lib.zeros(3)])
        m.plist.append(lib.ones(1))
        m.pdict = libnn.ParameterDict({"w": lib.ones(2, 2)})
        m.pdict["b"] = libnn.Parameter(lib.zeros(2))
        return m
    a, b = _pair(build)
    assert [n for n, _ in b.named_parameters()] == [n for n, _ in a.named_parameters()]
    assert all(type(p) is nn.Parameter for p in b.plist)
    assert type(b.pdict["w"]) is nn.Parameter
    assert len(b.plist) == 3 and len(b.pdict) == 2
    assert repr(b) == repr(a)
    assert list(b.state_dict()) == list(a.state_dict())
    with pytest.raises(RuntimeError, match="ParameterList should not be called."):
        b.plist()


def test_global_forward_hooks():
    from torsh.nn.modules.module import register_module_forward_hook
    seen = []
    h = register_module_forward_hook(lambda m, i, o: seen.append(type(m).__name__))
    try:
        nn.Sequential(nn.ReLU(), nn.Tanh())(torsh.ones(2))
    finally:
        h.remove()
    assert seen == ["ReLU", "Tanh", "Sequential"]
    nn.ReLU()(torsh.ones(1))
    assert len(seen) == 3


def test_deepcopy_of_a_module_copies_its_parameters():
    a, b = _pair(_small)
    c = copy.deepcopy(b)
    assert repr(c) == repr(b)
    for (n, p), (m, q) in zip(b.named_parameters(), c.named_parameters()):
        assert n == m and type(q) is nn.Parameter and q.requires_grad
        assert q.data_ptr() != p.data_ptr()
        np.testing.assert_array_equal(to_np(q), to_np(p))
    with torsh.no_grad():
        c.fc1.weight.mul_(0)
    assert float(b.fc1.weight.abs().sum()) > 0


def test_conversion_keeps_parameter_objects():
    """Module.double() converts parameters in place (`param.data = ...`), as torch: the same
    Parameter objects (and so an optimizer holding them) stay the module's, ties included."""
    res = []
    for lib in (torch, torsh):
        lib.manual_seed(0)
        m = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.Linear(3, 2))
        p = m[0].weight
        m(lib.ones(1, 2)).sum().backward()
        m.double()
        res.append((p is m[0].weight, str(p.dtype), str(p.grad.dtype), type(p).__name__,
                     p.is_leaf, p.requires_grad, p.detach().tolist()))
    assert res[0] == res[1]


def test_tensor_data_property():
    res = []
    for lib in (torch, torsh):
        x = lib.ones(2, requires_grad=True)
        (x * 2).sum().backward()
        d = x.data
        d.add_(1)  # the same memory, outside the graph
        seen = (x.detach().tolist(), d.requires_grad)
        x.data = lib.zeros(3, dtype=lib.float64)
        res.append(seen + (str(x.dtype), tuple(x.shape), x.requires_grad, x.grad.tolist(),
                           x.is_leaf, (x * x).sum().requires_grad))
    assert res[0] == res[1]
