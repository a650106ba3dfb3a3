"""keras.losses.Circle / circle: the Circle loss of metric learning (Sun et al., 2020) on L2-normalized embeddings,
with Keras's formulas: pairwise cosine distances, positives = same label (the diagonal removed by default),
negatives = other labels, softplus(logsumexp(positive terms) + logsumexp(negative terms)) per example. Examples
with no positive (or no negative) pair give 0 and are masked out of the mean, as in Keras."""
import autograd as ag
from autograd.errors import ShapeError

from . import masking
from .loss_base import LossFunctionWrapper, _tensor, keras_32


def _label_column(labels, what="y_true"):
    """Integer labels (N,) or (N, 1) as a column (N, 1); anything else (one-hot rows) is refused, as the
    broadcasting comparison of Keras's torch backend fails for it."""
    if labels.ndim > 2 or (labels.ndim == 2 and labels.shape[1] != 1) or labels.ndim == 0:
        raise ShapeError(f"circle: {what} must hold one integer class label per example, shape (batch,) or "
                         f"(batch, 1), got shape {tuple(labels.shape)}; for one-hot labels pass their argmax")
    return labels.reshape(-1, 1)


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """The Circle loss per example of `y_pred` (batch, dim) embeddings with integer labels `y_true`, against
    `ref_embeddings` / `ref_labels` (default: the batch itself)."""
    y_pred = keras_32(_tensor(y_pred))   # Keras's matmul takes float64 embeddings in float32
    if y_pred.ndim != 2:
        raise ValueError(f"circle: y_pred must be (batch, embedding_dim) embeddings, got shape {tuple(y_pred.shape)}")
    labels = _tensor(y_true).long()
    reference = y_pred if ref_embeddings is None else _tensor(ref_embeddings, y_pred, y_pred.dtype)
    ref = labels if ref_labels is None else _tensor(ref_labels).long()
    query, key = _label_column(labels), _label_column(ref, "ref_labels")
    if query.shape[0] != y_pred.shape[0] or key.shape[0] != reference.shape[0]:
        raise ValueError(f"circle: {query.shape[0]} labels for {y_pred.shape[0]} embeddings or {key.shape[0]} "
                         f"reference labels for {reference.shape[0]} reference embeddings; pass one label per row")
    positive = query == key.T
    negative = ~positive
    if remove_diagonal:
        positive = positive & ~ag.eye(query.shape[0], key.shape[0], dtype=ag.bool_)
    distances = (1.0 - y_pred @ reference.T).clamp(min=0.0)
    pos_weights = ((margin + distances) * positive.float()).clamp(min=0.0)
    neg_weights = ((1.0 + margin - distances) * negative.float()).clamp(min=0.0)
    pos_terms = -gamma * pos_weights * (margin - distances)
    neg_terms = gamma * neg_weights * ((1.0 - margin) - distances)
    # Keras fills the non-pairs with -inf; -1e30 gives the same values (a row with no pair still ends at a loss of
    # 0) without NaN gradients or log(0) warnings for such rows
    absent = ag.full_like(distances, -1e30)
    p_loss = ag.where(positive, pos_terms, absent).logsumexp(dim=1)
    n_loss = ag.where(negative, neg_terms, absent).logsumexp(dim=1)
    values = _softplus(p_loss + n_loss)
    masking.set_mask(values, values > 0)
    return values


def _softplus(x):
    """log(1 + e^x), stable for large |x| and 0 at -inf."""
    return x.clamp(min=0.0) + (-x.abs()).exp().log1p()


class Circle(LossFunctionWrapper):
    """Circle loss of L2-normalized embeddings against integer labels; gamma scales, margin relaxes the
    decision boundary."""

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True, reduction="sum_over_batch_size", name="circle",
                 dtype=None):
        super().__init__(circle, reduction=reduction, name=name, gamma=gamma, margin=margin,
                         remove_diagonal=remove_diagonal)
        self.gamma, self.margin, self.remove_diagonal = gamma, margin, remove_diagonal
