"""ProgressBar: shows training progress, a tqdm bar per epoch or one printed line per epoch."""
import sys
import time

from ..callbacks.base import Callback


def _format(logs):
    return " - ".join(f"{name}: {value:.4f}" for name, value in logs.items() if isinstance(value, (int, float)))


class ProgressBar(Callback):
    """verbose=0: silent. verbose=1: a tqdm bar per epoch with the running loss and metrics when stdout
    is a terminal and tqdm is installed, else one line per epoch. verbose=2: one line per epoch."""

    def __init__(self, verbose=1, stream=None):
        super().__init__()
        self.verbose, self.stream = verbose, stream
        self._bar = None

    def _out(self):
        return self.stream if self.stream is not None else sys.stdout

    def _use_bar(self):
        if self.verbose != 1 or not getattr(self._out(), "isatty", lambda: False)():
            return False
        try:
            import tqdm  # noqa: F401  (optional dependency)
        except ImportError:
            return False
        return True

    def on_epoch_begin(self, epoch, logs=None):
        """Open this epoch's bar."""
        self._start = time.perf_counter()
        if self.verbose and self._use_bar():
            from tqdm.auto import tqdm
            self._bar = tqdm(total=self.params.get("steps"), desc=f"Epoch {epoch + 1}/{self.params.get('epochs')}",
                             unit="batch", file=self._out(), leave=True, dynamic_ncols=True)

    def on_train_batch_end(self, batch, logs=None):
        """Advance the bar and show the running values."""
        if self._bar is not None:
            self._bar.set_postfix({k: f"{v:.4f}" for k, v in (logs or {}).items()}, refresh=False)
            self._bar.update(1)

    def on_epoch_end(self, epoch, logs=None):
        """Close the bar with the epoch's values, or print the epoch's line."""
        logs = logs or {}
        if self._bar is not None:
            self._bar.set_postfix({k: f"{v:.4f}" for k, v in logs.items()}, refresh=True)
            self._bar.close()
            self._bar = None
        elif self.verbose:
            seconds = time.perf_counter() - self._start
            print(f"Epoch {epoch + 1}/{self.params.get('epochs')} - {seconds:.1f}s - {_format(logs)}",
                  file=self._out(), flush=True)

    def on_train_end(self, logs=None):
        """Close a bar left open by an interrupted epoch."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
