"""torch.nn.functional's margin, embedding, ranking and likelihood losses.

As in torch 1.13, most are a reduction-argument translation plus a check or two around the
ATen op of the same name (torsh's op here); triplet_margin_with_distance_loss,
gaussian_nll_loss and multilabel_soft_margin_loss are written in Python as torch writes them.
Re-exported by torsh.nn.functional.
"""
import math

import torsh
from torsh.nn import _reduction as _Reduction

__all__ = [
    "cosine_embedding_loss", "margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss",
    "triplet_margin_loss", "triplet_margin_with_distance_loss", "poisson_nll_loss",
    "gaussian_nll_loss", "multi_margin_loss", "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
]


def _reduction_enum(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return _Reduction.legacy_get_enum(size_average, reduce)
    return _Reduction.get_enum(reduction)


def _reduce(loss, reduction_enum):
    if reduction_enum == 1:
        return loss.mean()
    if reduction_enum == 2:
        return loss.sum()
    return loss


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    r"""1 - cos(x1, x2) where target is 1; max(0, cos(x1, x2) - margin) where it is -1."""
    return torsh.cosine_embedding_loss(input1, input2, target, margin,
                                       _reduction_enum(size_average, reduce, reduction))


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    r"""max(0, -target * (x1 - x2) + margin)."""
    reduction_enum = _reduction_enum(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            "input1: {}, input2: {}, target: {} ".format(input1.size(), input2.size(),
                                                         target.size()))
    return torsh.margin_ranking_loss(input1, input2, target, margin, reduction_enum)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    r"""x where target is 1; max(0, margin - x) where it is -1."""
    return torsh.hinge_embedding_loss(input, target, margin,
                                      _reduction_enum(size_average, reduce, reduction))


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    r"""log(1 + exp(-target * x)), averaged over all elements for 'mean'."""
    return torsh.soft_margin_loss(input, target, _reduction_enum(size_average, reduce, reduction))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    r"""max(d(a, p) - d(a, n) + margin, 0) with d the p-norm pairwise distance."""
    return torsh.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                     _reduction_enum(size_average, reduce, reduction))


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    r"""The triplet margin loss with any distance function (default: pairwise_distance)."""
    if distance_function is None:
        distance_function = torsh.pairwise_distance
    positive_dist = distance_function(anchor, positive)
    negative_dist = distance_function(anchor, negative)
    if swap:
        swap_dist = distance_function(positive, negative)
        negative_dist = torsh.min(negative_dist, swap_dist)
    output = torsh.clamp(positive_dist - negative_dist + margin, min=0.0)
    return _reduce(output, _Reduction.get_enum(reduction))


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    r"""exp(x) - target * x (log_input) or x - target * log(x + eps), plus Stirling's term of
    log(target!) when ``full``."""
    if size_average is not None or reduce is not None:
        reduction = _Reduction.legacy_get_string(size_average, reduce)
    if reduction != "none" and reduction != "mean" and reduction != "sum":
        raise ValueError(reduction + " is not valid")
    return torsh.poisson_nll_loss(input, target, log_input, full, eps,
                                  _Reduction.get_enum(reduction))


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    r"""0.5 * (log(max(var, eps)) + (input - target)^2 / max(var, eps)) (+ 0.5 log(2 pi));
    ``var`` may be one dim short of ``input`` or have a last dim of 1 (homoscedastic)."""
    if var.size() != input.size():
        if input.size()[:-1] == var.size():
            var = torsh.unsqueeze(var, -1)
        elif input.size()[:-1] == var.size()[:-1] and var.size(-1) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction != "none" and reduction != "mean" and reduction != "sum":
        raise ValueError(reduction + " is not valid")
    if bool(torsh.any(var < 0)):
        raise ValueError("var has negative entry/entries")
    var = var.clone()
    with torsh.no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (torsh.log(var) + (input - target) ** 2 / var)
    if full:
        loss += 0.5 * math.log(2 * math.pi)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    r"""The multi-class hinge loss sum_i max(0, w[y] (margin - x[y] + x[i]))^p / C."""
    reduction_enum = _reduction_enum(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    return torsh.multi_margin_loss(input, target, p, margin, weight, reduction_enum)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    r"""The multi-class multi-label hinge loss; target lists class indices, ended by -1."""
    return torsh.multilabel_margin_loss(input, target,
                                        _reduction_enum(size_average, reduce, reduction))


def _logsigmoid(x):
    # log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)), as torsh.nn.functional.logsigmoid.
    return torsh.clamp_max(x, 0.0) - torsh.log1p(torsh.exp(-x.abs()))


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    r"""The per-class binary logistic loss, averaged over the classes (last dim)."""
    if size_average is not None or reduce is not None:
        reduction = _Reduction.legacy_get_string(size_average, reduce)
    loss = -(target * _logsigmoid(input) + (1 - target) * _logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    num_classes = input.size(class_dim)
    loss = loss.sum(dim=class_dim) / num_classes
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(reduction + " is not valid")
