"""out = a @ b for small C-contiguous matrices, computed inside a compiled kernel with register tiles.

A recurrence's hidden-state product is small, (32, 128) @ (128, 512) for the benchmark's LSTM, and
runs once per step, a hundred times a training step. OpenBLAS's kernels are slow there on one core
(its second thread gains nothing): on a 2-core AVX-512 Xeon its SkylakeX kernels reached 69-79
GFLOP/s on the LSTM's per-step shapes, where a register tile of 8 rows by two AVX-512 vectors, held in
16 zmm accumulators over the whole reduction, reached 120-130 reading `b` from column panels packed
once (`packed`), and 71-72 reading it in place (rows 2 KB apart fall on a few L1 sets). On an AVX2
host (a 2-core AMD EPYC, Zen 3) that tile spills its accumulators (55 GFLOP/s against OpenBLAS's
70): there the tile is 4 rows by two ymm vectors (8 accumulators, enough to keep both FMA pipes
busy), 87-94 GFLOP/s on the same shapes against OpenBLAS's 70-78 (6 x 2 and 4 x 3 tiles measured
the same). `ROWS` is the host's; `FAST` is False on hosts with neither, where callers keep BLAS.

The rows past the last full tile and the last, zero-padded panel of a width that is not a multiple
of two vectors go through a small edge tile copied in and out. Each output element is one sum over k
in order, fused multiply-adds, so the result does not depend on the tiling.
"""
import numpy as np

from . import jit, simd

#: whether this host has a register tile that beats BLAS (AVX-512, or AVX2 with FMA)
FAST = simd.host_has_avx512() or simd.host_has_avx2_fma()

#: rows of the register tile: 8 with AVX-512's 32 vector registers, 4 with AVX2's 16
ROWS = 8 if simd.host_has_avx512() else 4
#: reduction steps per pass over a tile column: its slice of b, KC x two vectors, stays in L1 (32 KB in float32)
KC = 256


@jit.inlined_fma
def _tile8(a, ia, lda, b, ib, ldb, k0, k1, c, ic, ldc, accumulate):
    # c[8 rows, 2 vectors] (+)= a[8 rows, k0:k1] @ b[k0:k1, 2 vectors]; ia, ib, ic: flat offsets of the
    # tile's first row (ia, ib at k = 0)
    w = simd.lanes(b)
    if accumulate:
        c00, c01 = simd.load(c, ic), simd.load(c, ic + w)
        c10, c11 = simd.load(c, ic + ldc), simd.load(c, ic + ldc + w)
        c20, c21 = simd.load(c, ic + 2 * ldc), simd.load(c, ic + 2 * ldc + w)
        c30, c31 = simd.load(c, ic + 3 * ldc), simd.load(c, ic + 3 * ldc + w)
        c40, c41 = simd.load(c, ic + 4 * ldc), simd.load(c, ic + 4 * ldc + w)
        c50, c51 = simd.load(c, ic + 5 * ldc), simd.load(c, ic + 5 * ldc + w)
        c60, c61 = simd.load(c, ic + 6 * ldc), simd.load(c, ic + 6 * ldc + w)
        c70, c71 = simd.load(c, ic + 7 * ldc), simd.load(c, ic + 7 * ldc + w)
    else:
        z = simd.zeros(b)
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = z
        c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = z
    for k in range(k0, k1):
        q = ib + k * ldb
        u, v = simd.load(b, q), simd.load(b, q + w)
        p = ia + k
        s = simd.splat(simd.item(a, p))
        c00, c01 = simd.fma(s, u, c00), simd.fma(s, v, c01)
        s = simd.splat(simd.item(a, p + lda))
        c10, c11 = simd.fma(s, u, c10), simd.fma(s, v, c11)
        s = simd.splat(simd.item(a, p + 2 * lda))
        c20, c21 = simd.fma(s, u, c20), simd.fma(s, v, c21)
        s = simd.splat(simd.item(a, p + 3 * lda))
        c30, c31 = simd.fma(s, u, c30), simd.fma(s, v, c31)
        s = simd.splat(simd.item(a, p + 4 * lda))
        c40, c41 = simd.fma(s, u, c40), simd.fma(s, v, c41)
        s = simd.splat(simd.item(a, p + 5 * lda))
        c50, c51 = simd.fma(s, u, c50), simd.fma(s, v, c51)
        s = simd.splat(simd.item(a, p + 6 * lda))
        c60, c61 = simd.fma(s, u, c60), simd.fma(s, v, c61)
        s = simd.splat(simd.item(a, p + 7 * lda))
        c70, c71 = simd.fma(s, u, c70), simd.fma(s, v, c71)
    simd.store(c, ic, c00)
    simd.store(c, ic + w, c01)
    simd.store(c, ic + ldc, c10)
    simd.store(c, ic + ldc + w, c11)
    simd.store(c, ic + 2 * ldc, c20)
    simd.store(c, ic + 2 * ldc + w, c21)
    simd.store(c, ic + 3 * ldc, c30)
    simd.store(c, ic + 3 * ldc + w, c31)
    simd.store(c, ic + 4 * ldc, c40)
    simd.store(c, ic + 4 * ldc + w, c41)
    simd.store(c, ic + 5 * ldc, c50)
    simd.store(c, ic + 5 * ldc + w, c51)
    simd.store(c, ic + 6 * ldc, c60)
    simd.store(c, ic + 6 * ldc + w, c61)
    simd.store(c, ic + 7 * ldc, c70)
    simd.store(c, ic + 7 * ldc + w, c71)


@jit.inlined_fma
def _tile4(a, ia, lda, b, ib, ldb, k0, k1, c, ic, ldc, accumulate):
    # c[4 rows, 2 vectors] (+)= a[4 rows, k0:k1] @ b[k0:k1, 2 vectors], as _tile8
    w = simd.lanes(b)
    if accumulate:
        c00, c01 = simd.load(c, ic), simd.load(c, ic + w)
        c10, c11 = simd.load(c, ic + ldc), simd.load(c, ic + ldc + w)
        c20, c21 = simd.load(c, ic + 2 * ldc), simd.load(c, ic + 2 * ldc + w)
        c30, c31 = simd.load(c, ic + 3 * ldc), simd.load(c, ic + 3 * ldc + w)
    else:
        z = simd.zeros(b)
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = z
    for k in range(k0, k1):
        q = ib + k * ldb
        u, v = simd.load(b, q), simd.load(b, q + w)
        p = ia + k
        s = simd.splat(simd.item(a, p))
        c00, c01 = simd.fma(s, u, c00), simd.fma(s, v, c01)
        s = simd.splat(simd.item(a, p + lda))
        c10, c11 = simd.fma(s, u, c10), simd.fma(s, v, c11)
        s = simd.splat(simd.item(a, p + 2 * lda))
        c20, c21 = simd.fma(s, u, c20), simd.fma(s, v, c21)
        s = simd.splat(simd.item(a, p + 3 * lda))
        c30, c31 = simd.fma(s, u, c30), simd.fma(s, v, c31)
    simd.store(c, ic, c00)
    simd.store(c, ic + w, c01)
    simd.store(c, ic + ldc, c10)
    simd.store(c, ic + ldc + w, c11)
    simd.store(c, ic + 2 * ldc, c20)
    simd.store(c, ic + 2 * ldc + w, c21)
    simd.store(c, ic + 3 * ldc, c30)
    simd.store(c, ic + 3 * ldc + w, c31)


@jit.inlined_fma
def _tile(rows, a, ia, lda, b, ib, ldb, k0, k1, c, ic, ldc, accumulate):
    # the tile of `rows` (8 or 4) rows
    if rows == 8:
        _tile8(a, ia, lda, b, ib, ldb, k0, k1, c, ic, ldc, accumulate)
    else:
        _tile4(a, ia, lda, b, ib, ldb, k0, k1, c, ic, ldc, accumulate)


@jit.inlined_fma
def _row(a, ia, b, ib, ldb, k0, k1, c, ic, accumulate):
    # c[1 row, 2 vectors] (+)= a[1 row, k0:k1] @ b[k0:k1, 2 vectors]
    w = simd.lanes(b)
    if accumulate:
        c0, c1 = simd.load(c, ic), simd.load(c, ic + w)
    else:
        c0 = c1 = simd.zeros(b)
    for k in range(k0, k1):
        q = ib + k * ldb
        s = simd.splat(simd.item(a, ia + k))
        c0, c1 = simd.fma(s, simd.load(b, q), c0), simd.fma(s, simd.load(b, q + w), c1)
    simd.store(c, ic, c0)
    simd.store(c, ic + w, c1)


# Rows past the last full tile run as a whole tile over a zero-padded copy of them when there are
# more than a quarter tile of them, else one at a time (`_row`). A lone row has two accumulators, too
# few to cover the FMA latency: about a quarter of the tile's rate, so a row costs what four rows of
# a tile do. On the AVX2 host (4-row tiles, one thread, us, two runs): (15, 128) @ (128, 512)
# 31.6-32.0 -> 26.3-27.2 and (15, 512) @ (512, 128) 33.6-35.0 -> 26.9-28.4 with the padded tile (the
# half batches of a b30 LSTM), 14 rows 28.1-28.4 -> 25.8-26.9, 2 rows 9.1-9.8 -> 7.8-7.9; one leftover
# row stays with _row (13 rows 23.1-24.3 against 23.1-24.7). The 8-row rule (padded from 3 leftover
# rows) follows from the same arithmetic; it was not measured on an AVX-512 host.


@jit.inlined
def _copy(src, first, dst, at, count):
    # dst[at:at + count] = src[first:first + count]; the row's offset is in the slice, not in a loop
    # index (with it there, LLVM vectorised the copy with gathers for its negative-index wraparound)
    dst[at:at + count] = src[first:first + count]


def panel_width(dtype):
    """Columns of one panel of packed b: two vectors of `dtype` (a NumPy dtype)."""
    return 2 * simd.WIDTH // dtype.itemsize


def packed(b):
    """b (K, N) laid out for product_into: (ceil(N / width), K, width) panels of `panel_width` columns,
    each column panel's rows consecutive, the last one padded with zeros."""
    depth, n = b.shape
    width = panel_width(b.dtype)
    panels = np.zeros((-(-n // width), depth, width), b.dtype)
    full = n // width
    panels[:full] = b[:, :full * width].reshape(depth, full, width).transpose(1, 0, 2)
    if full < panels.shape[0]:
        panels[full, :, :n - full * width] = b[:, full * width:]
    return panels


@jit.kernel_fma
def product_into(a, panels, out):
    """out = a @ b for a (M, K) and out (M, N) C-contiguous of one float dtype, b given as packed(b)
    (N = out's columns), by this host's tile (ROWS); callable from compiled kernels. On a host
    without AVX2 or AVX-512 it runs, but slower than BLAS: check FAST."""
    product_rows_into(a, panels, out, ROWS)


@jit.kernel_fma
def product_rows_into(a, panels, out, tile_rows):
    """product_into with a tile of `tile_rows` rows (8 or 4) whatever the host (tests take both)."""
    m, depth = a.shape
    n = out.shape[1]
    width = panels.shape[2]
    af, bf, cf = a.ravel(), panels.ravel(), out.ravel()
    edge = np.zeros((tile_rows, width), out.dtype)      # a tile written apart: last panel, last rows
    ef = edge.ravel()
    last = m - m % tile_rows                            # first row past the full tiles
    padded_rows = 4 * (m - last) > tile_rows            # see the note above _copy
    pad = np.zeros((tile_rows if padded_rows else 0, depth), a.dtype)
    if padded_rows:
        pad[:m - last] = a[last:]
    pf = pad.ravel()
    for k0 in range(0, depth, KC):
        k1 = min(depth, k0 + KC)
        later = k0 > 0
        for j in range(0, n, width):
            ib = j * depth                          # panel j // width, at k = 0
            cols = min(width, n - j)
            for i in range(0, m, tile_rows):
                rows = min(tile_rows, m - i)
                if cols == width and rows == tile_rows:
                    _tile(tile_rows, af, i * depth, depth, bf, ib, width, k0, k1, cf, i * n + j, n, later)
                    continue
                if cols == width and not padded_rows:
                    for r in range(rows):
                        _row(af, (i + r) * depth, bf, ib, width, k0, k1, cf, (i + r) * n + j, later)
                    continue
                if later:
                    for r in range(rows):
                        _copy(cf, (i + r) * n + j, ef, r * width, cols)
                if rows == tile_rows:
                    _tile(tile_rows, af, i * depth, depth, bf, ib, width, k0, k1, ef, 0, width, later)
                elif padded_rows:
                    _tile(tile_rows, pf, 0, depth, bf, ib, width, k0, k1, ef, 0, width, later)
                else:
                    for r in range(rows):
                        _row(af, (i + r) * depth, bf, ib, width, k0, k1, ef, r * width, later)
                for r in range(rows):
                    _copy(ef, r * width, cf, (i + r) * n + j, cols)
    if depth == 0:
        out[:] = 0
