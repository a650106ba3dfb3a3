"""Regression tests for the bugs found by the twenty-seventh round of ported Keras programs
(tests/keras/test_keras_programs_round27.py), each compared with real Keras 3 (torch backend)."""
import numpy as np
import pytest

from .oracle import fresh_sessions

CONFIGS = [
    {"class_name": "VarianceScaling", "config": {"scale": 2.0, "mode": "fan_out", "distribution": "uniform",
                                                  "seed": 5}},
    {"class_name": "RandomNormal", "config": {"mean": 0.5, "stddev": 0.2, "seed": 3}},
    {"class_name": "TruncatedNormal", "config": {"stddev": 0.3, "seed": 4}},
    {"class_name": "Orthogonal", "config": {"gain": 0.5, "seed": 6}},
    {"class_name": "Constant", "config": {"value": 0.25}},
    {"class_name": "GlorotUniform", "config": {"seed": 1}},
    {"class_name": "HeNormal"},
]


@pytest.mark.parametrize("config", CONFIGS, ids=[c["class_name"] for c in CONFIGS])
def test_initializers_get_takes_a_config_dict_without_module(config):
    """`keras.initializers.get({'class_name': ..., 'config': ...})` (no 'module' key, as users write it) makes the
    keras.initializers class with those arguments, as Keras's get does; deepgrad raised 'Could not locate class'."""
    theirs, ours = fresh_sessions()
    made = [K.initializers.get(dict(config)) for K in (theirs, ours)]
    assert type(made[1]).__name__ == type(made[0]).__name__
    if "seed" in config.get("config", {}) or config["class_name"] == "Constant":
        values = [np.asarray(K.ops.convert_to_numpy(init((8, 6)))) for K, init in zip((theirs, ours), made)]
        np.testing.assert_allclose(values[1], values[0], rtol=1e-6, atol=1e-6)
    assert made[1].get_config() == made[0].get_config()


def test_initializers_get_of_an_unknown_class_name_is_refused_by_both():
    """An unknown class name in such a dict stays refused with Keras's ValueError."""
    theirs, ours = fresh_sessions()
    for K in (theirs, ours):
        with pytest.raises(ValueError):
            K.initializers.get({"class_name": "NoSuchInitializer", "config": {}})


def test_layer_takes_an_initializer_config_dict():
    """A layer given such a dict as `kernel_initializer` builds the same kernel as Keras's."""
    theirs, ours = fresh_sessions()
    kernels = []
    for K in (theirs, ours):
        layer = K.layers.Dense(4, kernel_initializer={"class_name": "RandomUniform",
                                                      "config": {"minval": -0.1, "maxval": 0.3, "seed": 9}})
        layer.build((None, 3))
        kernels.append(np.asarray(K.ops.convert_to_numpy(layer.kernel)))
    np.testing.assert_allclose(kernels[1], kernels[0], rtol=1e-6, atol=1e-7)


def _control_flow_model(K):
    x = K.Input((6, 3), name="x")
    cumulative = K.ops.associative_scan(K.ops.add, x, axis=1)
    doubled = K.ops.vectorized_map(lambda row: row * 2.0, x)
    totals = K.ops.map(lambda row: K.ops.sum(row), x)
    _, running = K.ops.scan(lambda carry, frame: (carry + frame, carry + frame), K.ops.zeros((3,)),
                            K.ops.transpose(cumulative, (1, 0, 2)))
    features = K.layers.Concatenate()([K.layers.Flatten()(cumulative), K.layers.Flatten()(doubled),
                                       K.ops.expand_dims(totals, -1)])
    out = K.layers.Dense(1, name="out")(features)
    shapes = [tuple(t.shape) for t in (cumulative, doubled, totals, running)]
    return K.Model(x, out), shapes


def test_control_flow_ops_taking_a_function_accept_symbolic_inputs():
    """`ops.associative_scan`, `ops.vectorized_map`, `ops.map` and `ops.scan` on a KerasTensor (a functional model
    being built) record a graph node with Keras's output shape; deepgrad tried to read the function as a tensor
    input and raised UnsupportedDataError."""
    theirs, ours = fresh_sessions()
    (k_model, k_shapes), (o_model, o_shapes) = _control_flow_model(theirs), _control_flow_model(ours)
    assert o_shapes == k_shapes
    o_model.set_weights(k_model.get_weights())
    data = np.random.default_rng(27).normal(size=(4, 6, 3)).astype("float32")
    np.testing.assert_allclose(o_model.predict(data, verbose=0), k_model.predict(data, verbose=0), rtol=1e-5,
                               atol=1e-5)
    target = data.sum(axis=(1, 2))[:, None] * 0.1
    losses = []
    for K, model in ((theirs, k_model), (ours, o_model)):
        model.compile(optimizer=K.optimizers.SGD(0.001), loss="mse")
        losses.append(model.fit(data, target, batch_size=2, epochs=2, verbose=0, shuffle=False).history["loss"])
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-5)


def _linalg_model(K):
    m = K.Input((3, 3), name="m")
    spd = K.ops.matmul(m, K.ops.swapaxes(m, 1, 2)) + K.ops.eye(3) * 3.0
    inverse = K.ops.linalg.inv(spd)
    factor = K.ops.linalg.cholesky(spd)
    solved = K.ops.linalg.solve(spd, m)
    lu, _ = K.ops.linalg.lu_factor(spd)
    shapes = [tuple(t.shape) for t in (inverse, factor, solved, lu)]
    return K.Model(m, [inverse, factor, solved, lu]), shapes


def test_linalg_ops_on_symbolic_square_matrices_build_a_functional_model():
    """`ops.linalg.inv`, `cholesky`, `solve` and `lu_factor` of a KerasTensor give Keras's output shapes and a
    model that computes Keras's values; deepgrad's shape probe ran them on zero matrices and raised
    LinAlgError/CholeskyError while the model was being built."""
    theirs, ours = fresh_sessions()
    (k_model, k_shapes), (o_model, o_shapes) = _linalg_model(theirs), _linalg_model(ours)
    assert o_shapes == k_shapes
    data = np.random.default_rng(3).normal(size=(2, 3, 3)).astype("float32")
    for mine, keras_value in zip(o_model.predict(data, verbose=0), k_model.predict(data, verbose=0)):
        np.testing.assert_allclose(mine, keras_value, rtol=1e-4, atol=1e-5)


def test_unique_bincount_and_while_loop_on_symbolic_inputs():
    """`ops.unique` of a KerasTensor has an unknown length (deepgrad's probe on zeros said 1), `size=` fixes it;
    `ops.bincount`'s last axis is unknown (the probe said `minlength`, where the data's largest value decides); and
    `ops.while_loop(cond, body, keras_tensor)` records a node (both functions bound), as in Keras."""
    theirs, ours = fresh_sessions()
    found = []
    for K in (theirs, ours):
        v = K.Input((6,))
        grid = K.Input((4, 5))
        looped = K.ops.while_loop(lambda a: K.ops.sum(a) > 1e9, lambda a: a * 2.0, v)
        counts = K.Input((5,), dtype="int32")
        found.append([tuple(K.ops.unique(v).shape), tuple(K.ops.unique(v, size=4).shape),
                      tuple(K.ops.unique(grid, axis=1).shape), tuple(looped.shape),
                      tuple(K.ops.bincount(counts, minlength=7).shape),
                      tuple(K.ops.bincount(K.ops.reshape(counts, (-1,))).shape)])
    assert found[1] == found[0]
