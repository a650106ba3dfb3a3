"""ModelCheckpoint: save the model's weights (safetensors, through nn.save) after epochs."""
import os

from ..serialization import save
from .base import Callback
from .monitor import Monitor, known_mode


class ModelCheckpoint(Callback):
    """Save `model.state_dict()` to `filepath` at the end of each epoch.

    `filepath` may hold format fields filled from the epoch (counted from 1) and its logs, e.g.
    "ckpt/epoch{epoch:02d}-{val_loss:.3f}.safetensors". With `save_best_only`, a file is written only when
    `monitor` improves on the best so far (mode 'min', 'max' or 'auto' as in EarlyStopping). Load a
    checkpoint back with `model.load_state_dict(nn.load(path))`. `last_path` is the latest file written.
    """

    main_process_only = True  # under mpiexec, fit runs it on rank 0 only (one file, not one per rank)
    #: what verbose prints after each file it writes
    message = "Epoch {epoch}: saved weights to {path}"

    tracker_class = Monitor   #: what keeps the best value (the Keras surface swaps in its own rule)

    def __init__(self, filepath, monitor="val_loss", save_best_only=False, mode="auto", min_delta=0.0,
                 verbose=0):
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.tracker = self.tracker_class("ModelCheckpoint", monitor, mode, min_delta)
        self.monitor = monitor   # the name, as Keras keeps it
        self.mode = known_mode(mode)
        self.save_best_only, self.verbose = save_best_only, verbose
        self.last_path = None

    @property
    def best(self):
        """The best monitored value seen."""
        return self.tracker.best

    def on_train_begin(self, logs=None):
        """Start a fresh best value."""
        self.tracker.reset()

    def on_epoch_end(self, epoch, logs=None):
        """Write the weights when due."""
        logs = dict(logs or {})
        if self.save_best_only:
            current = self.tracker.value(logs)
            if not self.tracker.improves(current):
                return
            self.tracker.best = current
        path = self._path(epoch, logs)
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        self._write(path, epoch, logs)
        self.last_path = path
        if self.verbose:
            print(self.message.format(epoch=epoch + 1, path=path))

    def _write(self, path, epoch, logs):
        """Write the weights to `path` (the state_dict, with the epoch and its logs as metadata)."""
        metadata = {"epoch": str(epoch + 1), **{k: repr(float(v)) for k, v in logs.items()}}
        save(self.model.state_dict(), path, metadata=metadata)

    def _path(self, epoch, logs):
        try:
            return self.filepath.format(epoch=epoch + 1, **logs)
        except (KeyError, IndexError) as exc:
            raise ValueError(f"ModelCheckpoint: filepath {self.filepath!r} uses the field {exc}, which is not "
                             f"among 'epoch' and the logs ({', '.join(sorted(logs))})") from None
