"""keras.losses.CategoricalGeneralizedCrossEntropy: the noise-robust loss (1 - p^q) / q of the probability p given
to the true class (Zhang & Sabuncu, 2018), for integer class labels and predicted probabilities."""
from .loss_base import LossFunctionWrapper, _tensor


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """(1 - p^q) / q per example, p = y_pred[true class]; y_true integer classes shaped (batch,) or (batch, 1)."""
    y_pred = _tensor(y_pred)
    labels = _tensor(y_true).reshape(tuple(y_pred.shape[:-1])).long()
    p = y_pred.gather(-1, labels.unsqueeze(-1)).squeeze(-1)
    return (1.0 - p ** q) / q


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross-entropy: q near 0 behaves like cross-entropy, q near 1 like mean absolute error."""

    def __init__(self, q=0.5, reduction="sum_over_batch_size", name="categorical_generalized_cross_entropy",
                 dtype=None):
        if not 0 < q < 1:
            raise ValueError(f"CategoricalGeneralizedCrossEntropy: q must be in the interval (0, 1), got {q!r}")
        super().__init__(categorical_generalized_cross_entropy, reduction=reduction, name=name, q=q)
        self.q = q
