"""Callbacks: hook order, EarlyStopping, ModelCheckpoint, learning-rate callbacks, CSVLogger, stop_training."""
import csv

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import arrays
from nn import callbacks as cb
from nn.serialization import load


def _data(n=40):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 4)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.int64)


def _model(lr=0.01, device="cpu"):
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).to(device)
    return model.compile(nn.optim.SGD(model.parameters(), lr=lr), "sparse_categorical_crossentropy",
                         metrics=["accuracy"])


class Scripted(cb.Callback):
    """Replaces the epoch's val_loss with scripted values and snapshots the weights after each epoch."""

    def __init__(self, values):
        super().__init__()
        self.values, self.weights = values, []

    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.values[epoch]
        self.weights.append({k: v.numpy().copy() for k, v in self.model.state_dict().items()})


class Recorder(cb.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def __getattribute__(self, name):
        if name.startswith("on_"):
            return lambda *args, **kwargs: self.events.append(name)   # batch hooks get logs=, as Keras calls them
        return object.__getattribute__(self, name)


def test_hooks_run_in_keras_order():
    x, y = _data(20)
    rec = Recorder()
    _model().fit(x, y, epochs=2, batch_size=10, validation_data=(x[:5], y[:5]), callbacks=[rec], verbose=0)
    epoch = (["on_epoch_begin"] + ["on_train_batch_begin", "on_train_batch_end"] * 2
             + ["on_test_begin", "on_test_batch_begin", "on_test_batch_end", "on_test_end", "on_epoch_end"])
    assert rec.events == ["on_train_begin"] + epoch * 2 + ["on_train_end"]
    assert rec.params == {"epochs": 2, "steps": 2, "verbose": 0}


def test_early_stopping_stops_and_restores_best_weights(device):
    x, y = _data()
    script = Scripted([1.0, 0.5, 0.6, 0.55, 0.7, 0.1, 0.1])
    stopper = cb.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    model = _model(device=device)
    history = model.fit(x, y, epochs=7, batch_size=10, validation_data=(x, y), callbacks=[script, stopper],
                        verbose=0)
    assert history.epoch == [0, 1, 2, 3] and stopper.stopped_epoch == 3 and stopper.best_epoch == 1
    assert history.history["val_loss"] == [1.0, 0.5, 0.6, 0.55]
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), script.weights[1][name])
    assert not np.array_equal(script.weights[1]["0.weight"], script.weights[3]["0.weight"])


def test_early_stopping_min_delta_mode_and_missing_monitor():
    x, y = _data()
    stopper = cb.EarlyStopping(monitor="accuracy", patience=0, min_delta=2.0)  # auto -> max; nothing beats +2
    history = _model().fit(x, y, epochs=5, batch_size=10, callbacks=[stopper], verbose=0)
    assert stopper.tracker.mode == "max" and stopper.monitor == "accuracy" and history.epoch == [0, 1]
    with pytest.raises(ValueError, match=r"monitor 'val_loss' is not in the epoch logs; available: accuracy, loss "
                                         r"\(validation values need validation_data"):
        _model().fit(x, y, epochs=2, callbacks=[cb.EarlyStopping()], verbose=0)


def test_model_checkpoint_round_trips(tmp_path, device):
    x, y = _data()
    script = Scripted([0.9, 0.4, 0.8])
    pattern = str(tmp_path / "ckpt" / "e{epoch:02d}-{val_loss:.2f}.safetensors")
    best = cb.ModelCheckpoint(pattern, monitor="val_loss", save_best_only=True)
    model = _model(device=device)
    model.fit(x, y, epochs=3, batch_size=10, validation_data=(x, y), callbacks=[script, best], verbose=0)
    files = sorted(p.name for p in (tmp_path / "ckpt").iterdir())
    assert files == ["e01-0.90.safetensors", "e02-0.40.safetensors"]
    assert best.last_path.endswith("e02-0.40.safetensors")
    restored = _model(device=device)
    restored.load_state_dict(load(best.last_path))
    for name, value in restored.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), script.weights[1][name])
    np.testing.assert_allclose(restored.predict(x).numpy(), _predict_with(script.weights[1], x), rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match=r"uses the field 'val_acc', which is not among 'epoch' and the logs"):
        _model().fit(x, y, callbacks=[cb.ModelCheckpoint(str(tmp_path / "{val_acc}.st"))], verbose=0)


def _predict_with(weights, x):
    model = _model()
    model.load_state_dict(weights)
    return model.predict(x).numpy()


def test_learning_rate_scheduler_function_and_scheduler_object():
    x, y = _data()
    model = _model(lr=0.1)
    history = model.fit(x, y, epochs=3, callbacks=[cb.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))],
                        verbose=0)
    assert history.history["lr"] == pytest.approx([0.1, 0.05, 0.1 / 3])
    model = _model(lr=0.1)
    step = nn.optim.lr_scheduler.StepLR(model.optimizer, step_size=1, gamma=0.5)
    history = model.fit(x, y, epochs=3, callbacks=[cb.LearningRateScheduler(step)], verbose=0)
    assert history.history["lr"] == pytest.approx([0.1, 0.05, 0.025])
    assert model.optimizer.param_groups[0]["lr"] == pytest.approx(0.0125)
    foreign = nn.optim.lr_scheduler.StepLR(nn.optim.SGD(_model().parameters(), lr=0.1), step_size=1)
    with pytest.raises(ValueError, match="built on another optimizer than model.optimizer"):
        model.fit(x, y, callbacks=[cb.LearningRateScheduler(foreign)], verbose=0)


def test_reduce_lr_on_plateau():
    x, y = _data()
    script = Scripted([1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95])
    reduce = cb.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, cooldown=1, min_lr=0.003)
    model = _model(lr=0.01)
    history = model.fit(x, y, epochs=7, callbacks=[script, reduce], verbose=0)
    # bad epochs 2, 3 -> halved after epoch 3; epoch 4 ends the cooldown and counts as bad (as in Keras),
    # so epoch 5 halves again, floored at min_lr; 'lr' is the rate used during the epoch
    assert history.history["lr"] == pytest.approx([0.01, 0.01, 0.01, 0.01, 0.005, 0.005, 0.003])
    assert model.optimizer.param_groups[0]["lr"] == pytest.approx(0.003)


def test_csv_logger(tmp_path):
    x, y = _data()
    path = tmp_path / "log.csv"
    _model().fit(x, y, epochs=2, validation_data=(x, y), callbacks=[cb.CSVLogger(path)], verbose=0)
    _model().fit(x, y, epochs=1, validation_data=(x, y), callbacks=[cb.CSVLogger(path, append=True)], verbose=0)
    rows = list(csv.reader(path.open()))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [r[0] for r in rows[1:]] == ["0", "1", "0"]
    assert all(0.0 <= float(r[1]) <= 1.0 for r in rows[1:])


def test_stop_training_inside_an_epoch():
    class StopAfterThreeBatches(cb.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 2:
                self.model.stop_training = True

    x, y = _data()
    rec = Recorder()
    history = _model().fit(x, y, epochs=5, batch_size=4, callbacks=[StopAfterThreeBatches(), rec], verbose=0)
    assert history.epoch == [0] and rec.events.count("on_train_batch_end") == 3


def test_a_non_callback_is_refused():
    x, y = _data()
    with pytest.raises(TypeError, match="is not a Callback .*subclass nn.callbacks.Callback"):
        _model().fit(x, y, callbacks=[object()], verbose=0)


class Poison(cb.Callback):
    """Fills the first layer's weight with `value` before batch `batch` of epoch `epoch`."""

    def __init__(self, epoch, batch, value=np.nan):
        super().__init__()
        self.at, self.value, self.epoch = (epoch, batch), value, None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            arrays.assign_(self.model[0].weight, self.value)


def test_terminate_on_nan_stops_fit_cleanly_and_keeps_the_history(tmp_path, capsys, device):
    x, y = _data()
    rec = Recorder()
    stop = cb.TerminateOnNaN()
    best = cb.ModelCheckpoint(str(tmp_path / "e{epoch}.safetensors"), save_best_only=True)
    history = _model(device=device).fit(
        x, y, epochs=5, batch_size=10, validation_data=(x, y), verbose=0,
        callbacks=[Poison(epoch=1, batch=2), stop, cb.EarlyStopping(patience=5), best, rec])
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out
    assert stop.stopped_batch == (1, 2)
    assert history.epoch == [0, 1]
    loss, val_loss = history.history["loss"], history.history["val_loss"]
    assert np.isfinite(loss[0]) and np.isnan(loss[1]) and np.isfinite(val_loss[0]) and len(val_loss) == 2
    assert rec.events.count("on_train_batch_end") == 4 + 3 and rec.events[-1] == "on_train_end"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e1.safetensors"]  # the NaN epoch is not "best"


def test_without_terminate_on_nan_training_runs_on():
    x, y = _data()
    history = _model().fit(x, y, epochs=3, batch_size=10, callbacks=[Poison(epoch=0, batch=1)], verbose=0)
    assert history.epoch == [0, 1, 2] and all(np.isnan(history.history["loss"]))


@pytest.mark.parametrize("loss, stops", [(np.inf, True), (-np.inf, True), (np.nan, True), (1e38, False), (0.0, False)])
def test_terminate_on_nan_checks_each_batch_loss(loss, stops, capsys):
    model = _model()
    stop = cb.TerminateOnNaN()
    cb.CallbackList([stop], model, {"epochs": 1, "steps": 1, "verbose": 0})
    model.stop_training = False
    stop.on_train_begin()
    stop.on_epoch_begin(0)
    stop.on_train_batch_end(4, {"loss": loss})
    assert model.stop_training is stops
    assert ("Batch 4: Invalid loss" in capsys.readouterr().out) is stops
    stop.on_train_batch_end(5, {})  # a batch without a loss (nothing to check) is fine
