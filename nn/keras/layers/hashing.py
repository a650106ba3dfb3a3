"""Keras's hashing layers: Hashing (values -> hash bins) and HashedCrossing (a hash of several features'
values together), with the hash functions TensorFlow uses (string_hashing.py), so the bins equal Keras's."""
import numpy as np

import autograd as ag

from .preprocessing import encode_categories
from .string_hashing import DEFAULT_CROSS_KEY, as_hash_text, bucket_strings, fingerprint64, fingerprint_cat64
from .text_inputs import HostDataLayer, host_array, is_text

_MASK64 = (1 << 64) - 1


def _salt_pair(salt, who):
    if salt is None:
        return None
    if isinstance(salt, (tuple, list)) and len(salt) == 2:
        return [int(s) for s in salt]
    if isinstance(salt, (int, np.integer)) and not isinstance(salt, bool):
        return [int(salt), int(salt)]
    raise ValueError(f"{who}: salt must be an integer or a pair of integers, got salt={salt!r}")


def _no_sparse(sparse, who):
    if sparse:
        raise ValueError(f"{who}: sparse=True is not supported: Keras makes sparse outputs only on the TensorFlow "
                         "backend and nn.keras has no sparse tensors; use sparse=False (dense outputs)")


class Hashing(HostDataLayer):
    """Hashes strings or integers into `num_bins` bins: FarmHash64 of the value's text modulo the bins (integers
    and floats, truncated, are hashed as their decimal text), or keyed SipHash-2-4 with `salt` (an integer or a
    pair). With `mask_value`, that value goes to bin 0 and the others to bins 1..num_bins-1. output_mode 'int'
    (int64 bins, the default) or 'one_hot' / 'multi_hot' / 'count' (float32 vectors of length num_bins)."""

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError(f"Hashing: num_bins must be a positive integer, got num_bins={num_bins}")
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError(f"Hashing: output_mode='int' needs an integer dtype ('int32' or 'int64'), got "
                             f"dtype={self.dtype!r}")
        modes = ("int", "one_hot", "multi_hot", "count")
        if output_mode not in modes:
            raise ValueError(f"Hashing: output_mode must be one of {', '.join(map(repr, modes))}, got {output_mode!r}")
        _no_sparse(sparse, "Hashing")
        self.num_bins, self.mask_value, self.output_mode, self.sparse = int(num_bins), mask_value, output_mode, False
        self.salt = _salt_pair(salt, "Hashing")
        self.strong_hash = self.salt is not None

    @property
    def output_dtype(self):
        """The layer's dtype: int64 for 'int' mode and float32 otherwise, unless given."""
        return self.dtype

    def _bins(self, values):
        bins = self.num_bins
        masked = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            masked = np.asarray(values == self.mask_value)
        if values.dtype.kind == "f":
            values = values.astype(np.int64)
        hashed = bucket_strings(values, bins, self.salt)
        if masked is not None:
            hashed = np.where(masked, 0, hashed + 1)
        return hashed

    def call(self, inputs):
        """The hash bins of the inputs (as vectors in the non-int modes)."""
        values = host_array(inputs, self.name)
        if is_text(values):
            values = values.astype(object)
        elif values.size and values.dtype.kind not in "iufb":
            raise TypeError(f"{self.name}: Hashing takes strings or numbers, got an array of {values.dtype}")
        if self.output_mode == "one_hot" and values.ndim and values.shape[-1] == 1:
            values = values[..., 0]
        bins = self._bins(values)
        if self.output_mode == "int":
            return ag.tensor(bins.astype(self.dtype))
        return ag.tensor(encode_categories(bins, self.num_bins, self.output_mode, self.name).astype(self.dtype))

    def compute_output_shape(self, input_shape):
        """The input's shape in 'int' mode, else the last axis replaced by num_bins."""
        if self.output_mode == "int":
            return tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_bins,)
        return tuple(input_shape[:-1]) + (self.num_bins,)

    def get_config(self):
        """Keras's config: num_bins, salt, mask_value, output_mode, sparse (and name, trainable, dtype)."""
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                "output_mode": self.output_mode, "sparse": self.sparse}


class HashedCrossing(HostDataLayer):
    """Crosses two or more categorical features with the hashing trick, as TensorFlow's sparse.cross_hashed:
    per example, the features' hashes (FarmHash64 of a string, an integer's own 64-bit value) are chained
    with FingerprintCat64 from a fixed key, modulo `num_bins`. Inputs: a list or tuple of equally shaped
    arrays of shape (), (batch,) or (batch, 1), strings or integers. output_mode 'int' (int64 bins) or
    'one_hot' (float32)."""

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        _no_sparse(sparse, "HashedCrossing")
        if output_mode not in ("int", "one_hot"):
            raise ValueError(f"HashedCrossing: output_mode must be 'int' or 'one_hot', got {output_mode!r}")
        self.num_bins, self.output_mode, self.sparse = num_bins, output_mode, False

    def _takes_several_inputs(self):
        return True

    @property
    def output_dtype(self):
        """The layer's dtype (int64 for 'int' mode unless given, float32 for 'one_hot')."""
        return self.dtype

    def _features(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{self.name}: HashedCrossing is called on a list or tuple of features, got "
                             f"{type(inputs).__name__}")
        if len(inputs) < 2:
            raise ValueError(f"{self.name}: HashedCrossing needs at least two features to cross, got {len(inputs)}")
        features = [host_array(x, self.name) for x in inputs]
        shape = features[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError(f"{self.name}: every HashedCrossing input must have shape (), (batch,) or (batch, 1), "
                             f"got {shape}")
        if any(f.shape != shape for f in features[1:]):
            raise ValueError(f"{self.name}: HashedCrossing inputs must have equal shapes, got "
                             f"{[f.shape for f in features]}")
        for f in features:
            if f.size and not (is_text(f) or f.dtype.kind in "iu"):
                raise ValueError(f"{self.name}: HashedCrossing inputs must hold integers or strings, got {f.dtype}")
        return features, shape

    def call(self, inputs):
        """The crossed hash bin of each example's features (one-hot vectors in 'one_hot' mode)."""
        features, shape = self._features(inputs)
        columns = [f.reshape(-1).tolist() for f in features]
        bins = []
        for values in zip(*columns):
            hashed = DEFAULT_CROSS_KEY
            for value in values:
                feature = (int(value) & _MASK64 if isinstance(value, int)
                           else fingerprint64(as_hash_text(value)))
                hashed = fingerprint_cat64(hashed, feature)
            bins.append(hashed % self.num_bins)
        out = np.asarray(bins, np.int64).reshape(shape)
        if self.output_mode == "int":
            return ag.tensor(out.astype(self.dtype))
        return ag.tensor(encode_categories(out, self.num_bins, "one_hot", self.name).astype(self.dtype))

    def compute_output_shape(self, input_shape):
        """The first input's shape ('int'), or with num_bins replacing a last axis of 1 / added ('one_hot')."""
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if first and first[-1] == 1:
            return first[:-1] + (self.num_bins,)
        return first + (self.num_bins,)

    def get_config(self):
        """Keras's config: num_bins, output_mode, sparse, name, dtype."""
        return {"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": self.sparse,
                "name": self.name, "dtype": self.dtype}
