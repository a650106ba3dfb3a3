"""The order PyTorch's CPU topk leaves its results in: it selects with the C++ standard library (libstdc++'s
partial_sort when k * 64 <= n, else nth_element and, for sorted=True, sort of the first k - 1), whose choices
among equal values (and, with sorted=False, the order of the k picked) follow from these algorithms step by step.
They are written here over (value, index) pairs for the rows where that order is not the plain sorted one: rows
with ties, and every row with sorted=False, up to EMULATED_ELEMENTS elements in all (beyond it, the plain
stable order). NaN counts as larger than any number, as in PyTorch."""
import math

import numpy as np

from .torch_quickselect import EMULATED_ELEMENTS

_THRESHOLD = 16   # libstdc++'s size below which sort finishes with insertion sort


def _comparator(largest):
    if largest:
        return lambda x, y: (math.isnan(x) and not math.isnan(y)) or x > y
    return lambda x, y: (not math.isnan(x) and math.isnan(y)) or x < y


class _Run:
    """One row's (value, index) pairs and libstdc++'s algorithms over them, `before(x, y)` the strict order."""

    def __init__(self, values, largest):
        self.a = [(v, i) for i, v in enumerate(values)]
        self.before = _comparator(largest)

    def less(self, i, j):
        return self.before(self.a[i][0], self.a[j][0])

    def swap(self, i, j):
        self.a[i], self.a[j] = self.a[j], self.a[i]

    # -- heaps (make_heap, pop_heap, sort_heap, heap_select) --
    def push_heap(self, first, hole, top, item):
        parent = (hole - 1) // 2
        while hole > top and self.before(self.a[first + parent][0], item[0]):
            self.a[first + hole] = self.a[first + parent]
            hole, parent = parent, (parent - 1) // 2
        self.a[first + hole] = item

    def adjust_heap(self, first, hole, length, item):
        top, child = hole, hole
        while child < (length - 1) // 2:
            child = 2 * (child + 1)
            if self.less(first + child, first + child - 1):
                child -= 1
            self.a[first + hole] = self.a[first + child]
            hole = child
        if length % 2 == 0 and child == (length - 2) // 2:
            child = 2 * (child + 1)
            self.a[first + hole] = self.a[first + child - 1]
            hole = child - 1
        self.push_heap(first, hole, top, item)

    def make_heap(self, first, last):
        length = last - first
        if length < 2:
            return
        parent = (length - 2) // 2
        while True:
            self.adjust_heap(first, parent, length, self.a[first + parent])
            if parent == 0:
                return
            parent -= 1

    def pop_heap(self, first, last, result):
        item = self.a[result]
        self.a[result] = self.a[first]
        self.adjust_heap(first, 0, last - first, item)

    def heap_select(self, first, middle, last):
        self.make_heap(first, middle)
        for i in range(middle, last):
            if self.less(i, first):
                self.pop_heap(first, middle, i)

    def sort_heap(self, first, last):
        while last - first > 1:
            last -= 1
            self.pop_heap(first, last, last)

    def partial_sort(self, first, middle, last):
        self.heap_select(first, middle, last)
        self.sort_heap(first, middle)

    # -- quicksort pieces --
    def median_to_first(self, result, a, b, c):
        if self.less(a, b):
            if self.less(b, c):
                self.swap(result, b)
            elif self.less(a, c):
                self.swap(result, c)
            else:
                self.swap(result, a)
        elif self.less(a, c):
            self.swap(result, a)
        elif self.less(b, c):
            self.swap(result, c)
        else:
            self.swap(result, b)

    def unguarded_partition(self, first, last, pivot):
        while True:
            while self.less(first, pivot):
                first += 1
            last -= 1
            while self.less(pivot, last):
                last -= 1
            if not first < last:
                return first
            self.swap(first, last)
            first += 1

    def partition_pivot(self, first, last):
        mid = first + (last - first) // 2
        self.median_to_first(first, first + 1, mid, last - 1)
        return self.unguarded_partition(first + 1, last, first)

    def linear_insert(self, last):
        item = self.a[last]
        prev = last - 1
        while self.before(item[0], self.a[prev][0]):
            self.a[last] = self.a[prev]
            last, prev = prev, prev - 1
        self.a[last] = item

    def insertion_sort(self, first, last):
        if first == last:
            return
        for i in range(first + 1, last):
            if self.less(i, first):
                item = self.a[i]
                self.a[first + 1:i + 1] = self.a[first:i]
                self.a[first] = item
            else:
                self.linear_insert(i)

    def introsort_loop(self, first, last, depth):
        while last - first > _THRESHOLD:
            if depth == 0:
                self.partial_sort(first, last, last)
                return
            depth -= 1
            cut = self.partition_pivot(first, last)
            self.introsort_loop(cut, last, depth)
            last = cut

    def sort(self, first, last):
        if first == last:
            return
        self.introsort_loop(first, last, 2 * _log2(last - first))
        if last - first > _THRESHOLD:
            self.insertion_sort(first, first + _THRESHOLD)
            for i in range(first + _THRESHOLD, last):
                self.linear_insert(i)
        else:
            self.insertion_sort(first, last)

    def nth_element(self, first, nth, last):
        if first == last or nth == last:
            return
        depth = 2 * _log2(last - first)
        while last - first > 3:
            if depth == 0:
                self.heap_select(first, nth + 1, last)
                self.swap(first, nth)
                return
            depth -= 1
            cut = self.partition_pivot(first, last)
            if cut <= nth:
                first = cut
            else:
                last = cut
        self.insertion_sort(first, last)


def _log2(n):
    return n.bit_length() - 1


def row_topk(values, k, largest, sorted):
    """The indices PyTorch's CPU topk returns for one row (a list of Python numbers), in its order."""
    run, n = _Run(values, largest), len(values)
    if k == 0:
        return []
    if k * 64 <= n:
        run.partial_sort(0, k, n)
    else:
        run.nth_element(0, k - 1, n)
        if sorted:
            run.sort(0, k - 1)
    return [i for _, i in run.a[:k]]


def topk_indices(xp, a, k, largest, sorted, stable_order):
    """(..., k) int64 indices of `a`'s top k along its last axis in PyTorch's order; `stable_order` is the plain
    stable order (best first), which PyTorch's agrees with on sorted rows whose k + 1 best values are distinct."""
    picked = stable_order[..., :k]
    n = a.shape[-1]
    if k == 0 or n == 0:
        return picked
    if sorted:
        lead = xp.take_along_axis(a, stable_order[..., :min(k + 1, n)], axis=-1)
        same = lead[..., 1:] == lead[..., :-1]
        if a.dtype.kind in "fc":
            same = same | (xp.isnan(lead[..., 1:]) & xp.isnan(lead[..., :-1]))
        rows = same.any(axis=-1)
    else:
        rows = xp.ones(a.shape[:-1], bool)
    flat_rows = np.asarray(rows if xp is np else xp.asnumpy(rows)).reshape(-1)
    if not flat_rows.any() or np.count_nonzero(flat_rows) * n > EMULATED_ELEMENTS:
        return picked
    host = np.asarray(a if xp is np else xp.asnumpy(a)).reshape(-1, n)
    chosen = np.array(picked if xp is np else xp.asnumpy(picked)).reshape(-1, k)
    for r in np.flatnonzero(flat_rows):
        chosen[r] = row_topk(host[r].tolist(), k, largest, sorted)
    return xp.asarray(chosen.reshape(picked.shape).astype(np.int64))
