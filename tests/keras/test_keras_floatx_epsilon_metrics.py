"""keras.config.set_floatx / set_epsilon reaching layers, inputs, initializers, ops, losses and metrics; the
built-in metrics' Keras variables (total, count); BatchNormalization with a mask; Identity's config. Each is
checked against real Keras 3 (torch backend)."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as dk
from nn.keras import masking
from tests.keras.oracle import assert_close_lists, real_keras


def _np(keras, value):
    return np.asarray(keras.ops.convert_to_numpy(value))


@pytest.fixture
def both():
    """Real Keras and ours; floatx and epsilon back to their defaults (and fresh sessions) afterwards."""
    keras = real_keras()
    yield keras, dk
    for lib in (keras, dk):
        lib.config.set_floatx("float32")
        lib.config.set_epsilon(1e-7)
        lib.backend.clear_session(free_memory=False)


@pytest.fixture
def float64(both):
    """Both libraries with floatx 'float64' and a fresh session (so the global dtype policy follows it)."""
    for lib in both:
        lib.config.set_floatx("float64")
        lib.backend.clear_session(free_memory=False)
    return both


# ----- floatx --------------------------------------------------------------------------------------------
def _dense_model(lib):
    inputs = lib.Input((4,))
    hidden = lib.layers.Dense(3, activation="tanh")(inputs)
    return lib.Model(inputs, lib.layers.Dense(1)(hidden))


def _conv_model(lib):
    inputs = lib.Input((5, 5, 1))
    x = lib.layers.Conv2D(2, 3, activation="relu")(inputs)
    x = lib.layers.Flatten()(x)
    return lib.Model(inputs, lib.layers.Dense(1)(x))


@pytest.mark.parametrize("make", [_dense_model, _conv_model], ids=["dense", "conv"])
def test_float64_model_fits_in_float64(float64, make):
    keras, _ = float64
    rng = np.random.default_rng(0)
    shape = (8, 4) if make is _dense_model else (8, 5, 5, 1)
    x, y = rng.random(shape).astype("float32"), rng.random((8, 1))
    keras.utils.set_random_seed(0)
    models = [make(lib) for lib in float64]
    models[1].set_weights([_np(keras, w) for w in models[0].get_weights()])
    results = []
    for lib, model in zip(float64, models):
        model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
        history = model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
        prediction = model.predict(x, verbose=0)
        results.append((str(model.inputs[0].dtype), [str(w.dtype).replace("torch.", "") for w in model.weights],
                        str(prediction.dtype), prediction, history.history["loss"],
                        [_np(lib, w) for w in model.get_weights()]))
    assert results[1][:3] == results[0][:3]
    assert results[0][0] == results[0][2] == "float64" and set(results[0][1]) == {"float64"}
    # Keras's own float64 matmul on torch is off by ~1e-7 (ours matches NumPy's float64 exactly)
    np.testing.assert_allclose(results[1][4], results[0][4], rtol=1e-5)
    np.testing.assert_allclose(results[1][3], results[0][3], rtol=1e-5, atol=1e-6)
    assert_close_lists(results[1][5], results[0][5], rtol=1e-5, atol=1e-6, what="trained weight")


def test_float64_layer_dtypes(float64):
    keras, _ = float64
    seen = []
    for lib in float64:
        dense = lib.layers.Dense(2)
        out = dense(np.ones((1, 3), "float32"))
        bn = lib.layers.BatchNormalization()
        bn.build((None, 3))
        seen.append((dense.dtype, dense.compute_dtype, dense.variable_dtype, str(out.dtype).replace("torch.", ""),
                     [str(w.dtype).replace("torch.", "") for w in dense.weights + bn.weights],
                     str(lib.Input((2,)).dtype),
                     str(lib.initializers.GlorotUniform()((2, 2)).dtype).replace("torch.", ""),
                     str(lib.layers.Embedding(5, 2)(np.array([[1, 2]])).dtype).replace("torch.", ""),
                     str(lib.ops.ones((2,)).dtype).replace("torch.", ""),
                     str(lib.ops.zeros((2,)).dtype).replace("torch.", "")))
    assert seen[1] == seen[0]
    assert seen[0][0] == "float64"


def test_policy_made_before_set_floatx_is_kept(both):
    """As in Keras: the global dtype policy is made by the first layer, so set_floatx reaches new layers only
    after clear_session (Input always follows floatx)."""
    seen = []
    for lib in both:
        first = lib.layers.Dense(2)
        lib.config.set_floatx("float64")
        second = lib.layers.Dense(2)
        row = [first.dtype, second.dtype, str(lib.Input((2,)).dtype)]
        lib.backend.clear_session(free_memory=False)
        row.append(lib.layers.Dense(2).dtype)
        seen.append(row)
    assert seen[1] == seen[0] == ["float32", "float32", "float64", "float64"]


def test_float64_activation_and_convert_to_tensor(float64):
    x = np.random.default_rng(3).standard_normal((3, 4))
    seen = []
    for lib in float64:
        tensor = lib.ops.convert_to_tensor(x)
        seen.append((str(tensor.dtype).replace("torch.", ""), _np(lib, lib.activations.tanh(tensor))))
    assert seen[1][0] == seen[0][0] == "float64"
    np.testing.assert_allclose(seen[1][1], seen[0][1], rtol=1e-12)


def test_float32_layer_casts_float64_tensor_inputs(both):
    """A layer casts float inputs to its dtype (Keras's autocast); autocast=False leaves them."""
    keras, _ = both
    import torch
    x = np.ones((2, 3))
    k_out = keras.layers.Dense(2)(torch.tensor(x))
    ours = dk.layers.Dense(2)(ag.tensor(x))
    assert str(ours.dtype) == str(k_out.dtype).replace("torch.", "") == "float32"
    kept = dk.layers.Activation("relu", autocast=False)(ag.tensor(x))
    assert kept.dtype == np.float64


# ----- epsilon ---------------------------------------------------------------------------------------------
_EPSILON_CASES = {
    "binary_crossentropy": lambda k, t, p: k.losses.binary_crossentropy(t, p),
    "BinaryCrossentropy": lambda k, t, p: k.losses.BinaryCrossentropy()(t, p),
    "categorical_crossentropy": lambda k, t, p: k.losses.categorical_crossentropy(t, p),
    "mape": lambda k, t, p: k.losses.mean_absolute_percentage_error(t, p),
    "msle": lambda k, t, p: k.losses.mean_squared_logarithmic_error(t, p),
    "kl_divergence": lambda k, t, p: k.losses.kl_divergence(t, p),
    "poisson": lambda k, t, p: k.losses.poisson(t, p),
    "dice": lambda k, t, p: k.losses.Dice()(t, p),
    "ops_binary_crossentropy": lambda k, t, p: k.ops.binary_crossentropy(t, p),
    "ops_categorical_crossentropy": lambda k, t, p: k.ops.categorical_crossentropy(t, p),
    "metric_binary_crossentropy": lambda k, t, p: k.metrics.binary_crossentropy(t, p),
    "metric_BinaryCrossentropy": lambda k, t, p: k.metrics.BinaryCrossentropy()(t, p),
}


@pytest.mark.parametrize("case", sorted(_EPSILON_CASES))
def test_set_epsilon_reaches_losses(both, case):
    keras, _ = both
    y_true = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]], "float32")
    y_pred = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], "float32")
    values = []
    for lib in both:
        lib.config.set_epsilon(1e-2)
        values.append(_np(lib, _EPSILON_CASES[case](lib, y_true, y_pred)))
    np.testing.assert_allclose(values[1], values[0], rtol=1e-5, atol=1e-6)
    for lib in both:
        lib.config.set_epsilon(1e-7)
    np.testing.assert_allclose(_np(dk, _EPSILON_CASES[case](dk, y_true, y_pred)),
                               _np(keras, _EPSILON_CASES[case](keras, y_true, y_pred)), rtol=1e-5, atol=1e-5)


def test_set_epsilon_reaches_f1_and_iou(both):
    y_true = np.array([[1, 0, 1], [0, 1, 0]], "float32")
    y_pred = np.array([[0.9, 0.2, 0.4], [0.3, 0.8, 0.1]], "float32")
    values = []
    for lib in both:
        lib.config.set_epsilon(0.5)
        f1 = lib.metrics.F1Score(threshold=0.5)
        f1.update_state(y_true, y_pred)
        iou = lib.metrics.IoU(num_classes=2, target_class_ids=[0, 1])
        iou.update_state([0, 1, 1], [0, 1, 0])
        values.append((_np(lib, f1.result()), _np(lib, iou.result())))
    for ours, theirs in zip(values[1], values[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5)


_EPSILON_OPS = {
    "normalize": lambda k, w: k.ops.normalize(w),
    "rms_normalization": lambda k, w: k.ops.rms_normalization(w),
    "MaxNorm": lambda k, w: k.constraints.MaxNorm(1.0)(k.ops.convert_to_tensor(w)),
    "UnitNorm": lambda k, w: k.constraints.UnitNorm()(k.ops.convert_to_tensor(w)),
}


@pytest.mark.parametrize("case", sorted(_EPSILON_OPS))
def test_set_epsilon_reaches_norm_ops_and_constraints(both, case):
    w = np.array([[0.1, 0.2], [0.05, 0.3]], "float32")
    values = []
    for lib in both:
        lib.config.set_epsilon(0.5)
        values.append(_np(lib, _EPSILON_OPS[case](lib, w)))
    np.testing.assert_allclose(values[1], values[0], rtol=1e-5, atol=1e-7)


# ----- metric variables ------------------------------------------------------------------------------------
_METRIC_CASES = {
    "Mean": (lambda k: k.metrics.Mean(), ([1.0, 2.0, 4.0], [1.0, 1.0, 0.5])),
    "Sum": (lambda k: k.metrics.Sum(), ([1.0, 2.0, 4.0], None)),
    "BinaryAccuracy": (lambda k: k.metrics.BinaryAccuracy(), ([[1], [0], [1]], [[0.7], [0.8], [0.2]])),
    "MeanSquaredError": (lambda k: k.metrics.MeanSquaredError(), ([[1.0], [0.0]], [[0.5], [0.25]])),
    "SparseCategoricalAccuracy": (lambda k: k.metrics.SparseCategoricalAccuracy(),
                                  ([1, 0], [[0.2, 0.8], [0.3, 0.7]])),
    "RootMeanSquaredError": (lambda k: k.metrics.RootMeanSquaredError(), ([[1.0], [0.0]], [[0.5], [0.25]])),
}


def _variables(metric):
    return [(v.name, v.path, tuple(v.shape), str(v.dtype).replace("torch.", ""), float(np.asarray(v.numpy())))
            for v in metric.variables]


@pytest.mark.parametrize("case", sorted(_METRIC_CASES))
def test_builtin_metric_variables(both, case):
    make, (first, second) = _METRIC_CASES[case]
    seen = []
    for lib in both:
        metric = make(lib)
        held = metric.variables   # references taken before the updates see them
        row = [_variables(metric)]
        metric.update_state(first, second) if second is not None else metric.update_state(first)
        metric.update_state(first, second) if second is not None else metric.update_state(first)
        row.append(_variables(metric))
        row.append([float(np.asarray(v.numpy())) for v in held])
        metric.reset_state()
        row.append(_variables(metric))
        seen.append(row)
    assert seen[1] == seen[0]


def test_model_metrics_variables_after_fit_and_evaluate(both):
    """The loss tracker's and compile_metrics' variables hold Keras's running totals."""
    x, y = np.arange(10.0).reshape(5, 2) / 10, np.ones((5, 1))
    seen = []
    for lib in both:
        inputs = lib.Input((2,))
        model = lib.Model(inputs, lib.layers.Dense(1, kernel_initializer="ones")(inputs))
        model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        row = []
        model.fit(x, y, epochs=1, batch_size=2, shuffle=False, verbose=0)
        for run in ("fit", "evaluate"):
            if run == "evaluate":
                model.evaluate(x, y, batch_size=2, verbose=0)
            row.append([(m.name, [(v.path.split("/")[-1], float(_np(lib, v))) for v in m.variables])
                        for m in model.metrics])
        seen.append(row)
    for ours, theirs in zip(seen[1], seen[0]):
        assert [(n, [k for k, _ in vs]) for n, vs in ours] == [(n, [k for k, _ in vs]) for n, vs in theirs]
        np.testing.assert_allclose([v for _, vs in ours for _, v in vs], [v for _, vs in theirs for _, v in vs],
                                   rtol=1e-5)


def test_metric_variables_follow_floatx(float64):
    seen = []
    for lib in float64:
        metric = lib.metrics.Mean()
        metric.update_state([1.0, 2.0])
        seen.append(_variables(metric))
    assert seen[1] == seen[0]
    assert seen[0][0][3] == "float64"


# ----- BatchNormalization with a mask --------------------------------------------------------------------
def _embedded(lib, ids, table):
    embedding = lib.layers.Embedding(5, 3, mask_zero=True,
                                     embeddings_initializer=lib.initializers.Constant(table))
    return embedding, embedding(ids)


def test_batch_normalization_masked_statistics(both):
    keras, _ = both
    rng = np.random.default_rng(1)
    ids = np.array([[1, 2, 0, 0], [3, 1, 2, 0]])
    table = rng.random((5, 3))
    seen = []
    for lib in both:
        embedding, x = _embedded(lib, ids, table)
        bn = lib.layers.BatchNormalization(momentum=0.5)
        trained = bn(x, training=True)
        mask = trained._keras_mask if lib is keras else masking.get_mask(trained)
        inferred = bn(x, training=False)
        seen.append((bn.supports_masking, _np(lib, trained), _np(lib, bn.moving_mean), _np(lib, bn.moving_variance),
                     _np(lib, inferred), _np(lib, mask), _np(lib, bn.compute_mask(x, embedding.compute_mask(ids)))))
    assert seen[1][0] is seen[0][0] is True
    for k in range(1, 5):
        np.testing.assert_allclose(seen[1][k], seen[0][k], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(seen[1][5], seen[0][5])
    np.testing.assert_array_equal(seen[1][6], seen[0][6])


def test_batch_normalization_masked_gradients(both):
    keras, _ = both
    import torch
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, False], [True, True, True, False]])
    cotangent = rng.standard_normal((2, 4, 3)).astype("float32")
    results = []
    for lib in both:
        bn = lib.layers.BatchNormalization(gamma_initializer=lib.initializers.Constant(1.5),
                                           beta_initializer=lib.initializers.Constant(0.25))
        if lib is keras:
            tensor = torch.tensor(x, requires_grad=True)
            out = bn(tensor, training=True, mask=torch.tensor(mask))
            grads = torch.autograd.grad((out * torch.tensor(cotangent)).sum(), [tensor] + [w.value for w in
                                                                                        bn.trainable_weights])
            results.append(([out.detach().numpy()], [g.numpy() for g in grads]))
        else:
            tensor = ag.tensor(x, requires_grad=True)
            out = bn(tensor, training=True, mask=ag.tensor(mask))
            (out * ag.tensor(cotangent)).sum().backward()
            results.append(([out.detach().numpy()], [t.grad.numpy() for t in [tensor] + bn.trainable_weights]))
    assert_close_lists(results[1][0], results[0][0], what="output")
    assert_close_lists(results[1][1], results[0][1], rtol=1e-4, atol=1e-5, what="gradient")


def test_batch_normalization_mask_rank_error(both):
    for lib in both:
        bn = lib.layers.BatchNormalization()
        with pytest.raises(ValueError, match="one dimension less"):
            bn(np.ones((2, 3, 4), "float32"), training=True, mask=np.ones((2,), bool))


# ----- initializers ----------------------------------------------------------------------------------------
def test_identity_initializer_config(both):
    keras, _ = both
    for gain in (1.0, 2.0):
        assert dk.initializers.Identity(gain=gain).get_config() == keras.initializers.Identity(gain=gain).get_config()
    assert dk.initializers.Identity().get_config() == {}
