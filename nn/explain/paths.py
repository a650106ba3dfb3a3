"""Gradients of the explained scores at many points per example (the straight-line path of Integrated
Gradients, the noisy copies of SmoothGrad), computed in batches of at most `batch_size` points."""
import numpy as np

import autograd as ag

from .scores import score_gradients


def check_batch_size(batch_size, who):
    """`batch_size` as a positive int (the most points one forward/backward pass may hold)."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"{who}: batch_size must be a positive int (points per forward pass), got {batch_size!r}")
    return int(batch_size)


def accumulate(model, inputs, picked, count, make_points, reduce, batch_size, who):
    """sum over j < count of reduce(d score / d input at make_points(examples, js)), per example.

    make_points(rows, js) gets the example rows (a slice) and the point indices js (an int array of k
    values) and returns a Tensor (k, m, ...) of points for those m examples; reduce(grads, js) turns the
    gradients (k, m, ...) into their contribution (m, ...). The result is a Tensor shaped as inputs, on
    their device.
    """
    n = inputs.shape[0]
    per_pass = max(1, batch_size // n) if n <= batch_size else 1
    rows_per_pass = min(n, batch_size)
    parts = []
    for start in range(0, n, rows_per_pass):
        rows = slice(start, min(n, start + rows_per_pass))
        m = rows.stop - rows.start
        shape = tuple(inputs.shape[1:])
        total = None
        for first in range(0, count, per_pass):
            js = np.arange(first, min(count, first + per_pass))
            points = make_points(rows, js).reshape((len(js) * m,) + shape)
            targets = None if picked is None else np.tile(picked[rows], len(js))
            grads = score_gradients(model, points, targets, who).reshape((len(js), m) + shape)
            part = reduce(grads, js)
            total = part if total is None else total + part
        parts.append(total)
    return parts[0] if len(parts) == 1 else ag.cat(parts, 0)


def along_batch(values, ndim, like):
    """A NumPy vector (k,) as a Tensor (k, 1, ..., 1) of `ndim` dimensions with the dtype and device of `like`."""
    return ag.tensor(np.asarray(values, dtype=like.dtype).reshape((-1,) + (1,) * (ndim - 1)), device=like.device)
