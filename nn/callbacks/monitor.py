"""Monitor: reads one quantity from the epoch logs and tells whether it improved, for the callbacks
that watch a metric (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau)."""
import math
import numbers
import warnings

from autograd.errors import ArgumentKindError

# quantities where higher is better, for mode="auto" (validation names have a 'val_' prefix)
_HIGHER_IS_BETTER = ("acc", "accuracy", "precision", "recall", "f1", "auc")


def known_mode(mode):
    """`mode` where it is 'auto', 'min' or 'max', else 'auto' (what Monitor falls back to, with its warning)."""
    return mode if mode in ("auto", "min", "max") else "auto"


def number_argument(who, name, value, kind=float):
    """`value` as `kind` (int or float); a clear error naming the callback and the argument when it is not a real
    number (a string would otherwise fail later, or inside int() with a message that names neither)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, numbers.Real):
        raise ArgumentKindError(f"{who}: {name} must be a number, got {type(value).__name__} {value!r}; pass e.g. "
                                f"{name}={kind(1)!r}")
    return kind(value)


class Monitor:
    """Tracks the best value of `logs[name]`; `mode` 'min', 'max' or 'auto' (max for accuracy-like names)."""

    def __init__(self, who, name, mode="auto", min_delta=0.0):
        if mode not in ("auto", "min", "max"):
            # as Keras: an unknown mode warns and falls back to 'auto' (the callback still runs)
            warnings.warn(f"{who} mode {mode} is unknown, fallback to auto mode (pass 'auto', 'min' or 'max')",
                          stacklevel=3)
            mode = "auto"
        if mode == "auto":
            base = name[4:] if name.startswith("val_") else name
            higher = base in _HIGHER_IS_BETTER or base.endswith("_accuracy")
            mode = "max" if higher else "min"
        self.who, self.name, self.mode = who, name, mode
        self.min_delta = abs(number_argument(who, "min_delta", min_delta))
        self.reset()

    def reset(self):
        """Forget the best value."""
        self.best = math.inf if self.mode == "min" else -math.inf

    def value(self, logs):
        """The monitored quantity in `logs`; a clear error when it is not there."""
        logs = logs or {}
        if self.name not in logs:
            hint = " (validation values need validation_data or validation_split in fit)" \
                if self.name.startswith("val_") else ""
            raise ValueError(f"{self.who}: monitor {self.name!r} is not in the epoch logs; available: "
                             f"{', '.join(sorted(logs)) or 'none'}{hint}")
        return float(logs[self.name])

    def improves(self, current, reference=None):
        """True when `current` beats `reference` (default: the best so far) by more than min_delta."""
        reference = self.best if reference is None else reference
        if math.isnan(current):
            return False
        if self.mode == "min":
            return current < reference - self.min_delta
        return current > reference + self.min_delta
