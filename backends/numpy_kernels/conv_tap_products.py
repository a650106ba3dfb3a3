"""Convolutions with few output channels (a generator's last layer, C_out of 1 to 3) without im2col.

im2col copies C_in * kH * kW values per output pixel to feed a product that yields only C_out values
per pixel: for C_out = 1 the product is a matrix-vector one and the column copy is the work (a GAN's
128->1 7x7 layer on 28x28 images, b64: 1.26 GB of columns a step). Here the big operand is read once
instead:
- forward: one product of the taps' weights (C_out * kH * kW, C_in) with the unpadded input
  (C_in, H * W) gives every tap's contribution at every input pixel; each tap's plane is then added
  into the output at its shift (kH * kW strided adds over C_out planes, which are small);
- weight gradient: the output gradient is laid out per tap at its shift on the input's grid (C_out *
  kH * kW planes of H * W, zero where a tap meets padding) and multiplied by the input's transpose.
The input gradient needs nothing new: im2col's already multiplies first (its column gradient has
C_in * kH * kW rows) or convolves the narrow output gradient.

The products cover every input pixel, so a stride s does s * s times the work it needs; conv_choice
takes this path only where that still beats the column copy (`prefers`).
"""
import numpy as np

from .. import thread_choice
from ..array_kernels.conv import batch_chunks

#: each batch chunk's per-tap planes take about this much memory (they are written, then read once)
CHUNK_BYTES = 2 ** 22
#: taken where the per-tap planes (C_out * kH * kW * H * W per sample) are at most this share of im2col's
#: columns (C_in * kH * kW * Ho * Wo), per direction. Both are written once and read once, but the planes
#: come out of a product whose inner dimension is C_in alone, and the shifted adds are strided passes.
#: One thread, float32, ms, forward / weight gradient, tap products against im2col (PyTorch beside):
#: share 1/128, b64 128->1 7x7 28x28 (the GAN's last layer) 35 / 41 against 579 / 721 (303 / 313);
#: 1/16, b16 64->1 3x3 s2 64x64 15 / 17 against 41 / 40; 1/4, b16 64->4 3x3 s2 27 / 27 against 37 / 46,
#: b32 16->4 3x3 32x32 10 / 1.0 against 16 / 17; 1/2, b16 64->8 3x3 s2 38 / 34 against 34 / 49, b64
#: 32->16 5x5 28x28 125 / 100 against 125 / 207; 1, b16 64->16 3x3 s2 73 / 68 against 44 / 55.
MAX_PLANE_SHARE = {"forward": 0.25, "grad_weight": 0.5}


def prefers(direction, x_shape, w_shape, out_hw):
    """True when the per-tap planes are small next to im2col's columns (few output channels)."""
    planes = w_shape[0] * x_shape[2] * x_shape[3]
    return planes <= MAX_PLANE_SHARE[direction] * x_shape[1] * out_hw[0] * out_hw[1]


def _tap_span(tap, size, out_size, stride, padding, dilation):
    """(output slice, input slice) along one axis: the outputs whose tap `tap` lands inside the input,
    and the input positions it lands on (empty slices when it never does)."""
    offset = tap * dilation - padding                 # input position of output 0
    first = max(0, -(offset // stride) if offset < 0 else 0)
    last = min(out_size - 1, (size - 1 - offset) // stride)
    if last < first:
        return slice(0, 0), slice(0, 0)
    start = first * stride + offset
    return slice(first, last + 1), slice(start, start + (last - first) * stride + 1, stride)


def _spans(k_hw, x_hw, out_hw, stride, padding, dilation):
    """[(i, j, output rows, output columns, input rows, input columns)] of every tap that meets the input."""
    spans = []
    for i in range(k_hw[0]):
        out_rows, in_rows = _tap_span(i, x_hw[0], out_hw[0], stride[0], padding[0], dilation[0])
        for j in range(k_hw[1]):
            out_cols, in_cols = _tap_span(j, x_hw[1], out_hw[1], stride[1], padding[1], dilation[1])
            if out_rows.stop > out_rows.start and out_cols.stop > out_cols.start:
                spans.append((i, j, out_rows, out_cols, in_rows, in_cols))
    return spans


def _chunks(n, w_shape, x_hw, itemsize):
    per_sample = w_shape[0] * w_shape[2] * w_shape[3] * x_hw[0] * x_hw[1] * itemsize
    return batch_chunks(n, per_sample, CHUNK_BYTES)


def conv2d(x, w, out_hw, stride, padding, dilation):
    """Cross-correlation of x (N, C_in, H, W) with w (C_out, C_in, kH, kW) -> (N, C_out, Ho, Wo), one group."""
    n, c, h, wd = x.shape
    co, _, kh, kw = w.shape
    rows = np.ascontiguousarray(w.transpose(0, 2, 3, 1)).reshape(co * kh * kw, c)
    spans = _spans((kh, kw), (h, wd), out_hw, stride, padding, dilation)
    y = np.zeros((n, co) + tuple(out_hw), x.dtype)
    for part in _chunks(n, w.shape, (h, wd), x.itemsize):
        samples = x[part].reshape(-1, c, h * wd)
        taps = thread_choice.matmul(rows, samples).reshape(-1, co, kh, kw, h, wd)
        chunk = y[part]
        for i, j, out_rows, out_cols, in_rows, in_cols in spans:
            chunk[:, :, out_rows, out_cols] += taps[:, :, i, j, in_rows, in_cols]
    return y


def conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation):
    """Gradient of the one-group conv2d with respect to its weight, shape `w_shape`."""
    n, c, h, wd = x.shape
    co, _, kh, kw = w_shape
    spans = _spans((kh, kw), (h, wd), gy.shape[2:], stride, padding, dilation)
    gw_rows = np.zeros((co * kh * kw, c), gy.dtype)
    for part in _chunks(n, w_shape, (h, wd), gy.itemsize):
        g = gy[part]
        shifted = np.zeros((g.shape[0], co, kh, kw, h, wd), gy.dtype)
        for i, j, out_rows, out_cols, in_rows, in_cols in spans:
            shifted[:, :, i, j, in_rows, in_cols] = g[:, :, out_rows, out_cols]
        samples = x[part].reshape(-1, c, h * wd).transpose(0, 2, 1)
        gw_rows += thread_choice.matmul(shifted.reshape(-1, co * kh * kw, h * wd), samples).sum(axis=0)
    return np.ascontiguousarray(gw_rows.reshape(co, kh, kw, c).transpose(0, 3, 1, 2))
