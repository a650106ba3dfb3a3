"""F.pad: constant, reflect, replicate and circular padding, with PyTorch's pad tuple (last dimension first).

Every mode is a composite of slices, flips, broadcasts and concatenations, so gradients need no code
of their own. Negative pads crop, as in PyTorch: the input is cropped first, then padded.
"""
import numbers

import autograd as ag
from autograd import autocast_state as autocast
from autograd.function import named
from autograd.ops.dims import check_tensor
from autograd.errors import ArgumentRangeError, ShapeError, UnsupportedDtypeError, UnsupportedError

MODES = ("constant", "reflect", "replicate", "circular")
_NON_CONSTANT_RANKS = {1: (2, 3), 2: (3, 4), 3: (4, 5)}


def _slice(x, dim, start, stop, step=1):
    index = (slice(None),) * dim + (slice(start, stop, step),)
    return x[index]


def _side(x, dim, count, mode, before):
    """The `count` values that pad dimension `dim` of x on one side (before or after) in `mode`."""
    n = x.shape[dim]
    if mode == "reflect":   # mirrored about the edge element, which is not repeated
        stop = n - 2 - count
        return _slice(x, dim, count, 0, -1) if before else _slice(x, dim, n - 2, stop if stop >= 0 else None, -1)
    if mode == "circular":  # the far end of the dimension
        return _slice(x, dim, n - count, n) if before else _slice(x, dim, 0, count)
    edge = _slice(x, dim, 0, 1) if before else _slice(x, dim, n - 1, n)
    shape = list(x.shape)
    shape[dim] = count
    return ag.broadcast_to(edge, tuple(shape))


def _check(input, pad, mode, value):
    op = "pad"
    check_tensor(op, input)
    if not isinstance(pad, (tuple, list)) or not all(
            isinstance(p, numbers.Integral) and not isinstance(p, bool) for p in pad):
        raise TypeError(f"{op}: pad must be a tuple of ints (left, right, top, bottom, ...), got {pad!r}")
    if len(pad) % 2:
        raise ShapeError(f"{op}: the pad tuple {tuple(pad)} has an odd length; it needs a (before, after) pair "
                         "per padded dimension, last dimension first")
    if len(pad) // 2 > input.ndim:
        raise ShapeError(f"{op}: the pad tuple {tuple(pad)} pads {len(pad) // 2} dimensions, but the input has "
                         f"only {input.ndim} (shape {input.shape}); give at most {2 * input.ndim} pads")
    if mode not in MODES:
        raise UnsupportedError(f"{op}: mode must be one of {MODES}, got {mode!r}")
    if mode != "constant":
        if value is not None and value != 0:
            raise ArgumentRangeError(f"{op}: mode {mode!r} takes no value argument (got value={value!r}); it applies "
                                     "only to mode 'constant'")
        dims = len(pad) // 2
        ranks = _NON_CONSTANT_RANKS.get(dims)
        if ranks is None or input.ndim not in ranks:
            supported = "; ".join(f"{k} dims on a {a}-D or {b}-D input" for k, (a, b) in _NON_CONSTANT_RANKS.items())
            raise UnsupportedError(f"{op}: mode {mode!r} with a pad tuple of length {len(pad)} does not take a "
                             f"{input.ndim}-D input (shape {input.shape}); it pads the last {supported}")
        batched = input.ndim == dims + 2
        if any(n == 0 for n in input.shape[1 if batched else 0:]):
            raise ShapeError(f"{op}: mode {mode!r} needs every dimension but the batch one to be non-empty, got "
                             f"input shape {input.shape}")
        if mode in ("reflect", "replicate") and input.dtype == bool:   # PyTorch has no bool kernel for these two
            raise UnsupportedDtypeError(f"{op}: mode {mode!r} does not take a bool tensor (shape {input.shape}), as "
                                        "in PyTorch; convert it with .to(torch.uint8) and back with .bool(), or use "
                                        "mode 'circular' or 'constant'")


def pad(input, pad, mode="constant", value=None):
    """Pad (or, with negative amounts, crop) the last len(pad) // 2 dimensions of `input`.

    `pad` lists (before, after) amounts starting from the last dimension: (left, right) pads the last
    dimension, (left, right, top, bottom) the last two, and so on. Modes: 'constant' (fill with
    `value`, default 0; any number of dimensions), 'reflect' (mirror about the edge, the edge not
    repeated), 'replicate' (repeat the edge), 'circular' (wrap around); the last three pad 1, 2 or 3
    trailing dimensions of a tensor with one or two leading (batch, channel) dimensions.
    """
    if autocast.active and autocast.state.casting and mode in _AUTOCAST_OPS:   # ag.autocast (autograd/amp)
        return autocast.run(_AUTOCAST_OPS[mode], _pad, input, pad, mode, value)
    _check(input, pad, mode, value)
    x = input
    pairs = [(int(pad[2 * k]), int(pad[2 * k + 1])) for k in range(len(pad) // 2)]
    for k, (before, after) in enumerate(pairs):
        dim = x.ndim - 1 - k
        n = x.shape[dim]
        if n + min(before, 0) + min(after, 0) < 0:
            raise ShapeError(f"pad: pads ({before}, {after}) crop more than dimension {dim} holds (size {n}, "
                             f"input shape {input.shape})")
        if before < 0 or after < 0:
            x = _slice(x, dim, max(-before, 0), n - max(-after, 0))
    if mode == "constant":
        widths = [(0, 0)] * x.ndim
        for k, (before, after) in enumerate(pairs):
            widths[x.ndim - 1 - k] = (max(before, 0), max(after, 0))
        if all(w == (0, 0) for w in widths):
            return named(x, "ConstantPadNdBackward0") if x is not input else input[...]
        return named(ag.pad(x, tuple(widths), 0 if value is None else value), "ConstantPadNdBackward0")
    for k, (before, after) in enumerate(pairs):
        dim = x.ndim - 1 - k
        n = x.shape[dim]
        before, after = max(before, 0), max(after, 0)
        if not before and not after:
            continue
        if n == 0:
            raise ValueError(f"pad: mode {mode!r} cannot pad dimension {dim}: the negative pads cropped it to size 0 "
                             f"(input shape {input.shape})")
        if mode == "reflect" and max(before, after) >= n:
            raise ShapeError(f"pad: reflect pads ({before}, {after}) of dimension {dim} must be smaller than its size "
                             f"{n} (input shape {input.shape}); use mode 'replicate' or a smaller pad")
        if mode == "circular" and max(before, after) > n:
            raise ShapeError(f"pad: circular pads ({before}, {after}) of dimension {dim} wrap around more than "
                             f"once (its size is {n}, input shape {input.shape}); use a pad <= {n}")
        parts = ([_side(x, dim, before, mode, True)] if before else []) + [x] + (
            [_side(x, dim, after, mode, False)] if after else [])
        x = ag.concatenate(parts, axis=dim)
    if x is not input and mode in ("reflect", "replicate"):   # PyTorch's one node per mode and padded rank
        x = named(x, f"{'Reflection' if mode == 'reflect' else 'Replication'}Pad{len(pairs)}DBackward0")
    elif x is not input and mode == "circular":   # PyTorch copies the wrapped parts into slices of its output
        x = named(x, "torch::autograd::CopySlices")
    return x


_pad = pad   # the function, for its autocast guard (inside it `pad` names the amounts)
#: the PyTorch ops behind pad's modes that autocast lists (float32 on cpu)
_AUTOCAST_OPS = {"reflect": "reflection_pad", "replicate": "replication_pad"}
