"""keras.ops and operators applied to symbolic tensors while building a functional model (Keras 3 records
them as operations), against real Keras 3 (torch backend): the model computes what Keras's computes, lists
only real layers in model.layers, trains, and keeps Keras's weight order."""
import numpy as np

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(41)
X = RNG.standard_normal((6, 4)).astype(np.float32)
IDS = np.array([[3, 1, 0, 0], [2, 2, 5, 0]], np.int32)


def _model(K):
    ops, layers = K.ops, K.layers
    inputs, ids = K.Input((4,), name="x"), K.Input((4,), dtype="int32", name="ids")
    h = layers.Dense(3, name="d1")(inputs)
    h = ops.relu(h) * 2.0 - 1.0
    mask = ops.cast(ops.not_equal(ids, 0), "float32")
    pooled = ops.sum(layers.Embedding(6, 3, name="emb")(ids) * ops.expand_dims(mask, -1), axis=1)
    joined = ops.concatenate([h, pooled / ops.maximum(ops.sum(mask, axis=1, keepdims=True), 1.0)], axis=-1)
    out = layers.Dense(1, name="d2")(-joined[:, 1:])
    model = K.Model([inputs, ids], out)
    init = np.random.default_rng(0)
    for w in model.weights:
        w.assign(init.uniform(-0.5, 0.5, size=tuple(w.shape)).astype("float32"))
    return model, (tuple(h.shape), tuple(joined.shape), K.ops.shape(inputs), str(mask.dtype))


def test_ops_on_symbolic_tensors_build_a_model_that_matches_keras():
    keras = real_keras()
    (theirs, t_shapes), (mine, m_shapes) = _model(keras), _model(ours)
    assert m_shapes == t_shapes
    assert [layer.name for layer in mine.layers] == [layer.name for layer in theirs.layers]
    assert [tuple(w.shape) for w in mine.weights] == [tuple(w.shape) for w in theirs.weights]
    np.testing.assert_allclose(mine.predict([X[:2], IDS], verbose=0), theirs.predict([X[:2], IDS], verbose=0),
                               rtol=1e-5, atol=1e-6)
    histories = []
    for K, model in ((keras, theirs), (ours, mine)):
        model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
        histories.append(model.fit([X[:2], IDS], np.ones((2, 1), np.float32), epochs=3, verbose=0).history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-5)


def test_ops_without_symbolic_tensors_still_compute_at_once():
    assert float(ours.ops.sum(ours.ops.relu(np.array([-1.0, 2.0, 3.0], np.float32)))) == 5.0
    assert ours.ops.shape(np.zeros((2, 3))) == (2, 3)
