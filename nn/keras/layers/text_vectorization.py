"""Keras's TextVectorization: strings -> standardize -> split into tokens -> optional n-grams -> a StringLookup
(mask token '' at index 0, OOV '[UNK]' at 1 in 'int' mode) -> integer sequences or vectors.

As Keras on TensorFlow does it: 'lower' lowercases ASCII letters only (tf.strings.lower without an
encoding), 'strip_punctuation' removes the 32 ASCII punctuation characters, 'whitespace' splits on runs of
ASCII whitespace, 'character' on Unicode code points, and n-grams of each width join tokens with one space,
all widths of a row in order. A callable standardize receives a NumPy array of str (as Keras gives it on
non-TensorFlow backends) and returns one of the same shape; a callable split receives the 1-D NumPy array of
str and returns one sequence of tokens per string (a list of lists or a 2-D array).
"""
import re

import numpy as np

import autograd as ag

from .lookup import StringLookup, adapt_batches
from .text_inputs import HostDataLayer, text_array

_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_NO_PUNCTUATION = str.maketrans("", "", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_TOKEN = re.compile(r"[^ \t\n\v\f\r]+")   # runs of anything but ASCII whitespace


def _check_choice(value, allowed, argument):
    if value is not None and not callable(value) and value not in allowed:
        raise ValueError(f"TextVectorization: {argument} must be one of {', '.join(map(repr, allowed))}, None or a "
                         f"callable, got {value!r}")


def ngrams(tokens, widths):
    """The n-grams of one token sequence for each width in `widths` (in that order), tokens joined by ' '."""
    grams = []
    for n in widths:
        grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return grams


class TextVectorization(HostDataLayer):
    """Turns strings into token indices ('int': int64 sequences, padded with 0 or cut to output_sequence_length)
    or vectors over the vocabulary ('multi_hot', 'count', 'tf_idf', 'one_hot': float32). The vocabulary is
    given (list or file) or learned with adapt(data), most frequent tokens first."""

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None, **kwargs):
        if sparse:
            raise ValueError("TextVectorization: sparse=True is not supported: Keras makes sparse outputs only on the "
                             "TensorFlow backend and nn.keras has no sparse tensors; use sparse=False")
        if ragged:
            raise ValueError("TextVectorization: ragged=True is not supported: Keras makes ragged outputs only on the "
                             "TensorFlow backend; use ragged=False (sequences padded with 0) or output_sequence_length")
        _check_choice(standardize, _STANDARDIZE, "standardize")
        _check_choice(split, _SPLIT, "split")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        modes = ("int", "one_hot", "multi_hot", "count", "tf_idf")
        if output_mode not in modes:
            raise ValueError(f"TextVectorization: output_mode must be one of {', '.join(map(repr, modes))}, got "
                             f"{output_mode!r}")
        if isinstance(ngrams, list):
            ngrams = tuple(ngrams)
        if not (ngrams is None or (isinstance(ngrams, int) and not isinstance(ngrams, bool))
                or (isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams))):
            raise ValueError(f"TextVectorization: ngrams must be None, an integer or a tuple of integers, got "
                             f"ngrams={ngrams!r}")
        if output_mode == "int" and not (output_sequence_length is None or isinstance(output_sequence_length, int)):
            raise ValueError("TextVectorization: output_sequence_length must be None or an integer when output_mode "
                             f"is 'int', got output_sequence_length={output_sequence_length!r}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError("TextVectorization: output_sequence_length is only used with output_mode='int', got "
                             f"output_sequence_length={output_sequence_length} and output_mode={output_mode!r}")
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._standardize, self._split, self._ngrams_arg = standardize, split, ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._output_mode, self._output_sequence_length = output_mode, output_sequence_length
        self._encoding, self._ragged = encoding, False
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            has_input_vocabulary=has_input_vocabulary, encoding=encoding, vocabulary_size=vocabulary_size,
            name=f"{self.name}_lookup")

    # ----- the vocabulary -------------------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order ('' and '[UNK]' first in 'int' mode unless include_special_tokens=False)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        """The number of indices, the padding and OOV indices included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Replace the vocabulary (list, array or file path) and, in 'tf_idf' mode, its idf weights."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary from `data`: an array or list of strings (one document each), or an iterable of
        batches of strings (generator, nn.data Dataset/DataLoader); `steps` caps the batches read. Tokens are
        ranked by count, ties by the token from high to low, and cut to max_tokens."""
        self.reset_state()
        for batch in adapt_batches(data, steps, self.name):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        """Count the tokens of one batch of strings."""
        lookup = self._lookup_layer
        if lookup._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}': it was given a fixed vocabulary through the "
                             "`vocabulary` argument; make a layer without a vocabulary to learn one with adapt()")
        tokens = self._preprocess(data)
        rows = tokens.reshape(len(tokens), -1).tolist() if isinstance(tokens, np.ndarray) else tokens
        lookup._count(rows)

    def finalize_state(self):
        """Turn the counts into the vocabulary."""
        self._lookup_layer.finalize_state()

    def reset_state(self):
        """Forget the counts gathered so far."""
        self._lookup_layer.reset_state()

    # ----- text processing --------------------------------------------------------------------------
    def _standardized(self, texts):
        if callable(self._standardize):
            result = np.asarray(self._standardize(texts.astype(str)))
            return text_array(result, self.name, self._encoding)
        if self._standardize is None:
            return texts
        lower = self._standardize in ("lower", "lower_and_strip_punctuation")
        strip = self._standardize in ("strip_punctuation", "lower_and_strip_punctuation")

        def clean(text):
            text = text.translate(_ASCII_LOWER) if lower else text
            return text.translate(_NO_PUNCTUATION) if strip else text
        return np.vectorize(clean, otypes=[object])(texts) if texts.size else texts

    def _preprocess(self, inputs):
        """The tokens of a batch: a list of token lists (one per string) when splitting, else the standardized
        array itself (with n-grams along its last axis, if any)."""
        texts = self._standardized(text_array(inputs, self.name, self._encoding))
        if self._split is None:
            if self._ngrams is None:
                return texts
            rows = [texts.reshape(-1).tolist()] if texts.ndim <= 1 else texts.reshape(len(texts), -1).tolist()
            return [ngrams(row, self._ngrams) for row in rows]
        if texts.ndim > 1:
            if texts.shape[-1] != 1:
                raise ValueError(f"{self.name}: to split strings into tokens the input must be 1-D (a batch of "
                                 f"strings) or have a last axis of size 1, got shape {texts.shape}")
            texts = texts[..., 0]
        texts = texts.reshape(-1)
        if self._split == "whitespace":
            rows = [_TOKEN.findall(text) for text in texts.tolist()]
        elif self._split == "character":
            rows = [list(text) for text in texts.tolist()]
        else:
            rows = [[t.decode(self._encoding) if isinstance(t, bytes) else str(t) for t in row]
                    for row in self._split(texts.astype(str))]
            if len(rows) != len(texts):
                raise ValueError(f"{self.name}: the split callable returned {len(rows)} token sequences for "
                                 f"{len(texts)} strings; it must return one per string")
        if self._ngrams is not None:
            rows = [ngrams(row, self._ngrams) for row in rows]
        return rows

    # ----- calling ----------------------------------------------------------------------------------
    def call(self, inputs):
        """Token indices (int mode) or vectors for a batch of strings."""
        lookup = self._lookup_layer
        lookup._require_vocabulary()
        lookup._called = True
        scalar = np.ndim(inputs) == 0 if not isinstance(inputs, (list, tuple)) else False
        tokens = self._preprocess(inputs)
        if isinstance(tokens, np.ndarray):   # no split: one token per string
            if self._output_mode != "int":
                tokens = tokens.reshape(-1, 1) if tokens.ndim <= 1 else tokens
                return ag.tensor(lookup._encode(*lookup._lookup(tokens)))
            indices, _ = lookup._lookup(tokens)
            return ag.tensor(self._fit_length(indices) if indices.ndim else indices)
        lengths = [len(row) for row in tokens]
        width = max(lengths, default=0)
        flat = np.empty(sum(lengths), dtype=object)
        flat[:] = [t for row in tokens for t in row]
        flat_indices, flat_kept = lookup._lookup(flat)
        indices, kept = np.zeros((len(tokens), width), np.int64), np.zeros((len(tokens), width), bool)
        at = 0
        for r, n in enumerate(lengths):
            indices[r, :n], kept[r, :n] = flat_indices[at:at + n], flat_kept[at:at + n]
            at += n
        if self._output_mode == "int":
            out = self._fit_length(indices)
        else:
            out = lookup._encode(indices, kept)
        return ag.tensor(out[0] if scalar else out)

    def _fit_length(self, indices):
        """Integer sequences cut or padded with 0 to output_sequence_length along the last axis (when set)."""
        length = self._output_sequence_length
        if length is None:
            return indices
        indices = indices[..., :length]
        pad = [(0, 0)] * (indices.ndim - 1) + [(0, length - indices.shape[-1])]
        return np.pad(indices, pad)

    # ----- shapes and config ------------------------------------------------------------------------
    @property
    def output_dtype(self):
        """int64 for 'int' mode, float32 for the vector modes."""
        return "int64" if self._output_mode == "int" else "float32"

    def compute_output_shape(self, input_shape):
        """(batch, output_sequence_length) in 'int' mode; (batch, vocabulary size) for the vector modes."""
        input_shape = tuple(input_shape)
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape = input_shape + (1,)
        else:
            input_shape = input_shape + (None,)
        return self._lookup_layer.compute_output_shape(input_shape)

    def get_config(self):
        """Keras's config keys; a vocabulary learned by adapt is stored under `vocabulary` (with idf_weights),
        since nn.keras saves no vocabulary asset files."""
        lookup = self._lookup_layer
        lookup_config = lookup.get_config()
        config = {**super().get_config(), "max_tokens": lookup.max_tokens, "standardize": self._standardize,
                  "split": self._split, "ngrams": self._ngrams_arg, "output_mode": self._output_mode,
                  "output_sequence_length": self._output_sequence_length,
                  "pad_to_max_tokens": lookup.pad_to_max_tokens, "sparse": False, "ragged": False,
                  "vocabulary": lookup_config["vocabulary"], "idf_weights": lookup_config["idf_weights"],
                  "encoding": self._encoding, "vocabulary_size": self.vocabulary_size()}
        if "has_input_vocabulary" in lookup_config:
            config["has_input_vocabulary"] = lookup_config["has_input_vocabulary"]
        return config

    @classmethod
    def from_config(cls, config):
        """A layer from get_config's dictionary (serialized standardize/split functions made again)."""
        from ..saving.serialization import deserialize_keras_object
        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)
