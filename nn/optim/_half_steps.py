"""PyTorch's CPU tensor kernels on float16/bfloat16 arrays, one op at a time, for the optimisers' half paths.

PyTorch's optimisers on CPU tensors run one tensor op after another (torch.optim's for-loop path), and each op
computes in float32 and rounds its result to the parameter's dtype. The scalars enter as those kernels take
them, measured against torch 2.13: a scale factor (mul_) and an addcmul/addcdiv/lerp value stay float32, an
add's alpha (add(t, alpha=a)) and an added scalar (add_(eps)) are rounded to the dtype first; lerp, addcmul and
addcdiv fuse their multiply and add into one rounding (fused multiply-add), which float64 holds exactly here.
PyTorch's vectorised loops cover all but the last len % 32 elements (on an AVX-512 CPU: two registers of 16
float32 lanes), which its scalar loop computes; only add's scalar loop rounds differently (see plus). On a CPU
with narrower vectors fewer elements take the scalar loop, and those few may differ by a unit.
"""
import numpy as np

_F32 = np.float32
#: elements per iteration of PyTorch's vectorised CPU loops (AVX-512); the rest take its scalar loop
VECTOR_ELEMENTS = 32
#: decorates a half update: overflow to inf and 0 / 0 pass silently, as in PyTorch's kernels
quiet = np.errstate(all="ignore")


def _wide(a):
    return a.astype(_F32)


def _in(value, dtype):
    """The Python scalar `value` rounded to `dtype`, as a float32."""
    return _F32(np.asarray(value, _F32).astype(dtype))


def _fma(x, y, z):
    """x * y + z with one float32 rounding (float64 holds the product of two float32 values exactly)."""
    return (x.astype(np.float64) * y.astype(np.float64) + z.astype(np.float64)).astype(_F32)


def scaled(a, factor):
    """a * factor (a Python scalar), as mul_."""
    return (_wide(a) * _F32(factor)).astype(a.dtype)


def plus_scalar(a, value):
    """a + value (a Python scalar, rounded to a's dtype first), as add_(value)."""
    return (_wide(a) + _in(value, a.dtype)).astype(a.dtype)


def plus(a, alpha, b):
    """a + alpha * b, alpha rounded to a's dtype first, as add(b, alpha=alpha): one rounding in the vectorised
    loop; the scalar loop, for the last len % 32 elements, rounds the product alpha * b to the dtype as well."""
    alpha = _in(alpha, a.dtype)
    out = (_wide(a) + alpha * _wide(b)).astype(a.dtype)
    start = out.size - out.size % VECTOR_ELEMENTS
    if start < out.size:
        tail_a, tail_b = a.reshape(-1)[start:], b.reshape(-1)[start:]
        product = (alpha * _wide(tail_b)).astype(a.dtype)
        out.reshape(-1)[start:] = (_wide(tail_a) + _wide(product)).astype(a.dtype)
    return out


def lerp(a, b, weight):
    """a moved `weight` of the way to b, as lerp_(b, weight)."""
    diff = _wide(b) - _wide(a)
    if weight < 0.5:
        out = _fma(np.asarray(_F32(weight)), diff, _wide(a))
    else:
        out = _fma(-diff, np.asarray(_F32(1 - _F32(weight))), _wide(b))
    return out.astype(a.dtype)


def addcmul(a, value, t1, t2):
    """a + value * t1 * t2, as addcmul_(t1, t2, value=value)."""
    return _fma(_F32(value) * _wide(t1), _wide(t2), _wide(a)).astype(a.dtype)


def addcdiv(a, value, t1, t2):
    """a + value * t1 / t2, as addcdiv_(t1, t2, value=value)."""
    return (_wide(a) + (_F32(value) * _wide(t1)) / _wide(t2)).astype(a.dtype)


def sqrt(a):
    """The square root of a, as sqrt()."""
    return np.sqrt(_wide(a)).astype(a.dtype)


def divided(a, divisor):
    """a / divisor (a Python scalar), as a / divisor."""
    return (_wide(a) / _F32(divisor)).astype(a.dtype)
