"""keras.callbacks: nn.callbacks under Keras's names, plus a ModelCheckpoint that writes model weights."""
import os

from ..callbacks import (Callback, CSVLogger, EarlyStopping, LearningRateScheduler, ReduceLROnPlateau,
                         TerminateOnNaN)
from ..callbacks.monitor import Monitor
from ..training.history import History


class ModelCheckpoint(Callback):
    """Save the model's weights (model.save_weights, safetensors) at the end of each epoch, or only when
    `monitor` improves with save_best_only. `filepath` may hold {epoch} and log fields, e.g.
    'ckpt/{epoch:02d}-{val_loss:.2f}.weights.h5'. Whole-model .keras files are not written: the weights are."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__()
        if save_freq != "epoch":
            raise ValueError("ModelCheckpoint: only save_freq='epoch' is supported")
        self.filepath, self.verbose, self.save_best_only = os.fspath(filepath), verbose, save_best_only
        self.monitor = Monitor("ModelCheckpoint", monitor, mode, 0.0)
        self.initial_value_threshold = initial_value_threshold

    def on_train_begin(self, logs=None):
        """Start a fresh best value."""
        self.monitor.reset()
        if self.initial_value_threshold is not None:
            self.monitor.best = self.initial_value_threshold

    def on_epoch_end(self, epoch, logs=None):
        """Write the weights when due."""
        logs = dict(logs or {})
        if self.save_best_only:
            current = self.monitor.value(logs)
            if not self.monitor.improves(current):
                return
            self.monitor.best = current
        path = self.filepath.format(epoch=epoch + 1, **logs)
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        self.model.save_weights(path)
        if self.verbose:
            print(f"Epoch {epoch + 1}: saving model to {path}")


__all__ = ["Callback", "History", "EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau", "CSVLogger",
           "LearningRateScheduler", "TerminateOnNaN"]
