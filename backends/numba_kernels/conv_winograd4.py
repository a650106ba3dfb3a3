"""The input, gradient and output transforms of Winograd F(4x4, 3x3) (array_kernels/conv_winograd4.py has
the algebra) as single-pass Numba kernels, in the style of F(2x2)'s (conv_winograd.py): flat loops that
vectorise.

- The kernels walk (channel, sample) items in memory order of the tiles (channel-major), so each of
  the 36 tile planes is read or written as one forward stream, and take the items of up to
  BLOCK_TILES tiles of one channel at once: a 14x14 output has only 16 tiles per plane, too few for
  a loop of its own.
- The input plane is copied, row by contiguous row, into a zero-padded buffer held in cache with its
  rows split by their remainder mod 4, so that the six taps of tile row i (padded rows 4i .. 4i + 5)
  are flat runs at fixed offsets; B^T along the rows is six flat loops over the whole plane, and B
  along the columns reads those at stride 4.
- No junk column (F(2x2)'s kernels have one): the padded rows are 4 * tile columns wide, so every tile
  is one flat loop, whose last tile in each row reads the next row's first two columns instead of its
  own two extra ones; those tiles (one in tile-columns) are redone from the extra columns, kept apart.
  The products then compute only real tiles (one in five more at 14x14 with a junk column).
- Tiles of the last row and column that overhang the output read zero padding; the output transform
  writes only the Ho x Wo part, and the gradient transform reads zero beyond it.

Measured, one thread, float32, CPU time (input / output / gradient transform, then one direction's
products, ms; F(2x2) beside): b32 256ch 14x14 4.2 / 4.6 / 2.1, 23 (4.5 / 6.9 / 4.1, 35); b32 128ch
28x28 6.0 / 5.4 / 3.3, 19 (7.4 / 6.8 / 9.6, 39). The first version, one plane at a time in
(sample, channel) order, took 10.7 / 17.6 / 6.7 at 14x14: 36 streams a few cache lines long each.

Layouts: tiles (36, C, N, tile rows, tile columns), position 6 * a + b for tile row a and tile column b.
Float32 and float64 only (the device's passes route other dtypes elsewhere).
"""
import numpy as np

from .. import split_products
from ..array_kernels import conv_winograd4 as algebra
from ..numpy_kernels.conv_winograd4 import Minimal4Products
from . import jit, split


def tile_pitch(tile_columns):
    """The row pitch of the tiles these kernels write: the tile columns (no junk column)."""
    return tile_columns


#: the flat loops run over the tiles of this many consecutive samples of one channel at once (about
#: BLOCK_TILES tiles): a 14x14 plane has only 16 tiles, too few for a loop to pay its setup
BLOCK_TILES = 1024


@jit.inlined
def _block(item, last, n, count):
    """The run of items (channel * N + sample) from `item` that the kernels take at once: (channel,
    first sample, end sample), consecutive samples of one channel, at most max(1, BLOCK_TILES // count)."""
    ch, s0 = item // n, item % n
    s1 = min(n, s0 + last - item, s0 + max(1, BLOCK_TILES // count))
    return ch, s0, s1


@jit.inlined
def _data_rows(d0, d1, d2, d3, d4, d5):
    """B^T applied to six values along one axis."""
    return (4 * d0 - 5 * d2 + d4, d3 + d4 - 4 * (d1 + d2), 4 * (d1 - d2) + d4 - d3,
            2 * (d3 - d1) + d4 - d2, 2 * (d1 - d3) + d4 - d2, 4 * d1 - 5 * d3 + d5)


@jit.kernel_fma
def _input_tiles(x, ph, pw, v, tw, first, last):
    """Items first..last (channel * N + sample) of v (36, C, N * tile rows * tw) from x zero-padded by (ph, pw)."""
    n, h, w = x.shape[0], x.shape[2], x.shape[3]
    count = v.shape[2] // n
    th = count // tw
    wf = 4 * tw                                     # padded columns 0 .. 4tw - 1; tile j reads 4j .. 4j + 5
    size = th * wf
    blk = max(1, BLOCK_TILES // count)
    p = np.zeros((4, size + wf), x.dtype)           # [k, i * wf + q] = padded[4i + k, q]
    tail = np.zeros((4, 2 * th + 2), x.dtype)       # [k, 2i + e] = padded[4i + k, wf + e]: extra columns
    t = np.empty((6, blk * size + 2), x.dtype)      # B^T along the rows, per sample, tile row and padded column
    tt = np.empty((6, blk * 2 * th), x.dtype)       # the same of the extra columns
    phases = np.empty((4, blk * count + 1), x.dtype)  # one row of t by column remainder mod 4, per tile
    rows = min(h, 4 * th + 2 - ph)
    cols = min(w, wf - pw)
    extra = min(w, wf + 2 - pw) - cols
    item = first
    while item < last:
        ch, s0, s1 = _block(item, last, n, count)
        for s in range(s0, s1):
            for r in range(rows):                   # rows outside the plane stay zero from the start
                pr = r + ph
                dst = p[pr % 4, (pr // 4) * wf + pw:]
                src = x[s, ch, r]
                for q in range(cols):
                    dst[q] = src[q]
                for e in range(extra):
                    tail[pr % 4, 2 * (pr // 4) + e] = src[cols + e]
            p0, p1, p2, p3 = p[0], p[1], p[2], p[3]
            p4, p5 = p[0, wf:], p[1, wf:]           # padded rows 4i + 4 and 4i + 5
            base = (s - s0) * size
            t0, t1, t2 = t[0, base:], t[1, base:], t[2, base:]
            t3, t4, t5 = t[3, base:], t[4, base:], t[5, base:]
            for q in range(size):
                d0, d1, d2, d3, d4, d5 = p0[q], p1[q], p2[q], p3[q], p4[q], p5[q]
                t0[q] = 4 * d0 - 5 * d2 + d4
                t1[q] = d3 + d4 - 4 * (d1 + d2)
                t2[q] = 4 * (d1 - d2) + d4 - d3
                t3[q] = 2 * (d3 - d1) + d4 - d2
                t4[q] = 2 * (d1 - d3) + d4 - d2
                t5[q] = 4 * d1 - 5 * d3 + d5
            base = (s - s0) * 2 * th
            for q in range(2 * th):
                tt[0, base + q], tt[1, base + q], tt[2, base + q], tt[3, base + q], tt[4, base + q], tt[5, base + q] = \
                    _data_rows(tail[0, q], tail[1, q], tail[2, q], tail[3, q], tail[0, q + 2], tail[1, q + 2])
        lo, hi = s0 * count, s1 * count
        tiles = hi - lo
        f0, f1, f2, f3 = phases[0], phases[1], phases[2], phases[3]
        for a in range(6):
            ta = t[a]
            # the padded columns split by their remainder mod 4 first, all four in one loop (LLVM
            # turns that into shuffles): read in place, tile q's columns 4q + 4 and 4q + 5 made the
            # loop below gather its six inputs
            for q in range(tiles):
                f0[q], f1[q], f2[q], f3[q] = ta[4 * q], ta[4 * q + 1], ta[4 * q + 2], ta[4 * q + 3]
            f0[tiles], f1[tiles] = ta[4 * tiles], ta[4 * tiles + 1]
            o0, o1, o2 = v[6 * a, ch, lo:hi], v[6 * a + 1, ch, lo:hi], v[6 * a + 2, ch, lo:hi]
            o3, o4, o5 = v[6 * a + 3, ch, lo:hi], v[6 * a + 4, ch, lo:hi], v[6 * a + 5, ch, lo:hi]
            # every tile at once; the last of each row reads the next row's first columns instead of its
            # extra columns, and is redone below
            for q in range(tiles):
                e0, e1, e2, e3, e4, e5 = f0[q], f1[q], f2[q], f3[q], f0[q + 1], f1[q + 1]
                o0[q] = 4 * e0 - 5 * e2 + e4
                o1[q] = e3 + e4 - 4 * (e1 + e2)
                o2[q] = 4 * (e1 - e2) + e4 - e3
                o3[q] = 2 * (e3 - e1) + e4 - e2
                o4[q] = 2 * (e1 - e3) + e4 - e2
                o5[q] = 4 * e1 - 5 * e3 + e5
            for r in range((s1 - s0) * th):
                q = r * tw + tw - 1
                o0[q], o1[q], o2[q], o3[q], o4[q], o5[q] = _data_rows(
                    ta[4 * q], ta[4 * q + 1], ta[4 * q + 2], ta[4 * q + 3], tt[a, 2 * r], tt[a, 2 * r + 1])
        item += s1 - s0


@jit.kernel_fma
def _gradient_tiles(gy, t, wp, first, last):
    """Items first..last (channel * N + sample) of t (36, C_out, N * tile rows * wp): A gY A^T of the 4x4
    tiles, zero beyond Ho x Wo."""
    n, ho, wo = gy.shape[0], gy.shape[2], gy.shape[3]
    count = t.shape[2] // n
    th = count // wp
    wf = 4 * wp
    size = th * wf
    blk = max(1, BLOCK_TILES // count)
    g = np.zeros((4, size), gy.dtype)               # [k, i * wf + q] = gY[4i + k, q], zero beyond it
    u = np.empty((6, blk * size), gy.dtype)         # A along the rows, per sample
    item = first
    while item < last:
        c, s0, s1 = _block(item, last, n, count)
        for s in range(s0, s1):
            for r in range(ho):
                dst = g[r % 4, (r // 4) * wf:]
                src = gy[s, c, r]
                for q in range(wo):
                    dst[q] = src[q]
            g0, g1, g2, g3 = g[0], g[1], g[2], g[3]
            base = (s - s0) * size
            u0, u1, u2 = u[0, base:], u[1, base:], u[2, base:]
            u3, u4, u5 = u[3, base:], u[4, base:], u[5, base:]
            for q in range(size):
                r0, r1, r2, r3 = g0[q], g1[q], g2[q], g3[q]
                u0[q] = r0
                u1[q] = (r0 + r2) + (r1 + r3)
                u2[q] = (r0 + r2) - (r1 + r3)
                u3[q] = (r0 + 4 * r2) + 2 * (r1 + 4 * r3)
                u4[q] = (r0 + 4 * r2) - 2 * (r1 + 4 * r3)
                u5[q] = r3
        lo, hi = s0 * count, s1 * count
        for a in range(6):
            ua = u[a]
            o0, o1, o2 = t[6 * a, c, lo:hi], t[6 * a + 1, c, lo:hi], t[6 * a + 2, c, lo:hi]
            o3, o4, o5 = t[6 * a + 3, c, lo:hi], t[6 * a + 4, c, lo:hi], t[6 * a + 5, c, lo:hi]
            for q in range(hi - lo):
                c0, c1, c2, c3 = ua[4 * q], ua[4 * q + 1], ua[4 * q + 2], ua[4 * q + 3]
                o0[q] = c0
                o1[q] = (c0 + c2) + (c1 + c3)
                o2[q] = (c0 + c2) - (c1 + c3)
                o3[q] = (c0 + 4 * c2) + 2 * (c1 + 4 * c3)
                o4[q] = (c0 + 4 * c2) - 2 * (c1 + 4 * c3)
                o5[q] = c3
        item += s1 - s0


@jit.kernel_fma
def _output_from_tiles(m, y, wp, first, last):
    """Items first..last (channel * N + sample) of y (N, C_out, Ho, Wo) = A^T M A of the product tiles
    m (36, C_out, N * tile rows * wp)."""
    n, ho, wo = y.shape[0], y.shape[2], y.shape[3]
    count = m.shape[2] // n
    th = count // wp
    wf = 4 * wp
    blk = max(1, BLOCK_TILES // count)
    sums = np.empty((24, blk * count), y.dtype)     # A^T along the rows: [6k + b] output row k, tile column b
    out = np.empty((4, 4 * blk * count), y.dtype)   # output rows 4i + k of sample s, at (s * th + i) * wf + column
    item = first
    while item < last:
        c, s0, s1 = _block(item, last, n, count)
        lo, hi = s0 * count, s1 * count
        for b in range(6):
            m0, m1, m2 = m[b, c, lo:hi], m[6 + b, c, lo:hi], m[12 + b, c, lo:hi]
            m3, m4, m5 = m[18 + b, c, lo:hi], m[24 + b, c, lo:hi], m[30 + b, c, lo:hi]
            r0, r1, r2, r3 = sums[b], sums[6 + b], sums[12 + b], sums[18 + b]
            for q in range(hi - lo):
                plus, minus = m1[q] + m2[q], m1[q] - m2[q]
                plus2, minus2 = m3[q] + m4[q], m3[q] - m4[q]
                r0[q] = m0[q] + plus + plus2
                r1[q] = minus + 2 * minus2
                r2[q] = plus + 4 * plus2
                r3[q] = minus + 8 * minus2 + m5[q]
        for k in range(4):
            s0_, s1_, s2_ = sums[6 * k], sums[6 * k + 1], sums[6 * k + 2]
            s3_, s4_, s5_ = sums[6 * k + 3], sums[6 * k + 4], sums[6 * k + 5]
            row = out[k]
            for q in range(hi - lo):
                plus, minus = s1_[q] + s2_[q], s1_[q] - s2_[q]
                plus2, minus2 = s3_[q] + s4_[q], s3_[q] - s4_[q]
                row[4 * q] = s0_[q] + plus + plus2
                row[4 * q + 1] = minus + 2 * minus2
                row[4 * q + 2] = plus + 4 * plus2
                row[4 * q + 3] = minus + 8 * minus2 + s5_[q]
        for s in range(s0, s1):
            for i in range(th):
                start = ((s - s0) * th + i) * wf
                for k in range(4):
                    r = 4 * i + k
                    if r < ho:
                        dst, src = y[s, c, r], out[k, start:]
                        for q in range(wo):
                            dst[q] = src[q]
        item += s1 - s0


class Minimal4(Minimal4Products):
    """F(4x4, 3x3) on the `numba` device, float32 and float64: the cpu device's scheme (its algebra, the
    dtypes it takes) with compiled transforms, driven through the batch by numpy_kernels/conv_winograd.py."""

    #: the numba device's product of stacks (as conv_passes.NumbaPasses'): split over the worker threads
    #: that also run these transforms
    stack_products = staticmethod(split_products.on_workers)
    #: chunks as large as the conv workspace (the products split over the threads gain from large ones)
    chunk_bytes = None
    #: the compiled input transform writes the tiles channels-first, (36, C, N, tile rows, pitch)
    channels_last_tiles = False

    @staticmethod
    def input_tiles(x, padding, tiles, out=None):
        """V = B^T d B of every 6x6 input tile of x (N, C, H, W) zero-padded by `padding` at the top/left,
        as (36, C, N, tile rows, tile_pitch(tile columns)), written into `out` (C-contiguous) when given."""
        n, c = x.shape[:2]
        th, tw = tiles
        wp = tile_pitch(tw)
        v = np.empty((36, c, n, th, wp), x.dtype) if out is None else out
        split.run(_input_tiles, (np.ascontiguousarray(x), padding[0], padding[1], v.reshape(36, c, n * th * wp), tw),
                  n * c, v.size)
        return v

    @staticmethod
    def gradient_tiles(gy, tiles, out=None):
        """A gY A^T of every 4x4 output-gradient tile (zero beyond Ho x Wo and in the junk column), as
        (36, C_out, N, tile rows, tile_pitch(tile columns)), written into `out` (C-contiguous) when given."""
        n, co = gy.shape[:2]
        th, tw = tiles
        wp = tile_pitch(tw)
        t = np.empty((36, co, n, th, wp), gy.dtype) if out is None else out
        split.run(_gradient_tiles, (np.ascontiguousarray(gy), t.reshape(36, co, n * th * wp), wp), n * co, t.size)
        return t

    @staticmethod
    def output_from_tiles(m, n, ho, wo, out=None):
        """y = A^T M A of the product tiles m (36, C_out, N, tile rows, tile_pitch(tile columns)), C-contiguous
        -> (N, C_out, Ho, Wo), written into `out` (C-contiguous) when given."""
        co, th, wp = m.shape[1], m.shape[3], m.shape[4]
        y = np.empty((n, co, ho, wo), m.dtype) if out is None else out
        split.run(_output_from_tiles, (m.reshape(36, co, n * th * wp), y, wp), n * co, m.size)
        return y


MINIMAL4 = Minimal4()
