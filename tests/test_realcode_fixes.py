"""Regressions for what the official PyTorch examples (github.com/pytorch/examples: mnist, mnist_rnn, vae,
regression, time_sequence_prediction, word_language_model, dcgan, mnist_forward_forward, super_resolution) found
when run with only their imports changed. Each test runs the example's idiom with PyTorch and with deepgrad."""
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import require_torch


def test_backends_cudnn_imports_as_a_module():
    """dcgan's `import torch.backends.cudnn as cudnn; cudnn.benchmark = True` ported: the import failed with
    "No module named 'autograd.backends'" (ag.backends was an attribute only)."""
    code = ("import autograd.backends.cudnn as cudnn, autograd.backends.mps as mps, autograd as ag\n"
            "cudnn.benchmark = True\n"
            "assert ag.backends.cudnn is cudnn and ag.backends.cudnn.benchmark and not mps.is_available()\n"
            "import autograd.backends\n"
            "assert autograd.backends is ag.backends\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_onnx_namespace_imports_and_export_writes(tmp_path):
    """word_language_model's `import torch.onnx` ported: the import failed; now the namespace exists,
    is_in_onnx_export() is False as in PyTorch outside an export, and (since stop 56) export writes the file."""
    torch = require_torch()
    import autograd.onnx
    assert autograd.onnx.is_in_onnx_export() is False and torch.onnx.is_in_onnx_export() is False
    pytest.importorskip("onnx")
    ag.onnx.export(nn.Linear(2, 2), (ag.zeros(1, 2),), tmp_path / "model.onnx")
    assert (tmp_path / "model.onnx").stat().st_size > 0


@pytest.mark.parametrize("build", [
    "lib.nn.Transformer(d_model=8, nhead=2, dim_feedforward=16, num_encoder_layers=1, num_decoder_layers=1)",
    "lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2)",
    "lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 1, 16, batch_first=True), 2)",
    "lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, activation=lib.nn.GELU()), 2)",
    "lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, "
    "activation=lib.nn.functional.silu), 2)",
    "lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, norm_first=True), 2)",
    "lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, bias=False), 2)",
    "lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16, layer_norm_eps=1e-3), 2, "
    "enable_nested_tensor=False)",
    "lib.nn.TransformerEncoder(lib.nn.Linear(8, 8), 2)",
])
def test_transformer_encoder_warns_why_it_takes_no_nested_tensors(build):
    """word_language_model's TransformerModel (an nn.Transformer, sequence-first): PyTorch warns "enable_nested_tensor
    is True, but self.use_nested_tensor is False because ..." naming the first failed check; deepgrad said nothing,
    and read an activation given as an nn.ReLU()/nn.GELU() module as not relu-or-gelu."""
    import warnings
    torch = require_torch()
    seen = []
    for lib, modules in ((torch, torch.nn), (ag, nn)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = eval(build, {"lib": type("lib", (), {"nn": modules})})
        encoder = getattr(model, "encoder", model)
        seen.append(([str(w.message) for w in caught if w.category is UserWarning], encoder.use_nested_tensor))
    assert seen[1] == seen[0]


def test_serialization_namespace_and_its_allow_list_as_word_language_model_uses_them():
    """word_language_model loads its checkpoint inside `with torch.serialization.safe_globals([...RNNModel,
    torch.nn.modules.rnn.LSTM, torch.nn.modules.linear.NonDynamicallyQuantizableLinear, ...])`: ported, the
    names were missing (module 'autograd' has no attribute 'serialization'; nn.modules.linear had no
    NonDynamicallyQuantizableLinear). Both exist now, as PyTorch's, and the allow-list is kept for the block."""
    import io
    torch = require_torch()
    import autograd.serialization
    from nn.modules.linear import NonDynamicallyQuantizableLinear
    attn_out = type(nn.MultiheadAttention(4, 2).out_proj)
    assert attn_out is NonDynamicallyQuantizableLinear and issubclass(attn_out, nn.Linear)
    assert "NonDynamicallyQuantizableLinear" not in nn.modules.linear.__all__
    assert "NonDynamicallyQuantizableLinear" not in torch.nn.modules.linear.__all__
    allowed = [nn.modules.rnn.LSTM, nn.modules.sparse.Embedding, NonDynamicallyQuantizableLinear, nn.functional.relu]
    model = nn.LSTM(3, 4)
    buffer = io.BytesIO()
    ag.save(model.state_dict(), buffer)
    before = ag.serialization.get_safe_globals()
    with ag.serialization.safe_globals(allowed):
        assert ag.serialization.get_safe_globals()[-4:] == allowed
        buffer.seek(0)
        loaded = ag.load(buffer)
    assert ag.serialization.get_safe_globals() == before
    assert autograd.serialization is ag.serialization and ag.serialization.load is ag.load
    assert list(loaded) == list(model.state_dict())
