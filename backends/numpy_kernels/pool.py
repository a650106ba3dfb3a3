"""Max and average 2-D pooling over NCHW arrays and their gradients, vectorised over every window.

Windows are strided views of the (padded) input; loops run over kernel offsets only. Output sizes,
padding limits and average divisors follow PyTorch (ceil_mode drops a last window that would start
in the right/bottom padding; count_include_pad counts padding but never the ceil_mode overhang).
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided


def _out_size(op, size, kernel, stride, padding, dilation, ceil_mode):
    span = dilation * (kernel - 1) + 1
    out = (size + 2 * padding - span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    if out < 1:
        raise ValueError(f"{op}: kernel {kernel} (dilation {dilation}) does not fit an input of size {size} "
                         f"with padding {padding}; use a smaller kernel or more padding")
    return out


def _geometry(op, x_shape, kernel, stride, padding, dilation, ceil_mode):
    """Check arguments; return (Ho, Wo)."""
    if len(x_shape) != 4:
        raise ValueError(f"{op}: expects an (N, C, H, W) input, got shape {tuple(x_shape)}")
    if min(kernel) < 1 or min(stride) < 1 or min(dilation) < 1:
        raise ValueError(f"{op}: kernel {kernel}, stride {stride} and dilation {dilation} must all be >= 1")
    if padding[0] < 0 or padding[1] < 0 or 2 * padding[0] > kernel[0] or 2 * padding[1] > kernel[1]:
        raise ValueError(f"{op}: padding {padding} must be >= 0 and at most half the kernel {kernel}")
    return tuple(_out_size(op, x_shape[2 + a], kernel[a], stride[a], padding[a], dilation[a], ceil_mode)
                 for a in (0, 1))


def _padded(x, padding, extent, fill):
    """x with `padding` before each spatial axis and enough after to reach `extent` (Hp, Wp), filled
    with `fill`; rows/columns past `extent` are dropped. x itself when nothing changes."""
    n, c, h, w = x.shape
    ph, pw = padding
    hp, wp = extent
    if ph == 0 and pw == 0 and hp <= h and wp <= w:
        return x   # windows never reach past the input
    out = np.full((n, c, hp, wp), fill, x.dtype)
    rows, cols = min(h, hp - ph), min(w, wp - pw)
    out[:, :, ph:ph + rows, pw:pw + cols] = x[:, :, :rows, :cols]
    return out


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def max_pool2d(x, kernel, stride, padding, dilation, ceil_mode):
    """Max pooling of x (N, C, H, W) -> (y, argmax); argmax holds int64 flat indices into H*W."""
    ho, wo = _geometry("max_pool2d", x.shape, kernel, stride, padding, dilation, ceil_mode)
    w = x.shape[3]
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    xp = _padded(x, padding, ((ho - 1) * sh + dh * (kh - 1) + 1, (wo - 1) * sw + dw * (kw - 1) + 1),
                 _lowest(x.dtype))
    # the windows copied kernel-position-major, (kH * kW, N, C, Ho, Wo), so every step below is one
    # long contiguous ufunc loop; the local argmax counts the leading positions below the max
    # (PyTorch picks the first maximum)
    s = xp.strides
    views = as_strided(xp, (kh, kw) + x.shape[:2] + (ho, wo),
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
        _fix_special_windows(x, xp, y, views, offsets.reshape(-1), argmax, (ho, wo), stride, padding, dilation)
    argmax += (np.arange(ho) * sh - ph)[:, None] * w + (np.arange(wo) * sw - pw)
    return y, argmax


def _fix_special_windows(x, xp, y, views, offsets, argmax, out_hw, stride, padding, dilation):
    """Point the rare windows the comparison with the max gets wrong where PyTorch does: a window
    with one NaN at it, and (with padding) an all -inf window at its first real element."""
    nan = np.isnan(y)
    if nan.any():
        for v, offset in zip(views[::-1], offsets[::-1]):
            np.copyto(argmax, offset, where=nan & np.isnan(v))
    if xp is not x:
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
    n, c, h, w = x_shape
    if gy.shape != argmax.shape or gy.shape[:2] != (n, c):
        raise ValueError(f"max_pool2d_grad: gradient shape {tuple(gy.shape)} and argmax shape "
                         f"{tuple(argmax.shape)} must match and start with (N, C) = {(n, c)} of x_shape {x_shape}")
    planes = n * c
    flat = argmax.reshape(planes, -1) + (np.arange(planes) * (h * w))[:, None]
    gx = np.bincount(flat.reshape(-1), weights=gy.reshape(-1), minlength=planes * h * w)
    return gx.astype(gy.dtype, copy=False).reshape(x_shape)


def _avg_divisors(size, kernel, stride, padding, out, count_include_pad, dtype):
    """PyTorch's divisor of each output position along one axis (the 2-D divisor is their product)."""
    start = np.arange(out) * stride - padding
    end = np.minimum(start + kernel, size + padding)
    if count_include_pad:
        return (end - start).astype(dtype)
    return (np.minimum(end, size) - np.maximum(start, 0)).astype(dtype)


def _avg_geometry(op, x_shape, kernel, stride, padding, ceil_mode, count_include_pad, dtype):
    ho, wo = _geometry(op, x_shape, kernel, stride, padding, (1, 1), ceil_mode)
    div_h = _avg_divisors(x_shape[2], kernel[0], stride[0], padding[0], ho, count_include_pad, dtype)
    div_w = _avg_divisors(x_shape[3], kernel[1], stride[1], padding[1], wo, count_include_pad, dtype)
    return ho, wo, div_h[:, None] * div_w


def _steps(start, count, stride):
    return slice(start, start + (count - 1) * stride + 1, stride)


def avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad):
    """Average pooling of x (N, C, H, W)."""
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    ho, wo, div = _avg_geometry("avg_pool2d", x.shape, kernel, stride, padding, ceil_mode, count_include_pad, dtype)
    (kh, kw), (sh, sw) = kernel, stride
    xp = _padded(x, padding, ((ho - 1) * sh + kh, (wo - 1) * sw + kw), 0)
    # the window sum is separable: sum kW columns, then kH rows of those sums
    rows = np.add(xp[..., _steps(0, wo, sw)], xp[..., _steps(1, wo, sw)], dtype=dtype) if kw > 1 \
        else xp[..., _steps(0, wo, sw)].astype(dtype)
    for j in range(2, kw):
        rows += xp[..., _steps(j, wo, sw)]
    y = rows[:, :, _steps(0, ho, sh)].copy()
    for i in range(1, kh):
        y += rows[:, :, _steps(i, ho, sh)]
    y /= div
    return y


def avg_pool2d_grad(gy, x_shape, kernel, stride, padding, ceil_mode, count_include_pad):
    """Gradient of average pooling, shape `x_shape`."""
    ho, wo, div = _avg_geometry("avg_pool2d_grad", x_shape, kernel, stride, padding, ceil_mode,
                                count_include_pad, gy.dtype)
    n, c, h, w = x_shape
    if gy.shape != (n, c, ho, wo):
        raise ValueError(f"avg_pool2d_grad: gradient shape {tuple(gy.shape)} does not match the pooled shape "
                         f"{(n, c, ho, wo)} of x_shape {tuple(x_shape)}")
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    g = gy / div
    hp, wp = max((ho - 1) * sh + kh, ph + h), max((wo - 1) * sw + kw, pw + w)
    rows = np.zeros((n, c, hp, wo), gy.dtype)
    for i in range(kh):
        rows[:, :, _steps(i, ho, sh)] += g
    gxp = np.zeros((n, c, hp, wp), gy.dtype)
    for j in range(kw):
        gxp[..., _steps(j, wo, sw)] += rows
    if ph == 0 and pw == 0 and hp == h and wp == w:
        return gxp
    return np.ascontiguousarray(gxp[:, :, ph:ph + h, pw:pw + w])
