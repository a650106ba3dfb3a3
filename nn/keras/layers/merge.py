"""Layers that merge several inputs (functional models): Concatenate, Add, Subtract, Multiply, Average,
Maximum, Minimum, and their lower-case function forms (layers.concatenate([a, b]), ...)."""
import autograd as ag

from .. import masking
from ..layer import Layer


class _Merge(Layer):
    """Takes a list of inputs of matching shapes."""

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"{self.name}: expects a list of at least 2 inputs, got {type(inputs).__name__}")
        return self._merge(list(inputs))

    supports_masking = True

    def compute_mask(self, inputs, mask=None):
        """The steps every input keeps (the AND of the inputs' masks; None when none has one)."""
        if mask is None:
            return None
        masks = [m for m in (mask if isinstance(mask, (list, tuple)) else [mask]) if m is not None]
        if not masks:
            return None
        result = masking.as_bool(masks[0])
        for m in masks[1:]:
            result = result & masking.as_bool(m)
        return result


class Concatenate(_Merge):
    """Joins the inputs along `axis` (the last by default)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def _merge(self, inputs):
        return ag.cat(inputs, dim=self.axis)


class Add(_Merge):
    """The elementwise sum."""

    def _merge(self, inputs):
        total = inputs[0]
        for x in inputs[1:]:
            total = total + x
        return total


class Subtract(_Merge):
    """inputs[0] - inputs[1]."""

    def _merge(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"{self.name}: expects exactly 2 inputs, got {len(inputs)}")
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """The elementwise product."""

    def _merge(self, inputs):
        total = inputs[0]
        for x in inputs[1:]:
            total = total * x
        return total


class Average(Add):
    """The elementwise mean."""

    def _merge(self, inputs):
        return super()._merge(inputs) / float(len(inputs))


class Maximum(_Merge):
    """The elementwise maximum."""

    def _merge(self, inputs):
        result = inputs[0]
        for x in inputs[1:]:
            result = ag.maximum(result, x)
        return result


class Minimum(_Merge):
    """The elementwise minimum."""

    def _merge(self, inputs):
        result = inputs[0]
        for x in inputs[1:]:
            result = ag.minimum(result, x)
        return result


def concatenate(inputs, axis=-1, **kwargs):
    """Concatenate(axis)(inputs)."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def add(inputs, **kwargs):
    """Add()(inputs)."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Subtract()(inputs)."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Multiply()(inputs)."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Average()(inputs)."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Maximum()(inputs)."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Minimum()(inputs)."""
    return Minimum(**kwargs)(inputs)
