"""torch.broadcast_shapes: the shape that tensors of the given shapes broadcast to, without any tensor."""
import numbers

import numpy as np

from ..size import Size


def broadcast_shapes(*shapes):
    """The broadcast shape of `shapes` (each a tuple of ints, a Size, or an int for a 1-D shape) as an ag.Size;
    a ValueError names the shapes when they do not broadcast."""
    sizes = []
    for shape in shapes:
        if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
            shape = (shape,)
        if not isinstance(shape, (tuple, list)) or not all(isinstance(n, numbers.Integral) for n in shape):
            raise TypeError(f"broadcast_shapes: each shape must be an int or a sequence of ints, got {shape!r}")
        if any(n < 0 for n in shape):
            raise ValueError(f"broadcast_shapes: a shape has a negative size: {tuple(shape)}")
        sizes.append(tuple(int(n) for n in shape))
    try:
        return Size(np.broadcast_shapes(*sizes))
    except ValueError:
        raise ValueError(f"broadcast_shapes: shapes {', '.join(map(str, sizes))} cannot be broadcast together; "
                         "each dim must match or be 1") from None
