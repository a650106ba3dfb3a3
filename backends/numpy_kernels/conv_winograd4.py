"""Winograd F(4x4, 3x3) on the `cpu` device: its tile transforms as BLAS products (the algebra is
array_kernels/conv_winograd4.py; numpy_kernels/conv_winograd.py drives it through the batch, as it
drives F(2x2, 3x3) and the compiled F(4x4) of `numba`).

NumPy has no single pass that computes B^T d B of a 6x6 tile, and F(4x4)'s transforms, with up to
four taps per row, would take a dozen ufunc passes with temporaries. Here the transforms are strided
copies and BLAS products instead:
- input: a chunk of the batch is copied channels-last into a zero-padded (N, H, W, C) block (in
  blocks of channels where the planes alias in the cache: layout.py), its 6x6
  tiles gathered from that (overlapping windows read through a strided view: every copied run is one
  pixel's C channels) into a (36, N * tiles, C) block, and multiplied by B^T (x) B^T, a 36x36 matrix,
  in one product; the position products read the result transposed (channels_last_tiles), as BLAS
  takes it. Gathered channels-first, the runs were a tile row's few tiles long (7 at 28x28), and the
  gather cost 2.6-5x the layout change and the channels-last gather together (b32 128ch 28x28, 4
  samples: 1.19 against 0.42 ms; 256ch 14x14, 7 samples: 1.98 against 0.38). The dense matrix does
  three times the multiply-adds its zeros need, but BLAS runs them faster than two products along one
  axis each (their inner dimension is 6), and the windows overlap, so no product reads them in place;
- output: A^T along the tile rows (one product over all positions), then A along the columns as a
  product whose result holds each tile row's four outputs together, so that each output row of a tile
  row is one run copied into NCHW (a copy that scatters whole 4x4 tiles ran 1.2-1.4x slower);
- gradient: the output gradient's rows copied by their row in the tile (whole runs), then A along the
  columns and A along the rows, two products that write the tiles' layout directly (a gather of 4x4
  tiles with one product by A (x) A ran 1.1-1.4x slower).

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

_matrices = {}   # dtype -> (B^T (x) B^T, A^T, A)


def _kron(left, dtype):
    """left (x) left as a (rows^2, columns^2) matrix: row r * rows + s, column a * columns + b holds
    left[r, a] left[s, b] (in float64, then rounded to `dtype`)."""
    m = np.asarray(left, np.float64)
    k = m[:, None, :, None] * m[None, :, None, :]
    return np.ascontiguousarray(k.reshape(m.shape[0] ** 2, m.shape[1] ** 2).astype(dtype))


def matrices(dtype):
    """(B^T (x) B^T 36x36, A^T 4x6, A 6x4) in `dtype`."""
    key = np.dtype(dtype)
    if key not in _matrices:
        output = np.asarray(algebra.OUTPUT)
        _matrices[key] = (_kron(algebra.DATA, key), np.ascontiguousarray(output.astype(key)),
                          np.ascontiguousarray(output.T.astype(key)))
    return _matrices[key]


class Minimal4Products:
    """F(4x4, 3x3) for float32 and float64 with transforms as BLAS products (the scheme interface of
    conv_winograd.py: input tiles (36, N, tile rows, tile columns, C), the other tiles (36, C, N, tile
    rows, tile columns), position 6 * a + b)."""

    positions = algebra.POSITIONS
    #: input tiles with the channels last (conv_winograd.py reads them transposed)
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
        gathered = np.empty((36, n, th, tw, c), x.dtype)
        gathered.reshape(6, 6, n, th, tw, c)[...] = windows
        v = np.empty((36, n, th, tw, c), x.dtype) if out is None else out
        thread_choice.matmul(matrices(x.dtype)[0], gathered.reshape(36, -1), out=v.reshape(36, -1))
        return v

    @staticmethod
    def gradient_tiles(gy, tiles, out=None):
        """A gY A^T of every 4x4 output-gradient tile (zero beyond Ho x Wo), as (36, C_out, N, tile
        rows, tile columns), written into `out` (C-contiguous) when given."""
        n, co, ho, wo = gy.shape
        th, tw = tiles
        count = co * n * th * tw
        by_row = np.zeros((4, co, n, th, 4 * tw), gy.dtype)    # [a, ..., ty, 4 tx + b] = gY[4 ty + a, 4 tx + b]
        for a in range(4):
            rows = len(range(a, ho, 4))
            by_row[a].transpose(1, 0, 2, 3)[:, :, :rows, :wo] = gy[:, :, a::4, :]
        lift = matrices(gy.dtype)[2]
        columns = np.matmul(lift, by_row.reshape(4, count, 4).transpose(0, 2, 1))   # (4 a, 6 j, tiles)
        t = np.empty((36, co, n, th, tw), gy.dtype) if out is None else out
        thread_choice.matmul(lift, columns.reshape(4, 6 * count), out=t.reshape(6, 6 * count))
        return t

    @staticmethod
    def output_from_tiles(m, n, ho, wo, out=None):
        """y = A^T M A of the product tiles m (36, C_out, N, tile rows, tile columns), C-contiguous ->
        (N, C_out, Ho, Wo), written into `out` when given."""
        co, th, tw = m.shape[1], m.shape[3], m.shape[4]
        count = co * n * th * tw
        _, a_t, lift = matrices(m.dtype)
        half = thread_choice.matmul(a_t, m.reshape(6, 6 * count)).reshape(4, 6, count)   # A^T M: (4 a, 6 j, tiles)
        tiles = np.matmul(half.transpose(0, 2, 1), lift)     # (4 a, tiles, 4 b): a tile row is one run of y's row
        y = np.empty((n, co, ho, wo), m.dtype) if out is None else out
        for a in range(4):
            rows = len(range(a, ho, 4))
            y[:, :, a::4, :] = tiles[a].reshape(co, n, th, 4 * tw).transpose(1, 0, 2, 3)[:, :, :rows, :wo]
        return y


MINIMAL4_PRODUCTS = Minimal4Products()
