"""One oracle check shared by the layer test files: build a layer in real Keras and in ours with the same
weights, run both on the same inputs, compare outputs, input gradients and weight gradients."""
import numpy as np

from nn import keras as ours

from .oracle import assert_close_lists, keras_forward_and_grads, our_forward_and_grads, real_keras


def check_layer_against_keras(factory, inputs, rng, rtol=1e-4, atol=1e-5, **kwargs):
    """factory(layers module) -> layer; inputs: one array or a list; kwargs go to both calls."""
    keras = real_keras()
    keras.utils.set_random_seed(1)
    theirs, mine = factory(keras.layers), factory(ours.layers)
    shapes = [a.shape for a in inputs] if isinstance(inputs, list) else inputs.shape
    theirs.build(*shapes) if isinstance(inputs, list) else theirs.build(shapes)
    k_weights = [w + rng.uniform(-0.2, 0.2, w.shape).astype(np.float32) for w in theirs.get_weights()]
    theirs.set_weights(k_weights)   # non-zero biases
    k_out, _ = keras_forward_and_grads(theirs, inputs, [np.zeros(1, np.float32)] * 3, **kwargs)
    cotangent = [rng.standard_normal(o.shape).astype(np.float32) for o in k_out]
    k_out, k_grads = keras_forward_and_grads(theirs, inputs, cotangent, **kwargs)
    if isinstance(inputs, list):
        mine(*[np.zeros(a.shape, np.float32) for a in inputs])
    else:
        mine(np.zeros(inputs.shape, np.float32))
    assert [w.shape for w in mine.get_weights()] == [w.shape for w in k_weights]
    assert [w.name for w in mine.weights] == [w.name for w in theirs.weights]
    mine.set_weights(k_weights)
    o_out, o_grads = our_forward_and_grads(mine, inputs, cotangent, **kwargs)
    assert_close_lists(o_out, k_out, rtol=rtol, atol=atol, what="output")
    assert_close_lists(o_grads, k_grads, rtol=2 * rtol, atol=2 * atol, what="gradient")
    return mine


def _lists(value):
    """Tuples as lists, as a config has them after serialization."""
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def check_config_round_trip(layer, inputs=None):
    """from_config(get_config()) gives a layer with the same config (and, given inputs, the same output shape)."""
    config = layer.get_config()
    again = type(layer).from_config(config)
    assert _lists(again.get_config()) == _lists(config)
    if inputs is not None:
        assert tuple(again(inputs).shape) == tuple(layer(inputs).shape)
