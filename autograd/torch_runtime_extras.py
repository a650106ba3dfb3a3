"""Small top-level PyTorch names about the runtime and a few tensor queries: the deterministic debug mode,
warn-always, the build flags (has_lapack, ...), get_device, is_storage, init_num_threads, nonzero_static,
torch._assert, and the Tensor methods nonzero_static, dim_order and const_data_ptr."""
import numbers

import numpy as np

from .determinism_api import (are_deterministic_algorithms_enabled, is_deterministic_algorithms_warn_only_enabled,
                              use_deterministic_algorithms)
from .ops.dims import check_tensor
from .ops.discrete import nonzero
from .ops.joining import cat
from .tensor import Tensor

#: the build questions PyTorch answers with flags: deepgrad's host kernels are NumPy's (LAPACK and FFT inside)
has_lapack = has_spectral = True
has_mkl = has_openmp = False

_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}
_warn_always = [False]


def get_deterministic_debug_mode():
    """0 when deterministic mode is off, 1 when it only warns, 2 when it errors (torch's debug-mode numbers)."""
    if not are_deterministic_algorithms_enabled():
        return 0
    return 1 if is_deterministic_algorithms_warn_only_enabled() else 2


def set_deterministic_debug_mode(debug_mode):
    """Set deterministic mode by PyTorch's debug-mode name or number: 'default'/0 off, 'warn'/1 on with
    warn_only, 'error'/2 on."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(f"set_deterministic_debug_mode: expected one of 'default', 'warn', 'error', got "
                               f"{debug_mode!r}")
        debug_mode = _DEBUG_MODES[debug_mode]
    if isinstance(debug_mode, bool) or not isinstance(debug_mode, numbers.Integral) or not 0 <= debug_mode <= 2:
        raise RuntimeError(f"set_deterministic_debug_mode: expected 0, 1 or 2 (or 'default', 'warn', 'error'), got "
                           f"{debug_mode!r}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def set_warn_always(b):
    """Remember whether warnings that PyTorch gives once should be given every time (deepgrad's follow
    Python's warning filters either way)."""
    _warn_always[0] = bool(b)


def is_warn_always_enabled():
    """The flag set by set_warn_always."""
    return _warn_always[0]


def init_num_threads():
    """Nothing to start: deepgrad's thread pools start when first used (as ag.set_num_threads sets them)."""


def compiled_with_cxx11_abi():
    """True: deepgrad has no C++ extension ABI of its own to mismatch (code that checks can go on)."""
    return True


def get_device(input):
    """input.get_device(): -1 for a host tensor, the CUDA device index otherwise."""
    return check_tensor("get_device", input).get_device()


def is_storage(obj):
    """False: deepgrad has no storage objects (a tensor's memory is its array)."""
    return False


def _assert(condition, message):
    """torch._assert: Python's assert as a function (torchvision's models call it): AssertionError(message) when
    `condition` (a bool or a one-element tensor) is false."""
    if not condition:
        raise AssertionError(message)


def nonzero_static(input, *, size, fill_value=-1):
    """The indices of input's non-zero elements as nonzero() gives them, cut or padded with `fill_value` rows to
    exactly `size` rows, so the shape does not depend on the values."""
    check_tensor("nonzero_static", input)
    if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 0:
        raise RuntimeError(f"nonzero_static: size must be a non-negative int, got {size!r}")
    found = nonzero(input)
    if found.shape[0] >= size:
        return found[:size]
    pad = Tensor._make(input.device.xp.full((size - found.shape[0], found.shape[1]), fill_value, dtype=np.int64),
                       input.device, None, 0, False)
    return cat([found, pad])


def dim_order(self):
    """The dims from outermost to innermost in memory (by decreasing stride; ties keep their order)."""
    strides = self.stride()
    return tuple(sorted(range(self.ndim), key=lambda d: -strides[d]))


def const_data_ptr(self):
    """The address of the first element, as data_ptr()."""
    return self.data_ptr()


TENSOR_METHODS = {"nonzero_static": nonzero_static, "dim_order": dim_order, "const_data_ptr": const_data_ptr}
