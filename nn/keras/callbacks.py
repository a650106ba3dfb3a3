"""keras.callbacks: nn.callbacks under Keras's names, plus a ModelCheckpoint that writes model weights,
ProgbarLogger and BackupAndRestore."""
from ..callbacks import ModelCheckpoint as _NNModelCheckpoint
from ..callbacks import LearningRateScheduler as _NNLearningRateScheduler
from ..callbacks import ReduceLROnPlateau as _NNReduceLROnPlateau
from ..callbacks import Callback, CSVLogger, EarlyStopping, TerminateOnNaN
from ..callbacks.base import HOOKS
from ..training.history import History
from .backup import BackupAndRestore
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


class ReduceLROnPlateau(_NNReduceLROnPlateau):
    """nn.callbacks.ReduceLROnPlateau logging each epoch's rate as Keras 3 does, under 'learning_rate'."""

    lr_log_key = "learning_rate"


class LearningRateScheduler(_NNLearningRateScheduler):
    """nn.callbacks.LearningRateScheduler logging each epoch's rate as Keras 3 does, under 'learning_rate'."""

    lr_log_key = "learning_rate"


class ModelCheckpoint(_NNModelCheckpoint):
    """Save the model at the end of each epoch, or only when `monitor` improves with save_best_only: the whole
    model (model.save) to a name ending in '.keras' unless save_weights_only, else its weights
    (model.save_weights, safetensors). `filepath` may hold {epoch} and log fields, e.g.
    'ckpt/{epoch:02d}-{val_loss:.2f}.weights.h5'."""

    message = "Epoch {epoch}: saving model to {path}"

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        if save_freq != "epoch":
            raise ValueError("ModelCheckpoint: only save_freq='epoch' is supported")
        super().__init__(filepath, monitor=monitor, save_best_only=save_best_only, mode=mode, verbose=verbose)
        self.save_weights_only = save_weights_only
        self.initial_value_threshold = initial_value_threshold

    def on_train_begin(self, logs=None):
        """Start a fresh best value (initial_value_threshold when given)."""
        super().on_train_begin(logs)
        if self.initial_value_threshold is not None:
            self.monitor.best = self.initial_value_threshold

    def _write(self, path, epoch, logs):
        if not self.save_weights_only and str(path).endswith(".keras"):
            self.model.save(path)
        else:
            self.model.save_weights(path)


__all__ = ["Callback", "History", "EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau", "CSVLogger",
           "LearningRateScheduler", "TerminateOnNaN", "LambdaCallback", "ProgbarLogger", "BackupAndRestore"]
