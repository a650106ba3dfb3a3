"""Regression tests for the bugs found by the ninth round of ported Keras programs
(tests/keras/test_keras_programs_round9.py), each compared with real Keras 3 (torch backend)."""
import numpy as np
import pytest

import autograd as ag
from nn import keras

from .oracle import fresh_sessions


def _both():
    return fresh_sessions()


def _numpy(K, value):
    return np.asarray(K.ops.convert_to_numpy(value))


def _seeded(model, seed=0):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])


_START = np.array([[0, 0], [9, 0], [0, 11], [9, 11]], "float32")
_END = np.array([[1, 1], [8, 0], [0, 10], [9, 11]], "float32")


@pytest.mark.parametrize("kwargs, single, first", [
    ({}, False, False), ({"interpolation": "nearest", "fill_value": 1.0}, True, False),
    ({"fill_value": 0.5}, False, True)])
def test_perspective_transform_matches_keras(kwargs, single, first):
    """keras.ops.image.perspective_transform did not exist (AttributeError from keras.ops.image)."""
    K, ours = _both()
    images = np.random.default_rng(3).random((2, 12, 10, 3)).astype("float32")
    images = images[0] if single else images
    if first:
        images = np.moveaxis(images, -1, -3)
        kwargs = {**kwargs, "data_format": "channels_first"}
    start, end = (np.stack([p, p[::-1]]) if not single else p for p in (_START, _END))
    theirs = _numpy(K, K.ops.image.perspective_transform(images, start, end, **kwargs))
    mine = ours.ops.image.perspective_transform(images, start, end, **kwargs).numpy()
    assert mine.shape == theirs.shape
    np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-5)


def test_perspective_transform_passes_gradients_to_the_images():
    images = ag.tensor(np.random.default_rng(1).random((1, 6, 5, 2)).astype("float32"), requires_grad=True)
    out = keras.ops.image.perspective_transform(images, _START * 0.5, _END * 0.5)
    out.sum().backward()
    assert images.grad is not None and float(images.grad.abs().sum().item()) > 0


def _read_log(K, batches=5, steps=3):
    class Logged(K.utils.PyDataset):
        def __init__(self, n):
            super().__init__()
            self.n, self.calls = n, []

        def __len__(self):
            return self.n

        def __getitem__(self, index):
            self.calls.append(index)
            x = np.full((2, 1), float(index), "float32")
            return x, x * 0.5

        def on_epoch_end(self):
            self.calls.append("end")

    model = K.Sequential([K.Input((1,)), K.layers.Dense(1)])
    model.set_weights([np.ones((1, 1), "float32"), np.zeros(1, "float32")])
    model.compile(optimizer=K.optimizers.SGD(0.01), loss="mse")
    train, val = Logged(batches), Logged(4)
    history = model.fit(train, epochs=4, steps_per_epoch=steps, validation_data=val, validation_steps=2,
                        validation_freq=2, shuffle=False, verbose=0)
    return train.calls, val.calls, history.history


@pytest.mark.parametrize("batches, steps", [(8, 3), (5, 2)])
def test_validation_steps_start_the_validation_data_again_and_epochs_end_as_keras(batches, steps):
    """With validation_steps, each validation went on from where the last stopped (Keras starts again), and a
    PyDataset saw on_epoch_end only when a pass was used up, not after every epoch of steps_per_epoch."""
    K, ours = _both()
    their_train, their_val, their_history = _read_log(K, batches, steps)
    my_train, my_val, my_history = _read_log(ours, batches, steps)
    assert my_val == their_val
    assert my_train.count("end") == their_train.count("end")
    # both read batch 0 once before training (Keras's symbolic build), then reset the data
    assert my_train == their_train
    np.testing.assert_allclose(my_history["val_loss"], their_history["val_loss"], rtol=1e-5)


def test_validation_steps_over_arrays_use_the_first_batches_every_time():
    K, ours = _both()
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((40, 3)).astype("float32"), rng.standard_normal((40, 1)).astype("float32")
    losses = []
    for lib in (K, ours):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(1)])
        _seeded(model)
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse")
        history = model.fit(x[:24], y[:24], validation_data=(x[24:], y[24:]), validation_steps=1,
                            validation_batch_size=4, epochs=3, batch_size=8, shuffle=False, verbose=0)
        losses.append(history.history["val_loss"])
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-5)


def _nested(lib):
    inputs = {"tokens": lib.Input((4,), name="tokens"), "pair": (lib.Input((3,), name="left"),
                                                              lib.Input((2,), name="right"))}
    joined = lib.layers.Concatenate()([inputs["tokens"], *inputs["pair"]])
    outputs = {"zeta": lib.layers.Dense(1, name="zeta")(joined), "alpha": lib.layers.Dense(2, name="alpha")(joined)}
    model = lib.Model(inputs, outputs)
    _seeded(model)
    return model


def test_nested_dict_inputs_fit_predict_and_call_as_keras():
    """A dict of inputs holding a tuple ({"tokens": x, "pair": (a, b)}) failed in fit and in the model's call
    ('the input dict has keys [...]; the model's inputs are [...]')."""
    K, ours = _both()
    rng = np.random.default_rng(5)
    data = {"tokens": rng.standard_normal((12, 4)).astype("float32"),
            "pair": (rng.standard_normal((12, 3)).astype("float32"), rng.standard_normal((12, 2)).astype("float32"))}
    targets = {"zeta": rng.standard_normal((12, 1)).astype("float32"),
               "alpha": rng.standard_normal((12, 2)).astype("float32")}
    results = []
    for lib in (K, ours):
        model = _nested(lib)
        model.compile(optimizer=lib.optimizers.SGD(0.1), loss={"zeta": "mse", "alpha": "mae"})
        history = model.fit(data, targets, epochs=2, batch_size=4, shuffle=False, verbose=0)
        called = model({"tokens": data["tokens"], "pair": data["pair"]})
        results.append((history.history["loss"], model.predict(data, verbose=0)["alpha"],
                        _numpy(lib, called["zeta"]), [t.name for t in model.inputs]))
    (their_loss, their_pred, their_call, their_names), (my_loss, my_pred, my_call, my_names) = results
    assert my_names == their_names
    np.testing.assert_allclose(my_loss, their_loss, rtol=1e-5)
    np.testing.assert_allclose(my_pred, their_pred, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(my_call, their_call, rtol=1e-5, atol=1e-6)


def test_dict_inputs_and_outputs_are_ordered_by_sorted_key_as_keras():
    """A functional model kept its dict inputs and outputs in insertion order: Keras flattens them by sorted key
    (model.inputs, output_names) and returns outputs as a dict in sorted key order."""
    K, ours = _both()
    found = []
    for lib in (K, ours):
        a, b = lib.Input((2,), name="zz"), lib.Input((3,), name="aa")
        joined = lib.layers.Concatenate()([a, b])
        model = lib.Model({"z": a, "a": b}, {"q": lib.layers.Dense(1, name="q")(joined),
                                             "b": lib.layers.Dense(2, name="b")(joined)})
        data = {"z": np.ones((2, 2), "float32"), "a": np.ones((2, 3), "float32")}
        found.append(([t.name for t in model.inputs], model.output_names, list(model(data)),
                      list(model.predict(data, verbose=0)), list(model.output)))
    assert found[1] == found[0]


def test_evaluate_lists_the_output_losses_in_the_order_of_the_loss_dict():
    K, ours = _both()
    x = np.linspace(-1, 1, 16, dtype="float32").reshape(8, 2)
    y = {"zl": x[:, :1] * 2, "al": x[:, 1:] - 1, "ml": x[:, :1] + x[:, 1:]}
    found = []
    for lib in (K, ours):
        i = lib.Input((2,))
        model = lib.Model(i, {name: lib.layers.Dense(1, name=name)(i) for name in ("zl", "al", "ml")})
        _seeded(model)
        model.compile(optimizer="sgd", loss={"ml": "mse", "zl": "mae", "al": "mse"}, metrics={"al": ["mae"]})
        found.append(model.evaluate(x, y, verbose=0))
    np.testing.assert_allclose(found[1], found[0], rtol=1e-5)


@pytest.mark.parametrize("make", [
    lambda L: L.layers.LSTM(2, return_state=True), lambda L: L.layers.GRU(2, return_state=True),
    lambda L: L.layers.RNN(L.layers.SimpleRNNCell(2), return_state=True),
    lambda L: L.layers.Bidirectional(L.layers.LSTM(2, return_state=True)),
    lambda L: L.layers.RNN(L.layers.StackedRNNCells([L.layers.GRUCell(2), L.layers.LSTMCell(3)]), return_state=True),
    lambda L: L.layers.ConvLSTM1D(2, 3, return_state=True, data_format="channels_first")])
def test_return_state_gives_a_tuple_as_keras(make):
    """return_state=True returned a list [output, *states]; Keras returns a tuple (output, *states)."""
    K, ours = _both()
    x = np.ones((2, 3, 4, 5), "float32") if "ConvLSTM" in type(make(ours)).__name__ else np.ones((2, 3, 4), "float32")
    theirs, mine = make(K)(x), make(ours)(x)
    assert type(mine) is type(theirs) is tuple
    shapes = [keras.tree.map_structure(lambda t: tuple(t.shape), s) for s in (theirs, mine)]
    assert shapes[1] == shapes[0]


@pytest.mark.parametrize("make", [
    lambda L: L.layers.RandomRotation((0.05, 0.05), data_format="channels_first"),
    lambda L: L.layers.RandomZoom((0.2, 0.2), data_format="channels_first", fill_mode="constant"),
    lambda L: L.layers.RandomTranslation((0.1, 0.1), (-0.2, -0.2), data_format="channels_first")])
def test_random_image_layers_take_channels_first_images(make):
    """RandomRotation, RandomZoom, RandomTranslation (and RandomFlip, RandomContrast) refused
    data_format='channels_first'."""
    K, ours = _both()
    images = (np.random.default_rng(6).random((2, 3, 10, 12)) * 255).astype("float32")
    theirs = _numpy(K, make(K)(images, training=True))
    mine = make(ours)(images, training=True).numpy()
    np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-3)
    np.testing.assert_array_equal(make(ours)(images, training=False).numpy(), images)


def test_dict_outputs_are_known_by_their_keys_in_compile_fit_and_logs():
    """With outputs {"z": <layer 'zl'>, ...}, compile's dicts, the targets and the logs go by the keys (Keras);
    deepgrad looked the targets up by layer name and failed ('the output dict has keys [...]')."""
    K, ours = _both()
    x = np.linspace(-1, 1, 16, dtype="float32").reshape(8, 2)
    y = {"z": x[:, :1] * 2, "a": x[:, 1:] - 1, "m": x[:, :1] + x[:, 1:]}
    found = []
    for lib in (K, ours):
        i = lib.Input((2,))
        model = lib.Model(i, {key: lib.layers.Dense(1, name=f"{key}l")(i) for key in ("z", "a", "m")})
        _seeded(model)
        model.compile(optimizer="sgd", loss={"m": "mse", "z": "mae", "a": "mse"}, metrics={"a": ["mae"]},
                      loss_weights={"z": 2.0, "a": 1.0, "m": 0.5})
        history = model.fit(x, y, sample_weight={"z": np.ones(8), "a": np.arange(8.0), "m": np.ones(8)},
                            epochs=2, batch_size=4, shuffle=False, verbose=0)
        found.append((model.output_names, sorted(history.history), history.history["loss"],
                      model.evaluate(x, y, verbose=0), sorted(model.predict(x, verbose=0))))
    (names, keys, loss, evaluated, predicted), theirs = found[1], found[0]
    assert (names, keys, predicted) == (theirs[0], theirs[1], theirs[4])
    np.testing.assert_allclose(loss, theirs[2], rtol=1e-5)
    np.testing.assert_allclose(evaluated, theirs[3], rtol=1e-5)


def test_nested_dict_inputs_from_a_generator_as_keras():
    K, ours = _both()
    losses = []
    for lib in (K, ours):
        model = _nested(lib)
        model.compile(optimizer=lib.optimizers.SGD(0.1), loss={"zeta": "mse", "alpha": "mse"})
        rng = np.random.default_rng(7)

        def batches():
            for _ in range(3):
                yield ({"pair": (rng.standard_normal((4, 3)).astype("float32"),
                                 rng.standard_normal((4, 2)).astype("float32")),
                        "tokens": rng.standard_normal((4, 4)).astype("float32")},
                       {"zeta": np.ones((4, 1), "float32"), "alpha": np.zeros((4, 2), "float32")})
        losses.append(model.fit(batches(), epochs=1, verbose=0).history["loss"])
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-5)
