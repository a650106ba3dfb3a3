"""The sum PyTorch's CPU nll_loss takes of its per-sample losses, for the 16-bit float dtypes.

Its kernel adds in the input's own dtype (rounding after every addition) through eight levels of partial sums:
level 0 takes each kept sample in turn; at a kept sample whose index b is a multiple of 16, level 0 is emptied into
level 1 (after that sample is added), at a multiple of 256 level 1 into level 2 as well, and so on up to level 7;
the result adds levels 0 to 7 in order (the step stays 16 for any realistic count: measured at 600,000 samples).
Ignored samples are skipped altogether (no addition, no emptying). In bfloat16 this differs from a float sum rounded
once by an ulp or more (cross_entropy of GPT-size logits printed 11.000 where PyTorch prints 10.938), so the reduced
loss is summed this way on the host devices: by `CascadeSum`, the node nll_loss's composite sums with (which
F.cross_entropy of 16-bit logits runs), and by the fused CrossEntropy when it is called directly.
"""
import numpy as np

from ..function import Function

_LEVELS = 8
_STEP = 16


def _rounded_add(acc, values, dtype):
    """acc + values elementwise in float32, rounded to `dtype` (as one addition of two 16-bit floats)."""
    return (acc + values).astype(dtype).astype(np.float32)


def _grouped_sums(values, closes, dtype):
    """Sequential in-dtype sums of the runs of `values` that each end at a True in `closes`, and the sum of the
    run after the last one (0 when none): the runs as rows, padded with zeros, which leave a sum unchanged."""
    group = np.concatenate(([0], np.cumsum(closes)[:-1])) if len(values) else np.zeros(0, np.int64)
    n_groups = int(group[-1]) + 1 if len(values) else 1
    starts = np.searchsorted(group, np.arange(n_groups))
    position = np.arange(len(values)) - starts[group]
    width = int(position.max()) + 1 if len(values) else 0
    rows = np.zeros((n_groups, width), np.float32)
    rows[group, position] = values
    acc = np.zeros(n_groups, np.float32)
    for column in rows.T:
        acc = _rounded_add(acc, column, dtype)
    n_closed = int(np.count_nonzero(closes))
    return acc[:n_closed], (acc[n_closed] if n_closed < n_groups else np.float32(0))


def cascade_sum(values, kept, dtype):
    """The sum of the 1-D `values` at the positions where `kept` is True, as PyTorch's CPU nll_loss forms it in
    `dtype` (bfloat16 or float16); a 0-d array of `dtype`."""
    index = np.flatnonzero(kept)
    items = np.asarray(values, dtype=dtype)[index].astype(np.float32)
    leftovers = []
    for level in range(_LEVELS - 1):
        closes = index % (_STEP ** (level + 1)) == 0
        items, leftover = _grouped_sums(items, closes, dtype)
        leftovers.append(leftover)
        index = index[closes]
    leftovers.append(_grouped_sums(items, np.zeros(len(items), bool), dtype)[1])   # level 7 is never emptied
    total = np.float32(0)
    for leftover in leftovers:
        total = _rounded_add(total, np.float32(leftover), dtype)
    return np.asarray(total).astype(dtype)


class CascadeSum(Function):
    """The sum of a 1-D bfloat16/float16 tensor at the positions `kept` marks, as PyTorch's CPU nll_loss forms its
    loss and weight sums (see cascade_sum); its gradient reaches every position unchanged (the caller zeroes the
    values it does not keep). A float32 (or other) input is summed plainly."""

    op_name = "sum"
    torch_name = "SumBackward0"

    def forward(ctx, values, kept):
        ctx.size = values.shape
        half = getattr(ctx, "half_in", (None,))[0]   # the half form ran: values hold 16-bit numbers in float32
        if half is None or not ctx.device.host_memory:
            return values.sum(dtype=values.dtype)
        return cascade_sum(values, kept, half).astype(values.dtype)

    def backward(ctx, g):
        return ctx.xp.broadcast_to(g, ctx.size).copy(), None
