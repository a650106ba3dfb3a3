"""fit's progress output in Keras's words: with verbose=2, 'Epoch 3/10' when an epoch starts (for more than one
epoch) and '19/19 - 1s - 52ms/step - accuracy: 0.9123 - loss: 0.2741 - val_...' when it ends (evaluate and predict
end with the same line, '2/2 - 0s - 7ms/step' for predict); with verbose=1 Keras's bar, redrawn in place with
backspaces, a carriage return and ANSI colours, on a terminal and, as Keras on POSIX systems, in a pipe or log file
too."""
import math
import os
import sys
import time

import numpy as np

from ..callbacks.base import Callback
from ..training.progress import ProgressBar
from .settings import message_stream


def keras_value(value):
    """A logged number as Keras's one-line (verbose=2) progress shows it: 4 decimals above 1e-3, else
    scientific (so small and negative values read 1.0000e-04, -2.5000e-01)."""
    return f"{value:.4f}" if value > 1e-3 else f"{value:.4e}"


def step_rate(seconds, unit="step", space=False):
    """Time per step as Keras writes it: '2s/step', '52ms/step' or '350us/step' (after a space with `space`)."""
    lead = " " if space else ""
    if seconds >= 1 or seconds == 0:
        return f"{lead}{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{lead}{seconds * 1e3:.0f}ms/{unit}"
    return f"{lead}{seconds * 1e6:.0f}us/{unit}"


def final_line(steps, seconds, logs=None):
    """Keras's verbose=2 line for a finished loop: '19/19 - 1s - 52ms/step - loss: 0.2741 - ...'."""
    values = "".join(f" - {name}: {keras_value(value)}" for name, value in (logs or {}).items()
                     if isinstance(value, (int, float)))
    return f"{steps}/{steps} - {seconds:.0f}s - {step_rate(seconds / max(steps, 1))}{values}"


class EpochLines(ProgressBar):
    """fit's progress as Keras shows it: with verbose=1 Keras's redrawn bar (KerasBar), with verbose=2 'Epoch i/n'
    and one line per epoch."""

    def _out(self):
        return self.stream if self.stream is not None else message_stream()

    def _bar_callback(self):
        """The KerasBar that draws verbose=1 (made on first use, with this callback's params and model)."""
        bar = self.__dict__.get("_keras_bar")
        if bar is None:
            bar = self._keras_bar = KerasBar()
        bar.params, bar.model = self.params, getattr(self, "model", None)
        return bar

    def on_train_begin(self, logs=None):
        """Note the start of fit (its validation batches draw no bar)."""
        if self.verbose == 1:
            self._bar_callback().on_train_begin(logs)

    def on_epoch_begin(self, epoch, logs=None):
        """Print 'Epoch i/n' (and start the bar)."""
        if self.verbose == 1:
            self._bar_callback().on_epoch_begin(epoch, logs)
            return
        self._start = time.perf_counter()
        self._batches = 0
        if self.verbose and (self.params.get("epochs") or 1) > 1:
            print(f"Epoch {epoch + 1}/{self.params.get('epochs')}", file=self._out(), flush=True)

    def on_train_batch_end(self, batch, logs=None):
        """Count the batch (and redraw the bar)."""
        if self.verbose == 1:
            self._bar_callback().on_train_batch_end(batch, logs)
            return
        self._batches += 1

    def on_epoch_end(self, epoch, logs=None):
        """Print the steps, the time and the epoch's values (or draw them on the bar)."""
        if self.verbose == 1:
            self._bar_callback().on_epoch_end(epoch, logs)
        elif self.verbose:
            print(final_line(self._batches, time.perf_counter() - self._start, logs), file=self._out(), flush=True)

    def on_train_end(self, logs=None):
        """Nothing is left open."""


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


def dynamic_display():
    """Whether Keras redraws its bar in place (backspaces and a carriage return): on a terminal, in a notebook, under
    PyCharm, and on any POSIX system, so also in a pipe or a log file there; elsewhere each update is a new line."""
    out = sys.stdout
    return bool((hasattr(out, "isatty") and out.isatty()) or "ipykernel" in sys.modules or "posix" in sys.modules
                or "PYCHARM_HOSTED" in os.environ)


def _average_text(average, signed):
    # Keras's redrawn line tests the magnitude, its one-line (verbose=2) form the signed value
    return f" {average:.4f}" if (average if signed else abs(average)) > 1e-3 else f" {average:.4e}"


class Progbar:
    """keras.utils.Progbar for loops of one's own: `update(current, values=[(name, value), ...])` or
    `add(steps, values)`. A value is averaged over the steps it was given for, until the last update (which
    shows the last values), and a name in `stateful_metrics` (or, given `stateless_metrics` instead, a name not in
    it) shows its last value, as in Keras 3. verbose=1 redraws Keras's bar (bold count, green and grey bar, the
    time left or taken, the time per step, the values) at most every `interval` seconds and at the end, verbose=2
    prints one line when `target` is reached, verbose=0 only keeps the values."""

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None, stateless_metrics=None,
                 unit_name="step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Only one of `stateful_metrics` or `stateless_metrics` can be provided: "
                             "`stateful_metrics` lists the metrics shown as they are (the others are averaged), "
                             "`stateless_metrics` the metrics averaged (the others are shown as they are)")
        self.target, self.width, self.verbose, self.unit_name = target, width, verbose, unit_name
        self.interval = interval
        self.stateful_metrics = set(stateful_metrics or ()) if stateless_metrics is None else None
        self.stateless_metrics = set(stateless_metrics) if stateless_metrics is not None else None
        self._dynamic_display = dynamic_display()
        self._values, self._seen_so_far = {}, 0
        self._start = time.time()
        self._last_update, self._time_after_first_step, self._prev_total_width = 0, None, 0

    def update(self, current, values=None, finalize=None):
        """Record `values` for the steps up to `current` and show the line."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            value = float(np.mean(np.asarray(value, dtype=np.float64)))
            stateless = name not in self.stateful_metrics if self.stateful_metrics is not None else \
                name in self.stateless_metrics
            if not stateless or finalize or name not in self._values:
                steps = 1 if not stateless or finalize else max(current - self._seen_so_far, 1)
                self._values[name] = [value * steps, steps]
            else:
                steps = max(current - self._seen_so_far, 1)
                self._values[name][0] += value * steps
                self._values[name][1] += steps
        self._seen_so_far = current
        now = time.time()
        per_step = self._step_time(current, now)
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._write(self._redrawn(current, finalize, now, per_step))
        elif self.verbose == 2 and finalize and self.target:
            digits = int(math.log10(self.target)) + 1
            line = f"{current:{digits}d}/{self.target} - {now - self._start:.0f}s -" \
                   f"{step_rate(per_step, self.unit_name, space=True)}"
            self._write(line + self._value_text(signed=True) + "\n")
        self._last_update = now

    def add(self, n, values=None):
        """update(steps seen so far + n, values)."""
        self.update(self._seen_so_far + n, values)

    def _step_time(self, current, now):
        # Keras's estimate: the first step (often slow) is left out once there are others
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            seconds = (now - self._time_after_first_step) / (current - 1)
        else:
            seconds = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return seconds

    def _value_text(self, signed=False):
        return "".join(f" - {name}:{_average_text(total / max(1, count), signed)}"
                       for name, (total, count) in self._values.items())

    def _redrawn(self, current, finalize, now, per_step):
        """The text that redraws the bar: it backs over the last one and pads what is left of it."""
        message = "\b" * self._prev_total_width + "\r" if self._dynamic_display else "\n"
        hidden = 0   # the width of the ANSI codes, which take no room on the screen
        if self.target is not None and self.target > 0:
            digits = int(math.log10(self.target)) + 1
            bar = f"\x1b[1m{current:{digits}d}/{self.target}\x1b[0m "
            filled = int(self.width * float(current) / self.target)
            if filled > 0:
                bar += f"\x1b[32m{'━' * filled}\x1b[0m"
                hidden += 9
            bar += f"\x1b[37m{'━' * (self.width - filled)}\x1b[0m"
            hidden += 17
        else:
            bar = "%7d/Unknown" % current
        if self.target is not None and self.target > 0 and not finalize:
            eta = per_step * (self.target - current)
            if eta > 3600:
                shown = "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
            elif eta > 60:
                shown = "%d:%02d" % (eta // 60, eta % 60)
            else:
                shown = "%ds" % eta
            info = f" \x1b[1m{shown}\x1b[0m"
        else:
            info = f" \x1b[1m{now - self._start:.0f}s\x1b[0m"
        hidden += 8
        info += step_rate(per_step, self.unit_name, space=True) + self._value_text()
        width = len(bar) + len(info) - hidden
        padding = " " * (self._prev_total_width - width) if self._prev_total_width > width else ""
        self._prev_total_width = width
        return message + bar + info + padding + ("\n" if finalize else "")

    @staticmethod
    def _write(text):
        out = message_stream()
        out.write(text)
        out.flush()


class KerasBar(Callback):
    """Keras's ProgbarLogger with verbose=1: one Progbar per epoch (or per evaluate / predict run) updated after
    every batch with the batch's logs, 'Epoch i/n' before each epoch of several, and the epoch's logs (validation
    values included) drawn last. Inside fit it leaves validation alone."""

    def __init__(self):
        super().__init__()
        self._bar, self._seen, self._in_fit = None, 0, False

    def _new_bar(self):
        self._seen = 0
        self._bar = Progbar(self.params.get("steps"), verbose=1, stateless_metrics=set())

    def on_train_begin(self, logs=None):
        """Note that test batches from here on are fit's validation."""
        self._in_fit = True

    def on_epoch_begin(self, epoch, logs=None):
        """Start the epoch's bar (after 'Epoch i/n' for several epochs)."""
        self._new_bar()
        epochs = self.params.get("epochs") or 1
        if epochs > 1:
            Progbar._write(f"Epoch {epoch + 1}/{epochs}\n")

    def on_train_batch_end(self, batch, logs=None):
        """Redraw with the batch's logs."""
        self._update(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        """Draw the epoch's logs and end the line."""
        self._finish(logs)

    def on_test_begin(self, logs=None):
        """Start evaluate's bar."""
        if not self._in_fit:
            self._new_bar()

    def on_test_batch_end(self, batch, logs=None):
        """Redraw evaluate's bar."""
        if not self._in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs=None):
        """Draw evaluate's results."""
        if not self._in_fit:
            self._finish(logs)

    def on_predict_begin(self, logs=None):
        """Start predict's bar."""
        self._new_bar()

    def on_predict_batch_end(self, batch, logs=None):
        """Redraw predict's bar (it shows no values)."""
        self._update(batch, None)

    def on_predict_end(self, logs=None):
        """End predict's bar."""
        self._finish(None)

    def _update(self, batch, logs):
        if self._bar is None:
            self._new_bar()
        self._seen = batch + 1
        self._bar.update(self._seen, [(k, v) for k, v in (logs or {}).items() if _shown(v)], finalize=False)

    def _finish(self, logs):
        if self._bar is None:
            self._new_bar()
        if self._bar.target is None:   # a generator's length is known once it has run out
            self._bar.target = self._seen
        self._bar.update(self._bar.target, [(k, v) for k, v in (logs or {}).items() if _shown(v)], finalize=True)


def _shown(value):
    """Whether a logged value is a number the bar can show (not a list of per-output values or a string)."""
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except (TypeError, ValueError):
        return False
