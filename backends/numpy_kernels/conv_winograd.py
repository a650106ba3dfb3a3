"""Winograd F(2x2, 3x3) convolutions on the CPU (the transforms are in array_kernels/conv_winograd.py):
the batch goes through in chunks whose transformed tiles fit in about TILE_CHUNK_BYTES, and each
chunk's tiles and products land in two buffers allocated once per call. Small buffers stay in
cache between the transform that writes them and the BLAS product that reads them, and come from
the allocator's heap instead of fresh (page-faulting) memory every call.
"""
import numpy as np

from .. import thread_choice
from ..array_kernels import conv_winograd as winograd
from ..array_kernels.conv import batch_chunks

#: the transformed input tiles plus the products of one chunk of the batch stay under this size
TILE_CHUNK_BYTES = 2 ** 23


def _chunks(n, tile_count, channels, itemsize):
    """Batch slices whose 16 tile planes of `channels` (input plus output) channels fit TILE_CHUNK_BYTES."""
    return batch_chunks(n, 16 * tile_count * channels * itemsize, TILE_CHUNK_BYTES)


def _buffer(flat, shape):
    """The first prod(shape) entries of the flat buffer, as a C-contiguous array of `shape`."""
    return flat[:int(np.prod(shape))].reshape(shape)


def forward(x, w, padding, passes, u=None):
    """Cross-correlation of x (N, C_in, H, W) with 3x3 filters w (C_out, C_in, 3, 3), stride 1 -> (N, C_out, Ho, Wo);
    `u` is filter_tiles(np, w) when the caller already has it."""
    n, c, h, wd = x.shape
    co = w.shape[0]
    ho, wo = h + 2 * padding[0] - 2, wd + 2 * padding[1] - 2
    th, tw = tiles = winograd.tile_counts(ho, wo)
    pitch = passes.tile_pitch(tw, x.dtype)
    u = winograd.filter_tiles(np, w) if u is None else u
    y = np.empty((n, co, ho, wo), x.dtype)
    parts = _chunks(n, th * pitch, c + co, x.itemsize)
    size = parts[0].stop
    v_flat, m_flat = np.empty(16 * c * size * th * pitch, x.dtype), np.empty(16 * co * size * th * pitch, x.dtype)
    for part in parts:
        k = part.stop - part.start
        v = passes.input_tiles(x[part], padding, tiles, out=_buffer(v_flat, (16, c, k, th, pitch)))
        m = thread_choice.matmul(u, v.reshape(16, c, -1), out=_buffer(m_flat, (16, co, k * th * pitch)))
        passes.output_from_tiles(m.reshape(16, co, k, th, pitch), k, ho, wo, out=y[part])
    return y


def grad_input(gy, w, padding, passes):
    """Gradient of `forward` with respect to its input (padding at most 2 on each axis): the same
    convolution of gy with the flipped filters."""
    flipped = winograd.flipped_filters(np, w)
    return forward(gy, flipped, (2 - padding[0], 2 - padding[1]), passes, winograd.filter_tiles(np, flipped))


def grad_weight(gy, x, padding, passes):
    """Gradient of `forward` with respect to its filters, (C_out, C_in, 3, 3)."""
    n, co, ho, wo = gy.shape
    c = x.shape[1]
    th, tw = tiles = winograd.tile_counts(ho, wo)
    pitch = passes.tile_pitch(tw, x.dtype)
    parts = _chunks(n, th * pitch, c + co, x.itemsize)
    size = parts[0].stop
    v_flat, t_flat = np.empty(16 * c * size * th * pitch, x.dtype), np.empty(16 * co * size * th * pitch, x.dtype)
    gu = np.zeros((16, co, c), gy.dtype)
    product = np.empty_like(gu)
    for part in parts:
        k = part.stop - part.start
        v = passes.input_tiles(x[part], padding, tiles, out=_buffer(v_flat, (16, c, k, th, pitch)))
        t = passes.gradient_tiles(gy[part], tiles, out=_buffer(t_flat, (16, co, k, th, pitch)))
        gu += thread_choice.matmul(t.reshape(16, co, -1), v.reshape(16, c, -1).transpose(0, 2, 1), out=product)
    return winograd.weight_from_tiles(np, gu)
