"""The Transform base, its inverse and ComposeTransform (the elementwise transforms are in transforms.py).

`cache_size=1` keeps the last (x, y) pair, so t.inv(t(x)) returns x itself: a tanh that saturated to +-1
still inverts exactly, which is what makes SAC's log_prob of its own rsample finite."""
import weakref

from . import constraints
from .distribution import sum_rightmost


class Transform:
    """An invertible (or at least left-invertible) map with a log-Jacobian; subclasses define _call, _inverse,
    log_abs_det_jacobian, domain and codomain."""
    _inverse_ref = None   # (subclasses that skip __init__ have no inverse yet)

    bijective = False
    domain = constraints.real
    codomain = constraints.real
    sign = 1

    def __init__(self, cache_size=0):
        if cache_size not in (0, 1):
            raise ValueError(f"{type(self).__name__}: cache_size must be 0 or 1 (PyTorch caches at most the last "
                             f"pair), got {cache_size!r}")
        self._cache_size = cache_size
        self._cached_x_y = (None, None)
        self._inverse_ref = None   # the inverse while it lives (PyTorch's: t.inv is t.inv, t.inv.inv is t)

    @property
    def event_dim(self):
        """How many rightmost dims form one event of x and y."""
        return max(self.domain.event_dim, self.codomain.event_dim)

    @property
    def inv(self):
        """The inverse transform (inv(y) = x), sharing this transform's cache; the same object while it lives."""
        inverse = self._inverse_ref() if self._inverse_ref is not None else None
        if inverse is None:
            inverse = self._make_inverse()
            self._inverse_ref = weakref.ref(inverse)
        return inverse

    def _make_inverse(self):
        return _InverseTransform(self)

    def with_cache(self, cache_size=1):
        """This transform with the given cache_size."""
        if cache_size == self._cache_size:
            return self
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        Transform.__init__(new, cache_size)
        return new

    def __call__(self, x):
        if self._cache_size and x is self._cached_x_y[0]:
            return self._cached_x_y[1]
        y = self._call(x)
        if self._cache_size:
            self._cached_x_y = (x, y)
        return y

    def _inv_call(self, y):
        if self._cache_size and y is self._cached_x_y[1]:
            return self._cached_x_y[0]
        x = self._inverse(y)
        if self._cache_size:
            self._cached_x_y = (x, y)
        return x

    def _call(self, x):
        raise NotImplementedError(f"{type(self).__name__} does not implement its forward map")

    def _inverse(self, y):
        raise NotImplementedError(f"{type(self).__name__} has no inverse")

    def log_abs_det_jacobian(self, x, y):
        """log |det dy/dx| at the pair (x, y = self(x)), one value per event."""
        raise NotImplementedError(f"{type(self).__name__} has no log_abs_det_jacobian")

    def forward_shape(self, shape):
        """The shape of y for an x of `shape`."""
        return shape

    def inverse_shape(self, shape):
        """The shape of x for a y of `shape`."""
        return shape

    def __eq__(self, other):
        return type(self) is type(other)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = object.__hash__

    def __repr__(self):
        return f"{type(self).__name__}()"


class _InverseTransform(Transform):
    """t.inv: calls t's inverse and negates its log-Jacobian."""

    def __init__(self, transform):
        super().__init__(transform._cache_size)
        self._inv = transform

    domain = property(lambda self: self._inv.codomain)
    codomain = property(lambda self: self._inv.domain)
    bijective = property(lambda self: self._inv.bijective)
    sign = property(lambda self: self._inv.sign)

    @property
    def inv(self):
        return self._inv

    def __call__(self, x):
        return self._inv._inv_call(x)

    def log_abs_det_jacobian(self, x, y):
        """-(the forward transform's log-Jacobian at (y, x))."""
        return -self._inv.log_abs_det_jacobian(y, x)

    def forward_shape(self, shape):
        return self._inv.inverse_shape(shape)

    def inverse_shape(self, shape):
        return self._inv.forward_shape(shape)

    def __eq__(self, other):
        return isinstance(other, _InverseTransform) and self._inv == other._inv

    __hash__ = object.__hash__

    def __repr__(self):
        return f"_InverseTransform({self._inv!r})"


class ComposeTransform(Transform):
    """parts applied in order: y = parts[-1](...parts[0](x)); the log-Jacobians add up."""

    def __init__(self, parts, cache_size=0):
        self.parts = [p.with_cache(cache_size) for p in parts] if cache_size else list(parts)
        super().__init__(cache_size)

    @property
    def domain(self):
        if not self.parts:
            return constraints.real
        domain, event_dim = self.parts[0].domain, self.parts[-1].codomain.event_dim
        for part in reversed(self.parts):
            event_dim += part.domain.event_dim - part.codomain.event_dim
        return domain if event_dim <= domain.event_dim else constraints.independent(domain,
                                                                                    event_dim - domain.event_dim)

    @property
    def codomain(self):
        if not self.parts:
            return constraints.real
        codomain, event_dim = self.parts[-1].codomain, self.parts[0].domain.event_dim
        for part in self.parts:
            event_dim += part.codomain.event_dim - part.domain.event_dim
        return codomain if event_dim <= codomain.event_dim else constraints.independent(
            codomain, event_dim - codomain.event_dim)

    bijective = property(lambda self: all(p.bijective for p in self.parts))

    @property
    def sign(self):
        sign = 1
        for part in self.parts:
            sign = sign * part.sign
        return sign

    def _make_inverse(self):
        inverse = ComposeTransform([p.inv for p in reversed(self.parts)])   # the parts carry the caches
        inverse._inverse_ref = weakref.ref(self)   # its inverse is this one, as PyTorch's
        return inverse

    def _call(self, x):
        for part in self.parts:
            x = part(x)
        return x

    def _inverse(self, y):
        for part in reversed(self.parts):
            y = part.inv(y)
        return y

    def log_abs_det_jacobian(self, x, y):
        """The parts' log-Jacobians, each summed over the dims that are event dims of the whole, added."""
        if not self.parts:
            return x.new_zeros(x.shape) if hasattr(x, "new_zeros") else x * 0
        total, event_dim = 0, self.domain.event_dim
        for part in self.parts:
            z = part(x)
            total = total + sum_rightmost(part.log_abs_det_jacobian(x, z), event_dim - part.domain.event_dim)
            x, event_dim = z, event_dim + part.codomain.event_dim - part.domain.event_dim
        return total

    def forward_shape(self, shape):
        for part in self.parts:
            shape = part.forward_shape(shape)
        return shape

    def inverse_shape(self, shape):
        for part in reversed(self.parts):
            shape = part.inverse_shape(shape)
        return shape

    def __eq__(self, other):
        return isinstance(other, ComposeTransform) and self.parts == other.parts

    __hash__ = object.__hash__

    def __repr__(self):
        inner = ",\n    ".join(repr(p) for p in self.parts)
        return f"ComposeTransform(\n    {inner}\n)"


identity_transform = ComposeTransform([])
