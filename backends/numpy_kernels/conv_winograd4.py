"""Winograd F(4x4, 3x3) on the `cpu` device: its tile transforms as BLAS products (the algebra is
array_kernels/conv_winograd4.py; numpy_kernels/conv_winograd.py drives it through the batch, as it
drives F(2x2, 3x3) and the compiled F(4x4) of `numba`).

NumPy has no single pass that computes B^T d B of a 6x6 tile, and F(4x4)'s transforms, with up to
four taps per row, would take a dozen ufunc passes with temporaries. Here the transforms are strided
copies and small BLAS products instead, with every tile channels-last (one pixel's channels a run):
- input: a chunk of the batch is copied channels-last into a zero-padded (N, H, W, C) block (in
  blocks of channels where the planes alias in the cache: layout.py); a few samples at a time
  (BLOCK_COLUMNS values per tile position) have their 6x6 tiles gathered from that (overlapping windows
  read through a strided view) and multiplied by B^T along the tile rows, then along the tile columns
  (6x6 products), while they are in cache, into (36, N * tiles, C). Gathered channels-first, the runs were
  a tile row's few tiles long (7 at 28x28), and the gather cost 2.6-5x the layout change and the
  channels-last gather together (b32 128ch 28x28, 4 samples: 1.19 against 0.42 ms; 256ch 14x14, 7
  samples: 1.98 against 0.38). One dense product by B^T (x) B^T over the whole chunk (three times the
  multiply-adds, its operands out of cache) took 1.8-2.1x as long (b128 32ch 32x32, one thread, the input
  transform: 23 against 13 ms; b64 64ch 8x8 1.29 against 0.62);
- products: the positions' products are (N * tiles, C_in) x (C_in, C_out), channels-last out, where
  the channels-first (C_out, C_in) x (C_in, N * tiles) read these tiles transposed, which OpenBLAS packs
  slowly (b128 32ch 32x32: 5.8 against 14.6 ms; b64 32ch 16x16 0.76 against 1.79);
- output: A^T along the tile rows and along the tile columns (6x6 products over a few samples at a
  time), then one strided copy per position of the 4x4 output tile into NCHW (b128 32ch 32x32: 9.4
  against 11.1 ms for the channels-first products' transform);
- gradient: as the input, the output gradient copied channels-last, its 4x4 tiles gathered a few samples
  at a time and multiplied by A along the tile rows and columns in cache (one thread, ms: b128 32ch
  32x32 12.9 against 16.1 for the channels-first tile rows and two products over the whole chunk, b32
  128ch 28x28 6.3 against 10.3, b64 64ch 8x8 0.55 against 1.06); the weight gradient's products are
  (C_out, N * tiles) x (N * tiles, C_in), the gradient tiles read transposed (conv_winograd.py copies
  them channels-first for small products).

Multiplications per output pixel and (input, output) channel pair: 2.25 in the position products,
against F(2x2)'s 4 and direct convolution's 9; the transformed tiles hold 2.25 values per output
pixel against F(2x2)'s 4. Float32 error as for `numba`'s F(4x4) (the algebra's docstring): up to
2e-5 of the largest magnitude, tested.
"""
from contextlib import nullcontext

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import thread_choice
from ..array_kernels import conv_winograd4 as algebra
from .conv_winograd import TILE_CHUNK_BYTES
from .layout import copy_to_channels_last

_matrices = {}   # dtype -> (B^T, A^T, A)
#: values per tile position that the input and output transforms take at a time (whole samples, at
#: least one): 36 positions of them, and their first-stage products, stay in a 1 MB second-level cache
BLOCK_COLUMNS = 4096


def matrices(dtype):
    """(B^T 6x6, A^T 4x6, A 6x4) in `dtype`."""
    key = np.dtype(dtype)
    if key not in _matrices:
        output = np.asarray(algebra.OUTPUT)
        _matrices[key] = (np.ascontiguousarray(np.asarray(algebra.DATA).astype(key)),
                          np.ascontiguousarray(output.astype(key)), np.ascontiguousarray(output.T.astype(key)))
    return _matrices[key]


def _transform_in_blocks(windows, matrix, flat, n, per):
    """matrix @ tile @ matrix^T of every (size x size) tile in `windows` (size, size, N, ...), into `flat` (6, 6,
    N * per), a few samples at a time so that the gathered tiles and the half-done products stay in cache: first
    along the tile rows, then along its columns."""
    size = windows.shape[0]
    blocks = _sample_blocks(n, per)
    most = blocks[0].stop
    gathered = np.empty((size, size, most) + windows.shape[3:], flat.dtype)
    rows_done = np.empty((size, 6, most * per), flat.dtype)
    for block in blocks:
        k = block.stop - block.start
        tiles_in = gathered[:, :, :k]
        tiles_in[...] = windows[:, :, block]
        half = rows_done[:, :, :k * per]                      # [column, row out, q]: along the tile rows
        np.matmul(matrix, tiles_in.reshape(size, size, k * per).transpose(1, 0, 2), out=half)
        np.matmul(matrix, half.transpose(1, 0, 2), out=flat[:, :, block.start * per:block.stop * per])


def _sample_blocks(n, per_sample):
    """Slices of the batch of about BLOCK_COLUMNS values per tile position (at least one sample)."""
    step = max(1, BLOCK_COLUMNS // max(per_sample, 1))
    return [slice(first, min(n, first + step)) for first in range(0, n, step)]


class Minimal4Products:
    """F(4x4, 3x3) for float32 and float64 with transforms as BLAS products (the scheme interface of
    conv_winograd.py, every tile channels-last: (36, N, tile rows, tile columns, C), position 6 * a + b)."""

    positions = algebra.POSITIONS
    #: tiles with the channels last (conv_winograd.py multiplies them so)
    channels_last_tiles = True
    tile_counts = staticmethod(algebra.tile_counts)
    #: a chunk's tiles and products stay about cache-sized, as F(2x2)'s on this device (the gathered
    #: input tiles and the padded chunk add at most as much again). b32, forward + both gradients, ms, 8
    #: / 32 / 64 MB chunks: 64ch 56x56 293 / 417 / 367, 128ch 28x28 249 / 311 / 422, 256ch 14x14 184 /
    #: 303 / 227 (one run each, a noisy hour)
    chunk_bytes = TILE_CHUNK_BYTES

    @staticmethod
    def stack_products():
        """(a context to hold around a convolution, the product of stacks): NumPy's on the BLAS thread
        count measured per shape, as F(2x2)'s on this device."""
        return nullcontext(), thread_choice.matmul

    @staticmethod
    def applies(dtype):
        """True for float32 and float64 (other dtypes take F(2x2) or im2col)."""
        return np.dtype(dtype) in (np.dtype(np.float32), np.dtype(np.float64))

    @staticmethod
    def tile_pitch(tile_columns, dtype):
        """The tiles' row pitch: the tile columns."""
        return tile_columns

    @staticmethod
    def filter_tiles(w):
        """U = G g G^T of every filter, (36, C_out, C_in)."""
        return algebra.filter_tiles(np, w)

    @staticmethod
    def weight_from_tiles(gu):
        """The filter gradient (C_out, C_in, 3, 3) from the tile-space gradient (36, C_out, C_in)."""
        return algebra.weight_from_tiles(np, gu)

    @staticmethod
    def input_tiles(x, padding, tiles, out=None):
        """V = B^T d B of every 6x6 input tile of x (N, C, H, W) zero-padded by `padding` at the top/left
        (and as far as the tiles reach at the bottom/right), as (36, N, tile rows, tile columns, C),
        written into `out` (C-contiguous) when given."""
        n, c, h, w = x.shape
        th, tw = tiles
        ph, pw = padding
        padded = np.zeros((n, 4 * th + 2, 4 * tw + 2, c), x.dtype)
        rows, cols = min(h, 4 * th + 2 - ph), min(w, 4 * tw + 2 - pw)
        copy_to_channels_last(padded[:, ph:ph + rows, pw:pw + cols], x[:, :, :rows, :cols])
        s = padded.strides
        windows = as_strided(padded, (6, 6, n, th, tw, c), (s[1], s[2], s[0], 4 * s[1], 4 * s[2], s[3]),
                             writeable=False)
        v = np.empty((36, n, th, tw, c), x.dtype) if out is None else out
        _transform_in_blocks(windows, matrices(x.dtype)[0], v.reshape(6, 6, n * th * tw * c), n, th * tw * c)
        return v

    @staticmethod
    def gradient_tiles(gy, tiles, out=None):
        """A gY A^T of every 4x4 output-gradient tile (zero beyond Ho x Wo), as (36, N, tile rows, tile
        columns, C_out), written into `out` (C-contiguous) when given."""
        n, co, ho, wo = gy.shape
        th, tw = tiles
        padded = np.zeros((n, 4 * th, 4 * tw, co), gy.dtype) if (ho, wo) != (4 * th, 4 * tw) else \
            np.empty((n, ho, wo, co), gy.dtype)
        copy_to_channels_last(padded[:, :ho, :wo], gy)
        s = padded.strides
        windows = as_strided(padded, (4, 4, n, th, tw, co), (s[1], s[2], s[0], 4 * s[1], 4 * s[2], s[3]),
                             writeable=False)
        t = np.empty((36, n, th, tw, co), gy.dtype) if out is None else out
        _transform_in_blocks(windows, matrices(gy.dtype)[2], t.reshape(6, 6, n * th * tw * co), n, th * tw * co)
        return t

    @staticmethod
    def output_from_tiles(m, n, ho, wo, out=None):
        """y = A^T M A of the product tiles m (36, N, tile rows, tile columns, C_out), C-contiguous ->
        (N, C_out, Ho, Wo), written into `out` when given."""
        th, tw, co = m.shape[2:]
        per = th * tw * co
        _, a_t, _ = matrices(m.dtype)
        blocks = _sample_blocks(n, per)
        flat = m.reshape(6, 6, n * per)
        tiles = np.empty((4, 4, n * per), m.dtype)                 # [a, b, (sample, ty, tx, c)]
        half = np.empty((6, 4, blocks[0].stop * per), m.dtype)
        for block in blocks:
            q = slice(block.start * per, block.stop * per)
            rows = half[:, :, :q.stop - q.start]                   # [j, a, q]: A^T along the tile rows
            np.matmul(a_t, flat[:, :, q].transpose(1, 0, 2), out=rows)
            np.matmul(a_t, rows.transpose(1, 0, 2), out=tiles[:, :, q])
        tiles = tiles.reshape(4, 4, n, th, tw, co)
        y = np.empty((n, co, ho, wo), m.dtype) if out is None else out
        for a in range(4):
            for b in range(4):
                y[:, :, a::4, b::4] = tiles[a, b, :, :len(range(a, ho, 4)), :len(range(b, wo, 4))].transpose(0, 3, 1, 2)
        return y


MINIMAL4_PRODUCTS = Minimal4Products()
