"""EarlyStopping: end training once a monitored quantity stops improving."""
from .base import Callback
from .monitor import Monitor, known_mode, number_argument


class EarlyStopping(Callback):
    """Stop training when `monitor` has not improved by more than `min_delta` for `patience` epochs.

    - `mode`: 'min', 'max' or 'auto' (max for accuracy-like names, else min).
    - `baseline`: keep waiting until the value beats it (the patience counter runs meanwhile).
    - `restore_best_weights`: when training ends (stopped early or not), load the weights of the best
      epoch back into the model.
    - `start_from_epoch`: epochs (from 0) to let pass before watching.
    After training, `stopped_epoch` is the epoch training stopped at (0 if it ran to the end) and
    `best_epoch` the best one.
    """

    tracker_class = Monitor   #: what keeps the best value (the Keras surface swaps in its own rule)

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0, verbose=0):
        super().__init__()   # a negative patience stops as 0 does, as in Keras
        self.tracker = self.tracker_class("EarlyStopping", monitor, mode, min_delta)
        self.monitor = monitor   # the name, as Keras keeps it
        who = "EarlyStopping"
        if baseline is not None:
            number_argument(who, "baseline", baseline)
        self.mode, self.min_delta = known_mode(mode), abs(float(min_delta))
        self.patience, self.baseline = number_argument(who, "patience", patience, int), baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = number_argument(who, "start_from_epoch", start_from_epoch, int)
        self.verbose = verbose

    def on_train_begin(self, logs=None):
        """Start a fresh watch."""
        self.tracker.reset()
        self.wait, self.stopped_epoch, self.best_epoch = 0, 0, 0
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        """Record this epoch's value; ask the model to stop when patience has run out."""
        if epoch < self.start_from_epoch:
            return
        current = self.tracker.value(logs)
        self.wait += 1
        if self.tracker.improves(current):
            self.tracker.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = {k: v.numpy().copy() for k, v in self.model.state_dict().items()}
            if self.baseline is None or self.tracker.improves(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        """Restore the best weights if asked to, and report the stop."""
        if self.restore_best_weights and self.best_weights is not None:
            self.model.load_state_dict(self.best_weights)
        if self.verbose and self.stopped_epoch:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping "
                  f"(best {self.tracker.name} {self.tracker.best:.4g} at epoch {self.best_epoch + 1})")

    @property
    def best(self):
        """The best monitored value seen."""
        return self.tracker.best
