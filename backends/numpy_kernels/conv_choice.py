"""Which algorithm computes a convolution of a given shape on the CPU, and how much memory it may use.

Algorithms (each in its own module): `pointwise` (1x1, no padding: one product per sample, no copies),
`depthwise` (one filter per channel: per-plane column matrices, channels-last passes on small planes, or
compiled kernels on numba),
`direct` (numba only: compiled direct convolutions, groups 1, no dilation, numba_kernels/conv_direct.py),
`winograd` (3x3, stride 1, dilation 1, groups 1: F(2x2, 3x3), 2.25x fewer multiplications),
`winograd4` (the same layers, float32/float64: F(4x4, 3x3), 4x fewer multiplications, float32
error up to 2e-5 of the largest magnitude against F(2x2)'s 1e-6), `tap_products` (forward and weight
gradient of one-group layers with few output channels: the taps' products first, no column matrix,
conv_tap_products.py), and im2col for everything else:
`im2col_chwn` (batch-last layout, one product) for small stride-1 images (at most CHWN_MAX_PIXELS
output pixels) while the whole column matrix is under SMALL_COLUMN_BYTES, `im2col` (NCHW, no transposes,
cache-sized batch chunks, shifted-row columns for stride-1 layers with little padding:
conv_im2col.py) otherwise. Measured with one thread on b64 (forward / input gradient /
weight gradient, ms): 3->16 32x32 im2col 1.2 / 1.9 / 1.6 against chwn 2.1 / 3.1 / 3.1; 16->32 stride 2
2.9 / 4.2 / 3.1 against 4.6 / 4.3 / 4.8; 32->64 stride 2 to 8x8 2.2 / 3.3 / 2.2 against 2.6 / 4.0 / 4.2;
but 64->64 8x8 stride 1 chwn 3.8 / 4.2 / 4.1 against 4.3 / 6.8 / 4.7.

The rule (`heuristic`) picks the first of those that applies, except that Winograd needs, for the
input gradient, padding at most 2, and a large enough layer: at least `min_channels[direction]` input
and output channels and `min_pixels` output pixels, limits that come with the device's passes (below
them the tile transforms, passes over memory, cost more than the multiplications they save).
Measured with one thread (forward / input gradient / weight gradient, ms):
- cpu (NumPy transforms): b128 32ch 32x32 Winograd 50 / 43 / 61, im2col 42 / 62 / 45 (before im2col's
  cache-sized chunks and its stride-1 input gradient as a forward convolution; b64 32ch 16x16 now
  4.7 / 4.7 / 5.1 against Winograd's 7.5 / 7.3 / 8.7), so below 64 channels im2col takes every
  direction; 64 channels and up take Winograd (b32 256ch 14x14: 57 / 58 / 65 against 73 / 96 / 77);
  ResNet-8's 32ch 16x16 and 64ch 8x8 layers stayed with im2col (F(4x4) took them later, below).
- numba (compiled transforms): the same limits. Timed alone, Winograd won from 32 channels and 8x8
  outputs (b64 32ch 16x16 4.6 / 4.5 / 4.8 against im2col's 4.6 / 4.9 / 5.1, 64ch 8x8 4.0 / 3.9 / 4.1
  against 4.4 / 4.4 / 4.6), but a whole ResNet-8 training step ran faster with im2col on those layers
  (b64, 2 threads: 82 ms with im2col everywhere, 88 with Winograd from 64 channels and 8x8, 100 from 32
  channels; b16: 24 / 22 / 28 ms): the tiles, four times the input, evict what the next layer reads.
  At 16 channels im2col wins even alone (b64 16ch 32x32 5.9 / 5.6 / 6.4 against 9.2 / 10.3 / 10.2).
- winograd4 on cpu (transforms as BLAS products, conv_winograd4.py; NumpyPasses.prefers_winograd4): every
  direction of the layers the rule gave F(2x2), which it beat by 1.5-1.9x, and since its input tiles
  are gathered channels-last, of those from 32 channels and 8x8 outputs (ResNet-8/20's 32ch 16x16 and
  64ch 8x8 layers: whole training steps 4-11% faster; figures in conv_passes.py).
- winograd4 (numba; its passes' `prefers_winograd4`): every direction of the layers the rule gives
  Winograd on numba (64 channels and 12x12 outputs and up), where F(4x4) beat F(2x2) throughout. One
  thread, float32, CPU time, loaded machine, forward / input gradient / weight gradient, ms, F(4x4)
  against F(2x2): b32 64ch 56x56 50 / 43 / 41 against 55 / 52 / 55; b32 128ch 28x28 40 / 38 / 39
  against 58 / 55 / 56; b32 256ch 14x14 41 / 42 / 41 against 52 / 52 / 53. Below those limits it beat
  F(2x2) too but not clearly the direct kernels: b64 64ch 8x8 3.4 / 3.5 / 3.4 against direct's 4.3 /
  3.8 / 2.4; b128 32ch 16x16 7.1 / 7.1 / 6.3 against 7.0 / 6.9 / 4.8; b128 16ch 32x32 9.8 / 10.1 / 10.0
  against 7.8 / 7.8 / 5.2 (those layers stay direct: a whole-step check is still to do). Since stop
  22 (products split over the threads, whole-workspace chunks) F(4x4) also takes 64-channel layers of
  28x28 outputs and up on AVX-512 hosts (b32 64ch 56x56 276 / 205 / 125 / 149 ms against direct's 360 /
  208 / 180 / 204 in four runs, forward + both gradients; conv_passes.WIDE_CHANNELS).
- direct (numba; its passes' `direct_applies` and `prefers_direct`): every 3x3 layer's forward and
  stride-1 input gradient below 64 channels or 12x12 outputs, and every weight gradient outside
  Winograd's stride-1 domain. ResNet-8's layers, b64 float32, forward / input gradient / weight
  gradient, ms, best of 9 on a machine loaded by other processes (load 2-3.6 on 2 cores), direct
  against the earlier pick: one thread, 3->16 32x32 0.96 / 1.02 / 0.72 against im2col 1.21 / 2.12
  / 1.64; 16->16 32x32 3.11 / 3.14 / 2.42 against 5.78 / 5.94 / 6.56; 16->32 stride 2 2.95 / 5.07
  / 3.38 against 4.08 / 4.81 / 3.97; 32->32 16x16 3.90 / 3.56 / 3.09 against 6.35 / 6.54 / 6.90;
  32->64 stride 2 3.27 / 6.16 / 2.75 against 3.72 / 3.93 / 3.45; 64->64 8x8 3.98 / 4.02 / 3.16
  against im2col_chwn 4.86 / 4.46 / 6.29 (in a quieter hour: 16->16 32x32 3.2 / 3.2 / 2.4 against
  5.7 / 5.6 / 6.3, the forward at 96-105 GFLOP/s). Two threads, the second core mostly busy:
  16->16 32x32 3.16 / 3.15 / 3.24 against 9.56 / 10.3 / 17.8; quiet, the direct kernels scale 1.7-2x
  (16->16 32x32 forward 1.8 ms, weight gradient 1.45). Strided input gradients stay with im2col
  at first (direct by stride phases tied it in a quiet hour: 16->32 3.8 ms, 32->64 2.8, b32 64->128
  56x56 41 against 42). Larger layers: b128 3->64 32x32 10.5 / 9.2 / 6.6 against 13.2 / 10.3 / 9.3,
  b128 32->32 32x32 22 / 22 / 16 against 33 / 33 / 36, but b32 64->128 56x56 stride 2 47 / 52 /
  34 against 43 / 45 / 44 (direct for its weight gradient only). float64 keeps the ratios (16->16
  32x32 6.4 / 6.4 / 4.3 against 10.3 / 10.3 / 10.8). Whole training steps, one thread, medians
  (loaded): ResNet-8 b64 76 ms against 112 without direct (PyTorch 66), ResNet-20 b64 219 against
  376 (PyTorch 182). Stride-2 input gradients later moved to direct too (the four-phase kernel, two
  threads, quiet: b64 16->32 32x32 2.8 ms against im2col's 4.2, b32 64->128 56x56 28 against 39), which
  took the whole numba ResNet-8 b64 step from 94 to 63-66 ms and ResNet-20 from 221 to 148-184 (each
  side in its own process): im2col's products woke OpenBLAS's workers, whose polling then took the
  second core from the direct kernels that followed. The large stride-2 layer's forward followed (b32 64->128 56x56,
  two threads, quiet: 21 ms against im2col's 26-28; its whole row 92 -> 147 GFLOP/s). Filters other than
  3x3 (stride 1) take direct for the weight gradient and for images above CHWN_MAX_PIXELS output
  pixels (b64 LeNet-5, forward / input gradient / weight gradient, ms: 1->6 28x28 pad 2 0.53 / 0.86
  / 0.58 against im2col's 1.36 / 6.06 / 1.80; 6->16 10x10 out 0.87 / 1.04 / 0.95 against
  im2col_chwn's 0.64 / 0.84 / 1.10, so chwn keeps that forward and input gradient).
- direct as register tiles (numba_kernels/conv_direct.py; on every CPU since they beat the earlier
  per-channel passes on AVX2 and AVX-512 alike), two threads, best of 15, forward / input gradient /
  weight gradient, ms, on a 2-core AVX2 EPYC: b32 64ch 56x56 59 / 59 / 54 against F(4x4)'s 99 / 118 /
  96, so direct takes 3x3 stride-1 layers up to 128 channels (128ch 28x28 58 / 57 / 50 against 57 / 47 /
  47, 256ch 14x14 60 / 59 / 61 against 41 / 44 / 45 stay Winograd's); LeNet-5's 6->16 10x10 out 0.79 /
  0.91 / 0.74 against im2col_chwn's 1.53 / 1.37 / 1.37 (5x5 direct at any size). On a 2-core AVX-512
  Xeon the same split holds (conv_passes.DIRECT_MAX_CHANNELS has both hosts' figures).
- direct with the channels in the lanes (numba_kernels/conv_lanes.py): inside `direct`, float32 3x3
  directions with up to 256 output pixels whose lane channels fill 64-channel tiles (stride 1, and
  stride 2 but its input gradient), on AVX-512 only; flat runs waste a fifth of their work on 8x8
  planes (two threads, 30 alternations, median forward / input gradient / weight gradient, ms: b64
  64ch 8x8 4.69 / 3.94 / 4.04 against 4.91 / 4.69 / 4.71, b128 6.31 / 6.64 / 6.52 against 7.57 /
  7.70 / 7.82; conv_lanes.MAX_PIXELS has the rest). Dilated layers up to 256 channels take them too,
  on any plane (the flat-run kernels take no dilation; im2col ran them at about 3x PyTorch's time):
  b8 256ch 33x33 dilation 2, forward + both gradients, 246 ms median against im2col's 342 and
  PyTorch's 280 (conv_passes.DILATED_MAX_CHANNELS).
Setting
DEEPGRAD_CONV_ALGO=measure instead times every applicable algorithm on the first call of each
(direction, shapes, arguments, dtype) and keeps the fastest for later calls, as cuDNN's benchmark mode does;
DEEPGRAD_CONV_ALGO=<name> forces one algorithm wherever it applies (for tests).

Extra memory per call (column matrices, Winograd tiles) stays under WORKSPACE_BYTES by processing the
batch in chunks: DEEPGRAD_CONV_WORKSPACE_MB, default 64 MB, large enough that chunks of a few samples
keep the products large, small enough that the buffers come from the allocator's heap rather
than fresh zero-filled pages every call.
"""
import os
import time

from ..array_kernels.conv_depthwise import is_depthwise
from . import conv_tap_products as tap_products

ALGORITHMS = ("pointwise", "depthwise", "direct", "winograd4", "winograd", "tap_products", "im2col_chwn", "im2col")
SMALL_COLUMN_BYTES = 2 ** 24
#: the batch-last layout only pays for its transposes on small images (LeNet's 10x10, ResNet's 8x8)
CHWN_MAX_PIXELS = 144
#: the cpu device's Winograd limits (the passes object of a device may carry its own, see `limits`)
WINOGRAD_MIN_CHANNELS = {"forward": 64, "grad_input": 64, "grad_weight": 64}
WINOGRAD_MIN_PIXELS = 144
WORKSPACE_BYTES = int(float(os.environ.get("DEEPGRAD_CONV_WORKSPACE_MB", "64")) * 2 ** 20)
#: im2col's batch chunks aim at this much memory touched (columns, padded input, output rows): a chunk
#: that stays in cache between the column copy and the product runs 1.1-1.6x faster than one chunk
#: of the whole workspace (b64 16ch 32x32: 5.3 / 8.0 / 5.9 ms against 8.1 / 12.0 / 8.5, one thread)
IM2COL_CHUNK_BYTES = 2 ** 22

#: depthwise convolutions go through their planes in chunks whose column matrices take about this much
DEPTHWISE_CHUNK_BYTES = 2 ** 22

_mode = os.environ.get("DEEPGRAD_CONV_ALGO", "heuristic")
_picked = {}   # key -> algorithm measured fastest


def im2col_chunk_bytes():
    """The memory one im2col batch chunk may touch: IM2COL_CHUNK_BYTES, never above WORKSPACE_BYTES."""
    return min(WORKSPACE_BYTES, IM2COL_CHUNK_BYTES)


def set_mode(mode):
    """Choose algorithms by 'heuristic', by 'measure' (timed once per shape), or force one of ALGORITHMS.

    Returns the previous mode. Raises ValueError naming the valid modes.
    """
    global _mode
    if mode not in ("heuristic", "measure") + ALGORITHMS:
        raise ValueError(f"conv algorithm mode {mode!r} is unknown; choose heuristic, measure or one of "
                         f"{', '.join(ALGORITHMS)}")
    previous, _mode = _mode, mode
    _picked.clear()
    return previous


def applicable(direction, x_shape, w_shape, stride, padding, dilation, groups, passes=None, dtype=None):
    """The algorithms that can compute this convolution, in order of preference (`direct` only where
    the device's `passes` have direct kernels for these arguments and `dtype`, `winograd4` only where
    they have F(4x4, 3x3) transforms for `dtype`)."""
    kh, kw = w_shape[2:]
    names = []
    if (kh, kw) == (1, 1) and tuple(padding) == (0, 0):
        names.append("pointwise")
    if is_depthwise(x_shape, w_shape, groups):
        names.append("depthwise")
    direct = getattr(passes, "direct_applies", None)
    if direct is not None and direct(w_shape, stride, padding, dilation, groups, dtype, direction, x_shape):
        names.append("direct")
    if ((kh, kw) == (3, 3) and tuple(stride) == (1, 1) and tuple(dilation) == (1, 1) and groups == 1
            and (direction != "grad_input" or max(padding) <= 2)):
        minimal4 = getattr(passes, "winograd4", None)
        if minimal4 is not None and dtype is not None and minimal4.applies(dtype):
            names.append("winograd4")
        names.append("winograd")
    if groups == 1 and direction != "grad_input":
        names.append("tap_products")
    return names + ["im2col_chwn", "im2col"]


def _column_bytes(x_shape, w_shape, out_hw, itemsize):
    return x_shape[0] * x_shape[1] * w_shape[2] * w_shape[3] * out_hw[0] * out_hw[1] * itemsize


def limits(passes):
    """(min channels per direction, min output pixels) of Winograd for a device's `passes` object."""
    return (getattr(passes, "winograd_min_channels", WINOGRAD_MIN_CHANNELS),
            getattr(passes, "winograd_min_pixels", WINOGRAD_MIN_PIXELS))


def heuristic(names, x_shape, w_shape, out_hw=None, itemsize=4, direction="forward", passes=None, stride=(1, 1),
              dilation=(1, 1)):
    """The rule's pick among the applicable `names` (out_hw: the output's (Ho, Wo), for the im2col layout;
    `passes`: the device's conv passes, whose Winograd limits apply)."""
    min_channels, min_pixels = limits(passes)
    for name in names:
        if name == "direct" and not passes.prefers_direct(direction, x_shape, w_shape, out_hw, stride, tuple(dilation)):
            continue
        if name == "winograd4" and not passes.prefers_winograd4(direction, x_shape, w_shape, out_hw):
            continue
        if name == "winograd" and (min(x_shape[1], w_shape[0]) < min_channels[direction] or out_hw is None
                                   or out_hw[0] * out_hw[1] < min_pixels):
            continue
        if name == "tap_products" and (out_hw is None or not tap_products.prefers(direction, x_shape, w_shape, out_hw)):
            continue
        if name == "im2col_chwn" and (out_hw is None or out_hw[0] * out_hw[1] > CHWN_MAX_PIXELS or max(stride) > 1
                                      or _column_bytes(x_shape, w_shape, out_hw, itemsize) >= SMALL_COLUMN_BYTES):
            continue
        return name
    return "im2col"


def choose(direction, run, x_shape, w_shape, out_hw, stride, padding, dilation, groups, dtype, passes=None):
    """The algorithm for this call; `run(name)` computes the result with one (used when measuring).

    Returns (name, result or None): a measured first call hands back the result it already computed.
    """
    names = applicable(direction, x_shape, w_shape, stride, padding, dilation, groups, passes, dtype)
    rule = heuristic(names, x_shape, w_shape, out_hw, dtype.itemsize, direction, passes, tuple(stride), tuple(dilation))
    if _mode in ALGORITHMS:
        return (_mode if _mode in names else rule), None
    if _mode == "heuristic":
        return rule, None
    key = (direction, tuple(x_shape), tuple(w_shape), tuple(stride), tuple(padding), tuple(dilation), groups, dtype,
           type(passes))
    if key in _picked:
        return _picked[key], None
    timings = []
    for name in names:
        start = time.perf_counter()
        result = run(name)
        timings.append((time.perf_counter() - start, name, result))
    _, best, result = min(timings, key=lambda t: t[0])
    _picked[key] = best
    return best, result
