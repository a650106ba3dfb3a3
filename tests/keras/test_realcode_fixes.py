"""Regressions for what keras.io's examples (vision/mnist_convnet, nlp/bidirectional_lstm_imdb, vision/autoencoder,
timeseries/timeseries_classification_from_scratch, timeseries/timeseries_anomaly_detection, nlp/addition_rnn) found
when run with only their import changed, each compared with real Keras 3 on its torch backend."""
import re

import numpy as np
import pytest

from .oracle import fresh_sessions

TIMES = re.compile(r" - \d+s - \d+(?:s|ms|us)/step")


def _printed_by(K, capsys, run):
    K.utils.set_random_seed(3)
    x = np.random.default_rng(0).random((40, 3)).astype("float32")
    model = K.Sequential([K.Input((3,)), K.layers.Dense(1)])
    model.compile(K.optimizers.SGD(0.1), "mse", metrics=["mae"])
    run(model, x, x.sum(1, keepdims=True))
    return [TIMES.sub(" - #s - #/step", line) for line in capsys.readouterr().out.splitlines()]


@pytest.mark.parametrize("case", ["fit_one_epoch", "fit_two_epochs", "evaluate", "predict", "evaluate_default",
                                  "small_values"])
def test_one_line_progress_as_keras_prints_it(case, capsys):
    """verbose=2 lines: fit over one epoch prints no 'Epoch 1/1'; evaluate ends with '2/2 - 0s - 4ms/step - loss:
    ...' (deepgrad printed only 'loss: ...'); predict with '2/2 - 0s - 1ms/step' (deepgrad printed nothing); values
    at or below 1e-3 in scientific notation ('loss: 1.2e-05' reads 1.2000e-05). The autoencoder and
    timeseries examples printed these lines differently."""
    runs = {
        "fit_one_epoch": lambda m, x, y: m.fit(x, y, epochs=1, batch_size=16, verbose=2),
        "fit_two_epochs": lambda m, x, y: m.fit(x, y, epochs=2, batch_size=16, verbose=2),
        "evaluate": lambda m, x, y: m.evaluate(x, y, batch_size=16, verbose=2),
        "predict": lambda m, x, y: (m.predict(x, batch_size=16, verbose=2), m.predict(x[:3], verbose=2)),
        "evaluate_default": lambda m, x, y: m.evaluate(x, y, verbose=2),
        "small_values": lambda m, x, y: (m.set_weights([np.zeros((3, 1), "float32"), np.zeros(1, "float32")]),
                                         m.fit(x, 1e-3 * x[:, :1], epochs=1, verbose=2),
                                         m.evaluate(x, -1e-2 * x[:, :1], verbose=2)),
    }
    theirs_k, ours_k = fresh_sessions()
    theirs = _printed_by(theirs_k, capsys, runs[case])
    ours = _printed_by(ours_k, capsys, runs[case])
    assert len(ours) == len(theirs), (ours, theirs)
    number = re.compile(r"-?\d+\.\d+(?:e[-+]\d+)?")
    for mine, keras in zip(ours, theirs):
        assert number.sub("#", mine) == number.sub("#", keras), (mine, keras)
        np.testing.assert_allclose([float(v) for v in number.findall(mine)],
                                   [float(v) for v in number.findall(keras)], rtol=2e-3, atol=1e-6)
