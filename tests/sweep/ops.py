"""Elementwise, binary and reduction ops over every dtype, 0-d / empty / 2-D shapes and Python numbers; then the
calls of tests/sweep/op_table.py (shape, index, linalg, fft, special, creation, `out=` and in-place ops)."""
import itertools

import autograd as ag

from . import op_table
from .compare import DTYPES, compared, made

UNARY = ("abs neg sign sgn exp expm1 log log1p log2 sqrt rsqrt sin cos tan atan tanh sinh asinh sigmoid relu floor "
         "ceil round trunc frac reciprocal square erf erfc lgamma digamma isnan isinf isfinite signbit nan_to_num "
         "logical_not bitwise_not angle real deg2rad sinc logit exp2 "
         # added in stop 50: aliases, the rest of the elementwise ops and the unary special and fft functions
         "acos asin acosh atanh cosh log10 erfinv i0 rad2deg arccos arccosh arcsin arcsinh arctan arctanh absolute fix "
         "negative positive isneginf isposinf isreal conj_physical conj imag resolve_conj resolve_neg clone msort ravel "
         "special.airy_ai special.bessel_j0 special.bessel_j1 special.bessel_y0 special.bessel_y1 "
         "special.modified_bessel_i0 special.modified_bessel_i1 special.modified_bessel_k0 special.modified_bessel_k1 "
         "special.scaled_modified_bessel_k0 special.scaled_modified_bessel_k1 special.spherical_bessel_j0 "
         "special.gammaln special.psi special.digamma special.erfcx special.ndtr special.ndtri special.log_ndtr "
         "special.i0 special.i0e special.i1 special.i1e special.expit special.entr special.sinc special.exp2 "
         "special.expm1 special.log1p special.erf special.erfc special.erfinv special.round "
         "fft.fft fft.ifft fft.rfft fft.irfft fft.hfft fft.ihfft fft.fft2 fft.ifft2 fft.rfft2 fft.irfft2 fft.hfft2 "
         "fft.ihfft2 fft.fftn fft.ifftn fft.rfftn fft.irfftn fft.hfftn fft.ihfftn fft.fftshift fft.ifftshift").split()
BINARY = ("add sub mul div true_divide floor_divide remainder fmod pow atan2 maximum minimum fmax fmin eq ne lt ge "
          "logical_and logical_xor bitwise_and bitwise_or bitwise_left_shift hypot copysign xlogy logaddexp "
          "nextafter ldexp heaviside gcd float_power dist "
          # added in stop 50
          "arctan2 bitwise_right_shift bitwise_xor gt le greater greater_equal less less_equal not_equal divide "
          "multiply subtract rsub lcm igamma igammac logical_or logaddexp2 isclose equal allclose inner outer kron "
          "special.zeta special.gammainc special.gammaincc special.xlog1py special.xlogy "
          "special.chebyshev_polynomial_t special.chebyshev_polynomial_u special.chebyshev_polynomial_v "
          "special.chebyshev_polynomial_w special.shifted_chebyshev_polynomial_t "
          "special.shifted_chebyshev_polynomial_u special.shifted_chebyshev_polynomial_v "
          "special.shifted_chebyshev_polynomial_w special.hermite_polynomial_h special.hermite_polynomial_he "
          "special.laguerre_polynomial_l special.legendre_polynomial_p").split()
REDUCTIONS = ("sum prod mean nansum std var amax amin argmax argmin all any count_nonzero median nanmedian logsumexp "
              "cumsum cumprod cummax logcumsumexp sort argsort softmax log_softmax "
              "nanmean cummin aminmax var_mean std_mean max min mode norm special.logsumexp special.softmax "
              "special.log_softmax").split()
CUMULATIVE = ("cumsum cumprod cummax cummin logcumsumexp softmax log_softmax sort argsort special.softmax "
              "special.log_softmax").split()
SHAPES = ((), (0,), (4,), (2, 3))
NUMBERS = (2, -3, 1.5, True, 1 + 2j, 300)


def _call(lib, name, *args, **kwargs):
    target = lib
    for part in name.split("."):
        target = getattr(target, part)
    return target(*args, **kwargs)


def _table(torch, names, where, cases, shapes, make):
    """The lines of op_table's `cases` over every dtype and `shapes`, for the labels in `names` (all if None)."""
    found = []
    for (label, fn), dtype, shape in itertools.product(cases, DTYPES, shapes):
        if names is None or label in names:
            found += compared(f"{where}{label}({dtype}{list(shape)})", lambda: fn(torch, make(torch, dtype, shape)),
                              lambda: fn(ag, make(ag, dtype, shape)))
    return found


def _out_lines(torch, names):
    found = []
    for name, dtype, out_dtype, out_shape in itertools.product(op_table.OUT_UNARY, DTYPES, DTYPES, ((2, 3), (0,))):
        if names is None or name in names:
            found += compared(f"{name}({dtype}[2, 3], out={out_dtype}{list(out_shape)})",
                              *[lambda lib=lib: op_table._out(lib, lambda o: _call(lib, name, made(lib, dtype, (2, 3)),
                                                                                   out=o), out_dtype, out_shape)
                                for lib in (torch, ag)])
    for name, dtype, out_dtype in itertools.product(op_table.OUT_BINARY, DTYPES, DTYPES):
        if names is None or name in names:
            found += compared(f"{name}({dtype}[2, 3], int64[3], out={out_dtype}[2, 3])",
                              *[lambda lib=lib: op_table._out(lib, lambda o: _call(
                                  lib, name, made(lib, dtype, (2, 3), 1), made(lib, "int64", (3,), 2), out=o),
                                  out_dtype, (2, 3)) for lib in (torch, ag)])
    for (name, kwargs), dtype, out_dtype in itertools.product(op_table.OUT_REDUCTIONS, DTYPES, DTYPES):
        if names is None or name in names:
            found += compared(f"{name}({dtype}[2, 3], {kwargs}, out={out_dtype})",
                              *[lambda lib=lib: op_table._out(lib, lambda o: _call(
                                  lib, name, made(lib, dtype, (2, 3), 3), out=o, **kwargs), out_dtype, (1,))
                                for lib in (torch, ag)])
    return found


def _in_place(lib, x, fn):
    """x changed in place by fn, and whether fn returned x itself."""
    result = fn(x)
    return x, result is x


def _in_place_lines(torch, names):
    found = []
    for name, dtype, shape in itertools.product(op_table.INPLACE_UNARY, DTYPES, op_table.ANY_SHAPES):
        if names is None or name in names:
            found += compared(f"{name}({dtype}{list(shape)})",
                              *[lambda lib=lib: _in_place(lib, made(lib, dtype, shape, 5), lambda x: getattr(x, name)())
                                for lib in (torch, ag)])
    for name, (a, b) in itertools.product(op_table.INPLACE_BINARY, itertools.product(DTYPES, DTYPES)):
        if names is None or name in names:
            extra = (0.5,) if name == "lerp_" else ()
            found += compared(f"{name}({a}[2, 3], {b}[3])",
                              *[lambda lib=lib: _in_place(lib, made(lib, a, (2, 3), 1), lambda x: getattr(x, name)(
                                  made(lib, b, (3,), 2), *extra)) for lib in (torch, ag)])
    for name, dtype, number in itertools.product(op_table.INPLACE_BINARY, DTYPES, NUMBERS):
        if names is None or name in names:
            extra = (0.5,) if name == "lerp_" else ()
            found += compared(f"{name}({dtype}[2, 3], {number!r})",
                              *[lambda lib=lib: _in_place(lib, made(lib, dtype, (2, 3), 1),
                                                          lambda x: getattr(x, name)(number, *extra))
                                for lib in (torch, ag)])
    found += _table(torch, names, "", [(label, lambda lib, x, fn=fn: _in_place(lib, x, lambda t: fn(lib, t)))
                                       for label, fn in op_table.INPLACE_CALLS], op_table.ANY_SHAPES,
                    lambda lib, dtype, shape: made(lib, dtype, shape, 6))
    return found


def lines(torch, names=None):
    """What differs, one line each, for the ops and table labels in `names` (all by default)."""
    found = []
    picked = (lambda table: table) if names is None else (lambda table: [n for n in table if n in names])
    for name, dtype, shape in itertools.product(picked(UNARY), DTYPES, SHAPES):
        found += compared(f"{name}({dtype}{list(shape)})", lambda: _call(torch, name, made(torch, dtype, shape)),
                          lambda: _call(ag, name, made(ag, dtype, shape)))
    for name, (a, b) in itertools.product(picked(BINARY), itertools.product(DTYPES, DTYPES)):
        for sa, sb in (((2, 3), (3,)), ((), (2,))):
            found += compared(f"{name}({a}{list(sa)}, {b}{list(sb)})",
                              lambda: _call(torch, name, made(torch, a, sa, 1), made(torch, b, sb, 2)),
                              lambda: _call(ag, name, made(ag, a, sa, 1), made(ag, b, sb, 2)))
    for name, dtype, number in itertools.product(picked(BINARY), DTYPES, NUMBERS):
        found += compared(f"{name}({dtype}, {number!r})", lambda: _call(torch, name, made(torch, dtype, (2, 3)), number),
                          lambda: _call(ag, name, made(ag, dtype, (2, 3)), number))
        found += compared(f"{name}({number!r}, {dtype})", lambda: _call(torch, name, number, made(torch, dtype, (2, 3))),
                          lambda: _call(ag, name, number, made(ag, dtype, (2, 3))))
    for name, dtype, shape in itertools.product(picked(REDUCTIONS), DTYPES, ((), (0, 3), (2, 3))):
        for kwargs in ({}, {"dim": 0}, {"dim": -1, "keepdim": True}, {"dim": (0,)}):
            if name in CUMULATIVE:
                kwargs = {"dim": kwargs.get("dim", -1) if not isinstance(kwargs.get("dim"), tuple) else 0}
            found += compared(f"{name}({dtype}{list(shape)}, {kwargs})",
                              lambda: _call(torch, name, made(torch, dtype, shape, 3), **kwargs),
                              lambda: _call(ag, name, made(ag, dtype, shape, 3), **kwargs))
    found += _table(torch, names, "", op_table.ANY, op_table.ANY_SHAPES, lambda lib, d, s: made(lib, d, s, 3))
    found += _table(torch, names, "", op_table.MATRIX, op_table.MATRIX_SHAPES, lambda lib, d, s: made(lib, d, s, 4))
    found += _table(torch, names, "", op_table.CREATION, ((),), lambda lib, d, s: getattr(lib, d))
    return found + _out_lines(torch, names) + _in_place_lines(torch, names)
