"""kl_divergence(p, q) and register_kl: KL(p || q) dispatched on the two distribution types
to the most specific registered implementation."""
import math
import warnings

import torsh
import torsh.nn.functional as F
from torsh.distributions._linalg import batch_mahalanobis, solve_lower
from torsh.distributions.bernoulli import Bernoulli
from torsh.distributions.beta import Beta
from torsh.distributions.binomial import Binomial
from torsh.distributions.categorical import Categorical
from torsh.distributions.cauchy import Cauchy
from torsh.distributions.continuous_bernoulli import ContinuousBernoulli
from torsh.distributions.dirichlet import Dirichlet
from torsh.distributions.exp_family import ExponentialFamily
from torsh.distributions.exponential import Exponential
from torsh.distributions.gamma import Gamma
from torsh.distributions.geometric import Geometric
from torsh.distributions.gumbel import Gumbel
from torsh.distributions.half_normal import HalfNormal
from torsh.distributions.independent import Independent
from torsh.distributions.laplace import Laplace
from torsh.distributions.multivariate_normal import MultivariateNormal
from torsh.distributions.normal import Normal
from torsh.distributions.one_hot_categorical import OneHotCategorical
from torsh.distributions.pareto import Pareto
from torsh.distributions.poisson import Poisson
from torsh.distributions.transformed_distribution import TransformedDistribution
from torsh.distributions.uniform import Uniform
from torsh.distributions.utils import _sum_rightmost, euler_constant

__all__ = ["register_kl", "kl_divergence"]

_KL_REGISTRY = {}  # (type_p, type_q) -> function
_KL_MEMOIZE = {}  # (type(p), type(q)) -> the function dispatch chose


def register_kl(type_p, type_q):
    """Decorator: register fn(p, q) as KL(p || q) for p of type_p and q of type_q
    (subclasses included, the most specific registration winning)."""
    # torch rejects only non-classes (a class outside Distribution never matches anyway)
    if not isinstance(type_p, type):
        raise TypeError(f"Expected type_p to be a Distribution subclass but got {type_p}")
    if not isinstance(type_q, type):
        raise TypeError(f"Expected type_q to be a Distribution subclass but got {type_q}")

    def decorator(fun):
        _KL_REGISTRY[type_p, type_q] = fun
        _KL_MEMOIZE.clear()
        return fun
    return decorator


def _more_specific(a, b):
    """a <= b in the lexicographic subclass order of type pairs."""
    for x, y in zip(a, b):
        if not issubclass(x, y):
            return False
        if x is not y:
            break
    return True


def _most_specific(pairs):
    best = pairs[0]
    for pair in pairs[1:]:
        if _more_specific(pair, best) and pair != best:
            best = pair
    return best


def _dispatch_kl(type_p, type_q):
    matches = [(p, q) for p, q in _KL_REGISTRY if issubclass(type_p, p) and issubclass(type_q, q)]
    if not matches:
        return NotImplemented
    left_p, left_q = _most_specific(matches)
    right_q, right_p = _most_specific([(q, p) for p, q in matches])
    left_fun = _KL_REGISTRY[left_p, left_q]
    right_fun = _KL_REGISTRY[right_p, right_q]
    if left_fun is not right_fun:
        warnings.warn(f"Ambiguous kl_divergence({type_p.__name__}, {type_q.__name__}). "
                      f"Please register_kl({left_p.__name__}, {right_q.__name__})",
                      RuntimeWarning)
    return left_fun


def _infinite_like(tensor):
    return torsh.full_like(tensor, math.inf)


def kl_divergence(p, q):
    """KL(p || q) = E_p[log p(x) - log q(x)], batched over the two batch shapes."""
    try:
        fun = _KL_MEMOIZE[type(p), type(q)]
    except KeyError:
        fun = _dispatch_kl(type(p), type(q))
        _KL_MEMOIZE[type(p), type(q)] = fun
    if fun is NotImplemented:
        raise NotImplementedError(f"No KL(p || q) is implemented for p type "
                                  f"{p.__class__.__name__} and q type "
                                  f"{q.__class__.__name__}")
    return fun(p, q)


def _where_inf(mask, t):
    return torsh.where(mask, torsh.full_like(t, math.inf), t)


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p, q):
    t1 = p.probs * (F.softplus(-q.logits) - F.softplus(-p.logits))
    t1 = _where_inf(q.probs == 0, t1)
    t1 = torsh.where(p.probs == 0, torsh.zeros_like(t1), t1)
    t2 = (1 - p.probs) * (F.softplus(q.logits) - F.softplus(p.logits))
    t2 = _where_inf(q.probs == 1, t2)
    t2 = torsh.where(p.probs == 1, torsh.zeros_like(t2), t2)
    return t1 + t2


@register_kl(Beta, Beta)
def _kl_beta_beta(p, q):
    sum_params_p = p.concentration1 + p.concentration0
    sum_params_q = q.concentration1 + q.concentration0
    t1 = q.concentration1.lgamma() + q.concentration0.lgamma() + sum_params_p.lgamma()
    t2 = p.concentration1.lgamma() + p.concentration0.lgamma() + sum_params_q.lgamma()
    t3 = (p.concentration1 - q.concentration1) * torsh.digamma(p.concentration1)
    t4 = (p.concentration0 - q.concentration0) * torsh.digamma(p.concentration0)
    t5 = (sum_params_q - sum_params_p) * torsh.digamma(sum_params_p)
    return t1 - t2 + t3 + t4 + t5


@register_kl(Binomial, Binomial)
def _kl_binomial_binomial(p, q):
    if bool((p.total_count < q.total_count).any()):
        raise NotImplementedError("KL between Binomials where q.total_count > p.total_count "
                                  "is not implemented")
    kl = p.total_count * (p.probs * (p.logits - q.logits) + (-p.probs).log1p() -
                          (-q.probs).log1p())
    return _where_inf(p.total_count > q.total_count, kl)


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p, q):
    t = p.probs * (p.logits - q.logits)
    t = _where_inf((q.probs == 0).expand_as(t), t)
    t = torsh.where((p.probs == 0).expand_as(t), torsh.zeros_like(t), t)
    return t.sum(-1)


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(p, q):
    sum_p_concentration = p.concentration.sum(-1)
    sum_q_concentration = q.concentration.sum(-1)
    t1 = sum_p_concentration.lgamma() - sum_q_concentration.lgamma()
    t2 = (p.concentration.lgamma() - q.concentration.lgamma()).sum(-1)
    t3 = p.concentration - q.concentration
    t4 = p.concentration.digamma() - sum_p_concentration.digamma().unsqueeze(-1)
    return t1 - t2 + (t3 * t4).sum(-1)


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p, q):
    rate_ratio = q.rate / p.rate
    t1 = -rate_ratio.log()
    return t1 + rate_ratio - 1


@register_kl(ExponentialFamily, ExponentialFamily)
def _kl_expfamily_expfamily(p, q):
    """Same-family KL as the Bregman divergence of the log normaliser."""
    if not type(p) == type(q):
        raise NotImplementedError("The cross KL-divergence between different exponential "
                                  "families cannot be computed using Bregman divergences")
    p_nparams = [np.detach().requires_grad_() for np in p._natural_params]
    q_nparams = q._natural_params
    lg_normal = p._log_normalizer(*p_nparams)
    gradients = torsh.autograd.grad(lg_normal.sum(), p_nparams, create_graph=True)
    result = q._log_normalizer(*q_nparams) - lg_normal
    for pnp, qnp, g in zip(p_nparams, q_nparams, gradients):
        term = (qnp - pnp) * g
        result = result - _sum_rightmost(term, len(q.event_shape))
    return result


@register_kl(Gamma, Gamma)
def _kl_gamma_gamma(p, q):
    t1 = q.concentration * torsh.log(p.rate / q.rate)
    t2 = torsh.lgamma(q.concentration) - torsh.lgamma(p.concentration)
    t3 = (p.concentration - q.concentration) * torsh.digamma(p.concentration)
    t4 = (q.rate - p.rate) * (p.concentration / p.rate)
    return t1 + t2 + t3 + t4


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p, q):
    scale_ratio = p.scale / q.scale
    loc_abs_diff = (p.loc - q.loc).abs()
    t1 = -scale_ratio.log()
    t2 = loc_abs_diff / q.scale
    t3 = scale_ratio * torsh.exp(-loc_abs_diff / p.scale)
    return t1 + t2 + t3 - 1


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_multivariatenormal_multivariatenormal(p, q):
    if tuple(p.event_shape) != tuple(q.event_shape):
        raise ValueError("KL-divergence between two Multivariate Normals with different "
                         "event shapes cannot be computed")
    lp, lq = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    half_term1 = (lq.diagonal(dim1=-2, dim2=-1).log().sum(-1) -
                  lp.diagonal(dim1=-2, dim2=-1).log().sum(-1))
    batch = torsh.broadcast_shapes(lq.shape[:-2], lp.shape[:-2])
    n = p.event_shape[0]
    q_scale_tril = lq.expand(tuple(batch) + (n, n))
    p_scale_tril = lp.expand(tuple(batch) + (n, n))
    # tr(Sq^-1 Sp) = ||Lq^-1 Lp||_F^2
    term2 = solve_lower(q_scale_tril, p_scale_tril).pow(2).sum((-2, -1))
    term3 = batch_mahalanobis(lq, q.loc - p.loc)
    return half_term1 + 0.5 * (term2 + term3 - n)


@register_kl(Normal, Normal)
def _kl_normal_normal(p, q):
    var_ratio = (p.scale / q.scale).pow(2)
    t1 = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehotcategorical_onehotcategorical(p, q):
    return _kl_categorical_categorical(p._categorical, q._categorical)


@register_kl(Poisson, Poisson)
def _kl_poisson_poisson(p, q):
    return p.rate * (p.rate.log() - q.rate.log()) - (p.rate - q.rate)


@register_kl(TransformedDistribution, TransformedDistribution)
def _kl_transformed_transformed(p, q):
    if p.transforms != q.transforms:
        raise NotImplementedError
    if tuple(p.event_shape) != tuple(q.event_shape):
        raise NotImplementedError
    return kl_divergence(p.base_dist, q.base_dist)


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p, q):
    result = ((q.high - q.low) / (p.high - p.low)).log()
    return _where_inf((q.low > p.low) | (q.high < p.high), result)


@register_kl(Independent, Independent)
def _kl_independent_independent(p, q):
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError
    result = kl_divergence(p.base_dist, q.base_dist)
    return _sum_rightmost(result, p.reinterpreted_batch_ndims)


@register_kl(Cauchy, Cauchy)
def _kl_cauchy_cauchy(p, q):
    t1 = ((p.scale + q.scale).pow(2) + (p.loc - q.loc).pow(2)).log()
    t2 = (4 * p.scale * q.scale).log()
    return t1 - t2


@register_kl(Geometric, Geometric)
def _kl_geometric_geometric(p, q):
    return -p.entropy() - torsh.log1p(-q.probs) / p.probs - q.logits


@register_kl(Gumbel, Gumbel)
def _kl_gumbel_gumbel(p, q):
    ct1 = p.scale / q.scale
    ct2 = q.loc / q.scale
    ct3 = p.loc / q.scale
    t1 = -ct1.log() - ct2 + ct3
    t2 = ct1 * euler_constant
    t3 = torsh.exp(ct2 + (1 + ct1).lgamma() - ct3)
    return t1 + t2 + t3 - (1 + euler_constant)


@register_kl(HalfNormal, HalfNormal)
def _kl_halfnormal_halfnormal(p, q):
    return _kl_normal_normal(p.base_dist, q.base_dist)


# Pairs of different families. KL(p || q) = -H(p) - E_p[log q(x)], with E_p[log q] from
# p's moments; infinite where p puts mass outside q's support.

def _infinite(p_param):
    return lambda p, q: _infinite_like(getattr(p, p_param))


for _p, _param, _qs in [
        (Normal, "loc", (Beta, Exponential, Gamma, Uniform)),
        (Laplace, "loc", (Beta, Exponential, Gamma, Uniform)),
        (Gumbel, "loc", (Beta, Exponential, Gamma, Uniform)),
        (Exponential, "rate", (Beta, Uniform)),
        (Gamma, "concentration", (Beta, Uniform)),
        (Poisson, "rate", (Bernoulli, Binomial))]:
    for _q in _qs:
        register_kl(_p, _q)(_infinite(_param))


def _normal_log_density_mean(q, mean, second_moment_about_q):
    """E[log q(x)] for q Normal, given E[(x - q.loc)^2]."""
    return -(q.scale.log() + 0.5 * math.log(2 * math.pi)) - \
        second_moment_about_q / (2 * q.scale.pow(2))


def _gumbel_log_density_mean(q, mean, exp_neg_x_over_scale):
    """E[log q(x)] for q Gumbel, given E[x] and E[exp(-x / q.scale)]."""
    return -q.scale.log() + (q.loc - mean) / q.scale - \
        torsh.exp(q.loc / q.scale) * exp_neg_x_over_scale


def _gamma_log_density_mean(q, mean, mean_log):
    """E[log q(x)] for q Gamma, given E[x] and E[log x]."""
    return (q.concentration * q.rate.log() - q.concentration.lgamma() +
            (q.concentration - 1) * mean_log - q.rate * mean)


@register_kl(Bernoulli, Poisson)
def _kl_bernoulli_poisson(p, q):
    return -p.entropy() - (p.probs * q.rate.log() - q.rate)


@register_kl(Beta, Exponential)
def _kl_beta_exponential(p, q):
    return -p.entropy() - q.rate.log() + q.rate * p.mean


@register_kl(Beta, Gamma)
def _kl_beta_gamma(p, q):
    total = p.concentration1 + p.concentration0
    mean_log = torsh.digamma(p.concentration1) - torsh.digamma(total)
    return -p.entropy() - _gamma_log_density_mean(q, p.mean, mean_log)


@register_kl(Beta, Normal)
def _kl_beta_normal(p, q):
    second = p.variance + (p.mean - q.loc).pow(2)
    return -p.entropy() - _normal_log_density_mean(q, p.mean, second)


@register_kl(Beta, Uniform)
def _kl_beta_uniform(p, q):
    result = -p.entropy() + (q.high - q.low).log()
    return _where_inf((q.low > 0) | (q.high < 1), result)


@register_kl(Exponential, Gumbel)
def _kl_exponential_gumbel(p, q):
    # E[exp(-x / s)] = rate / (rate + 1 / s)
    m = p.rate * q.scale
    return -p.entropy() - _gumbel_log_density_mean(q, p.mean, m / (m + 1))


@register_kl(Exponential, Normal)
def _kl_exponential_normal(p, q):
    second = 2 / p.rate.pow(2) - 2 * q.loc / p.rate + q.loc.pow(2)
    return -p.entropy() - _normal_log_density_mean(q, p.mean, second)


@register_kl(Exponential, Gamma)
def _kl_exponential_gamma(p, q):
    mean_log = -euler_constant - p.rate.log()
    return -p.entropy() - _gamma_log_density_mean(q, p.mean, mean_log)


@register_kl(Gamma, Exponential)
def _kl_gamma_exponential(p, q):
    return -p.entropy() - q.rate.log() + q.rate * p.mean


@register_kl(Gamma, Gumbel)
def _kl_gamma_gumbel(p, q):
    # E[exp(-x / s)] = (rate / (rate + 1 / s))^concentration
    m = p.rate * q.scale
    return -p.entropy() - _gumbel_log_density_mean(q, p.mean,
                                                   (m / (m + 1)).pow(p.concentration))


@register_kl(Gamma, Normal)
def _kl_gamma_normal(p, q):
    second = p.variance + (p.mean - q.loc).pow(2)
    return -p.entropy() - _normal_log_density_mean(q, p.mean, second)


@register_kl(Gumbel, Normal)
def _kl_gumbel_normal(p, q):
    second = p.variance + (p.mean - q.loc).pow(2)
    return -p.entropy() - _normal_log_density_mean(q, p.mean, second)


@register_kl(Laplace, Normal)
def _kl_laplace_normal(p, q):
    second = 2 * p.scale.pow(2) + (p.loc - q.loc).pow(2)
    return -p.entropy() - _normal_log_density_mean(q, p.mean, second)


@register_kl(Normal, Gumbel)
def _kl_normal_gumbel(p, q):
    # E[exp(-x / s)] = exp(-loc / s + scale^2 / (2 s^2))
    e = torsh.exp(-p.loc / q.scale + p.scale.pow(2) / (2 * q.scale.pow(2)))
    return -p.entropy() - _gumbel_log_density_mean(q, p.loc, e)


@register_kl(Normal, Laplace)
def _kl_normal_laplace(p, q):
    # E|x - m| for x ~ N(loc, scale^2), d = loc - m
    d = p.loc - q.loc
    mean_abs = (p.scale * math.sqrt(2 / math.pi) * torsh.exp(-d.pow(2) / (2 * p.scale.pow(2))) +
                d * torsh.erf(d / (p.scale * math.sqrt(2))))
    return -p.entropy() + (2 * q.scale).log() + mean_abs / q.scale


def _uniform_mean_log(p):
    """E[log x] for x ~ Uniform(low, high) with 0 <= low."""
    width = p.high - p.low
    return (torsh.xlogy(p.high, p.high) - p.high - torsh.xlogy(p.low, p.low) + p.low) / width


@register_kl(Uniform, Beta)
def _kl_uniform_beta(p, q):
    width = p.high - p.low
    # E[log(1 - x)] is E[log y] for y = 1 - x ~ Uniform(1 - high, 1 - low)
    one_minus = (torsh.xlogy(1 - p.low, 1 - p.low) - (1 - p.low) -
                 torsh.xlogy(1 - p.high, 1 - p.high) + (1 - p.high)) / width
    log_beta = (q.concentration1.lgamma() + q.concentration0.lgamma() -
                (q.concentration1 + q.concentration0).lgamma())
    result = (-width.log() - (q.concentration1 - 1) * _uniform_mean_log(p) -
              (q.concentration0 - 1) * one_minus + log_beta)
    return _where_inf((p.high > 1) | (p.low < 0), result)


@register_kl(Uniform, Exponential)
def _kl_uniform_exponential(p, q):
    result = -(p.high - p.low).log() - q.rate.log() + q.rate * (p.high + p.low) / 2
    return _where_inf(p.low < 0, result)


@register_kl(Uniform, Gamma)
def _kl_uniform_gamma(p, q):
    result = -(p.high - p.low).log() - _gamma_log_density_mean(q, p.mean, _uniform_mean_log(p))
    return _where_inf(p.low < 0, result)


@register_kl(Uniform, Gumbel)
def _kl_uniform_gumbel(p, q):
    # E[exp(-x / s)] = s (exp(-low / s) - exp(-high / s)) / (high - low)
    e = q.scale * (torsh.exp(-p.low / q.scale) - torsh.exp(-p.high / q.scale)) / \
        (p.high - p.low)
    return -(p.high - p.low).log() - _gumbel_log_density_mean(q, p.mean, e)


@register_kl(Uniform, Normal)
def _kl_uniform_normal(p, q):
    # E[(x - m)^2] = ((high - m)^3 - (low - m)^3) / (3 (high - low))
    width = p.high - p.low
    second = ((p.high - q.loc).pow(3) - (p.low - q.loc).pow(3)) / (3 * width)
    return -width.log() - _normal_log_density_mean(q, p.mean, second)


# ContinuousBernoulli and Pareto: the pairs torch 1.13 registers for them.

@register_kl(ContinuousBernoulli, ContinuousBernoulli)
def _kl_continuousbernoulli_continuousbernoulli(p, q):
    # log p(x) - log q(x) = x (logit_p - logit_q) + log C_p + log(1 - p) - log C_q - log(1 - q)
    return (p.mean * (p.logits - q.logits) +
            p._cont_bern_log_norm() + torsh.log1p(-p.probs) -
            q._cont_bern_log_norm() - torsh.log1p(-q.probs))


@register_kl(Pareto, Pareto)
def _kl_pareto_pareto(p, q):
    alpha_ratio = q.alpha / p.alpha
    result = q.alpha * (p.scale / q.scale).log() - alpha_ratio.log() + alpha_ratio - 1
    return _where_inf(p.support.lower_bound < q.support.lower_bound, result)


for _p, _param, _qs in [
        (Beta, "concentration1", (Pareto,)),
        (ContinuousBernoulli, "probs", (Pareto,)),
        (Exponential, "rate", (ContinuousBernoulli, Pareto)),
        (Gamma, "concentration", (ContinuousBernoulli, Pareto)),
        (Gumbel, "loc", (ContinuousBernoulli, Pareto)),
        (Laplace, "loc", (ContinuousBernoulli, Pareto)),
        (Normal, "loc", (ContinuousBernoulli, Pareto)),
        (Pareto, "scale", (Beta, ContinuousBernoulli, Uniform))]:
    for _q in _qs:
        register_kl(_p, _q)(_infinite(_param))


def _continuous_bernoulli_log_density_mean(q, mean):
    """E[log q(x)] for q ContinuousBernoulli, given E[x]."""
    return mean * q.logits + torsh.log1p(-q.probs) + q._cont_bern_log_norm()


@register_kl(Beta, ContinuousBernoulli)
def _kl_beta_continuousbernoulli(p, q):
    return -p.entropy() - _continuous_bernoulli_log_density_mean(q, p.mean)


@register_kl(ContinuousBernoulli, Exponential)
def _kl_continuousbernoulli_exponential(p, q):
    return -p.entropy() - torsh.log(q.rate) + q.rate * p.mean


@register_kl(ContinuousBernoulli, Normal)
def _kl_continuousbernoulli_normal(p, q):
    second = p.variance + (p.mean - q.loc).pow(2)
    return -p.entropy() - _normal_log_density_mean(q, p.mean, second)


@register_kl(ContinuousBernoulli, Uniform)
def _kl_continuousbernoulli_uniform(p, q):
    result = -p.entropy() + (q.high - q.low).log()
    # torch 1.13's mask: infinite wherever q.low >= 0 or q.high <= 1 (so also for q covering
    # exactly [0, 1], and for any q with low >= 0)
    lower, upper = p.support.lower_bound, p.support.upper_bound
    return _where_inf(torsh.ge(q.low, lower) | torsh.le(q.high, upper), result)


@register_kl(Uniform, ContinuousBernoulli)
def _kl_uniform_continuousbernoulli(p, q):
    result = -p.entropy() - _continuous_bernoulli_log_density_mean(q, p.mean)
    # torch 1.13's mask: infinite wherever p.high >= 1 or p.low <= 0 (the closed ends
    # included)
    lower, upper = q.support.lower_bound, q.support.upper_bound
    return _where_inf(torsh.ge(p.high, upper) | torsh.le(p.low, lower), result)


def _pareto_mean_log(p):
    """E[log x] for x ~ Pareto(scale, alpha): log(scale) + 1 / alpha."""
    return p.scale.log() + p.alpha.reciprocal()


@register_kl(Pareto, Exponential)
def _kl_pareto_exponential(p, q):
    result = -p.entropy() - q.rate.log() + q.rate * p.alpha * p.scale / (p.alpha - 1)
    return _where_inf(p.alpha <= 1, result)  # infinite mean


@register_kl(Pareto, Gamma)
def _kl_pareto_gamma(p, q):
    mean = p.alpha * p.scale / (p.alpha - 1)
    result = -p.entropy() - _gamma_log_density_mean(q, mean, _pareto_mean_log(p))
    return _where_inf(p.alpha <= 1, result)  # infinite mean


@register_kl(Pareto, Normal)
def _kl_pareto_normal(p, q):
    mean = p.alpha * p.scale / (p.alpha - 1)
    variance = p.alpha * (p.scale / (p.alpha - 1)).pow(2) / (p.alpha - 2)
    second = variance + (mean - q.loc).pow(2)
    result = -p.entropy() - _normal_log_density_mean(q, mean, second)
    return _where_inf(p.alpha <= 2, result)  # infinite variance


@register_kl(Uniform, Pareto)
def _kl_uniform_pareto(p, q):
    # log q(x) = log(alpha) + alpha log(scale) - (alpha + 1) log(x) on x >= scale
    width = p.high - p.low
    result = (-width.log() - q.alpha.log() - q.alpha * q.scale.log() +
              (q.alpha + 1) * _uniform_mean_log(p))
    return _where_inf(p.low < q.support.lower_bound, result)
