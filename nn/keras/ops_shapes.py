"""keras.ops that rearrange values without computing new ones: `append`, `array_split` and the axis-named splits
(`hsplit`, `vsplit`, `dsplit`), `dstack`, `fliplr`/`flipud`, `rot90`, `ravel`, `diagflat`, `diff` and the bit
reinterpretation `view`, with Keras's (NumPy's) arguments. All but `view` pass gradients. Re-exported by
keras.ops."""
import numpy as np

import autograd as ag

from .ops_arrays import split
from .ops_math import _same
from .ops_args import _t


def append(x1, x2, axis=None):
    """x2 joined after x1 along `axis` (both flattened for None), in their common dtype."""
    a, b = _same(x1, x2)
    if axis is None:
        a, b, axis = a.reshape(-1), b.reshape(-1), 0
    return ag.cat([a, b], dim=axis)


def array_split(x, indices_or_sections, axis=0):
    """NumPy's array_split: an int n cuts `x` into n near-equal parts along `axis` (the first size % n parts one
    longer); a list of indices cuts before each index. Returns a list."""
    x = _t(x)
    if not isinstance(indices_or_sections, (int, np.integer)):
        return split(x, indices_or_sections, axis=axis)
    sections = int(indices_or_sections)
    if sections <= 0:
        raise ValueError(f"keras.ops.array_split: indices_or_sections must be a positive int, got {sections}")
    size = x.shape[axis]
    base, extra = divmod(size, sections)
    sizes = [base + 1] * extra + [base] * (sections - extra)
    return list(ag.split(x, sizes, dim=axis))


def _split_along(name, x, indices_or_sections, axis, min_ndim):
    x = _t(x)
    if x.ndim < min_ndim:
        raise ValueError(f"keras.ops.{name}: needs a tensor of at least {min_ndim} dimensions, got shape "
                         f"{tuple(x.shape)}")
    return split(x, indices_or_sections, axis=axis)


def hsplit(x, indices_or_sections):
    """`split` along the second axis (the first for 1-D x)."""
    x = _t(x)
    return _split_along("hsplit", x, indices_or_sections, 1 if x.ndim > 1 else 0, 1)


def vsplit(x, indices_or_sections):
    """`split` along the first axis (x needs at least 2 dimensions)."""
    return _split_along("vsplit", x, indices_or_sections, 0, 2)


def dsplit(x, indices_or_sections):
    """`split` along the third axis (x needs at least 3 dimensions)."""
    return _split_along("dsplit", x, indices_or_sections, 2, 3)


def dstack(xs):
    """The tensors joined along the third axis (1-D ones become (1, N, 1), 2-D ones (M, N, 1))."""
    return ag.dstack([_t(x) for x in xs])


def fliplr(x):
    """`x` reversed along its second axis (x needs at least 2 dimensions)."""
    x = _t(x)
    if x.ndim < 2:
        raise ValueError(f"keras.ops.fliplr: needs a tensor of at least 2 dimensions, got shape {tuple(x.shape)}; "
                         f"use keras.ops.flip(x) for 1-D tensors")
    return ag.flip(x, (1,))


def flipud(x):
    """`x` reversed along its first axis (x needs at least 1 dimension)."""
    x = _t(x)
    if x.ndim < 1:
        raise ValueError("keras.ops.flipud: needs a tensor of at least 1 dimension, got a 0-d tensor")
    return ag.flip(x, (0,))


def rot90(array, k=1, axes=(0, 1)):
    """`array` rotated by k quarter turns in the plane of `axes`, from the first axis towards the second."""
    x = _t(array)
    axes = tuple(axes)
    if x.ndim < 2 or len(axes) != 2 or axes[0] % x.ndim == axes[1] % x.ndim:
        raise ValueError(f"keras.ops.rot90: needs two distinct axes of a tensor with at least 2 dimensions, got "
                         f"axes={axes} for shape {tuple(x.shape)}")
    return ag.rot90(x, int(k), dims=axes)


def ravel(x):
    """`x` flattened to 1-D (a 0-d input gives shape (1,))."""
    return _t(x).reshape(-1)


def diagflat(x, k=0):
    """The flattened `x` placed on the k-th diagonal of a square matrix."""
    return ag.diagflat(_t(x).reshape(-1), offset=k)


def diff(a, n=1, axis=-1):
    """The n-th discrete difference along `axis` (a[i + 1] - a[i], applied n times; n = 0 returns `a`)."""
    x = _t(a)
    if n < 0:
        raise ValueError(f"keras.ops.diff: n must be >= 0, got {n}")
    return x if n == 0 else ag.diff(x, n=n, dim=axis)


def view(x, dtype=None):
    """The bits of `x` read as `dtype` (same itemsize keeps the shape; otherwise the last axis grows or shrinks
    by the size ratio, as NumPy's view). No gradient flows through a change of dtype."""
    x = _t(x)
    if dtype is None or np.dtype(dtype) == x.dtype:
        return x
    data = np.array(x.numpy(), order="C")   # not ascontiguousarray, which makes a 0-d tensor 1-d
    target = np.dtype(dtype)
    if data.ndim == 0 and target.itemsize != data.dtype.itemsize:
        raise ValueError(f"keras.ops.view: a 0-d tensor of {data.dtype} cannot be viewed as {target} (the sizes "
                         f"differ); reshape it to 1-D first")
    try:
        return ag.tensor(data.view(target))
    except ValueError as err:
        raise ValueError(f"keras.ops.view: shape {data.shape} of {data.dtype} cannot be viewed as {target}: the "
                         f"last axis's bytes must divide by {target.itemsize}") from err
