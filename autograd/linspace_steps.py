"""The values of torch.linspace, bit for bit: PyTorch's CPU kernel steps the first half up from start and the second
half down from end (start + step * i, end - step * (steps - 1 - i)), each a fused multiply-add in the dtype's own
arithmetic (a double step for integer dtypes, truncated at the end). NumPy's linspace rounds differently, and a
grid built from it (affine_grid's base grid) can land a hair off the pixel centres, where bilinear sampling's
gradient jumps.
"""
from fractions import Fraction

import numpy as np

from .bf16_dtype import is_bf16


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a):
    c = 134217729.0 * a   # 2 ** 27 + 1: Veltkamp's split into two 26-bit halves
    high = c - (c - a)
    return high, a - high


def _two_product(a, b):
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def fma64(a, b, c):
    """a * b + c rounded once to float64 (C's fma), elementwise on float64 arrays."""
    a, b, c = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (a, b, c)))
    with np.errstate(all="ignore"):
        p, ep = _two_product(a, b)
        s, es = _two_sum(p, c)
        t, et = _two_sum(es, ep)
        r, er = _two_sum(s, t)
    r = np.where(np.isfinite(r) & np.isfinite(ep), r, p + c)
    # s + t rounded is a * b + c rounded unless it sits on a tie the low part et decides: redo those exactly
    for i in zip(*np.nonzero((et != 0) & (er != 0) & np.isfinite(r))):
        r[i] = float(Fraction(float(a[i])) * Fraction(float(b[i])) + Fraction(float(c[i])))
    return r


def _round_to_float32(value):
    """The float32 nearest the exact rational `value`, ties to even."""
    guess = np.float32(float(value))
    candidates = (np.nextafter(guess, np.float32(-np.inf)), guess, np.nextafter(guess, np.float32(np.inf)))
    return min(candidates, key=lambda f: (abs(Fraction(float(f)) - value), int(f.view(np.uint32)) & 1))


def fma32(a, b, c):
    """a * b + c rounded once to float32 (C's fmaf), elementwise on float32 arrays."""
    a, b, c = np.broadcast_arrays(*(np.asarray(v, dtype=np.float32) for v in (a, b, c)))
    wide = [v.astype(np.float64) for v in (a, b, c)]
    with np.errstate(all="ignore"):
        s, es = _two_sum(wide[0] * wide[1], wide[2])   # the float64 product of two float32s is exact
        r = s.astype(np.float32)
    # a sum rounded twice (to float64, then float32) can miss on a float32 tie: redo those exactly
    for i in zip(*np.nonzero((es != 0) & (r.astype(np.float64) != s) & np.isfinite(s))):
        r[i] = _round_to_float32(Fraction(float(a[i])) * Fraction(float(b[i])) + Fraction(float(c[i])))
    return r


def linspace_values(start, end, steps, dtype):
    """torch.linspace(start, end, steps, dtype=dtype) as a host NumPy array of `dtype` (real dtypes)."""
    dtype = np.dtype(dtype)
    if steps <= 1:   # PyTorch fills a one-element result with start
        return np.full(steps, start if dtype.kind == "f" else int(start), dtype=dtype)
    half = steps // 2
    ups, downs = np.arange(half), np.arange(steps - 1 - half, -1, -1)   # i, then steps - 1 - i, per half
    if dtype == np.float16 or is_bf16(dtype):   # c10::Half/BFloat16: each operation in float32, rounded back
        h = dtype.type
        lo, hi = h(start), h(end)
        step = (hi - lo) / h(steps - 1)
        return np.concatenate([lo + step * ups.astype(h), hi - step * downs.astype(h)]).astype(dtype)
    if dtype == np.float32:
        lo, hi = np.float32(start), np.float32(end)
        step = (hi - lo) / np.float32(steps - 1)
        fma, cast = fma32, np.float32
    else:   # float64, and integer dtypes: their ends as integers, a float64 step, truncated values
        if dtype.kind in "iub":
            start, end = int(start), int(end)
        lo, hi = float(start), float(end)
        step = (hi - lo) / (steps - 1)
        fma, cast = fma64, np.float64
    values = np.concatenate([fma(step, ups.astype(cast), lo), fma(-step, downs.astype(cast), hi)])
    if dtype.kind in "iub":
        values = np.trunc(values)
    return values.astype(dtype)
