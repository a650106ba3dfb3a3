"""keras.regularizers.OrthogonalRegularizer: a penalty that pushes the rows (or columns) of a rank-2 kernel to be
orthogonal to each other, as Keras computes it: factor * mean over pairs of |cosine| / 2."""
import math

import numpy as np

import autograd as ag

from .regularizer_base import Regularizer, as_weight
from .settings import epsilon

_MODES = ("rows", "columns")


class OrthogonalRegularizer(Regularizer):
    """factor * 0.5 * sum over distinct pairs of unit-normalized rows (mode='rows') or columns ('columns') of the
    absolute dot products, divided by the number of pairs."""

    def __init__(self, factor=0.01, mode="rows"):
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not math.isfinite(factor) \
                or factor < 0:
            raise ValueError(f"OrthogonalRegularizer: factor must be a non-negative float, got {factor!r}")
        if mode not in _MODES:
            raise ValueError(f"OrthogonalRegularizer: mode must be one of {_MODES}, got {mode!r}")
        self.factor, self.mode = float(factor), mode

    def __call__(self, weight):
        weight = as_weight(weight)
        if weight.ndim != 2:
            raise ValueError(f"OrthogonalRegularizer: the weight must have rank 2 (a Dense kernel), got shape "
                             f"{tuple(weight.shape)}; use another regularizer for convolution kernels")
        vectors = weight if self.mode == "rows" else weight.T
        unit = vectors / (vectors * vectors).sum(dim=1, keepdim=True).sqrt().clamp(min=epsilon())
        size = unit.shape[0]
        off_diagonal = (unit @ unit.T).abs() * (1.0 - ag.eye(size, dtype=unit.dtype))
        return self.factor * 0.5 * off_diagonal.sum() / (size * (size - 1.0) / 2.0)

    def get_config(self):
        """factor and mode; the factor as Keras keeps it, a float32 tensor (0.1 reads back as 0.10000000149...)."""
        return {"factor": float(np.float32(self.factor)), "mode": self.mode}


orthogonal_regularizer = OrthogonalRegularizer
