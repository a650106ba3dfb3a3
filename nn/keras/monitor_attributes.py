"""The attributes Keras 3's monitoring callbacks (EarlyStopping, ReduceLROnPlateau, ModelCheckpoint) expose, over
deepgrad's `Monitor` tracker: `best` (None until a value is recorded), `monitor_op` (None until the first epoch end
settles the direction, then `keras.ops.less` or `keras.ops.greater`), and `min_delta` (its absolute value, negated
once the direction settles as minimising, as Keras stores it). `mode` stays what was given ('auto' included)."""
from nn.callbacks.monitor import Monitor

from .monitor_direction import auto_mode, require_direction


class FirstValueMonitor(Monitor):
    """deepgrad's Monitor with Keras's rule for the first value: with nothing recorded yet, any value improves,
    NaN included (Keras's `_is_improvement` against a best of None), and a NaN best is then never beaten."""

    def reset(self):
        """Forget the best value; the next one recorded improves whatever it is."""
        super().reset()
        self.seen = False

    @property
    def best(self):
        """The best value recorded (the direction's infinity before the first)."""
        return self._best

    @best.setter
    def best(self, value):
        self._best, self.seen = value, True

    def improves(self, current, reference=None):
        """True when `current` beats `reference` (default: the best so far; always, before any is recorded)."""
        if reference is None and not self.seen:
            return True
        return super().improves(current, reference)


class MonitorAttributes:
    """Mixin for the keras monitoring callbacks; the class it is mixed into keeps a `tracker` (nn.callbacks'
    Monitor) that does the comparisons."""

    monitor_op = None
    tracker_class = FirstValueMonitor

    @property
    def best(self):
        """The best monitored value recorded (None before the first, as Keras)."""
        return self.tracker.best if self.tracker.seen else None

    @best.setter
    def best(self, value):
        if value is None:
            self.tracker.reset()
        else:
            self.tracker.best = value

    @property
    def min_delta(self):
        """The smallest change that counts as an improvement: negative once the direction is 'min', as Keras's."""
        value = self.__dict__.get("_min_delta", 0)
        return -value if self.monitor_op is not None and self.tracker.mode == "min" else value

    @min_delta.setter
    def min_delta(self, value):
        self.__dict__["_min_delta"] = abs(value)
        if "tracker" in self.__dict__:
            self.tracker.min_delta = abs(float(value))

    def settle_direction(self):
        """At an epoch end, as Keras's `_set_monitor_op` while `monitor_op` is None: refuse a monitor of unknown
        direction under mode='auto', turn the tracker to the watched metric's direction, and set monitor_op."""
        if self.monitor_op is not None:
            return
        require_direction(self)
        tracker = self.tracker
        if self.mode == "auto" and self.model is not None:
            mode = auto_mode(self.model, self.monitor)
            if mode is not None and mode != tracker.mode:
                best = self.best
                tracker.mode = mode
                tracker.reset()
                if best is not None:   # a threshold given before the direction was known stays the best
                    tracker.best = best
        from . import ops
        self.monitor_op = ops.less if tracker.mode == "min" else ops.greater
