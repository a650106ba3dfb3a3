"""Bessel functions of integer order 0 and 1 (J, Y, K and K scaled by exp(x)) and the Airy function Ai,
written once over `xp` in float64: what torch.special's Bessel family computes where SciPy is not installed
(scipy_special.py prefers SciPy's Cephes on the CPU).

J_m(x) for |x| <= 25: Bessel's integral (1/pi) int_0^pi cos(m t - x sin t) dt has a periodic, entire
integrand, so the trapezoid rule on 2 pi with 160 points is exact to rounding, and one inverse FFT of
exp(-i x sin t_j) gives every J_m at once. Y0 and Y1 follow from Neumann's series in those J_m (all terms
bounded by 1: no cancellation), Y0 = (2/pi) [(log(x/2) + gamma) J0 - 2 sum_k (-1)^k J_2k / k], and Y1 = -Y0'.
Beyond 25 Hankel's asymptotic series (terms shrink past k = 2x, so 30 of them reach float64).
K_nu(x) e^x = int_0^inf exp(-x (cosh t - 1)) cosh(nu t) dt: the trapezoid rule with step 1/5 (narrower for large
x) is exact to rounding for x > 2 (the integrand is analytic in a strip); below, the power series of K0 and K1.
Ai(x): (1/pi) sqrt(x/3) K_1/3(2/3 x^1.5) for x >= 1, its Maclaurin series on (-7, 1), the asymptotic
oscillating form below -7 (about 1e-11 absolute error at the seam, far below PyTorch's own 2e-7 there);
nan at +-inf as PyTorch gives.
"""
import math

import numpy as np

_EULER_GAMMA = 0.57721566490153286061
_FFT_POINTS = 160
_ASYMPTOTIC_FROM = 25.0
_BLOCK = 4096            # elements per inverse FFT (each needs _FFT_POINTS complex values)
_K_STEP = 0.2
_AI0 = 0.355028053887817239260   # Ai(0) = 1 / (3^(2/3) Gamma(2/3))
_AI0_SLOPE = 0.258819403792806798405   # -Ai'(0) = 1 / (3^(1/3) Gamma(1/3))


def _orders(xp, x, top):
    """J_0 .. J_top of a float64 array x with |x| <= 25, as an array of shape (top + 1,) + x.shape."""
    flat = x.reshape(-1)
    theta = 2 * math.pi * xp.arange(_FFT_POINTS) / _FFT_POINTS
    out = xp.empty((top + 1, flat.shape[0]))
    for start in range(0, flat.shape[0], _BLOCK):
        part = flat[start:start + _BLOCK, None]
        waves = xp.exp(-1j * part * xp.sin(theta))
        out[:, start:start + _BLOCK] = xp.fft.ifft(waves, axis=-1)[:, :top + 1].real.T
    return out.reshape((top + 1,) + x.shape)


def _hankel(xp, x, order):
    """(J, Y) of order 0 or 1 for x >= 25 by Hankel's asymptotic series."""
    mu = 4.0 * order * order
    p, q = xp.ones_like(x), xp.zeros_like(x)
    term = xp.ones_like(x)
    for k in range(1, 31):
        term = term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * x)
        if k % 2:
            q = q + (term if k % 4 == 1 else -term)
        else:
            p = p + (-term if k % 4 == 2 else term)
    chi = x - (0.5 * order + 0.25) * math.pi
    scale = xp.sqrt(2.0 / (math.pi * x))
    return scale * (p * xp.cos(chi) - q * xp.sin(chi)), scale * (p * xp.sin(chi) + q * xp.cos(chi))


def _near_js_ys(xp, a):
    """(J0, J1, Y0, Y1) for 0 <= a <= 25 (Y at a = 0: -inf)."""
    top = 76
    j = _orders(xp, a, top)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = xp.log(a) - math.log(2.0) + _EULER_GAMMA   # (0.5 * a underflows for the least subnormal)
        even = sum(((-1) ** k) * j[2 * k] / k for k in range(1, top // 2 + 1))
        odd = sum(((-1) ** k) * (j[2 * k - 1] - j[2 * k + 1]) / k for k in range(1, top // 2))
        y0 = (2 / math.pi) * (log_term * j[0] - 2 * even)
        y1 = -(2 / math.pi) * (j[0] / a - log_term * j[1] - odd)
    return j[0], j[1], y0, y1


def _bessel_jy(xp, x, order, kind):
    w = x.astype(np.float64)
    a = xp.abs(w)
    near = xp.where(a <= _ASYMPTOTIC_FROM, a, 0.0)
    j0, j1, y0, y1 = _near_js_ys(xp, xp.where(xp.isfinite(near), near, 0.0))
    far_j, far_y = _hankel(xp, xp.maximum(xp.where(xp.isfinite(a), a, _ASYMPTOTIC_FROM), _ASYMPTOTIC_FROM), order)
    small = a <= _ASYMPTOTIC_FROM
    if kind == "j":
        out = xp.where(small, j0 if order == 0 else j1, far_j)
        if order == 1:
            out = xp.where(w < 0, -out, out)
        return xp.where(xp.isfinite(w), out, np.nan)
    out = xp.where(small, y0 if order == 0 else y1, far_y)
    out = xp.where(w == 0, -np.inf, out)
    return xp.where(xp.isfinite(w) & (w >= 0), out, np.nan)


def bessel_j0(xp, x):
    """J0(x) (nan at +-inf, as PyTorch)."""
    return _bessel_jy(xp, x, 0, "j")


def bessel_j1(xp, x):
    """J1(x) (nan at +-inf, as PyTorch)."""
    return _bessel_jy(xp, x, 1, "j")


def bessel_y0(xp, x):
    """Y0(x): -inf at 0, nan below 0 and at +-inf."""
    return _bessel_jy(xp, x, 0, "y")


def bessel_y1(xp, x):
    """Y1(x): -inf at 0, nan below 0 and at +-inf."""
    return _bessel_jy(xp, x, 1, "y")


def _k_scaled_integral(xp, x, nu):
    """exp(x) K_nu(x) for float64 x >= 2 (finite), by the trapezoid rule; the step shrinks like 1/sqrt(x), the
    width of the integrand's peak, so about 35 nodes serve every x."""
    if x.size == 0:
        return xp.zeros_like(x)
    step = _K_STEP / xp.maximum(1.0, xp.sqrt(0.5 * x))
    total = 0.5 * xp.ones_like(x)
    k = 0
    while True:
        k += 1
        t = k * step
        s = xp.sinh(0.5 * t)
        term = xp.exp(-2.0 * x * s * s) * xp.cosh(nu * t)   # cosh t - 1 = 2 sinh(t/2)^2, exact for small t
        total = total + term
        if k >= 4000 or float(xp.max(term / total)) < 1e-18:   # (x is finite, so the first test never ends it)
            break
    return step * total


def _k_series(xp, x, order):
    """K0 or K1 for float64 0 < x <= 2 from the power series around 0."""
    q = 0.25 * x * x
    log_term = xp.log(0.5 * x)
    harmonic, term = 0.0, xp.ones_like(x)
    if order == 0:
        i0, rest = term, xp.zeros_like(x)
        for k in range(1, 30):
            term = term * q / (k * k)
            harmonic += 1.0 / k
            i0 = i0 + term
            rest = rest + harmonic * term
        return -(log_term + _EULER_GAMMA) * i0 + rest
    # K1 = 1/x + log(x/2) I1 - (x/4) sum_k (psi(k+1) + psi(k+2)) q^k / (k! (k+1)!)
    i1_sum, rest = term, (2 * (-_EULER_GAMMA) + 1.0) * term
    for k in range(1, 30):
        term = term * q / (k * (k + 1))
        harmonic += 1.0 / k
        i1_sum = i1_sum + term
        rest = rest + (2 * (harmonic - _EULER_GAMMA) + 1.0 / (k + 1)) * term
    return 1.0 / x + log_term * (0.5 * x) * i1_sum - 0.25 * x * rest


def _bessel_k(xp, x, order, scaled):
    w = x.astype(np.float64)
    positive = xp.isfinite(w) & (w > 0)
    near = xp.where(positive & (w <= 2.0), w, 1.0)
    far = xp.where(positive & (w > 2.0), w, 2.5)
    with np.errstate(over="ignore", under="ignore"):
        series = _k_series(xp, near, order)
        integral = _k_scaled_integral(xp, far, order)
        out = xp.where(w <= 2.0, series * (xp.exp(near) if scaled else 1.0),
                       integral * (1.0 if scaled else xp.exp(-far)))
    out = xp.where(w == 0, np.inf, xp.where(w == np.inf, 0.0, out))
    return xp.where((w < 0) | xp.isnan(w), np.nan, out)


def modified_bessel_k0(xp, x):
    """K0(x): +inf at 0, nan below 0, 0 at +inf."""
    return _bessel_k(xp, x, 0, False)


def modified_bessel_k1(xp, x):
    """K1(x): +inf at 0, nan below 0, 0 at +inf."""
    return _bessel_k(xp, x, 1, False)


def scaled_modified_bessel_k0(xp, x):
    """exp(x) K0(x)."""
    return _bessel_k(xp, x, 0, True)


def scaled_modified_bessel_k1(xp, x):
    """exp(x) K1(x)."""
    return _bessel_k(xp, x, 1, True)


def _airy_series(xp, x):
    cube = x * x * x
    f, g = xp.ones_like(x), x.copy()
    tf, tg = xp.ones_like(x), x.copy()
    for k in range(1, 80):
        tf = tf * cube / ((3 * k - 1) * (3 * k))
        tg = tg * cube / ((3 * k) * (3 * k + 1))
        f, g = f + tf, g + tg
    return _AI0 * f - _AI0_SLOPE * g


def _airy_oscillating(xp, z):
    """Ai(-z) for z >= 7 from its asymptotic series in zeta = 2/3 z^1.5."""
    zeta = (2.0 / 3.0) * z * xp.sqrt(z)
    even, odd = xp.ones_like(z), xp.zeros_like(z)
    u = 1.0
    power = xp.ones_like(z)
    for k in range(1, 40):
        u = u * (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216 * k)
        power = power / zeta
        sign = (-1) ** (k // 2)
        if k % 2:
            odd = odd + sign * u * power
        else:
            even = even + sign * u * power
    phase = zeta - math.pi / 4
    return (xp.cos(phase) * even + xp.sin(phase) * odd) / (math.sqrt(math.pi) * xp.sqrt(xp.sqrt(z)))


def airy_ai(xp, x):
    """Ai(x): 0 beyond x = 110 (underflow), nan at +-inf and nan (as PyTorch)."""
    w = x.astype(np.float64)
    finite = xp.isfinite(w)
    mid = xp.where(finite & (w > -7.0) & (w < 1.0), w, 0.0)
    low = xp.where(finite & (w <= -7.0), -w, 7.0)
    high = xp.where(finite & (w >= 1.0) & (w <= 110.0), w, 1.0)   # Ai(x) underflows to 0 beyond 110
    zeta = (2.0 / 3.0) * high * xp.sqrt(high)
    with np.errstate(under="ignore", over="ignore"):
        right = xp.sqrt(high / 3.0) / math.pi * _k_scaled_integral(xp, xp.maximum(zeta, 2.0), 1.0 / 3.0) \
            * xp.exp(-zeta)
        # zeta < 2 (1 <= x < 1.65): the K integral needs x >= 2 for its step, so the series covers it
        right = xp.where(zeta < 2.0, _airy_series(xp, xp.where(zeta < 2.0, high, 0.0)), right)
    out = xp.where(w >= 1.0, right, xp.where(w <= -7.0, _airy_oscillating(xp, low), _airy_series(xp, mid)))
    out = xp.where(w > 110.0, 0.0, out)
    return xp.where(finite, out, np.nan)
