"""keras.callbacks: nn.callbacks under Keras's names, plus a ModelCheckpoint that writes model weights,
ProgbarLogger and BackupAndRestore. With `verbose`, they print Keras's messages."""
import math
import os
import warnings

import numpy as np

from ..callbacks import EarlyStopping as _NNEarlyStopping
from ..callbacks import ModelCheckpoint as _NNModelCheckpoint
from ..callbacks import LearningRateScheduler as _NNLearningRateScheduler
from ..callbacks import ReduceLROnPlateau as _NNReduceLROnPlateau
from ..callbacks import Callback, CSVLogger, TerminateOnNaN
from ..callbacks.base import HOOKS
from ..training.history import History
from .backup import BackupAndRestore
from .callbacks_tensorboard import TensorBoard
from .monitor_attributes import MonitorAttributes
from .progress import ProgbarLogger


class LambdaCallback(Callback):
    """A callback made of functions passed by hook name: `on_epoch_begin(epoch, logs)`, `on_epoch_end(epoch,
    logs)`, `on_train_begin(logs)`, `on_train_end(logs)`, `on_train_batch_begin(batch, logs)`,
    `on_train_batch_end(batch, logs)` (also as `on_batch_begin` / `on_batch_end`), and the other hooks of
    Callback by their names. Keyword arguments that name no hook become attributes, as in Keras."""

    _ALIASES = {"on_batch_begin": "on_train_batch_begin", "on_batch_end": "on_train_batch_end"}

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end, on_train_begin=on_train_begin,
                     on_train_end=on_train_end, on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end)
        for name, value in kwargs.items():
            hook = self._ALIASES.get(name, name)
            if hook in HOOKS:
                given[hook] = value
            else:
                setattr(self, name, value)
        for hook, function in given.items():
            if function is not None:
                if not callable(function):
                    raise TypeError(f"LambdaCallback: {hook} must be a function, got {type(function).__name__}")
                setattr(self, hook, function)


def _float32_rate(optimizer):
    """The rate as Keras's callbacks read it: from its float32 variable (0.1 reads 0.10000000149011612)."""
    return float(np.float32(optimizer.param_groups[0]["lr"]))


class ReduceLROnPlateau(MonitorAttributes, _NNReduceLROnPlateau):
    """nn.callbacks.ReduceLROnPlateau logging each epoch's rate as Keras 3 does, under 'learning_rate', with
    Keras's attributes (`best`, `monitor_op`, `min_delta`, `wait`, `cooldown_counter`)."""

    lr_log_key = "learning_rate"
    message = "\nEpoch {epoch}: ReduceLROnPlateau reducing learning rate to {lr}."
    _read_lr = staticmethod(_float32_rate)

    def _above_floor(self, lr):
        """Whether the float32 rate `lr` is above `min_lr` read in float32, as Keras compares them (a rate already
        at min_lr = 0.004 reads 0.004000000189989805, which is not lowered again)."""
        return lr > np.float32(self.min_lr)

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0, **kwargs):
        if kwargs:   # Keras takes any other keyword and ignores it; ours says so
            warnings.warn(f"ReduceLROnPlateau ignores the argument(s) {', '.join(sorted(kwargs))}, as Keras does",
                          stacklevel=2)
        super().__init__(monitor=monitor, factor=factor, patience=patience, mode=mode, min_delta=min_delta,
                         cooldown=cooldown, min_lr=min_lr, verbose=verbose)

    def on_epoch_end(self, epoch, logs=None):
        """Lower the rate on a plateau (mode='auto' follows the watched metric's direction; a monitored value
        missing from the logs warns and skips the epoch, as in Keras)."""
        self.settle_direction()
        if not _watched(self, logs, f"Learning rate reduction is conditioned on metric `{self.monitor}` which is "
                                    "not available."):
            if logs is not None:
                logs[self.lr_log_key] = self._read_lr(self.model.optimizer)
            return
        super().on_epoch_end(epoch, logs)


def _watched(callback, logs, message):
    """Whether the epoch logs hold the monitored value; if not, Keras's warning (`message` names the callback's
    use of it), and the callback skips this epoch instead of failing."""
    if callback.monitor in (logs or {}):
        return True
    warnings.warn(f"{message} Available metrics are: {','.join(logs or {})}", stacklevel=3)
    return False


def _epoch_or_epoch_and_rate(schedule):
    """`schedule(epoch, lr)`, or `schedule(epoch)` for a one-argument schedule (Keras takes both: it tries the
    first and falls back to the second on a TypeError)."""
    def called(epoch, lr):
        try:
            return schedule(epoch, lr)
        except TypeError:
            return schedule(epoch)
    called.__wrapped__ = schedule
    return called


class LearningRateScheduler(_NNLearningRateScheduler):
    """nn.callbacks.LearningRateScheduler logging each epoch's rate as Keras 3 does, under 'learning_rate'."""

    lr_log_key = "learning_rate"
    message = "\nEpoch {epoch}: LearningRateScheduler setting learning rate to {lr}."
    _read_lr = staticmethod(_float32_rate)

    def __init__(self, schedule, verbose=0):
        plain = callable(schedule) and not hasattr(schedule, "step")   # not an nn.optim.lr_scheduler object
        super().__init__(_epoch_or_epoch_and_rate(schedule) if plain else schedule, verbose=verbose)

    def on_epoch_end(self, epoch, logs=None):
        """Log the rate the optimizer has now, as Keras does (lowered already if a callback before this one
        lowered it at this epoch's end)."""
        super().on_epoch_end(epoch, logs)
        if logs is not None:
            logs[self.lr_log_key] = self._read_lr(self.model.optimizer)


class EarlyStopping(MonitorAttributes, _NNEarlyStopping):
    """nn.callbacks.EarlyStopping with Keras's messages when training ends, and Keras's attributes: `wait` and
    `stopped_epoch` from construction, `best_weights` as model.get_weights() gives them (a list of arrays),
    `best`, `monitor_op`, `min_delta`."""

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor=monitor, min_delta=min_delta, patience=patience, mode=mode, baseline=baseline,
                         restore_best_weights=restore_best_weights, start_from_epoch=start_from_epoch,
                         verbose=verbose)
        self.wait, self.stopped_epoch, self.best_weights = 0, 0, None
        self.min_delta = min_delta   # as given (an int stays an int), as Keras keeps it

    def get_monitor_value(self, logs):
        """The monitored value in `logs` (None, with Keras's warning, when it is missing)."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                          f"Available metrics are: {','.join(list(logs.keys()))}", stacklevel=2)
        return value

    def on_epoch_end(self, epoch, logs=None):
        """Watch this epoch's value (mode='auto' follows the watched metric's direction; a monitored value missing
        from the logs warns and skips the epoch, as in Keras)."""
        self.settle_direction()
        if not _watched(self, logs, f"Early stopping conditioned on metric `{self.monitor}` which is not available."):
            return
        super().on_epoch_end(epoch, logs)
        if isinstance(self.best_weights, dict):   # the base keeps a state_dict; Keras's attribute is a list
            self.best_weights = self.model.get_weights()

    def on_train_end(self, logs=None):
        """Report the stop, and restore the best weights if asked to."""
        if self.verbose and self.stopped_epoch > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class ModelCheckpoint(MonitorAttributes, _NNModelCheckpoint):
    """Save the model at the end of each epoch, or every `save_freq` training batches when that is a number, or
    only when `monitor` improves with save_best_only: the whole model (model.save) to a name ending in '.keras'
    (or '.h5', Keras's legacy HDF5 file) unless save_weights_only, else its weights (model.save_weights). `filepath` may hold {epoch},
    {batch} (counted from 1 within the epoch, with an integer save_freq) and log fields, e.g.
    'ckpt/{epoch:02d}-{val_loss:.2f}.weights.h5'. As Keras's, `best` starts at initial_value_threshold and carries
    over from one fit to the next."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)):
            raise ValueError(f"ModelCheckpoint: unrecognized save_freq={save_freq!r}; pass 'epoch' (save after each "
                             "epoch) or an integer (save after that many training batches)")
        name = os.fspath(filepath)
        if save_weights_only and not name.endswith(".weights.h5"):
            raise ValueError("ModelCheckpoint(save_weights_only=True): the filepath must end in `.weights.h5` (Keras's "
                             f"weights format); received filepath={name}")
        if not save_weights_only and not name.endswith((".keras", ".h5")):
            raise ValueError("ModelCheckpoint: the filepath must end in `.keras` (the whole model), or pass "
                             f"save_weights_only=True and a name ending in `.weights.h5`; received filepath={name}")
        super().__init__(filepath, monitor=monitor, save_best_only=save_best_only, mode=mode, verbose=verbose)
        self.save_weights_only = save_weights_only
        self.initial_value_threshold = initial_value_threshold
        self.min_delta = 0
        self.best = initial_value_threshold
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0

    def on_train_begin(self, logs=None):
        """Nothing: the best value is kept from the last fit, as Keras keeps it."""

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        """With an integer save_freq: save once that many batches have passed since the last save (the count
        runs on across epochs, as in Keras)."""
        if self.save_freq == "epoch":
            return
        new_epoch = self._last_batch_seen is None or batch <= self._last_batch_seen
        self._batches_seen_since_last_saving += batch + 1 if new_epoch else batch - self._last_batch_seen
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        """Save when due (with save_freq='epoch')."""
        self.settle_direction()
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _save(self, epoch, batch, logs):
        """Save, saying so as Keras does with verbose (with save_best_only and the monitored value missing from
        the logs: warn, and save)."""
        logs = dict(logs or {})
        path = self._path(epoch, logs if batch is None or "batch" in logs else {**logs, "batch": batch + 1})
        if self.save_best_only and not _watched(self, logs, f"Can save best model only with {self.monitor} available."):
            pass   # Keras saves every epoch then
        elif self.save_best_only:
            current = self.tracker.value(logs)
            best = "None" if self.best is None else f"{self.best:.5f}"
            if not self.tracker.improves(current):
                self._say(f"\nEpoch {epoch + 1}: {self.tracker.name} did not improve from {best}")
                return
            self._say(f"\nEpoch {epoch + 1}: {self.tracker.name} improved from {best} to {current:.5f}, saving "
                      f"model to {path}")
            self.tracker.best = current
        else:
            self._say(f"\nEpoch {epoch + 1}: saving model to {path}")
        if os.path.dirname(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        self._write(path, epoch, logs)
        self.last_path = path
        self._say(f"\nEpoch {epoch + 1}: finished saving model to {path}")

    def _path(self, epoch, logs):
        """The filepath filled from the epoch (counted from 1) and the logs; a field that is neither raises KeyError,
        as in Keras."""
        try:
            return self.filepath.format(epoch=epoch + 1, **logs)
        except KeyError as exc:
            raise KeyError(f'ModelCheckpoint: failed to format the filepath "{self.filepath}": it names the field '
                           f"{exc}, which is not among 'epoch'{', ' if logs else ''}{', '.join(map(repr, logs))}"
                           f"{' (batch needs an integer save_freq)' if exc.args[0] == 'batch' else ''}") from None

    def _say(self, text):
        if self.verbose:
            print(text)

    def _write(self, path, epoch, logs):
        if not self.save_weights_only:   # '.keras', or a legacy HDF5 whole model for '.h5', as Keras
            self.model.save(path)
        else:
            self.model.save_weights(path)


from .callbacks_extra import CallbackList, SwapEMAWeights  # noqa: E402
from .callbacks_remote import RemoteMonitor  # noqa: E402

__all__ = ["Callback", "History", "EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau", "CSVLogger",
           "LearningRateScheduler", "TerminateOnNaN", "LambdaCallback", "ProgbarLogger", "BackupAndRestore",
           "CallbackList", "SwapEMAWeights", "TensorBoard", "RemoteMonitor"]
