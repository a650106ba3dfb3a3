"""torch.distributions' core: Normal, Bernoulli, Categorical, Independent, kl_divergence, register_kl.

Parameters keep their gradients through log_prob, entropy, kl_divergence and Normal.rsample; draws are
NumPy's (seeded by manual_seed), so a seed does not give PyTorch's numbers."""
from .discrete import Bernoulli, Categorical
from .distribution import Distribution, Independent
from .kl import kl_divergence, register_kl
from .normal import Normal

__all__ = ["Bernoulli", "Categorical", "Distribution", "Independent", "Normal", "kl_divergence", "register_kl"]
