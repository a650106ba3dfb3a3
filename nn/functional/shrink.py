"""Shrinkage and thresholding activations: softshrink, hardshrink, tanhshrink and threshold, each a
composite of existing ops (so every device, higher-order gradient and ag.jit replay comes for free)."""
import autograd as ag
from autograd.ops import activation_forms as _forms
from autograd import complex_forms
from autograd.errors import ArgumentRangeError
from autograd.ops.dims import check_tensor
from autograd.nested_dispatch import nested_dispatch

from .activation import _float_input, _maybe_inplace


def softshrink(input, lambd=0.5):
    """x - lambd above lambd, x + lambd below -lambd, 0 between; gradient 1 outside [-lambd, lambd],
    0 inside, at its ends and at NaN (as PyTorch's vectorised kernel)."""
    _float_input("softshrink", input)
    top = ag.finfo(input.dtype).max
    if not 0 <= lambd <= top:   # NaN and inf fail too, as in PyTorch
        raise ArgumentRangeError(f"softshrink: lambda must be in range [0, {top:g}] for input dtype {input.dtype}, "
                                 f"but found {float(lambd):g}; lambd is the half-width of the band set to 0, a finite "
                                 "number >= 0")
    return _forms.softshrink(input, lambd)


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, 0 elsewhere (NaN stays NaN)."""
    if isinstance(input, ag.Tensor) and input.dtype.kind in "fV" and abs(lambd) != float("inf"):
        top = ag.finfo(input.dtype).max
        if abs(lambd) > top:   # PyTorch converts lambd to the input's dtype first, and refuses an overflow
            raise ArgumentRangeError(f"hardshrink: lambd={float(lambd):g} cannot be converted to {input.dtype} without "
                                     f"overflow (its largest value is {top:g}); pass a smaller lambd, or inf to "
                                     "zero every finite value")
    return _forms.hardshrink(input, lambd)


@nested_dispatch
def tanhshrink(input):
    """x - tanh(x) (an integer input gives a float result, as PyTorch)."""
    check_tensor("tanhshrink", input)
    return input - ag.tanh(input)


def threshold(input, threshold, value, inplace=False):
    """x where x > threshold, `value` elsewhere (into `input` with `inplace`); gradient 0 where replaced.
    An integer input keeps its dtype, with threshold and value truncated to integers as PyTorch does."""
    check_tensor("threshold", input)
    if complex_forms.active:
        complex_forms.refuse("threshold", input)
    return _maybe_inplace("threshold", lambda t: _forms.threshold(t, threshold, value), input, inplace)
