"""`layer.input` / `layer.output` as Keras 3 gives them: one tensor for one, else a flat list of the call's symbolic
tensors (an LSTM with return_state listed its output and states as a tuple, a layer on a dict its dict)."""
import pytest

from tests.keras.oracle import real_keras


def _lstm_with_states(k):
    x = k.Input((5, 3), name="x")
    layer = k.layers.LSTM(4, return_state=True, name="lstm")
    layer(x)
    return layer


def _dict_input(k):
    class Sum(k.layers.Layer):
        def call(self, inputs):
            return inputs["a"] + inputs["b"]
    layer = Sum(name="sum")
    layer({"b": k.Input((2,), name="b"), "a": k.Input((2,), name="a")})
    return layer


def _attention(k):
    layer = k.layers.MultiHeadAttention(2, 4, name="mha")
    layer(k.Input((3, 8), name="q"), k.Input((6, 8), name="v"))
    return layer


def _dense(k):
    layer = k.layers.Dense(2, name="d")
    layer(k.Input((3,), name="x"))
    return layer


def _describe(value):
    if isinstance(value, (list, tuple, dict)):
        return type(value).__name__, [tuple(t.shape) for t in value]
    return "tensor", tuple(value.shape)


@pytest.mark.parametrize("build", [_lstm_with_states, _dict_input, _attention, _dense],
                         ids=["lstm_states", "dict_input", "attention", "dense"])
def test_layer_input_and_output_are_keras_structures(build):
    from nn import keras as ours
    theirs = real_keras()
    a, b = build(ours), build(theirs)
    assert _describe(a.input) == _describe(b.input)
    assert _describe(a.output) == _describe(b.output)
