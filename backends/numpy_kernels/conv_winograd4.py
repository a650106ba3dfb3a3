"""Winograd F(4x4, 3x3) on the `cpu` device: its tile transforms as BLAS products (the algebra is
array_kernels/conv_winograd4.py; numpy_kernels/conv_winograd.py drives it through the batch, as it
drives F(2x2, 3x3) and the compiled F(4x4) of `numba`).

NumPy has no single pass that computes B^T d B of a 6x6 tile, and F(4x4)'s transforms, with up to
four taps per row, would take a dozen ufunc passes with temporaries. Here each transform is one
strided copy and one BLAS product instead: the 6x6 input tiles are gathered (overlapping windows of a
zero-padded chunk of the batch, read through a strided view) into a (36, C, N * tiles) block and
multiplied by B^T (x) B^T, a 36x36 matrix, in one product that writes the layout the position
products read; the output transform multiplies the (36, C_out, N * tiles) products by A^T (x) A^T
(16x36) and scatters the 4x4 tiles into NCHW; the gradient transform gathers the output gradient's
4x4 tiles and multiplies them by A (x) A (36x16). The dense 36x36 matrix does three times the
multiply-adds its zeros need, but BLAS runs them faster than NumPy passes over memory run the
sparse sums.

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

_transforms = {}   # dtype -> (B^T (x) B^T, A^T (x) A^T, A (x) A)


def _kron(left, dtype):
    """left (x) left as a (rows^2, columns^2) matrix: row r * rows + s, column a * columns + b holds
    left[r, a] left[s, b] (in float64, then rounded to `dtype`)."""
    m = np.asarray(left, np.float64)
    k = m[:, None, :, None] * m[None, :, None, :]
    return np.ascontiguousarray(k.reshape(m.shape[0] ** 2, m.shape[1] ** 2).astype(dtype))


def transforms(dtype):
    """(data 36x36, output 16x36, gradient 36x16): the Kronecker squares of B^T, A^T and A in `dtype`."""
    key = np.dtype(dtype)
    if key not in _transforms:
        output = np.asarray(algebra.OUTPUT)
        _transforms[key] = (_kron(algebra.DATA, key), _kron(output, key), _kron(output.T, key))
    return _transforms[key]


class Minimal4Products:
    """F(4x4, 3x3) for float32 and float64 with transforms as BLAS products (the scheme interface of
    conv_winograd.py: tiles (36, C, N, tile rows, tile columns), position 6 * a + b)."""

    positions = algebra.POSITIONS
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
        (and as far as the tiles reach at the bottom/right), as (36, C, N, tile rows, tile columns),
        written into `out` (C-contiguous) when given."""
        n, c, h, w = x.shape
        th, tw = tiles
        ph, pw = padding
        padded = np.zeros((n, c, 4 * th + 2, 4 * tw + 2), x.dtype)
        rows, cols = min(h, 4 * th + 2 - ph), min(w, 4 * tw + 2 - pw)
        padded[:, :, ph:ph + rows, pw:pw + cols] = x[:, :, :rows, :cols]
        s = padded.strides
        windows = as_strided(padded, (6, 6, c, n, th, tw), (s[2], s[3], s[1], s[0], 4 * s[2], 4 * s[3]),
                             writeable=False)
        gathered = np.empty((36, c, n, th, tw), x.dtype)
        gathered.reshape(6, 6, c, n, th, tw)[...] = windows
        v = np.empty((36, c, n, th, tw), x.dtype) if out is None else out
        thread_choice.matmul(transforms(x.dtype)[0], gathered.reshape(36, -1), out=v.reshape(36, -1))
        return v

    @staticmethod
    def gradient_tiles(gy, tiles, out=None):
        """A gY A^T of every 4x4 output-gradient tile (zero beyond Ho x Wo), as (36, C_out, N, tile
        rows, tile columns), written into `out` (C-contiguous) when given."""
        n, co, ho, wo = gy.shape
        th, tw = tiles
        if (4 * th, 4 * tw) != (ho, wo):
            whole = np.zeros((n, co, 4 * th, 4 * tw), gy.dtype)
            whole[:, :, :ho, :wo] = gy
            gy = whole
        gathered = np.empty((16, co, n, th, tw), gy.dtype)
        gathered.reshape(4, 4, co, n, th, tw)[...] = gy.reshape(n, co, th, 4, tw, 4).transpose(3, 5, 1, 0, 2, 4)
        t = np.empty((36, co, n, th, tw), gy.dtype) if out is None else out
        thread_choice.matmul(transforms(gy.dtype)[2], gathered.reshape(16, -1), out=t.reshape(36, -1))
        return t

    @staticmethod
    def output_from_tiles(m, n, ho, wo, out=None):
        """y = A^T M A of the product tiles m (36, C_out, N, tile rows, tile columns), C-contiguous ->
        (N, C_out, Ho, Wo), written into `out` when given."""
        co, th, tw = m.shape[1], m.shape[3], m.shape[4]
        tiles = thread_choice.matmul(transforms(m.dtype)[1], m.reshape(36, -1))
        placed = tiles.reshape(4, 4, co, n, th, tw).transpose(3, 2, 4, 0, 5, 1)   # (N, C_out, th, 4, tw, 4)
        y = np.empty((n, co, ho, wo), m.dtype) if out is None else out
        if (4 * th, 4 * tw) == (ho, wo) and y.flags.c_contiguous:
            y.reshape(n, co, th, 4, tw, 4)[...] = placed
        else:
            y[...] = placed.reshape(n, co, 4 * th, 4 * tw)[:, :, :ho, :wo]
        return y


MINIMAL4_PRODUCTS = Minimal4Products()
