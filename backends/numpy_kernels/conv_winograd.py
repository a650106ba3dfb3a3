"""Winograd convolutions on the CPU: F(2x2, 3x3) on every device (its transforms are in
array_kernels/conv_winograd.py, or compiled by a device's passes), F(4x4, 3x3) where a device's passes
offer it (`passes.winograd4`: numba_kernels/conv_winograd4.py). The batch goes through in chunks whose
transformed tiles fit in about TILE_CHUNK_BYTES (the weight gradient's: the workspace), and each
chunk's tiles and products land in two buffers allocated once per call. Small buffers stay in cache
between the transform that writes them and the BLAS product that reads them, and come from the
allocator's heap instead of fresh (page-faulting) memory every call. The positions' products are one
stack, multiplied by the device's product of stacks (`stack_products` of its conv passes): on `numba`
split over the worker threads that also run the compiled transforms, one BLAS thread each, with OpenBLAS
held to one thread for the whole convolution (backends/split_products.py has why and the figures); on
`cpu`, whose NumPy transforms run on one thread, OpenBLAS's own (the same times either way there,
within noise).

A variant (a "scheme") is an object with `positions` (16 or 36), `tile_counts(ho, wo)`,
`tile_pitch(tile columns, dtype)`, `filter_tiles(w)`, `weight_from_tiles(gu)`, `input_tiles`,
`gradient_tiles`, `output_from_tiles` and `stack_products` (its device's product of stacks, see the
passes), and optionally `channels_last_tiles`: True when its input tiles come as (positions, N, tile
rows, pitch, C) rather than (positions, C, N, tile rows, pitch), and its output and gradient
transforms take and give (positions, N, tile rows, pitch, C_out) the same way: the forward's products are
then (N * tiles, C_in) x (C_in, C_out), the weight gradient's (C_out, N * tiles) x (N * tiles, C_in) (the
cpu device's F(4x4)); `minimal2(passes)` builds F(2x2)'s from a device's passes.
"""
import numpy as np

from ..array_kernels import conv_winograd as winograd
from ..array_kernels.conv import batch_chunks

#: the transformed input tiles plus the products of one chunk of the batch stay under this size
TILE_CHUNK_BYTES = 2 ** 23
#: channels-last weight-gradient products of at most this many multiply-adds take the gradient tiles
#: copied channels-first: OpenBLAS's small-matrix path sums a transposed operand's long inner products
#: with 2-6x the rounding error (b13 2ch 40x36, float32: 4.3e-7 against 2.1e-7 of the largest tile-space
#: value, which the filter transform amplifies to 2.5e-5 against 5e-6 of the weight gradient's); the
#: copy costs little there, and larger products round alike either way
SMALL_TRANSPOSED_MACS = 2 ** 18


class _Minimal2:
    """F(2x2, 3x3) with a device's tile transforms."""

    positions = 16
    tile_counts = staticmethod(winograd.tile_counts)

    def __init__(self, passes):
        self.stack_products = passes.stack_products
        self.tile_pitch = passes.tile_pitch
        self.input_tiles = passes.input_tiles
        self.gradient_tiles = passes.gradient_tiles
        self.output_from_tiles = passes.output_from_tiles

    @staticmethod
    def filter_tiles(w):
        return winograd.filter_tiles(np, w)

    @staticmethod
    def weight_from_tiles(gu):
        return winograd.weight_from_tiles(np, gu)


def minimal2(passes):
    """The F(2x2, 3x3) scheme of a device's conv passes."""
    return _Minimal2(passes)


def _chunks(n, positions, tile_count, channels, itemsize, cap):
    """Batch slices whose tile planes of `channels` (input plus output) channels fit `cap` bytes."""
    return batch_chunks(n, positions * tile_count * channels * itemsize, cap)


def _buffer(flat, shape):
    """The first prod(shape) entries of the flat buffer, as a C-contiguous array of `shape`."""
    return flat[:int(np.prod(shape))].reshape(shape)


def _input_tiles(scheme, x, padding, tiles, pitch, flat):
    """The scheme's input tiles of the chunk x, in `flat`, as a (positions, C, tiles) stack of matrices
    (a transposed view for channels-last tiles)."""
    t, (k, c), th = scheme.positions, x.shape[:2], tiles[0]
    if getattr(scheme, "channels_last_tiles", False):
        v = scheme.input_tiles(x, padding, tiles, out=_buffer(flat, (t, k, th, pitch, c)))
        return v.reshape(t, -1, c).transpose(0, 2, 1)
    v = scheme.input_tiles(x, padding, tiles, out=_buffer(flat, (t, c, k, th, pitch)))
    return v.reshape(t, c, -1)


def forward(x, w, padding, scheme, u=None, workspace=TILE_CHUNK_BYTES):
    """Cross-correlation of x (N, C_in, H, W) with 3x3 filters w (C_out, C_in, 3, 3), stride 1 -> (N, C_out, Ho, Wo);
    `u` is scheme.filter_tiles(w) when the caller already has it; a chunk's tiles and products take at
    most about `workspace` bytes.

    NumPy's F(2x2) keeps cache-sized chunks (TILE_CHUNK_BYTES); with products split over the threads
    (F(4x4) on `numba`) the caller gives the conv workspace: b32, two threads, median ms forward / input
    gradient with 8 / 16 / 64 MB chunks, 256ch 14x14 47-51 / 38-43 / 36-38, 128ch 28x28 46-47 / 32-33
    / 32-33 (one BLAS thread per product, small products of 7 samples' tiles lose most)."""
    n, c, h, wd = x.shape
    co = w.shape[0]
    ho, wo = h + 2 * padding[0] - 2, wd + 2 * padding[1] - 2
    th, tw = tiles = scheme.tile_counts(ho, wo)
    pitch = scheme.tile_pitch(tw, x.dtype)
    t = scheme.positions
    y = np.empty((n, co, ho, wo), x.dtype)
    if n == 0:
        return y
    parts = _chunks(n, t, th * pitch, c + co, x.itemsize, workspace)
    size = parts[0].stop
    v_flat, m_flat = np.empty(t * c * size * th * pitch, x.dtype), np.empty(t * co * size * th * pitch, x.dtype)
    held, matmul = scheme.stack_products()
    channels_last = getattr(scheme, "channels_last_tiles", False)
    with held:
        u = scheme.filter_tiles(w) if u is None else u
        u_t = np.ascontiguousarray(u.transpose(0, 2, 1)) if channels_last else None
        for part in parts:
            k = part.stop - part.start
            if channels_last:
                v = scheme.input_tiles(x[part], padding, tiles, out=_buffer(v_flat, (t, k, th, pitch, c)))
                m = matmul(v.reshape(t, -1, c), u_t, out=_buffer(m_flat, (t, k * th * pitch, co)))
                scheme.output_from_tiles(m.reshape(t, k, th, pitch, co), k, ho, wo, out=y[part])
                continue
            v = _input_tiles(scheme, x[part], padding, tiles, pitch, v_flat)
            m = matmul(u, v, out=_buffer(m_flat, (t, co, k * th * pitch)))
            scheme.output_from_tiles(m.reshape(t, co, k, th, pitch), k, ho, wo, out=y[part])
    return y


def grad_input(gy, w, padding, scheme, workspace=TILE_CHUNK_BYTES):
    """Gradient of `forward` with respect to its input (padding at most 2 on each axis): the same
    convolution of gy with the flipped filters, in chunks of at most about `workspace` bytes."""
    flipped = winograd.flipped_filters(np, w)
    return forward(gy, flipped, (2 - padding[0], 2 - padding[1]), scheme, workspace=workspace)


def grad_weight(gy, x, padding, scheme, workspace=TILE_CHUNK_BYTES):
    """Gradient of `forward` with respect to its filters, (C_out, C_in, 3, 3); the tiles of a chunk of
    the batch and the tile products take at most about `workspace` bytes.

    Unlike the forward's, these products sum over the tiles, so every chunk writes a whole
    (positions, C_out, C_in) product and adds it up: with compiled transforms (F(4x4) on `numba`) the
    caller gives the conv workspace, chunks as large as it allows (two threads, b32, median ms with 8 /
    32 / 128 MB of tiles: 256ch 14x14 70 / 57 / 46, 128ch 28x28 66 / 58 / 47); NumPy's F(2x2)
    transforms, several passes over the tiles, keep cache-sized chunks (8 against 64 MB: 152 against
    168 ms, 181 against 211, 64ch 56x56 231 against 312)."""
    n, co, ho, wo = gy.shape
    c = x.shape[1]
    th, tw = tiles = scheme.tile_counts(ho, wo)
    pitch = scheme.tile_pitch(tw, x.dtype)
    t = scheme.positions
    if n == 0:
        return np.zeros((co, c, 3, 3), gy.dtype)
    products = 2 * t * co * c * x.itemsize
    cap = min(workspace, max(TILE_CHUNK_BYTES, workspace - products))      # never above a smaller workspace
    parts = batch_chunks(n, t * th * pitch * (c + co) * x.itemsize, cap)
    size = parts[0].stop
    v_flat, t_flat = np.empty(t * c * size * th * pitch, x.dtype), np.empty(t * co * size * th * pitch, x.dtype)
    gu = product = None          # the second buffer only for a second chunk (36 x 256 x 256 floats: 9 MB)
    held, matmul = scheme.stack_products()
    channels_last = getattr(scheme, "channels_last_tiles", False)
    with held:
        for part in parts:
            k = part.stop - part.start
            v = _input_tiles(scheme, x[part], padding, tiles, pitch, v_flat).transpose(0, 2, 1)
            if channels_last:
                g = scheme.gradient_tiles(gy[part], tiles, out=_buffer(t_flat, (t, k, th, pitch, co)))
                g = g.reshape(t, -1, co).transpose(0, 2, 1)
                if co * c * g.shape[2] <= SMALL_TRANSPOSED_MACS:
                    g = np.ascontiguousarray(g)
            else:
                g = scheme.gradient_tiles(gy[part], tiles, out=_buffer(t_flat, (t, co, k, th, pitch)))
                g = g.reshape(t, co, -1)
            if gu is None:
                gu = matmul(g, v, out=np.empty((t, co, c), gy.dtype))
                continue
            product = np.empty_like(gu) if product is None else product
            gu += matmul(g, v, out=product)
        return scheme.weight_from_tiles(gu)
