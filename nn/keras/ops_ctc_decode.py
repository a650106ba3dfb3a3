"""keras.ops.ctc_decode (greedy and beam-search decoding of CTC outputs) and keras.ops.polar, as Keras 3 computes
them on the torch backend.

Greedy decoding reads the raw inputs (no softmax): the best class per step, repeats merged, blanks and steps past
the sequence length dropped, the labels packed to the left and padded with -1; its score is minus the sum of the
best values, and gradients flow into it. Beam search works on log_softmax(inputs) and follows Keras's algorithm
step by step (an emit and a blank track per prefix, duplicate prefixes merged in log space after a hash-ordered
dedup, stable sorts), so ties break as Keras breaks them (up to 1-ulp rounding in exp/log, which can only matter
between exactly tied beams); its results carry no gradient. Both decode in float32 whatever the input dtype, as
Keras does."""
import numpy as np

import autograd as ag
from autograd.errors import ArgumentRangeError

from .ops_args import _float, _t
from .symbolic import KerasTensor
from .symbolic_ops import Operation

_PAD = -1
# Keras orders its prefix dedup by a polynomial hash with Knuth's multiplicative constant (int64, wrapping);
# the same hash gives the same order, and so the same winner among equal scores.
_HASH_BASE = 2654435769


def _hash_powers(length):
    return np.array([pow(_HASH_BASE, i, 2 ** 64) for i in range(length)], dtype=np.uint64).view(np.int64)


def _unique_rows(paths, size, powers):
    """The distinct rows of `paths` in hash order, padded with rows of -1 to `size` rows, and the index of each
    input row among them."""
    hashes = ((paths.astype(np.int64) + 1) * powers).sum(axis=1)
    order = np.argsort(hashes, kind="stable")
    rows, keys = paths[order], hashes[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = ~((keys[1:] == keys[:-1]) & (rows[1:] == rows[:-1]).all(axis=1))
    inverse = np.empty(len(rows), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    unique = rows[first]
    if len(unique) < size:
        unique = np.concatenate([unique, np.full((size - len(unique), paths.shape[1]), _PAD, paths.dtype)])
    return unique, inverse


def _merge(inverse, scores, count):
    """log(sum(exp(scores))) per bucket of `inverse` (an empty bucket gives -inf)."""
    peak = scores.max()
    total = np.zeros(count, dtype=scores.dtype)
    np.add.at(total, inverse, np.exp(scores - peak))
    return np.log(total) + peak


def _extend(paths, scores, masked, step, blank):
    """Every prefix followed by every class: a blank or a repeat of the last label leaves the prefix as it is."""
    classes = step.shape[0]
    paths, scores, masked = np.repeat(paths, classes, 0), np.repeat(scores, classes), np.repeat(masked, classes)
    rows = np.arange(len(paths))
    tail = (paths == _PAD).argmax(axis=1)
    last = np.where(tail == 0, _PAD, paths[rows, tail - 1])
    labels = np.arange(classes, dtype=paths.dtype)
    labels[blank] = _PAD
    labels = np.tile(labels, len(paths) // classes)
    emitted_blank = labels == _PAD
    paths[rows, tail] = np.where(~masked & (last == labels), _PAD, labels)
    return paths, scores + np.tile(step, len(paths) // classes), emitted_blank


def _prune(paths, scores, masked, beam_width, size, powers):
    """Merge equal prefixes (emit and blank tracks apart) and keep the beam_width best."""
    unique, inverse = _unique_rows(paths, size, powers)
    emit = _merge(inverse, np.where(masked, -np.inf, scores), len(unique))
    blank = _merge(inverse, np.where(masked, scores, -np.inf), len(unique))
    best = np.argsort(np.logaddexp(emit, blank), kind="stable")[-beam_width:]
    tracks = np.concatenate([np.zeros(len(best), bool), np.ones(len(best), bool)])
    return np.tile(unique[best], (2, 1)), np.concatenate([emit[best], blank[best]]), tracks


def _beam_search_one(x, length, beam_width, top_paths, blank):
    """Beam search over one sequence of log-probabilities x (time, classes), classes already reversed."""
    steps, classes = x.shape
    size, powers = 2 * classes * beam_width, _hash_powers(steps)
    start = min(classes, beam_width)
    paths = np.full((2 * beam_width, steps), _PAD, np.int32)
    first = np.argsort(x[0], kind="stable")[-start:]
    paths[:start, 0] = np.where(first == blank, _PAD, first)
    scores = np.full(2 * beam_width, -np.inf, x.dtype)
    scores[:start] = x[0, first]
    masked = paths[:, 0] == _PAD
    for t in range(1, length):
        paths, scores, masked = _extend(paths, scores, masked, x[t], blank)
        paths, scores, masked = _prune(paths, scores, masked, beam_width, size, powers)
    unique, inverse = _unique_rows(paths, size, powers)
    scores = _merge(inverse, scores, len(unique))
    best = np.argsort(scores, kind="stable")[-top_paths:][::-1]
    return unique[best], scores[best]


def _log_softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _beam_search(x, lengths, beam_width, top_paths, mask_index):
    batch, steps, classes = x.shape
    if not 0 <= mask_index < classes:
        raise ValueError(f"keras.ops.ctc_decode: mask_index must be a class index in [0, {classes}) for beam "
                         f"search, got {mask_index}")
    if (lengths > steps).any():
        raise ValueError(f"keras.ops.ctc_decode: a sequence length exceeds max_length = {steps} (beam search reads "
                         f"every step up to it), got {lengths.tolist()}")
    # Keras reverses the classes so that its ascending sorts break ties towards the lower original class
    logp = _log_softmax(x.numpy())[:, :, ::-1]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        found = [_beam_search_one(logp[b], int(lengths[b]), beam_width, top_paths, classes - mask_index - 1)
                 for b in range(batch)]
    paths = np.stack([p for p, _ in found]).astype(np.int32)
    paths = np.where(paths == _PAD, _PAD, classes - paths - 1).astype(np.int32)
    scores = np.stack([s for _, s in found]).astype(x.dtype)
    return ag.tensor(np.ascontiguousarray(paths.transpose(1, 0, 2))), ag.tensor(scores)


def _greedy(x, lengths, merge_repeated, mask_index):
    batch, steps, _ = x.shape
    best, _ = ag.max(x, dim=-1)
    labels = x.numpy().argmax(axis=-1).astype(np.int32)
    beyond = np.arange(steps)[None, :] >= lengths[:, None]
    labels = np.where(beyond, mask_index, labels)
    if merge_repeated:
        repeat = np.zeros_like(beyond)
        repeat[:, 1:] = labels[:, 1:] == labels[:, :-1]
        labels = np.where(repeat, mask_index, labels)
    keep = labels != mask_index
    order = np.argsort(~keep, axis=1, kind="stable")        # kept labels first, in time order
    decoded = np.where(np.take_along_axis(keep, order, 1), np.take_along_axis(labels, order, 1), _PAD)
    score = -ag.where(ag.tensor(beyond), 0.0, best).sum(dim=1, keepdim=True)
    return ag.tensor(decoded.astype(np.int32)[None]), score


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1, merge_repeated=True,
               mask_index=0):
    """Decode CTC outputs `inputs` (batch, max_length, num_classes), unnormalised logits, with
    `sequence_lengths` (batch,) valid steps each; `mask_index` is the blank class (None: the last class).

    strategy="greedy" returns (decoded, scores): decoded int32 (1, batch, max_length), the best class per step
    with repeats merged (merge_repeated=True) and blanks removed, packed left and padded with -1; scores
    (batch, 1), minus the sum of the best raw values over the valid steps. strategy="beam_search" returns the
    `top_paths` best labellings of a beam search of width `beam_width` over log_softmax(inputs) (repeats are
    always merged): decoded int32 (top_paths, batch, max_length) padded with -1, and their log-probabilities
    (batch, top_paths), best first."""
    if strategy not in ("greedy", "beam_search"):
        raise ValueError(f"keras.ops.ctc_decode: strategy must be 'greedy' or 'beam_search', got {strategy!r}")
    if isinstance(inputs, KerasTensor) or isinstance(sequence_lengths, KerasTensor):
        settings = dict(strategy=strategy, beam_width=beam_width, top_paths=top_paths,
                        merge_repeated=merge_repeated, mask_index=mask_index)
        return _CtcDecode(lambda x, lengths: ctc_decode(x, lengths, **settings), "ctc_decode", settings)(
            inputs, sequence_lengths)
    x = _t(inputs).astype(np.float32)        # Keras decodes in float32 whatever the input dtype
    if x.ndim != 3:
        raise ValueError(f"keras.ops.ctc_decode: inputs must be (batch, max_length, num_classes), got shape "
                         f"{tuple(x.shape)}")
    lengths = np.asarray(_t(sequence_lengths).numpy()).astype(np.int32)
    if lengths.shape != (x.shape[0],):
        raise ValueError(f"keras.ops.ctc_decode: sequence_lengths must be (batch,) = ({x.shape[0]},), got shape "
                         f"{lengths.shape}")
    classes = x.shape[2]
    mask_index = classes - 1 if mask_index is None else int(mask_index)
    if strategy == "greedy":
        return _greedy(x, lengths, merge_repeated, mask_index)
    if int(beam_width) < 1 or int(top_paths) < 1:
        raise ArgumentRangeError(f"keras.ops.ctc_decode: beam_width and top_paths must be at least 1, got "
                                 f"{beam_width} and {top_paths}")
    return _beam_search(x, lengths, int(beam_width), int(top_paths), mask_index)


class _CtcDecode(Operation):
    """ctc_decode as an operation node, with Keras's output specs: the paths axis leads, so the batch axis of
    `decoded` is the second (the generic probe, which puts the batch first, would misplace it)."""

    def __init__(self, fn, op_name, settings):
        super().__init__(fn, op_name)
        self.settings = settings

    def _probe(self, args, kwargs):
        shape = tuple(args[0].shape)
        if len(shape) != 3:
            raise ValueError(f"keras.ops.ctc_decode: inputs must be (batch, max_length, num_classes), got shape "
                             f"{shape}")
        paths = 1 if self.settings["strategy"] == "greedy" else int(self.settings["top_paths"])
        return KerasTensor((paths, shape[0], shape[1]), "int32"), KerasTensor((shape[0], paths), "float32")


ctc_decode._symbolic_wrapper = True   # it records its own operation node


def polar(abs_, angle):
    """The complex tensor abs_ * (cos(angle) + i sin(angle)) (broadcasting; complex64 from float32 parts,
    complex128 from float64), as torch.polar; gradients flow to both arguments."""
    magnitude, angle = _float(abs_), _float(angle)
    return ag.complex(magnitude * ag.cos(angle), magnitude * ag.sin(angle))
