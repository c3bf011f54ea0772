"""torsh.nn's margin, ranking, embedding and likelihood losses (functional and modules) against
torch.nn 1.13: every reduction (and the legacy size_average/reduce), each option, outputs and
gradients (float64 tight, float32 with tolerance), module reprs/attributes/state_dict, warnings
and the exceptions raised for bad arguments."""
import pytest
import torch
import torch.nn.functional as TF

import torsh
from nn_pairs import build_pair, to_torsh, assert_close, raises_like
from fn_pairs import Fixed, randn, rand, run_fn, same_warnings
from torsh import nn
from torsh.nn import functional as F

F64 = dict(rtol=1e-7, atol=1e-9)
F32 = dict(rtol=1e-4, atol=1e-5)
REDUCTIONS = ["none", "mean", "sum"]
LEGACY = [dict(size_average=False), dict(reduce=False), dict(size_average=True, reduce=True),
          dict(size_average=False, reduce=True)]


def signs(*shape, seed=0):
    return (rand(*shape, seed=seed) > 0.5).double() * 2 - 1


def both(name, *args, dtype=None, **kwargs):
    """F.<name> in torch and torsh on args (floating tensors cast to dtype if given)."""
    if dtype is not None:
        args = [a.to(dtype) if isinstance(a, torch.Tensor) and a.is_floating_point() else
                (Fixed(a.t.to(dtype)) if isinstance(a, Fixed) and a.t.is_floating_point() else a)
                for a in args]
    tol = F32 if dtype == torch.float32 else F64
    return run_fn(getattr(TF, name), getattr(F, name), *args, kwargs=kwargs, **tol)


# cosine_embedding_loss

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.3, -0.2])
def test_cosine_embedding_loss(reduction, margin):
    x1, x2 = randn(6, 5, seed=1), randn(6, 5, seed=2)
    t = Fixed(signs(6, seed=3))
    both("cosine_embedding_loss", x1, x2, t, margin=margin, reduction=reduction)
    both("cosine_embedding_loss", x1, x2, t, margin=margin, reduction=reduction,
         dtype=torch.float32)
    # unbatched: 1D inputs with a 0-dim target
    both("cosine_embedding_loss", randn(5, seed=4), randn(5, seed=5), Fixed(torch.tensor(-1.)),
         margin=margin, reduction=reduction)


@pytest.mark.parametrize("legacy", LEGACY)
def test_cosine_embedding_loss_legacy_reduction(legacy):
    both("cosine_embedding_loss", randn(4, 3, seed=1), randn(4, 3, seed=2),
         Fixed(signs(4, seed=3)), **legacy)


# margin_ranking_loss

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.5])
def test_margin_ranking_loss(reduction, margin):
    x1, x2, t = randn(7, seed=1), randn(7, seed=2), Fixed(signs(7, seed=3))
    both("margin_ranking_loss", x1, x2, t, margin=margin, reduction=reduction)
    both("margin_ranking_loss", x1, x2, t, margin=margin, reduction=reduction,
         dtype=torch.float32)
    both("margin_ranking_loss", randn(3, 4, seed=4), randn(3, 4, seed=5),
         Fixed(signs(3, 4, seed=6)), margin=margin, reduction=reduction)


@pytest.mark.parametrize("legacy", LEGACY)
def test_margin_ranking_loss_legacy_reduction(legacy):
    both("margin_ranking_loss", randn(5, seed=1), randn(5, seed=2), Fixed(signs(5, seed=3)),
         **legacy)


# hinge_embedding_loss, soft_margin_loss

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [1.0, 0.25, 2.0])
def test_hinge_embedding_loss(reduction, margin):
    x = randn(4, 5, seed=1)
    t = Fixed(signs(4, 5, seed=2))
    both("hinge_embedding_loss", x, t, margin=margin, reduction=reduction)
    both("hinge_embedding_loss", x, t, margin=margin, reduction=reduction, dtype=torch.float32)
    both("hinge_embedding_loss", randn(6, seed=3), Fixed(signs(6, seed=4)), margin=margin,
         reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin_loss(reduction):
    x = randn(4, 5, seed=1) * 3
    t = Fixed(signs(4, 5, seed=2))
    both("soft_margin_loss", x, t, reduction=reduction)
    both("soft_margin_loss", x, t, reduction=reduction, dtype=torch.float32)
    both("soft_margin_loss", randn(2, 3, 4, seed=3), Fixed(signs(2, 3, 4, seed=4)),
         reduction=reduction)


@pytest.mark.parametrize("legacy", LEGACY)
def test_hinge_and_soft_margin_legacy_reduction(legacy):
    both("hinge_embedding_loss", randn(5, seed=1), Fixed(signs(5, seed=2)), **legacy)
    both("soft_margin_loss", randn(5, seed=1), Fixed(signs(5, seed=2)), **legacy)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_targets_other_than_plus_minus_one(reduction):
    t = Fixed(torch.tensor([1., 0., -1., 2., -1., 0.5], dtype=torch.float64))
    both("hinge_embedding_loss", randn(6, seed=1), t, reduction=reduction)
    both("soft_margin_loss", randn(6, seed=1), t, reduction=reduction)
    both("cosine_embedding_loss", randn(6, 3, seed=1), randn(6, 3, seed=2), t,
         reduction=reduction)
    both("margin_ranking_loss", randn(6, seed=1), randn(6, seed=2), t, reduction=reduction)


# triplet losses

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p,swap,margin,eps", [(2, False, 1.0, 1e-6), (1, True, 0.5, 1e-6),
                                               (3, False, 2.0, 1e-3), (1.5, True, 1.0, 0.0)])
def test_triplet_margin_loss(reduction, p, swap, margin, eps):
    a, pos, neg = randn(6, 4, seed=1), randn(6, 4, seed=2), randn(6, 4, seed=3)
    kw = dict(margin=margin, p=p, eps=eps, swap=swap, reduction=reduction)
    both("triplet_margin_loss", a, pos, neg, **kw)
    both("triplet_margin_loss", a, pos, neg, dtype=torch.float32, **kw)
    both("triplet_margin_loss", randn(4, seed=4), randn(4, seed=5), randn(4, seed=6), **kw)


@pytest.mark.parametrize("legacy", LEGACY)
def test_triplet_margin_loss_legacy_reduction(legacy):
    both("triplet_margin_loss", randn(3, 4, seed=1), randn(3, 4, seed=2), randn(3, 4, seed=3),
         **legacy)


def _cosine_distance(lib):
    return lambda x, y: 1.0 - lib.nn.functional.cosine_similarity(x, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dist", ["default", "cosine", "l1_module"])
@pytest.mark.parametrize("swap,margin", [(False, 1.0), (True, 0.3)])
def test_triplet_margin_with_distance_loss(reduction, dist, swap, margin):
    def fn(lib):
        d = {"default": None, "cosine": _cosine_distance(lib),
             "l1_module": lib.nn.PairwiseDistance(p=1)}[dist]
        return lambda a, p, n: lib.nn.functional.triplet_margin_with_distance_loss(
            a, p, n, distance_function=d, margin=margin, swap=swap, reduction=reduction)
    a, pos, neg = randn(5, 4, seed=1), randn(5, 4, seed=2), randn(5, 4, seed=3)
    run_fn(fn(torch), fn(torsh), a, pos, neg, **F64)
    run_fn(fn(torch), fn(torsh), a.float(), pos.float(), neg.float(), **F32)


# poisson / gaussian NLL

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input,full,eps", [(True, False, 1e-8), (True, True, 1e-8),
                                                (False, False, 1e-8), (False, True, 0.5)])
def test_poisson_nll_loss(reduction, log_input, full, eps):
    x = randn(4, 5, seed=1) if log_input else rand(4, 5, seed=1) * 3
    t = Fixed(torch.poisson(rand(4, 5, seed=2) * 4, torch.Generator().manual_seed(3)))
    kw = dict(log_input=log_input, full=full, eps=eps, reduction=reduction)
    both("poisson_nll_loss", x, t, **kw)
    both("poisson_nll_loss", x, t, dtype=torch.float32, **kw)


@pytest.mark.parametrize("legacy", LEGACY)
def test_poisson_nll_loss_legacy_reduction(legacy):
    both("poisson_nll_loss", randn(5, seed=1), Fixed(rand(5, seed=2) * 3), **legacy)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("var_shape", [(4, 3, 2), (4, 3), (4, 3, 1)])
@pytest.mark.parametrize("full,eps", [(False, 1e-6), (True, 1e-6), (False, 0.3)])
def test_gaussian_nll_loss(reduction, var_shape, full, eps):
    x, t = randn(4, 3, 2, seed=1), randn(4, 3, 2, seed=2)
    var = rand(*var_shape, seed=3) + 0.05
    var.view(-1)[0] = 0.0  # clamped to eps, with no gradient there
    both("gaussian_nll_loss", x, t, var, full=full, eps=eps, reduction=reduction)
    both("gaussian_nll_loss", x, t, var, full=full, eps=eps, reduction=reduction,
         dtype=torch.float32)


def test_gaussian_nll_loss_module_keyword_only():
    a, b = build_pair(lambda lib, libnn: libnn.GaussianNLLLoss(full=True, eps=1e-3,
                                                               reduction="sum"))
    assert repr(b) == repr(a) == "GaussianNLLLoss()"
    assert (b.full, b.eps, b.reduction) == (a.full, a.eps, a.reduction)
    run_fn(a, b, randn(3, 2, seed=1), randn(3, 2, seed=2), rand(3, seed=3) + 0.1, **F64)
    raises_like(lambda: torch.nn.GaussianNLLLoss(True), lambda: nn.GaussianNLLLoss(True),
                match_message=False)


@pytest.mark.parametrize("var_shape,kw", [((4, 2), {}), ((3,), {}), ((4, 3, 2), {}),
                                          ((4, 3), dict(reduction="avg"))])
def test_gaussian_nll_loss_errors(var_shape, kw):
    x, t = randn(4, 3, seed=1), randn(4, 3, seed=2)
    var = rand(*var_shape, seed=3)
    raises_like(lambda: TF.gaussian_nll_loss(x, t, var, **kw),
                lambda: F.gaussian_nll_loss(to_torsh(x), to_torsh(t), to_torsh(var), **kw))
    neg = -rand(4, 3, seed=4)
    raises_like(lambda: TF.gaussian_nll_loss(x, t, neg),
                lambda: F.gaussian_nll_loss(to_torsh(x), to_torsh(t), to_torsh(neg)))


# multi-class margin losses

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p,margin,weighted", [(1, 1.0, False), (2, 1.0, True), (1, 0.4, True),
                                               (2, 2.5, False)])
def test_multi_margin_loss(reduction, p, margin, weighted):
    x = randn(6, 5, seed=1)
    t = Fixed(torch.tensor([0, 4, 2, 2, 1, 3]))
    w = rand(5, seed=2) + 0.5 if weighted else None
    both("multi_margin_loss", x, t, p=p, margin=margin, weight=w, reduction=reduction)
    both("multi_margin_loss", x, t, p=p, margin=margin, reduction=reduction, dtype=torch.float32)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p", [1, 2])
def test_multi_margin_loss_unbatched(reduction, p):
    # A (C,) input with a 0-dim target: torch's 'none' result is 0-dim.
    both("multi_margin_loss", randn(5, seed=3), Fixed(torch.tensor(3)), p=p, margin=0.7,
         reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin_loss(reduction):
    x = randn(4, 5, seed=1)
    t = Fixed(torch.tensor([[3, 0, -1, 1, 2], [1, -1, 0, 0, 0], [0, 1, 2, 3, 4],
                            [-1, 0, 0, 0, 0]]))
    both("multilabel_margin_loss", x, t, reduction=reduction)
    both("multilabel_margin_loss", x, t, reduction=reduction, dtype=torch.float32)
    both("multilabel_margin_loss", randn(4, seed=2), Fixed(torch.tensor([2, 1, -1, 3])),
         reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_multilabel_soft_margin_loss(reduction, weighted):
    x = randn(4, 5, seed=1) * 4
    t = Fixed((rand(4, 5, seed=2) > 0.5).double())
    w = Fixed(rand(5, seed=3)) if weighted else None
    args = (x, t, w) if weighted else (x, t)
    both("multilabel_soft_margin_loss", *args, reduction=reduction)
    both("multilabel_soft_margin_loss", *args, reduction=reduction, dtype=torch.float32)


@pytest.mark.parametrize("legacy", LEGACY)
def test_multi_class_losses_legacy_reduction(legacy):
    x = randn(3, 4, seed=1)
    both("multi_margin_loss", x, Fixed(torch.tensor([0, 3, 1])), **legacy)
    both("multilabel_margin_loss", x, Fixed(torch.tensor([[1, 2, -1, 0]] * 3)), **legacy)
    both("multilabel_soft_margin_loss", x, Fixed((rand(3, 4, seed=2) > 0.5).double()), **legacy)


# Functional errors and warnings

ERRORS = [
    ("margin_ranking_loss", [(5,), (5,), (5, 1)], {}, True),
    ("margin_ranking_loss", [(5,), (5, 1), (5,)], {}, True),
    ("cosine_embedding_loss", [(4, 3), (4, 3), (4, 1)], {}, False),
    ("cosine_embedding_loss", [(4, 3), (4, 2), (4,)], {}, False),
    ("triplet_margin_loss", [(4, 3), (4, 3), (3,)], {}, False),
    ("triplet_margin_loss", [(4, 3), (4, 3), (4, 3)], dict(reduction="avg"), True),
    ("poisson_nll_loss", [(4,), (4,)], dict(reduction="avg"), True),
    ("multi_margin_loss", [(4, 3), "long4"], dict(p=3), True),
    ("multi_margin_loss", [(4, 3), "long4"], dict(weight=torch.ones(3, 1)), True),
    ("multi_margin_loss", [(4, 3), "long4big"], {}, False),
    ("multilabel_margin_loss", [(4, 3), "long4"], {}, False),
    ("multilabel_soft_margin_loss", [(4, 3), (4, 3)], dict(reduction="avg"), True),
    ("hinge_embedding_loss", [(4, 3), (4, 3)], dict(reduction="avg"), True),
    ("soft_margin_loss", [(4, 3), (4, 3)], dict(reduction="elementwise"), True),
]


@pytest.mark.parametrize("name,shapes,kw,match", ERRORS)
def test_loss_errors(name, shapes, kw, match):
    def make(s, i):
        if s == "long4":
            return torch.tensor([0, 1, 2, 1])
        if s == "long4big":
            return torch.tensor([0, 1, 3, 1])
        return randn(*s, seed=i)
    args = [make(s, i) for i, s in enumerate(shapes)]
    kwb = {k: (to_torsh(v) if isinstance(v, torch.Tensor) else v) for k, v in kw.items()}
    raises_like(lambda: getattr(TF, name)(*args, **kw),
                lambda: getattr(F, name)(*[to_torsh(a) for a in args], **kwb),
                match_message=match)


@pytest.mark.parametrize("name", ["soft_margin_loss", "multilabel_soft_margin_loss",
                                  "hinge_embedding_loss", "margin_ranking_loss"])
def test_target_gradient_or_error_like_torch(name):
    # A target that requires grad: torch either differentiates through it or refuses
    # (RuntimeError); torsh must do the same.
    x, t = randn(4, seed=1), signs(4, seed=2)
    inputs_a = [x, x.flip(0)] if name == "margin_ranking_loss" else [x]
    inputs_b = [to_torsh(i) for i in inputs_a]
    ta, tb = t.clone().requires_grad_(), to_torsh(t).requires_grad_()
    try:
        ya = getattr(TF, name)(*inputs_a, ta)
        ya.backward()
    except RuntimeError:
        with pytest.raises(RuntimeError):
            getattr(F, name)(*inputs_b, tb).backward()
        return
    yb = getattr(F, name)(*inputs_b, tb)
    yb.backward()
    assert_close(yb, ya)
    assert_close(tb.grad, ta.grad)


def test_multi_margin_loss_weight_is_not_differentiable_like_torch():
    x, t, w = randn(4, 3, seed=1), torch.tensor([0, 1, 2, 1]), rand(3, seed=2)
    raises_like(lambda: TF.multi_margin_loss(x, t, weight=w.clone().requires_grad_()),
                lambda: F.multi_margin_loss(to_torsh(x), to_torsh(t),
                                            weight=to_torsh(w).requires_grad_()),
                match_message=False)


def test_legacy_arguments_warn_like_torch():
    x, t = randn(4, seed=1), signs(4, seed=2)
    msgs = same_warnings(lambda: TF.soft_margin_loss(x, t, size_average=False),
                         lambda: F.soft_margin_loss(to_torsh(x), to_torsh(t), size_average=False))
    assert len(msgs) == 1
    msgs = same_warnings(lambda: torch.nn.MultiMarginLoss(reduce=False),
                         lambda: nn.MultiMarginLoss(reduce=False))
    assert len(msgs) == 1


# Modules

LOSS_MODULES = [
    ("CosineEmbeddingLoss()", ["x", "x", "s"]),
    ("CosineEmbeddingLoss(margin=0.2, reduction='sum')", ["x", "x", "s"]),
    ("MarginRankingLoss(margin=0.3, reduction='none')", ["v", "v", "sv"]),
    ("MarginRankingLoss()", ["v", "v", "sv"]),
    ("HingeEmbeddingLoss(margin=2.0)", ["x", "sx"]),
    ("HingeEmbeddingLoss(reduction='none')", ["x", "sx"]),
    ("SoftMarginLoss(reduction='sum')", ["x", "sx"]),
    ("TripletMarginLoss(margin=0.5, p=1, swap=True)", ["x", "x", "x"]),
    ("TripletMarginLoss(eps=1e-3, reduction='none')", ["x", "x", "x"]),
    ("TripletMarginWithDistanceLoss()", ["x", "x", "x"]),
    ("TripletMarginWithDistanceLoss(distance_function=libnn.PairwiseDistance(p=1), margin=0.2, "
     "swap=True, reduction='sum')", ["x", "x", "x"]),
    ("PoissonNLLLoss()", ["x", "cnt"]),
    ("PoissonNLLLoss(log_input=False, full=True, eps=1e-4, reduction='none')", ["pos", "cnt"]),
    ("GaussianNLLLoss()", ["x", "x", "pos"]),
    ("MultiMarginLoss()", ["x", "cls"]),
    ("MultiMarginLoss(p=2, margin=0.5, weight=lib.rand(4, dtype=lib.float64))", ["x", "cls"]),
    ("MultiLabelMarginLoss(reduction='sum')", ["x", "ml"]),
    ("MultiLabelSoftMarginLoss()", ["x", "bin"]),
    ("MultiLabelSoftMarginLoss(weight=lib.rand(4, dtype=lib.float64), reduction='none')",
     ["x", "bin"]),
    ("SoftMarginLoss(size_average=False)", ["x", "sx"]),
    ("HingeEmbeddingLoss(reduce=False)", ["x", "sx"]),
]


def _loss_input(kind, i):
    return {
        "x": lambda: randn(5, 4, seed=i),
        "v": lambda: randn(5, seed=i),
        "pos": lambda: rand(5, 4, seed=i) + 0.1,
        "s": lambda: Fixed(signs(5, seed=i)),
        "sv": lambda: Fixed(signs(5, seed=i)),
        "sx": lambda: Fixed(signs(5, 4, seed=i)),
        "cnt": lambda: Fixed(torch.poisson(rand(5, 4, seed=i) * 3,
                                           torch.Generator().manual_seed(i))),
        "cls": lambda: Fixed(torch.tensor([0, 3, 1, 1, 2])),
        "ml": lambda: Fixed(torch.tensor([[3, 0, -1, 1]] * 5)),
        "bin": lambda: Fixed((rand(5, 4, seed=i) > 0.5).double()),
    }[kind]()


@pytest.mark.parametrize("expr,inputs", LOSS_MODULES)
def test_loss_module(expr, inputs):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, b = build_pair(lambda lib, libnn: eval("libnn." + expr), seed=3)
    assert repr(b) == repr(a)
    assert b.reduction == a.reduction
    for attr in ("margin", "p", "eps", "swap", "full", "log_input"):
        if hasattr(a, attr):
            assert getattr(b, attr) == getattr(a, attr), attr
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sb) == list(sa)
    for k in sa:
        assert_close(sb[k], sa[k], 0, 0)
    run_fn(a, b, *[_loss_input(k, i + 1) for i, k in enumerate(inputs)], **F64)


@pytest.mark.parametrize("expr", [
    "MultiMarginLoss(p=3)", "MultiMarginLoss(weight=lib.ones(2, 2))",
    "GaussianNLLLoss(reduction='avg')",
])
def test_loss_module_constructor_checks(expr):
    if "avg" in expr:  # checked at forward time
        a, b = torch.nn.GaussianNLLLoss(reduction="avg"), nn.GaussianNLLLoss(reduction="avg")
        x = randn(3, 2)
        raises_like(lambda: a(x, x, x.abs()), lambda: b(to_torsh(x), to_torsh(x),
                                                         to_torsh(x.abs())))
        return
    raises_like(lambda: eval("torch.nn." + expr.replace("lib.", "torch.")),
                lambda: eval("nn." + expr.replace("lib.", "torsh.")), match_message=False)
