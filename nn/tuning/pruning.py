"""PruningCallback: report each epoch's validation metric to an Optuna trial and stop the training of a
trial that the study's pruner finds unpromising."""
from ..callbacks.base import Callback


class PruningCallback(Callback):
    """A fit callback for an Optuna `trial`: after each epoch, report logs[monitor] as the trial's value
    at that step (the epoch number) and, when the study's pruner says so, stop training. The last
    epoch is reported but never pruned (its result is complete). After fit, `pruned` tells whether
    the trial was stopped and `pruned_epoch` at which epoch; the caller then raises optuna.TrialPruned.
    """

    def __init__(self, trial, monitor="val_loss"):
        super().__init__()
        self.trial, self.monitor = trial, monitor
        self.pruned, self.pruned_epoch = False, None

    def on_train_begin(self, logs=None):
        """Start unpruned."""
        self.pruned, self.pruned_epoch = False, None

    def on_epoch_end(self, epoch, logs=None):
        """Report the epoch's value; ask the model to stop when the pruner finds the trial unpromising."""
        logs = logs or {}
        if self.monitor not in logs:
            raise ValueError(f"PruningCallback: monitor {self.monitor!r} is not in the epoch logs; available: "
                             f"{', '.join(sorted(logs)) or 'none'} (validation values need validation_data; "
                             "a metric must be compiled: model.compile(..., metrics=[...]))")
        self.trial.report(float(logs[self.monitor]), epoch)
        last = epoch + 1 >= self.params.get("epochs", epoch + 2)
        if not last and self.trial.should_prune():
            self.pruned, self.pruned_epoch = True, epoch
            self.model.stop_training = True
