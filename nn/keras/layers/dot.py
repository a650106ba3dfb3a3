"""Keras's Dot layer: per-sample dot products of two inputs along chosen axes."""
import autograd as ag

from ..layer import Layer


def _unit(x, axis):
    """x scaled to unit L2 norm along axis (the inverse norm capped at 1e7, Keras's epsilon)."""
    inverse = (x * x).sum(dim=axis, keepdim=True).rsqrt()
    cap = 1e7 if ag.finfo(inverse.dtype).max >= 1e7 else float("inf")   # Keras's 1e7 is inf in float16
    return x * ag.minimum(inverse, ag.full_like(inverse, cap))


class Dot(Layer):
    """For inputs [x, y], the dot product of each sample's x and y along axes (an int for both, or (axis of x,
    axis of y)); the other axes of x, then those of y, remain: (batch, m, d) and (batch, d, n) with axes=(2, 1)
    give (batch, m, n), two (batch, d) give (batch, 1). normalize=True gives cosine similarities."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axes, (list, tuple)):
            if len(axes) != 2 or not all(isinstance(a, int) for a in axes):
                raise ValueError(f"Dot: axes must be an int or a pair of ints, got {axes!r}")
        elif not isinstance(axes, int):
            raise TypeError(f"Dot: axes must be an int or a pair of ints, got {axes!r}")
        self.axes, self.normalize = axes, normalize
        self.supports_masking = True

    def _axes(self, x, y):
        axes = (self.axes, self.axes) if isinstance(self.axes, int) else self.axes
        return axes[0] % x.ndim, axes[1] % y.ndim

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(f"{self.name}: expects a list of exactly 2 inputs, got "
                             f"{len(inputs) if isinstance(inputs, (list, tuple)) else type(inputs).__name__}")
        x, y = inputs
        if x.ndim < 2 or y.ndim < 2 or x.shape[0] != y.shape[0]:
            raise ValueError(f"{self.name}: expects two batched inputs (rank >= 2) of one batch size, got shapes "
                             f"{tuple(x.shape)} and {tuple(y.shape)}")
        ax, ay = self._axes(x, y)
        if 0 in (ax, ay):
            raise ValueError(f"{self.name}: axes {self.axes} name the batch axis 0; dot along a sample axis")
        if x.shape[ax] != y.shape[ay]:
            raise ValueError(f"{self.name}: axis {ax} of {tuple(x.shape)} ({x.shape[ax]}) and axis {ay} of "
                             f"{tuple(y.shape)} ({y.shape[ay]}) must have the same size; choose matching axes")
        if self.normalize:
            x, y = _unit(x, ax), _unit(y, ay)
        x, y = x.movedim(ax, -1), y.movedim(ay, 1)
        x_rest, y_rest = tuple(x.shape[1:-1]), tuple(y.shape[2:])
        batch, depth = x.shape[0], x.shape[-1]
        out = x.reshape(batch, -1, depth) @ y.reshape(batch, depth, -1)
        return out.reshape((batch,) + (x_rest + y_rest or (1,)))

    def compute_output_shape(self, input_shape):
        """x's shape without its dot axis, then y's without its batch and dot axes ((batch, 1) if nothing is left)."""
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or not all(
                isinstance(s, (list, tuple)) for s in input_shape):
            raise ValueError(f"{self.name}: expects the shapes of 2 inputs, got {input_shape!r}")
        x, y = (list(s) for s in input_shape)
        axes = (self.axes, self.axes) if isinstance(self.axes, int) else self.axes
        del x[axes[0] % len(x)], y[axes[1] % len(y)]
        shape = x + y[1:]
        return tuple(shape + [1] if len(shape) == 1 else shape)

    def compute_mask(self, inputs, mask=None):
        """None: the dot product has no steps to mask."""
        return None


def dot(inputs, axes=-1, **kwargs):
    """Dot(axes, **kwargs) applied to the list `inputs` (the functional form)."""
    return Dot(axes=axes, **kwargs)(inputs)
