"""compile(jit_compile=True) on nn.keras: fit/evaluate/predict replay ag.jit steps that give eager mode's numbers
bit for bit (BatchNormalization's moving statistics included), and both match real Keras 3 with the
EarlyStopping, ReduceLROnPlateau and ModelCheckpoint callbacks (history keys named as Keras names them)."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(3)
X = RNG.standard_normal((120, 6, 6, 1)).astype(np.float32)
Y = (X[:, :3, :3, 0].mean(axis=(1, 2)) > 0).astype(np.int64) + (X[:, 3:, 3:, 0].mean(axis=(1, 2)) > 0)


def _convnet(K):
    return K.Sequential([K.Input(shape=(6, 6, 1)), K.layers.Conv2D(4, 3, padding="same", use_bias=False),
                         K.layers.BatchNormalization(), K.layers.Activation("relu"), K.layers.Flatten(),
                         K.layers.Dense(3, activation="softmax")])


def _train(K, weights, tmp_path, jit_compile=None):
    model = _convnet(K)
    if weights is not None:
        model.set_weights(weights)
    extra = {} if jit_compile is None else {"jit_compile": jit_compile}
    model.compile(optimizer=K.optimizers.Adam(learning_rate=0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], **extra)
    callbacks = [K.callbacks.EarlyStopping(patience=2, restore_best_weights=True),
                 K.callbacks.ReduceLROnPlateau(factor=0.5, patience=1),
                 K.callbacks.ModelCheckpoint(str(tmp_path / f"best{jit_compile}.weights.h5"), save_best_only=True,
                                             save_weights_only=True)]
    history = model.fit(X[:100], Y[:100], epochs=4, batch_size=16, validation_split=0.2, shuffle=False,
                        callbacks=callbacks, verbose=0)
    return model, history.history, model.evaluate(X[100:], Y[100:], verbose=0), model.predict(X[100:], verbose=0)


def test_jit_compile_replays_match_eager_bit_for_bit_and_keras(tmp_path):
    keras = real_keras()
    keras.utils.set_random_seed(0)
    theirs, h_theirs, e_theirs, p_theirs = _train(keras, None, tmp_path)
    weights = _convnet(keras).get_weights()          # the same init for both of our runs
    theirs, h_theirs, e_theirs, p_theirs = _train(keras, weights, tmp_path)
    _, h_eager, e_eager, p_eager = _train(ours, weights, tmp_path, jit_compile=False)
    model, h_jit, e_jit, p_jit = _train(ours, weights, tmp_path, jit_compile=True)
    assert model._compiled.steps.train.replays > 0 and model._compiled.steps.eval.replays > 0
    assert h_jit == h_eager and e_jit == e_eager and np.array_equal(p_jit, p_eager)
    assert sorted(h_jit) == sorted(h_theirs)         # 'learning_rate', as Keras 3 logs it (was 'lr')
    for key, values in h_theirs.items():
        np.testing.assert_allclose(h_jit[key], values, rtol=2e-4, atol=2e-5, err_msg=key)
    np.testing.assert_allclose(e_jit, e_theirs, rtol=2e-4, atol=2e-5)
    np.testing.assert_allclose(p_jit, p_theirs, rtol=1e-3, atol=2e-5)


def test_jit_compile_takes_keras_values_only():
    model = _convnet(ours)
    with pytest.raises(ValueError, match="jit_compile must be True, False or 'auto'"):
        model.compile(optimizer="adam", loss="mse", jit_compile="yes")
    model.compile(optimizer="adam", loss="mse", jit_compile="auto")
    assert model._compiled.steps is None


def test_jit_compile_replays_match_eager_bit_for_bit_on_numba(tmp_path):
    import autograd as ag
    if "numba" not in ag.available_devices():
        pytest.skip("numba is not available")
    before = ag.get_default_device()
    ag.set_default_device("numba")
    try:
        weights = _convnet(ours).get_weights()
        _, h_eager, e_eager, p_eager = _train(ours, weights, tmp_path, jit_compile=False)
        model, h_jit, e_jit, p_jit = _train(ours, weights, tmp_path, jit_compile=True)
        assert all(str(w.device) == "numba" for w in model.trainable_weights)
    finally:
        ag.set_default_device(before)
    assert model._compiled.steps.train.replays > 0
    assert h_jit == h_eager and e_jit == e_eager and np.array_equal(p_jit, p_eager)
