"""Elementwise, binary and reduction ops over every dtype, 0-d / empty / 2-D shapes and Python numbers."""
import itertools

import autograd as ag

from .compare import DTYPES, compared, made

UNARY = ("abs neg sign sgn exp expm1 log log1p log2 sqrt rsqrt sin cos tan atan tanh sinh asinh sigmoid relu floor "
         "ceil round trunc frac reciprocal square erf erfc lgamma digamma isnan isinf isfinite signbit nan_to_num "
         "logical_not bitwise_not angle real deg2rad sinc logit exp2").split()
BINARY = ("add sub mul div true_divide floor_divide remainder fmod pow atan2 maximum minimum fmax fmin eq ne lt ge "
          "logical_and logical_xor bitwise_and bitwise_or bitwise_left_shift hypot copysign xlogy logaddexp "
          "nextafter ldexp heaviside gcd float_power dist").split()
REDUCTIONS = ("sum prod mean nansum std var amax amin argmax argmin all any count_nonzero median nanmedian logsumexp "
              "cumsum cumprod cummax logcumsumexp sort argsort softmax log_softmax").split()
SHAPES = ((), (0,), (4,), (2, 3))
NUMBERS = (2, -3, 1.5, True, 1 + 2j, 300)


def _call(lib, name, *args, **kwargs):
    return getattr(lib, name)(*args, **kwargs)


def lines(torch):
    """What differs, one line each."""
    found = []
    for name, dtype, shape in itertools.product(UNARY, DTYPES, SHAPES):
        found += compared(f"{name}({dtype}{list(shape)})", lambda: _call(torch, name, made(torch, dtype, shape)),
                          lambda: _call(ag, name, made(ag, dtype, shape)))
    for name, (a, b) in itertools.product(BINARY, itertools.product(DTYPES, DTYPES)):
        for sa, sb in (((2, 3), (3,)), ((), (2,))):
            found += compared(f"{name}({a}{list(sa)}, {b}{list(sb)})",
                              lambda: _call(torch, name, made(torch, a, sa, 1), made(torch, b, sb, 2)),
                              lambda: _call(ag, name, made(ag, a, sa, 1), made(ag, b, sb, 2)))
    for name, dtype, number in itertools.product(BINARY, DTYPES, NUMBERS):
        found += compared(f"{name}({dtype}, {number!r})", lambda: _call(torch, name, made(torch, dtype, (2, 3)), number),
                          lambda: _call(ag, name, made(ag, dtype, (2, 3)), number))
        found += compared(f"{name}({number!r}, {dtype})", lambda: _call(torch, name, number, made(torch, dtype, (2, 3))),
                          lambda: _call(ag, name, number, made(ag, dtype, (2, 3))))
    for name, dtype, shape in itertools.product(REDUCTIONS, DTYPES, ((), (0, 3), (2, 3))):
        for kwargs in ({}, {"dim": 0}, {"dim": -1, "keepdim": True}, {"dim": (0,)}):
            if name in ("cumsum", "cumprod", "cummax", "logcumsumexp", "softmax", "log_softmax", "sort", "argsort"):
                kwargs = {"dim": kwargs.get("dim", -1) if not isinstance(kwargs.get("dim"), tuple) else 0}
            found += compared(f"{name}({dtype}{list(shape)}, {kwargs})",
                              lambda: _call(torch, name, made(torch, dtype, shape, 3), **kwargs),
                              lambda: _call(ag, name, made(ag, dtype, shape, 3), **kwargs))
    return found
