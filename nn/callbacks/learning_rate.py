"""Callbacks that change the learning rate: LearningRateScheduler and ReduceLROnPlateau."""
from autograd.errors import ArgumentKindError

from ..optim.lr_scheduler import LRScheduler
from ..optim.lr_scheduler import ReduceLROnPlateau as PlateauScheduler
from .base import Callback
from .monitor import Monitor, known_mode, number_argument


def _optimizer(model, who):
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise ValueError(f"{who}: the model has no optimizer; call model.compile(optimizer, loss) before fit")
    return optimizer


def _current_lr(optimizer):
    """The optimiser's rate, as callbacks read it (Keras's callbacks read it from a float32 variable)."""
    return optimizer.param_groups[0]["lr"]


def _set_lr(optimizer, lr):
    for group in optimizer.param_groups:
        group["lr"] = lr


class LearningRateScheduler(Callback):
    """Set the learning rate every epoch from `schedule`, which is either

    - a function `schedule(epoch, lr) -> new_lr` (epoch from 0, lr the current one), called before each
      epoch and applied to every param group, or
    - an `nn.optim.lr_scheduler` object built on `model.optimizer`, stepped after each epoch
      (a ReduceLROnPlateau one with the epoch's `monitor` value).
    The lr in use during the epoch is recorded in the logs under `lr_log_key` ('lr').
    """

    lr_log_key = "lr"
    #: what verbose prints when an epoch's rate is set
    message = "Epoch {epoch}: learning rate {lr:.4g}"

    def __init__(self, schedule, monitor="val_loss", verbose=0):
        super().__init__()
        is_scheduler = isinstance(schedule, (LRScheduler, PlateauScheduler))
        if not is_scheduler and not callable(schedule):
            raise TypeError(f"LearningRateScheduler: schedule must be a function (epoch, lr) -> lr or an "
                            f"nn.optim.lr_scheduler object, got {type(schedule).__name__}")
        self.schedule, self.is_scheduler, self.verbose = schedule, is_scheduler, verbose
        self.tracker = Monitor("LearningRateScheduler", monitor) if isinstance(schedule, PlateauScheduler) else None

    def on_train_begin(self, logs=None):
        """Check that the schedule drives this model's optimiser."""
        optimizer = _optimizer(self.model, "LearningRateScheduler")
        if self.is_scheduler and self.schedule.optimizer is not optimizer:
            raise ValueError("LearningRateScheduler: the scheduler was built on another optimizer than "
                             "model.optimizer, so it would not change training; build it on model.optimizer "
                             "(after compile)")

    def on_epoch_begin(self, epoch, logs=None):
        """Apply a function schedule."""
        optimizer = self.model.optimizer
        self._lr = self._read_lr(optimizer)
        if not self.is_scheduler:
            lr = self.schedule(epoch, self._lr)
            try:
                lr = float(lr)
            except (TypeError, ValueError):
                raise ArgumentKindError(f"LearningRateScheduler: schedule({epoch}, {self._lr}) returned {lr!r}; it "
                                        "must return a number (the output of the `schedule` function should be a "
                                        "float)") from None
            _set_lr(optimizer, lr)
            self._lr = lr
            if self.verbose:
                print(self.message.format(epoch=epoch + 1, lr=lr))

    _read_lr = staticmethod(_current_lr)

    def on_epoch_end(self, epoch, logs=None):
        """Record the lr and step a scheduler object."""
        if logs is not None:
            logs[self.lr_log_key] = self._lr
        if isinstance(self.schedule, PlateauScheduler):
            self.schedule.step(self.tracker.value(logs))
        elif self.is_scheduler:
            self.schedule.step()


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by `factor` once `monitor` has not improved by more than `min_delta`
    for `patience` epochs, then wait `cooldown` epochs before watching again; never below `min_lr`.
    The lr of each epoch is recorded in the logs under `lr_log_key` ('lr')."""

    lr_log_key = "lr"
    #: what verbose prints when the rate is lowered
    message = "Epoch {epoch}: ReduceLROnPlateau lowered the learning rate to {lr:.4g}"

    tracker_class = Monitor   #: what keeps the best value (the Keras surface swaps in its own rule)

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, mode="auto", min_delta=1e-4, cooldown=0,
                 min_lr=0.0, verbose=0):
        super().__init__()
        who = "ReduceLROnPlateau"
        factor, patience, cooldown, min_lr = (number_argument(who, name, value, kind) for name, value, kind in (
            ("factor", factor, float), ("patience", patience, int), ("cooldown", cooldown, int),
            ("min_lr", min_lr, float)))
        if not 0.0 < factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be in (0, 1), got {factor}")
        self.tracker = self.tracker_class("ReduceLROnPlateau", monitor, mode, min_delta)
        self.monitor = monitor   # the name, as Keras keeps it
        self.mode, self.min_delta = known_mode(mode), min_delta
        self.factor, self.patience, self.cooldown = float(factor), int(patience), int(cooldown)
        self.min_lr, self.verbose = float(min_lr), verbose
        self.wait = self.cooldown_counter = 0   # readable before training, as Keras's

    @property
    def best(self):
        """The best monitored value seen."""
        return self.tracker.best

    def on_train_begin(self, logs=None):
        """Start a fresh watch."""
        _optimizer(self.model, "ReduceLROnPlateau")
        self.tracker.reset()
        self.wait = self.cooldown_counter = 0

    def on_epoch_end(self, epoch, logs=None):
        """Record the lr, and lower it if the monitored value has plateaued."""
        optimizer = self.model.optimizer
        lr = float(self._read_lr(optimizer))
        if logs is not None:
            logs[self.lr_log_key] = lr
        current = self.tracker.value(logs)
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.tracker.improves(current):
            self.tracker.best, self.wait = current, 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            if self.wait >= self.patience and self._above_floor(lr):
                new_lr = max(lr * self.factor, self.min_lr)
                _set_lr(optimizer, new_lr)
                self.cooldown_counter, self.wait = self.cooldown, 0
                if self.verbose:
                    print(self.message.format(epoch=epoch + 1, lr=new_lr))

    def _above_floor(self, lr):
        """Whether the rate `lr` (as `_read_lr` gave it) can still be lowered."""
        return lr > self.min_lr

    _read_lr = staticmethod(_current_lr)
