"""Keras's vocabulary lookup layers: StringLookup (strings -> indices) and IntegerLookup (integers -> indices),
with Keras 3's arguments, defaults, index layout and adapt() ordering.

Index layout ('int' mode): [mask token (when mask_token is set)] [num_oov_indices OOV slots] [vocabulary...].
Other modes drop the mask slot (masked values are left out of the counts). adapt() orders the vocabulary by
count, most frequent first, ties by the token itself from high to low (as Keras's lexsort, reversed).

Outputs are Tensors: int64 indices in 'int' mode, float32 vectors in 'one_hot' / 'multi_hot' / 'count' /
'tf_idf' (Keras's declared output dtype). `invert=True` maps indices back to tokens: IntegerLookup gives an
int64 Tensor, StringLookup Python strings (a list, nested per row), as Keras's StringLookup does on the torch
backend. The vocabulary cannot be a layer weight (weights hold numbers), so a vocabulary learned by adapt (or
read from a file) travels in get_config, which is how it is saved with the model.
"""
import collections
import math
import os

import numpy as np

import autograd as ag

from .preprocessing import encode_categories
from .string_hashing import bucket_strings
from .text_inputs import HostDataLayer, host_array, is_text, text_array

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def adapt_batches(data, steps, who):
    """The batches adapt reads: one batch for an array, list, tuple or Tensor (a 1-D one as a column: one token
    per document), else each item of an iterable (generator, nn.data Dataset or DataLoader); the first field
    of a tuple/list item (x of (x, y)) is used."""
    if isinstance(data, (list, tuple, np.ndarray, str, bytes)) or hasattr(data, "numpy"):
        array = host_array(data, who)
        yield array.reshape(-1, 1) if array.ndim <= 1 else array
        return
    if not hasattr(data, "__iter__"):
        raise TypeError(f"{who}.adapt: data must be an array, a list, a Tensor, or an iterable of batches "
                        f"(generator, nn.data Dataset/DataLoader), got {type(data).__name__}")
    for k, batch in enumerate(data):
        if steps is not None and k >= steps:
            return
        if isinstance(batch, (tuple, list)) and batch and isinstance(batch[0], (ag.Tensor, np.ndarray)):
            batch = batch[0]
        yield batch


class IndexLookup(HostDataLayer):
    """What StringLookup and IntegerLookup share (Keras's IndexLookup): the vocabulary table, adapt, the
    encodings and the config. Not exported; use the two subclasses."""

    _kind = "token"   # what the subclass maps, for messages

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary=None, idf_weights=None,
                 invert=False, output_mode="int", sparse=False, pad_to_max_tokens=False, oov_method="floormod",
                 salt=None, name=None, **kwargs):
        who = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"{who}: max_tokens must be greater than 1 when set (it counts the mask and OOV "
                             f"indices too), got max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{who}: pad_to_max_tokens=True needs max_tokens (the width to pad to), got "
                             "max_tokens=None")
        if num_oov_indices is None or num_oov_indices < 0:
            raise ValueError(f"{who}: num_oov_indices must be >= 0, got num_oov_indices={num_oov_indices}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"{who}: oov_method must be 'floormod' or 'farmhash', got {oov_method!r}")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in _MODES:
            raise ValueError(f"{who}: output_mode must be one of {', '.join(map(repr, _MODES))}, got "
                             f"{output_mode!r}")
        if invert and output_mode != "int":
            raise ValueError(f"{who}: invert=True needs output_mode='int' (it maps indices back to tokens), got "
                             f"output_mode={output_mode!r}")
        if sparse:
            raise ValueError(f"{who}: sparse=True is not supported: Keras makes sparse outputs only on the "
                             "TensorFlow backend and nn.keras has no sparse tensors; use sparse=False (dense outputs)")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{who}: idf_weights are only used with output_mode='tf_idf', got "
                             f"output_mode={output_mode!r}; drop idf_weights or set output_mode='tf_idf'")
        if salt is not None:
            if self._kind == "integer" and oov_method != "farmhash":
                raise ValueError(f"{who}: salt is only used with oov_method='farmhash', got oov_method={oov_method!r}")
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = [int(s) for s in salt]
            elif isinstance(salt, int):
                salt = [salt, salt]
            else:
                raise ValueError(f"{who}: salt must be an integer or a pair of integers, got salt={salt!r}")
        frozen_size = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(name=name, **kwargs)
        self.invert, self.max_tokens, self.num_oov_indices = bool(invert), max_tokens, int(num_oov_indices)
        self.mask_token, self.oov_token, self.output_mode = mask_token, oov_token, output_mode
        self.sparse, self.pad_to_max_tokens = False, bool(pad_to_max_tokens)
        self.oov_method, self.salt = oov_method, salt
        self._has_input_vocabulary = bool(has_input_vocabulary)
        self.input_vocabulary = None if isinstance(vocabulary, (str, os.PathLike)) else _listed(vocabulary)
        self.input_idf_weights = _listed(idf_weights)
        self._tokens, self._index, self.idf_weights = None, {}, None
        self._frozen_vocab_size, self._called = frozen_size, False
        if output_mode == "tf_idf" and self._has_input_vocabulary and idf_weights is None and vocabulary is not None:
            raise ValueError(f"{who}: output_mode='tf_idf' with a given vocabulary needs idf_weights too (one "
                             "weight per vocabulary entry)")
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self._reset_counts()

    # ----- index layout ---------------------------------------------------------------------------
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def _special_tokens(self):
        return [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices

    def vocabulary_size(self):
        """The number of indices: the vocabulary plus the mask and OOV indices."""
        return len(self._tokens or ()) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order; with include_special_tokens (the default) the mask and OOV tokens come
        first, so a term's position is its index. As in Keras, the special tokens are Python values and the
        vocabulary's own tokens NumPy scalars (np.str_ for StringLookup, np.int64 for IntegerLookup)."""
        special = self._special_tokens() if include_special_tokens else []
        return special + [self._numpy_token(t) for t in self._tokens or ()]

    def _plain_vocabulary(self):
        """get_vocabulary() as plain Python values (for configs and inverse lookups)."""
        return self._special_tokens() + list(self._tokens or ())

    # ----- setting the vocabulary -----------------------------------------------------------------
    def _convert_tokens(self, values):
        """Tokens as this layer keys them (str or int): a subclass's rule."""
        raise NotImplementedError

    def _read_vocabulary_file(self, path):
        if not os.path.exists(path):
            raise ValueError(f"{self.name}: vocabulary file {path} does not exist; pass an existing file (one "
                             "token per line) or a list of tokens")
        with open(path, encoding=getattr(self, "encoding", "utf-8")) as handle:
            lines = handle.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return [line[:-1] if line.endswith("\r") else line for line in lines]

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Replace the vocabulary (a list, tuple, 1-D array or Tensor of tokens, or the path of a text file with
        one token per line) and, for output_mode='tf_idf', its idf_weights (one per entry). The mask and OOV
        tokens may lead the list in their index order; elsewhere they are refused."""
        who = self.name
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{who}: output_mode='tf_idf' needs idf_weights with the vocabulary (one weight per "
                             "entry): set_vocabulary(vocabulary, idf_weights=...)")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"{who}: idf_weights are only used with output_mode='tf_idf', not "
                             f"output_mode={self.output_mode!r}")
        if isinstance(vocabulary, (str, os.PathLike)):
            if self.output_mode == "tf_idf":
                raise ValueError(f"{who}: output_mode='tf_idf' cannot read its vocabulary from a file; pass the "
                                 "vocabulary as a list with its idf_weights")
            vocabulary = self._read_vocabulary_file(os.fspath(vocabulary))
        vocabulary = self._convert_tokens(host_array(vocabulary, who).reshape(-1) if not isinstance(
            vocabulary, (list, tuple)) else vocabulary)
        if not vocabulary:
            raise ValueError(f"{who}: cannot set an empty vocabulary; pass at least one token")
        special = self._special_tokens()
        start = self._token_start_index()
        found_special = vocabulary[:start] == special
        tokens = vocabulary[start:] if found_special else vocabulary
        repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(f"{who}: the vocabulary repeats {repeated}; every token must appear once (deduplicate it)")
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(f"{who}: the vocabulary holds the mask token {self.mask_token!r} at index "
                             f"{vocabulary.index(self.mask_token)}; leave the mask and OOV tokens out (the layer adds "
                             f"them) or put them only at the start, in this order: {special}")
        if self.invert and self.oov_token is not None and self.oov_token in tokens:
            raise ValueError(f"{who}: the vocabulary holds the OOV token {self.oov_token!r} at index "
                             f"{vocabulary.index(self.oov_token)}; leave the mask and OOV tokens out (the layer adds "
                             f"them) or put them only at the start, in this order: {special}")
        size = start + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(f"{who}: the vocabulary gives {size} indices (with the mask and OOV indices) but "
                             f"max_tokens is {self.max_tokens}; shorten it or raise max_tokens")
        weights = None
        if self.output_mode == "tf_idf":
            weights = np.asarray(host_array(idf_weights, who), np.float64)
            if weights.ndim != 1 or len(weights) != len(vocabulary):
                raise ValueError(f"{who}: idf_weights must be 1-D with one weight per vocabulary entry "
                                 f"({len(vocabulary)}), got shape {weights.shape}")
            front = 0 if found_special else start
            back = self.max_tokens - front - len(weights) if self.pad_to_max_tokens else 0
            weights = np.concatenate([np.full(front, np.mean(weights)), weights, np.zeros(max(back, 0))])
        self._install(tokens, weights)

    def _install(self, tokens, idf_weights):
        start = self._token_start_index()
        new_size = start + len(tokens)
        if (self._called and self.output_mode != "int" and not self.pad_to_max_tokens
                and self._frozen_vocab_size is not None and new_size != self._frozen_vocab_size):
            raise RuntimeError(f"{self.name}: with output_mode={self.output_mode!r} and pad_to_max_tokens=False the "
                               f"vocabulary size cannot change after the layer is called (it was "
                               f"{self._frozen_vocab_size}, the new one is {new_size}); make a new layer")
        self._tokens = list(tokens)
        self._index = {token: start + k for k, token in enumerate(self._tokens)}
        if idf_weights is not None:
            self.idf_weights = np.asarray(idf_weights, np.float32)
        self._frozen_vocab_size = new_size

    # ----- adapt ------------------------------------------------------------------------------------
    def _reset_counts(self):
        self._token_counts, self._document_counts, self._num_documents = collections.Counter(), collections.Counter(), 0

    def reset_state(self):
        """Forget the token counts gathered by update_state (adapt starts with it)."""
        self._reset_counts()

    def adapt(self, data, steps=None):
        """Learn the vocabulary from `data` (an array, list or Tensor of tokens, or an iterable of batches such as
        a generator or an nn.data DataLoader; `steps` caps the batches read): the tokens by count, most frequent
        first, ties by the token from high to low, cut to max_tokens; in 'tf_idf' mode also the idf weights,
        log(1 + documents / (1 + documents holding the token)), one document per row."""
        self.reset_state()
        for batch in adapt_batches(data, steps, self.name):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        """Count the tokens of one batch (a 1-D batch is one document)."""
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}': it was given a fixed vocabulary through the "
                             "`vocabulary` argument; make a layer without a vocabulary to learn one with adapt()")
        rows = self._host_tokens(data)
        if rows.ndim == 0:
            rows = rows.reshape(1)
        if rows.ndim == 1:
            rows = rows[None, :]
        self._count(rows.reshape(len(rows), -1).tolist())

    def _count(self, rows):
        """Add a batch of documents (lists of tokens) to the counts."""
        for row in rows:
            self._token_counts.update(row)
        if self.output_mode == "tf_idf":
            for row in rows:
                self._document_counts.update(set(row))
            self._num_documents += len(rows)

    def finalize_state(self):
        """Turn the counts into the vocabulary (and idf weights); nothing changes when no token was seen."""
        counts = self._token_counts
        if self._has_input_vocabulary or not counts:
            return
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        ranked = sorted(counts, key=lambda token: (counts[token], token), reverse=True)
        if self.max_tokens:
            ranked = ranked[:self.max_tokens - self._token_start_index()]
        weights = None
        if self.output_mode == "tf_idf":
            idf = np.asarray([math.log(1 + self._num_documents / (1 + self._document_counts[t])) for t in ranked],
                             np.float32)
            back = self.max_tokens - self._token_start_index() - len(idf) if self.pad_to_max_tokens else 0
            weights = np.concatenate([np.full(self._token_start_index(), np.mean(idf) if idf.size else 0.0,
                                              np.float32), idf, np.zeros(max(back, 0), np.float32)])
        self._install(ranked, weights)
        self._reset_counts()

    # ----- calling ----------------------------------------------------------------------------------
    def _host_tokens(self, inputs):
        """The inputs as a NumPy array of this layer's tokens (a subclass's rule)."""
        raise NotImplementedError

    def _require_vocabulary(self):
        if self._tokens is None:
            raise ValueError(f"{self.name}: the layer has no vocabulary yet; pass vocabulary=[...] when making it, "
                             "call set_vocabulary(...), or call adapt(data) before using it")

    def call(self, inputs):
        """Indices (or vectors, or with invert the tokens) for the tokens of `inputs`."""
        self._require_vocabulary()
        self._called = True
        if self.invert:
            return self._invert(inputs)
        tokens = self._host_tokens(inputs)
        indices, kept = self._lookup(tokens)
        if self.output_mode == "int":
            return ag.tensor(indices)
        return ag.tensor(self._encode(indices, kept))

    def _lookup(self, tokens):
        """(int64 indices, where the value is not the mask token) for an array of tokens."""
        flat = tokens.reshape(-1).tolist()
        indices = np.fromiter((self._index.get(t, -1) for t in flat), np.int64, len(flat)).reshape(tokens.shape)
        kept = np.ones(tokens.shape, bool) if self.mask_token is None else np.asarray(tokens != self.mask_token)
        oov = (indices < 0) & kept
        if oov.any():
            if self.num_oov_indices == 0:
                found = sorted({t for t, o in zip(flat, oov.reshape(-1).tolist()) if o}, key=str)
                raise ValueError(f"{self.name}: with num_oov_indices=0 every input must be in the vocabulary, found "
                                 f"out-of-vocabulary values {found[:10]}; set num_oov_indices=1 (or more)")
            indices[oov] = self._oov_start_index() + self._oov_buckets(tokens[oov])
        indices[~kept] = 0
        return indices, kept

    def _oov_buckets(self, tokens):
        """The OOV slot (0 .. num_oov_indices - 1) of each out-of-vocabulary token."""
        if self.num_oov_indices == 1:
            return np.zeros(tokens.shape, np.int64)
        return bucket_strings(tokens, self.num_oov_indices, self.salt)

    def _encode(self, indices, kept):
        """Vectors over the vocabulary (float32): masked values counted nowhere; tf_idf weighs the counts."""
        depth = self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size()
        indices = np.where(kept, indices, depth)   # an extra slot for masked values, cut off below
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = encode_categories(indices, depth + 1, mode, self.name)[..., :depth]
        if self.output_mode == "tf_idf":
            out = out * self.idf_weights
        return out.astype(np.float32)

    def _invert(self, inputs):
        indices = host_array(inputs, self.name)
        if indices.dtype.kind not in "iu":
            raise TypeError(f"{self.name}: invert=True maps integer indices to tokens, got an array of "
                            f"{indices.dtype}")
        vocabulary = self._plain_vocabulary()
        start = self._token_start_index()

        def token(index):
            if index == 0 and self.mask_token is not None:
                return self.mask_token
            return vocabulary[index] if start <= index < len(vocabulary) else self.oov_token
        return self._inverted(np.vectorize(token, otypes=[object])(indices) if indices.size else
                              np.empty(indices.shape, object))

    def _inverted(self, tokens):
        """What an inverse lookup returns for an object array of tokens (a subclass's rule)."""
        raise NotImplementedError

    # ----- shapes and config ------------------------------------------------------------------------
    @property
    def output_dtype(self):
        """int64 for 'int' mode, float32 for the vector modes."""
        return "int64" if self.output_mode == "int" else "float32"

    def compute_output_shape(self, input_shape):
        """The input's shape in 'int' mode; otherwise the vocabulary axis replaces the last axis ('one_hot' adds it
        unless the last axis has size 1)."""
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def get_config(self):
        """Keras's config keys. A vocabulary learned by adapt (or read from a file) is stored under `vocabulary`
        (with its idf_weights), since nn.keras saves no vocabulary asset files; `has_input_vocabulary` then says
        the layer may still be adapted."""
        config = {**super().get_config(), "invert": self.invert, "max_tokens": self.max_tokens,
                  "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                  "mask_token": self.mask_token, "output_mode": self.output_mode, "sparse": self.sparse,
                  "pad_to_max_tokens": self.pad_to_max_tokens, "vocabulary_dtype": self._vocabulary_dtype,
                  "idf_weights": self.input_idf_weights, "vocabulary": self.input_vocabulary,
                  "vocabulary_size": self._frozen_vocab_size, "oov_method": self.oov_method, "salt": self.salt}
        if self.input_vocabulary is None and self._tokens is not None:
            config["vocabulary"] = self._plain_vocabulary()
            config["has_input_vocabulary"] = self._has_input_vocabulary
            if self.idf_weights is not None:
                config["idf_weights"] = [float(w) for w in self.idf_weights[:self.vocabulary_size()]]
        return config

    @classmethod
    def from_config(cls, config):
        """A layer from get_config's dictionary (its vocabulary and idf weights included)."""
        return cls(**config)


def _listed(values):
    """Arrays and Tensors as plain lists (for configs); lists, tuples and None as they are."""
    if values is None or isinstance(values, (list, tuple)):
        return None if values is None else list(values)
    if hasattr(values, "numpy") and not isinstance(values, np.ndarray):
        values = values.numpy()
    return np.asarray(values).tolist()


class StringLookup(IndexLookup):
    """Maps strings to integer indices through a vocabulary (given, read from a file, or learned with adapt):
    Keras's StringLookup. Defaults: no mask token, one OOV index (index 0, token '[UNK]'), output_mode 'int'.
    With num_oov_indices > 1, unknown strings go to OOV slot FarmHash64(s) % num_oov_indices (SipHash-2-4 with
    `salt`). `invert=True` maps indices back to strings."""

    _kind = "string"
    _vocabulary_dtype = "string"
    _numpy_token = np.str_

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", name=None, salt=None, **kwargs):
        object.__setattr__(self, "encoding", encoding)   # set_vocabulary (run by the base __init__) reads it
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, **kwargs)

    def _convert_tokens(self, values):
        return [v.decode(self.encoding) if isinstance(v, (bytes, np.bytes_)) else str(v) for v in list(values)]

    def _host_tokens(self, inputs):
        return text_array(inputs, self.name, self.encoding)

    def _inverted(self, tokens):
        return tokens.tolist()

    def get_config(self):
        """IndexLookup's config without vocabulary_dtype (always 'string'), plus the encoding."""
        config = super().get_config()
        del config["vocabulary_dtype"]
        return {**config, "encoding": self.encoding}


class IntegerLookup(IndexLookup):
    """Maps integers to contiguous indices through a vocabulary (given, read from a file, or learned with
    adapt): Keras's IntegerLookup. Defaults: no mask token, one OOV index (index 0, token -1), output_mode
    'int'. With num_oov_indices > 1, unknown values go to OOV slot value % num_oov_indices (oov_method
    'floormod'), or FarmHash64 of the value's decimal text ('farmhash'; SipHash-2-4 with `salt`).
    `invert=True` maps indices back to the integers."""

    _kind = "integer"
    _vocabulary_dtype = "int64"
    _numpy_token = np.int64

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", salt=None, name=None, **kwargs):
        if vocabulary_dtype != "int64":
            raise ValueError(f"IntegerLookup: only vocabulary_dtype='int64' is supported (as in Keras), got "
                             f"vocabulary_dtype={vocabulary_dtype!r}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=None if mask_token is None else int(mask_token),
                         oov_token=None if oov_token is None else int(oov_token), vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt, name=name, **kwargs)

    def _convert_tokens(self, values):
        converted = []
        for v in list(values):
            if isinstance(v, (str, bytes, np.str_, np.bytes_)):
                v = v.decode() if isinstance(v, (bytes, np.bytes_)) else v
                try:
                    v = int(v.strip())
                except ValueError:
                    raise ValueError(f"{self.name}: IntegerLookup's vocabulary holds integers, got {v!r}") from None
            converted.append(int(v))
        return converted

    def _host_tokens(self, inputs):
        array = host_array(inputs, self.name)
        if is_text(array):
            raise TypeError(f"{self.name}: IntegerLookup takes integers, got strings; use StringLookup for strings")
        if array.size and array.dtype.kind not in "iub":
            if not np.all(np.equal(np.mod(array, 1), 0)):
                raise TypeError(f"{self.name}: IntegerLookup takes integers, got non-integral {array.dtype} values")
        return array.astype(np.int64)

    def _oov_buckets(self, tokens):
        if self.num_oov_indices > 1 and self.oov_method == "floormod":
            return np.mod(tokens, self.num_oov_indices).astype(np.int64)
        return super()._oov_buckets(tokens)

    def _inverted(self, tokens):
        return ag.tensor(np.asarray(tokens.tolist(), np.int64).reshape(tokens.shape))
