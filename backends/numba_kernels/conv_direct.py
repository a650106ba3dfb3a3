"""Direct convolutions (groups 1, any small kH x kW, stride and padding, dilation 1) and both their
gradients as Numba kernels that read the NCHW input in place: no column matrices.

Each sample's channels are copied once into a zeroed buffer, padded and split into stride phases
(conv_depthwise's layout: output pixel (oy, ox) reads, for every tap, one phase at oy * Wq + ox plus
a fixed offset), so a whole output plane is one flat run of (Ho - 1) * Wq + Wo positions (the few
between rows are computed and dropped). Small planes are stacked, several samples to a run, and at
stride 1 rows and samples share their zero borders (_stacked).

The passes are register tiles written with explicit vectors (simd.py: 16 float32 lanes on AVX-512,
8 on AVX2). The forward (_correlate) keeps 3 vectors of positions x BLOCK output channels, 12
accumulators, in registers over every input channel and tap and writes each output once: per tap 3
loads and 4 broadcast weights feed 12 FMAs, so the FMA units bound it. The weight gradient
(_dots_tiles) takes 3 taps x BLOCK channels of dot products a pass, 12 vector partial sums.

The tiles replaced per-channel passes that let LLVM's loop vectoriser keep BLOCK accumulator rows in
memory: on an AVX2 EPYC those ran at 31-38 GFLOP/s a core (16 registers cannot hold their 18 weights
beside 9 tap vectors) against the 8-lane tiles' 69-76; on an AVX-512 Xeon (2 cores, two threads, the
old and new code alternating, best of 10, forward + both gradients) the 16-lane tiles took b64 16ch
32x32 from 24-31 ms to 13-15, b64 64ch 8x8 from 27-32 to 14-16, b128 32ch 32x32 from 140-181 to
95-113 and LeNet-5's 6->16 from 6.2-8.6 to 2.3-2.4.

The stride-1 input gradient is the forward of the output gradient with the flipped, transposed
filters; a strided one computes each stride phase of the padded input gradient as a stride-1
correlation of the output gradient with the taps that land in that phase (_grad_input_phases); with
8-lane vectors, a 3x3 stride-2 one on planes above GROUP_POSITIONS pixels takes all four phases in one
pass instead (_phases_3x3), faster there than 1-4 taps per phase through the tiles.

Work is split over the threads by samples in every direction; the weight gradient keeps one partial
sum per thread and adds them at the end, so each thread copies only its own samples in (split by
output-channel blocks, every thread copied the whole batch: two threads, gradients of b64 64ch 8x8
and 32->64 16x16 stride 2 took 6.0-6.9 and 3.0-3.1 ms, now 3.8-5.3 and 2.5-2.7; split.py).
conv_choice.py has the measured times and where the numba device picks these kernels.
"""
import numpy as np

from . import jit, simd, split
from .conv_depthwise import _load_phases, _tap_starts

#: output channels computed together (a tile's 4 columns of accumulators)
BLOCK = 4
#: chunks run in whole multiples of this many positions (the loops then need no scalar remainder, which
#: on 8x8 images took half the time); buffers carry that much slack beyond their last row, more than
#: the 3 vectors - 1 (47 float32 positions on AVX-512) that a tile reads past a run
VECTORS = 64
#: flat positions per chunk of the stride-2 input gradient, whose 4 phases x BLOCK accumulator rows
#: then take 16 kB, half of a 32 kB first-level cache: at 512 (32 kB, tuned on a 48 kB-L1 Zen 5) an
#: AVX2 EPYC with 32 kB ran it 1.6-2.5x slower (b32 64->128 56x56: 118-138 ms against 56-81 at 256;
#: b64 32->64 16x16: 9.4-11.9 ms against 4.4-4.7), slower than im2col's 54-74 and 5.7
PHASE_CHUNK = 256
#: small planes are stacked, several samples to a flat run, up to about this many positions (2048 and
#: 512 measured 0.9x the speed on b64 16x16 and 8x8 planes)
GROUP_POSITIONS = 1024


@jit.inlined
def _store_run(flat, at, lanes, u, v, w):
    """Three vectors, one after the other, into flat from flat index `at`."""
    simd.store(flat, at, u)
    simd.store(flat, at + lanes, v)
    simd.store(flat, at + 2 * lanes, w)


@jit.inlined_fma
def _correlate(buf, wt, starts, ntaps, span, flat):
    """flat (blocks * BLOCK, span) = the flat correlation of buf (C, L) with the first `ntaps` taps of
    wt (blocks, C, taps, BLOCK), tap t read at starts[t], as register tiles: 3 vectors of positions x
    BLOCK output channels, 12 accumulators that stay in registers over every input channel and tap,
    each tap's 3 vectors loaded once for the 4 channels (7 loads a 12 FMAs, so the FMA units bound it,
    not the loads). Reads and writes up to 3 vectors - 1 positions beyond span (inside the VECTORS
    slack)."""
    blocks, c, taps, size, width = wt.shape[0], wt.shape[1], wt.shape[2], buf.shape[1], flat.shape[1]
    lanes = simd.lanes(buf)
    for p in range(0, span, 3 * lanes):
        for b in range(blocks):
            a0, a1, a2, a3 = simd.zeros(buf), simd.zeros(buf), simd.zeros(buf), simd.zeros(buf)
            b0, b1, b2, b3 = simd.zeros(buf), simd.zeros(buf), simd.zeros(buf), simd.zeros(buf)
            c0, c1, c2, c3 = simd.zeros(buf), simd.zeros(buf), simd.zeros(buf), simd.zeros(buf)
            for ch in range(c):
                row = ch * size + p
                weights = (b * c + ch) * taps * BLOCK
                for t in range(ntaps):
                    at = row + starts[t]
                    x0 = simd.load(buf, at)
                    x1 = simd.load(buf, at + lanes)
                    x2 = simd.load(buf, at + 2 * lanes)
                    w = simd.splat(simd.item(wt, weights + t * BLOCK))
                    a0, b0, c0 = simd.fma(w, x0, a0), simd.fma(w, x1, b0), simd.fma(w, x2, c0)
                    w = simd.splat(simd.item(wt, weights + t * BLOCK + 1))
                    a1, b1, c1 = simd.fma(w, x0, a1), simd.fma(w, x1, b1), simd.fma(w, x2, c1)
                    w = simd.splat(simd.item(wt, weights + t * BLOCK + 2))
                    a2, b2, c2 = simd.fma(w, x0, a2), simd.fma(w, x1, b2), simd.fma(w, x2, c2)
                    w = simd.splat(simd.item(wt, weights + t * BLOCK + 3))
                    a3, b3, c3 = simd.fma(w, x0, a3), simd.fma(w, x1, b3), simd.fma(w, x2, c3)
            out = b * BLOCK * width + p
            _store_run(flat, out, lanes, a0, b0, c0)
            _store_run(flat, out + width, lanes, a1, b1, c1)
            _store_run(flat, out + 2 * width, lanes, a2, b2, c2)
            _store_run(flat, out + 3 * width, lanes, a3, b3, c3)


@jit.inlined
def _load_plane(plane, buf, ph, pw, wq):
    """Copy plane (H, W) into buf at row width wq, offset by (ph, pw) (stride 1; the border untouched).
    Plain indices, not conv_depthwise's row views: each view costs two atomic reference counts, a
    third of the time on 32x32 planes. The indices are unsigned: a signed `base + x` gets Numba's
    negative-index wraparound, which LLVM vectorised as masked scatters, 3-6x slower than this."""
    h, w = plane.shape
    for y in range(h):
        base = np.uint64((y + ph) * wq + pw)
        for x in range(w):
            buf[base + np.uint64(x)] = plane[y, x]


@jit.inlined
def _store_plane(flat, wq, plane):
    """plane (Ho, Wo) from the first Wo of every wq values of flat (unsigned indices: see _load_plane)."""
    ho, wo = plane.shape
    for y in range(ho):
        base = np.uint64(y * wq)
        for x in range(wo):
            plane[y, x] = flat[base + np.uint64(x)]


@jit.inlined
def _stacked(h, wd, ho, wo, kh, kw, sh, sw, ph, pw, count):
    """(hq, wq, group, span, starts, size): the phase buffer geometry (conv_depthwise._geometry) of
    `group` samples stacked in each phase (as one image `group` times as tall, so that small planes
    still make runs long enough to vectorise), group <= count; each sample's plane takes hq * wq
    positions, span covers the group's flat output and the buffer `size` positions (plus VECTORS).

    At stride 1 neighbouring rows and samples share their padding (the right border of a row is the
    left border of the next, the bottom border of a sample the top border of the next): rows of
    W + pW, samples of H + pH rows, 8x8 planes 81 positions instead of 100."""
    if sh == 1 and sw == 1:
        hq, wq = max(h + ph, ho), max(wd + pw, wo)
    else:
        hq, wq = (h + 2 * ph + sh - 1) // sh, (wd + 2 * pw + sw - 1) // sw
    most = max(1, min(count, GROUP_POSITIONS // (hq * wq)))
    groups = (count + most - 1) // most
    group = max(1, (count + groups - 1) // groups)          # groups of near-equal size
    size = (group * hq + ph + 1) * wq if sh == 1 and sw == 1 else sh * sw * group * hq * wq
    span = (group - 1) * hq * wq + (ho - 1) * wq + wo
    return hq, wq, group, span, _tap_starts(kh, kw, sh, sw, 1, 1, group * hq, wq), size


@jit.inlined
def _load_group(x, first, count, buf, ph, pw, sh, sw, hq, wq, group):
    """Samples first .. first + count - 1 of x into the stacked phase buffer buf (C, ...)."""
    for g in range(count):
        for ch in range(x.shape[1]):
            if sh == 1 and sw == 1:
                _load_plane(x[first + g, ch], buf[ch, g * hq * wq:], ph, pw, wq)
            else:
                _load_phases(x[first + g, ch], buf[ch, g * hq * wq:], ph, pw, sh, sw, group * hq, wq)


@jit.inlined
def _store_group(flat, y, first, count, hq, wq):
    """Samples first .. first + count - 1 of y from the stacked flat rows (C_out, ...)."""
    for g in range(count):
        for k in range(y.shape[1]):
            _store_plane(flat[k, g * hq * wq:], wq, y[first + g, k])


@jit.inlined_fma
def _forward_samples(x, wt, y, kh, kw, sh, sw, ph, pw, first, last):
    c, h, wd = x.shape[1:]
    ho, wo = y.shape[2:]
    hq, wq, group, span, starts, size = _stacked(h, wd, ho, wo, kh, kw, sh, sw, ph, pw, last - first)
    buf = np.zeros((c, size + VECTORS), x.dtype)
    flat = np.empty((wt.shape[0] * BLOCK, span + VECTORS), x.dtype)
    for s in range(first, last, group):
        count = min(group, last - s)
        _load_group(x, s, count, buf, ph, pw, sh, sw, hq, wq, group)
        run = span - (group - count) * hq * wq          # a last, smaller group: its own run only
        _correlate(buf, wt, starts, kh * kw, run, flat)
        _store_group(flat, y, s, count, hq, wq)


@jit.kernel_fma
def _forward(x, wt, y, kh, kw, sh, sw, ph, pw, first, last):
    _forward_samples(x, wt, y, kh, kw, sh, sw, ph, pw, first, last)


# 3x3 filters and the stride as constants: the phase arithmetic folds away, the copies become plain
# runs and only the 3x3 pass is compiled (with the generic pass beside it, LLVM's code for the 3x3
# one ran 1.3x slower: b64 16ch 32x32 4.3 ms against 3.2)
@jit.kernel_fma
def _forward_3x3_stride1(x, wt, y, ph, pw, first, last):
    _forward_samples(x, wt, y, 3, 3, 1, 1, ph, pw, first, last)


@jit.kernel_fma
def _forward_3x3_stride2(x, wt, y, ph, pw, first, last):
    _forward_samples(x, wt, y, 3, 3, 2, 2, ph, pw, first, last)


@jit.kernel_fma
def _grad_input_phases(gy, wp, starts, ntaps, gx, sh, sw, ph, pw, pu, pv, first, last):
    """gx[first:last] by stride phases: phase (a, b) of the padded input gradient is the flat
    correlation of the output gradient, padded by (pu, pv) at the top left and laid out at row
    width wg, with the taps (a + sH * u, b + sW * v) of the filters (wp[phase], starts[phase])."""
    co, ho, wo = gy.shape[1:]
    c, h, wd = gx.shape[1:]
    hr, wr = (h + 2 * ph + sh - 1) // sh, (wd + 2 * pw + sw - 1) // sw     # rows, columns of a phase
    wg = max(wr, wo) + pv
    hg = max(hr, ho) + pu + 1
    span = (hr - 1) * wg + wr
    buf = np.zeros((co, hg * wg + VECTORS), gy.dtype)
    flat = np.empty((wp.shape[1] * BLOCK, span + VECTORS), gy.dtype)
    for s in range(first, last):
        for ch in range(co):
            _load_plane(gy[s, ch], buf[ch], pu, pv, wg)
        for a in range(sh):
            for b in range(sw):
                phase = a * sw + b
                _correlate(buf, wp[phase], starts[phase], ntaps[phase], span, flat)
                y0, x0 = (a - ph) % sh, (b - pw) % sw      # the first input row, column in this phase
                for k in range(c):
                    row, dst = flat[k], gx[s, k]
                    for iy in range(y0, h, sh):
                        base = (iy + ph) // sh * wg + (x0 + pw) // sw
                        for j in range((wd - x0 + sw - 1) // sw):
                            dst[iy, x0 + j * sw] = row[base + j]


@jit.inlined
def _aligned_zeros(rows, columns, like):
    """A zeroed (rows, pitch) array of like's dtype, pitch >= columns, each row starting on a vector
    boundary: the weight gradient's output-gradient rows are 4 of its 7 loads per 12 FMAs, and a load
    that straddles two cache lines costs two (16-lane tiles, one thread, b64 16/32/64ch at 32/16/8
    pixels square: the weight gradient took 0.97-1.11x the forward's time, against 1.05-1.38x before)."""
    lanes = simd.lanes(like)
    pitch = (columns + lanes - 1) // lanes * lanes
    raw = np.zeros(rows * pitch + lanes, like.dtype)
    skip = (lanes - raw.ctypes.data // raw.itemsize % lanes) % lanes
    return raw[skip:skip + rows * pitch].reshape((rows, pitch))


@jit.inlined
def _add_totals(gk, t, u0, u1, u2, u3):
    """gk[t, k] += the sum of the lanes of the k-th vector, for the BLOCK output channels k."""
    gk[t, 0] += simd.total(u0)
    gk[t, 1] += simd.total(u1)
    gk[t, 2] += simd.total(u2)
    gk[t, 3] += simd.total(u3)


@jit.inlined_fma
def _dots_tiles(g, buf, ch, starts, ntaps, gk, n):
    """gk[t, k] += the dot product of g[k] (BLOCK, L) with buf[ch] from starts[t] over n positions (a
    multiple of the lanes) for every tap t: 3 taps x BLOCK channels a pass, 12 vector accumulators in
    registers (7 loads a 12 FMAs), then the remaining taps one at a time."""
    lanes, size, width = simd.lanes(buf), buf.shape[1], g.shape[1]
    row = ch * size
    triples = ntaps // 3 * 3
    for t in range(0, triples, 3):
        a0, a1, a2, a3 = simd.zeros(buf), simd.zeros(buf), simd.zeros(buf), simd.zeros(buf)
        b0, b1, b2, b3 = simd.zeros(buf), simd.zeros(buf), simd.zeros(buf), simd.zeros(buf)
        c0, c1, c2, c3 = simd.zeros(buf), simd.zeros(buf), simd.zeros(buf), simd.zeros(buf)
        r0, r1, r2 = row + starts[t], row + starts[t + 1], row + starts[t + 2]
        for q in range(0, n, lanes):
            u0, u1, u2 = simd.load(buf, r0 + q), simd.load(buf, r1 + q), simd.load(buf, r2 + q)
            v = simd.load(g, q)
            a0, b0, c0 = simd.fma(v, u0, a0), simd.fma(v, u1, b0), simd.fma(v, u2, c0)
            v = simd.load(g, width + q)
            a1, b1, c1 = simd.fma(v, u0, a1), simd.fma(v, u1, b1), simd.fma(v, u2, c1)
            v = simd.load(g, 2 * width + q)
            a2, b2, c2 = simd.fma(v, u0, a2), simd.fma(v, u1, b2), simd.fma(v, u2, c2)
            v = simd.load(g, 3 * width + q)
            a3, b3, c3 = simd.fma(v, u0, a3), simd.fma(v, u1, b3), simd.fma(v, u2, c3)
        _add_totals(gk, t, a0, a1, a2, a3)
        _add_totals(gk, t + 1, b0, b1, b2, b3)
        _add_totals(gk, t + 2, c0, c1, c2, c3)
    for t in range(triples, ntaps):
        a0, a1, a2, a3 = simd.zeros(buf), simd.zeros(buf), simd.zeros(buf), simd.zeros(buf)
        r0 = row + starts[t]
        for q in range(0, n, lanes):
            u0 = simd.load(buf, r0 + q)
            a0 = simd.fma(simd.load(g, q), u0, a0)
            a1 = simd.fma(simd.load(g, width + q), u0, a1)
            a2 = simd.fma(simd.load(g, 2 * width + q), u0, a2)
            a3 = simd.fma(simd.load(g, 3 * width + q), u0, a3)
        _add_totals(gk, t, a0, a1, a2, a3)


@jit.kernel_sums_fma
def _grad_weight(gy, x, gt, kh, kw, sh, sw, ph, pw, first, last):
    _grad_weight_samples(gy, x, gt, kh, kw, sh, sw, ph, pw, first, last)


@jit.kernel_sums_fma
def _grad_weight_3x3_stride1(gy, x, gt, ph, pw, first, last):
    _grad_weight_samples(gy, x, gt, 3, 3, 1, 1, ph, pw, first, last)


@jit.kernel_sums_fma
def _grad_weight_3x3_stride2(gy, x, gt, ph, pw, first, last):
    _grad_weight_samples(gy, x, gt, 3, 3, 2, 2, ph, pw, first, last)


@jit.inlined_sums_fma
def _grad_weight_samples(gy, x, gt, kh, kw, sh, sw, ph, pw, first, last):
    """gt (blocks, C_in, taps, BLOCK) = the sum over samples first..last - 1 of each tap's dot products
    of the output gradient's flat rows with the input buffer's (both stacked as in the forward)."""
    c, h, wd = x.shape[1:]
    co, ho, wo = gy.shape[1:]
    hq, wq, group, span, starts, size = _stacked(h, wd, ho, wo, kh, kw, sh, sw, ph, pw, last - first)
    buf = np.zeros((c, size + VECTORS), x.dtype)
    g = _aligned_zeros(BLOCK, group * hq * wq + VECTORS, x)     # zeros between the rows and samples
    gt[:] = 0
    for s in range(first, last, group):
        count = min(group, last - s)
        rounded = (span - (group - count) * hq * wq + VECTORS - 1) // VECTORS * VECTORS
        if count < group:                # the samples beyond count must add nothing
            buf[:, :] = 0
            g[:, :] = 0
        _load_group(x, s, count, buf, ph, pw, sh, sw, hq, wq, group)
        for b in range(gt.shape[0]):
            for k in range(BLOCK):
                if b * BLOCK + k < co:
                    for j in range(count):
                        _load_plane(gy[s + j, b * BLOCK + k], g[k, j * hq * wq:], 0, 0, wq)
                else:
                    g[k] = 0
            for ch in range(c):
                _dots_tiles(g, buf, ch, starts, kh * kw, gt[b, ch], rounded)


@jit.inlined_fma
def _phases_3x3(a, b, c, d, wk, acc, n):
    """The four stride-2 phases of a 3x3 filter's input gradient, one input channel's share, in one
    pass: phase (p, r) of channel k accumulates at acc[(4 * (2 * p + r) + k) * PHASE_CHUNK + q] the
    taps (p + 2u, r + 2v) of wk (taps, BLOCK) times the output gradient at offsets a (u = v = 1),
    b (u = 1, v = 0), c (u = 0, v = 1), d (u = v = 0) of the padded flat layout: 36 FMAs per 4 loads
    and 16 accumulator loads and stores."""
    e0, f0, g0, h0 = (acc, acc[4 * PHASE_CHUNK:], acc[8 * PHASE_CHUNK:],
                      acc[12 * PHASE_CHUNK:])
    e1, f1, g1, h1 = (acc[PHASE_CHUNK:], acc[5 * PHASE_CHUNK:], acc[9 * PHASE_CHUNK:],
                      acc[13 * PHASE_CHUNK:])
    e2, f2, g2, h2 = (acc[2 * PHASE_CHUNK:], acc[6 * PHASE_CHUNK:], acc[10 * PHASE_CHUNK:],
                      acc[14 * PHASE_CHUNK:])
    e3, f3, g3, h3 = (acc[3 * PHASE_CHUNK:], acc[7 * PHASE_CHUNK:], acc[11 * PHASE_CHUNK:],
                      acc[15 * PHASE_CHUNK:])
    t00, t01, t02, t03 = wk[0, 0], wk[0, 1], wk[0, 2], wk[0, 3]
    t10, t11, t12, t13 = wk[1, 0], wk[1, 1], wk[1, 2], wk[1, 3]
    t20, t21, t22, t23 = wk[2, 0], wk[2, 1], wk[2, 2], wk[2, 3]
    t30, t31, t32, t33 = wk[3, 0], wk[3, 1], wk[3, 2], wk[3, 3]
    t40, t41, t42, t43 = wk[4, 0], wk[4, 1], wk[4, 2], wk[4, 3]
    t50, t51, t52, t53 = wk[5, 0], wk[5, 1], wk[5, 2], wk[5, 3]
    t60, t61, t62, t63 = wk[6, 0], wk[6, 1], wk[6, 2], wk[6, 3]
    t70, t71, t72, t73 = wk[7, 0], wk[7, 1], wk[7, 2], wk[7, 3]
    t80, t81, t82, t83 = wk[8, 0], wk[8, 1], wk[8, 2], wk[8, 3]
    for q in range(n):
        va, vb, vc, vd = a[q], b[q], c[q], d[q]
        e0[q] = e0[q] + t00 * vd + t20 * vc + t60 * vb + t80 * va
        f0[q] = f0[q] + t10 * vd + t70 * vb
        g0[q] = g0[q] + t30 * vd + t50 * vc
        h0[q] = h0[q] + t40 * vd
        e1[q] = e1[q] + t01 * vd + t21 * vc + t61 * vb + t81 * va
        f1[q] = f1[q] + t11 * vd + t71 * vb
        g1[q] = g1[q] + t31 * vd + t51 * vc
        h1[q] = h1[q] + t41 * vd
        e2[q] = e2[q] + t02 * vd + t22 * vc + t62 * vb + t82 * va
        f2[q] = f2[q] + t12 * vd + t72 * vb
        g2[q] = g2[q] + t32 * vd + t52 * vc
        h2[q] = h2[q] + t42 * vd
        e3[q] = e3[q] + t03 * vd + t23 * vc + t63 * vb + t83 * va
        f3[q] = f3[q] + t13 * vd + t73 * vb
        g3[q] = g3[q] + t33 * vd + t53 * vc
        h3[q] = h3[q] + t43 * vd


@jit.kernel_fma
def _grad_input_3x3_stride2(gy, wt, gx, ph, pw, first, last):
    """gx[first:last] of a 3x3 stride-2 convolution: the four stride phases of the padded input
    gradient at once, each a stride-1 correlation of the output gradient (padded by one row and
    column at the top left, samples stacked) with the taps that land in it; wt (blocks of C_in,
    C_out, 9, BLOCK)."""
    co, ho, wo = gy.shape[1:]
    c, h, wd = gx.shape[1:]
    hr, wr = (h + 2 * ph + 1) // 2, (wd + 2 * pw + 1) // 2      # rows, columns of a phase
    wg = max(wr, wo) + 1
    hg = max(hr, ho) + 2
    plane = hg * wg
    most = max(1, min(last - first, GROUP_POSITIONS // plane))
    groups = (last - first + most - 1) // most
    group = max(1, (last - first + groups - 1) // groups)
    span = (group - 1) * plane + (hr - 1) * wg + wr
    buf = np.zeros((co, group * plane + VECTORS), gy.dtype)
    flat = np.empty((4, BLOCK, span + VECTORS), gy.dtype)
    acc = np.empty(16 * PHASE_CHUNK, gy.dtype)
    for s in range(first, last, group):
        count = min(group, last - s)
        for j in range(count):
            for ch in range(co):
                _load_plane(gy[s + j, ch], buf[ch, j * plane:], 1, 1, wg)
        run = span - (group - count) * plane
        for blk in range(wt.shape[0]):
            for p0 in range(0, run, PHASE_CHUNK):
                n = min(run - p0, PHASE_CHUNK)
                n = (n + VECTORS - 1) // VECTORS * VECTORS
                acc[:] = 0
                for ch in range(co):
                    src = buf[ch, p0:]
                    lower = src[wg:]
                    _phases_3x3(src, src[1:], lower, lower[1:], wt[blk, ch], acc, n)
                for phase in range(4):
                    for k in range(BLOCK):
                        dst, part = flat[phase, k, p0:], acc[(4 * phase + k) * PHASE_CHUNK:]
                        for q in range(n):
                            dst[q] = part[q]
            for k in range(min(BLOCK, c - blk * BLOCK)):
                for j in range(count):
                    out = gx[s + j, blk * BLOCK + k]
                    for iy in range(h):
                        a, r = (iy + ph) % 2, (iy + ph) // 2
                        for b in range(2):
                            x0 = (b - pw) % 2              # the first column in phase column b
                            row, dst = flat[2 * a + b, k, j * plane + r * wg + (x0 + pw) // 2:], out[iy]
                            for jx in range((wd - x0 + 1) // 2):
                                dst[x0 + 2 * jx] = row[jx]


def phase_filters(w, stride):
    """The input gradient's per-phase filters: (blocks of C_in, C_out, taps, BLOCK) weights for every
    stride phase (a, b), their taps' starts in the padded output gradient's flat layout (row width
    given later, so as (du, dv) pairs), and tap counts; plus the padding (pu, pv)."""
    co, ci, kh, kw = w.shape
    sh, sw = stride
    pu, pv = -(-kh // sh) - 1, -(-kw // sw) - 1
    blocks = -(-ci // BLOCK)
    tmax = (pu + 1) * (pv + 1)
    wp = np.zeros((sh * sw, blocks * BLOCK, co, tmax), w.dtype)
    offsets = np.zeros((sh * sw, tmax, 2), np.int64)
    ntaps = np.zeros(sh * sw, np.int64)
    for a in range(sh):
        for b in range(sw):
            phase, t = a * sw + b, 0
            for u in range((kh - a + sh - 1) // sh):
                for v in range((kw - b + sw - 1) // sw):
                    wp[phase, :ci, :, t] = w[:, :, a + sh * u, b + sw * v].T
                    offsets[phase, t] = (pu - u, pv - v)
                    t += 1
            ntaps[phase] = t
    wp = wp.reshape(sh * sw, blocks, BLOCK, co, tmax).transpose(0, 1, 3, 4, 2)
    return np.ascontiguousarray(wp), offsets, ntaps, (pu, pv)


def blocked_weights(w):
    """w (C_out, C_in, kH, kW) as (blocks, C_in, kH * kW, BLOCK), C_out padded with zero filters."""
    co, ci, kh, kw = w.shape
    blocks = -(-co // BLOCK)
    wt = np.zeros((blocks * BLOCK, ci, kh * kw), w.dtype)
    wt[:co] = w.reshape(co, ci, kh * kw)
    return np.ascontiguousarray(wt.reshape(blocks, BLOCK, ci, kh * kw).transpose(0, 2, 3, 1))


def _work(y_shape, w_shape):
    """Multiply-adds of a convolution with this output shape and filter shape."""
    return y_shape[0] * y_shape[1] * y_shape[2] * y_shape[3] * w_shape[1] * w_shape[2] * w_shape[3]


def conv2d(x, w, out_hw, stride, padding):
    """Cross-correlation of x (N, C_in, H, W) with w (C_out, C_in, kH, kW) -> (N, C_out, Ho, Wo)."""
    x = np.ascontiguousarray(x)
    y = np.empty((x.shape[0], w.shape[0]) + tuple(out_hw), x.dtype)
    wt = blocked_weights(np.asarray(w, x.dtype))
    kh, kw = w.shape[2:]
    work = _work(y.shape, w.shape)
    if (kh, kw) == (3, 3) and tuple(stride) == (1, 1):
        split.run(_forward_3x3_stride1, (x, wt, y, *padding), x.shape[0], work)
    elif (kh, kw) == (3, 3) and tuple(stride) == (2, 2):
        split.run(_forward_3x3_stride2, (x, wt, y, *padding), x.shape[0], work)
    else:
        split.run(_forward, (x, wt, y, kh, kw, *stride, *padding), x.shape[0], work)
    return y


def conv2d_grad_input(gy, w, x_shape, stride, padding):
    """Gradient of the convolution with respect to its input, shape `x_shape`: for stride 1 and padding
    below the filter, the convolution of gy with the flipped, transposed filters (padding k - 1 - p);
    otherwise by stride phases."""
    gy = np.ascontiguousarray(gy)
    w = np.asarray(w, gy.dtype)
    kh, kw = w.shape[2:]
    n, c, h, wd = x_shape
    if tuple(stride) == (1, 1) and padding[0] < kh and padding[1] < kw:
        flipped = w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)
        return conv2d(gy, flipped, (h, wd), (1, 1), (kh - 1 - padding[0], kw - 1 - padding[1]))
    gx = np.empty(tuple(x_shape), gy.dtype)
    # a 3x3 stride-2 input gradient goes phase by phase through the tiles on planes up to GROUP_POSITIONS
    # pixels, and on larger ones too with 16-lane vectors; 8-lane ones take the four-phase pass there.
    # Two threads: AVX2 EPYC, best of 15, b64 16->32 32x32 3.6-4.0 ms against the four-phase pass's
    # 4.1-5.0, 32->64 16x16 2.4-3.9 against 4.9-5.5, but b32 64->128 56x56 56-58 against 47-52; AVX-512
    # Xeon, 25 alternations, b32 64->128 56x56 min / median 46.5 / 53.0 against 54.2 / 63.3, b16
    # 32->64 48x48 5.5 / 9.4 against 6.9 / 10.5
    by_tiles = h * wd <= GROUP_POSITIONS or simd.WIDTH == 64
    if (kh, kw) == (3, 3) and tuple(stride) == (2, 2) and not by_tiles:
        wt = blocked_weights(np.ascontiguousarray(w.transpose(1, 0, 2, 3)))
        split.run(_grad_input_3x3_stride2, (gy, wt, gx, *padding), n, _work(gy.shape, w.shape))
        return gx
    wp, offsets, ntaps, (pu, pv) = phase_filters(w, stride)
    wg = max(-(-(wd + 2 * padding[1]) // stride[1]), gy.shape[3]) + pv
    starts = np.ascontiguousarray(offsets[:, :, 0] * wg + offsets[:, :, 1])
    split.run(_grad_input_phases, (gy, wp, starts, ntaps, gx, *stride, *padding, pu, pv), n, _work(gy.shape, w.shape))
    return gx


def conv2d_grad_weight(gy, x, w_shape, stride, padding):
    """Gradient of the convolution with respect to its weight, shape `w_shape`."""
    gy = np.ascontiguousarray(gy)
    x = np.ascontiguousarray(x, dtype=gy.dtype)
    co, ci, kh, kw = w_shape
    blocks = -(-co // BLOCK)
    n = x.shape[0]
    if (kh, kw) == (3, 3) and tuple(stride) == (1, 1):
        kernel, after = _grad_weight_3x3_stride1, tuple(padding)
    elif (kh, kw) == (3, 3) and tuple(stride) == (2, 2):
        kernel, after = _grad_weight_3x3_stride2, tuple(padding)
    else:
        kernel, after = _grad_weight, (kh, kw, *stride, *padding)
    # one partial sum per thread, over its samples: each thread then copies only its own samples in
    gt = split.run_summed(lambda out, first, last: kernel(gy, x, out, *after, first, last), n,
                          _work(gy.shape, w_shape), (blocks, ci, kh * kw, BLOCK), gy.dtype)
    return np.ascontiguousarray(gt.transpose(0, 3, 1, 2).reshape(blocks * BLOCK, ci, kh, kw)[:co])
