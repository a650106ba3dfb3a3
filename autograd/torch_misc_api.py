"""Small top-level names of PyTorch's namespace: the constants (inf, nan, pi, e, newaxis), scalar_tensor,
the deprecated inclusive `range`, typename, the anomaly and thread switches, the
complex-number functions, and `random` (torch.random's seeding functions and fork_rng)."""
import contextlib
import math
import types
import warnings

import numpy as np

from .creation import arange, full
from .dtypes import get_default_dtype
from .grad_mode import state
from .ops.complex_ops import (angle, complex, conj, conj_transpose as adjoint, imag, is_conj, isreal, polar, real,
                               view_as_complex, view_as_real)
from .random_api import get_rng_state, initial_seed, seed, set_rng_state
from .creation import manual_seed
from .tensor import Tensor

inf, nan, pi, e = math.inf, math.nan, math.pi, math.e
newaxis = None
_interop_threads = [1]


def scalar_tensor(s, dtype=None, device=None, requires_grad=False):
    """A 0-d tensor holding the number `s` (the default float dtype unless given, as in PyTorch)."""
    return full((), s, dtype=dtype or get_default_dtype(), device=device, requires_grad=requires_grad)


def range(start=0, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Deprecated in PyTorch: values from start to end INCLUSIVE, in the default float dtype; use arange."""
    warnings.warn("range is deprecated (as torch.range is): it includes `end`, unlike Python's range; use "
                  "arange(start, end) for [start, end)", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    count = int(math.floor((end - start) / step)) + 1
    values = arange(count, dtype=np.float64) * step + start
    return values.to(dtype or get_default_dtype()).to(device or values.device).requires_grad_(requires_grad)


def typename(obj):
    """The type's name as PyTorch writes it: 'torch.FloatTensor' for a float32 tensor, the qualified class name
    otherwise ('int', 'numpy.ndarray')."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = obj if isinstance(obj, type) else type(obj)
    module = cls.__module__
    return cls.__qualname__ if module in ("builtins", None) else f"{module}.{cls.__qualname__}"


def set_anomaly_enabled(mode, check_nan=True):
    """Switch anomaly detection (the first NaN or inf in forward or backward raises, naming the op) on or off."""
    state.anomaly = bool(mode)
    state.watch = state.anomaly or state.inference


def is_anomaly_enabled():
    """True while anomaly detection is on."""
    return bool(state.anomaly)


def is_anomaly_check_nan_enabled():
    """True while anomaly detection checks for NaN (always, when it is on)."""
    return bool(state.anomaly)


def set_flush_denormal(mode):
    """False: NumPy offers no switch for flushing denormal numbers to zero, so nothing is changed."""
    return False


def get_num_interop_threads():
    """The inter-op thread count (deepgrad runs ops one after another: a setting kept for PyTorch code)."""
    return _interop_threads[0]


def set_num_interop_threads(count):
    """Record the inter-op thread count (ops already run one at a time; parallelism inside ops follows
    set_num_threads)."""
    if not isinstance(count, int) or count < 1:
        raise ValueError(f"set_num_interop_threads: expected a positive integer, got {count!r}")
    _interop_threads[0] = count


def is_signed(input):
    """True for dtypes that hold negative numbers (floats, complex and signed integers)."""
    return input.is_signed()


def is_same_size(input, other):
    """True when the two tensors have the same shape."""
    return input.is_same_size(other)


def resolve_conj(input):
    """The tensor itself: conj() here makes a new tensor, so no lazy conjugate is pending."""
    return input


resolve_neg = resolve_conj
conj_physical = conj


@contextlib.contextmanager
def _fork_rng(devices=None, enabled=True, device_type="cuda"):
    """A block after which the random generator is back in the state it had before it."""
    if not enabled:
        yield
        return
    saved = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(saved)


random = types.ModuleType(__name__.rsplit(".", 1)[0] + ".random",
                          "torch.random's names: seeding, generator state, and fork_rng.")
random.manual_seed, random.seed, random.initial_seed = manual_seed, seed, initial_seed
random.get_rng_state, random.set_rng_state, random.fork_rng = get_rng_state, set_rng_state, _fork_rng
