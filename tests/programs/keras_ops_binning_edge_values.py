"""A Keras program, written for Keras 3: keras.ops' binning, search and cleaning functions fed the awkward
values real data has: histogram with a range that excludes points and on float64 input, searchsorted on ties
with side left and right and on integer arrays, digitize with edges out of range and NaN, argsort and sort on ties
and NaN along both axes, top_k with ties and sorted=False, in_top_k with tied scores, nan_to_num with custom
replacements, segment_sum / segment_max with empty segments and num_segments, bincount with weights and
minlength, unique-like counts through ops, and clip / round half to even. The inputs are fixed NumPy arrays, so
real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import ops


def fmt(a, digits=5):
    value = ops.convert_to_numpy(a)
    return np.round(value.astype("float64"), digits).tolist() if value.dtype.kind == "f" else value.tolist()


def main():
    data = np.array([0.1, 0.5, 0.5, 2.0, -1.0, 3.5, 0.99, 1.0], "float32")
    counts, edges = ops.histogram(data, bins=4, range=(0.0, 2.0))
    print("histogram range", fmt(counts), fmt(edges))
    counts, edges = ops.histogram(data, bins=3)
    print("histogram default", fmt(counts), fmt(edges))
    counts, edges = ops.histogram(np.array([1.0, 2.0, 2.0, 3.0, 7.0], "float64"), bins=3, range=(1.0, 4.0))
    print("histogram float64", fmt(counts), fmt(edges), ops.convert_to_numpy(edges).dtype.name)

    sorted_seq = np.array([1.0, 2.0, 2.0, 2.0, 5.0], "float32")
    probes = np.array([0.0, 2.0, 3.0, 5.0, 9.0], "float32")
    print("searchsorted left", fmt(ops.searchsorted(sorted_seq, probes)),
          keras.backend.standardize_dtype(ops.searchsorted(sorted_seq, probes).dtype))
    print("searchsorted right", fmt(ops.searchsorted(sorted_seq, probes, side="right")))
    print("searchsorted ints", fmt(ops.searchsorted(np.array([1, 3, 3, 8], "int32"), np.array([3, 4, 9], "int32"))))
    bins = np.array([0.0, 1.0, 2.5, 4.0], "float32")
    print("digitize", fmt(ops.digitize(np.array([-3.0, 0.0, 1.0, 2.4, 2.5, 4.0, 9.0], "float32"), bins)))

    tied = np.array([[3.0, 1.0, 3.0, 2.0, 1.0], [0.5, 0.5, -1.0, 0.5, 2.0]], "float32")
    print("argsort ties", fmt(ops.argsort(tied)), fmt(ops.argsort(tied, axis=0)))
    print("sort neg", fmt(ops.sort(-tied, axis=-1)))
    values, indices = ops.top_k(tied, k=3)
    print("top_k ties", fmt(values), fmt(indices))
    values, indices = ops.top_k(tied[0], k=2, sorted=True)
    print("top_k 1d", fmt(values), fmt(indices))
    print("in_top_k", fmt(ops.in_top_k(np.array([1, 0]), tied, k=2)), fmt(ops.in_top_k(np.array([4, 2]), tied, k=3)))

    messy = np.array([np.nan, np.inf, -np.inf, 1.5, -0.0], "float32")
    print("nan_to_num", fmt(ops.nan_to_num(messy)))
    print("nan_to_num custom", fmt(ops.nan_to_num(messy, nan=-1.0, posinf=9.0, neginf=-9.0)))
    print("isfinite", fmt(ops.isfinite(messy)), "isnan", fmt(ops.isnan(messy)))

    seg_data = np.array([[1.0, 2.0], [3.0, -4.0], [5.0, 6.0], [-7.0, 8.0]], "float32")
    seg_ids = np.array([0, 0, 2, 2], "int32")
    print("segment_sum", fmt(ops.segment_sum(seg_data, seg_ids, num_segments=4)))
    print("segment_max", fmt(ops.segment_max(seg_data, seg_ids, num_segments=3)))
    print("segment_sum sorted", fmt(ops.segment_sum(seg_data[:, 0], np.array([0, 1, 1, 3]), sorted=True)))
    print("bincount", fmt(ops.bincount(np.array([0, 2, 2, 5], "int32"))),
          fmt(ops.bincount(np.array([0, 2, 2, 5], "int32"), weights=np.array([0.5, 1.0, 2.0, 3.0], "float32"),
                           minlength=8)))
    print("bincount 2d", fmt(ops.bincount(np.array([[0, 1, 1], [2, 2, 0]], "int32"), minlength=4)))

    halves = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.125, 0.135], "float32")
    print("round", fmt(ops.round(halves)), fmt(ops.round(halves, decimals=2)))
    print("clip", fmt(ops.clip(halves, -1.0, 1.0)), fmt(ops.clip(np.array([1, 5, 9], "int32"), 2, 6)))
    print("quantile", fmt(ops.quantile(data, [0.0, 0.25, 0.5, 0.9])),
          fmt(ops.quantile(data, 0.3, method="nearest")), fmt(ops.quantile(data, 0.3, method="midpoint")))
    print("cumsum cumprod", fmt(ops.cumsum(tied, axis=1)), fmt(ops.cumprod(tied[1])))


if __name__ == "__main__":
    main()
