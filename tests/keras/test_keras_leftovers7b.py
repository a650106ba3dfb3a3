"""Keras differences left by round 7, checked against Keras 3 (torch backend) directly: Bidirectional's
`weights=` argument and its compute_mask with return_state=True."""
import numpy as np
import pytest

from tests.keras.oracle import fresh_sessions


def _weights_given(keras):
    """A Bidirectional(LSTM) made with weights=[...] (the halves for each direction), built for (None, 3, 4):
    what Keras keeps of the given weights."""
    shapes = [(4, 8), (2, 8), (8,), (4, 8), (2, 8), (8,)]
    given = [np.full(shape, 0.1 * (k + 1), dtype="float32") for k, shape in enumerate(shapes)]
    layer = keras.layers.Bidirectional(keras.layers.LSTM(2), weights=given)
    model = keras.Sequential([keras.Input((3, 4)), layer])
    weights = layer.get_weights()
    return dict(shapes=[w.shape for w in weights], given_kept=any(np.array_equal(w, g) for w, g in zip(weights, given)),
                forward_initial=len(layer.forward_layer.initial_weights),
                backward_initial=len(layer.backward_layer.initial_weights),
                output=tuple(model(np.ones((1, 3, 4), dtype="float32")).shape),
                config_keys=sorted(layer.get_config()))


def test_bidirectional_takes_weights_as_keras_does():
    theirs, ours = fresh_sessions()
    # Keras accepts weights= and keeps each half on its direction as initial_weights, which it never applies
    assert _weights_given(ours) == _weights_given(theirs)


def _masks(keras, return_state, return_sequences, merge_mode):
    layer = keras.layers.Bidirectional(keras.layers.LSTM(2, return_state=return_state,
                                                         return_sequences=return_sequences), merge_mode=merge_mode)
    layer.build((2, 3, 4))
    inputs = np.ones((2, 3, 4), dtype="float32")
    mask = np.array([[1, 1, 0], [1, 0, 0]], dtype=bool)

    def plain(value):
        if isinstance(value, (list, tuple)):
            return (type(value).__name__, [plain(v) for v in value])
        return None if value is None else np.asarray(keras.ops.convert_to_numpy(value)).tolist()
    return plain(layer.compute_mask(inputs, mask))


@pytest.mark.parametrize("merge_mode", ["concat", None])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("return_state", [False, True])
def test_bidirectional_compute_mask_is_keras(return_state, return_sequences, merge_mode):
    theirs, ours = fresh_sessions()
    assert _masks(ours, return_state, return_sequences, merge_mode) == \
        _masks(theirs, return_state, return_sequences, merge_mode)


def _masked_states_model(keras):
    """A masked Bidirectional(LSTM, return_state=True, return_sequences=True) called eagerly: which outputs carry
    a mask, and their values."""
    layer = keras.layers.Bidirectional(keras.layers.LSTM(2, return_state=True, return_sequences=True))
    inputs = np.arange(24, dtype="float32").reshape(2, 3, 4) / 24.0
    inputs[1, 2] = 0.0
    masked = keras.layers.Masking(0.0)(inputs)
    outputs = layer(masked)
    return [getattr(o, "_keras_mask", None) is not None for o in outputs], [tuple(o.shape) for o in outputs]


def test_a_masked_bidirectional_with_states_masks_only_its_output_as_keras():
    theirs, ours = fresh_sessions()
    assert _masked_states_model(ours) == _masked_states_model(theirs)


def test_a_stateful_bidirectional_with_states_is_refused_as_keras():
    theirs, ours = fresh_sessions()
    for keras in (theirs, ours):
        layer = keras.layers.Bidirectional(keras.layers.LSTM(2, return_state=True, stateful=True,
                                                             return_sequences=True))
        with pytest.raises(TypeError):
            layer(np.ones((2, 3, 4), dtype="float32"))
