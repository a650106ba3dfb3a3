"""Which algorithm computes a convolution of a given shape on the CPU, and how much memory it may use.

Algorithms (each in its own module): `pointwise` (1x1, no padding: one product per sample, no copies),
`depthwise` (one filter per channel: per-plane column matrices, or compiled kernels on numba), `winograd` (3x3, stride 1,
dilation 1, groups 1: F(2x2, 3x3), 2.25x fewer multiplications), and im2col for everything else:
`im2col_chwn` (batch-last layout, one product) while the whole column matrix is under
SMALL_COLUMN_BYTES, `im2col` (NCHW, no transposes, batch chunks) above.

The rule (`heuristic`) picks the first of those that applies, except that Winograd needs, for the
input gradient, padding at most 2, and a large enough layer: at least `min_channels[direction]` input
and output channels and `min_pixels` output pixels, limits that come with the device's passes (below
them the tile transforms, passes over memory, cost more than the multiplications they save).
Measured with one thread (forward / input gradient / weight gradient, ms):
- cpu (NumPy transforms): b128 32ch 32x32 Winograd 50 / 43 / 61, im2col 42 / 62 / 45, so at 32
  channels only the input gradient (whose im2col pays for col2im) takes Winograd; 64 channels and up
  take it everywhere (b32 256ch 14x14: 57 / 58 / 65 against 73 / 96 / 77); ResNet-8's 32ch 16x16 and
  64ch 8x8 layers stay with im2col.
- numba (compiled transforms): Winograd wins from 16 channels and 8x8 outputs: b64 16ch 32x32
  5.9 / 6.3 / 7.2 against im2col's 8.8 / 10.3 / 9.0, b64 64ch 8x8 3.3 / 3.3 / 3.9 against 4.0 / 4.3 / 4.5.
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

ALGORITHMS = ("pointwise", "depthwise", "winograd", "im2col_chwn", "im2col")
SMALL_COLUMN_BYTES = 2 ** 24
#: the cpu device's Winograd limits (the passes object of a device may carry its own, see `limits`)
WINOGRAD_MIN_CHANNELS = {"forward": 64, "grad_input": 32, "grad_weight": 64}
WINOGRAD_MIN_PIXELS = 144
WORKSPACE_BYTES = int(float(os.environ.get("DEEPGRAD_CONV_WORKSPACE_MB", "64")) * 2 ** 20)

#: depthwise convolutions go through their planes in chunks whose column matrices take about this much
DEPTHWISE_CHUNK_BYTES = 2 ** 22

_mode = os.environ.get("DEEPGRAD_CONV_ALGO", "heuristic")
_picked = {}   # key -> algorithm measured fastest


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


def applicable(direction, x_shape, w_shape, stride, padding, dilation, groups):
    """The algorithms that can compute this convolution, in order of preference."""
    kh, kw = w_shape[2:]
    names = []
    if (kh, kw) == (1, 1) and tuple(padding) == (0, 0):
        names.append("pointwise")
    if is_depthwise(x_shape, w_shape, groups):
        names.append("depthwise")
    if ((kh, kw) == (3, 3) and tuple(stride) == (1, 1) and tuple(dilation) == (1, 1) and groups == 1
            and (direction != "grad_input" or max(padding) <= 2)):
        names.append("winograd")
    return names + ["im2col_chwn", "im2col"]


def _column_bytes(x_shape, w_shape, out_hw, itemsize):
    return x_shape[0] * x_shape[1] * w_shape[2] * w_shape[3] * out_hw[0] * out_hw[1] * itemsize


def limits(passes):
    """(min channels per direction, min output pixels) of Winograd for a device's `passes` object."""
    return (getattr(passes, "winograd_min_channels", WINOGRAD_MIN_CHANNELS),
            getattr(passes, "winograd_min_pixels", WINOGRAD_MIN_PIXELS))


def heuristic(names, x_shape, w_shape, out_hw=None, itemsize=4, direction="forward", passes=None):
    """The rule's pick among the applicable `names` (out_hw: the output's (Ho, Wo), for the im2col layout;
    `passes`: the device's conv passes, whose Winograd limits apply)."""
    min_channels, min_pixels = limits(passes)
    for name in names:
        if name == "winograd" and (min(x_shape[1], w_shape[0]) < min_channels[direction] or out_hw is None
                                   or out_hw[0] * out_hw[1] < min_pixels):
            continue
        if name == "im2col_chwn" and (out_hw is None or _column_bytes(x_shape, w_shape, out_hw, itemsize)
                                      >= SMALL_COLUMN_BYTES):
            continue
        return name
    return "im2col"


def choose(direction, run, x_shape, w_shape, out_hw, stride, padding, dilation, groups, dtype, passes=None):
    """The algorithm for this call; `run(name)` computes the result with one (used when measuring).

    Returns (name, result or None): a measured first call hands back the result it already computed.
    """
    names = applicable(direction, x_shape, w_shape, stride, padding, dilation, groups)
    rule = heuristic(names, x_shape, w_shape, out_hw, dtype.itemsize, direction, passes)
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
