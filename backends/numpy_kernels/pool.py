"""2-D max pooling over NCHW arrays and its gradient on the host, vectorised over every window.

Windows are strided views of the (padded) input; loops run over kernel offsets only. Geometry,
argument checks and average pooling are shared with the other devices (array_kernels/pool.py).
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..array_kernels.pool import check_max_pool_grad, geometry, padded


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def max_pool2d(x, kernel, stride, padding, dilation, ceil_mode):
    """Max pooling of x (N, C, H, W) -> (y, argmax); argmax holds int64 flat indices into H*W."""
    ho, wo = geometry("max_pool2d", x.shape, kernel, stride, padding, dilation, ceil_mode)
    w = x.shape[3]
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    x_padded = padded(np, x, padding, ((ho - 1) * sh + dh * (kh - 1) + 1, (wo - 1) * sw + dw * (kw - 1) + 1),
                      _lowest(x.dtype))
    # the windows copied kernel-position-major, (kH * kW, N, C, Ho, Wo), so every step below is one
    # long contiguous ufunc loop; the local argmax counts the leading positions below the max
    # (PyTorch picks the first maximum)
    s = x_padded.strides
    views = as_strided(x_padded, (kh, kw) + x.shape[:2] + (ho, wo),
                       (s[2] * dh, s[3] * dw, s[0], s[1], s[2] * sh, s[3] * sw),
                       writeable=False).reshape((kh * kw,) + x.shape[:2] + (ho, wo))
    y = views.max(axis=0)
    local = np.zeros(y.shape, np.intp)
    below = views[0] < y
    for t in range(1, kh * kw):
        local += below
        if t + 1 < kh * kw:
            below &= views[t] < y
    offsets = (np.arange(kh) * (dh * w))[:, None] + np.arange(kw) * dw
    argmax = np.take(offsets.reshape(-1), local)
    if x.dtype.kind == "f":
        _fix_special_windows(x, x_padded, y, views, offsets.reshape(-1), argmax, (ho, wo), stride, padding, dilation)
    argmax += (np.arange(ho) * sh - ph)[:, None] * w + (np.arange(wo) * sw - pw)
    return y, argmax


def _fix_special_windows(x, x_padded, y, views, offsets, argmax, out_hw, stride, padding, dilation):
    """Point the rare windows the comparison with the max gets wrong where PyTorch does: a window
    with NaNs at its last NaN, and (with padding) an all -inf window at its first real element."""
    nan = np.isnan(y)
    if nan.any():
        for v, offset in zip(views, offsets):   # the last NaN of a window wins, as in PyTorch
            np.copyto(argmax, offset, where=nan & np.isnan(v))
    if x_padded is not x:
        empty = np.isneginf(y)
        if empty.any():
            (ho, wo), (sh, sw), (ph, pw), (dh, dw) = out_hw, stride, padding, dilation
            first_h = _first_inside(np.arange(ho) * sh - ph, dh) - (np.arange(ho) * sh - ph)
            first_w = _first_inside(np.arange(wo) * sw - pw, dw) - (np.arange(wo) * sw - pw)
            np.copyto(argmax, first_h[:, None] * x.shape[3] + first_w, where=empty)


def _first_inside(starts, dilation):
    """The first position start + k * dilation >= 0 of each window start."""
    behind = np.maximum(-starts, 0)
    return starts + (behind + dilation - 1) // dilation * dilation


def max_pool2d_grad(gy, argmax, x_shape):
    """Gradient of max pooling: gy scattered to the argmax positions, shape `x_shape`."""
    check_max_pool_grad(gy, argmax, x_shape)
    n, c, h, w = x_shape
    planes = n * c
    pooled = int(np.prod(gy.shape[2:]))   # explicit, since -1 is ambiguous when there are no planes
    flat = argmax.reshape(planes, pooled) + (np.arange(planes) * (h * w))[:, None]
    gx = np.bincount(flat.reshape(-1), weights=gy.reshape(-1), minlength=planes * h * w)
    return gx.astype(gy.dtype, copy=False).reshape(x_shape)
