"""The classical orthogonal polynomials of torch.special, evaluated at x for integer degrees n, written once
over `xp` in the input's own float dtype (so float32 overflows where PyTorch's float32 does).

Each is a three-term recurrence run for every element at once: an element stops when it reaches its own
degree or when its running value turns NaN (PyTorch stops there too, which keeps large degrees cheap where
the values overflow). Chebyshev-type polynomials use their closed trigonometric forms inside (-1, 1) for
large degrees, and every family returns its exact values at the special points (|x| = 1, x = 0), as PyTorch.
Degrees are truncated toward zero; a negative or non-finite degree gives 0.
"""
import numpy as np

#: above this degree PyTorch's Hermite polynomials return NaN, per dtype
_HERMITE_LIMIT = {np.dtype(np.float32): 128, np.dtype(np.float64): 512}


def degrees(xp, n):
    """n as int64 degrees, truncated toward zero; NaN, +-inf and values beyond int64 become -1."""
    if n.dtype.kind in "iub":
        return n.astype(np.int64)
    finite = xp.isfinite(n) & (xp.abs(n) < 9.2e18)
    return xp.where(finite, xp.trunc(xp.where(finite, n, 0)), -1).astype(np.int64)


def _recurrence(xp, x, n, first, step, live, start=2):
    """Run q_k = step(k, q_{k-1}, q_{k-2}) from q_0 = 1, q_1 = first for k = start .. n where `live`; returns
    q_n (with q_0, q_1 at n = 0, 1)."""
    one = xp.ones_like(x)
    p, q = one, first
    out = xp.where(n == 0, one, first)
    top = int(n[live].max()) if bool(live.any()) else 0
    k = start
    while k <= top:
        go = live & (n >= k) & ~xp.isnan(q)
        if not bool(go.any()):
            break
        with np.errstate(all="ignore"):
            r = step(k, q, p)
        p, q = xp.where(go, q, p), xp.where(go, r, q)
        out = xp.where(go, r, out)
        k += 1
    return out


def _parity(n):
    return (n % 2 == 0)


def _chebyshev_family(xp, x, n, kind, shifted):
    """T, U, V or W (kind), of x or (shifted) of 2x - 1, with PyTorch's special points and closed forms."""
    t = x + x - 1 if shifted else x
    nf = n.astype(x.dtype)
    even = _parity(n)
    big = n > (({"t": 6, "u": 6, "v": 6, "w": 4} if shifted else {"t": 6, "u": 8, "v": 8, "w": 8})[kind])
    inside = big & (xp.abs(t) < 1)
    with np.errstate(all="ignore"):
        theta = xp.arccos(xp.where(inside, t, 0))
        if kind == "t":
            closed = xp.cos(nf * theta)
        elif kind == "u":
            s = xp.sin(theta)
            closed = xp.where(s != 0, xp.sin((nf + 1) * theta) / s, (nf + 1) * xp.cos((nf + 1) * theta) / t)
        elif kind == "v":
            edge = xp.where(even, nf + nf + 1, -(nf + nf + 1))
            closed = xp.where(xp.sin(theta / 2) != 1, xp.cos((nf + 0.5) * theta) / xp.cos(theta / 2), edge)
        else:
            edge = xp.where(t > 0, nf + nf + 1, xp.where(even, 1, -1)) if not shifted else xp.where(even, 1, -1)
            closed = xp.where(xp.cos(theta / 2) != 1, xp.sin((nf + 0.5) * theta) / xp.sin(theta / 2), edge)
    first = {"t": t, "u": t + t, "v": t + t - 1, "w": t + t + 1}[kind]
    if shifted:
        at_one, at_other = x == 1, x == 0
    else:
        at_one, at_other = (x == 1), (x == -1)
    special = at_one | at_other
    live = (n >= 2) & ~inside & ~special
    out = _recurrence(xp, x, n, first, lambda k, q, p: (t + t) * q - p, live)
    out = xp.where(inside, closed, out)
    sign = xp.where(even, 1, -1)
    ends = {"t": (1, sign), "u": (nf + 1, sign * (nf + 1)), "v": (1, sign * (nf + nf + 1)),
            "w": (nf + nf + 1, sign)}[kind]
    out = xp.where(at_one, ends[0], xp.where(at_other, ends[1], out))
    return xp.where(n < 0, 0, out).astype(x.dtype)


def chebyshev(xp, x, n, kind):
    """The Chebyshev polynomial of the given kind ('t', 'u', 'v', 'w') of degree n at x."""
    return _chebyshev_family(xp, x, degrees(xp, n), kind, shifted=False)


def shifted_chebyshev(xp, x, n, kind):
    """The shifted Chebyshev polynomial (of 2x - 1) of the given kind and degree n at x."""
    return _chebyshev_family(xp, x, degrees(xp, n), kind, shifted=True)


def hermite_h(xp, x, n):
    """The physicists' Hermite polynomial H_n(x) (NaN above degree 128 in float32, 512 in float64)."""
    n = degrees(xp, n)
    out = _recurrence(xp, x, n, x + x, lambda k, q, p: (x + x) * q - (2 * (k - 1)) * p, n >= 2)
    out = xp.where(n > _HERMITE_LIMIT.get(x.dtype, 1024), np.nan, out)
    return xp.where(n < 0, 0, out).astype(x.dtype)


def hermite_he(xp, x, n):
    """The probabilists' Hermite polynomial He_n(x) (NaN above degree 128 in float32, 512 in float64)."""
    n = degrees(xp, n)
    out = _recurrence(xp, x, n, x, lambda k, q, p: x * q - (k - 1) * p, n >= 2)
    out = xp.where(n > _HERMITE_LIMIT.get(x.dtype, 1024), np.nan, out)
    return xp.where(n < 0, 0, out).astype(x.dtype)


def laguerre_l(xp, x, n):
    """The Laguerre polynomial L_n(x) (1 at x = 0)."""
    n = degrees(xp, n)
    out = _recurrence(xp, x, n, 1 - x, lambda k, q, p: ((2 * k - 2 + (1 - x)) * q - (k - 1) * p) / k,
                      (n >= 2) & (x != 0))
    out = xp.where(x == 0, 1, out)
    return xp.where(n < 0, 0, out).astype(x.dtype)


def legendre_p(xp, x, n):
    """The Legendre polynomial P_n(x) (+-1 at x = +-1)."""
    n = degrees(xp, n)
    at_end = xp.abs(x) == 1
    out = _recurrence(xp, x, n, x, lambda k, q, p: ((2 * k - 1) * x * q - (k - 1) * p) / k, (n >= 2) & ~at_end)
    out = xp.where(at_end, xp.where((x > 0) | _parity(n), 1, -1), out)
    return xp.where(n < 0, 0, out).astype(x.dtype)
