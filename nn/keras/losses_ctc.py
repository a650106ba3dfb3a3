"""keras.losses.ctc and keras.losses.CTC: the CTC loss of logits (batch, time, classes) against padded integer
labels (batch, max_length), as Keras: class 0 is the blank and the padding, every logit step counts, and a
label's length is its number of non-zero entries."""
import autograd as ag

from .loss_base import _loss_class, _tensor, keras_32


def ctc(y_true, y_pred):
    """The CTC loss per batch entry (0 is the blank and the label padding)."""
    from . import ops
    y_true, y_pred = _tensor(y_true), keras_32(_tensor(y_pred))   # Keras takes float64 logits in float32
    if y_true.ndim != 2:
        raise ValueError("Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` in "
                         f"integer format. Received: y_true.shape={tuple(y_true.shape)}")
    if y_pred.ndim != 3:
        raise ValueError("Logits `y_pred` are expected to be a tensor of shape `(batch_size, max_length, "
                         f"num_classes)`. Received: y_pred.shape={tuple(y_pred.shape)}")
    batch, steps = y_pred.shape[0], y_pred.shape[1]
    input_length = ag.full((batch,), steps, dtype=ag.int32)
    label_length = (y_true != 0).sum(dim=-1).to(ag.int32)
    return ops.ctc_loss(y_true, y_pred, label_length, input_length, mask_index=0)


CTC = _loss_class("CTC", ctc, "ctc", "CTC (Connectionist Temporal Classification) loss of logits against padded "
                  "integer labels (0: blank and padding).")
