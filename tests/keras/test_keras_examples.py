"""The Keras-idiom examples run offline in a quick mode (short runs; full runs are reported in the README)."""
import importlib.util
import os

import pytest

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "examples")


def example(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", os.path.join(EXAMPLES, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def offline_cache(tmp_path, monkeypatch):
    """Empty deepgrad and Keras caches, and every download failing as offline: the examples must not download."""
    from nn.data.download import DownloadError

    def offline(urls, *args, **kwargs):
        raise DownloadError(f"offline in tests: {urls[0]}")
    monkeypatch.setenv("DEEPGRAD_DATA", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr("nn.data.datasets.base.fetch", offline)
    return tmp_path


def test_mnist_convnet(offline_cache, capsys):
    accuracy = example("keras_mnist_convnet").main(["--epochs", "1", "--limit", "128", "--verbose", "0"])
    out = capsys.readouterr().out
    assert "Total params: 34,826" in out and "Test accuracy:" in out and 0.0 <= accuracy <= 1.0


def test_imdb_bilstm_falls_back_to_synthetic_reviews(offline_cache, capsys):
    accuracy = example("keras_imdb_bilstm").main(["--epochs", "1", "--limit", "64", "--maxlen", "12",
                                                  "--verbose", "0"])
    assert "using synthetic reviews instead" in capsys.readouterr().out and 0.0 <= accuracy <= 1.0


def test_two_outputs(offline_cache):
    priority, department = example("keras_two_outputs").main(["--epochs", "1", "--count", "64", "--verbose", "0"])
    assert 0.0 <= priority <= 1.0 and 0.0 <= department <= 1.0


def test_transfer(offline_cache, capsys):
    module = example("keras_transfer")
    transfer, fine_tuned = module.main(["--epochs", "1", "--per-class", "4", "--limit", "100", "--verbose", "0"])
    assert "with the frozen base" in capsys.readouterr().out and 0.0 <= transfer <= 1.0
