"""torch.distributions' counterpart: the families, TransformedDistribution with its transforms, constraints,
transform_to/biject_to, kl_divergence and register_kl, and PyTorch's submodule paths
(autograd.distributions.normal, .kl, .transforms, ...).

Parameters keep their gradients through log_prob, entropy, kl_divergence and rsample; draws come from deepgrad's
generator (seeded by manual_seed), so a seed does not give PyTorch's numbers."""
from . import constraints, kl_pairs, kl_pairs_cross, kl_pairs_more, transforms, utils   # importing kl_pairs* registers their KLs
from . import (bernoulli, beta, binomial, categorical, cauchy, chi2, constraint_registry, continuous_bernoulli,
               dirichlet, distribution, exp_family, exponential, fishersnedecor, gamma, generalized_pareto, geometric,
               gumbel, half_cauchy, half_normal, independent, inverse_gamma, kl, kumaraswamy, laplace, lkj_cholesky,
               log_normal, logistic_normal, lowrank_multivariate_normal, mixture_same_family, multinomial,
               multivariate_normal, negative_binomial, normal, one_hot_categorical, pareto, poisson, relaxed_bernoulli,
               relaxed_categorical, studentT, transformed_distribution, uniform, von_mises, weibull, wishart)
from .constrained import ConstrainedDistribution
from .constraint_registry import biject_to, transform_to
from .continuous import Cauchy, Exponential, Laplace, Uniform
from .continuous_bernoulli import ContinuousBernoulli
from .counts import Binomial, Geometric, Poisson
from .derived import Gumbel, HalfCauchy, HalfNormal, LogNormal
from .dirichlet import Beta, Dirichlet
from .discrete import Bernoulli, Categorical
from .distribution import Distribution, Independent
from .exp_family import ExponentialFamily
from .fishersnedecor import FisherSnedecor
from .gamma_family import Chi2, Gamma, StudentT
from .generalized_pareto import GeneralizedPareto
from .inverse_gamma import InverseGamma
from .kl import kl_divergence, register_kl
from .kumaraswamy import Kumaraswamy
from .lkj_cholesky import LKJCholesky
from .logistic_normal import LogisticNormal
from .lowrank_multivariate_normal import LowRankMultivariateNormal
from .mixture import MixtureSameFamily
from .multivariate import MultivariateNormal
from .negative_binomial import NegativeBinomial
from .normal import Normal
from .one_hot import Multinomial, OneHotCategorical
from .one_hot_categorical import OneHotCategoricalStraightThrough
from .pareto import Pareto
from .relaxed import ExpRelaxedCategorical, LogitRelaxedBernoulli, RelaxedBernoulli, RelaxedOneHotCategorical
from .transformed import TransformedDistribution
from .transforms import (AbsTransform, AffineTransform, CatTransform, ComposeTransform, CorrCholeskyTransform,
                         CumulativeDistributionTransform, ExpTransform, IndependentTransform, LowerCholeskyTransform,
                         PositiveDefiniteTransform, PowerTransform, ReshapeTransform, SigmoidTransform,
                         SoftmaxTransform, SoftplusTransform, StackTransform, StickBreakingTransform, TanhTransform,
                         Transform, identity_transform)
from .von_mises import VonMises
from .weibull import Weibull
from .wishart import Wishart

__all__ = ["AbsTransform", "AffineTransform", "Bernoulli", "Beta", "Binomial", "CatTransform", "Categorical",
           "Cauchy", "Chi2", "ComposeTransform", "ContinuousBernoulli", "CorrCholeskyTransform",
           "CumulativeDistributionTransform", "Dirichlet", "Distribution", "ExpRelaxedCategorical", "ExpTransform",
           "Exponential", "ExponentialFamily", "FisherSnedecor", "Gamma", "GeneralizedPareto", "Geometric", "Gumbel",
           "HalfCauchy", "HalfNormal", "Independent", "IndependentTransform", "InverseGamma", "Kumaraswamy",
           "LKJCholesky", "Laplace", "LogNormal", "LogisticNormal", "LogitRelaxedBernoulli",
           "LowRankMultivariateNormal", "LowerCholeskyTransform", "MixtureSameFamily", "Multinomial",
           "MultivariateNormal", "NegativeBinomial", "Normal", "OneHotCategorical",
           "OneHotCategoricalStraightThrough", "Pareto", "Poisson", "PositiveDefiniteTransform", "PowerTransform",
           "RelaxedBernoulli", "RelaxedOneHotCategorical", "ReshapeTransform", "SigmoidTransform",
           "SoftmaxTransform", "SoftplusTransform", "StackTransform", "StickBreakingTransform", "StudentT",
           "TanhTransform", "Transform", "TransformedDistribution", "Uniform", "VonMises", "Weibull", "Wishart",
           "biject_to", "constraints", "identity_transform", "kl_divergence", "register_kl", "transform_to",
           "transforms", "utils"]
