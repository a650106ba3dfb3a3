"""`ag.special`: the names PyTorch code reaches through `torch.special`, so that `torch.special.X` ports as
`ag.special.X` (`import autograd.special` works too)."""
from .ops.activation import log_softmax as _log_softmax
from .ops.activation import sigmoid, softmax as _softmax
from .ops.bessel import i0, i0e, i1, i1e
from .ops.bessel_airy import (airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1, modified_bessel_i0,
                              modified_bessel_i1, modified_bessel_k0, modified_bessel_k1, scaled_modified_bessel_k0,
                              scaled_modified_bessel_k1, spherical_bessel_j0)
from .ops.elementwise import log1p
from .ops.gamma import digamma, lgamma, mvlgamma, polygamma, zeta
from .ops.incomplete_gamma import gammainc, gammaincc
from .ops.normal_cdf import log_ndtr, ndtr, ndtri
from .ops.orthogonal_polynomials import (chebyshev_polynomial_t, chebyshev_polynomial_u, chebyshev_polynomial_v,
                                         chebyshev_polynomial_w, hermite_polynomial_h, hermite_polynomial_he,
                                         laguerre_polynomial_l, legendre_polynomial_p, shifted_chebyshev_polynomial_t,
                                         shifted_chebyshev_polynomial_u, shifted_chebyshev_polynomial_v,
                                         shifted_chebyshev_polynomial_w)
from .ops.reduction import logsumexp as _logsumexp
from .ops.rounding import round as _round
from .ops.special import entr, erf, erfc, erfcx, erfinv, exp2, expm1, logit, xlog1py, xlogy
from .ops.trig import sinc

psi = digamma
gammaln = lgamma


def round(input, *, decimals=0):
    """Each element rounded to `decimals` places, halves to even (torch.special.round: always the decimals
    overload, RoundBackward1)."""
    return _round(input, decimals=decimals)


def expit(input):
    """The logistic sigmoid 1 / (1 + exp(-input))."""
    return sigmoid(input)


def multigammaln(input, p):
    """The multivariate log-gamma of dimension p (torch.special's name for mvlgamma)."""
    return mvlgamma(input, p)


def softmax(input, dim, *, dtype=None):
    """exp(input) normalised to sum to 1 along dim (computed in dtype when given)."""
    return _softmax(input, dim, dtype)


def log_softmax(input, dim, *, dtype=None):
    """log(softmax(input, dim)), computed stably (in dtype when given)."""
    return _log_softmax(input, dim, dtype)


def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(input))) along dim, computed stably."""
    return _logsumexp(input, dim, keepdim)


__all__ = ["digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammaln", "i0", "i0e",
           "i1", "i1e", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "multigammaln", "ndtr", "ndtri",
           "polygamma", "psi", "round", "sinc", "softmax", "xlog1py", "xlogy", "zeta",
           "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
           "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "spherical_bessel_j0", "gammainc", "gammaincc", "chebyshev_polynomial_t", "chebyshev_polynomial_u",
           "chebyshev_polynomial_v", "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
           "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w",
           "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p"]
