"""TerminateOnNaN: end training at the first batch whose loss is NaN or infinite."""
import math

from .base import Callback


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch's loss is NaN or +/-inf (Keras's callback of the same name).

    It prints which batch it was and sets `model.stop_training`, so `fit` ends after that batch: the
    epoch it stopped in is closed as usual (validation, `on_epoch_end`, so History records it with its
    non-finite loss, as Keras does), the epochs before it stay in History, and `on_train_end` runs.
    `stopped_batch` is (epoch, batch) of the stop, or None. With `raise_error=True` it raises RuntimeError at
    that batch instead, so fit ends at once without `on_train_end` (Keras 3.15's option).
    """

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error
        self.stopped_batch = None
        self._epoch = 0

    def on_train_begin(self, logs=None):
        """Forget an earlier stop."""
        self.stopped_batch = None

    def on_epoch_begin(self, epoch, logs=None):
        """Remember the epoch, for the report."""
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        """Check the running loss (the mean so far in this epoch, so any non-finite batch shows in it)."""
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            if self.raise_error:
                raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. Terminating "
                                   "training immediately.")
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.stopped_batch = (self._epoch, batch)
            self.model.stop_training = True
