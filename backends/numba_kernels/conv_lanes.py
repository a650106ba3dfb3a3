"""Convolutions with the output channels across the vector lanes, for small planes.

conv_direct.py vectorises over flat runs of output positions; on the 8x8 planes of a CIFAR ResNet's
last stage a fifth of such a run is padding and junk columns (81 positions computed per 64, and runs
rounded up to whole register tiles). Here the input is laid out channels last (each sample's padded
plane as (Hp, Wp, C_in)), every output position is computed once, and a register tile holds POSITIONS
output positions x CHANNEL_VECTORS vectors of output channels: per input channel and tap,
CHANNEL_VECTORS weight loads and POSITIONS broadcast loads feed POSITIONS * CHANNEL_VECTORS FMAs (24
accumulators; the way oneDNN's blocked layouts work).

Positions are numbered over a group of samples, and each tile reads its positions' input through a
table of their offsets in the channels-last buffer, so a tile may cross rows and samples and only the
group's last tile computes unused positions; a stride only changes the table, a dilation only the
taps' offsets. The input gradient of a stride-1 convolution is the forward of the output gradient with
the flipped, transposed filters; the weight gradient's tiles hold POSITIONS input channels x
CHANNEL_VECTORS vectors of output channels for one tap and run over every position (the output
gradient laid out channels last as well).

The lanes carry output channels, so the kernels take layers whose output channels (input channels for
the input gradient) fill whole tiles: a multiple of `channel_tile` (64 float32 channels on AVX-512).
"""
import numpy as np

from . import jit, simd, split

#: output positions a register tile holds
POSITIONS = 6
#: vectors of output channels a register tile holds
CHANNEL_VECTORS = 4
#: samples are grouped up to about this many output positions (at least one sample): more positions
#: per filter load (with one 7x7 sample of 512 channels a group, 54 GFLOP/s on one core; with 10, 77)
GROUP_POSITIONS = 512
#: input channels a tile sums over before its accumulators go back to memory: the filters a tile reads,
#: 16 x 9 taps x 64 float32 channels, 37 kB, then stay in a 48 kB first-level cache for every tile of
#: the group (16, 32 and 64 measured alike on 64-channel layers, 16 best on 512 channels)
CHANNEL_BLOCK = 16


def channel_tile(dtype):
    """The output-channel count a register tile covers for this dtype (a multiple of it is required)."""
    return CHANNEL_VECTORS * simd.WIDTH // np.dtype(dtype).itemsize


@jit.inlined_fma
def _forward_tiles(xb, wc, bases, offsets, out, npos, co, c_lo, c_hi):
    """out (npos, co) = (or += where c_lo > 0) for each position p and output channel k the sum over
    input channels c in [c_lo, c_hi) and taps t of xb[bases[p] + offsets[t] + c] * w[k, c, t];
    npos a multiple of POSITIONS, co of the channel tile; xb flat channels last, wc the filters in
    tiles of output channels (co / tile, C_in, taps, tile: blocked_weights)."""
    lanes = simd.lanes(xb)
    cin, ntaps, tile = wc.shape[1], wc.shape[2], wc.shape[3]
    for cb in range(0, co, tile):
        block = cb // tile * cin
        for p in range(0, npos, POSITIONS):
            q0, q1, q2, q3, q4, q5 = (bases[p], bases[p + 1], bases[p + 2], bases[p + 3], bases[p + 4],
                                      bases[p + 5])
            a0 = a1 = a2 = a3 = a4 = a5 = b0 = b1 = b2 = b3 = b4 = b5 = simd.zeros(xb)
            c0 = c1 = c2 = c3 = c4 = c5 = d0 = d1 = d2 = d3 = d4 = d5 = simd.zeros(xb)
            if c_lo > 0:
                a0, b0, c0, d0 = _load4(out, p * co + cb, lanes)
                a1, b1, c1, d1 = _load4(out, (p + 1) * co + cb, lanes)
                a2, b2, c2, d2 = _load4(out, (p + 2) * co + cb, lanes)
                a3, b3, c3, d3 = _load4(out, (p + 3) * co + cb, lanes)
                a4, b4, c4, d4 = _load4(out, (p + 4) * co + cb, lanes)
                a5, b5, c5, d5 = _load4(out, (p + 5) * co + cb, lanes)
            for c in range(c_lo, c_hi):
                for t in range(ntaps):
                    at = ((block + c) * ntaps + t) * tile
                    u, v = simd.load(wc, at), simd.load(wc, at + lanes)
                    w, z = simd.load(wc, at + 2 * lanes), simd.load(wc, at + 3 * lanes)
                    off = offsets[t] + c
                    s = simd.splat(simd.item(xb, q0 + off))
                    a0, b0, c0, d0 = simd.fma(s, u, a0), simd.fma(s, v, b0), simd.fma(s, w, c0), simd.fma(s, z, d0)
                    s = simd.splat(simd.item(xb, q1 + off))
                    a1, b1, c1, d1 = simd.fma(s, u, a1), simd.fma(s, v, b1), simd.fma(s, w, c1), simd.fma(s, z, d1)
                    s = simd.splat(simd.item(xb, q2 + off))
                    a2, b2, c2, d2 = simd.fma(s, u, a2), simd.fma(s, v, b2), simd.fma(s, w, c2), simd.fma(s, z, d2)
                    s = simd.splat(simd.item(xb, q3 + off))
                    a3, b3, c3, d3 = simd.fma(s, u, a3), simd.fma(s, v, b3), simd.fma(s, w, c3), simd.fma(s, z, d3)
                    s = simd.splat(simd.item(xb, q4 + off))
                    a4, b4, c4, d4 = simd.fma(s, u, a4), simd.fma(s, v, b4), simd.fma(s, w, c4), simd.fma(s, z, d4)
                    s = simd.splat(simd.item(xb, q5 + off))
                    a5, b5, c5, d5 = simd.fma(s, u, a5), simd.fma(s, v, b5), simd.fma(s, w, c5), simd.fma(s, z, d5)
            _store4(out, p * co + cb, lanes, a0, b0, c0, d0)
            _store4(out, (p + 1) * co + cb, lanes, a1, b1, c1, d1)
            _store4(out, (p + 2) * co + cb, lanes, a2, b2, c2, d2)
            _store4(out, (p + 3) * co + cb, lanes, a3, b3, c3, d3)
            _store4(out, (p + 4) * co + cb, lanes, a4, b4, c4, d4)
            _store4(out, (p + 5) * co + cb, lanes, a5, b5, c5, d5)


@jit.inlined
def _load4(flat, at, lanes):
    """Four vectors, one after the other, from flat index `at`."""
    return (simd.load(flat, at), simd.load(flat, at + lanes), simd.load(flat, at + 2 * lanes),
            simd.load(flat, at + 3 * lanes))


@jit.inlined
def _store4(flat, at, lanes, u, v, w, z):
    """Four vectors, one after the other, into flat from flat index `at`."""
    simd.store(flat, at, u)
    simd.store(flat, at + lanes, v)
    simd.store(flat, at + 2 * lanes, w)
    simd.store(flat, at + 3 * lanes, z)


@jit.inlined
def _pitch(c, like):
    """The channels-last buffer's values per position: C_in and one cache line (64 bytes), so that the
    positions a tile reads fall in different sets of the first-level cache (at 512 float32 channels
    every position is 2 kB from the next: all of a tile's 54 lines went to two sets). The weight
    gradient's last input-channel tile reads up to POSITIONS - 1 values into it."""
    return c + 64 // like.itemsize


@jit.inlined
def _geometry(ho, wo, kh, kw, sh, sw, dh, dw, count):
    """(hp, wp, group): the rows and columns of the padded plane that the taps read (H + 2 pH, W + 2 pW
    at stride 1; strided, the last rows and columns may go unread), and the samples per group."""
    hp, wp = (ho - 1) * sh + (kh - 1) * dh + 1, (wo - 1) * sw + (kw - 1) * dw + 1
    group = max(1, min(count, GROUP_POSITIONS // (ho * wo)))
    return hp, wp, group


@jit.inlined
def _load_channels_last(x, first, count, xb, ph, pw, hp, wp, cs):
    """Samples first .. first + count - 1 of x (N, C, H, W) into xb (count, hp, wp, cs >= C) at offset
    (ph, pw) of each plane; the border stays as it was (zero: every group writes the same interior).
    Unsigned indices: a signed one gets Numba's negative-index wraparound (see conv_direct._load_plane)."""
    c = x.shape[1]
    h, wd = min(x.shape[2], hp - ph), min(x.shape[3], wp - pw)      # rows, columns the taps read
    step = np.uint64(cs)
    for g in range(count):
        for ch in range(c):
            plane = x[first + g, ch]
            for y in range(h):
                base = np.uint64(((g * hp + y + ph) * wp + pw) * cs + ch)
                for xx in range(wd):
                    xb[base + np.uint64(xx) * step] = plane[y, xx]


@jit.inlined
def _store_channels_first(out, y, first, count, co):
    """y[first + g, k] from out (count * Ho * Wo positions, co channels), for g below count."""
    ho, wo = y.shape[2], y.shape[3]
    step = np.uint64(co)
    for g in range(count):
        for k in range(co):
            plane = y[first + g, k]
            for oy in range(ho):
                base = np.uint64(((g * ho + oy) * wo) * co + k)
                for ox in range(wo):
                    plane[oy, ox] = out[base + np.uint64(ox) * step]


@jit.inlined
def _tables(group, ho, wo, hp, wp, cs, kh, kw, sh, sw, dh, dw, npos):
    """(bases, offsets): each of a group's output positions' first input value in the channels-last
    buffer (npos entries, those past the group's positions 0), and each tap's offset from it."""
    bases = np.zeros(npos, np.int64)
    for g in range(group):
        for oy in range(ho):
            for ox in range(wo):
                bases[(g * ho + oy) * wo + ox] = ((g * hp + oy * sh) * wp + ox * sw) * cs
    offsets = np.empty(kh * kw, np.int64)
    for dy in range(kh):
        for dx in range(kw):
            offsets[dy * kw + dx] = (dy * dh * wp + dx * dw) * cs
    return bases, offsets


@jit.kernel_fma
def _forward(x, wc, y, kh, kw, sh, sw, dh, dw, ph, pw, c_block, first, last):
    """y[first:last] = the convolution of x[first:last], group by group: the group's input channels
    last, the tiles over blocks of c_block input channels, the tile rows back to NCHW."""
    c, co, ho, wo = x.shape[1], y.shape[1], y.shape[2], y.shape[3]
    hp, wp, group = _geometry(ho, wo, kh, kw, sh, sw, dh, dw, last - first)
    cs = _pitch(c, x)
    xb = np.zeros(group * hp * wp * cs, x.dtype)
    npos = -(-group * ho * wo // POSITIONS) * POSITIONS
    bases, offsets = _tables(group, ho, wo, hp, wp, cs, kh, kw, sh, sw, dh, dw, npos)
    out = np.empty(npos * co, x.dtype)
    for s in range(first, last, group):
        count = min(group, last - s)
        _load_channels_last(x, s, count, xb, ph, pw, hp, wp, cs)
        rounded = -(-count * ho * wo // POSITIONS) * POSITIONS
        for c_lo in range(0, c, c_block):
            _forward_tiles(xb, wc, bases, offsets, out, rounded, co, c_lo, min(c, c_lo + c_block))
        _store_channels_first(out, y, s, count, co)


def blocked_weights(w):
    """w (C_out, C_in, kH, kW) as (C_out / tile, C_in, kH * kW, tile), contiguous: a tile's filters in
    one run (rows of all C_out channels, 2 kB apart for 512 of them, fell into a few sets of the
    first-level cache)."""
    co, ci, kh, kw = w.shape
    tile = channel_tile(w.dtype)
    return np.ascontiguousarray(w.reshape(co // tile, tile, ci, kh * kw).transpose(0, 2, 3, 1))


def conv2d(x, w, out_hw, stride, padding, dilation=(1, 1)):
    """Cross-correlation of x (N, C_in, H, W) with w (C_out, C_in, kH, kW), C_out a multiple of
    channel_tile(x.dtype) -> (N, C_out, Ho, Wo)."""
    x = np.ascontiguousarray(x)
    y = np.empty((x.shape[0], w.shape[0]) + tuple(out_hw), x.dtype)
    wc = blocked_weights(np.asarray(w, x.dtype))
    kh, kw = w.shape[2:]
    work = y.size * w.shape[1] * kh * kw
    split.run(_forward, (x, wc, y, kh, kw, *stride, *dilation, *padding, CHANNEL_BLOCK), x.shape[0], work)
    return y


@jit.inlined_sums_fma
def _weight_tiles(xb, gl, gs, bases, offsets, gt, npos, co):
    """gt (C_in, taps, co) += for each input channel c, tap t and output channel k the sum over the
    first npos positions p of xb[bases[p] + offsets[t] + c] * gl[p * gs + k] (gl flat, channels last,
    gs values per position).
    Tiles of POSITIONS input channels: the last one reads up to POSITIONS - 1 values past a
    position's channels (xb's slack) and stores only the channels that exist."""
    lanes = simd.lanes(xb)
    cin, ntaps = gt.shape[0], gt.shape[1]
    for t in range(ntaps):
        for c0 in range(0, cin, POSITIONS):
            for cb in range(0, co, CHANNEL_VECTORS * lanes):
                a0 = a1 = a2 = a3 = a4 = a5 = b0 = b1 = b2 = b3 = b4 = b5 = simd.zeros(xb)
                c0_ = c1 = c2 = c3 = c4 = c5 = d0 = d1 = d2 = d3 = d4 = d5 = simd.zeros(xb)
                shift = offsets[t] + c0
                for p in range(npos):
                    at = p * gs + cb
                    u, v = simd.load(gl, at), simd.load(gl, at + lanes)
                    w, z = simd.load(gl, at + 2 * lanes), simd.load(gl, at + 3 * lanes)
                    q = bases[p] + shift
                    s = simd.splat(simd.item(xb, q))
                    a0, b0, c0_, d0 = simd.fma(s, u, a0), simd.fma(s, v, b0), simd.fma(s, w, c0_), simd.fma(s, z, d0)
                    s = simd.splat(simd.item(xb, q + 1))
                    a1, b1, c1, d1 = simd.fma(s, u, a1), simd.fma(s, v, b1), simd.fma(s, w, c1), simd.fma(s, z, d1)
                    s = simd.splat(simd.item(xb, q + 2))
                    a2, b2, c2, d2 = simd.fma(s, u, a2), simd.fma(s, v, b2), simd.fma(s, w, c2), simd.fma(s, z, d2)
                    s = simd.splat(simd.item(xb, q + 3))
                    a3, b3, c3, d3 = simd.fma(s, u, a3), simd.fma(s, v, b3), simd.fma(s, w, c3), simd.fma(s, z, d3)
                    s = simd.splat(simd.item(xb, q + 4))
                    a4, b4, c4, d4 = simd.fma(s, u, a4), simd.fma(s, v, b4), simd.fma(s, w, c4), simd.fma(s, z, d4)
                    s = simd.splat(simd.item(xb, q + 5))
                    a5, b5, c5, d5 = simd.fma(s, u, a5), simd.fma(s, v, b5), simd.fma(s, w, c5), simd.fma(s, z, d5)
                row = (c0 * ntaps + t) * co + cb
                step = ntaps * co
                _add4(gt, row, lanes, a0, b0, c0_, d0)
                if c0 + 1 < cin:
                    _add4(gt, row + step, lanes, a1, b1, c1, d1)
                if c0 + 2 < cin:
                    _add4(gt, row + 2 * step, lanes, a2, b2, c2, d2)
                if c0 + 3 < cin:
                    _add4(gt, row + 3 * step, lanes, a3, b3, c3, d3)
                if c0 + 4 < cin:
                    _add4(gt, row + 4 * step, lanes, a4, b4, c4, d4)
                if c0 + 5 < cin:
                    _add4(gt, row + 5 * step, lanes, a5, b5, c5, d5)


@jit.inlined
def _add4(flat, at, lanes, u, v, w, z):
    """flat[at : at + 4 lanes] += the four vectors, one after the other."""
    simd.store(flat, at, simd.add(simd.load(flat, at), u))
    simd.store(flat, at + lanes, simd.add(simd.load(flat, at + lanes), v))
    simd.store(flat, at + 2 * lanes, simd.add(simd.load(flat, at + 2 * lanes), w))
    simd.store(flat, at + 3 * lanes, simd.add(simd.load(flat, at + 3 * lanes), z))


@jit.kernel_sums_fma
def _grad_weight(gy, x, gt, kh, kw, sh, sw, dh, dw, ph, pw, first, last):
    """gt (C_in, taps, C_out) = the weight gradient's share of samples first .. last - 1."""
    c, co, ho, wo = x.shape[1], gy.shape[1], gy.shape[2], gy.shape[3]
    hp, wp, group = _geometry(ho, wo, kh, kw, sh, sw, dh, dw, last - first)
    cs = _pitch(c, x)
    xb = np.zeros(group * hp * wp * cs, x.dtype)
    bases, offsets = _tables(group, ho, wo, hp, wp, cs, kh, kw, sh, sw, dh, dw, group * ho * wo)
    gs = _pitch(co, x)
    gl = np.empty(group * ho * wo * gs, x.dtype)
    gt[:] = 0
    for s in range(first, last, group):
        count = min(group, last - s)
        _load_channels_last(x, s, count, xb, ph, pw, hp, wp, cs)
        _load_channels_last(gy, s, count, gl, 0, 0, ho, wo, gs)        # the gradient channels last, unpadded
        _weight_tiles(xb, gl, gs, bases, offsets, gt, count * ho * wo, co)


def conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation=(1, 1)):
    """Gradient of the convolution with respect to its weight, shape `w_shape`, C_out a
    multiple of channel_tile(gy.dtype)."""
    gy = np.ascontiguousarray(gy)
    x = np.ascontiguousarray(x, dtype=gy.dtype)
    co, ci, kh, kw = w_shape
    n = x.shape[0]
    work = gy.size * ci * kh * kw
    gt = split.run_summed(lambda out, first, last: _grad_weight(gy, x, out, kh, kw, *stride, *dilation, *padding,
                                                                 first, last), n, work, (ci, kh * kw, co), gy.dtype)
    return np.ascontiguousarray(gt.reshape(ci, kh, kw, co).transpose(3, 0, 1, 2))


def conv2d_grad_input(gy, w, x_shape, padding, dilation=(1, 1)):
    """Gradient of the stride-1 convolution with respect to its input, shape `x_shape` (padding at most
    the dilated filter's reach, C_in a multiple of channel_tile(gy.dtype)): the convolution of gy with
    the flipped, transposed filters."""
    kh, kw = w.shape[2:]
    flipped = np.asarray(w, gy.dtype)[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)
    reach = (dilation[0] * (kh - 1) - padding[0], dilation[1] * (kw - 1) - padding[1])
    return conv2d(gy, flipped, tuple(x_shape[2:]), (1, 1), reach, dilation)


#: output pixels up to which the lanes kernels take a 3x3 layer from the flat-run direct kernels
#: (measured on one core of an AVX-512 Xeon, GFLOP/s forward / input gradient / weight gradient,
#: lanes against conv_direct: b64 64ch 8x8 68-79 / 90 / 65-70 against 58-65 / 78 / 50-54, b32 64ch
#: 16x16 103 / 84 / 91 against 100 / 75 / 70, b16 512ch 7x7 87 / 84 / 57 against 68 / 54 / 63; b16
#: 64ch 32x32 94 / 79 / 77 against 111 / 84 / 78. Stride 2, two threads, 30 alternations, median
#: forward / weight gradient, ms: b64 32->64 16x16 3.4 / 3.7 against 4.6 / 4.8, b32 128->256 28x28
#: 72 / 78 against 90 / 99; b32 64->128 56x56 (784 output pixels) 77 / 84 against 73 / 74)
MAX_PIXELS = 256


def suits(lane_channels, out_hw, kernel_hw, stride, dtype, dilation=(1, 1)):
    """Whether the lanes kernels take this direction: float32 on a CPU with AVX-512 (the 24
    accumulators need its 32 vector registers), 3x3 filters at stride 1 or 2, up to MAX_PIXELS output
    pixels (any number when dilated: the flat-run kernels take no dilation, and im2col ran those at
    about 3x PyTorch's time), and `lane_channels` (the output channels; the input channels for the
    input gradient, which the caller takes here at stride 1 only) a multiple of the channel tile."""
    return (simd.WIDTH == 64 and np.dtype(dtype) == np.float32 and tuple(kernel_hw) == (3, 3)
            and tuple(stride) in ((1, 1), (2, 2))
            and (out_hw[0] * out_hw[1] <= MAX_PIXELS or tuple(dilation) != (1, 1))
            and lane_channels % channel_tile(dtype) == 0)
