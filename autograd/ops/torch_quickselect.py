"""PyTorch's CPU kthvalue selection (the TH quickselect: median-of-three pivot, Sedgewick's partition), run on
the rows where the k-th value is tied, so that kthvalue returns the index PyTorch returns among equal values;
NaN counts as larger than any number, as in PyTorch."""
import functools
import math

import numpy as np

#: the most elements (tied rows x row length) whose order is worked out here, one Python step per comparison;
#: above it the ties keep the plain stable order, so a large tied input (masked -inf logits) stays fast
EMULATED_ELEMENTS = 1 << 15


def _above(x, y):
    """PyTorch's gt_or_nan: x sorts after y (a NaN after any number)."""
    return (math.isnan(x) and not math.isnan(y)) or x > y


def _selected_index(values, k):
    """The position in `values` (a list of Python numbers) that PyTorch's quickselect leaves at sorted place k."""
    vals, idx = list(values), list(range(len(values)))

    def swap(a, b):
        vals[a], vals[b] = vals[b], vals[a]
        idx[a], idx[b] = idx[b], idx[a]

    low, high = 0, len(vals) - 1
    while high > low:
        if high == low + 1:
            if _above(vals[low], vals[high]):
                swap(low, high)
            break
        swap((low + high) >> 1, low + 1)
        if _above(vals[low + 1], vals[high]):
            swap(low + 1, high)
        if _above(vals[low], vals[high]):
            swap(low, high)
        if _above(vals[low + 1], vals[low]):
            swap(low + 1, low)
        i, j, pivot = low + 1, high, vals[low]
        while True:
            i += 1
            while _above(pivot, vals[i]):
                i += 1
            j -= 1
            while _above(vals[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(low, j)
        if j <= k:
            low = i
        if j >= k:
            high = j - 1
    return idx[k]


def kth_indices(xp, a, k):
    """The int64 index along the last axis of `a` of each row's k-th smallest value (k from 0), with PyTorch's
    choice among ties; kept as a length-1 last axis."""
    order = xp.argsort(a, axis=-1, kind="stable")
    ranked = xp.take_along_axis(a, order, axis=-1)
    picked = order[..., k:k + 1].astype(np.int64)
    n = a.shape[-1]
    mine = ranked[..., k]
    tied = xp.zeros(mine.shape, bool)
    for other in (k - 1, k + 1):
        if 0 <= other < n:
            near = ranked[..., other]
            same = near == mine
            if a.dtype.kind in "fc":
                same = same | (xp.isnan(near) & xp.isnan(mine))
            tied = tied | same
    flat_tied = np.asarray(tied if xp is np else xp.asnumpy(tied)).reshape(-1)
    if not flat_tied.any() or np.count_nonzero(flat_tied) * n > EMULATED_ELEMENTS:
        return picked
    host = np.asarray(a if xp is np else xp.asnumpy(a)).reshape(-1, n)
    chosen = np.asarray(picked if xp is np else xp.asnumpy(picked)).reshape(-1).copy()
    for row in np.flatnonzero(flat_tied):
        chosen[row] = _selected_index(host[row].tolist(), k)
    return xp.asarray(chosen.reshape(picked.shape))


@functools.lru_cache(maxsize=256)
def all_equal_nth_element_first(n):
    """The index that std::nth_element (libstdc++'s introselect, which PyTorch's CPU nanmedian calls with nth at
    the front) leaves first in a row of n elements that all compare equivalent: a row of NaNs, whose nanmedian
    index PyTorch takes from there."""
    order, first, last = list(range(n)), 0, n
    while last - first > 3:
        # the median-of-three of equivalent elements is the middle one, moved to the front; the partition then
        # swaps pairs inwards from both ends until they meet, and the range keeps the front part
        mid = first + (last - first) // 2
        order[first], order[mid] = order[mid], order[first]
        lo, hi = first + 1, last - 1
        while lo < hi:
            order[lo], order[hi] = order[hi], order[lo]
            lo, hi = lo + 1, hi - 1
        last = lo
    return order[first]
