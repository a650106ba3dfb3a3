"""Keras's numeric and categorical preprocessing layers: Discretization (values -> bin indices) and
CategoryEncoding (integer categories -> one-hot, multi-hot or count vectors). No weights, no gradients."""
import numpy as np

import autograd as ag
from autograd.errors import ArgumentRangeError

from ..autocast_scope import float_dtype, in_compute_dtype
from ..layer import Layer
from . import quantile_summary

_MODES = ("one_hot", "multi_hot", "count")


def encode_categories(indices, depth, output_mode, name, count_weights=None):
    """Integer `indices` (NumPy) as float32 vectors of length `depth`: 'one_hot' adds an axis (replacing a
    last axis of size 1), 'multi_hot' and 'count' reduce the last axis (a 1-D input is one sample)."""
    indices = np.asarray(indices)
    if indices.size and indices.max() >= depth:   # Keras's torch backend: RuntimeError from its one_hot
        raise ArgumentRangeError(f"{name}: class values must be in [0, {depth}) (smaller than num_tokens={depth}), got values up to "
                                 f"{indices.max()} (input shape {indices.shape}); raise num_tokens or map the values "
                                 "into range first")
    # a negative index marks no category, as in Keras: it goes to an extra last column, cut off at the end
    indices = np.where(indices < 0, depth, indices).astype(np.int64)
    return _encoded(indices, depth + 1, output_mode, count_weights)[..., :depth]


def _encoded(indices, depth, output_mode, count_weights):
    """encode_categories of indices already in [0, depth)."""
    if indices.ndim == 0:
        indices = indices.reshape(1)
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        return np.eye(depth, dtype=np.float32)[indices]
    rows = indices.reshape(-1, indices.shape[-1])
    out = np.zeros((rows.shape[0], depth), dtype=np.float32)
    if output_mode == "multi_hot":
        np.put_along_axis(out, rows, 1.0, axis=-1)
    else:
        weights = (np.ones(rows.shape, np.float32) if count_weights is None
                   else np.broadcast_to(np.asarray(count_weights, np.float32), indices.shape).reshape(rows.shape))
        for r, (row, w) in enumerate(zip(rows, weights)):
            np.add.at(out[r], row, w)
    return out.reshape(indices.shape[:-1] + (depth,))


def _host(inputs):
    if isinstance(inputs, ag.Tensor) and inputs.is_floating_point() and inputs.dtype.itemsize == 2:
        inputs = inputs.float()   # NumPy has no bfloat16; both 16-bit floats are exact in float32
    return inputs.numpy() if hasattr(inputs, "numpy") else np.asarray(inputs)


def _check_mode(cls, mode, allowed):
    if mode not in allowed:
        raise ValueError(f"{cls}: output_mode must be one of {', '.join(map(repr, allowed))}, got {mode!r}")


class CategoryEncoding(Layer):
    """Encodes integer categories in [0, num_tokens) as float vectors: output_mode 'multi_hot' (default; one
    row per sample marking the categories present), 'one_hot' (a vector per value) or 'count' (occurrences,
    optionally weighted by call's `count_weights`)."""

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        output_mode = "multi_hot" if output_mode == "binary" else output_mode
        _check_mode("CategoryEncoding", output_mode, _MODES)
        if num_tokens is None or int(num_tokens) < 1:
            raise ValueError(f"CategoryEncoding: num_tokens must be a positive integer (the number of categories), "
                             f"got {num_tokens!r}; without a known count use IntegerLookup first")
        if sparse:
            raise ValueError("CategoryEncoding: sparse=True is not supported on this backend (Keras's torch backend "
                             "has no sparse tensors either); use sparse=False")
        self.num_tokens, self.output_mode, self.sparse = int(num_tokens), output_mode, False

    def call(self, inputs, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(f"{self.name}: count_weights is only used with output_mode='count', "
                             f"not {self.output_mode!r}")
        weights = None if count_weights is None else _host(count_weights)
        out = encode_categories(_host(inputs), self.num_tokens, self.output_mode, self.name, weights)
        dtype = self.variable_dtype   # Keras's: the layer's dtype (float32 under a mixed policy)
        return ag.tensor(out).to(float_dtype(dtype) or np.dtype(dtype))

    def get_config(self):
        # Keras's config leaves `sparse` out (it is always False here)
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}


class Discretization(Layer):
    """Buckets float values by `bin_boundaries` (sorted): index i when boundaries[i-1] <= x < boundaries[i],
    so len(bin_boundaries) + 1 bins; or learns `num_bins` quantile boundaries with `adapt(data)`. output_mode
    'int' (int32 indices, the default) or 'one_hot' / 'multi_hot' / 'count' over the bins."""

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False,
                 dtype=None, name=None):
        super().__init__(name=name, dtype=dtype)
        _check_mode("Discretization", output_mode, ("int",) + _MODES)
        if sparse:
            raise ValueError("Discretization: sparse=True is not supported on this backend; use sparse=False")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(f"Discretization: pass bin_boundaries or num_bins, not both (got "
                             f"bin_boundaries={bin_boundaries} and num_bins={num_bins})")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("Discretization: pass bin_boundaries (a sorted list) or num_bins (then call adapt)")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"Discretization: num_bins must be >= 0, got {num_bins}")
        self.bin_boundaries = None if bin_boundaries is None else list(bin_boundaries)
        self.num_bins, self.epsilon, self.output_mode, self.sparse = num_bins, epsilon, output_mode, False

    def adapt(self, data, steps=None):
        """Learn num_bins - 1 boundaries at the approximate quantiles (within `epsilon`, as Keras computes them) of
        `data`: an array, or an iterable of batches."""
        if self.num_bins is None:
            raise ValueError(f"{self.name}: adapt needs num_bins (given at construction), this layer has fixed "
                             f"bin_boundaries {self.bin_boundaries}")
        if self.num_bins < 1:   # the quantiles of 0 bins would divide by 0
            raise ValueError(f"{self.name}: adapt needs num_bins >= 1 to learn the boundaries of, got "
                             f"num_bins={self.num_bins}")
        if isinstance(data, np.ndarray) or hasattr(data, "numpy") or not hasattr(data, "__iter__"):
            batches = [data]
        else:   # as Keras, a list too is a sequence of batches; an (x, y) batch gives its x
            batches = (b[0] if isinstance(b, (tuple, list)) and b and isinstance(b[0], (np.ndarray, ag.Tensor))
                       else b for b in data)
        summary = quantile_summary.empty_summary()
        for k, batch in enumerate(batches):   # Keras's approximate quantiles, merged batch by batch
            if steps is not None and k >= steps:
                break
            batch = np.asarray(_host(batch), np.float32)
            summary = quantile_summary.merge(quantile_summary.summarize(batch, self.epsilon), summary, self.epsilon)
        boundaries = quantile_summary.bin_boundaries(summary, self.num_bins) if summary.shape[1] else []
        self.bin_boundaries = [float(v) for v in boundaries]

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"{self.name}: no bin boundaries yet; pass bin_boundaries or call adapt(data) "
                             "before using the layer")
        indices = np.digitize(_host(inputs), np.asarray(self.bin_boundaries, np.float64)).astype(np.int32)
        if self.output_mode == "int":
            return ag.tensor(indices)
        encoded = ag.tensor(encode_categories(indices, len(self.bin_boundaries) + 1, self.output_mode, self.name))
        return in_compute_dtype(self, encoded)   # Keras's bins come in the compute dtype (float16 when mixed)

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse, "name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        boundaries = config.pop("bin_boundaries", None)
        if boundaries is not None and config.get("num_bins") is not None:   # an adapted layer's config
            layer = cls(**{**config, "bin_boundaries": [0.0], "num_bins": None})
            layer.num_bins, layer.bin_boundaries = config["num_bins"], list(boundaries)
            return layer
        return cls(bin_boundaries=boundaries, **config)
