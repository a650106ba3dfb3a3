"""keras.metrics.F1Score / FBetaScore against real Keras 3 (torch backend)."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(9)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("threshold", [None, 0.4])
def test_f1_score_matches_keras_over_batches(average, threshold):
    keras = real_keras()
    theirs, mine = keras.metrics.F1Score(average, threshold), ours.metrics.F1Score(average, threshold)
    for batch in range(3):
        y_true = (RNG.random((6, 4)) < 0.4).astype(np.float32)
        y_pred = RNG.random((6, 4)).astype(np.float32)
        y_pred[0] = 0.0   # an all-zero row predicts nothing without a threshold
        weight = RNG.random(6).astype(np.float32) if batch == 1 else None
        theirs.update_state(y_true, y_pred, sample_weight=weight)
        mine.update_state(y_true, y_pred, sample_weight=weight)
        np.testing.assert_allclose(mine.result().numpy(), np.asarray(theirs.result()), rtol=1e-5, atol=1e-6)
    theirs.reset_state()
    mine.reset_state()
    y = np.eye(4, dtype=np.float32)[[0, 1, 2, 3, 1]]
    theirs.update_state(y, y)
    mine.update_state(y, y)
    np.testing.assert_allclose(mine.result().numpy(), np.asarray(theirs.result()), rtol=1e-5, atol=1e-6)


def test_fbeta_score_matches_keras():
    keras = real_keras()
    y_true = np.eye(3, dtype=np.float32)[RNG.integers(0, 3, 10)]
    y_pred = RNG.random((10, 3)).astype(np.float32)
    theirs = keras.metrics.FBetaScore(average="macro", beta=2.0)
    mine = ours.metrics.FBetaScore(average="macro", beta=2.0)
    theirs.update_state(y_true, y_pred)
    mine.update_state(y_true, y_pred)
    np.testing.assert_allclose(mine.result().numpy(), np.asarray(theirs.result()), rtol=1e-5)


def test_f1_score_in_fit_logs_as_keras():
    keras = real_keras()
    x = RNG.standard_normal((24, 5)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[RNG.integers(0, 3, 24)]

    def build(K):
        model = K.Sequential([K.Input((5,)), K.layers.Dense(3, activation="softmax")])
        model.compile(optimizer=K.optimizers.SGD(0.1), loss="categorical_crossentropy",
                      metrics=[K.metrics.F1Score(average="macro")])
        return model
    theirs, mine = build(keras), build(ours)
    mine.set_weights(theirs.get_weights())
    kw = dict(epochs=2, batch_size=8, shuffle=False, verbose=0)
    h_theirs, h_mine = theirs.fit(x, y, **kw).history, mine.fit(x, y, **kw).history
    np.testing.assert_allclose(h_mine["f1_score"], h_theirs["f1_score"], rtol=1e-5)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="average"):
        ours.metrics.F1Score(average="samples")
    with pytest.raises(ValueError, match="threshold"):
        ours.metrics.F1Score(threshold=2.0)
