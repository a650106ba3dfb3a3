"""User code from the Keras guides: a keras.metrics.Metric subclass that makes its state with add_variable /
add_weight and updates it with assign_add, and a hand-written layer normalisation with keras.ops.var; checked
against real Keras 3 (torch backend) with the same weights."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras


def _program(K):
    ops = K.ops

    class MeanAbsMax(K.metrics.Metric):
        def __init__(self, name="mean_abs_max", **kwargs):
            super().__init__(name=name, **kwargs)
            self.total = self.add_variable(shape=(), initializer="zeros", name="total")
            self.count = self.add_weight(shape=(), initializer="zeros", name="count")

        def update_state(self, y_true, y_pred, sample_weight=None):
            values = ops.max(ops.abs(y_true - y_pred), axis=-1)
            self.total.assign_add(ops.sum(values))
            self.count.assign_add(ops.cast(ops.shape(values)[0], "float32"))

        def result(self):
            return ops.divide_no_nan(self.total, self.count)

    class HandNorm(K.layers.Layer):
        def build(self, input_shape):
            self.gamma = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gamma")

        def call(self, x):
            mean, variance = ops.moments(x, axes=[-1], keepdims=True)
            scaled = (x - mean) * ops.rsqrt(variance + 1e-5) + ops.std(x, axis=-1, keepdims=True)
            return x + scaled * self.gamma - ops.var(x, axis=-1, keepdims=True)

    def huberish(y_true, y_pred):
        err = ops.abs(y_true - y_pred)
        quad = ops.minimum(err, 1.0)
        return ops.mean(0.5 * ops.square(quad) + (err - quad), axis=-1)

    inputs = K.Input(shape=(5,))
    outputs = K.layers.Dense(2)(HandNorm()(K.layers.Dense(8, activation="gelu")(inputs)))
    model = K.Model(inputs, outputs)
    model.compile(optimizer=K.optimizers.RMSprop(0.01), loss=huberish, metrics=[MeanAbsMax()])
    return model, MeanAbsMax


def test_metric_subclass_with_add_variable_trains_as_keras():
    keras = real_keras()
    rng = np.random.default_rng(3)
    x = rng.standard_normal((40, 5)).astype(np.float32)
    y = np.stack([x[:, 0] - x[:, 1], np.sin(x[:, 2])], 1).astype(np.float32)
    (theirs, TheirMetric), (mine, MyMetric) = _program(keras), _program(ours)
    mine.set_weights(theirs.get_weights())
    kw = dict(epochs=3, batch_size=10, shuffle=False, verbose=0)
    h_theirs, h_mine = theirs.fit(x, y, **kw), mine.fit(x, y, **kw)
    for key in ("loss", "mean_abs_max"):
        np.testing.assert_allclose(h_mine.history[key], h_theirs.history[key], rtol=1e-4, atol=1e-6, err_msg=key)
    np.testing.assert_allclose(mine.predict(x, verbose=0), keras.ops.convert_to_numpy(theirs.predict(x, verbose=0)),
                               rtol=1e-4, atol=1e-5)
    metric = MyMetric()
    assert [v.name for v in metric.variables] == ["total", "count"]
    metric.update_state(y, np.zeros_like(y))
    assert float(metric.result()) == pytest.approx(float(np.abs(y).max(-1).mean()), rel=1e-6)
    metric.reset_state()
    assert float(metric.result()) == 0.0


def test_variable_assign_checks_the_shape():
    v = ours.Variable("zeros", shape=(2,), name="acc")
    v.assign_add([1.0, 2.0])
    v.assign_sub(0.5)
    np.testing.assert_allclose(v.numpy(), [0.5, 1.5])
    with pytest.raises(ValueError, match=r"'acc'.*shape \(3,\).*shape \(2,\)"):
        v.assign(np.ones(3))
