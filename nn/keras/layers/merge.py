"""Layers that merge several inputs (functional models): Concatenate, Add, Subtract, Multiply, Average,
Maximum, Minimum, and their lower-case function forms (layers.concatenate([a, b]), ...)."""
import autograd as ag

from .. import masking
from ..layer import Layer
from ..symbolic import KerasTensor


def _shapes_text(shapes):
    """The shapes as Keras shows them, the batch axis as None."""
    return ", ".join(str((None,) + tuple(s[1:])) for s in shapes)


class _Merge(Layer):
    """Takes a list of inputs of matching shapes (one input passes through, as in Keras)."""

    def __init__(self, **kwargs):   # as Keras's merge layers: keyword arguments only (Layer's)
        super().__init__(**kwargs)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or not inputs:
            shape = f" of shape {tuple(inputs.shape)}" if hasattr(inputs, "shape") else ""
            raise ValueError(f"{self.name}: a merge layer is called on a list of inputs, got "
                             f"{type(inputs).__name__}{shape}; pass a list, e.g. {type(self).__name__}()([a, b])")
        self._check_shapes([tuple(x.shape) for x in inputs])
        return self._merge(list(inputs))

    def _check_shapes(self, shapes):
        """Elementwise merges: after the batch axis, each axis must match or be 1 (Keras's rule)."""
        for shape in shapes[1:]:
            a, b = shapes[0][1:], shape[1:]
            if len(a) == len(b) and all(m == n or 1 in (m, n) for m, n in zip(a, b)):
                continue
            raise ValueError(f"{self.name} ({type(self).__name__}): inputs have incompatible shapes "
                             f"{_shapes_text(shapes)}; after the batch axis every size must match or be 1 (project one "
                             "input with a Dense or Reshape layer first)")

    supports_masking = True

    def compute_mask(self, inputs, mask=None):
        """Keras's merge mask: the OR of the inputs' masks, None when any input has none (the steps some input
        keeps; Add, Subtract, Multiply, Average, Maximum and Minimum)."""
        if mask is None:
            return None
        masks = list(mask) if isinstance(mask, (list, tuple)) else [mask]
        if any(m is None for m in masks):
            return None
        if any(isinstance(m, KerasTensor) for m in masks):   # the `logical_or` nodes of Keras's graph
            from .. import ops
            result = masks[0]
            for m in masks[1:]:
                result = ops.logical_or(result, m)
            return result
        result = masking.as_bool(masks[0])
        for m in masks[1:]:
            result = result | masking.as_bool(m)
        return result


class Concatenate(_Merge):
    """Joins the inputs along `axis` (the last by default)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def _check_shapes(self, shapes):
        """Every axis but the joined one must match."""
        rank = len(shapes[0])
        axis = self.axis % rank if rank else 0
        drop = [s[:axis] + s[axis + 1:] for s in shapes]
        if any(len(s) != rank for s in shapes) or any(d != drop[0] for d in drop[1:]):
            # the batch axis shown as None, unless it is where they differ (eager inputs of two batch sizes)
            batches = {s[0] for s in shapes if s}
            text = _shapes_text(shapes) if len(batches) <= 1 or axis == 0 else ", ".join(str(tuple(s)) for s in shapes)
            raise ValueError(f"{self.name} (Concatenate, axis={self.axis}): inputs have shapes {text}; every axis "
                             "except the joined one must match")

    def _merge(self, inputs):
        return ag.cat(inputs, dim=self.axis)

    def compute_mask(self, inputs, mask=None):
        """Keras's Concatenate mask: each input's mask widened to the input's shape (all True for an unmasked
        one), joined along `axis`, then any() over the last axis; None when no input has one."""
        if mask is None:
            return None
        masks = list(mask) if isinstance(mask, (list, tuple)) else [mask]
        if all(m is None for m in masks):
            return None
        from .. import ops
        widened = []
        for value, m in zip(inputs, masks):
            if m is None:
                widened.append(ops.ones_like(value, dtype="bool"))
            elif len(m.shape) < len(value.shape):
                widened.append(ops.logical_or(ops.expand_dims(m, axis=-1), ops.zeros_like(value, dtype="bool")))
            else:
                widened.append(m)
        return ops.any(ops.concatenate(widened, axis=self.axis), axis=-1, keepdims=False)


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


class Average(_Merge):
    """The elementwise mean (not a subclass of Add, as in Keras: isinstance(layer, Add) is False for it)."""

    def _merge(self, inputs):
        return Add._merge(self, inputs) / float(len(inputs))


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
