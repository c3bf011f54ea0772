"""torsh.distributions: torch.distributions' probability distributions, transforms, KL
divergences and constraints, written with torsh ops.

Sampling draws from the default generator the way torch 1.13's implementations do, so with
the same manual_seed sample() and rsample() give torch's values (Gamma, Beta, Dirichlet and
Binomial run torch's element-wise algorithms in Python loops: exact but slow for large
draws). Gamma/Beta/Dirichlet rsample gradients are the implicit reparameterisation ones,
computed numerically (torch uses its own approximations; they agree to ~1e-3).
MultivariateNormal factorises with torsh-op loops over the event size."""
from torsh.distributions import constraints, transforms
from torsh.distributions.bernoulli import Bernoulli
from torsh.distributions.beta import Beta
from torsh.distributions.binomial import Binomial
from torsh.distributions.categorical import Categorical
from torsh.distributions.cauchy import Cauchy
from torsh.distributions.chi2 import Chi2
from torsh.distributions.constraint_registry import biject_to, transform_to
from torsh.distributions.continuous_bernoulli import ContinuousBernoulli
from torsh.distributions.dirichlet import Dirichlet
from torsh.distributions.distribution import Distribution
from torsh.distributions.exp_family import ExponentialFamily
from torsh.distributions.exponential import Exponential
from torsh.distributions.fishersnedecor import FisherSnedecor
from torsh.distributions.gamma import Gamma
from torsh.distributions.geometric import Geometric
from torsh.distributions.gumbel import Gumbel
from torsh.distributions.half_cauchy import HalfCauchy
from torsh.distributions.half_normal import HalfNormal
from torsh.distributions.independent import Independent
from torsh.distributions.kl import kl_divergence, register_kl
from torsh.distributions.kumaraswamy import Kumaraswamy
from torsh.distributions.laplace import Laplace
from torsh.distributions.log_normal import LogNormal
from torsh.distributions.logistic_normal import LogisticNormal
from torsh.distributions.mixture_same_family import MixtureSameFamily
from torsh.distributions.multinomial import Multinomial
from torsh.distributions.multivariate_normal import MultivariateNormal
from torsh.distributions.negative_binomial import NegativeBinomial
from torsh.distributions.normal import Normal
from torsh.distributions.one_hot_categorical import (OneHotCategorical,
                                                     OneHotCategoricalStraightThrough)
from torsh.distributions.pareto import Pareto
from torsh.distributions.poisson import Poisson
from torsh.distributions.studentT import StudentT
from torsh.distributions.transformed_distribution import TransformedDistribution
from torsh.distributions.transforms import *  # noqa: F401,F403
from torsh.distributions.uniform import Uniform
from torsh.distributions.weibull import Weibull

__all__ = [
    "Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy", "Chi2", "ContinuousBernoulli",
    "Dirichlet", "Distribution", "Exponential", "ExponentialFamily", "FisherSnedecor",
    "Gamma", "Geometric", "Gumbel", "HalfCauchy", "HalfNormal", "Independent", "Kumaraswamy",
    "Laplace", "LogNormal", "LogisticNormal", "MixtureSameFamily", "Multinomial",
    "MultivariateNormal", "NegativeBinomial", "Normal", "OneHotCategorical",
    "OneHotCategoricalStraightThrough", "Pareto", "Poisson", "StudentT",
    "TransformedDistribution", "Uniform", "Weibull", "biject_to", "kl_divergence",
    "register_kl", "transform_to",
]
__all__.extend(transforms.__all__)
from torsh.distributions.lkj_cholesky import LKJCholesky  # noqa: E402
from torsh.distributions.lowrank_multivariate_normal import LowRankMultivariateNormal  # noqa: E402
from torsh.distributions.relaxed_bernoulli import RelaxedBernoulli  # noqa: E402
from torsh.distributions.relaxed_categorical import RelaxedOneHotCategorical  # noqa: E402
from torsh.distributions.von_mises import VonMises  # noqa: E402
from torsh.distributions.wishart import Wishart  # noqa: E402

__all__ += ["LKJCholesky", "LowRankMultivariateNormal", "RelaxedBernoulli",
            "RelaxedOneHotCategorical", "VonMises", "Wishart"]  # (torch keeps the bases private)
