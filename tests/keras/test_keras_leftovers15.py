"""Keras leftovers 15: differences from Keras 3.15 recorded in earlier stops and closed in stop 55. The expected
values were printed by Keras 3.15.1 (torch backend) running the same program."""
import math

import numpy as np

from nn import keras


class _FeedValLoss(keras.callbacks.Callback):
    """Writes a chosen val_loss into each epoch's logs (before the monitoring callbacks read it)."""

    values = [float("nan"), 0.5, 0.4, 0.3, 0.2, 0.1]

    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.values[epoch]


def test_a_nan_first_monitored_value_counts_as_the_first_best_as_in_keras(tmp_path):
    """Keras's `_is_improvement` against a best of None is True whatever the value, so a NaN first epoch becomes
    the best and is never beaten: EarlyStopping stops after its patience, ReduceLROnPlateau lowers the rate and
    ModelCheckpoint saved once. deepgrad treated NaN as no improvement and went on training."""
    seen = []

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((stop.best, stop.wait, plateau.best, plateau.wait, checkpoint.best))

    stop = keras.callbacks.EarlyStopping(patience=2)
    plateau = keras.callbacks.ReduceLROnPlateau(patience=1)
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "best.weights.h5"), save_best_only=True,
                                                 save_weights_only=True)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 3), "float32"), np.ones((8, 1), "float32")
    history = model.fit(x, y, epochs=6, verbose=0,
                        callbacks=[_FeedValLoss(), stop, plateau, checkpoint, Record()]).history
    assert len(history["loss"]) == 3 and stop.stopped_epoch == 2
    assert [float(v) for v in history["learning_rate"]] == [0.009999999776482582, 0.009999999776482582,
                                                             0.0009999999310821295]
    assert [wait for _, wait, _, _, _ in seen] == [0, 1, 2]
    assert [wait for _, _, _, wait, _ in seen] == [0, 0, 0]
    assert all(math.isnan(value) for row in seen for value in (row[0], row[2], row[4]))
    assert (tmp_path / "best.weights.h5").exists()


def test_best_is_none_before_the_first_value_and_a_first_infinite_value_is_kept():
    """`best` reads None until an epoch has been recorded; a first value of inf is recorded (Keras: improvement
    over None), where the old sentinel comparison read it as 'nothing seen'."""
    stop = keras.callbacks.EarlyStopping(patience=5)
    assert stop.best is None
    stop.tracker.reset()
    assert stop.tracker.improves(math.inf)
    stop.tracker.best = math.inf
    assert stop.best == math.inf


def test_like_factories_take_a_keras_variable():
    """A keras.Variable reports its dtype as Keras's string; ones_like and the other *_like factories (which Keras
    ops use on variables: divide_no_nan) read it as the dtype it names, while a string given as dtype= stays
    PyTorch's TypeError (stop 55's bad-input round)."""
    import autograd as ag
    import pytest
    variable = keras.Variable([1.0, 2.0])
    assert ag.ones_like(variable).tolist() == [1.0, 1.0] and ag.ones_like(variable).dtype == np.float32
    for make in (ag.zeros_like, ag.empty_like, ag.rand_like, ag.randn_like):
        assert make(variable).dtype == np.float32
    assert ag.full_like(variable, 3).tolist() == [3.0, 3.0]
    assert float(keras.ops.divide_no_nan(keras.Variable([1.0, 2.0]), keras.Variable([0.0, 4.0]))[1]) == 0.5
    with pytest.raises(TypeError, match="ones_like"):
        ag.ones_like(ag.ones(2), dtype="float32")
