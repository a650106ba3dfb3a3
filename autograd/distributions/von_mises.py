"""VonMises(loc, concentration): the circular normal on [-pi, pi), density exp(k cos(x - loc)) / (2 pi I0(k)).

I0 and I1 are taken, as PyTorch takes them, from the polynomial approximations of Abramowitz & Stegun
9.8.1-9.8.4 (relative error about 1e-7), so log_prob and variance agree with PyTorch's to rounding. Draws use
the rejection sampler of Best & Fisher (1979); there is no rsample, as in PyTorch."""
import math

import numpy as np

from ..ops.elementwise import where
from . import constraints
from .constrained import ConstrainedDistribution, host_draws
from .distribution import broadcast_all

# (x / 3.75)^2 series for x < 3.75, and (3.75 / x) series for the large-x factor x^-1/2 e^x (A&S 9.8.1-9.8.4)
_SMALL = ((1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813),
          (0.5, 0.87890594, 0.51498869, 0.15084934, 0.02658733, 0.00301532, 0.00032411))
_LARGE = ((0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706, 0.02635537, -0.01647633,
           0.00392377),
          (0.39894228, -0.03988024, -0.00362018, 0.00163801, -0.01031555, 0.02282967, -0.02895312, 0.01787654,
           -0.00420059))


def _horner(y, coefficients):
    result = coefficients[-1]
    for c in reversed(coefficients[:-1]):
        result = c + y * result
    return result


def log_bessel_i(x, order):
    """log I_order(x) for order 0 or 1 and x > 0 (A&S polynomial approximations)."""
    small = _horner((x / 3.75).pow(2), _SMALL[order])
    if order == 1:
        small = x.abs() * small
    large = x - 0.5 * x.log() + _horner(3.75 / x, _LARGE[order]).log()
    return where(x < 3.75, small.log(), large)


def _rejection(stream, loc, kappa):
    """Best & Fisher's sampler, all entries at once until each has accepted, in float64 (as PyTorch's: each round
    draws float64 uniforms for all entries, in three blocks u1, u2, u3)."""
    loc, kappa = loc.astype(np.float64), kappa.astype(np.float64)
    tau = 1 + np.sqrt(1 + 4 * kappa ** 2)
    rho = (tau - np.sqrt(2 * tau)) / (2 * kappa)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(kappa < 1e-5, 1 / kappa + kappa, (1 + rho ** 2) / (2 * rho))
    x = np.zeros(loc.shape)
    todo = np.ones(loc.shape, dtype=bool)
    while todo.any():
        u1, u2, u3 = stream.random((3,) + loc.shape)
        z = np.cos(math.pi * u1)
        f = (1 + r * z) / (r + z)
        c = kappa * (r - f)
        with np.errstate(divide="ignore", invalid="ignore"):
            accept = (c * (2 - c) - u2 > 0) | (np.log(c / u2) + 1 - c >= 0)
        # as PyTorch's: a later round's acceptance replaces an earlier one until every entry has accepted once
        x = np.where(accept, np.sign(u3 - 0.5) * np.arccos(np.clip(f, -1, 1)), x)
        todo &= ~accept
    return np.mod(x + math.pi + loc, 2 * math.pi) - math.pi


class VonMises(ConstrainedDistribution):
    """VonMises(loc, concentration): an angle near loc, more tightly the larger the concentration."""

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False
    _param_names = ("loc", "concentration")

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, (), validate_args)

    def log_prob(self, value):
        """k cos(value - loc) - log(2 pi) - log I0(k)."""
        if self._validate_args:
            self._validate_sample(value)
        k = self.concentration
        return k * (value - self.loc).cos() - math.log(2 * math.pi) - log_bessel_i(k, 0)

    def sample(self, sample_shape=()):
        """Angles in [-pi, pi) of shape sample_shape + batch_shape, without a gradient."""
        shape = self._extended_shape(sample_shape)
        return host_draws(_rejection, self.loc.detach().expand(shape), self.concentration.detach().expand(shape))

    def rsample(self, sample_shape=()):
        """Refused: VonMises has no reparameterised sample, as in PyTorch."""
        raise NotImplementedError("VonMises has no rsample (has_rsample is False, as in PyTorch); use sample(), "
                                  "which carries no gradient")

    mean = property(lambda self: self.loc, doc="The circular mean, loc.")
    mode = property(lambda self: self.loc, doc="loc.")

    @property
    def variance(self):
        """The circular variance 1 - I1(k) / I0(k)."""
        k = self.concentration
        return 1 - (log_bessel_i(k, 1) - log_bessel_i(k, 0)).exp()
