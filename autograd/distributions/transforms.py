"""torch.distributions.transforms: invertible maps y = t(x) with t.inv and log|dy/dx| (log_abs_det_jacobian),
for TransformedDistribution (e.g. the tanh-squashed Normal of SAC) and for transform_to/biject_to."""
import math
import numbers

import numpy as np

from ..creation import arange
from ..ops.activation import Softplus
from ..ops.joining import cat
from ..tensor import Tensor
from . import constraints
from .distribution import broadcast_all, sum_rightmost
from .matrix_transforms import CorrCholeskyTransform, LowerCholeskyTransform, PositiveDefiniteTransform
from .structured_transforms import (CatTransform, CumulativeDistributionTransform, IndependentTransform,
                                    ReshapeTransform, StackTransform)
from .transform_base import ComposeTransform, Transform, identity_transform

__all__ = ["AbsTransform", "AffineTransform", "CatTransform", "ComposeTransform", "CorrCholeskyTransform",
           "CumulativeDistributionTransform", "ExpTransform", "IndependentTransform", "LowerCholeskyTransform",
           "PositiveDefiniteTransform", "PowerTransform", "ReshapeTransform", "SigmoidTransform", "SoftmaxTransform",
           "SoftplusTransform", "StackTransform", "StickBreakingTransform", "TanhTransform", "Transform",
           "identity_transform"]


class ExpTransform(Transform):
    """y = exp(x)."""
    domain, codomain, bijective = constraints.real, constraints.positive, True

    def _call(self, x):
        return x.exp()

    def _inverse(self, y):
        return y.log()

    def log_abs_det_jacobian(self, x, y):
        """x."""
        return x


class PowerTransform(Transform):
    """y = x ** exponent on the positive reals."""
    domain, codomain, bijective = constraints.positive, constraints.positive, True

    def __init__(self, exponent, cache_size=0):
        super().__init__(cache_size)
        (self.exponent,) = broadcast_all(exponent)   # a number becomes a tensor of the default dtype, as PyTorch's

    @property
    def sign(self):
        return self.exponent.sign()

    def _call(self, x):
        return x.pow(self.exponent)

    def _inverse(self, y):
        return y.pow(1 / self.exponent)

    def log_abs_det_jacobian(self, x, y):
        """log |exponent * y / x|."""
        return (self.exponent * y / x).abs().log()

    def __eq__(self, other):
        return isinstance(other, PowerTransform) and _same(self.exponent, other.exponent)

    __hash__ = object.__hash__


def _same(a, b):
    if isinstance(a, numbers.Number) and isinstance(b, numbers.Number):
        return a == b
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return a.shape == b.shape and bool((a == b).all())
    return False


class SigmoidTransform(Transform):
    """y = sigmoid(x), kept within [tiny, 1 - eps] so that its inverse stays finite."""
    domain, codomain, bijective = constraints.real, constraints.unit_interval, True

    def _call(self, x):
        info = np.finfo(x.dtype)
        return x.sigmoid().clamp(min=float(info.tiny), max=1.0 - float(info.eps))

    def _inverse(self, y):
        info = np.finfo(y.dtype)
        y = y.clamp(min=float(info.tiny), max=1.0 - float(info.eps))
        return y.log() - (-y).log1p()

    def log_abs_det_jacobian(self, x, y):
        """-softplus(-x) - softplus(x)."""
        return -Softplus.apply(-x) - Softplus.apply(x)


class SoftplusTransform(Transform):
    """y = log(1 + exp(x))."""
    domain, codomain, bijective = constraints.real, constraints.positive, True

    def _call(self, x):
        return Softplus.apply(x)

    def _inverse(self, y):
        return (-y).expm1().neg().log() + y

    def log_abs_det_jacobian(self, x, y):
        """-softplus(-x)."""
        return -Softplus.apply(-x)


class TanhTransform(Transform):
    """y = tanh(x); the log-Jacobian is 2 (log 2 - x - softplus(-2x)), stable for large |x|."""
    domain, codomain, bijective = constraints.real, constraints.interval(-1.0, 1.0), True

    def _call(self, x):
        return x.tanh()

    def _inverse(self, y):
        return 0.5 * (y.log1p() - (-y).log1p())

    def log_abs_det_jacobian(self, x, y):
        """log(1 - tanh(x)^2), written without y so it stays finite where tanh rounds to +-1."""
        return 2.0 * (math.log(2.0) - x - Softplus.apply(-2.0 * x))


class AbsTransform(Transform):
    """y = |x| (not injective: inv returns y itself, as PyTorch)."""
    domain, codomain = constraints.real, constraints.positive

    def _call(self, x):
        return x.abs()

    def _inverse(self, y):
        return y


class AffineTransform(Transform):
    """y = loc + scale * x, with the log-Jacobian summed over the rightmost `event_dim` dims."""
    bijective = True

    def __init__(self, loc, scale, event_dim=0, cache_size=0):
        super().__init__(cache_size)
        self.loc, self.scale, self._event_dim = loc, scale, int(event_dim)

    @property
    def event_dim(self):
        return self._event_dim

    @property
    def domain(self):
        return constraints.real if self._event_dim == 0 else constraints.independent(constraints.real,
                                                                                     self._event_dim)

    codomain = domain

    @property
    def sign(self):
        if isinstance(self.scale, Tensor):
            return self.scale.sign()
        return 1 if self.scale > 0 else -1 if self.scale < 0 else 0   # an int, as PyTorch's

    def _call(self, x):
        return self.loc + self.scale * x

    def _inverse(self, y):
        return (y - self.loc) / self.scale

    def log_abs_det_jacobian(self, x, y):
        """log |scale|, broadcast to x's shape and summed over the event dims."""
        scale = self.scale
        if isinstance(scale, Tensor):
            result = scale.abs().log().expand(np.broadcast_shapes(tuple(scale.shape), tuple(x.shape)))
        else:
            result = (x * 0) + math.log(abs(scale))
        return sum_rightmost(result, self._event_dim)

    def forward_shape(self, shape):
        return np.broadcast_shapes(tuple(shape), tuple(getattr(self.loc, "shape", ())),
                                   tuple(getattr(self.scale, "shape", ())))

    inverse_shape = forward_shape

    def __eq__(self, other):
        return isinstance(other, AffineTransform) and _same(self.loc, other.loc) and _same(self.scale,
                                                                                           other.scale)

    __hash__ = object.__hash__


class SoftmaxTransform(Transform):
    """y = softmax(x) over the last dim (not injective; inv gives log y)."""
    domain, codomain = constraints.real_vector, constraints.simplex

    def _call(self, x):
        z = (x - x.max(-1, keepdim=True)[0]).exp()
        return z / z.sum(-1, keepdim=True)

    def _inverse(self, y):
        return y.log()


class StickBreakingTransform(Transform):
    """The bijection from R^(K-1) onto the K-simplex by stick breaking (biject_to(simplex))."""
    domain, codomain, bijective = constraints.real_vector, constraints.simplex, True

    def _offset(self, x):
        k = x.shape[-1]
        return (k - arange(k, dtype=x.dtype, device=x.device)).log()

    def _call(self, x):
        z = (x - self._offset(x)).sigmoid()
        remaining = (1 - z).cumprod(-1)
        ones = remaining[..., :1] * 0 + 1
        return cat([z, ones], -1) * cat([ones, remaining], -1)

    def _inverse(self, y):
        head = y[..., :-1]
        rest = (1 - head.cumsum(-1)).clamp(min=float(np.finfo(y.dtype).tiny))
        return head.log() - rest.log() + self._offset(head)

    def log_abs_det_jacobian(self, x, y):
        """sum(-x + logsigmoid(x - offset) + log y[:-1])."""
        shifted = x - self._offset(x)
        return (-shifted - Softplus.apply(-shifted) + y[..., :-1].log()).sum(-1)

    def forward_shape(self, shape):
        return tuple(shape[:-1]) + (shape[-1] + 1,)

    def inverse_shape(self, shape):
        return tuple(shape[:-1]) + (shape[-1] - 1,)
