"""torch.special's orthogonal polynomials p_n(input): Chebyshev (T, U, V, W and their shifted forms on [0, 1]),
Hermite (physicists' H and probabilists' He), Laguerre and Legendre.

input and n broadcast together; either may be a number (not both). n is truncated to an integer degree; a
negative degree gives 0. As in PyTorch these are not differentiable: their results never require grad.
"""
import numbers

import numpy as np

from backends.array_kernels import orthogonal_polynomials as kernels

from ..tensor import Tensor
from .elementwise import _floating
from .no_grad_op import no_grad_op
from .pointwise import _both_tensors


def _operands(name, input, n):
    for label, value in (("input", input), ("n", n)):
        if not isinstance(value, (Tensor, numbers.Real)):
            raise TypeError(f"{name}: {label} must be a Tensor or a real number, got {type(value).__name__}")
    # floating: a number beside an integer tensor keeps its value (PyTorch computes T_n(-3) for a uint8 n, not
    # T_n(253)); a bool number counts as 0 or 1
    x, k = _both_tensors(name, input, n, floating=True)
    x, k = _floating(x), _floating(k)
    if x.dtype != k.dtype:   # both float tensors of different widths: the wider one, as PyTorch promotes
        wide = np.promote_types(x.dtype, k.dtype)
        x, k = x.astype(wide), k.astype(wide)
    if x.dtype.kind != "f":
        raise TypeError(f"{name}: expects real tensors, got dtype {x.dtype}")
    return x, k


def _polynomial(name, kernel, doc):
    def op(input, n):
        x, k = _operands(name, input, n)

        def compute(xp, a, m):
            a, m = xp.broadcast_arrays(a, m)
            return kernel(xp, a, m)
        return no_grad_op(name, compute, x, k)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc + " Not differentiable (as in PyTorch)."
    return op


def _kind(kernel, kind):
    return lambda xp, x, n: kernel(xp, x, n, kind)


chebyshev_polynomial_t = _polynomial("chebyshev_polynomial_t", _kind(kernels.chebyshev, "t"),
                                     "The Chebyshev polynomial of the first kind T_n(input).")
chebyshev_polynomial_u = _polynomial("chebyshev_polynomial_u", _kind(kernels.chebyshev, "u"),
                                     "The Chebyshev polynomial of the second kind U_n(input).")
chebyshev_polynomial_v = _polynomial("chebyshev_polynomial_v", _kind(kernels.chebyshev, "v"),
                                     "The Chebyshev polynomial of the third kind V_n(input).")
chebyshev_polynomial_w = _polynomial("chebyshev_polynomial_w", _kind(kernels.chebyshev, "w"),
                                     "The Chebyshev polynomial of the fourth kind W_n(input).")
shifted_chebyshev_polynomial_t = _polynomial(
    "shifted_chebyshev_polynomial_t", _kind(kernels.shifted_chebyshev, "t"), "T_n(2 * input - 1).")
shifted_chebyshev_polynomial_u = _polynomial(
    "shifted_chebyshev_polynomial_u", _kind(kernels.shifted_chebyshev, "u"), "U_n(2 * input - 1).")
shifted_chebyshev_polynomial_v = _polynomial(
    "shifted_chebyshev_polynomial_v", _kind(kernels.shifted_chebyshev, "v"), "V_n(2 * input - 1).")
shifted_chebyshev_polynomial_w = _polynomial(
    "shifted_chebyshev_polynomial_w", _kind(kernels.shifted_chebyshev, "w"), "W_n(2 * input - 1).")
hermite_polynomial_h = _polynomial("hermite_polynomial_h", kernels.hermite_h,
                                   "The physicists' Hermite polynomial H_n(input) (nan past degree 128 in "
                                   "float32, 512 in float64, as PyTorch).")
hermite_polynomial_he = _polynomial("hermite_polynomial_he", kernels.hermite_he,
                                    "The probabilists' Hermite polynomial He_n(input) (nan past degree 128 in "
                                    "float32, 512 in float64, as PyTorch).")
laguerre_polynomial_l = _polynomial("laguerre_polynomial_l", kernels.laguerre_l,
                                    "The Laguerre polynomial L_n(input).")
legendre_polynomial_p = _polynomial("legendre_polynomial_p", kernels.legendre_p,
                                    "The Legendre polynomial P_n(input).")
