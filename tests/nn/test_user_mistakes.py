"""Mistakes a newcomer makes, each answered with an error that names the op, the shapes/dtypes and a fix
that works (found by running user programs against deepgrad)."""
import pytest

import autograd as ag
import nn


def test_integer_batch_into_a_float_layer_suggests_converting_the_input_only():
    conv = nn.Conv2d(3, 8, 3)
    with pytest.raises(TypeError, match=r"conv2d: input is int64 but weight is float32.*x\.float\(\)") as info:
        conv(ag.ones(1, 3, 8, 8, dtype=ag.int64))
    assert "layer.to" not in str(info.value)           # an int64 layer cannot train: not a fix
    with pytest.raises(TypeError, match=r"layer\.to\(ag\.float64\)"):
        conv(ag.ones(1, 3, 8, 8, dtype=ag.float64))


@pytest.mark.parametrize("layer", [nn.GRU(7, 12), nn.RNN(7, 12)], ids=["GRU", "RNN"])
def test_gru_and_rnn_given_an_lstm_state_tuple_say_so(layer):
    with pytest.raises(ValueError, match=r"hx must be one Tensor h_0, got tuple \(only an LSTM takes"):
        layer(ag.randn(9, 6, 7), (ag.zeros(1, 6, 12), ag.zeros(1, 6, 12)))


def test_cross_entropy_on_unflattened_sequence_logits_says_to_flatten():
    import autograd as ag
    import nn.functional as F
    logits, target = ag.randn(2, 5, 7), ag.randint(0, 7, (2, 5))
    with pytest.raises(ValueError, match=r"targets of shape Size\(\[2, 7\]\), got \(2, 5\).*reshape\(-1, 7\)"):
        F.cross_entropy(logits, target)


def test_conv2d_on_a_2d_input_names_its_dims():
    import autograd as ag
    import nn
    with pytest.raises(ValueError, match=r"expected input \(N, C, H, W\) or \(C, H, W\), got a 2-D input of shape Size\(\[3, 8\]\)"):
        nn.Conv2d(3, 4, 3)(ag.randn(3, 8))
