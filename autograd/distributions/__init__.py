"""torch.distributions' counterpart: the families, TransformedDistribution with its transforms, constraints,
transform_to/biject_to, kl_divergence and register_kl.

Parameters keep their gradients through log_prob, entropy, kl_divergence and rsample; draws come from deepgrad's
generator (seeded by manual_seed), so a seed does not give PyTorch's numbers."""
from . import constraints, kl_pairs, transforms, utils   # importing kl_pairs registers its KL formulas
from .constrained import ConstrainedDistribution
from .constraint_registry import biject_to, transform_to
from .continuous import Cauchy, Exponential, Laplace, Uniform
from .counts import Binomial, Geometric, Poisson
from .derived import Gumbel, HalfCauchy, HalfNormal, LogNormal
from .dirichlet import Beta, Dirichlet
from .discrete import Bernoulli, Categorical
from .distribution import Distribution, Independent
from .gamma_family import Chi2, Gamma, StudentT
from .kl import kl_divergence, register_kl
from .mixture import MixtureSameFamily
from .multivariate import MultivariateNormal
from .normal import Normal
from .one_hot import Multinomial, OneHotCategorical
from .relaxed import ExpRelaxedCategorical, LogitRelaxedBernoulli, RelaxedBernoulli, RelaxedOneHotCategorical
from .transformed import TransformedDistribution
from .transforms import (AbsTransform, AffineTransform, ComposeTransform, ExpTransform, PowerTransform,
                         SigmoidTransform, SoftmaxTransform, SoftplusTransform, StickBreakingTransform, TanhTransform,
                         Transform)

__all__ = ["AbsTransform", "AffineTransform", "Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy", "Chi2",
           "ComposeTransform", "Dirichlet", "Distribution", "ExpRelaxedCategorical", "ExpTransform", "Exponential",
           "Gamma", "Geometric", "Gumbel", "HalfCauchy", "HalfNormal", "Independent", "Laplace",
           "LogitRelaxedBernoulli", "LogNormal", "MixtureSameFamily", "Multinomial", "MultivariateNormal", "Normal",
           "OneHotCategorical", "Poisson", "PowerTransform", "RelaxedBernoulli", "RelaxedOneHotCategorical",
           "SigmoidTransform", "SoftmaxTransform", "SoftplusTransform", "StickBreakingTransform", "StudentT",
           "TanhTransform", "Transform", "TransformedDistribution", "Uniform", "biject_to", "constraints",
           "kl_divergence", "register_kl", "transform_to", "transforms", "utils"]
