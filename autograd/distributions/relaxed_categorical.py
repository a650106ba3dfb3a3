"""The module path torch.distributions.relaxed_categorical has in PyTorch: ExpRelaxedCategorical,
RelaxedOneHotCategorical, defined in relaxed.py."""
from .relaxed import ExpRelaxedCategorical, RelaxedOneHotCategorical

__all__ = ["ExpRelaxedCategorical", "RelaxedOneHotCategorical"]
