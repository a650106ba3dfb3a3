"""Keras 3.15 APIs deepgrad lacked, each compared with real Keras on its torch backend: optimizers.MultiOptimizer
and OptimizerMap (routing, variables, errors, fit, custom loops, saving); ops.image.scale_and_translate and
elastic_transform, and layers.RandomElasticTransform (seeded: Keras's coins from the layer's SeedGenerator and its
displacement fields from the global stream); initializers.STFTInitializer (Keras's other name of STFT)."""
import json

import numpy as np
import pytest

from nn import keras as ours

from .oracle import assert_config_round_trip, real_keras

X = np.random.RandomState(0).randn(16, 4).astype("float32")
Y = np.random.RandomState(1).randn(16, 2).astype("float32")


# ----- MultiOptimizer / OptimizerMap ---------------------------------------------------------------------------
def _encoder_head(K, optimizer_map=None, loss_scale_factor=None):
    """A two-Dense model (encoder 'enc', head 'head') with fixed weights, compiled with a MultiOptimizer: Adam on
    the encoder, SGD with momentum elsewhere (or `optimizer_map(K)`)."""
    inputs = K.Input((4,))
    hidden = K.layers.Dense(3, name="enc", activation="tanh")(inputs)
    model = K.Model(inputs, K.layers.Dense(2, name="head")(hidden))
    rs = np.random.RandomState(5)
    model.set_weights([rs.randn(*w.shape).astype("float32") for w in model.get_weights()])
    mapping = optimizer_map(K) if optimizer_map else K.optimizers.OptimizerMap(
        K.optimizers.SGD(0.1, momentum=0.9), {"enc/.*": K.optimizers.Adam(0.01)})
    optimizer = K.optimizers.MultiOptimizer(mapping, loss_scale_factor=loss_scale_factor)
    model.compile(optimizer=optimizer, loss="mse")
    return model, optimizer


def _values(optimizer):
    return [np.asarray(v.numpy()) for v in optimizer.variables]


def _assert_all_close(ours_arrays, theirs_arrays, atol=2e-6):
    assert len(ours_arrays) == len(theirs_arrays)
    for k, (a, b) in enumerate(zip(ours_arrays, theirs_arrays)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=atol, err_msg=f"array {k}")


def _callable_map(K):
    adam, sgd = K.optimizers.Adam(0.05), K.optimizers.RMSprop(0.01)
    return lambda variable: adam if "enc" in variable.path else sgd


@pytest.mark.parametrize("optimizer_map, loss_scale_factor", [(None, None), (None, 8.0), (_callable_map, None)])
def test_multi_optimizer_fit_trains_each_part_as_keras(optimizer_map, loss_scale_factor):
    keras = real_keras()
    results = []
    for K in (keras, ours):
        model, optimizer = _encoder_head(K, optimizer_map, loss_scale_factor)
        history = model.fit(X, Y, batch_size=8, epochs=3, verbose=0, shuffle=False)
        results.append((model.get_weights(), _values(optimizer), history.history["loss"],
                        [v.path for v in optimizer.variables], [o.name for o in optimizer.optimizers],
                        int(optimizer.iterations.numpy()), [int(o.iterations.numpy()) for o in optimizer.optimizers]))
    theirs, mine = results
    _assert_all_close(mine[0], theirs[0])
    _assert_all_close(mine[1], theirs[1])
    np.testing.assert_allclose(mine[2], theirs[2], rtol=1e-5)
    assert mine[3:] == theirs[3:]


def test_multi_optimizer_custom_loop_build_apply_set_weights_as_keras():
    keras = real_keras()
    results = []
    for K in (keras, ours):
        model = K.Sequential([K.Input((3,)), K.layers.Dense(2, name="encoder_dense"), K.layers.Dense(1, name="head")])
        rs = np.random.RandomState(2)
        model.set_weights([rs.randn(*w.shape).astype("float32") for w in model.get_weights()])
        adam, sgd = K.optimizers.Adam(0.05), K.optimizers.SGD(0.1)
        optimizer = K.optimizers.MultiOptimizer(lambda v: adam if "encoder" in v.path else sgd, loss_scale_factor=4.0)
        parts_before = [o.name for o in optimizer.optimizers]
        optimizer.build(model.trainable_variables)
        grads = [K.ops.convert_to_tensor(np.full(w.shape, 0.5 * (k + 1), "float32"))
                 for k, w in enumerate(model.trainable_variables)]
        optimizer.apply(grads)   # the variables build() was given; each part divides by the loss scale factor
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        values = _values(optimizer)
        optimizer.set_weights([v * 0 + (3 if v.dtype.kind == "i" else 0.25) for v in values])
        results.append((model.get_weights(), values, _values(optimizer), parts_before,
                        [o.name for o in optimizer.optimizers], [o.loss_scale_factor for o in optimizer.optimizers],
                        [v.path for v in optimizer.variables]))
    theirs, mine = results
    for k in range(3):
        _assert_all_close(mine[k], theirs[k])
    assert mine[3:] == theirs[3:]


def test_multi_optimizer_refuses_learning_rate_and_bad_use_as_keras():
    keras = real_keras()
    for K in (keras, ours):
        optimizer = K.optimizers.MultiOptimizer(K.optimizers.OptimizerMap(K.optimizers.SGD()))
        with pytest.raises(AttributeError, match="Learning rate cannot be accessed on a MultiOptimizer"):
            optimizer.learning_rate
        with pytest.raises(AttributeError, match="Learning rate cannot be set on a MultiOptimizer"):
            optimizer.learning_rate = 0.1
        with pytest.raises(ValueError, match="has not yet been built"):
            optimizer.set_weights([])
        with pytest.raises(ValueError, match="must already be built"):
            optimizer.apply([np.zeros(1)])
        mapping = K.optimizers.OptimizerMap(K.optimizers.SGD(), {"a.*": K.optimizers.SGD(), ".*b": K.optimizers.Adam()})
        with pytest.raises(ValueError, match="Multiple optimizers assigned to variable ab"):
            mapping["ab"]
        assert mapping["axx"] is mapping._optimizer_map["a.*"] and mapping["zz"] is mapping.default_optimizer
        with pytest.raises(ValueError, match="already exists in the OptimizerMap"):
            mapping["a.*"] = K.optimizers.Adam()
        with pytest.raises(ValueError, match="key must be a string"):
            mapping[3] = K.optimizers.Adam()
        with pytest.raises(ValueError, match="cannot be LossScaleOptimizer"):
            mapping["c"] = K.optimizers.LossScaleOptimizer(K.optimizers.SGD())
        with pytest.raises(ValueError, match="cannot be MultiOptimizer"):
            mapping["c"] = optimizer
        with pytest.raises(TypeError, match="default_optimizer must be a Keras Optimizer instance"):
            K.optimizers.OptimizerMap("sgd")
        with pytest.raises(TypeError, match="optimizer_map must be a dictionary"):
            K.optimizers.OptimizerMap(K.optimizers.SGD(), [1])
        model = K.Sequential([K.Input((3,)), K.layers.Dense(2)])
        with pytest.raises(ValueError, match="is not an Optimizer instance"):
            K.optimizers.MultiOptimizer(lambda v: "sgd").build(model.trainable_variables)


def test_multi_optimizer_config_round_trips_and_reads_keras_config():
    keras = real_keras()
    configs = []
    for K in (keras, ours):
        _, optimizer = _encoder_head(K)
        configs.append(K.optimizers.serialize(optimizer))
    theirs, mine = configs
    assert json.loads(json.dumps(mine)) == json.loads(json.dumps(theirs))
    made = ours.optimizers.deserialize(theirs)
    assert isinstance(made, ours.optimizers.MultiOptimizer)
    assert [type(o).__name__ for o in made.optimizers] == ["Adam", "SGD"]
    assert made._optimizer_map["enc/kernel"] is made.optimizers[0]
    assert ours.optimizers.serialize(made) == mine


def test_multi_optimizer_saved_in_a_keras_file_resumes_training(tmp_path):
    keras = real_keras()
    finals = []
    for K, loader in ((keras, keras), (ours, ours), (keras, ours)):   # the last: Keras's file loaded by ours
        model, _ = _encoder_head(K)
        model.fit(X, Y, batch_size=8, epochs=1, verbose=0, shuffle=False)
        path = str(tmp_path / f"{K.__name__}_{loader.__name__}.keras")
        model.save(path)
        loaded = loader.saving.load_model(path)
        assert type(loaded.optimizer).__name__ == "MultiOptimizer"
        assert [int(o.iterations.numpy()) for o in loaded.optimizer.optimizers] == [2, 2]
        # the loaded parts list their slots (ours listed none until the next update) with the saved values
        assert [v.path for v in loaded.optimizer.variables] == [v.path for v in model.optimizer.variables]
        _assert_all_close(_values(loaded.optimizer), _values(model.optimizer))
        loaded.fit(X, Y, batch_size=8, epochs=1, verbose=0, shuffle=False)
        model.fit(X, Y, batch_size=8, epochs=1, verbose=0, shuffle=False)
        _assert_all_close(loaded.get_weights(), model.get_weights())
        finals.append(loaded.get_weights())
    _assert_all_close(finals[1], finals[0])
    _assert_all_close(finals[2], finals[0])


# ----- ops.image.scale_and_translate / elastic_transform, layers.RandomElasticTransform ---------------------------
IMAGES = np.random.RandomState(4).rand(2, 7, 9, 3).astype("float32")


@pytest.mark.parametrize("method", ["linear", "bilinear", "cubic", "lanczos3", "lanczos5"])
@pytest.mark.parametrize("antialias", [True, False])
def test_scale_and_translate_gives_kerass_values(method, antialias):
    keras = real_keras()
    for shape, scale, translation, dims in [((2, 14, 5, 3), [2.0, 5 / 9], [0.0, 0.3], (1, 2)),
                                            ((2, 4, 4, 3), np.array([0.5, 0.45], "float32"),
                                             np.array([-0.2, 1.0], "float32"), (-3, -2))]:
        theirs = keras.ops.image.scale_and_translate(IMAGES, shape, scale, translation, dims, method, antialias)
        mine = ours.ops.image.scale_and_translate(IMAGES, shape, scale, translation, dims, method, antialias)
        assert mine.shape == tuple(theirs.shape) and mine.dtype == np.float32
        np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)


def test_scale_and_translate_integers_docstring_example_and_errors():
    keras = real_keras()
    image = (np.random.RandomState(1).rand(6, 6) * 255).astype("uint8")
    theirs = keras.ops.image.scale_and_translate(image, (9, 4), [1.5, 0.7], [0.1, 0.0], (0, 1), "cubic")
    mine = ours.ops.image.scale_and_translate(image, (9, 4), [1.5, 0.7], [0.1, 0.0], (0, 1), "cubic")
    assert mine.dtype == np.uint8
    np.testing.assert_array_equal(mine.numpy(), theirs.numpy())
    scale = np.array([2.0, 2.0], "float32")
    grid = ours.ops.image.scale_and_translate(np.arange(9, dtype="float32").reshape(3, 3), (5, 5), scale,
                                              -(scale / 2.0 - 0.5), (0, 1), "linear")
    np.testing.assert_allclose(grid.numpy()[1], [1.5, 2.0, 2.5, 3.0, 3.5])
    with pytest.raises(ValueError, match="Invalid value for argument `method`"):
        ours.ops.image.scale_and_translate(IMAGES, (2, 7, 9, 3), [1.0], [0.0], (1,), "area")
    with pytest.raises(ValueError, match="one value per spatial dim"):
        ours.ops.image.scale_and_translate(IMAGES, (2, 7, 9, 3), [1.0, 1.0], [0.0], (1,), "linear")


def test_scale_and_translate_gradient_reaches_the_images():
    image = ours.ops.convert_to_tensor(IMAGES)
    image.requires_grad_()
    out = ours.ops.image.scale_and_translate(image, (2, 3, 4, 3), [0.5, 0.5], [0.0, 0.0], (1, 2), "linear")
    out.sum().backward()
    assert image.grad is not None and float(abs(image.grad).sum()) > 0


@pytest.mark.parametrize("shape, kwargs", [
    ((2, 12, 10, 3), {}),
    ((12, 10, 2), dict(alpha=5.0, sigma=1.5, interpolation="nearest", fill_mode="constant", fill_value=0.5)),
    ((2, 3, 16, 11), dict(data_format="channels_first", alpha=8.0, sigma=2.0, fill_mode="nearest")),
    ((1, 9, 9, 1), dict(fill_mode="wrap", sigma=1.0)),
    ((3, 9, 8, 1), dict(fill_mode="mirror", alpha=30.0, sigma=1.2))])
def test_elastic_transform_after_set_random_seed_gives_kerass_values(shape, kwargs):
    keras = real_keras()
    images = np.random.RandomState(0).rand(*shape).astype("float32")
    results = []
    for K in (keras, ours):
        K.utils.set_random_seed(7)   # Keras's torch backend draws the fields from the global stream
        results.append([np.asarray(K.ops.image.elastic_transform(images, **kwargs)) for _ in range(2)])
    theirs, mine = results
    assert not np.allclose(theirs[0], images) and not np.allclose(theirs[0], theirs[1])
    _assert_all_close(mine, theirs, atol=2e-5)


def test_elastic_transform_refuses_bad_arguments():
    for kwargs, error, message in [(dict(interpolation="bicubic"), ValueError, "`interpolation`"),
                                   (dict(fill_mode="edge"), ValueError, "`fill_mode`"),
                                   (dict(data_format="nhwc"), ValueError, "data_format")]:
        with pytest.raises(error, match=message):
            ours.ops.image.elastic_transform(IMAGES, **kwargs)
    with pytest.raises(ValueError, match="Invalid images rank"):
        ours.ops.image.elastic_transform(IMAGES[0, :, :, 0])
    with pytest.raises(TypeError, match="must be floating point"):
        ours.ops.image.elastic_transform(IMAGES.astype("int32"))


@pytest.mark.parametrize("shape, kwargs", [
    ((4, 16, 12, 3), dict(factor=0.7, scale=0.8)),
    ((16, 16, 1), dict(scale=(0.3, 0.9), value_range=(0, 1))),
    ((3, 2, 20, 24), dict(data_format="channels_first", fill_mode="constant", fill_value=10.0,
                          interpolation="nearest", seed=5)),
    ((2, 20, 20, 3), dict(factor=(0.2, 0.9), scale=0.5, fill_mode="nearest", seed=3))])
def test_random_elastic_transform_draws_kerass_numbers(shape, kwargs):
    keras = real_keras()
    images = (np.random.RandomState(0).rand(*shape) * (1 if "value_range" in kwargs else 255)).astype("float32")
    results = []
    for K in (keras, ours):
        K.utils.set_random_seed(11)
        layer = K.layers.RandomElasticTransform(**kwargs)
        outs = [np.asarray(layer(images)) for _ in range(3)] + [np.asarray(layer(images, training=False))]
        config = layer.get_config()
        config.pop("name")
        results.append((outs, config))
    (theirs, their_config), (mine, my_config) = results
    assert any(not np.allclose(out, images) for out in theirs[:3])
    np.testing.assert_array_equal(theirs[3], images)
    _assert_all_close(mine, theirs, atol=3e-4)
    assert my_config == their_config


def test_random_elastic_transform_in_a_seeded_fit_prints_kerass_losses():
    keras = real_keras()
    rs = np.random.RandomState(0)
    x, y = rs.rand(16, 12, 12, 1).astype("float32"), rs.rand(16, 1).astype("float32")
    losses = []
    for K in (keras, ours):
        K.utils.set_random_seed(3)
        model = K.Sequential([K.Input((12, 12, 1)), K.layers.RandomElasticTransform(0.8, 0.6, value_range=(0, 1)),
                              K.layers.Flatten(), K.layers.Dense(1)])
        model.compile("sgd", "mse")
        losses.append(model.fit(x, y, batch_size=8, epochs=3, verbose=0).history["loss"]
                      + [model.evaluate(x, y, verbose=0)])
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-5)


def test_random_elastic_transform_config_and_errors_as_keras():
    keras = real_keras()
    assert_config_round_trip(lambda L: L.RandomElasticTransform(factor=(0.2, 0.6), scale=0.4, fill_mode="constant",
                                                                fill_value=3.0, seed=2), keras.layers, ours.layers)
    for K in (keras, ours):
        with pytest.raises(NotImplementedError, match="Unknown `interpolation`"):
            K.layers.RandomElasticTransform(interpolation="bicubic")
        with pytest.raises(NotImplementedError, match="Unknown `fill_mode`"):
            K.layers.RandomElasticTransform(fill_mode="edge")
        with pytest.raises(ValueError, match="The `scale` argument should be a number"):
            K.layers.RandomElasticTransform(scale=1.5)
        with pytest.raises(ValueError, match="The `factor` argument should be a number"):
            K.layers.RandomElasticTransform(factor=(0.1, 0.2, 0.3))


# ----- initializers.STFTInitializer ------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [{}, dict(side="imag", window="hamming", scaling="spectrum", periodic=True),
                                    dict(window="blackman", scaling=None)])
def test_stft_initializer_is_kerass_stft(kwargs):
    keras = real_keras()
    values, configs = [], []
    for K in (keras, ours):
        assert K.initializers.STFTInitializer is K.initializers.STFT
        initializer = K.initializers.STFTInitializer(**kwargs)
        values.append(np.asarray(initializer((16, 1, 9))))
        configs.append(K.initializers.serialize(initializer))
    np.testing.assert_allclose(values[1], values[0], rtol=1e-5, atol=1e-6)
    assert configs[1] == configs[0]
    assert isinstance(ours.initializers.deserialize(configs[0]), ours.initializers.STFTInitializer)


def test_initializers_get_takes_class_names_as_keras():
    keras = real_keras()
    for name in ("STFTInitializer", "STFT", "GlorotUniform", "RandomNormal", "Orthogonal", "stft"):
        assert type(ours.initializers.get(name)).__name__ == type(keras.initializers.get(name)).__name__
    with pytest.raises(ValueError, match="unknown initializer"):
        ours.initializers.get("stftinitializer")


def test_image_ops_on_symbolic_inputs_build_a_functional_model_as_keras():
    """keras.ops.image functions called on a keras.Input record operation nodes, as keras.ops' others do (they
    raised "is symbolic" before), give Keras's outputs, and survive a .keras round trip (module keras.src.ops.image)."""
    import os
    import tempfile
    theirs = real_keras()
    data = np.arange(2 * 8 * 8 * 3, dtype="float32").reshape(2, 8, 8, 3) / 100
    results = []
    for lib in (ours, theirs):
        inp = lib.Input((8, 8, 3))
        x = lib.ops.image.resize(inp, (4, 4))
        x = lib.ops.image.rgb_to_grayscale(x)
        x = lib.ops.image.pad_images(x, 1, 1, 1, 1)
        model = lib.Model(inp, lib.layers.Dense(2, kernel_initializer="ones")(lib.layers.Flatten()(x)))
        assert tuple(x.shape) == (None, 6, 6, 1)
        results.append(np.asarray(model.predict(data, verbose=0)))
        if lib is ours:
            path = os.path.join(tempfile.mkdtemp(), "image_ops.keras")
            model.save(path)
            np.testing.assert_allclose(np.asarray(lib.models.load_model(path).predict(data, verbose=0)), results[0])
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5)


def test_gaussian_blur_in_a_functional_model_reads_the_image_data_format_as_keras():
    """Keras 3.15's eager gaussian_blur on its torch backend reads data_format=None as channels-first, its graph
    node as the configured channels-last; deepgrad's eager call and graph node give Keras's numbers each."""
    import os
    import tempfile
    theirs = real_keras()
    data = (np.arange(2 * 6 * 6 * 1, dtype="float32").reshape(2, 6, 6, 1) % 7) / 7
    outputs = []
    for lib in (ours, theirs):
        inp = lib.Input((6, 6, 1))
        model = lib.Model(inp, lib.ops.image.gaussian_blur(inp, kernel_size=(3, 3), sigma=(1.0, 1.0)))
        eager = lib.ops.convert_to_numpy(lib.ops.image.gaussian_blur(data, kernel_size=(3, 3), sigma=(1.0, 1.0)))
        outputs.append((np.asarray(model.predict(data, verbose=0)), np.asarray(eager)))
        if lib is ours:
            path = os.path.join(tempfile.mkdtemp(), "blur.keras")
            model.save(path)
            np.testing.assert_allclose(np.asarray(lib.models.load_model(path).predict(data, verbose=0)),
                                       outputs[0][0], rtol=1e-6)
    for mine, keras_own in zip(*outputs):
        np.testing.assert_allclose(mine, keras_own, rtol=1e-5, atol=1e-6)
