"""A functional model lists its layers (and so its weights) in real Keras 3's order: deepest first, then by first
visit from the outputs. Found by a Keras program whose two inputs and a residual branch made
`set_weights(keras_model.get_weights())` put each kernel into the wrong layer."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras


def _residual(K):
    a = K.Input((3,), name="a")
    short = K.layers.Dense(4, name="short")(a)
    long = K.layers.Dense(4, name="long2")(K.layers.Dense(5, name="long1")(a))
    return K.Model(a, K.layers.Add(name="add")([short, long]))


def _two_inputs(K):
    words, meta = K.Input((6,), name="words", dtype="int32"), K.Input((2,), name="meta")
    x = K.layers.GlobalAveragePooling1D(name="pool")(K.layers.Embedding(9, 3, name="emb")(words))
    h = K.layers.Concatenate(name="cat")([x, K.layers.Dense(3, name="m")(meta)])
    return K.Model([words, meta], [K.layers.Dense(1, name="p")(h), K.layers.Dense(2, name="q")(h)])


def _shared_dict_outputs_unused_input(K):
    a, b, unused = K.Input((4,), name="a"), K.Input((4,), name="b"), K.Input((1,), name="unused")
    shared = K.layers.Dense(3, name="shared")
    deep = K.layers.Dense(4, name="deep")(K.layers.Dense(4, name="pre")(b))
    merged = K.layers.Add(name="merge")([shared(a), shared(deep)])
    return K.Model([a, b, unused], {"z": K.layers.Dense(2, name="z")(merged), "y": K.layers.Dense(1, name="y")(deep)})


def _nested(K):
    inner_in = K.Input((4,), name="inner_in")
    inner = K.Model(inner_in, K.layers.Dense(2, name="inner_dense")(inner_in), name="inner")
    x = K.Input((4,), name="x")
    side = K.layers.Dense(2, name="side")(x)
    return K.Model(x, K.layers.Multiply(name="mul")([side, inner(K.layers.Dense(4, name="pre")(x))]))


@pytest.mark.parametrize("build", [_residual, _two_inputs, _shared_dict_outputs_unused_input, _nested])
def test_layers_and_weights_come_in_keras_order(build):
    keras = real_keras()
    keras.backend.clear_session()
    theirs, mine = build(keras), build(ours)
    assert [l.name for l in mine.layers] == [l.name for l in theirs.layers]
    assert [tuple(w.shape) for w in mine.weights] == [tuple(w.shape) for w in theirs.weights]
    mine.set_weights(theirs.get_weights())
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal((3, *t.shape[1:])).astype(np.float32) if t.dtype.startswith("float")
              else rng.integers(0, 9, (3, *t.shape[1:])) for t in mine.inputs]
    expected, got = theirs.predict(inputs, verbose=0), mine.predict(inputs, verbose=0)
    for key in (sorted(expected) if isinstance(expected, dict) else range(len(expected))) \
            if isinstance(expected, (dict, list)) else [None]:
        want = expected if key is None else expected[key]
        np.testing.assert_allclose(got if key is None else got[key], want, rtol=1e-5, atol=1e-6)
