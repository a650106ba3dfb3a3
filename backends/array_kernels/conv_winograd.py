"""3x3 stride-1 convolution and both its gradients by Winograd's minimal filtering F(2x2, 3x3), over `xp`.

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
relative error below 1e-6 in float32 and 1e-15 in float64 (of the largest output magnitude).
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


def input_tiles(xp, x, padding, tiles):
    """V = B^T d B of every 4x4 input tile, as (16, C, N, tile rows, tile columns).

    x (N, C, H, W) is zero-padded by `padding` at the top/left and as far as the tiles reach at the
    bottom/right, and stored with even and odd columns apart, so that every tap of the column
    transform is a contiguous slice (strided inner loops would not vectorise).
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
    v = xp.empty((16, c, n, th, tw), x.dtype)
    for b, col in enumerate(columns):
        for a, row in enumerate(_data_rows(xp, [col[:, :, i:i + 2 * th:2] for i in range(4)])):
            v[4 * a + b] = row.transpose(1, 0, 2, 3)
    return v


def filter_tiles(xp, w):
    """U = G g G^T of every 3x3 filter, as (16, C_out, C_in)."""
    co, ci = w.shape[:2]
    g = xp.asarray(_G, dtype=w.dtype)
    u = xp.matmul(xp.matmul(g, w), g.T)                    # (C_out, C_in, 4, 4)
    return xp.ascontiguousarray(u.reshape(co, ci, 16).transpose(2, 0, 1))


def output_from_tiles(xp, m, n, ho, wo, out=None):
    """y = A^T M A of every tile: M (16, C_out, N, tile rows, tile columns) -> y (N, C_out, Ho, Wo),
    written into `out` when given."""
    _, co, _, th, tw = m.shape
    m = m.reshape(4, 4, co, n, th, tw)
    # A^T = [[1, 1, 1, 0], [0, 1, -1, -1]] along the tile's rows, then along its columns
    s = [m[0] + m[1] + m[2], m[1] - m[2] - m[3]]           # 2 x (4, C_out, N, th, tw)
    y = xp.empty((n, co, th, 2, tw, 2), m.dtype)
    for i in range(2):
        r = s[i]
        y[:, :, :, i, :, 0] = (r[0] + r[1] + r[2]).transpose(1, 0, 2, 3)
        y[:, :, :, i, :, 1] = (r[1] - r[2] - r[3]).transpose(1, 0, 2, 3)
    y = y.reshape(n, co, 2 * th, 2 * tw)
    if (2 * th, 2 * tw) != (ho, wo):
        y = y[:, :, :ho, :wo]
    if out is None:
        return xp.ascontiguousarray(y)
    out[...] = y
    return out


def gradient_tiles(xp, gy, tiles):
    """A gY A^T of every 2x2 output-gradient tile (zero beyond Ho x Wo), as (16, C_out, N, tile rows, tile columns)."""
    n, co, ho, wo = gy.shape
    th, tw = tiles
    if (2 * th, 2 * tw) != (ho, wo):
        padded = xp.zeros((n, co, 2 * th, 2 * tw), gy.dtype)
        padded[:, :, :ho, :wo] = gy
        gy = padded
    g = gy.reshape(n, co, th, 2, tw, 2)
    # A = [[1, 0], [1, 1], [1, -1], [0, -1]] along the rows, then along the columns
    r0, r1 = g[:, :, :, 0], g[:, :, :, 1]                   # (N, C_out, th, tw, 2)
    rows = (r0, r0 + r1, r0 - r1, -r1)
    t = xp.empty((16, co, n, th, tw), gy.dtype)
    for a, r in enumerate(rows):
        c0, c1 = r[..., 0], r[..., 1]
        for b, col in enumerate((c0, c0 + c1, c0 - c1, -c1)):
            t[4 * a + b] = col.transpose(1, 0, 2, 3)
    return t


def bytes_per_sample(x_shape, co, padding, itemsize):
    """Extra memory one sample of the batch costs conv3x3: padded input, transformed tiles and products."""
    c, h, w = x_shape[1:]
    th, tw = tile_counts(h + 2 * padding[0] - 2, w + 2 * padding[1] - 2)
    return itemsize * ((2 * th + 2) * (2 * tw + 2) * c * 3 + 16 * th * tw * (2 * c + 2 * co))


def conv3x3(xp, x, w, padding, out=None, u=None):
    """Cross-correlation of x (N, C_in, H, W) with 3x3 filters w (C_out, C_in, 3, 3), stride 1 -> (N, C_out, Ho, Wo),
    written into `out` when given; `u` is filter_tiles(xp, w) when the caller already has it."""
    n, c, h, wd = x.shape
    co = w.shape[0]
    ho, wo = h + 2 * padding[0] - 2, wd + 2 * padding[1] - 2
    tiles = tile_counts(ho, wo)
    v = input_tiles(xp, x, padding, tiles).reshape(16, c, -1)
    u = filter_tiles(xp, w) if u is None else u
    m = xp.matmul(u, v, out=xp.empty((16, co, v.shape[2]), v.dtype))    # (16, C_out, N * tiles)
    return output_from_tiles(xp, m.reshape(16, co, n, *tiles), n, ho, wo, out)


def flipped_filters(xp, w):
    """The filters of the input gradient as a convolution: w flipped in space, C_in and C_out swapped."""
    return xp.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))


def conv3x3_grad_input(xp, gy, w, x_shape, padding, out=None, u=None):
    """Gradient of conv3x3 with respect to its input (padding at most 2 on each axis), written into `out`
    when given; `u` is filter_tiles(xp, flipped_filters(xp, w)) when the caller already has it."""
    if u is None:
        u = filter_tiles(xp, flipped_filters(xp, w))
    return conv3x3(xp, gy, w.transpose(1, 0, 2, 3), (2 - padding[0], 2 - padding[1]), out, u)


def conv3x3_grad_weight(xp, gy, x, padding):
    """Gradient of conv3x3 with respect to its filters, (C_out, C_in, 3, 3)."""
    n, co, ho, wo = gy.shape
    c = x.shape[1]
    tiles = tile_counts(ho, wo)
    v = input_tiles(xp, x, padding, tiles).reshape(16, c, -1)
    t = gradient_tiles(xp, gy, tiles).reshape(16, co, -1)
    gu = xp.matmul(t, v.transpose(0, 2, 1))                # (16, C_out, C_in)
    g = xp.asarray(_G, dtype=gy.dtype)
    gu = gu.transpose(1, 2, 0).reshape(co, c, 4, 4)
    return xp.matmul(xp.matmul(g.T, gu), g)
