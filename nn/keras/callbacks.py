"""keras.callbacks: nn.callbacks under Keras's names, plus a ModelCheckpoint that writes model weights."""
from ..callbacks import ModelCheckpoint as _NNModelCheckpoint
from ..callbacks import LearningRateScheduler as _NNLearningRateScheduler
from ..callbacks import ReduceLROnPlateau as _NNReduceLROnPlateau
from ..callbacks import Callback, CSVLogger, EarlyStopping, TerminateOnNaN
from ..training.history import History


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
           "LearningRateScheduler", "TerminateOnNaN"]
