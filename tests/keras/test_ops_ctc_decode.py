"""keras.ops.ctc_decode and keras.ops.polar against real Keras 3 on the torch backend: greedy and beam-search
decoding on random batches (lengths from 0 to max_length, blank first or last, merge_repeated on and off, one and
three paths, narrow and wide beams), the greedy score's gradient, symbolic use in a functional model, and clear
errors for bad input."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .ops_compare import check_against_keras
from .oracle import real_keras

RNG = np.random.default_rng(5)


def case(batch, steps, classes, scale=1.0):
    """Random logits and sequence lengths (0 to steps, the full length always among them)."""
    logits = (RNG.standard_normal((batch, steps, classes)) * scale).astype(np.float32)
    lengths = RNG.integers(0, steps + 1, size=batch).astype(np.int32)
    lengths[0] = steps
    return logits, lengths


CASES = {"b1_t1": case(1, 1, 3), "b3_t7": case(3, 7, 5), "b4_t12": case(4, 12, 6, scale=3.0),
         "b2_t9_two_classes": case(2, 9, 2), "b5_t15": case(5, 15, 8, scale=0.5)}

GREEDY = {"default": {}, "no_merge": {"merge_repeated": False}, "blank_last": {"mask_index": -1},
          "blank_none": {"mask_index": None}, "blank_last_no_merge": {"mask_index": -1, "merge_repeated": False}}

BEAM = {"top1": {}, "top3": {"top_paths": 3}, "narrow_top3": {"beam_width": 2, "top_paths": 3},
        "width1": {"beam_width": 1}, "blank_last_top3": {"mask_index": -1, "top_paths": 3, "beam_width": 10},
        "wide": {"beam_width": 200, "top_paths": 2}}


def _settings(settings, classes):
    settings = dict(settings)
    if settings.get("mask_index") == -1:   # "the last class", spelled out as Keras's beam search needs it
        settings["mask_index"] = classes - 1
    return settings


@pytest.mark.parametrize("data", sorted(CASES))
@pytest.mark.parametrize("name", sorted(GREEDY))
def test_greedy_matches_keras_with_gradients(data, name):
    logits, lengths = CASES[data]
    settings = _settings(GREEDY[name], logits.shape[2])
    check_against_keras(lambda o, x, n: o.ctc_decode(x, n, **settings), [logits, lengths], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("data", sorted(CASES))
@pytest.mark.parametrize("name", sorted(BEAM))
def test_beam_search_matches_keras(data, name):
    logits, lengths = CASES[data]
    settings = _settings(BEAM[name], logits.shape[2])
    check_against_keras(lambda o, x, n: o.ctc_decode(x, n, strategy="beam_search", **settings),
                        [logits, lengths], grad=False, rtol=1e-5, atol=1e-5)


def test_greedy_ties_and_integer_inputs_match_keras():
    logits = np.round(RNG.standard_normal((3, 8, 4))).astype(np.int64)   # many tied maxima
    lengths = np.array([8, 5, 0], np.int32)
    check_against_keras(lambda o, x, n: o.ctc_decode(x, n), [logits, lengths], grad=False)
    decoded, scores = ours.ops.ctc_decode(logits, lengths)
    assert decoded.dtype == np.int32 and scores.dtype == np.float32


def test_output_structure_and_padding():
    logits = np.full((2, 5, 3), -5.0, np.float32)
    for t, label in enumerate([1, 1, 0, 1, 2]):   # blank 0 between the two 1s keeps both
        logits[:, t, label] = 5.0
    decoded, scores = ours.ops.ctc_decode(logits, np.array([5, 2], np.int32))
    assert decoded.shape == (1, 2, 5) and scores.shape == (2, 1)
    assert decoded.numpy().tolist() == [[[1, 1, 2, -1, -1], [1, -1, -1, -1, -1]]]
    np.testing.assert_allclose(scores.numpy(), [[-25.0], [-10.0]])
    paths, log_probs = ours.ops.ctc_decode(logits, np.array([5, 2], np.int32), strategy="beam_search", top_paths=3)
    assert paths.shape == (3, 2, 5) and log_probs.shape == (2, 3)
    assert paths.numpy()[0].tolist() == [[1, 1, 2, -1, -1], [1, -1, -1, -1, -1]]
    assert (np.diff(log_probs.numpy(), axis=1) <= 0).all()   # best first


def test_float64_inputs_decode_in_float32_as_keras():
    logits, lengths = CASES["b3_t7"]
    for strategy in ("greedy", "beam_search"):
        mine = ours.ops.ctc_decode(ag.tensor(logits.astype(np.float64)), lengths, strategy=strategy)
        again = ours.ops.ctc_decode(logits, lengths, strategy=strategy)
        assert mine[1].dtype == np.float32
        np.testing.assert_array_equal(mine[0].numpy(), again[0].numpy())


@pytest.mark.parametrize("strategy", ["greedy", "beam_search"])
def test_symbolic_use_in_a_functional_model_matches_keras(strategy):
    keras = real_keras()
    import torch
    logits, lengths = CASES["b4_t12"]
    results = []
    for k in (keras, ours):
        x, n = k.Input((12, 6)), k.Input((), dtype="int32")
        decoded, scores = k.ops.ctc_decode(x, n, strategy=strategy, top_paths=3, beam_width=5)
        results.append(((decoded.shape, decoded.dtype), (scores.shape, scores.dtype)))
        model = k.Model([x, n], [decoded, scores])
        if k is keras:
            outs = [o.detach().numpy() for o in model([torch.tensor(logits), torch.tensor(lengths)])]
        else:
            outs = [o.numpy() for o in model([logits, lengths])]
        results.append(outs)
    (spec_k, out_k), (spec_o, out_o) = results[:2], results[2:]
    assert spec_o == spec_k
    np.testing.assert_array_equal(out_o[0], out_k[0])
    np.testing.assert_allclose(out_o[1], out_k[1], rtol=1e-5, atol=1e-5)


POLAR_ABS = np.abs(RNG.standard_normal((3, 4))).astype(np.float32)
POLAR_ANGLE = (RNG.standard_normal((3, 4)) * 3).astype(np.float32)


@pytest.mark.parametrize("name", ["same_shape", "broadcast", "integer"])
def test_polar_matches_keras(name):
    keras = real_keras()
    import torch
    a, b = {"same_shape": (POLAR_ABS, POLAR_ANGLE), "broadcast": (POLAR_ABS, POLAR_ANGLE[:1]),
            "integer": (np.arange(6, dtype=np.int32).reshape(2, 3), np.arange(3, dtype=np.int32))}[name]
    theirs = keras.ops.polar(torch.tensor(a), torch.tensor(b))
    mine = ours.ops.polar(a, b)
    assert mine.shape == tuple(theirs.shape) and str(theirs.dtype).endswith(str(mine.dtype))
    np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-6)
    assert ours.ops.nn.polar is ours.ops.polar and ours.ops.nn.ctc_decode is ours.ops.ctc_decode


def test_polar_gradients_match_keras():
    keras = real_keras()
    import torch
    a, b = torch.tensor(POLAR_ABS, requires_grad=True), torch.tensor(POLAR_ANGLE, requires_grad=True)
    (keras.ops.polar(a, b).abs() ** 3 + keras.ops.polar(a, b).real).sum().backward()
    x, y = ag.tensor(POLAR_ABS, requires_grad=True), ag.tensor(POLAR_ANGLE, requires_grad=True)
    (ours.ops.polar(x, y).abs() ** 3 + ours.ops.polar(x, y).real).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), a.grad.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(y.grad.numpy(), b.grad.numpy(), rtol=1e-5, atol=1e-5)


LOGITS, LENGTHS = CASES["b3_t7"]
BAD = {
    "strategy": (lambda: ours.ops.ctc_decode(LOGITS, LENGTHS, strategy="beam"), "strategy must be"),
    "inputs rank": (lambda: ours.ops.ctc_decode(LOGITS[0], LENGTHS), "inputs must be \\(batch, max_length"),
    "lengths rank": (lambda: ours.ops.ctc_decode(LOGITS, LENGTHS[:, None]), "sequence_lengths must be"),
    "lengths size": (lambda: ours.ops.ctc_decode(LOGITS, LENGTHS[:2]), "sequence_lengths must be"),
    "beam too long": (lambda: ours.ops.ctc_decode(LOGITS, LENGTHS + 1, strategy="beam_search"),
                      "exceeds max_length"),
    "beam blank": (lambda: ours.ops.ctc_decode(LOGITS, LENGTHS, strategy="beam_search", mask_index=5),
                   "mask_index must be"),
    "beam width": (lambda: ours.ops.ctc_decode(LOGITS, LENGTHS, strategy="beam_search", beam_width=0),
                   "at least 1"),
    "symbolic rank": (lambda: ours.ops.ctc_decode(ours.Input((4,)), ours.Input((), dtype="int32")),
                      "inputs must be"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_gets_a_clear_error(name):
    fn, message = BAD[name]
    with pytest.raises((ValueError, TypeError), match=message):
        fn()
