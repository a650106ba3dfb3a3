"""keras.utils.pad_sequences: variable-length sequences (of scalars, or of equal-shaped vectors / arrays) as one
array of equal-length rows, padded or truncated at the start or the end, as Keras does."""
import numpy as np


def _sample_shape(sequences):
    """Per-step shape of the first non-empty sequence (() for sequences of scalars); a ValueError names an entry
    that is not a sequence."""
    shape = None
    for k, seq in enumerate(sequences):
        try:
            length = len(seq)
        except TypeError:
            raise ValueError(f"pad_sequences: `sequences` must be a list of iterables (lists or arrays of steps); "
                             f"entry {k} is {seq!r}") from None
        if shape is None and length:
            shape = np.asarray(seq).shape[1:]
    return () if shape is None else shape


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """A (N, maxlen) + step-shape array of the sequences padded with `value` or truncated ('pre': at the start,
    'post': at the end); maxlen defaults to the longest sequence. Sequences of vectors keep their step shape
    (all steps must share it); string tokens need dtype=object."""
    if padding not in ("pre", "post") or truncating not in ("pre", "post"):
        raise ValueError(f"pad_sequences: padding and truncating must be 'pre' or 'post', got padding={padding!r}, "
                         f"truncating={truncating!r}")
    sequences = list(sequences)
    shape = _sample_shape(sequences)
    text_dtype = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not text_dtype:
        raise ValueError(f"pad_sequences: dtype {dtype!r} cannot hold the string value {value!r}; pass dtype=object "
                         "for variable-length strings")
    if maxlen is None:
        maxlen = max((len(s) for s in sequences), default=0)
    if maxlen < 0:
        raise ValueError(f"pad_sequences: negative dimensions are not allowed: maxlen={maxlen}; pass maxlen >= 0, or "
                         "None for the longest sequence's length")
    out = np.full((len(sequences), maxlen) + shape, value, dtype=dtype)
    for k, seq in enumerate(sequences):
        if not len(seq) or maxlen == 0:
            continue
        kept = np.asarray(seq[-maxlen:] if truncating == "pre" else seq[:maxlen], dtype=dtype)
        if kept.shape[1:] != shape:
            raise ValueError(f"pad_sequences: the steps of sequence {k} have shape {kept.shape[1:]}, those of the "
                             f"first non-empty sequence {shape}; every step must have the same shape")
        if padding == "pre":
            out[k, maxlen - len(kept):] = kept
        else:
            out[k, :len(kept)] = kept
    return out
