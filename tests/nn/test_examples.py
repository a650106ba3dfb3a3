"""The examples run offline: cifar10_cnn falls back to synthetic images when CIFAR-10 is not cached,
and mnist saves its training curves where it says. (Short runs; the full ones are in the README.)"""
import importlib.util
import os

import pytest

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "examples")


def example(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", os.path.join(EXAMPLES, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cifar10_example_falls_back_to_synthetic_images_offline(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DEEPGRAD_DATA", str(tmp_path))  # an empty cache, and no --download
    accuracy = example("cifar10_cnn").main(["--epochs", "1", "--limit", "64", "--verbose", "0"])
    out = capsys.readouterr().out
    assert "CIFAR-10 is not in the cache (pass --download to fetch it); using synthetic images instead" in out
    assert "test accuracy" in out and 0.0 <= accuracy <= 1.0
    assert list(tmp_path.iterdir()) == []


def test_mnist_example_saves_its_training_curves(tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    example("mnist").main(["--model", "mlp", "--epochs", "1", "--verbose", "0"])
    path = tmp_path / "mnist_curves.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"mlp: training curves saved to {path}" in capsys.readouterr().out


def test_mnist_example_names_one_curves_file_per_model():
    paths = example("mnist").curves_paths
    assert paths("out/c.png", ["mlp", "lenet"]) == {"mlp": "out/c_mlp.png", "lenet": "out/c_lenet.png"}
    assert paths("c.png", ["lenet"]) == {"lenet": "c.png"}
    assert paths("", ["mlp", "lenet"]) == {"mlp": None, "lenet": None}


def test_explain_and_tune_example_saves_attributions_and_prints_the_best_trial(tmp_path, capsys):
    for package in ("matplotlib", "optuna", "scipy"):
        pytest.importorskip(package)
    path = tmp_path / "attributions.png"
    result = example("explain_and_tune").main(["--quick", "--trials", "3", "--png", str(path)])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert f"attributions saved to {path}" in out and "integrated gradients: largest completeness error" in out
    assert "bayesian search: 3 trials" in out and f"best trial {result.best['trial']}:" in out
    assert set(result.best_params) == {"lr", "width", "dropout"} and result.best_model is not None
