"""torch.special's Bessel functions of the first and second kind (bessel_j0/j1/y0/y1), the modified Bessel
functions (modified_bessel_i0/i1/k0/k1, scaled_modified_bessel_k0/k1), spherical_bessel_j0 and airy_ai.

As in PyTorch none of them is differentiable: their results never require grad (backward through them stops,
exactly where PyTorch's does). They evaluate through SciPy where it is installed and through our own kernels
elsewhere (backends/array_kernels/scipy_special.py), so every device runs them.
"""
import numpy as np

from backends.array_kernels import scipy_special

from .dims import check_tensor
from .elementwise import _floating
from .no_grad_op import no_grad_op

# sin(x) / x = 1 - x^2/3! + x^4/5! - ...: the series PyTorch uses below |x| = 1/2
_SINC_SERIES = (1.0, -1.0 / 6.0, 1.0 / 120.0, -1.0 / 5040.0, 1.0 / 362880.0, -1.0 / 39916800.0, 1.0 / 6227020800.0)


def _real_floating(name, input):
    check_tensor(name, input)
    x = _floating(input)
    if x.dtype.kind != "f":
        raise TypeError(f"{name}: expects a real (float or integer) tensor, got dtype {x.dtype}; "
                        "apply it to the real and imaginary parts separately if that is what you mean")
    return x


def _scipy_op(name, doc):
    def op(input):
        x = _real_floating(name, input)
        return no_grad_op(name, lambda xp, a: scipy_special.evaluate(xp, name, a), x)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc + " Not differentiable (as in PyTorch)."
    return op


bessel_j0 = _scipy_op("bessel_j0", "The Bessel function of the first kind of order 0, J0(input).")
bessel_j1 = _scipy_op("bessel_j1", "The Bessel function of the first kind of order 1, J1(input).")
bessel_y0 = _scipy_op("bessel_y0", "The Bessel function of the second kind of order 0, Y0(input) (nan below 0).")
bessel_y1 = _scipy_op("bessel_y1", "The Bessel function of the second kind of order 1, Y1(input) (nan below 0).")
modified_bessel_i0 = _scipy_op("modified_bessel_i0", "The modified Bessel function of the first kind of order 0.")
modified_bessel_i1 = _scipy_op("modified_bessel_i1", "The modified Bessel function of the first kind of order 1.")
modified_bessel_k0 = _scipy_op("modified_bessel_k0", "The modified Bessel function of the second kind of order 0.")
modified_bessel_k1 = _scipy_op("modified_bessel_k1", "The modified Bessel function of the second kind of order 1.")
scaled_modified_bessel_k0 = _scipy_op("scaled_modified_bessel_k0", "exp(input) * modified_bessel_k0(input).")
scaled_modified_bessel_k1 = _scipy_op("scaled_modified_bessel_k1", "exp(input) * modified_bessel_k1(input).")
airy_ai = _scipy_op("airy_ai", "The Airy function Ai(input).")


def _spherical_j0(xp, x):
    small = xp.abs(x) < 0.5
    with np.errstate(all="ignore"):
        x2 = x * x
        acc = xp.full_like(x, _SINC_SERIES[-1])
        for c in _SINC_SERIES[-2::-1]:
            acc = acc * x2 + c
        far = xp.sin(x) / xp.where(small, 1, x)
    return xp.where(xp.isinf(x), 0, xp.where(small, acc, far)).astype(x.dtype)


def spherical_bessel_j0(input):
    """The spherical Bessel function of the first kind of order 0, sin(input) / input (1 at 0, 0 at +-inf).
    Not differentiable (as in PyTorch)."""
    x = _real_floating("spherical_bessel_j0", input)
    return no_grad_op("spherical_bessel_j0", _spherical_j0, x)
