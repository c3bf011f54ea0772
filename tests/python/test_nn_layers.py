"""torsh.nn layers, init and functional against torch.nn 1.13: default initialisation under
the same seed, forward outputs and gradients, reprs and argument handling."""
import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import torsh
from nn_pairs import build_pair
from torsh import nn
from torsh.nn import functional as F

# torsh ops these tests call that torsh does not have yet; a test needing one of them is
# skipped with reason "waits for torsh.<name>". Remove a name when its op lands.
MISSING = {"linalg.qr"}


def _waits(names):
    missing = [n for n in names if n in MISSING]
    return [pytest.mark.skip(reason=f"waits for torsh.{missing[0]}")] if missing else []


def needs(*names):
    def deco(fn):
        for mark in _waits(names):
            fn = mark(fn)
        return fn
    return deco


def case(*values, needs=()):
    return pytest.param(*values, marks=_waits(needs))


def to_torsh(t):
    return torsh.from_numpy(t.detach().numpy().copy())


def to_np(t):
    return t.detach().numpy()


def close(a, b, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(to_np(a), to_np(b), rtol=rtol, atol=atol)


_pair = build_pair


# init

INITS = [
    ("uniform_", (3, 4), {"a": -0.5, "b": 2.0}),
    ("normal_", (5, 3), {"mean": 1.0, "std": 0.3}),
    ("trunc_normal_", (6, 5), {"mean": 0.1, "std": 0.8, "a": -1.0, "b": 1.5}),
    ("constant_", (2, 3), {"val": 0.7}),
    ("ones_", (4,), {}),
    ("zeros_", (4, 2), {}),
    ("eye_", (3, 5), {}),
    ("dirac_", (4, 2, 3, 3), {}),
    ("dirac_", (4, 2, 5), {"groups": 2}),
    ("xavier_uniform_", (7, 5), {"gain": 2.0}),
    ("xavier_normal_", (4, 3, 2, 2), {}),
    ("kaiming_uniform_", (8, 6), {}),
    ("kaiming_uniform_", (8, 6, 3), {"a": math.sqrt(5), "mode": "fan_out"}),
    ("kaiming_normal_", (5, 9), {"nonlinearity": "relu"}),
    ("sparse_", (6, 4), {"sparsity": 0.5}),
]


@pytest.mark.parametrize("name,shape,kwargs", INITS)
def test_init_same_seed_same_values(name, shape, kwargs):
    torch.manual_seed(3)
    a = torch.empty(shape)
    ra = getattr(torch.nn.init, name)(a, **kwargs)
    torsh.manual_seed(3)
    b = torsh.empty(shape)
    rb = getattr(nn.init, name)(b, **kwargs)
    assert rb is b and ra is a
    close(b, a, rtol=1e-5, atol=1e-6)


def test_init_on_parameter_keeps_the_parameter_and_its_graph_state():
    torch.manual_seed(0)
    w_a = torch.nn.Parameter(torch.empty(4, 3))
    torch.nn.init.kaiming_uniform_(w_a)
    torsh.manual_seed(0)
    w_b = nn.Parameter(torsh.empty(4, 3))
    out = nn.init.kaiming_uniform_(w_b)
    assert out is w_b and type(out) is nn.Parameter
    assert w_b.is_leaf and w_b.grad_fn is None and w_b.requires_grad
    close(w_b, w_a)


@needs("linalg.qr")
def test_orthogonal_same_seed():
    torch.manual_seed(1)
    a = torch.nn.init.orthogonal_(torch.empty(3, 5), gain=2.0)
    torsh.manual_seed(1)
    b = nn.init.orthogonal_(torsh.empty(3, 5), gain=2.0)
    close(b, a)


def test_calculate_gain_and_fans():
    for args in (("linear",), ("sigmoid",), ("tanh",), ("relu",), ("leaky_relu",),
                 ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu",), ("conv2d",)):
        assert nn.init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)
    for bad in (("leaky_relu", True), ("softmax",)):
        with pytest.raises(ValueError) as ea:
            torch.nn.init.calculate_gain(*bad)
        with pytest.raises(ValueError) as eb:
            nn.init.calculate_gain(*bad)
        assert str(eb.value) == str(ea.value)
    for shape in ((3, 4), (5, 2, 3, 3), (2, 7, 4)):
        assert nn.init._calculate_fan_in_and_fan_out(torsh.empty(shape)) == \
            torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(torsh.empty(3))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        nn.init.kaiming_normal_(torsh.empty(3, 3), mode="fan_avg")


# default initialisation of layers

DEFAULT_INIT = [
    lambda lib, libnn: libnn.Linear(5, 7),
    lambda lib, libnn: libnn.Linear(3, 2, bias=False),
    lambda lib, libnn: libnn.Linear(6, 4, dtype=lib.float64),
    lambda lib, libnn: libnn.Embedding(10, 4),
    lambda lib, libnn: libnn.Embedding(10, 3, padding_idx=-2),
    lambda lib, libnn: libnn.LayerNorm((2, 3)),
    lambda lib, libnn: libnn.LayerNorm(4, elementwise_affine=False),
    lambda lib, libnn: libnn.PReLU(3, init=0.1),
    lambda lib, libnn: libnn.Sequential(libnn.Linear(4, 8), libnn.ReLU(), libnn.Linear(8, 2),
                                        libnn.Embedding(5, 2, padding_idx=1)),
]


@pytest.mark.parametrize("builder", DEFAULT_INIT)
def test_default_init_same_seed_same_values(builder):
    a, b = _pair(builder, seed=11)
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sb) == list(sa)
    for k in sa:
        assert sb[k].dtype == getattr(torsh, str(sa[k].dtype).split(".")[1])
        close(sb[k], sa[k], rtol=1e-6, atol=0)
    assert [p.requires_grad for p in b.parameters()] == [p.requires_grad for p in a.parameters()]
    assert [type(p) for p in b.parameters()] == [nn.Parameter] * len(list(a.parameters()))


def test_linear_attributes():
    lin = nn.Linear(3, 5, bias=False)
    assert lin.in_features == 3 and lin.out_features == 5 and lin.bias is None
    assert tuple(lin.weight.shape) == (5, 3)
    assert list(lin.state_dict()) == ["weight"]


def test_embedding_padding_and_from_pretrained():
    emb = nn.Embedding(6, 3, padding_idx=-1)
    assert emb.padding_idx == 5
    assert float(emb.weight[5].abs().sum()) == 0
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(4, 2, padding_idx=4)
    w = torch.randn(4, 2)
    a = torch.nn.Embedding.from_pretrained(w)
    b = nn.Embedding.from_pretrained(to_torsh(w))
    assert not b.weight.requires_grad and type(b.weight) is nn.Parameter
    close(b.weight, a.weight, rtol=0, atol=0)
    assert repr(b) == repr(a)
    b2 = nn.Embedding.from_pretrained(to_torsh(w), freeze=False, padding_idx=0)
    assert b2.weight.requires_grad and b2.padding_idx == 0


# reprs

REPRS = [
    "Linear(3, 4)", "Linear(3, 4, bias=False)", "Identity(54, unused='x')",
    "Embedding(10, 3)", "Embedding(10, 3, padding_idx=1, max_norm=2.0, norm_type=1.0, "
    "scale_grad_by_freq=True, sparse=True)",
    "LayerNorm(5)", "LayerNorm([2, 3], eps=1e-3, elementwise_affine=False)",
    "Dropout()", "Dropout(0.2, inplace=True)", "Flatten()", "Flatten(0, 2)",
    "Unflatten(1, (2, 5))", "ReLU()", "ReLU(inplace=True)", "ReLU6()", "ReLU6(True)",
    "LeakyReLU()", "LeakyReLU(0.2, inplace=True)", "ELU()", "ELU(0.5, True)", "CELU(2.0)",
    "SELU()", "GELU()", "GELU(approximate='tanh')", "SiLU()", "SiLU(inplace=True)", "Mish()",
    "Sigmoid()", "Tanh()", "Softplus()", "Softplus(2, 10)", "Hardtanh()",
    "Hardtanh(-2.0, 3.0, True)", "Softmax(dim=1)", "Softmax()", "LogSoftmax(-1)",
    "Softmin(0)", "Softmax2d()", "LogSigmoid()", "Hardswish()", "Hardsigmoid()", "Softsign()",
    "Tanhshrink()", "Threshold(0.1, 20)", "Threshold(0.1, 20, inplace=True)", "Hardshrink()",
    "Softshrink(0.3)", "GLU()", "PReLU()", "PReLU(4)",
    "L1Loss()", "MSELoss(reduction='sum')", "SmoothL1Loss(beta=0.5)", "HuberLoss(delta=2.0)",
    "CrossEntropyLoss(label_smoothing=0.1)", "NLLLoss(ignore_index=1)", "BCELoss()",
    "BCEWithLogitsLoss()", "KLDivLoss(reduction='batchmean')",
]


@pytest.mark.parametrize("expr", REPRS)
def test_layer_repr_matches_torch(expr):
    a = eval("torch.nn." + expr)
    b = eval("nn." + expr)
    assert repr(b) == repr(a)
    assert [n for n, _ in b.named_parameters()] == [n for n, _ in a.named_parameters()]
    assert [n for n, _ in b.named_buffers()] == [n for n, _ in a.named_buffers()]


def test_loss_reduction_attributes_and_legacy_arguments():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kwargs in ({}, {"reduction": "sum"}, {"size_average": False},
                       {"reduce": False}, {"size_average": True, "reduce": True},
                       {"size_average": False, "reduce": True}):
            for name in ("L1Loss", "MSELoss", "NLLLoss", "CrossEntropyLoss", "BCELoss",
                         "BCEWithLogitsLoss", "KLDivLoss", "SmoothL1Loss"):
                a = getattr(torch.nn, name)(**kwargs)
                b = getattr(nn, name)(**kwargs)
                assert b.reduction == a.reduction, (name, kwargs)
    from torsh.nn import _reduction as R
    from torch.nn import _reduction as TR
    for v in ("none", "mean", "sum"):
        assert R.get_enum(v) == TR.get_enum(v)
    with pytest.raises(ValueError, match="bad is not a valid value for reduction"):
        R.get_enum("bad")


def test_weighted_loss_buffers():
    w = torch.rand(3)
    a = torch.nn.CrossEntropyLoss(weight=w)
    b = nn.CrossEntropyLoss(weight=to_torsh(w))
    assert list(b.state_dict()) == list(a.state_dict()) == ["weight"]
    a = torch.nn.BCEWithLogitsLoss(pos_weight=w)
    b = nn.BCEWithLogitsLoss(pos_weight=to_torsh(w))
    assert list(b.state_dict()) == list(a.state_dict())


def test_dropout_arguments():
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
            nn.Dropout(p)
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
            F.dropout(torsh.ones(2), p)


# forward and backward against torch

ACTIVATIONS = [
    case("ReLU()"), case("Sigmoid()"), case("Tanh()"), case("Softsign()"), case("Tanhshrink()"),
    case("Threshold(0.1, -2.0)"), case("LogSigmoid()"), case("Hardswish()"),
    case("Hardsigmoid()"), case("Hardshrink(0.4)"), case("Softshrink(0.3)"), case("GLU(1)"),
    case("Identity()"), case("Flatten()"), case("Flatten(0, 1)"), case("Unflatten(1, (2, 3))"),
    case("PReLU()"), case("PReLU(6, 0.3)"),
    case("ReLU6()", needs=("hardtanh",)), case("Hardtanh(-0.5, 0.8)", needs=("hardtanh",)),
    case("LeakyReLU()", needs=("leaky_relu",)), case("LeakyReLU(0.2)", needs=("leaky_relu",)),
    case("ELU()", needs=("elu",)), case("ELU(0.7)", needs=("elu",)),
    case("SELU()", needs=("elu",)), case("CELU(1.5)", needs=("elu",)),
    case("GELU()", needs=("gelu",)), case("GELU('tanh')", needs=("gelu",)),
    case("SiLU()", needs=("silu",)), case("Mish()", needs=("softplus",)),
    case("Softplus()", needs=("softplus",)), case("Softplus(2, 1)", needs=("softplus",)),
    case("Softmax(dim=1)", needs=("softmax",)), case("Softmax(dim=0)", needs=("softmax",)),
    case("LogSoftmax(dim=1)", needs=("log_softmax",)), case("Softmin(1)", needs=("softmax",)),
]


@pytest.mark.parametrize("expr", ACTIVATIONS)
def test_activation_forward_backward(expr):
    torch.manual_seed(0)
    x = torch.randn(4, 6) * 3
    a = eval("torch.nn." + expr)
    b = eval("nn." + expr)
    b.load_state_dict({k: to_torsh(v) for k, v in a.state_dict().items()})
    xa = x.clone().requires_grad_()
    xb = to_torsh(x).requires_grad_()
    ya, yb = a(xa), b(xb)
    assert tuple(yb.shape) == tuple(ya.shape)
    close(yb, ya)
    g = torch.randn(ya.shape)
    (ya * g).sum().backward()
    (yb * to_torsh(g)).sum().backward()
    close(xb.grad, xa.grad)
    for (n, pa), (m, pb) in zip(a.named_parameters(), b.named_parameters()):
        close(pb.grad, pa.grad)


def test_relu_inplace():
    x = torch.randn(3, 4)
    xb = to_torsh(x)
    out = nn.ReLU(inplace=True)(xb)
    assert out.data_ptr() == xb.data_ptr()
    close(xb, torch.relu(x))


def _randint(high, shape):
    return torch.randint(0, high, shape)


def _loss_inputs(name):
    torch.manual_seed(5)
    if name in ("L1Loss", "MSELoss", "SmoothL1Loss", "HuberLoss"):
        return torch.randn(4, 5) * 2, torch.randn(4, 5) * 2
    if name == "CrossEntropyLoss":
        return torch.randn(6, 4), _randint(4, (6,))
    if name == "NLLLoss":
        return torch.log_softmax(torch.randn(6, 4), 1), _randint(4, (6,))
    if name == "BCELoss":
        return torch.rand(5, 3) * 0.98 + 0.01, torch.rand(5, 3)
    if name == "BCEWithLogitsLoss":
        return torch.randn(5, 3) * 3, torch.rand(5, 3)
    if name == "KLDivLoss":
        return torch.log_softmax(torch.randn(3, 5), 1), torch.softmax(torch.randn(3, 5), 1)
    raise KeyError(name)


LOSSES = [
    case("L1Loss", {}, needs=("l1_loss",)),
    case("L1Loss", {"reduction": "none"}, needs=("l1_loss",)),
    case("MSELoss", {}, needs=("mse_loss",)),
    case("MSELoss", {"reduction": "sum"}, needs=("mse_loss",)),
    case("MSELoss", {"size_average": False}, needs=("mse_loss",)),
    case("SmoothL1Loss", {"beta": 0.5}, needs=("smooth_l1_loss",)),
    case("HuberLoss", {"delta": 1.5, "reduction": "sum"}, needs=("huber_loss",)),
    case("CrossEntropyLoss", {}, needs=("cross_entropy_loss",)),
    case("CrossEntropyLoss", {"label_smoothing": 0.2, "ignore_index": 1},
         needs=("cross_entropy_loss",)),
    case("CrossEntropyLoss", {"weight": "w4", "reduction": "none"},
         needs=("cross_entropy_loss",)),
    case("NLLLoss", {}, needs=("nll_loss",)),
    case("NLLLoss", {"weight": "w4", "ignore_index": 2}, needs=("nll_loss",)),
    case("BCELoss", {}, needs=("binary_cross_entropy",)),
    case("BCELoss", {"weight": "w3", "reduction": "sum"}, needs=("binary_cross_entropy",)),
    case("BCEWithLogitsLoss", {}, needs=("binary_cross_entropy_with_logits",)),
    case("BCEWithLogitsLoss", {"pos_weight": "w3"}, needs=("binary_cross_entropy_with_logits",)),
    case("KLDivLoss", {"reduction": "batchmean"}, needs=("kl_div",)),
    case("KLDivLoss", {"reduction": "sum", "log_target": True}, needs=("kl_div",)),
]


@pytest.mark.parametrize("name,kwargs", LOSSES)
def test_loss_forward_backward(name, kwargs):
    x, t = _loss_inputs(name)
    if kwargs.get("log_target"):
        t = torch.log(t)
    weights = {"w4": torch.rand(4) + 0.5, "w3": torch.rand(3) + 0.5}
    ka = {k: weights.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()}
    kb = {k: to_torsh(v) if isinstance(v, torch.Tensor) else v for k, v in ka.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = getattr(torch.nn, name)(**ka)
        b = getattr(nn, name)(**kb)
    xa = x.clone().requires_grad_()
    xb = to_torsh(x).requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        la, lb = a(xa, t), b(xb, to_torsh(t))
    assert tuple(lb.shape) == tuple(la.shape)
    close(lb, la)
    g = torch.randn(la.shape)
    (la * g).sum().backward()
    (lb * to_torsh(g)).sum().backward()
    close(xb.grad, xa.grad)


@needs("mse_loss")
def test_loss_size_mismatch_warns():
    with pytest.warns(UserWarning, match="Using a target size"):
        F.mse_loss(torsh.ones(3, 1), torsh.ones(3))


def test_bce_size_checks_match_torch():
    for fa, fb in ((TF.binary_cross_entropy, F.binary_cross_entropy),
                   (TF.binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits)):
        with pytest.raises(ValueError) as ea:
            fa(torch.rand(3, 1), torch.rand(3))
        with pytest.raises(ValueError) as eb:
            fb(torsh.rand(3, 1), torsh.rand(3))
        assert str(eb.value) == str(ea.value)


@needs("linear")
def test_mlp_forward_backward():
    def build(lib, libnn):
        return libnn.Sequential(libnn.Linear(5, 16), libnn.ReLU(), libnn.Linear(16, 8),
                                libnn.Tanh(), libnn.Linear(8, 3, bias=False))
    a, b = _pair(build, seed=4)
    x = torch.randn(9, 5)
    ya, yb = a(x), b(to_torsh(x))
    close(yb, ya)
    ya.square().mean().backward()
    yb.square().mean().backward()
    for (n, pa), (m, pb) in zip(a.named_parameters(), b.named_parameters()):
        assert n == m
        close(pb.grad, pa.grad)


@needs("linear", "cross_entropy_loss")
def test_mlp_training_step_with_loaded_state():
    def build(lib, libnn):
        return libnn.Sequential(libnn.Linear(4, 6), libnn.ReLU(),
                                libnn.Linear(6, 3))
    a, _ = _pair(build, seed=1)
    _, b = _pair(build, seed=9)
    b.load_state_dict({k: to_torsh(v) for k, v in a.state_dict().items()})
    x, t = torch.randn(8, 4), torch.randint(0, 3, (8,))
    la = torch.nn.CrossEntropyLoss()(a(x), t)
    lb = nn.CrossEntropyLoss()(b(to_torsh(x)), to_torsh(t))
    close(lb, la)
    la.backward()
    lb.backward()
    for pa, pb in zip(a.parameters(), b.parameters()):
        close(pb.grad, pa.grad)


@needs("layer_norm")
def test_layer_norm_forward_backward():
    def build(lib, libnn):
        ln = libnn.LayerNorm((3, 4), eps=1e-3)
        with lib.no_grad():
            ln.weight.uniform_(0.5, 1.5)
            ln.bias.uniform_(-1, 1)
        return ln
    a, b = _pair(build, seed=2)
    x = torch.randn(2, 5, 3, 4)
    xa, xb = x.clone().requires_grad_(), to_torsh(x).requires_grad_()
    ya, yb = a(xa), b(xb)
    close(yb, ya)
    g = torch.randn(ya.shape)
    (ya * g).sum().backward()
    (yb * to_torsh(g)).sum().backward()
    close(xb.grad, xa.grad, rtol=1e-4, atol=1e-5)
    close(b.weight.grad, a.weight.grad, rtol=1e-4, atol=1e-5)
    close(b.bias.grad, a.bias.grad)


@needs("embedding")
def test_embedding_forward_backward():
    a, b = _pair(lambda lib, libnn: libnn.Embedding(7, 3, padding_idx=2), seed=6)
    idx = torch.tensor([[0, 2, 5], [5, 6, 2]])
    ya, yb = a(idx), b(to_torsh(idx))
    close(yb, ya)
    g = torch.randn(ya.shape)
    (ya * g).sum().backward()
    (yb * to_torsh(g)).sum().backward()
    close(b.weight.grad, a.weight.grad)


@needs("embedding")
def test_embedding_max_norm_renormalises_used_rows():
    a, b = _pair(lambda lib, libnn: libnn.Embedding(6, 4, max_norm=1.0), seed=7)
    idx = torch.tensor([1, 3, 3, 5])
    ya, yb = a(idx), b(to_torsh(idx))
    close(yb, ya)
    close(b.weight, a.weight)


@needs("dropout")
def test_dropout_same_seed_same_mask_and_eval_identity():
    x = torch.randn(50, 20)
    a, b = torch.nn.Dropout(0.3), nn.Dropout(0.3)
    torch.manual_seed(8)
    ya = a(x)
    torsh.manual_seed(8)
    yb = b(to_torsh(x))
    close(yb, ya)
    a.eval()
    b.eval()
    close(b(to_torsh(x)), x)


@needs("softmax")
def test_softmax_implicit_dim_warns_and_matches_torch():
    x = torch.randn(2, 3, 4)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        yb = F.softmax(to_torsh(x))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        close(yb, TF.softmax(x))


# functional composites

def test_functional_composites_match_torch():
    torch.manual_seed(0)
    x = torch.randn(3, 4, 6) * 2
    xb = to_torsh(x)
    pairs = [
        (TF.softsign(x), F.softsign(xb)), (TF.tanhshrink(x), F.tanhshrink(xb)),
        (TF.logsigmoid(x), F.logsigmoid(xb)), (TF.hardswish(x), F.hardswish(xb)),
        (TF.hardsigmoid(x), F.hardsigmoid(xb)), (TF.threshold(x, 0.5, -1.0),
                                                  F.threshold(xb, 0.5, -1.0)),
        (TF.hardshrink(x, 0.7), F.hardshrink(xb, 0.7)),
        (TF.softshrink(x, 0.7), F.softshrink(xb, 0.7)), (TF.glu(x), F.glu(xb)),
        (TF.glu(x, 1), F.glu(xb, 1)), (TF.normalize(x), F.normalize(xb)),
        (TF.normalize(x, p=1.0, dim=-1), F.normalize(xb, p=1.0, dim=-1)),
        (TF.relu(x), F.relu(xb)), (TF.sigmoid(x), F.sigmoid(xb)), (TF.tanh(x), F.tanh(xb)),
    ]
    for ya, yb in pairs:
        close(yb, ya)
    big = torch.tensor([-100.0, -20.0, 0.0, 30.0])
    close(F.logsigmoid(to_torsh(big)), TF.logsigmoid(big))


def test_one_hot_matches_torch():
    t = torch.tensor([[0, 3], [2, 1]])
    for n in (-1, 5):
        ya = TF.one_hot(t, n)
        yb = F.one_hot(to_torsh(t), n)
        assert yb.dtype == torsh.int64
        np.testing.assert_array_equal(to_np(yb), to_np(ya))
    with pytest.raises(RuntimeError):
        F.one_hot(to_torsh(t), 2)


FEATURE_DROPOUTS = [
    ("Dropout1d(0.4)", (6, 5, 7)), ("Dropout1d(0.4)", (5, 7)), ("Dropout2d(0.3)", (4, 6, 3, 3)),
    ("Dropout2d(0.5)", (4, 6, 5)), ("Dropout3d(0.25)", (3, 4, 2, 2, 2)),
    ("Dropout3d(0.25)", (4, 2, 3, 2)), ("AlphaDropout(0.2)", (8, 9)),
    ("FeatureAlphaDropout(0.3)", (5, 6, 4)), ("Dropout2d(1.0)", (2, 3, 2, 2)),
    ("Dropout1d(0.0)", (2, 3, 4)),
]


@pytest.mark.parametrize("expr,shape", FEATURE_DROPOUTS)
def test_feature_and_alpha_dropout_same_seed_same_mask(expr, shape):
    x = torch.randn(shape)
    a, b = eval("torch.nn." + expr), eval("nn." + expr)
    assert repr(b) == repr(a)
    xa, xb = x.clone().requires_grad_(), to_torsh(x).requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.manual_seed(12)
        ya = a(xa)
        torsh.manual_seed(12)
        yb = b(xb)
    assert tuple(yb.shape) == tuple(ya.shape)
    close(yb, ya)
    g = torch.randn(shape)
    (ya * g).sum().backward()
    (yb * to_torsh(g)).sum().backward()
    close(xb.grad, xa.grad)
    a.eval()
    b.eval()
    close(b(to_torsh(x)), a(x))


def test_dropout2d_inplace_matches_torch():
    x = torch.randn(3, 4, 2, 2)
    xa, xb = x.clone(), to_torsh(x)
    torch.manual_seed(2)
    ra = TF.dropout2d(xa, 0.5, True, inplace=True)
    torsh.manual_seed(2)
    rb = F.dropout2d(xb, 0.5, True, inplace=True)
    assert rb.data_ptr() == xb.data_ptr()
    close(xb, xa)
    close(rb, ra)


def test_dropout1d_rejects_4d_input():
    with pytest.raises(RuntimeError) as ea:
        TF.dropout1d(torch.ones(1, 2, 3, 4))
    with pytest.raises(RuntimeError) as eb:
        F.dropout1d(torsh.ones(1, 2, 3, 4))
    assert str(eb.value) == str(ea.value)
