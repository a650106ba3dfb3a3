"""Depthwise convolutions of small planes (MobileNet's and EfficientNet's 8x8 to 1x1 stages) on the `cpu`
device, channels-last: the input is copied once to (N, Hp, Wp, C) with its zero border, and each of the
kH * kW taps is one multiply of a shifted window by the taps' per-channel weights (a (C,) row that
broadcasts along the contiguous channels) and one add into the output, over the whole batch.

The per-plane column matrices of conv_depthwise.py cost a BLAS call per (sample, channel) plane, which on
2x2 to 8x8 planes is most of the work. One thread, float32, ms, forward, per-plane columns against
channels-last (PyTorch beside): b8 960ch 2x2 3x3 1.11 / 0.21 (0.10), b8 384ch 4x4 0.49 / 0.22 (0.08),
b8 672ch 4x4 5x5 2.65 / 1.11 (0.12), b4 384ch 4x4 7x7 1.89 / 0.59 (0.07), b8 192ch 8x8 0.50 / 0.47 (0.11),
b8 144ch 16x16 stride 2 0.68 / 0.63 (0.13); on planes of 16x16 outputs and up the columns win (b8 144ch
16x16 1.19 / 1.82, b8 32ch 32x32 0.80 / 2.31), so `applies` stops at MAX_PIXELS output pixels. The weight
gradient (a multiply and a sum over the batch's pixels per tap) stops at 4x4 outputs: b8 960ch 2x2
0.81 / 0.19 ms (PyTorch 1.80), b8 576ch 8x8 stride 2 2.76 / 0.55 (0.21), but b8 192ch 8x8 0.55 / 0.79.
The input gradient takes the forward's path (the flipped filter, or stride phases).
"""
import numpy as np

#: output planes of at most this many pixels take this path, per direction (figures above)
MAX_PIXELS = {"forward": 64, "grad_weight": 16}


def applies(out_hw, direction="forward"):
    """True for output planes small enough that channels-last passes beat per-plane products."""
    return out_hw[0] * out_hw[1] <= MAX_PIXELS[direction]


def _channels_last(x, padding):
    """x (N, C, H, W) as a fresh (N, H + 2ph, W + 2pw, C) array with a zero border."""
    n, c, h, w = x.shape
    ph, pw = padding
    out = np.zeros((n, h + 2 * ph, w + 2 * pw, c), x.dtype)
    out[:, ph:ph + h, pw:pw + w] = x.transpose(0, 2, 3, 1)
    return out


def _window(grid, i, j, out_hw, stride, dilation):
    """The (N, Ho, Wo, C) view of a channels-last padded input that tap (i, j) reads for every output pixel."""
    (ho, wo), (sh, sw), (dh, dw) = out_hw, stride, dilation
    return grid[:, i * dh:i * dh + (ho - 1) * sh + 1:sh, j * dw:j * dw + (wo - 1) * sw + 1:sw]


def conv2d(x, w, out_hw, stride, padding, dilation):
    """Depthwise cross-correlation of x (N, C, H, W) with w (C, 1, kH, kW) -> (N, C, Ho, Wo)."""
    n, c = x.shape[:2]
    kh, kw = w.shape[2:]
    grid = _channels_last(x, padding)
    taps = np.ascontiguousarray(w[:, 0].transpose(1, 2, 0))   # (kH, kW, C)
    acc = np.zeros((n,) + tuple(out_hw) + (c,), x.dtype)
    term = np.empty_like(acc)
    for i in range(kh):
        for j in range(kw):
            np.multiply(_window(grid, i, j, out_hw, stride, dilation), taps[i, j], out=term)
            acc += term
    return np.ascontiguousarray(acc.transpose(0, 3, 1, 2))


def conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation):
    """Gradient of the depthwise convolution with respect to its weight, shape `w_shape`."""
    n, c = x.shape[:2]
    kh, kw = w_shape[2:]
    out_hw = gy.shape[2:]
    grid = _channels_last(x, padding)
    g = np.ascontiguousarray(gy.transpose(0, 2, 3, 1))
    term = np.empty_like(g)
    gw = np.empty((c, kh, kw), gy.dtype)
    for i in range(kh):
        for j in range(kw):
            np.multiply(_window(grid, i, j, out_hw, stride, dilation), g, out=term)
            gw[:, i, j] = term.reshape(-1, c).sum(axis=0)
    return gw.reshape(tuple(w_shape))
