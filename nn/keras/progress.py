"""fit's progress output in Keras's words: with verbose=2 (or verbose=1 without a terminal), 'Epoch 3/10'
when an epoch starts and '19/19 - 1s - 52ms/step - accuracy: 0.9123 - loss: 0.2741 - val_...' when it ends;
verbose=1 on a terminal keeps nn's tqdm bar."""
import time

from ..training.progress import ProgressBar


class EpochLines(ProgressBar):
    """nn's ProgressBar printing Keras's two lines per epoch where it would print one."""

    def on_epoch_begin(self, epoch, logs=None):
        """Print 'Epoch i/n' (or open the bar)."""
        super().on_epoch_begin(epoch, logs)
        self._batches = 0
        if self.verbose and self._bar is None:
            print(f"Epoch {epoch + 1}/{self.params.get('epochs')}", file=self._out(), flush=True)

    def on_train_batch_end(self, batch, logs=None):
        """Count the batch (and advance the bar)."""
        super().on_train_batch_end(batch, logs)
        self._batches += 1

    def on_epoch_end(self, epoch, logs=None):
        """Print the steps, the time and the epoch's values (or close the bar)."""
        if self._bar is not None or not self.verbose:
            super().on_epoch_end(epoch, logs)
            return
        seconds = time.perf_counter() - self._start
        steps = max(self._batches, 1)
        values = "".join(f" - {name}: {value:.4f}" for name, value in (logs or {}).items()
                         if isinstance(value, (int, float)))
        print(f"{self._batches}/{self._batches} - {seconds:.0f}s - {1000 * seconds / steps:.0f}ms/step{values}",
              file=self._out(), flush=True)


class ProgbarLogger(EpochLines):
    """Keras's progress callback: fit's progress output (it takes fit's `verbose`). Passed in fit's callbacks
    it replaces the one fit would add, as in Keras."""

    def __init__(self):
        super().__init__(verbose=1)

    def set_params(self, params):
        """Take fit's verbosity ('auto' meaning 1)."""
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
