"""fit's progress output in Keras's words: with verbose=2 (or verbose=1 without a terminal), 'Epoch 3/10'
when an epoch starts (for more than one epoch) and '19/19 - 1s - 52ms/step - accuracy: 0.9123 - loss: 0.2741 -
val_...' when it ends; verbose=1 on a terminal keeps nn's tqdm bar. evaluate and predict end with the same line
('2/2 - 0s - 7ms/step' for predict)."""
import time

import numpy as np

from ..training.progress import ProgressBar
from .settings import message_stream


def keras_value(value):
    """A logged number as Keras's one-line (verbose=2) progress shows it: 4 decimals above 1e-3, else
    scientific (so small and negative values read 1.0000e-04, -2.5000e-01)."""
    return f"{value:.4f}" if value > 1e-3 else f"{value:.4e}"


def step_rate(seconds, unit="step"):
    """Time per step as Keras writes it: '2s/step', '52ms/step' or '350us/step'."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


def final_line(steps, seconds, logs=None):
    """Keras's verbose=2 line for a finished loop: '19/19 - 1s - 52ms/step - loss: 0.2741 - ...'."""
    values = "".join(f" - {name}: {keras_value(value)}" for name, value in (logs or {}).items()
                     if isinstance(value, (int, float)))
    return f"{steps}/{steps} - {seconds:.0f}s - {step_rate(seconds / max(steps, 1))}{values}"


class EpochLines(ProgressBar):
    """nn's ProgressBar printing Keras's two lines per epoch where it would print one."""

    def _out(self):
        return self.stream if self.stream is not None else message_stream()

    def on_epoch_begin(self, epoch, logs=None):
        """Print 'Epoch i/n' (or open the bar)."""
        super().on_epoch_begin(epoch, logs)
        self._batches = 0
        if self.verbose and self._bar is None and (self.params.get("epochs") or 1) > 1:
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
        print(final_line(self._batches, time.perf_counter() - self._start, logs), file=self._out(), flush=True)


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


class Progbar:
    """keras.utils.Progbar for loops of one's own: `update(current, values=[(name, value), ...])` or
    `add(steps, values)`. A value is averaged over the steps it was given for, until the last update (which
    shows the last values), and a name in `stateful_metrics` (or, given `stateless_metrics` instead, a name not in
    it) shows its last value, as in Keras 3. verbose=1
    redraws one line ('12/50 ━━━━━━━━      3s 20ms/step - loss: 0.1234'), verbose=2 prints one line when
    `target` is reached, verbose=0 only keeps the values."""

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None, stateless_metrics=None,
                 unit_name="step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Only one of `stateful_metrics` or `stateless_metrics` can be provided: "
                             "`stateful_metrics` lists the metrics shown as they are (the others are averaged), "
                             "`stateless_metrics` the metrics averaged (the others are shown as they are)")
        self.target, self.width, self.verbose, self.unit_name = target, width, verbose, unit_name
        self.stateful_metrics = set(stateful_metrics or ()) if stateless_metrics is None else None
        self.stateless_metrics = set(stateless_metrics) if stateless_metrics is not None else None
        self._values, self._seen_so_far, self._start = {}, 0, time.perf_counter()

    def update(self, current, values=None, finalize=None):
        """Record `values` for the steps up to `current` and show the line."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            value = float(np.mean(np.asarray(value, dtype=np.float64)))
            stateful = name in self.stateful_metrics if self.stateless_metrics is None else \
                name not in self.stateless_metrics
            if stateful or finalize or name not in self._values:
                steps = 1 if stateful or finalize else max(current - self._seen_so_far, 1)
                self._values[name] = [value * steps, steps]
            else:
                steps = max(current - self._seen_so_far, 1)
                self._values[name][0] += value * steps
                self._values[name][1] += steps
        self._seen_so_far = current
        if self.verbose == 1:
            print("\r" + self._line(current, finalize), end="\n" if finalize else "", file=message_stream(),
                  flush=True)
        elif self.verbose == 2 and finalize and self.target:
            print(self._line(current, finalize, bar=False), file=message_stream(), flush=True)

    def add(self, n, values=None):
        """update(steps seen so far + n, values)."""
        self.update(self._seen_so_far + n, values)

    def _line(self, current, finalize, bar=True):
        seconds = time.perf_counter() - self._start
        per_step = seconds / current if current else 0.0
        if self.target:
            head = f"{current}/{self.target}"
            if bar:
                filled = int(self.width * min(current / self.target, 1.0))
                head += " " + "━" * filled + " " * (self.width - filled)
        else:
            head = "%7d/Unknown" % current
        rate = step_rate(per_step, self.unit_name)
        line = f"{head} {seconds:.0f}s {rate}" if bar else f"{head} - {seconds:.0f}s - {rate}"
        for name, (total, count) in self._values.items():
            average = total / max(1, count)
            # (Keras's redrawn line tests the magnitude, its one-line form the signed value)
            line += f" - {name}: " + (f"{average:.4f}" if abs(average) > 1e-3 else f"{average:.4e}") if bar \
                else f" - {name}: {keras_value(average)}"
        return line
