"""Getting and setting with every kind of index (ints, slices, None, Ellipsis, integer tensors, masks, lists,
0-d tensors and their mixtures) and values (numbers, 0-d and 1-D tensors) over four dtypes."""
import random

import numpy as np

import autograd as ag

from .compare import compared

BASE = np.arange(60).reshape(3, 4, 5)
INDEXES = (lambda m: (1,), lambda m: (slice(None), 2), lambda m: (slice(1, None, 2), slice(None, -1)),
           lambda m: (m.tensor([0, 2, 2]),), lambda m: (m.tensor([[0, 1], [2, 0]]), slice(None), m.tensor([1, 4])),
           lambda m: (Ellipsis, m.tensor([True, False, True, False, True])), lambda m: (None, 1, Ellipsis, 2),
           lambda m: (m.tensor(BASE % 7 == 0),), lambda m: ([0, 1], [1, 2]), lambda m: (slice(None), [3, 0]),
           lambda m: (m.tensor([1, 1, 0]), m.tensor([0, 0, 3])), lambda m: (1, slice(None), m.tensor([0, 4, 4])),
           lambda m: (m.tensor(2),), lambda m: (m.tensor([0, 2]), 1, m.tensor([1, 3])))
VALUES = (lambda m: 7, lambda m: 2.75, lambda m: m.tensor(3.5), lambda m: True, lambda m: m.tensor(-1))


def _program(lib, index, value, dtype):
    x = lib.tensor(BASE).to(getattr(lib, dtype))
    picked = x[index(lib)]
    x[index(lib)] = value(lib)
    return x, picked


def lines(torch):
    """What differs, one line each."""
    found = []
    for (i, index), (v, value), dtype in [(iv, vv, d) for iv in enumerate(INDEXES) for vv in enumerate(VALUES)
                                          for d in ("int64", "float32", "uint8", "bool")]:
        found += compared(f"index {i}, value {v}, {dtype}", lambda: _program(torch, index, value, dtype),
                          lambda: _program(ag, index, value, dtype))
    return found
