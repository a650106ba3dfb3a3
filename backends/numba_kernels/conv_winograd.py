"""The input and gradient transforms of Winograd F(2x2, 3x3) (array_kernels/conv_winograd.py has the
algebra) as single-pass Numba kernels over each (sample, channel) plane, in flat loops that vectorise:

- the plane is copied, row by contiguous row, into a zero-padded buffer held in cache with its even
  and odd rows apart, so that the tile rows' taps (padded rows 2i .. 2i + 3) are flat runs at fixed
  offsets; B^T along the rows is then four flat loops over the whole plane, and B along the columns
  reads those at stride 2 (LLVM turns such pairs into vector loads and shuffles);
- the tiles are written with a row pitch of one more than the tile columns (`tile_pitch`): that
  column is junk the products compute and the output transform skips, and what it costs in products
  (1/tw of them) buys loops over whole planes instead of one tile row at a time. Junk columns of the
  input and gradient tiles are zero, so the weight gradient's sums over all columns stay exact.

Measured against the earlier per-tile-row kernels (one thread, float32, b5 256ch 14x14 / b2 64ch
56x56 / b4 128ch 28x28): 0.23 / 0.25 / 0.23 ms against 0.95 / 0.99 / 0.97. The output transform is
compiled too (NumPy's, on tiles with a junk column, would iterate rows of tile-column length). Every
transform splits its (sample, channel) planes between the threads (split.py): a batch chunk may be one
sample. Whole layers, forward and both gradients, two threads, CPU time: b32 128ch 28x28 25-30% less
than before; b32 64ch 56x56 and 256ch 14x14 about even (the junk column's products cost there what
the transforms save).

Layouts: tiles (16, C, N, tile rows, tile_pitch(tile columns)), position 4 * a + b for tile row a
and tile column b.
"""
import numpy as np

from . import jit, split


def tile_pitch(tile_columns):
    """The row pitch of the tiles these kernels write: one junk column after the tile columns."""
    return tile_columns + 1


@jit.kernel
def _input_tiles(x, ph, pw, v, wp, first, last):
    """Planes first..last (sample * C + channel) of v (16, C, N, tile rows * wp) from x zero-padded by (ph, pw)."""
    h, w = x.shape[2], x.shape[3]
    c = x.shape[1]
    count = v.shape[3]
    th = count // wp
    wf = 2 * wp                                     # padded row width: tile j reads columns 2j .. 2j + 3
    even = np.zeros((th + 1) * wf + 4, x.dtype)     # the padded plane's even rows, then its odd ones
    odd = np.zeros((th + 1) * wf + 4, x.dtype)
    t = np.empty((4, th * wf + 4), x.dtype)         # B^T along the rows, per tile row and padded column
    rows = min(h, 2 * th + 2 - ph)
    cols = min(w, wf - pw)
    for plane in range(first, last):
        s, ch = plane // c, plane % c
        for r in range(rows):                   # rows outside the plane stay zero from the start
            pr = r + ph
            dst = even[(pr // 2) * wf + pw:] if pr % 2 == 0 else odd[(pr // 2) * wf + pw:]
            src = x[s, ch, r]
            for q in range(cols):
                dst[q] = src[q]
        t0, t1, t2, t3 = t[0], t[1], t[2], t[3]
        lower = even[wf:]                       # padded row 2i + 2 beside row 2i
        for q in range(th * wf + 3):
            t0[q] = even[q] - lower[q]
            t1[q] = odd[q] + lower[q]
            t2[q] = lower[q] - odd[q]
            t3[q] = odd[q] - odd[q + wf]
        for a in range(4):
            ta = t[a]
            o0, o1, o2, o3 = v[4 * a, ch, s], v[4 * a + 1, ch, s], v[4 * a + 2, ch, s], v[4 * a + 3, ch, s]
            for q in range(count):
                d0, d1, d2, d3 = ta[2 * q], ta[2 * q + 1], ta[2 * q + 2], ta[2 * q + 3]
                o0[q] = d0 - d2
                o1[q] = d1 + d2
                o2[q] = d2 - d1
                o3[q] = d1 - d3
            for i in range(th):                 # the junk column: zero (it may hold the next row's data)
                j = i * wp + wp - 1
                o0[j] = o1[j] = o2[j] = o3[j] = 0


@jit.kernel
def _gradient_tiles(gy, t, wp, first, last):
    """Planes first..last (sample * C_out + channel) of t (16, C_out, N, tile rows * wp): A gY A^T of the
    2x2 tiles, zero beyond Ho x Wo."""
    co, ho, wo = gy.shape[1], gy.shape[2], gy.shape[3]
    count = t.shape[3]
    th = count // wp
    wf = 2 * wp
    even = np.zeros(th * wf + 2, gy.dtype)          # the tiles' first rows, then their second rows
    odd = np.zeros(th * wf + 2, gy.dtype)
    u = np.empty((4, th * wf + 2), gy.dtype)        # A along the rows: r0, r0 + r1, r0 - r1, -r1
    for plane in range(first, last):
        s, c = plane // co, plane % co
        for r in range(ho):
            dst = even[(r // 2) * wf:] if r % 2 == 0 else odd[(r // 2) * wf:]
            src = gy[s, c, r]
            for q in range(wo):
                dst[q] = src[q]
        u0, u1, u2, u3 = u[0], u[1], u[2], u[3]
        for q in range(th * wf + 2):
            u0[q] = even[q]
            u1[q] = even[q] + odd[q]
            u2[q] = even[q] - odd[q]
            u3[q] = -odd[q]
        for a in range(4):
            ua = u[a]
            o0, o1, o2, o3 = t[4 * a, c, s], t[4 * a + 1, c, s], t[4 * a + 2, c, s], t[4 * a + 3, c, s]
            for q in range(count):
                c0, c1 = ua[2 * q], ua[2 * q + 1]
                o0[q] = c0
                o1[q] = c0 + c1
                o2[q] = c0 - c1
                o3[q] = -c1


@jit.kernel
def _output_from_tiles(m, y, wp, first, last):
    """Planes first..last (sample * C_out + channel) of y (N, C_out, Ho, Wo) = A^T M A of the product tiles
    m (16, C_out, N, tile rows * wp)."""
    co, ho, wo = y.shape[1], y.shape[2], y.shape[3]
    count = m.shape[3]
    th = count // wp
    wf = 2 * wp
    sums = np.empty((8, count), y.dtype)            # A^T along the rows: [b] rows 0-2, [4 + b] rows 1-3
    out = np.empty((2, 2 * count), y.dtype)         # output rows 2i and 2i + 1, at i * wf + column
    for plane in range(first, last):
        s, c = plane // co, plane % co
        for b in range(4):
            m0, m1, m2, m3 = m[b, c, s], m[4 + b, c, s], m[8 + b, c, s], m[12 + b, c, s]
            top, bottom = sums[b], sums[4 + b]
            for q in range(count):
                top[q] = m0[q] + m1[q] + m2[q]
                bottom[q] = m1[q] - m2[q] - m3[q]
        for half in range(2):
            s0, s1, s2, s3 = sums[4 * half], sums[4 * half + 1], sums[4 * half + 2], sums[4 * half + 3]
            row = out[half]
            for q in range(count):
                row[2 * q] = s0[q] + s1[q] + s2[q]
                row[2 * q + 1] = s1[q] - s2[q] - s3[q]
        for i in range(th):
            for half in range(2):
                r = 2 * i + half
                if r < ho:
                    dst, src = y[s, c, r], out[half, i * wf:]
                    for k in range(wo):
                        dst[k] = src[k]


def input_tiles(x, padding, tiles, out=None):
    """V = B^T d B of every 4x4 input tile of x (N, C, H, W) zero-padded by `padding` at the top/left,
    as (16, C, N, tile rows, tile_pitch(tile columns)), written into `out` (C-contiguous) when given."""
    n, c = x.shape[:2]
    th, tw = tiles
    wp = tile_pitch(tw)
    v = np.empty((16, c, n, th, wp), x.dtype) if out is None else out
    split.run(_input_tiles, (np.ascontiguousarray(x), padding[0], padding[1], v.reshape(16, c, n, th * wp), wp),
              n * c, v.size)
    return v


def gradient_tiles(gy, tiles, out=None):
    """A gY A^T of every 2x2 output-gradient tile (zero beyond Ho x Wo and in the junk column), as
    (16, C_out, N, tile rows, tile_pitch(tile columns)), written into `out` (C-contiguous) when given."""
    n, co = gy.shape[:2]
    th, tw = tiles
    wp = tile_pitch(tw)
    t = np.empty((16, co, n, th, wp), gy.dtype) if out is None else out
    split.run(_gradient_tiles, (np.ascontiguousarray(gy), t.reshape(16, co, n, th * wp), wp), n * co, t.size)
    return t


def output_from_tiles(m, n, ho, wo, out=None):
    """y = A^T M A of the product tiles m (16, C_out, N, tile rows, tile_pitch(tile columns)), C-contiguous
    -> (N, C_out, Ho, Wo), written into `out` (C-contiguous) when given."""
    co, th, wp = m.shape[1], m.shape[3], m.shape[4]
    y = np.empty((n, co, ho, wo), m.dtype) if out is None else out
    split.run(_output_from_tiles, (m.reshape(16, co, n, th * wp), y, wp), n * co, m.size)
    return y
