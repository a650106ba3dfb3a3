"""The transforms of Winograd's minimal filtering F(2x2, 3x3) for 3x3 stride-1 convolutions, over `xp`
(numpy_kernels/conv_winograd.py runs the algorithm through the batch with them).

The output is cut into 2x2 tiles; each reads a 4x4 input tile d, and
    y_tile = A^T [(G g G^T) * (B^T d B)] A
so each tile costs 16 multiplications per (input, output) channel pair instead of 36 (2.25x fewer).
The elementwise product summed over input channels is, for each of the 16 tile positions, one
matrix product (C_out, C_in) x (C_in, N * tiles): 16 large BLAS calls. The transforms only add and
subtract (B, A) or scale by 1/2 (G), so they are cheap passes over memory.

The input gradient is the same convolution of the output gradient with the flipped, transposed
filters. The weight gradient is the adjoint of the forward: with V = B^T d B and the output
gradient's tiles lifted by A gY A^T, dL/dU = sum over tiles of (A gY A^T) * V (16 products
(C_out, N * tiles) x (N * tiles, C_in)), and dL/dg = G^T (dL/dU) G.

Accuracy (measured against float64 direct convolution, tests/backends/test_conv_algorithms.py):
error below 1e-6 of the largest output magnitude in float32 (2e-7 to 8e-7 for 16 to 256 input
channels) and 1e-15 in float64. F(4x4, 3x3) (conv_winograd4.py), which needs 2.25 multiplications per
output instead of 4, measured 4e-6 to 1.4e-5 in float32; both CPU devices use it for large float32 and
float64 layers, and this one for other dtypes.
Only groups == 1 and dilation 1 come here (the caller chooses).
"""

#: G (4x3), the filter transform U = G g G^T
_G = ((1.0, 0.0, 0.0), (0.5, 0.5, 0.5), (0.5, -0.5, 0.5), (0.0, 0.0, 1.0))


def tile_counts(ho, wo):
    """(tile rows, tile columns) covering an Ho x Wo output with 2x2 tiles."""
    return (ho + 1) // 2, (wo + 1) // 2


def _data_rows(xp, rows):
    """B^T applied along one axis: the four combinations of input rows (d0, d1, d2, d3)."""
    d0, d1, d2, d3 = rows
    return xp.subtract(d0, d2), xp.add(d1, d2), xp.subtract(d2, d1), xp.subtract(d1, d3)


def input_tiles(xp, x, padding, tiles, out=None):
    """V = B^T d B of every 4x4 input tile, as (16, C, N, tile rows, tile columns), written into `out` when given.

    x (N, C, H, W) is zero-padded by `padding` at the top/left and as far as the tiles reach at the
    bottom/right, and stored with even and odd columns apart, so that every tap of the column
    transform is a contiguous slice (strided inner loops would not vectorise). The row transform
    then writes each of the 16 results straight into its place in `out` (no temporaries).
    """
    n, c, h, w = x.shape
    th, tw = tiles
    ph, pw = padding
    hp = 2 * th + 2
    split = xp.zeros((n, c, hp, 2, tw + 1), x.dtype)        # [..., p, k] = padded[..., 2k + p]
    rows_in = min(h, hp - ph)
    for parity in (0, 1):
        first = (parity - pw) % 2                          # the first input column of this parity
        cols = x[:, :, :rows_in, first::2]
        start = (pw + first) // 2
        count = min(cols.shape[3], tw + 1 - start)
        if count > 0:
            split[:, :, ph:ph + rows_in, parity, start:start + count] = cols[..., :count]
    even, odd = split[:, :, :, 0], split[:, :, :, 1]
    columns = _data_rows(xp, (even[..., :tw], odd[..., :tw], even[..., 1:], odd[..., 1:]))  # 4 x (N, C, hp, tw)
    v = xp.empty((16, c, n, th, tw), x.dtype) if out is None else out
    for b, col in enumerate(columns):
        d0, d1, d2, d3 = (col[:, :, i:i + 2 * th:2] for i in range(4))
        xp.subtract(d0, d2, out=v[b].transpose(1, 0, 2, 3))
        xp.add(d1, d2, out=v[4 + b].transpose(1, 0, 2, 3))
        xp.subtract(d2, d1, out=v[8 + b].transpose(1, 0, 2, 3))
        xp.subtract(d1, d3, out=v[12 + b].transpose(1, 0, 2, 3))
    return v


def _kron_g(xp, dtype):
    """G (x) G (16x9): row 4i + j, column 3a + b holds G[i, a] G[j, b], so that U = G g G^T of a
    filter g flattened to 9 taps is this matrix times it."""
    g = xp.asarray(_G, dtype=dtype)
    return xp.ascontiguousarray((g[:, None, :, None] * g[None, :, None, :]).reshape(16, 9))


def filter_tiles(xp, w):
    """U = G g G^T of every 3x3 filter, as (16, C_out, C_in)."""
    co, ci = w.shape[:2]
    # one (16, 9) x (9, C_out C_in) product: NumPy's batched matmul over C_out C_in tiny 4x3 matrices
    # took 12 ms for 256x256 filters
    u = xp.matmul(_kron_g(xp, w.dtype), xp.ascontiguousarray(w).reshape(co * ci, 9).T)
    return u.reshape(16, co, ci)


def output_from_tiles(xp, m, n, ho, wo, out=None):
    """y = A^T M A of every tile: M (16, C_out, N, tile rows, tile columns) -> y (N, C_out, Ho, Wo),
    written into `out` when given."""
    _, co, _, th, tw = m.shape
    m = m.reshape(4, 4, co, n, th, tw)
    # A^T = [[1, 1, 1, 0], [0, 1, -1, -1]] along the tile's rows, then along its columns
    s = [m[0] + m[1] + m[2], m[1] - m[2] - m[3]]           # 2 x (4, C_out, N, th, tw)
    full = (2 * th, 2 * tw) == (ho, wo)
    y = xp.empty((n, co, th, 2, tw, 2), m.dtype) if out is None or not full else out.reshape(n, co, th, 2, tw, 2)
    for i in range(2):
        r = s[i]
        y[:, :, :, i, :, 0] = (r[0] + r[1] + r[2]).transpose(1, 0, 2, 3)
        y[:, :, :, i, :, 1] = (r[1] - r[2] - r[3]).transpose(1, 0, 2, 3)
    y = y.reshape(n, co, 2 * th, 2 * tw)
    if full:
        return y if out is None else out
    if out is None:
        return xp.ascontiguousarray(y[:, :, :ho, :wo])
    out[...] = y[:, :, :ho, :wo]
    return out


def gradient_tiles(xp, gy, tiles, out=None):
    """A gY A^T of every 2x2 output-gradient tile (zero beyond Ho x Wo), as (16, C_out, N, tile rows,
    tile columns), written into `out` when given."""
    n, co, ho, wo = gy.shape
    th, tw = tiles
    if (2 * th, 2 * tw) != (ho, wo):
        padded = xp.zeros((n, co, 2 * th, 2 * tw), gy.dtype)
        padded[:, :, :ho, :wo] = gy
        gy = padded
    g = gy.reshape(n, co, th, 2, tw, 2)
    # A = [[1, 0], [1, 1], [1, -1], [0, -1]] along the rows, then along the columns
    r0, r1 = g[:, :, :, 0], g[:, :, :, 1]                   # (N, C_out, th, tw, 2)
    rows = (r0, r0 + r1, r0 - r1, r1)                       # the last one negated below
    t = xp.empty((16, co, n, th, tw), gy.dtype) if out is None else out
    for a, r in enumerate(rows):
        c0, c1 = r[..., 0], r[..., 1]
        sign = -1 if a == 3 else 1
        parts = [t[4 * a + b].transpose(1, 0, 2, 3) for b in range(4)]
        xp.multiply(c0, sign, out=parts[0])
        xp.add(c0, c1, out=parts[1])
        xp.subtract(c0, c1, out=parts[2])
        xp.multiply(c1, -sign, out=parts[3])
        if a == 3:
            xp.negative(parts[1], out=parts[1])
            xp.negative(parts[2], out=parts[2])
    return t


def flipped_filters(xp, w):
    """The filters of the input gradient as a convolution: w flipped in space, C_in and C_out swapped."""
    return xp.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))


def weight_from_tiles(xp, gu):
    """dL/dg = G^T (dL/dU) G: the filter gradient (C_out, C_in, 3, 3) from the tile-space gradient (16, C_out, C_in)."""
    _, co, c = gu.shape
    return xp.matmul(xp.ascontiguousarray(gu).reshape(16, co * c).T, _kron_g(xp, gu.dtype)).reshape(co, c, 3, 3)
