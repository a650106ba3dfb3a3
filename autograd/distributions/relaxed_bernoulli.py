"""The module path torch.distributions.relaxed_bernoulli has in PyTorch: LogitRelaxedBernoulli, RelaxedBernoulli,
defined in relaxed.py."""
from .relaxed import LogitRelaxedBernoulli, RelaxedBernoulli

__all__ = ["LogitRelaxedBernoulli", "RelaxedBernoulli"]
