"""record_function: a named range in the profile, as a context manager or a decorator (PyTorch's)."""
import functools

from .. import profile_state


class record_function:
    """Mark the code inside `with record_function(name):` (or a function decorated with it) as one range
    named `name` in the active profile; does nothing while no profiler records. `args` is accepted as
    PyTorch's (extra text for the range) and kept in the event's trace arguments."""

    def __init__(self, name, args=None):
        if not isinstance(name, str):
            raise TypeError(f"record_function: name must be a str, got {type(name).__name__}")
        self.name = name
        self.args = args
        self._event = None
        self._recorder = None

    def __enter__(self):
        recorder = profile_state.recorder
        if profile_state.active and recorder is not None:
            self._recorder = recorder
            self._event = recorder.begin(self.name, "user_annotation")
        return self

    def __exit__(self, *exc):
        if self._event is not None:
            self._recorder.end(self._event)
            self._event = self._recorder = None
        return False

    def __call__(self, fn):
        """Use as a decorator: every call of `fn` is one range named `name`."""
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)
        return wrapped
