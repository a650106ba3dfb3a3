"""Thread-local switches: whether operations record a graph, and anomaly detection."""
import functools
import threading
import weakref

import numpy as np


class _State(threading.local):
    enabled = True
    anomaly = False
    inference = False
    #: anomaly or inference: the one switch an op reads before doing either's extra work on its outputs
    watch = False


state = _State()


class InferenceCell(list):
    """The version cell every inference tensor shares (PyTorch's inference tensors keep no version counter):
    `t._vc is INFERENCE` is how Tensor.is_inference() tells them apart, so ordinary tensors carry nothing
    extra. In-place changes outside inference_mode are refused before they write (Tensor._writable)."""

    def __getitem__(self, index):
        return 0

    def __setitem__(self, index, value):
        pass


INFERENCE = InferenceCell([0])


class inference_tensors:
    """Whether any inference tensor is alive (process-wide): only then do ops that record a graph check that
    they save none for backward, so ordinary execution pays nothing once inference results are freed."""
    made = False
    refs = set()


def make_inference(t):
    """Mark tensor `t` as an inference tensor, and count it alive until it is freed."""
    t._vc = INFERENCE
    inference_tensors.refs.add(weakref.ref(t, _forget))
    inference_tensors.made = True


def _forget(ref):
    refs = inference_tensors.refs
    refs.discard(ref)
    if not refs:
        inference_tensors.made = False


def _rewatch():
    state.watch = state.anomaly or state.inference


def is_grad_enabled():
    """True when operations on tensors that require gradients record a graph (this thread)."""
    return state.enabled


def is_inference_mode_enabled():
    """True inside an `inference_mode()` block (and not in an `inference_mode(False)` within it)."""
    return state.inference


class _GradModeSwitch:
    """Context manager and decorator that sets grad mode for its block and restores it after."""

    _mode = True

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self._mode
        return self

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradModeSwitch):
    """Block (or decorated function) in which no graph is recorded: for inference and updates."""

    _mode = False


class enable_grad(_GradModeSwitch):
    """Block (or decorated function) in which graphs are recorded again, even inside no_grad."""

    _mode = True


class set_grad_enabled(_GradModeSwitch):
    """Set grad mode to `mode`: at once when called (`ag.set_grad_enabled(False)`), and back to the previous
    mode at the end of a `with` block or a decorated function, as in PyTorch."""

    def __init__(self, mode):
        if not isinstance(mode, bool) and type(mode).__name__ != "bool_":   # PyTorch takes no 1 or 0 either
            raise TypeError(f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, not "
                            f"{type(mode).__name__}; pass True or False")
        self._mode = bool(mode)
        self._before_call = state.enabled
        state.enabled = self._mode

    def __exit__(self, *exc):
        state.enabled = self._before_call
        return False

    def __call__(self, fn):
        state.enabled = self._before_call   # as a decorator it only acts while the function runs
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return wrapper


class inference_mode(_GradModeSwitch):
    """PyTorch's inference_mode: like no_grad for its block or decorated function (`mode=False`: grad mode on,
    even inside no_grad or inference_mode, as PyTorch's InferenceMode(false) sets it). Tensors made inside are
    inference tensors (Tensor.is_inference()): a graph that would save one for backward refuses it, and changing
    one in place outside inference_mode raises, as in PyTorch."""

    def __init__(self, mode=True):
        self._enabled = bool(mode)

    def __enter__(self):
        self._prev, self._prev_inference = state.enabled, state.inference
        state.enabled = not self._enabled
        state.inference = self._enabled
        _rewatch()
        return self

    def __exit__(self, *exc):
        state.enabled, state.inference = self._prev, self._prev_inference
        _rewatch()
        return False

    def __call__(self, fn):
        enabled = self._enabled

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(enabled):
                return fn(*args, **kwargs)
        return wrapper


def bool_flag(call, name, value):
    """`value`, a bool as PyTorch's switches (anomaly detection) require; anything else is its TypeError."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{call}(): argument '{name}' must be bool, not {type(value).__name__} ({value!r}); pass "
                        "True or False")
    return value


class detect_anomaly:
    """Block in which the first NaN or inf produced in forward or backward raises, naming the op (with
    check_nan=False, as in PyTorch, nothing raises)."""

    def __init__(self, check_nan=True):
        self._enabled = bool(bool_flag("detect_anomaly", "check_nan", check_nan))

    def __enter__(self):
        self._prev = state.anomaly
        state.anomaly = self._enabled
        _rewatch()
        return self

    def __exit__(self, *exc):
        state.anomaly = self._prev
        _rewatch()
        return False
