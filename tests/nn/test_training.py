"""Keras-style training: compile/fit/evaluate/predict against an explicit loop, metrics, History, errors."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn.data import DataLoader, TensorDataset, load_mnist_sample
from nn.training import metrics as M


@pytest.fixture(scope="module")
def digits():
    """1,000 training and 500 test digits of the bundled sample, scaled to [0, 1]."""
    images, labels = load_mnist_sample()
    order = np.random.default_rng(0).permutation(len(images))
    x = images[order].reshape(-1, 784).astype(np.float32) / 255.0
    y = labels[order]
    return x[:1000], y[:1000], x[1000:1500], y[1000:1500]


def _mlp(seed=0, device="cpu"):
    ag.manual_seed(seed)
    return nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10)).to(device)


def test_fit_matches_an_explicit_loop_and_learns(digits, device):
    x, y, x_test, y_test = digits
    keras_style = _mlp(device=device)
    keras_style.compile(nn.optim.Adam(keras_style.parameters(), lr=5e-3), "sparse_categorical_crossentropy",
                        metrics=["accuracy"])
    history = keras_style.fit(x, y, epochs=2, batch_size=50, seed=11, verbose=0)

    explicit = _mlp(device=device)
    opt = nn.optim.Adam(explicit.parameters(), lr=5e-3)
    loss_fn = nn.CrossEntropyLoss()
    loader = DataLoader(TensorDataset(x, y), batch_size=50, shuffle=True, seed=11, device=device)
    for _ in range(2):
        for xb, yb in loader:
            loss = loss_fn(explicit(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()

    for (name, a), b in zip(keras_style.state_dict().items(), explicit.state_dict().values()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5, err_msg=name)
    explicit_acc = float((explicit(ag.tensor(x_test, device=device)).numpy().argmax(1) == y_test).mean())
    result = keras_style.evaluate(x_test, y_test)
    assert set(result) == {"loss", "accuracy"}
    assert result["accuracy"] == pytest.approx(explicit_acc)
    assert result["accuracy"] > 0.8
    assert history.history["loss"][1] < history.history["loss"][0]
    assert history.epoch == [0, 1]


def test_evaluate_and_predict_agree(digits):
    x, y, x_test, y_test = digits
    model = _mlp()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy", "top3_accuracy"])
    model.fit(x, y, epochs=1, verbose=0)
    out = model.predict(x_test, batch_size=64)
    assert isinstance(out, ag.Tensor) and out.shape == (500, 10)
    logits = out.numpy()
    shifted = logits - logits.max(1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    result = model.evaluate(x_test, y_test, batch_size=64)
    assert result["loss"] == pytest.approx(-log_probs[np.arange(500), y_test].mean(), rel=1e-5)
    assert result["accuracy"] == pytest.approx((logits.argmax(1) == y_test).mean())
    top3 = np.argsort(-logits, axis=1)[:, :3]
    assert result["top3_accuracy"] == pytest.approx((top3 == y_test[:, None]).any(1).mean())


class ModeRecorder(nn.Module):
    """A model that notes whether each forward call ran in training mode and with gradients."""

    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(4, 3)
        self.calls = []

    def forward(self, x):
        self.calls.append((self.training, ag.is_grad_enabled()))
        return self.dense(x)


def test_modes_train_for_fit_eval_for_validation_and_predict():
    model = ModeRecorder()
    x, y = np.random.rand(20, 4).astype(np.float32), np.arange(20) % 3
    model.compile("adam", "cross_entropy")
    model.eval()
    model.fit(x, y, batch_size=10, validation_data=(x, y), verbose=0)
    assert model.calls == [(True, True)] * 2 + [(False, False)] * 2
    assert model.training is False  # mode restored
    model.calls.clear()
    model.train()
    model.predict(x, batch_size=20)
    assert model.calls == [(False, False)] and model.training is True
    model.dense.eval()  # a sub-module deliberately in eval mode keeps it
    model.fit(x, y, verbose=0)
    model.evaluate(x, y)
    assert model.training is True and model.dense.training is False


def test_dataloader_input_validation_split_and_history_keys(digits):
    x, y, _, _ = digits
    model = _mlp()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy", "f1"])
    history = model.fit(DataLoader(TensorDataset(x[:200], y[:200]), batch_size=40), epochs=2, verbose=0,
                        validation_data=DataLoader(TensorDataset(x[200:300], y[200:300]), batch_size=40))
    assert set(history.history) == {"loss", "accuracy", "f1", "val_loss", "val_accuracy", "val_f1"}
    assert all(len(v) == 2 for v in history.history.values())
    seen = []

    class CountValidation(nn.callbacks.Callback):
        def on_test_batch_end(self, batch, logs=None):
            seen.append(batch)

    model.fit(x[:100], y[:100], validation_split=0.2, batch_size=10, callbacks=[CountValidation()], verbose=0)
    assert seen == [0, 1]  # 20 validation examples in batches of 10


def test_binary_and_regression_losses_train():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 3)).astype(np.float32)
    w = np.array([1.5, -2.0, 0.5], np.float32)
    ag.manual_seed(0)
    classifier = nn.Linear(3, 1)
    classifier.compile("adam", "binary_crossentropy", metrics=["accuracy", "precision", "recall"])
    classifier.optimizer.param_groups[0]["lr"] = 0.05
    classifier.fit(x, (x @ w > 0).astype(np.int64), epochs=5, batch_size=20, verbose=0)
    result = classifier.evaluate(x, (x @ w > 0).astype(np.int64))
    assert result["accuracy"] > 0.9 and result["precision"] > 0.85 and result["recall"] > 0.85
    regressor = nn.Linear(3, 1)
    regressor.compile("sgd", "mse", metrics=["mae"])
    history = regressor.fit(x, x @ w, epochs=5, batch_size=10, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    assert history.history["mae"][-1] == pytest.approx(regressor.evaluate(x, x @ w)["mae"], rel=0.5)


def test_categorical_and_hinge_losses_train():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((120, 2)).astype(np.float32)
    labels = (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0)  # three classes
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
    model.compile(lambda params: nn.optim.Adam(params, lr=0.03), "categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, np.eye(3, dtype=np.float32)[labels], epochs=10, batch_size=20, verbose=0)
    assert history.history["accuracy"][-1] > 0.85
    assert model.evaluate(x, np.eye(3)[labels])["accuracy"] == pytest.approx(
        (model.predict(x).numpy().argmax(1) == labels).mean())
    svm = nn.Linear(2, 1)
    svm.compile(lambda params: nn.optim.SGD(params, lr=0.1), "hinge", metrics=["accuracy"])
    signs = np.where(x[:, 0] - x[:, 1] > 0, 1.0, -1.0).astype(np.float32)
    svm.fit(x, signs, epochs=10, batch_size=10, verbose=0)
    assert svm.evaluate(x, signs)["accuracy"] > 0.9  # accuracy reads the sign of the score


def test_confusion_metrics_match_hand_counts():
    out = np.eye(3)[[0, 1, 2, 2, 1, 0, 0]]
    target = np.array([0, 1, 1, 2, 1, 2, 0])
    # class 0: tp 2, fp 1, fn 0; class 1: tp 2, fp 0, fn 1; class 2: tp 1, fp 1, fn 1
    precision, recall, f1 = M.Precision(), M.Recall(), M.F1Score()
    for m in (precision, recall, f1):
        m.update(out[:4], target[:4])
        m.update(out[4:], target[4:])
    assert precision.result() == pytest.approx(np.mean([2 / 3, 1.0, 0.5]))
    assert recall.result() == pytest.approx(np.mean([1.0, 2 / 3, 0.5]))
    assert f1.result() == pytest.approx(np.mean([4 / 5, 4 / 5, 2 / 4]))
    acc = M.Accuracy(threshold=0.0)
    acc.update(np.array([[2.0], [-1.0], [0.5]]), np.array([1, 1, 0]))
    assert acc.result() == pytest.approx(1 / 3)
    assert np.isnan(M.MeanSquaredError().result())


def test_history_plot_writes_a_png(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    history = nn.training.History()
    for epoch, logs in enumerate([{"loss": 1.0, "accuracy": 0.5, "val_loss": 1.2},
                                  {"loss": 0.5, "accuracy": 0.8, "val_loss": 0.9}]):
        history.on_epoch_end(epoch, logs)
    path = history.plot(tmp_path / "curves.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    figure = history.plot()
    assert [axes.get_title() for axes in figure.axes] == ["loss", "accuracy"]
    assert [line.get_label() for line in figure.axes[0].lines] == ["loss", "val_loss"]
    with pytest.raises(ValueError, match="no record of f1"):
        history.plot(tmp_path / "x.png", names=["f1"])


def test_history_plot_without_matplotlib_says_how_to_install(tmp_path, monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    history = nn.training.History()
    history.on_epoch_end(0, {"loss": 1.0})
    with pytest.raises(ImportError, match="pip install matplotlib"):
        history.plot(tmp_path / "curves.png")


def test_progress_output(capsys):
    model = nn.Linear(2, 2)
    model.compile("sgd", "cross_entropy", metrics=["accuracy"])
    x, y = np.zeros((8, 2), np.float32), np.zeros(8, np.int64)
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert capsys.readouterr().out == ""
    model.fit(x, y, epochs=2, batch_size=4, verbose=1)  # stdout is not a terminal: one line per epoch
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("Epoch 1/2") and "accuracy: " in lines[1]


def test_progress_falls_back_to_lines_without_tqdm(monkeypatch):
    import io
    import sys

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setitem(sys.modules, "tqdm", None)
    screen = Terminal()
    bar = nn.training.ProgressBar(verbose=1, stream=screen)
    bar.set_params({"epochs": 2, "steps": 3})
    bar.on_epoch_begin(0)
    bar.on_train_batch_end(0, {"loss": 0.5})
    bar.on_epoch_end(0, {"loss": 0.25})
    assert screen.getvalue().startswith("Epoch 1/2 - ") and screen.getvalue().endswith("loss: 0.2500\n")


def test_progress_bar_on_a_terminal():
    pytest.importorskip("tqdm")
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    bar = nn.training.ProgressBar(verbose=1, stream=screen)
    bar.set_params({"epochs": 1, "steps": 3})
    bar.on_epoch_begin(0)
    for step in range(3):
        bar.on_train_batch_end(step, {"loss": 0.5})
    bar.on_epoch_end(0, {"loss": 0.25})
    assert "Epoch 1/1" in screen.getvalue() and "3/3" in screen.getvalue() and "0.2500" in screen.getvalue()


class OneLogit(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(4, 1)

    def forward(self, x):
        return self.dense(x).reshape(-1)


def _compiled_mlp(**kw):
    model = nn.Sequential(nn.Linear(4, 3))
    return model.compile(kw.pop("optimizer", "adam"), kw.pop("loss", "sparse_categorical_crossentropy"), **kw)


def test_bad_input_errors_name_the_value_and_the_fix():
    x = np.zeros((10, 4), np.float32)
    with pytest.raises(ValueError, match=r"x has 10 examples .* but y has 9"):
        _compiled_mlp().fit(x, np.zeros(9, np.int64), verbose=0)
    with pytest.raises(ValueError, match=r"needs integer class indices as targets, got float32 .*astype\(np.int64\)"):
        _compiled_mlp().fit(x, np.zeros(10, np.float32), verbose=0)
    with pytest.raises(ValueError, match=r"outputs of shape Size\(\[10, 3\]\) need targets of shape Size\(\[10\]\).*got Size\(\[10, 2\]\)"):
        _compiled_mlp().fit(x, np.zeros((10, 2), np.int64), batch_size=10, verbose=0)
    with pytest.raises(ValueError, match=r"targets hold class 7, but the model outputs 3 class scores"):
        _compiled_mlp().fit(x, np.full(10, 7), verbose=0)
    with pytest.raises(ValueError, match=r"needs class scores .* outputs shape Size\(\[10\]\)"):
        OneLogit().compile("adam", "cross_entropy").fit(x, np.zeros(10, np.int64), batch_size=10, verbose=0)
    with pytest.raises(ValueError, match=r"loss 'mse' needs one target per output value: outputs Size\(\[10, 3\]\)"):
        _compiled_mlp(loss="mse").fit(x, np.zeros(10, np.float32), batch_size=10, verbose=0)
    with pytest.raises(ValueError, match=r"unknown optimizer 'adamm'; accepted names: sgd, adam, adamw, rmsprop, "
                                         r"adagrad"):
        _compiled_mlp(optimizer="adamm")
    with pytest.raises(ValueError, match=r"unknown loss 'crossentropy'; accepted names: .*binary_crossentropy"):
        _compiled_mlp(loss="crossentropy")
    with pytest.raises(ValueError, match=r"unknown metric 'acuracy'; accepted names: accuracy"):
        _compiled_mlp(metrics=["acuracy"])
    with pytest.raises(RuntimeError, match=r"not compiled; call model.compile"):
        nn.Linear(4, 3).fit(x, np.zeros(10, np.int64))
    with pytest.raises(ValueError, match=r"y \(the targets\) is missing"):
        _compiled_mlp().fit(x, verbose=0)
