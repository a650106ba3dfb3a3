"""The algebra of Winograd's minimal filtering F(4x4, 3x3) for 3x3 stride-1 convolutions, over `xp`
(the transforms of whole planes are compiled: numba_kernels/conv_winograd4.py; the driver through
the batch is numpy_kernels/conv_winograd.py, shared with F(2x2, 3x3)).

The output is cut into 4x4 tiles; each reads a 6x6 input tile d, and
    y_tile = A^T [(G g G^T) * (B^T d B)] A
with the interpolation points 0, 1, -1, 2, -2 and infinity. Each tile costs 36 multiplications per
(input, output) channel pair instead of direct convolution's 144 (4x fewer; F(2x2)'s 16 per 4 outputs
is 2.25x fewer), and its transformed tiles hold 36 values per 16 outputs (F(2x2): 16 per 4). As with
F(2x2) the products are 36 batched BLAS products (C_out, C_in) x (C_in, N * tiles). The weight gradient
is the adjoint: dL/dU = sum over tiles of (A gY A^T) * V, dL/dg = G^T (dL/dU) G.

Accuracy (float32 against float64 direct convolution, random normal inputs, 0.05-scale weights, padding
1; forward / input gradient / weight gradient, largest error over the largest magnitude): b8 64ch 14x14
5.0e-6 / 5.2e-6 / 4.4e-6, 128ch 1.1e-5 / 7.2e-6 / 5.7e-6, 256ch 1.4e-5 / 8.4e-6 / 5.0e-6, b4 64ch 28x28
8.3e-6 / 5.9e-6 / 8.1e-6; bound stated and tested: 2e-5. F(2x2) on the same layers: 3e-7 to 8e-7, about
17x less: the points +-2 bring factors up to 8 into A^T and 1/24 into G, and every rounding grows with
them. Points +-1/2 instead of +-2 measured 1.1e-5 at 256 channels (no real gain), nor did computing
G g G^T in float64. float64: below 3e-14 of the largest magnitude.
"""

#: B^T (6x6): V = B^T d B
DATA = ((4.0, 0.0, -5.0, 0.0, 1.0, 0.0),
        (0.0, -4.0, -4.0, 1.0, 1.0, 0.0),
        (0.0, 4.0, -4.0, -1.0, 1.0, 0.0),
        (0.0, -2.0, -1.0, 2.0, 1.0, 0.0),
        (0.0, 2.0, -1.0, -2.0, 1.0, 0.0),
        (0.0, 4.0, 0.0, -5.0, 0.0, 1.0))
#: G (6x3): U = G g G^T
FILTER = ((1 / 4, 0.0, 0.0),
          (-1 / 6, -1 / 6, -1 / 6),
          (-1 / 6, 1 / 6, -1 / 6),
          (1 / 24, 1 / 12, 1 / 6),
          (1 / 24, -1 / 12, 1 / 6),
          (0.0, 0.0, 1.0))
#: A^T (4x6): y = A^T M A
OUTPUT = ((1.0, 1.0, 1.0, 1.0, 1.0, 0.0),
          (0.0, 1.0, -1.0, 2.0, -2.0, 0.0),
          (0.0, 1.0, 1.0, 4.0, 4.0, 0.0),
          (0.0, 1.0, -1.0, 8.0, -8.0, 1.0))

#: output tile side, input tile side, tile positions
TILE, INPUT_TILE, POSITIONS = 4, 6, 36


def tile_counts(ho, wo):
    """(tile rows, tile columns) covering an Ho x Wo output with 4x4 tiles."""
    return -(-ho // TILE), -(-wo // TILE)


def _kron_g(xp, dtype):
    """G (x) G (36x9): row 6i + j, column 3a + b holds G[i, a] G[j, b], so that U = G g G^T of a
    filter g flattened to 9 taps is this matrix times it (computed in float64, then rounded)."""
    g = xp.asarray(FILTER, dtype=xp.float64)
    return xp.ascontiguousarray((g[:, None, :, None] * g[None, :, None, :]).reshape(36, 9).astype(dtype))


def filter_tiles(xp, w):
    """U = G g G^T of every 3x3 filter, as (36, C_out, C_in)."""
    co, ci = w.shape[:2]
    u = xp.matmul(_kron_g(xp, w.dtype), xp.ascontiguousarray(w).reshape(co * ci, 9).T)
    return u.reshape(36, co, ci)


def weight_from_tiles(xp, gu):
    """dL/dg = G^T (dL/dU) G: the filter gradient (C_out, C_in, 3, 3) from the tile-space gradient (36, C_out, C_in)."""
    _, co, c = gu.shape
    return xp.matmul(xp.ascontiguousarray(gu).reshape(36, co * c).T, _kron_g(xp, gu.dtype)).reshape(co, c, 3, 3)
