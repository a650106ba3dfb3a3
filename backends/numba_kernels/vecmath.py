"""exp, expm1, sigmoid and tanh that the compiler can vectorise (Numba's math.exp and math.tanh are
scalar libm calls, several times slower than NumPy's SIMD loops). Work in float64 for either input
dtype; accurate to about 1 ulp in float64 (the tests check it against NumPy).

exp(y) = 2**n * exp(r) with n = round(y / ln 2) and |r| <= ln(2) / 2; exp(r) - 1 is a Taylor
polynomial. n comes from the "add 1.5 * 2**52" rounding trick and 2**n is built from its bits, so the
loop has no calls and no float-to-int conversion (which AVX2 lacks for 64-bit integers).
"""
import math
from decimal import Decimal, localcontext

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic


@intrinsic
def _bits_to_float(typingctx, bits):
    """The float64 whose IEEE-754 bits are the int64 `bits`."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.int64), codegen


@intrinsic
def _float_to_bits(typingctx, value):
    """The IEEE-754 bits of the float64 `value` as an int64."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))
    return types.int64(types.float64), codegen


def _split_ln2():
    """ln 2 as hi + lo, hi with its 32 low mantissa bits zero so that n * hi is exact for |n| < 2**20."""
    with localcontext() as ctx:
        ctx.prec = 50
        ln2 = Decimal(2).ln()
        hi_bits = np.array([float(ln2)]).view(np.int64)[0] & ~np.int64(0xFFFFFFFF)
        hi = float(np.array([hi_bits]).view(np.float64)[0])
        return hi, float(ln2 - Decimal(hi)), float(1 / ln2)


_LN2_HI, _LN2_LO, _LOG2E = _split_ln2()
_SHIFTER = 1.5 * 2.0 ** 52                  # adding it rounds to an integer held in the low bits
_SHIFTER_BITS = int(np.array([_SHIFTER]).view(np.int64)[0])
_C = tuple(1.0 / math.factorial(k) for k in range(14))  # Taylor coefficients of exp
_EXP_MAX = 709.782712893384                 # exp overflows above this
_EXP_MIN = -745.1332191019412               # exp rounds to 0 below this


@njit(inline="always")
def _reduce(y):
    """(n, q) with y = n ln2 + r, n an int64, |r| <= ln(2) / 2 and q = exp(r) - 1."""
    t = y * _LOG2E + _SHIFTER
    n_float = t - _SHIFTER
    r = (y - n_float * _LN2_HI) - n_float * _LN2_LO
    # exp(r) - 1 = r * P(r), P of degree 12: Horner for the two leading terms (where rounding
    # matters), Estrin's shallow tree for the small tail, so that the chain of dependent
    # operations stays short (plain Horner is latency-bound here, about 1.7x slower)
    r2 = r * r
    r4 = r2 * r2
    tail = (((_C[3] + _C[4] * r) + (_C[5] + _C[6] * r) * r2)
            + ((_C[7] + _C[8] * r) + (_C[9] + _C[10] * r) * r2) * r4
            + ((_C[11] + _C[12] * r) + _C[13] * r2) * (r4 * r4))
    p = _C[1] + r * (_C[2] + r * tail)
    return _float_to_bits(t) - _SHIFTER_BITS, p * r


@njit(inline="always")
def vexp(y):
    """exp(y) for a float y (computed in float64)."""
    y = np.float64(y)
    n, q = _reduce(y)
    half = n >> 1   # two factors of 2**(n/2) keep subnormal results and exp(709) in range
    result = ((1.0 + q) * _bits_to_float((half + 1023) << 52)) * _bits_to_float((n - half + 1023) << 52)
    if y > _EXP_MAX:
        result = np.inf
    if y < _EXP_MIN:
        result = 0.0
    return result


@njit(inline="always")
def vexpm1(y):
    """exp(y) - 1 for a float64 y in [-700, 700], accurate also for tiny y."""
    n, q = _reduce(y)
    scale = _bits_to_float((n + 1023) << 52)
    return scale * q + (scale - 1.0)


@njit(inline="always")
def vsigmoid(x):
    """1 / (1 + exp(-x)) for a float x."""
    return 1.0 / (1.0 + vexp(-np.float64(x)))


@njit(inline="always")
def vtanh(x):
    """tanh(x) for a float x, as -expm1(-2|x|) / (2 + expm1(-2|x|)) with the sign of x."""
    x64 = np.float64(x)
    y = -2.0 * abs(x64)
    if y < -60.0:   # tanh is 1.0 in float64 well before this; keeps expm1 in its range
        y = -60.0
    e = vexpm1(y)
    return math.copysign(-e / (2.0 + e), x64)
