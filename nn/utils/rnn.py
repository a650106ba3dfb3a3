"""Variable-length sequences for the recurrent layers, as torch.nn.utils.rnn: pad_sequence, pack_padded_sequence,
pad_packed_sequence, pack_sequence (and unpad_sequence, unpack_sequence) and the PackedSequence they make.

A PackedSequence holds the steps of a batch of sequences sorted by length, longest first, time-major:
`data` (sum(lengths), *) is step 0 of every sequence, then step 1 of those at least 2 long, ...;
`batch_sizes[t]` (int64, on the CPU) counts the sequences still running at step t; `sorted_indices[k]` is
the batch index of the k-th longest sequence and `unsorted_indices` its inverse (both None when the batch
came sorted). Packing and padding are gathers, so gradients flow through them.
"""
from collections import namedtuple

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.function import named
from autograd.errors import ArgumentKindError, ArgumentRangeError, DimRangeError, DtypeError, ShapeError

from .packed_casts import PackedCasts


def _host(t):
    """A Tensor, list or array of integers as a NumPy int64 array."""
    return np.asarray(t.numpy() if isinstance(t, Tensor) else t, dtype=np.int64)


def _invert(order):
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return inverse


def invert_permutation(permutation):
    """The inverse of the 1-D integer `permutation` (out[permutation[i]] = i), as a tensor like it; None gives
    None. It turns a PackedSequence's sorted_indices into its unsorted_indices."""
    if permutation is None:
        return None
    if not isinstance(permutation, Tensor) or permutation.ndim != 1 or permutation.dtype.kind not in "iu":
        got = (f"a {permutation.ndim}-D {permutation.dtype} tensor" if isinstance(permutation, Tensor)
               else type(permutation).__name__)
        raise DtypeError(f"invert_permutation: expects a 1-D integer tensor of indices, got {got}")
    positions = ag.arange(permutation.numel(), dtype=permutation.dtype, device=permutation.device)
    return ag.empty_like(permutation).scatter_(0, permutation.long(), positions)


class PackedSequence(PackedCasts, namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices",
                                                              "unsorted_indices"])):
    """A packed batch of variable-length sequences (see the module docstring): a tuple
    (data, batch_sizes, sorted_indices, unsorted_indices). Made by pack_padded_sequence or pack_sequence;
    recurrent layers take one and return one."""

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if batch_sizes is None:
            raise ValueError("PackedSequence: batch_sizes is required; build packed batches with "
                             "pack_padded_sequence or pack_sequence")
        if not isinstance(batch_sizes, Tensor):
            batch_sizes = ag.tensor(_host(batch_sizes))
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = ag.tensor(_invert(_host(sorted_indices)), device=sorted_indices.device)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """The same packed batch with `data` moved/cast as Tensor.to does (indices follow the device;
        batch_sizes stays on the CPU)."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        move = (lambda t: None if t is None else t.to(data.device))
        return type(self)(data, self.batch_sizes, move(self.sorted_indices), move(self.unsorted_indices))

    @property
    def is_cuda(self):
        """Whether `data` lives on a CUDA device."""
        return self.data.device.xp.__name__ == "cupy"

    def batch_orders(self, batch):
        """(sorted_indices, unsorted_indices) as NumPy arrays, the identity order of `batch` sequences when the
        batch came sorted."""
        if self.sorted_indices is None:
            return np.arange(batch), np.arange(batch)
        return _host(self.sorted_indices), _host(self.unsorted_indices)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack Tensors of shapes (L_i, *) into one (max L, B, *) Tensor ((B, max L, *) with batch_first), filling
    the missing steps with padding_value after each sequence ('right') or before it ('left')."""
    sequences = list(sequences)
    if not sequences:
        raise ArgumentRangeError("pad_sequence: got no sequences; pass a non-empty list of (L, *) Tensors")
    if padding_side not in ("right", "left"):
        raise ArgumentRangeError(f"pad_sequence: padding_side must be 'right' or 'left', got {padding_side!r}")
    for k, s in enumerate(sequences):
        if not isinstance(s, Tensor):
            raise ArgumentKindError(f"pad_sequence: expected a Tensor as element {k} of sequences, got "
                                    f"{type(s).__name__}; convert each sequence with torch.tensor(...)")
    rest = tuple(sequences[0].shape[1:])
    for k, s in enumerate(sequences):
        if not isinstance(s, Tensor) or s.ndim < 1 or tuple(s.shape[1:]) != rest:
            raise ShapeError(f"pad_sequence: every sequence must be a Tensor (L, *{rest}) like the first; "
                             f"sequence {k} has shape {getattr(s, 'shape', type(s).__name__)}")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        missing = longest - s.shape[0]
        if missing:
            fill = ag.full((missing,) + rest, padding_value, dtype=s.dtype, device=s.device)
            s = ag.cat([s, fill] if padding_side == "right" else [fill, s], 0)
        padded.append(s)
    return ag.stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences (L_i, *) that pad_sequence(..., padding_side='right') padded."""
    lengths = _host(lengths)
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    if len(lengths) != x.shape[0]:   # PyTorch zips the two with strict=True
        raise ShapeError(f"unpad_sequence: {len(lengths)} lengths for a batch of {x.shape[0]} sequences (padded shape "
                         f"{tuple(padded_sequences.shape)}, batch_first={batch_first}); pass one length per sequence")
    return [x[b, :int(n)] for b, n in enumerate(lengths)]


def _check_lengths(lengths, batch, steps, enforce_sorted):
    if lengths.ndim != 1 or len(lengths) != batch:
        raise ShapeError(f"pack_padded_sequence: lengths must hold one length per sequence ({batch}), got shape "
                         f"{lengths.shape}")
    # PyTorch's sentences first (code matches their text), then deepgrad's details
    if batch and lengths.min() < 1:
        raise ArgumentRangeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                                 f"that is <= 0 (pack_padded_sequence: every length must be in [1, {steps}], the "
                                 f"padded length; got {lengths.tolist()})")
    if batch and lengths.max() > steps:
        raise ArgumentRangeError(f"pack_padded_sequence: every length must be in [1, {steps}] (the padded length), "
                                 f"got {lengths.tolist()}")
    if enforce_sorted and np.any(np.diff(lengths) > 0):
        raise ArgumentRangeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                                 f"pack_padded_sequence: lengths {lengths.tolist()} are not sorted; sort the batch or "
                                 "pass enforce_sorted=False")


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T, B, *) ((B, T, *) with batch_first) whose sequence b is lengths[b] steps long
    (a list or int64 Tensor) into a PackedSequence. With enforce_sorted (the default) lengths must be in
    decreasing order; enforce_sorted=False sorts the batch and records the order to undo it."""
    if not isinstance(input, Tensor) or input.ndim < 2:
        error = DimRangeError if isinstance(input, Tensor) else ArgumentKindError   # PyTorch's IndexError / TypeError
        raise error(f"pack_padded_sequence: input must be a Tensor (T, B, *), got "
                    f"{getattr(input, 'shape', type(input).__name__)}")
    batch_dim = 0 if batch_first else 1
    steps, batch = input.shape[1 - batch_dim], input.shape[batch_dim]
    lengths = _host(lengths)
    _check_lengths(lengths, batch, steps, enforce_sorted)
    order = None
    if not enforce_sorted:   # as PyTorch: the batch is put in length order first (IndexSelectBackward0)
        order = np.argsort(-lengths, kind="stable")
        lengths = lengths[order]
        input = input.index_select(batch_dim, ag.tensor(order, device=input.device))
    x = input.transpose(0, 1) if batch_first else input
    rest = tuple(x.shape[2:])
    batch_sizes = (lengths[None, :] > np.arange(lengths[0])[:, None]).sum(1)
    rows = np.concatenate([t * batch + np.arange(n) for t, n in enumerate(batch_sizes)])
    data = named(x.reshape((steps * batch,) + rest)[rows], "PackPaddedSequenceBackward0")
    if enforce_sorted:
        return PackedSequence(data, batch_sizes)
    return PackedSequence(data, batch_sizes, ag.tensor(order, device=input.device))


class NotPackedError(TypeError, AttributeError):
    """A plain tensor where a PackedSequence is wanted: a TypeError as deepgrad raised before, and PyTorch's
    AttributeError (it reads .batch_sizes)."""


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo pack_padded_sequence -> (padded (T, B, *) ((B, T, *) with batch_first), lengths int64 (B,)) in the
    batch's original order; T is the longest length, or total_length (>= it) when given."""
    if not isinstance(sequence, PackedSequence):
        raise NotPackedError(f"pad_packed_sequence: expects a PackedSequence, got {type(sequence).__name__}; pack the "
                             "batch first (pack_padded_sequence / pack_sequence), or use the padded tensor as it is")
    data, sizes = sequence.data, _host(sequence.batch_sizes)
    steps, batch, rest = len(sizes), int(sizes[0]), tuple(data.shape[1:])
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"pad_packed_sequence: total_length ({total_length}) is shorter than the longest "
                             f"sequence ({steps})")
        steps = int(total_length)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rows = np.full((steps, batch), data.shape[0], dtype=np.int64)  # the padding row by default
    for t, (start, n) in enumerate(zip(starts, sizes)):
        rows[t, :n] = start + np.arange(n)
    fill = ag.full((1,) + rest, padding_value, dtype=data.dtype, device=data.device)
    # in length order, as PyTorch's kernel writes it (its node: the copies into the output's slices)
    padded = ag.cat([data, fill], 0)[rows.reshape(-1)].reshape((steps, batch) + rest)
    padded = named(padded, "torch::autograd::CopySlices")
    if batch_first:
        padded = padded.transpose(0, 1)
    lengths = (sizes[None, :] > np.arange(batch)[:, None]).sum(1)
    if sequence.sorted_indices is None:
        return padded, ag.tensor(lengths)
    unsorted = sequence.unsorted_indices   # back to the batch's own order (IndexSelectBackward0)
    return padded.index_select(0 if batch_first else 1, unsorted), ag.tensor(lengths[_host(unsorted)])


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of Tensors (L_i, *) into a PackedSequence (longest first unless enforce_sorted=False)."""
    sequences = list(sequences)
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences (L_i, *) a PackedSequence holds, in the batch's original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
