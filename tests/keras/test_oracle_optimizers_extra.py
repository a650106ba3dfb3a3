"""Adamax, Nadam, Adadelta, Lion, Ftrl and Adafactor against real Keras 3 (torch backend): from the same
weights and gradients, several apply_gradients steps leave the same weights; fit on a small model agrees."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(11)
SHAPES = [(2, 3, 4), (4, 5), (5,), ()]
START = [RNG.standard_normal(s).astype(np.float32) for s in SHAPES]
GRADS = [[RNG.standard_normal(s).astype(np.float32) for s in SHAPES] for _ in range(4)]

CASES = [("Adamax", {"learning_rate": 0.01}), ("Adamax", {"learning_rate": 0.01, "weight_decay": 0.1}),
         ("Nadam", {"learning_rate": 0.01}), ("Nadam", {"learning_rate": 0.01, "clipnorm": 0.5}),
         ("Adadelta", {"learning_rate": 1.0}), ("Adadelta", {"learning_rate": 0.5, "rho": 0.8}),
         ("Lion", {"learning_rate": 0.01}), ("Lion", {"learning_rate": 0.01, "global_clipnorm": 1.0}),
         ("Ftrl", {"learning_rate": 0.1}),
         ("Ftrl", {"learning_rate": 0.1, "l1_regularization_strength": 0.05, "l2_regularization_strength": 0.1,
                   "l2_shrinkage_regularization_strength": 0.02, "beta": 0.5, "learning_rate_power": -0.3}),
         ("Adafactor", {}), ("Adafactor", {"learning_rate": 0.05, "clip_threshold": 0.5, "clipvalue": 0.8}),
         ("Adafactor", {"learning_rate": 0.5, "relative_step": False})]


def _ids(cases):
    return [f"{n}-{'-'.join(f'{k}={v}' for k, v in o.items())}" for n, o in cases]


@pytest.mark.parametrize("name,options", CASES, ids=_ids(CASES))
def test_apply_gradients_matches_keras(name, options):
    keras = real_keras()
    theirs = [keras.Variable(w.copy()) for w in START]
    mine = [ours.Variable(w.copy(), trainable=True) for w in START]
    their_opt, my_opt = getattr(keras.optimizers, name)(**options), getattr(ours.optimizers, name)(**options)
    for grads in GRADS:
        their_opt.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in grads], theirs))
        my_opt.apply_gradients(zip(grads, mine))
    for k, (a, b) in enumerate(zip(mine, theirs)):
        np.testing.assert_allclose(a.numpy(), keras.ops.convert_to_numpy(b), rtol=2e-5, atol=2e-6,
                                   err_msg=f"{name} weight {k}")
    assert my_opt.iterations == 4


def test_schedule_drives_the_rate():
    keras = real_keras()
    for name in ("Nadam", "Adafactor"):
        theirs = [keras.Variable(w.copy()) for w in START]
        mine = [ours.Variable(w.copy(), trainable=True) for w in START]
        their_opt = getattr(keras.optimizers, name)(keras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5))
        my_opt = getattr(ours.optimizers, name)(ours.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5))
        for grads in GRADS:
            their_opt.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in grads], theirs))
            my_opt.apply_gradients(zip(grads, mine))
        for a, b in zip(mine, theirs):
            np.testing.assert_allclose(a.numpy(), keras.ops.convert_to_numpy(b), rtol=2e-5, atol=2e-6, err_msg=name)


X = RNG.standard_normal((48, 6)).astype(np.float32)
Y = (X[:, 0] - X[:, 1] > 0).astype(np.int64)


@pytest.mark.parametrize("name", ["adamax", "nadam", "adadelta", "lion", "ftrl", "adafactor"])
def test_fit_by_name_matches_keras(name):
    keras = real_keras()
    models = [K.Sequential([K.Input(shape=(6,)), K.layers.Dense(8, activation="relu"),
                            K.layers.Dense(2, activation="softmax")]) for K in (keras, ours)]
    models[1].set_weights(models[0].get_weights())
    histories = []
    for model in models:
        model.compile(optimizer=name, loss="sparse_categorical_crossentropy")
        histories.append(model.fit(X, Y, epochs=2, batch_size=16, shuffle=False, verbose=0).history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-4, atol=1e-6)
    for a, b in zip(models[1].get_weights(), models[0].get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_bad_hyper_parameters_are_refused():
    with pytest.raises(ValueError, match="Lion: beta_1"):
        ours.optimizers.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="Ftrl: learning_rate_power"):
        ours.optimizers.Ftrl(learning_rate_power=0.5)
    with pytest.raises(ValueError, match="Ftrl: l1_regularization_strength"):
        ours.optimizers.Ftrl(l1_regularization_strength=-1.0)
    assert ours.optimizers.get("nadam").get_config()["beta_1"] == 0.9


@pytest.mark.parametrize("name", ["Nadam", "Adafactor", "Ftrl"])
def test_training_resumes_exactly_after_save_and_load(tmp_path, name):
    def model():
        net = ours.Sequential([ours.Input(shape=(6,)), ours.layers.Dense(4, activation="relu"),
                               ours.layers.Dense(2, activation="softmax")])
        net.compile(getattr(ours.optimizers, name)(learning_rate=0.05), "sparse_categorical_crossentropy")
        return net
    original = model()
    original.fit(X, Y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    original.save(tmp_path / "m.keras")
    loaded = ours.saving.load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer).__name__ == name and loaded.optimizer.iterations == 3
    for net in (original, loaded):
        net.fit(X, Y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    for a, b in zip(loaded.get_weights(), original.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
