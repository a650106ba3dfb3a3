"""keras.ops.image.scale_and_translate: resampling along chosen axes with a scale and a translation (JAX's
jax.image.scale_and_translate, which Keras's torch backend reproduces): for each axis a weight matrix of a
linear, Keys cubic or Lanczos kernel (widened by 1 / scale when shrinking with antialias), normalised per output
sample and zero where the sample falls outside the input, applied by a tensor product. Differentiable in the
images."""
import numpy as np

import autograd as ag

from .ops_args import _t

_METHODS = {"linear": "linear", "bilinear": "linear", "trilinear": "linear", "triangle": "linear",
            "cubic": "cubic", "bicubic": "cubic", "tricubic": "cubic", "lanczos3": "lanczos3", "lanczos5": "lanczos5"}


def _triangle(x):
    return np.maximum(x.dtype.type(0), 1 - np.abs(x))


def _keys_cubic(x):
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return np.where(x >= 2.0, 0.0, np.where(x >= 1.0, far, near)).astype(x.dtype)


def _lanczos(radius):
    def kernel(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            y = radius * np.sin(np.pi * x) * np.sin(np.pi * x / radius)
            out = np.where(x > 1e-3, y / np.where(x != 0, np.pi ** 2 * x ** 2, 1), 1)
        return np.where(x > radius, 0.0, out).astype(x.dtype)
    return kernel


_KERNELS = {"linear": _triangle, "cubic": _keys_cubic, "lanczos3": _lanczos(3.0), "lanczos5": _lanczos(5.0)}


def _weights(in_size, out_size, scale, translation, kernel, antialias):
    """The (in_size, out_size) matrix taking one axis of the input to the output's samples."""
    dtype = scale.dtype.type
    inv_scale = dtype(1) / scale
    widen = np.maximum(inv_scale, dtype(1)) if antialias else dtype(1)
    sample = (np.arange(out_size, dtype=dtype) + dtype(0.5)) * inv_scale - translation * inv_scale - dtype(0.5)
    distance = np.abs(sample[None, :] - np.arange(in_size, dtype=dtype)[:, None]) / widen
    weights = kernel(distance.astype(dtype))
    total = weights.sum(0, keepdims=True)
    eps = 1000.0 * float(np.finfo(np.float32).eps)
    weights = np.where(np.abs(total) > eps, weights / np.where(total != 0, total, 1), 0)
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return np.where(inside[None, :], weights, 0).astype(dtype)


def _vector(value, name, count):
    """`value` as a NumPy vector of `count` numbers: float32 from Python numbers (as Keras converts them), NumPy
    arrays and tensors keeping their float dtype."""
    python = isinstance(value, (list, tuple, int, float))
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if python or array.dtype.kind in "iu":
        array = array.astype(np.float32) if array.dtype.kind in "fiu" else array
    if array.dtype.kind not in "fiu":
        raise TypeError(f"keras.ops.image.scale_and_translate: {name} must be numbers, got {array.dtype}")
    if array.shape != (count,):
        raise ValueError(f"keras.ops.image.scale_and_translate: {name} needs one value per spatial dim ({count}), "
                         f"got shape {array.shape}")
    return array


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method, antialias=True):
    """`images` resampled to `output_shape`: along each axis in `spatial_dims`, output position y (pixel centres
    at +0.5) reads input position (y - translation) / scale, with `method`'s kernel ('linear', 'cubic',
    'lanczos3', 'lanczos5' or their aliases); an integer input is rounded and clipped to its range."""
    if method not in _METHODS:
        raise ValueError(f"Invalid value for argument `method`. Expected of one {set(_METHODS)}. Received: "
                         f"method={method}")
    x = _t(images)
    spatial_dims = tuple(spatial_dims)
    output_shape = tuple(int(n) for n in output_shape)
    if len(output_shape) != x.ndim:
        raise ValueError(f"keras.ops.image.scale_and_translate: output_shape {output_shape} needs one entry per axis "
                         f"of the images of shape {tuple(x.shape)}")
    scale = _vector(scale, "scale", len(spatial_dims))
    translation = _vector(translation, "translation", len(spatial_dims))
    dtype = np.result_type(scale.dtype, translation.dtype)
    scale, translation = scale.astype(dtype), translation.astype(dtype)
    if not spatial_dims:
        return x
    for axis in range(x.ndim):
        if axis not in {d % x.ndim for d in spatial_dims} and output_shape[axis] != x.shape[axis]:
            raise ValueError(f"keras.ops.image.scale_and_translate: output_shape {output_shape} changes axis {axis}, "
                             f"which is not in spatial_dims {spatial_dims}")
    integer = x.dtype.kind in "iub"
    out = x.astype(np.float32) if integer else x
    kernel = _KERNELS[_METHODS[method]]
    for k, axis in enumerate(spatial_dims):
        axis = axis % x.ndim
        matrix = _weights(int(x.shape[axis]), output_shape[axis], scale[k], translation[k], kernel, antialias)
        out = ag.tensordot(out, ag.tensor(matrix.astype(out.dtype)), ([axis], [0]))
        out = ag.moveaxis(out, -1, axis)
    if integer:
        low, high = x.numpy().min(), x.numpy().max()
        out = ag.clip(out.round(), float(low), float(high)).astype(x.dtype)
    return out
