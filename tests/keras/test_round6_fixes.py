"""Regression tests for the bugs found by the sixth round of ported Keras programs
(tests/keras/test_keras_programs_round6.py), each compared with real Keras 3 (torch backend): the `axis` of the
cross-entropy losses (ignored before), the missing losses CategoricalGeneralizedCrossEntropy and Circle, the
missing OrthogonalRegularizer, weight constraints that Conv1D silently dropped and that Embedding, the transposed,
depthwise and separable convolutions refused, VarianceScaling's config order, and the missing
keras.layers.ReversibleEmbedding, keras.callbacks.CallbackList / SwapEMAWeights, keras.ops.vectorize / jvp and
keras.optimizers.Muon / ScheduleFreeAdamW, keras.name_scope / keras.device / keras.utils.Config, and
keras.optimizers.get of a config dict, LayerNormalization over several axes, relu's combined options, activations
on NumPy arrays, EinsumDense's constraints and config, keras.random.binomial with float counts and
SeedGenerator's state Variable, from_config / model_from_json of the configs real Keras writes, and the configs of the pooling and recurrent
layers."""
import numpy as np
import pytest

from nn import keras

from .oracle import real_keras


def _np(value):
    return np.asarray(keras.ops.convert_to_numpy(value)) if not hasattr(value, "detach") else \
        value.detach().cpu().numpy()


@pytest.mark.parametrize("name, kwargs", [("BinaryCrossentropy", {"axis": 0}),
                                          ("BinaryCrossentropy", {"axis": 0, "from_logits": True}),
                                          ("CategoricalCrossentropy", {"axis": 0}),
                                          ("CategoricalCrossentropy", {"axis": 0, "from_logits": True,
                                                                       "label_smoothing": 0.2})])
def test_cross_entropy_axis_is_the_axis_keras_reduces(name, kwargs):
    """BinaryCrossentropy(axis=0) averaged over the last axis anyway (6 values where Keras gives 3: e.g.
    [1.22362, 1.12144, ...] for Keras's [0.85723, 1.8554, 0.53576]); CategoricalCrossentropy(axis=0) summed
    over the last axis (4 values where Keras gives 6)."""
    K = real_keras()
    rng = np.random.default_rng(0)
    y_true = np.eye(4, dtype="float32")[rng.integers(0, 4, 6)].T.copy()
    y_pred = rng.uniform(0.05, 1.0, (4, 6)).astype("float32")
    theirs = getattr(K.losses, name)(reduction=None, **kwargs)(y_true, y_pred)
    mine = getattr(keras.losses, name)(reduction=None, **kwargs)(y_true, y_pred)
    np.testing.assert_allclose(_np(mine), _np(theirs), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="axis=5 is not an axis of y_pred"):
        keras.losses.categorical_crossentropy(y_true, y_pred, axis=5)


def test_categorical_generalized_cross_entropy_as_keras():
    """keras.losses.CategoricalGeneralizedCrossEntropy and its function were missing (AttributeError)."""
    K = real_keras()
    rng = np.random.default_rng(1)
    probs = rng.dirichlet(np.ones(3), 5).astype("float32")
    labels = np.array([0, 2, 1, 1, 0])
    for kwargs in ({}, {"q": 0.2, "reduction": "sum"}, {"q": 0.9, "reduction": None}):
        theirs = K.losses.CategoricalGeneralizedCrossEntropy(**kwargs)(labels, probs)
        mine = keras.losses.CategoricalGeneralizedCrossEntropy(**kwargs)(labels[:, None], probs)
        np.testing.assert_allclose(_np(mine), _np(theirs), rtol=1e-5)
    assert keras.losses.CategoricalGeneralizedCrossEntropy(q=0.3).get_config() == \
        K.losses.CategoricalGeneralizedCrossEntropy(q=0.3).get_config()
    with pytest.raises(ValueError, match="q must be in the interval"):
        keras.losses.CategoricalGeneralizedCrossEntropy(q=1.5)


def test_circle_loss_as_keras_with_lonely_classes_masked():
    """keras.losses.Circle / circle were missing; an example with no positive pair gives 0 and is left out of
    the mean, as Keras masks it."""
    K = real_keras()
    import torch
    rng = np.random.default_rng(2)
    emb = rng.standard_normal((8, 5)).astype("float32")
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    labels = np.array([0, 0, 1, 1, 2, 3, 3, 3])
    for kwargs in ({}, {"gamma": 10.0, "margin": 0.3}, {"remove_diagonal": False}, {"reduction": "sum"},
                   {"reduction": None}):
        theirs = K.losses.Circle(**kwargs)(labels, emb)
        mine = keras.losses.Circle(**kwargs)(labels, emb)
        np.testing.assert_allclose(_np(mine), _np(theirs), rtol=1e-5, atol=1e-5)
    ref = rng.standard_normal((4, 5)).astype("float32")
    theirs = K.losses.circle(labels, torch.tensor(emb), ref_labels=np.array([0, 1, 2, 3]),
                             ref_embeddings=torch.tensor(ref))
    mine = keras.losses.circle(labels, emb, ref_labels=np.array([0, 1, 2, 3]), ref_embeddings=ref)
    np.testing.assert_allclose(_np(mine), _np(theirs), rtol=1e-5, atol=1e-5)
    assert keras.losses.Circle(gamma=3.0).get_config() == K.losses.Circle(gamma=3.0).get_config()


@pytest.mark.parametrize("mode", ["rows", "columns"])
def test_orthogonal_regularizer_value_and_gradient_as_keras(mode):
    """keras.regularizers.OrthogonalRegularizer was missing."""
    K = real_keras()
    import torch
    w = np.random.default_rng(3).standard_normal((4, 3)).astype("float32")
    theirs_w = torch.tensor(w, requires_grad=True)
    theirs = K.regularizers.OrthogonalRegularizer(0.3, mode)(theirs_w)
    theirs.backward()
    import autograd as ag
    mine_w = ag.tensor(w, requires_grad=True)
    mine = keras.regularizers.OrthogonalRegularizer(0.3, mode)(mine_w)
    mine.backward()
    np.testing.assert_allclose(mine.item(), theirs.item(), rtol=1e-5)
    np.testing.assert_allclose(mine_w.grad.numpy(), theirs_w.grad.numpy(), rtol=1e-4, atol=1e-6)
    assert type(keras.regularizers.get("orthogonal_regularizer")).__name__ == "OrthogonalRegularizer"
    with pytest.raises(ValueError, match="rank 2"):
        keras.regularizers.OrthogonalRegularizer()(ag.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="mode must be one of"):
        keras.regularizers.OrthogonalRegularizer(mode="diagonal")


def _constrained(k, layer_fn, shape):
    model = k.Sequential([k.Input(shape), layer_fn(k), k.layers.Flatten(), k.layers.Dense(1)])
    init = np.random.default_rng(4)
    model.set_weights([init.uniform(-0.8, 0.8, size=w.shape).astype("float32") for w in model.get_weights()])
    rng = np.random.default_rng(5)
    x = rng.standard_normal((8,) + shape).astype("float32")
    model.compile(optimizer=k.optimizers.SGD(0.05), loss="mse")
    model.fit(x, rng.standard_normal((8, 1)).astype("float32"), epochs=2, batch_size=4, shuffle=False, verbose=0)
    return model.get_weights()


LAYERS = {
    "conv1d": (lambda k: k.layers.Conv1D(3, 2, kernel_constraint=k.constraints.UnitNorm(axis=[0, 1]),
                                         bias_constraint=k.constraints.NonNeg()), (5, 2)),
    "conv1d_transpose": (lambda k: k.layers.Conv1DTranspose(2, 2, kernel_constraint=k.constraints.MaxNorm(0.5)),
                         (4, 3)),
    "conv2d_transpose": (lambda k: k.layers.Conv2DTranspose(2, 2, bias_constraint=k.constraints.NonNeg(),
                                                            kernel_constraint=k.constraints.UnitNorm()), (3, 3, 2)),
    "depthwise": (lambda k: k.layers.DepthwiseConv2D(2, depthwise_constraint=k.constraints.MaxNorm(0.3)), (4, 4, 2)),
    "separable": (lambda k: k.layers.SeparableConv1D(3, 2, depthwise_constraint=k.constraints.NonNeg(),
                                                     pointwise_constraint=k.constraints.UnitNorm()), (5, 2)),
    "embedding": (lambda k: k.layers.Embedding(7, 3, embeddings_constraint=k.constraints.MaxNorm(0.4)), None),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_weight_constraints_apply_during_fit_as_keras(name):
    """Conv1D accepted kernel_constraint / bias_constraint and silently never applied them (after fit its
    kernel norms were [1.19, 1.22, ...] where Keras's are all 1.0); Embedding, the transposed, depthwise and
    separable convolutions refused constraints with ValueError."""
    K = real_keras()
    layer_fn, shape = LAYERS[name]
    if shape is None:   # Embedding: integer ids
        def run(k):
            model = k.Sequential([k.Input((4,), dtype="int32"), layer_fn(k), k.layers.Flatten(), k.layers.Dense(1)])
            init = np.random.default_rng(4)
            model.set_weights([init.uniform(-0.8, 0.8, size=w.shape).astype("float32") for w in model.get_weights()])
            x = np.random.default_rng(5).integers(0, 7, (8, 4)).astype("int32")
            model.compile(optimizer=k.optimizers.SGD(0.5), loss="mse")
            model.fit(x, np.linspace(-2, 2, 8)[:, None].astype("float32"), epochs=2, batch_size=4, shuffle=False,
                      verbose=0)
            return model.get_weights()
        theirs, mine = run(K), run(keras)
    else:
        theirs, mine = _constrained(K, layer_fn, shape), _constrained(keras, layer_fn, shape)
    for a, b in zip(mine, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_variance_scaling_config_in_keras_order():
    """VarianceScaling.get_config listed input_axes / output_axes before scale, mode and distribution."""
    K = real_keras()
    assert list(keras.initializers.VarianceScaling(0.5, seed=1).get_config()) == \
        list(K.initializers.VarianceScaling(0.5, seed=1).get_config())


def _tied(k, tie):
    ids = k.Input((5,), dtype="int32")
    table = k.layers.ReversibleEmbedding(9, 4, tie_weights=tie, logit_soft_cap=3.0, mask_zero=True)
    hidden = k.layers.Dense(4, activation="tanh")(table(ids))
    model = k.Model(ids, table(hidden, reverse=True))
    init = np.random.default_rng(6)
    model.set_weights([init.uniform(-0.6, 0.6, size=w.shape).astype("float32") for w in model.get_weights()])
    x = np.random.default_rng(7).integers(0, 9, (6, 5)).astype("int32")
    model.compile(optimizer=k.optimizers.Adam(0.05),
                  loss=k.losses.SparseCategoricalCrossentropy(from_logits=True))
    losses = model.fit(x, (x + 1) % 9, epochs=2, batch_size=3, shuffle=False, verbose=0).history["loss"]
    return [w.path for w in model.weights], losses, model.predict(x, verbose=0)


@pytest.mark.parametrize("tie", [True, False])
def test_reversible_embedding_trains_as_keras(tie):
    """keras.layers.ReversibleEmbedding was missing; its forward output carries the padding mask (so the loss
    skips padded ids) while compute_mask answers None, as Keras."""
    K = real_keras()
    their_paths, their_losses, their_pred = _tied(K, tie)
    my_paths, my_losses, my_pred = _tied(keras, tie)
    assert my_paths == their_paths
    np.testing.assert_allclose(my_losses, their_losses, rtol=1e-5)
    np.testing.assert_allclose(my_pred, their_pred, rtol=1e-4, atol=1e-5)
    layer = keras.layers.ReversibleEmbedding(9, 4)
    layer.build()
    with pytest.raises(ValueError, match=r"reverse=True projects vectors of size output_dim=4.*\(2, 3\)"):
        layer(np.ones((2, 3), "float32"), reverse=True)


def test_callback_list_drives_callbacks_as_keras():
    """keras.callbacks.CallbackList was missing: add_history makes model.history, params reach every callback,
    logs arrive sorted, flattened and as Python floats."""
    K = real_keras()
    import torch

    def run(k, tensor):
        seen = []
        model = k.Sequential([k.Input((2,)), k.layers.Dense(1)])
        record = k.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append((e, logs)),
                                            on_train_batch_end=lambda b, logs: seen.append((b, type(logs["loss"]))))
        callbacks = k.callbacks.CallbackList([record], add_history=True, model=model, epochs=2)
        callbacks.on_train_begin()
        for epoch in range(2):
            callbacks.on_epoch_begin(epoch)
            callbacks.on_train_batch_end(0, {"loss": tensor(1.5)})
            callbacks.on_epoch_end(epoch, {"z": 2.0, "loss": tensor(0.25 * epoch), "nested": {"lr": 0.1}})
        callbacks.on_train_end()
        return seen, model.history.history, record.params

    assert run(keras, keras.ops.convert_to_tensor) == run(K, torch.tensor)


def test_swap_ema_weights_evaluates_with_the_averages_as_keras():
    """keras.callbacks.SwapEMAWeights was missing."""
    K = real_keras()

    def run(k):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(2, activation="tanh"), k.layers.Dense(1)])
        init = np.random.default_rng(8)
        model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
        rng = np.random.default_rng(9)
        x, y = rng.standard_normal((16, 3)).astype("float32"), rng.standard_normal((16, 1)).astype("float32")
        model.compile(optimizer=k.optimizers.SGD(0.2, use_ema=True, ema_momentum=0.6), loss="mse")
        history = model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0, validation_data=(x, y),
                            callbacks=[k.callbacks.SwapEMAWeights()])
        model.train_on_batch(x[:8], y[:8])
        swapped = model.evaluate(x, y, verbose=0, callbacks=[k.callbacks.SwapEMAWeights()])
        return history.history["val_loss"], model.evaluate(x, y, verbose=0), swapped, model.get_weights()

    theirs, mine = run(K), run(keras)
    for a, b in zip(mine[:3], theirs[:3]):
        np.testing.assert_allclose(a, b, rtol=1e-5)
    assert mine[1] != pytest.approx(mine[2])
    for a, b in zip(mine[3], theirs[3]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="use_ema=True"):
        model.evaluate(np.ones((2, 3)), np.ones((2, 1)), verbose=0, callbacks=[keras.callbacks.SwapEMAWeights()])


def test_ops_vectorize_as_keras():
    """keras.ops.vectorize was missing."""
    K = real_keras()
    rng = np.random.default_rng(10)
    m, v = rng.standard_normal((3, 2, 4)).astype("float32"), rng.standard_normal((4,)).astype("float32")
    cases = [(lambda o: o.vectorize(lambda a, b: a * b + 1.0), (m, np.float32(2.0))),
             (lambda o: o.vectorize(lambda a, b: o.matmul(a, b), signature="(m,n),(n)->(m)"), (m, v)),
             (lambda o: o.vectorize(lambda r: (o.min(r), o.max(r)), signature="(k)->(),()"), (m,))]
    for make, args in cases:
        theirs, mine = make(K.ops)(*args), make(keras.ops)(*args)
        theirs = theirs if isinstance(theirs, tuple) else (theirs,)
        mine = mine if isinstance(mine, tuple) else (mine,)
        for a, b in zip(mine, theirs):
            np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="not a valid gufunc signature"):
        keras.ops.vectorize(lambda a: a, signature="(m->n")(m)


def test_ops_jvp_as_keras():
    """keras.ops.jvp (and keras.ops.linalg.jvp) was missing."""
    K = real_keras()
    import torch
    x = np.array([[0.3, -1.2, 0.5]], "float32")
    t = np.array([[1.0, 0.5, -2.0]], "float32")
    w = np.array([[0.2, -0.4], [0.7, 0.1], [-0.3, 0.9]], "float32")

    def fun(o):
        return lambda a: o.tanh(o.matmul(a, w)) * o.sum(a * a)

    theirs = K.ops.jvp(fun(K.ops), (torch.tensor(x),), (torch.tensor(t),))
    mine = keras.ops.linalg.jvp(fun(keras.ops), (x,), (t,))
    for a, b in zip(mine, theirs):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="one tangent per primal"):
        keras.ops.jvp(keras.ops.sin, (x, x), (t,))


OPTIMIZERS = {
    "muon": lambda k: k.optimizers.Muon(0.05),
    "muon_options": lambda k: k.optimizers.Muon(0.05, nesterov=False, rms_rate=None, exclude_layers=["dense_1"],
                                                adam_weight_decay=None, weight_decay=0.02, ns_steps=3),
    "schedule_free": lambda k: k.optimizers.ScheduleFreeAdamW(0.02),
    "schedule_free_decay_warmup": lambda k: k.optimizers.ScheduleFreeAdamW(0.02, weight_decay=0.05, warmup_steps=3,
                                                                           beta_1=0.8),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_new_optimizers_train_as_keras(name):
    """keras.optimizers.Muon and ScheduleFreeAdamW were missing. ScheduleFreeAdamW follows Keras 3.15 on torch
    exactly: its z starts at the weights before weight decay, and x is recovered with the updated z."""
    K = real_keras()

    def run(k):
        model = k.Sequential([k.Input((4,)), k.layers.Embedding(5, 3), k.layers.Flatten(), k.layers.Dense(4,
                              activation="tanh"), k.layers.Dense(2)])
        init = np.random.default_rng(11)
        model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
        rng = np.random.default_rng(12)
        x, y = rng.integers(0, 5, (16, 4)).astype("int32"), rng.standard_normal((16, 2)).astype("float32")
        model.compile(optimizer=OPTIMIZERS[name](k), loss="mse")
        losses = model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0).history["loss"]
        return losses, model.get_weights(), [tuple(v.shape) for v in model.optimizer.variables]

    theirs, mine = run(K), run(keras)
    np.testing.assert_allclose(mine[0], theirs[0], rtol=1e-5)
    for a, b in zip(mine[1], theirs[1]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    assert mine[2] == theirs[2]


def _scoped_paths(k):
    class Gated(k.layers.Layer):
        def build(self, input_shape):
            with k.name_scope("gate"):
                self.scale = self.add_weight(shape=(1,), initializer="ones", name="scale")

        def call(self, x):
            return x * self.scale

    with k.name_scope("outer"):
        with k.name_scope("inner"):
            variable = k.Variable(np.ones(2, "float32"), name="v")
        dense = k.layers.Dense(2, name="d")
        dense.build((None, 3))
    inputs = k.Input((3,))
    with k.name_scope("encoder"):
        hidden = Gated(name="gated")(k.layers.Dense(3, name="hidden")(inputs))
    model = k.Model(inputs, k.layers.Dense(1, name="head")(hidden))
    return [variable.path] + [w.path for w in dense.weights] + [w.path for w in model.weights]


def test_name_scope_gives_keras_weight_paths():
    """keras.name_scope was missing; a name scope opened inside a layer's build adds nothing to the layer's own
    weight paths (Keras restarts from the path the layer first opened in: 'encoder/gated/scale', not
    'encoder/gated/gate/gated/scale')."""
    K = real_keras()
    assert _scoped_paths(keras) == _scoped_paths(K)
    with pytest.raises(ValueError, match="cannot contain character `/`"):
        keras.name_scope("a/b")


def test_device_scope_and_config_as_keras():
    """keras.device and keras.utils.Config were missing."""
    K = real_keras()
    with keras.device("cpu"):
        assert str(keras.ops.ones((2,)).device).startswith("cpu")

    def use(k):
        config = k.utils.Config(units=3, lr=0.1)
        config.epochs = 2
        config["seed"] = 1
        config.update(extra=True)
        out = [repr(config), list(config), len(config), config.to_json(), config.get("missing", 7), "lr" in config]
        config.freeze()
        for action in (lambda: setattr(config, "lr", 1.0), lambda: config.pop("lr"), lambda: config.lx):
            try:
                action()
            except (ValueError, AttributeError) as error:
                out.append(f"{type(error).__name__}: {error}")
        config.unfreeze()
        del config["extra"]
        return out + [config.as_dict()]

    assert use(keras) == use(K)


def test_optimizers_get_takes_a_config_dict_as_keras():
    """keras.optimizers.get({'class_name': 'adam', 'config': {...}}) raised TypeError."""
    K = real_keras()
    for spec in ({"class_name": "adam", "config": {"learning_rate": 0.05}},
                 {"class_name": "SGD", "config": {"learning_rate": 0.2, "momentum": 0.5}}):
        mine, theirs = keras.optimizers.get(spec), K.optimizers.get(spec)
        assert type(mine).__name__ == type(theirs).__name__
        assert float(mine.learning_rate) == pytest.approx(float(theirs.learning_rate))


CONFIG_LAYERS = [("Conv1DTranspose", {"filters": 3, "kernel_size": 2}),
                 ("Conv2DTranspose", {"filters": 3, "kernel_size": 2, "activation": "relu", "use_bias": False}),
                 ("Conv3DTranspose", {"filters": 2, "kernel_size": 2, "kernel_constraint": "max_norm"}),
                 ("DepthwiseConv1D", {"kernel_size": 3, "depth_multiplier": 2}),
                 ("DepthwiseConv2D", {"kernel_size": 2}),
                 ("SeparableConv1D", {"filters": 3, "kernel_size": 2, "pointwise_constraint": "non_neg"}),
                 ("SeparableConv2D", {"filters": 3, "kernel_size": 2, "depthwise_regularizer": "l2"})]


@pytest.mark.parametrize("name, kwargs", CONFIG_LAYERS, ids=[n for n, _ in CONFIG_LAYERS])
def test_transposed_depthwise_separable_configs_list_every_argument_as_keras(name, kwargs):
    """Their get_config left out the arguments of the shared base (Conv2DTranspose's had no activation, use_bias,
    initializers, regularizers or constraints, SeparableConv1D's kernel_size was 2, not (2,))."""
    K = real_keras()
    theirs = getattr(K.layers, name)(**kwargs).get_config()
    mine = getattr(keras.layers, name)(**kwargs).get_config()
    assert list(mine) == list(theirs)
    assert {k: v for k, v in mine.items() if k != "dtype"} == {k: v for k, v in theirs.items() if k != "dtype"}
    assert getattr(keras.layers, name).from_config(mine).get_config() == mine


@pytest.mark.parametrize("axis", [-1, [2, 3], (1, 3), [-2, -1]])
def test_layer_normalization_over_several_axes_as_keras(axis):
    """LayerNormalization refused any axis but -1 (ValueError); Keras normalizes over every listed axis, with gamma
    and beta shaped like them, and lists the built layer's axis as a sorted list."""
    K = real_keras()
    x = np.random.default_rng(13).standard_normal((2, 3, 4, 5)).astype("float32")

    def run(k):
        layer = k.layers.LayerNormalization(axis=axis, epsilon=1e-3)
        layer.build(x.shape)
        init = np.random.default_rng(14)
        layer.set_weights([init.uniform(0.5, 1.5, size=w.shape).astype("float32") for w in layer.get_weights()])
        return _np(layer(x)), [tuple(w.shape) for w in layer.weights], layer.get_config()["axis"]

    (mine, my_shapes, my_axis), (theirs, their_shapes, their_axis) = run(keras), run(K)
    np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-5)
    assert my_shapes == their_shapes and my_axis == their_axis
    with pytest.raises(ValueError, match=r"axis=\[4\] is out of bounds for inputs of shape \(2, 3, 4, 5\)"):
        keras.layers.LayerNormalization(axis=[4]).build(x.shape)


@pytest.mark.parametrize("kwargs", [{"max_value": 0.5, "threshold": -0.2, "negative_slope": 0.1},
                                    {"max_value": 2.0, "negative_slope": 0.2}, {"threshold": 1.0},
                                    {"threshold": -1.0, "negative_slope": 0.3}, {"threshold": 0.5, "max_value": 3.0}])
def test_relu_options_together_as_keras(kwargs):
    """relu(x, max_value=0.5, threshold=-0.2, negative_slope=0.1) gave -0.16519 for x = -0.16519 where Keras gives
    0.0 (Keras clips to [0, max_value] before subtracting the slope term)."""
    K = real_keras()
    x = np.linspace(-3, 8, 45).astype("float32")
    np.testing.assert_allclose(_np(keras.activations.relu(x, **kwargs)), _np(K.activations.relu(x, **kwargs)),
                               atol=1e-6)


def test_activations_take_numpy_arrays_as_keras():
    """keras.activations.relu(numpy_array) raised 'relu: input must be a Tensor'."""
    K = real_keras()
    x = np.random.default_rng(15).standard_normal((2, 5)).astype("float32")
    for name in ["relu", "gelu", "silu", "swish", "mish", "selu", "elu", "softplus", "softsign", "hard_sigmoid",
                 "relu6", "leaky_relu", "log_softmax", "softmax", "sigmoid", "tanh", "linear", "exponential"]:
        np.testing.assert_allclose(_np(getattr(keras.activations, name)(x)), _np(getattr(K.activations, name)(x)),
                                   rtol=1e-5, atol=1e-6, err_msg=name)
    assert keras.activations.swish is keras.activations.silu
    assert keras.activations.get("relu") is keras.activations.relu


def test_einsum_dense_constraints_and_config_as_keras():
    """EinsumDense refused kernel_constraint / bias_constraint, and its config gave output_shape 3 (Keras: (3,)),
    left out activity_regularizer and quantization_config, and listed the keys in another order."""
    K = real_keras()
    kwargs = {"output_shape": (None, 4), "bias_axes": "d", "activation": "relu",
              "kernel_constraint": "unit_norm", "bias_constraint": "non_neg"}
    theirs = K.layers.EinsumDense("abc,cd->abd", **kwargs).get_config()
    mine = keras.layers.EinsumDense("abc,cd->abd", **kwargs).get_config()
    assert list(mine) == list(theirs)
    assert {k: v for k, v in mine.items() if k != "dtype"} == {k: v for k, v in theirs.items() if k != "dtype"}

    def run(k):
        einsum = k.layers.EinsumDense("abc,cd->abd", **{**kwargs, "output_shape": (3, 4)})
        model = k.Sequential([k.Input((3, 2)), einsum,
                              k.layers.Flatten(),
                              k.layers.Dense(1)])
        init = np.random.default_rng(16)
        model.set_weights([init.uniform(-0.6, 0.6, size=w.shape).astype("float32") for w in model.get_weights()])
        rng = np.random.default_rng(17)
        model.compile(optimizer=k.optimizers.SGD(0.1), loss="mse")
        model.fit(rng.standard_normal((8, 3, 2)).astype("float32"), rng.standard_normal((8, 1)).astype("float32"),
                  epochs=2, batch_size=4, shuffle=False, verbose=0)
        return model.get_weights()

    for a, b in zip(run(keras), run(K)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_random_binomial_takes_float_counts_and_seed_generator_state_is_a_variable():
    """keras.random.binomial(shape, counts=10.0, ...) raised NumPy's 'Cannot cast scalar from float64 to int64'
    (Keras's examples pass float counts); SeedGenerator.state was a NumPy array, Keras's is an int32 Variable
    [seed, draws] with path '<name>/seed_generator_state'."""
    K = real_keras()
    draws = _np(keras.random.binomial((500,), counts=10.0, probabilities=0.3, seed=1))
    assert draws.dtype == _np(K.random.binomial((5,), counts=10.0, probabilities=0.3, seed=1)).dtype
    assert draws.min() >= 0 and draws.max() <= 10 and abs(draws.mean() - 3.0) < 0.5
    with pytest.raises(ValueError, match="counts must be whole numbers"):
        keras.random.binomial((5,), counts=2.5, probabilities=0.3, seed=1)
    mine, theirs = keras.random.SeedGenerator(42), K.random.SeedGenerator(42)
    for generator, k in ((mine, keras), (theirs, K)):
        k.random.normal((2,), seed=generator)
        k.random.uniform((2,), seed=generator)
    assert _np(mine.state).tolist() == _np(theirs.state).tolist() == [42, 2]
    assert str(_np(mine.state).dtype) == str(_np(theirs.state).dtype)
    assert mine.state.path == theirs.state.path and mine.state.trainable == theirs.state.trainable


KERAS_CONFIG_LAYERS = [("Dense", {"units": 3}), ("LSTM", {"units": 2}), ("GRU", {"units": 2}),
                       ("Embedding", {"input_dim": 4, "output_dim": 2}), ("BatchNormalization", {}),
                       ("LayerNormalization", {}), ("Dropout", {"rate": 0.1}), ("Conv2D", {"filters": 2, "kernel_size": 3}),
                       ("MultiHeadAttention", {"num_heads": 2, "key_dim": 3}), ("Normalization", {}),
                       ("RandomFlip", {}), ("EinsumDense", {"equation": "ab,bc->ac", "output_shape": 3})]


@pytest.mark.parametrize("name, kwargs", KERAS_CONFIG_LAYERS, ids=[n for n, _ in KERAS_CONFIG_LAYERS])
def test_from_config_reads_the_config_real_keras_writes(name, kwargs):
    """Layer.from_config(real_keras_layer.get_config()) failed for every layer: "Could not locate class
    'DTypePolicy'" (the dtype entry), then the constructors refused dtype policies and Keras's unused arguments
    (seed=None, quantization_config=None, renorm=False, ...), which load_model already dropped."""
    K = real_keras()
    theirs = getattr(K.layers, name)(**kwargs).get_config()
    layer = getattr(keras.layers, name).from_config(theirs)
    assert layer.name == theirs["name"] and layer.dtype == "float32"


def test_model_from_json_of_a_real_keras_model():
    """keras.models.model_from_json of real Keras's to_json() failed on the dtype policy objects."""
    K = real_keras()
    model = K.Sequential([K.Input((3,)), K.layers.Dense(4, activation="relu"), K.layers.Dropout(0.2),
                          K.layers.Dense(1)])
    mine = keras.models.model_from_json(model.to_json())
    mine.set_weights(model.get_weights())
    x = np.random.default_rng(18).standard_normal((5, 3)).astype("float32")
    np.testing.assert_allclose(mine.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    assert [layer.name for layer in mine.layers] == [layer.name for layer in model.layers]


CONFIGS = [("MaxPooling1D", (), {"pool_size": 3}), ("AveragePooling1D", (), {"pool_size": 2, "strides": 1}),
           ("MaxPooling2D", (), {"pool_size": 2, "padding": "same"}), ("AveragePooling2D", (), {"pool_size": (2, 3)}),
           ("MaxPooling3D", (), {}), ("AveragePooling3D", (), {"pool_size": 2, "strides": (1, 2, 1)}),
           ("LSTM", (3,), {}), ("LSTM", (3,), {"unit_forget_bias": False, "activity_regularizer": "l2", "seed": 2}),
           ("GRU", (3,), {"reset_after": False}), ("SimpleRNN", (3,), {"activation": "relu", "dropout": 0.1}),
           ("GroupNormalization", (), {"groups": 2}), ("PReLU", (), {"shared_axes": [1]}),
           ("BatchNormalization", (), {"momentum": 0.9}), ("MultiHeadAttention", (2, 3), {"output_shape": 5}),
           ("MultiHeadAttention", (2, 3), {"value_dim": 4, "use_gate": True, "kernel_initializer": "he_normal"})]


@pytest.mark.parametrize("name, args, kwargs", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_pooling_and_recurrent_configs_as_keras(name, args, kwargs):
    """Pooling configs gave pool_size 2 and strides None where Keras gives (2, 2) and (2, 2); LSTM's left out
    unit_forget_bias and seed, GRU's reset_after and seed, SimpleRNN's listed a recurrent_activation Keras's has
    not, and all three listed their keys in another order (and refused Keras's seed=); GroupNormalization's and
    PReLU's initializers were names ('zeros') where Keras writes serialized objects; BatchNormalization's left out
    renorm, renorm_clipping and renorm_momentum (and refused them); MultiHeadAttention's gave value_dim None,
    output_shape 5 (Keras: (5,)) and a flash_attention key Keras does not write."""
    K = real_keras()
    theirs = getattr(K.layers, name)(*args, **kwargs).get_config()
    mine = getattr(keras.layers, name)(*args, **kwargs).get_config()
    assert list(mine) == list(theirs)
    assert {k: v for k, v in mine.items() if k not in ("dtype", "name")} == \
        {k: v for k, v in theirs.items() if k not in ("dtype", "name")}
    assert getattr(keras.layers, name).from_config(mine).get_config() == mine


def test_lambda_config_writes_a_findable_function_as_keras_and_average_is_not_an_add():
    """Lambda.get_config gave the function object and output_shape / mask None where Keras writes a registered
    function serialized (class_name 'function', its registered name) and leaves unset keys out; Average
    subclassed Add (isinstance(Average(), Add) was True, False in Keras)."""
    K = real_keras()

    def scaled(x, scale=2.0):
        return x * scale

    for k in (keras, K):
        k.saving.register_keras_serializable(package="round6_test")(scaled)
    theirs = K.layers.Lambda(scaled, arguments={"scale": 3.0}).get_config()
    mine = keras.layers.Lambda(scaled, arguments={"scale": 3.0}).get_config()
    assert list(mine) == list(theirs)
    assert mine["function"]["config"] == theirs["function"]["config"] == "round6_test>scaled"
    assert mine["arguments"] == theirs["arguments"]
    layer = keras.layers.Lambda.from_config(mine)
    np.testing.assert_allclose(_np(layer(np.ones((1, 2), "float32"))), [[3.0, 3.0]])
    unnamed = keras.layers.Lambda(lambda x: x + 1.0).get_config()   # nn.keras stores no code: kept as the function
    assert callable(unnamed["function"]) and "output_shape" not in unnamed
    assert isinstance(K.layers.Average(), K.layers.Add) is isinstance(keras.layers.Average(), keras.layers.Add)
