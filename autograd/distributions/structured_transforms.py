"""Transforms that rearrange or combine others: CatTransform and StackTransform (a transform per piece of one
dim), ReshapeTransform, IndependentTransform (more dims read as one event) and CumulativeDistributionTransform
(a distribution's cdf)."""
from ..ops.joining import cat, stack
from ..size import Size
from . import constraints
from .distribution import sum_rightmost
from .transform_base import Transform


def _check_pieces(name, value, dim, size, what):
    if not -value.ndim <= dim < value.ndim:
        raise ValueError(f"{name}: dim {dim} is out of range for a tensor of shape {tuple(value.shape)}")
    if value.shape[dim] != size:
        raise ValueError(f"{name}: the input's size along dim {dim} is {value.shape[dim]} (shape "
                         f"{tuple(value.shape)}) but must be {size}, {what}")


def _all_transforms(name, tseq):
    tseq = list(tseq)
    if not all(isinstance(t, Transform) for t in tseq):
        raise ValueError(f"{name}: every element of tseq must be a Transform, got "
                         f"{[type(t).__name__ for t in tseq]}")
    return tseq


class CatTransform(Transform):
    """Applies tseq[i] to the i-th consecutive piece (of lengths[i] entries, 1 each by default) of dim `dim` and
    concatenates the results, as torch.cat does with the pieces."""

    def __init__(self, tseq, dim=0, lengths=None, cache_size=0):
        tseq = _all_transforms("CatTransform", tseq)
        if cache_size:
            tseq = [t.with_cache(cache_size) for t in tseq]
        super().__init__(cache_size)
        self.transforms, self.dim = tseq, dim
        self.lengths = [1] * len(tseq) if lengths is None else list(lengths)
        if len(self.lengths) != len(self.transforms):
            raise ValueError(f"CatTransform: {len(self.lengths)} lengths given for {len(self.transforms)} transforms; "
                             "pass one length per transform")

    def with_cache(self, cache_size=1):
        """This transform with the given cache_size."""
        return self if cache_size == self._cache_size else CatTransform(self.transforms, self.dim, self.lengths,
                                                                        cache_size)

    @property
    def event_dim(self):
        """The largest event_dim of the parts."""
        return max(t.event_dim for t in self.transforms)

    @property
    def length(self):
        """The total size of dim `dim`: the sum of lengths."""
        return sum(self.lengths)

    bijective = property(lambda self: all(t.bijective for t in self.transforms), doc="Whether every part is.")
    domain = property(lambda self: constraints.cat([t.domain for t in self.transforms], self.dim, self.lengths),
                      doc="The parts' domains, piece by piece.")
    codomain = property(lambda self: constraints.cat([t.codomain for t in self.transforms], self.dim,
                                                     self.lengths), doc="The parts' codomains, piece by piece.")

    def _map(self, value, inverse):
        _check_pieces("CatTransform", value, self.dim, self.length, "the sum of lengths")
        pieces, start = [], 0
        for t, n in zip(self.transforms, self.lengths):
            piece = value.narrow(self.dim, start, n)
            pieces.append(t.inv(piece) if inverse else t(piece))
            start += n
        return cat(pieces, self.dim)

    def _call(self, x):
        return self._map(x, False)

    def _inverse(self, y):
        return self._map(y, True)

    def log_abs_det_jacobian(self, x, y):
        """The parts' log-Jacobians, concatenated along dim (or added when dim lies inside the event)."""
        _check_pieces("CatTransform", x, self.dim, self.length, "the sum of lengths")
        _check_pieces("CatTransform", y, self.dim, self.length, "the sum of lengths")
        parts, start = [], 0
        for t, n in zip(self.transforms, self.lengths):
            part = t.log_abs_det_jacobian(x.narrow(self.dim, start, n), y.narrow(self.dim, start, n))
            parts.append(sum_rightmost(part, self.event_dim - t.event_dim))
            start += n
        dim = (self.dim - x.ndim if self.dim >= 0 else self.dim) + self.event_dim
        return cat(parts, dim) if dim < 0 else sum(parts)

    def __eq__(self, other):
        return (isinstance(other, CatTransform) and self.transforms == other.transforms and self.dim == other.dim
                and self.lengths == other.lengths)

    __hash__ = object.__hash__


class StackTransform(Transform):
    """Applies tseq[i] to the i-th slice along dim `dim` and stacks the results, as torch.stack does."""

    def __init__(self, tseq, dim=0, cache_size=0):
        tseq = _all_transforms("StackTransform", tseq)
        if cache_size:
            tseq = [t.with_cache(cache_size) for t in tseq]
        super().__init__(cache_size)
        self.transforms, self.dim = tseq, dim

    def with_cache(self, cache_size=1):
        """This transform with the given cache_size."""
        return self if cache_size == self._cache_size else StackTransform(self.transforms, self.dim, cache_size)

    bijective = property(lambda self: all(t.bijective for t in self.transforms), doc="Whether every part is.")
    domain = property(lambda self: constraints.stack([t.domain for t in self.transforms], self.dim),
                      doc="The parts' domains, slice by slice.")
    codomain = property(lambda self: constraints.stack([t.codomain for t in self.transforms], self.dim),
                        doc="The parts' codomains, slice by slice.")

    def _slices(self, value):
        _check_pieces("StackTransform", value, self.dim, len(self.transforms), "one slice per transform")
        return [value.select(self.dim, i) for i in range(value.shape[self.dim])]

    def _call(self, x):
        return stack([t(s) for t, s in zip(self.transforms, self._slices(x))], self.dim)

    def _inverse(self, y):
        return stack([t.inv(s) for t, s in zip(self.transforms, self._slices(y))], self.dim)

    def log_abs_det_jacobian(self, x, y):
        """The parts' log-Jacobians, stacked along dim."""
        return stack([t.log_abs_det_jacobian(a, b) for t, a, b in zip(self.transforms, self._slices(x),
                                                                      self._slices(y))], self.dim)

    def __eq__(self, other):
        return isinstance(other, StackTransform) and self.transforms == other.transforms and self.dim == other.dim

    __hash__ = object.__hash__


class ReshapeTransform(Transform):
    """Reshapes the rightmost dims from in_shape to out_shape (the batch dims kept); log-Jacobian 0."""

    bijective = True

    def __init__(self, in_shape, out_shape, cache_size=0):
        self.in_shape, self.out_shape = Size(in_shape), Size(out_shape)
        if self.in_shape.numel() != self.out_shape.numel():
            raise ValueError(f"ReshapeTransform: in_shape {tuple(self.in_shape)} and out_shape "
                             f"{tuple(self.out_shape)} hold different numbers of elements")
        super().__init__(cache_size)

    domain = property(lambda self: constraints.independent(constraints.real, len(self.in_shape)),
                      doc="Real events of in_shape's dims.")
    codomain = property(lambda self: constraints.independent(constraints.real, len(self.out_shape)),
                        doc="Real events of out_shape's dims.")

    def with_cache(self, cache_size=1):
        """This transform with the given cache_size."""
        return self if cache_size == self._cache_size else ReshapeTransform(self.in_shape, self.out_shape,
                                                                            cache_size)

    def _call(self, x):
        return x.reshape(tuple(x.shape[:x.ndim - len(self.in_shape)]) + tuple(self.out_shape))

    def _inverse(self, y):
        return y.reshape(tuple(y.shape[:y.ndim - len(self.out_shape)]) + tuple(self.in_shape))

    def log_abs_det_jacobian(self, x, y):
        """Zeros of the batch shape."""
        return x.new_zeros(tuple(x.shape[:x.ndim - len(self.in_shape)]))

    def _swap(self, shape, have, want):
        shape = tuple(shape)
        cut = len(shape) - len(have)
        if cut < 0 or shape[cut:] != tuple(have):
            raise ValueError(f"ReshapeTransform: a shape {shape} must end in {tuple(have)}")
        return shape[:cut] + tuple(want)

    def forward_shape(self, shape):
        """The shape of y for an x of `shape`."""
        return self._swap(shape, self.in_shape, self.out_shape)

    def inverse_shape(self, shape):
        """The shape of x for a y of `shape`."""
        return self._swap(shape, self.out_shape, self.in_shape)

    def __eq__(self, other):
        return (isinstance(other, ReshapeTransform) and self.in_shape == other.in_shape
                and self.out_shape == other.out_shape)

    __hash__ = object.__hash__


class IndependentTransform(Transform):
    """base_transform with `reinterpreted_batch_ndims` more rightmost dims read as one event, so its
    log-Jacobian sums over them."""

    def __init__(self, base_transform, reinterpreted_batch_ndims, cache_size=0):
        super().__init__(cache_size)
        self.base_transform = base_transform.with_cache(cache_size)
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims

    def with_cache(self, cache_size=1):
        """This transform with the given cache_size."""
        return self if cache_size == self._cache_size else IndependentTransform(
            self.base_transform, self.reinterpreted_batch_ndims, cache_size)

    domain = property(lambda self: constraints.independent(self.base_transform.domain,
                                                           self.reinterpreted_batch_ndims), doc="The base domain.")
    codomain = property(lambda self: constraints.independent(self.base_transform.codomain,
                                                             self.reinterpreted_batch_ndims),
                        doc="The base codomain.")
    bijective = property(lambda self: self.base_transform.bijective, doc="Whether the base is.")
    sign = property(lambda self: self.base_transform.sign, doc="The base's sign.")

    def _check_dims(self, value, constraint):
        if value.ndim < constraint.event_dim:
            raise ValueError(f"IndependentTransform: the input of shape {tuple(value.shape)} has fewer dims than "
                             f"the event ({constraint.event_dim})")

    def _call(self, x):
        self._check_dims(x, self.domain)
        return self.base_transform(x)

    def _inverse(self, y):
        self._check_dims(y, self.codomain)
        return self.base_transform.inv(y)

    def log_abs_det_jacobian(self, x, y):
        """The base log-Jacobian summed over the reinterpreted dims."""
        return sum_rightmost(self.base_transform.log_abs_det_jacobian(x, y), self.reinterpreted_batch_ndims)

    def forward_shape(self, shape):
        """The shape of y for an x of `shape`."""
        return self.base_transform.forward_shape(shape)

    def inverse_shape(self, shape):
        """The shape of x for a y of `shape`."""
        return self.base_transform.inverse_shape(shape)

    def __eq__(self, other):
        return (isinstance(other, IndependentTransform) and self.base_transform == other.base_transform
                and self.reinterpreted_batch_ndims == other.reinterpreted_batch_ndims)

    __hash__ = object.__hash__

    def __repr__(self):
        return f"IndependentTransform({self.base_transform!r}, {self.reinterpreted_batch_ndims})"


class CumulativeDistributionTransform(Transform):
    """y = distribution.cdf(x), from the distribution's support onto the unit interval; inv is its icdf and
    the log-Jacobian its log_prob."""

    bijective, codomain, sign = True, constraints.unit_interval, 1

    def __init__(self, distribution, cache_size=0):
        super().__init__(cache_size)
        self.distribution = distribution

    domain = property(lambda self: self.distribution.support, doc="The distribution's support.")

    def with_cache(self, cache_size=1):
        """This transform with the given cache_size."""
        return self if cache_size == self._cache_size else CumulativeDistributionTransform(self.distribution,
                                                                                           cache_size)

    def _call(self, x):
        return self.distribution.cdf(x)

    def _inverse(self, y):
        return self.distribution.icdf(y)

    def log_abs_det_jacobian(self, x, y):
        """The distribution's log_prob at x."""
        return self.distribution.log_prob(x)
