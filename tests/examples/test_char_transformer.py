"""The character-level Transformer example runs end to end in quick mode, on the bundled text."""
import hashlib
import importlib.util
from pathlib import Path

import nn

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "char_transformer.py"


def _load_example():
    spec = importlib.util.spec_from_file_location("char_transformer", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bundled_shakespeare_is_the_documented_file():
    text = nn.data.load_shakespeare()
    assert len(text) == 299_868 and text.startswith("First Citizen:\n")
    digest = hashlib.sha256(text.encode("ascii")).hexdigest()
    assert digest == "7bce277f2f9d6c2c5ebb6307101f7b5a6fe4ada24dd87971bd874d4bed8d503b"


def test_char_transformer_quick_run_learns_and_samples(capsys):
    result = _load_example().main(["--quick"])
    assert result["val_loss"] < result["first_loss"] - 0.2
    assert result["sample"].startswith("ROMEO:\n") and len(result["sample"]) == len("ROMEO:\n") + 60
    assert set(result["sample"]) <= set(nn.data.load_shakespeare())
    printed = capsys.readouterr().out
    assert "val loss" in printed and "ROMEO:" in printed
