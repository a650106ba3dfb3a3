"""Depthwise convolutions (one filter per channel) on the `cpu` device: per-plane column matrices and
one stacked BLAS product, a chunk of (sample, channel) planes at a time (planes of at most
conv_depthwise_small.MAX_PIXELS output pixels go channels-last instead, conv_depthwise_small.py).

For each plane the kH * kW shifted windows of its padded copy are stacked as the rows of a small
column matrix (kH * kW, L); the forward is then the plane's filter (1, kH * kW) times it and the
weight gradient that matrix times the plane's output gradient (L, 1), both as one np.matmul over the
chunk's planes. With stride 1 the windows are flat runs of the padded plane (every output pixel
(oy, ox) at oy * Wp + ox, the Wp - Wo columns between rows computed and dropped), so each is one long
contiguous copy. Shifted multiply-adds over the whole batch (one multiply and one add pass per tap)
measured 4-5x slower (b8 / b32 128ch 28x28 forward: 7.7 / 24 ms against 1.5 / 5.4 ms), NumPy having
no fused multiply-add. The stride-1 input gradient is the forward of the output gradient with the
flipped filter; a strided one (or one padded beyond the filter's reach) runs by stride phases, each
phase of the input a stride-1 forward of the output gradient with the taps that reach it. One thread,
float32, ms, against the earlier scatter of each tap over the whole batch (PyTorch beside): b8 144ch
56x56 3x3 stride 2 17 against 26 (5.9), b8 96ch 112x112 54 against 78 (71), b8 240ch 56x56 5x5 stride 2
31 against 125 (29).
"""
import math

import numpy as np

from .. import thread_choice
from ..array_kernels.conv import batch_chunks
from . import conv_choice
from . import conv_depthwise_small as small


def _padded_planes(planes, ph, pw, slack):
    """A zeroed buffer for `planes` (m, H, W) padded by (ph, pw): flat (m, Hp * Wp + slack), and its
    (m, Hp, Wp) view."""
    m, h, w = planes.shape
    hp, wp = h + 2 * ph, w + 2 * pw
    flat = np.zeros((m, hp * wp + slack), planes.dtype)
    grid = flat[:, :hp * wp].reshape(m, hp, wp)
    return flat, grid


class _Windows:
    """The column matrices (planes, kH * kW, L) of chunks of planes of one input: flat runs at padded
    width for stride 1 (L = Ho * Wp), strided 2-D windows otherwise (L = Ho * Wo)."""

    def __init__(self, x, k_hw, out_hw, stride, padding, dilation):
        self.planes = x.reshape((-1,) + x.shape[2:])
        self.k_hw, self.out_hw, self.stride, self.padding, self.dilation = k_hw, out_hw, stride, padding, dilation
        self.flat = tuple(stride) == (1, 1)
        self.wp = x.shape[3] + 2 * padding[1]
        self.length = out_hw[0] * (self.wp if self.flat else out_hw[1])

    def chunks(self):
        """Slices of the planes whose column matrices fit in conv_choice.DEPTHWISE_CHUNK_BYTES."""
        per_plane = self.k_hw[0] * self.k_hw[1] * self.length * self.planes.itemsize
        return batch_chunks(self.planes.shape[0], per_plane, conv_choice.DEPTHWISE_CHUNK_BYTES)

    def columns(self, part):
        """The column matrices of the planes in slice `part`, (m, kH * kW, L)."""
        (kh, kw), (ho, wo), (sh, sw), (ph, pw), (dh, dw) = (self.k_hw, self.out_hw, self.stride, self.padding,
                                                          self.dilation)
        planes = self.planes[part]
        m, h, w = planes.shape
        flat, grid = _padded_planes(planes, ph, pw, (kw - 1) * dw)   # slack: the last row's dropped columns
        grid[:, ph:ph + h, pw:pw + w] = planes
        cols = np.empty((m, kh * kw, self.length), planes.dtype)
        for i in range(kh):
            for j in range(kw):
                if self.flat:
                    start = i * dh * self.wp + j * dw
                    cols[:, i * kw + j] = flat[:, start:start + self.length]
                else:
                    window = grid[:, i * dh:i * dh + (ho - 1) * sh + 1:sh, j * dw:j * dw + (wo - 1) * sw + 1:sw]
                    cols[:, i * kw + j].reshape(m, ho, wo)[...] = window
        return cols

    def at_width(self, rows):
        """Planes (m, L) of the column layout as (m, Ho, Wo) (a view: the dropped columns skipped)."""
        ho, wo = self.out_hw
        return rows.reshape(-1, ho, self.wp)[:, :, :wo] if self.flat else rows.reshape(-1, ho, wo)

    def from_planes(self, planes):
        """Output-shaped planes (m, Ho, Wo) in the column layout, (m, L, 1)."""
        if not self.flat:
            return planes.reshape(-1, self.length, 1)
        laid = np.zeros((planes.shape[0], self.length), planes.dtype)
        self.at_width(laid)[...] = planes
        return laid[:, :, None]


def _filters_per_plane(w, n):
    """w (C, 1, kH, kW) repeated for every sample, (N * C, 1, kH * kW): row q is plane q's filter."""
    c = w.shape[0]
    k = w.shape[2] * w.shape[3]   # spelled out, not -1: with an empty batch a -1 would be ambiguous
    return np.broadcast_to(w.reshape(1, c, 1, k), (n, c, 1, k)).reshape(n * c, 1, k)


def conv2d(x, w, out_hw, stride, padding, dilation):
    """Depthwise cross-correlation of x (N, C, H, W) with w (C, 1, kH, kW) -> (N, C, Ho, Wo)."""
    if small.applies(out_hw):
        return small.conv2d(x, w, out_hw, stride, padding, dilation)
    n, c = x.shape[:2]
    windows = _Windows(x, w.shape[2:], out_hw, stride, padding, dilation)
    filters = _filters_per_plane(w, n)
    y = np.empty((n * c,) + tuple(out_hw), x.dtype)
    for part in windows.chunks():
        rows = thread_choice.matmul(filters[part], windows.columns(part))[:, 0]
        y[part] = windows.at_width(rows)
    return y.reshape((n, c) + tuple(out_hw))


def _phase_taps(phase, stride, padding, dilation, k):
    """One axis of a strided layer's input gradient at the input positions phase, phase + stride, ...:
    (the taps that reach them, in the order of a correlation over the output gradient, the dilation of
    that correlation, the output-gradient position its first tap reads for the phase's first input)."""
    taps = [i for i in reversed(range(k)) if (phase + padding - i * dilation) % stride == 0]
    if not taps:
        return taps, 1, 0
    step = dilation // math.gcd(stride, dilation)
    return taps, step, (phase + padding - taps[0] * dilation) // stride


def _phase_window(gy, first, step, taps, count, axis):
    """The part of gy along `axis` that a correlation of len(taps) taps of dilation `step`, starting at
    `first`, reads for `count` outputs: zero where it falls outside gy."""
    length = count + (len(taps) - 1) * step
    lo, hi = max(0, first), min(gy.shape[axis], first + length)
    shape = list(gy.shape)
    shape[axis] = length
    window = np.zeros(shape, gy.dtype)
    if hi > lo:
        src, dst = [slice(None)] * gy.ndim, [slice(None)] * gy.ndim
        src[axis], dst[axis] = slice(lo, hi), slice(lo - first, hi - first)
        window[tuple(dst)] = gy[tuple(src)]
    return window


def _phase_grad_input(gy, w, x_shape, stride, padding, dilation):
    """The input gradient of a strided layer (or one padded beyond its filter's reach) by stride phases: the inputs at (a * sh + r, b * sw + t) get
    only the taps (i, j) with (r + ph - i * dh) and (t + pw - j * dw) divisible by the strides, a
    stride-1 correlation of the output gradient with that sub-filter (every tap used once, no zeros)."""
    gx = np.zeros(tuple(x_shape), gy.dtype)
    for r in range(min(stride[0], x_shape[2])):
        rows, row_step, row_first = _phase_taps(r, stride[0], padding[0], dilation[0], w.shape[2])
        count_h = len(range(r, x_shape[2], stride[0]))
        if not rows:
            continue
        tall = _phase_window(gy, row_first, row_step, rows, count_h, 2)
        for t in range(min(stride[1], x_shape[3])):
            cols, col_step, col_first = _phase_taps(t, stride[1], padding[1], dilation[1], w.shape[3])
            count_w = len(range(t, x_shape[3], stride[1]))
            if not cols:
                continue
            window = _phase_window(tall, col_first, col_step, cols, count_w, 3)
            sub = np.ascontiguousarray(w[:, :, rows][:, :, :, cols])
            gx[:, :, r::stride[0], t::stride[1]] = conv2d(window, sub, (count_h, count_w), (1, 1), (0, 0),
                                                          (row_step, col_step))
    return gx


def conv2d_grad_input(gy, w, x_shape, stride, padding, dilation):
    """Gradient of the depthwise convolution with respect to its input, shape `x_shape`."""
    kh, kw = w.shape[2:]
    # with stride 1, the input gradient is gy convolved with the flipped filter, padded by its reach minus padding
    full = ((kh - 1) * dilation[0] - padding[0], (kw - 1) * dilation[1] - padding[1])
    if tuple(stride) == (1, 1) and min(full) >= 0:
        return conv2d(gy, np.ascontiguousarray(w[:, :, ::-1, ::-1]), tuple(x_shape[2:]), stride, full, dilation)
    return _phase_grad_input(gy, w, x_shape, stride, padding, dilation)


def conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation):
    """Gradient of the depthwise convolution with respect to its weight, shape `w_shape`."""
    if small.applies(gy.shape[2:], "grad_weight"):
        return small.conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation)
    n, c = x.shape[:2]
    windows = _Windows(x, w_shape[2:], gy.shape[2:], stride, padding, dilation)
    gplanes = gy.reshape((n * c,) + gy.shape[2:])
    per_plane = np.empty((n * c, w_shape[2] * w_shape[3], 1), gy.dtype)
    for part in windows.chunks():
        thread_choice.matmul(windows.columns(part), windows.from_planes(gplanes[part]), out=per_plane[part])
    return per_plane.reshape(n, c, w_shape[2] * w_shape[3]).sum(axis=0).reshape(tuple(w_shape))
