"""A model with no trainable weights (only weightless layers) trains as in Keras: fit and train_on_batch report
the loss with Keras's warning instead of failing in backward."""
import numpy as np
import pytest

from nn import keras


def _model(jit_compile=False):
    model = keras.Sequential([keras.Input((3,)), keras.layers.UnitNormalization()])
    model.compile(optimizer="adam", loss="mse", jit_compile=jit_compile)
    return model


def _data():
    rng = np.random.default_rng(0)
    return rng.random((4, 3)).astype("float32"), rng.random((4, 3)).astype("float32")


@pytest.mark.parametrize("jit_compile", [False, True])
def test_fit_and_train_on_batch_warn_and_report_the_loss(jit_compile):
    x, y = _data()
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    expected = float(np.mean((unit - y) ** 2))
    model = _model(jit_compile)
    with pytest.warns(UserWarning, match="does not have any trainable weights"):
        loss = model.train_on_batch(x, y)
    assert loss == pytest.approx(expected, rel=1e-6)
    with pytest.warns(UserWarning, match="does not have any trainable weights"):
        history = model.fit(x, y, epochs=2, batch_size=2, verbose=0).history
    assert history["loss"] == pytest.approx([expected] * 2, rel=1e-6)


def test_keras_reports_the_same_loss():
    keras_real = pytest.importorskip("keras")
    x, y = _data()
    theirs = keras_real.Sequential([keras_real.Input((3,)), keras_real.layers.UnitNormalization()])
    theirs.compile(optimizer="adam", loss="mse")
    with pytest.warns(UserWarning):
        expected = theirs.train_on_batch(x, y)
    with pytest.warns(UserWarning):
        assert _model().train_on_batch(x, y) == pytest.approx(float(expected), rel=1e-6)


def test_the_warning_shows_once_per_process_as_keras():
    """Under Python's default warning filter Keras shows it once, from one line of its trainer, however many
    fits and train_on_batch calls follow; deepgrad printed it again from each caller."""
    import subprocess
    import sys
    program = ("import warnings, numpy as np\n"
               "warnings.simplefilter('default')\n"
               "from nn import keras\n"
               "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, trainable=False)])\n"
               "m.compile(optimizer='sgd', loss='mse')\n"
               "x = np.ones((8, 3), 'float32'); y = np.ones((8, 2), 'float32')\n"
               "for _ in range(2):\n"
               "    m.fit(x, y, epochs=2, batch_size=4, verbose=0)\n"
               "m.train_on_batch(x, y)\n")
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("UserWarning: The model does not have any trainable weights") == 1, run.stderr
