"""Regressions for what widely copied small PyTorch scripts (graykode's nlp-tutorial, jcjohnson's pytorch-examples,
MorvanZhou's PyTorch-Tutorial, karpathy's llm.c and build-nanogpt `train_gpt2.py`) found when run with only their
imports, data and step counts changed. Each test runs the script's idiom under PyTorch and under deepgrad and
compares them; the PyTorch side skips cleanly when torch is not installed."""
import importlib
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import require_torch

_KNOBS = ["coordinate_descent_tuning", "max_autotune", "epilogue_fusion", "fx_graph_cache", "freezing",
          "triton.unique_kernel_names", "triton.cudagraphs", "cpp.threads"]


def _read(config, dotted):
    for part in dotted.split("."):
        config = getattr(config, part)
    return config


def _inductor_config_use(config):
    defaults = [_read(config, name) for name in _KNOBS]
    saved = config.coordinate_descent_tuning
    if hasattr(config, "coordinate_descent_tuning"):       # llm.c's train_gpt2.py under --compile 1
        config.coordinate_descent_tuning = True
    now = config.coordinate_descent_tuning
    config.coordinate_descent_tuning = saved
    refusals = []
    for attempt in (lambda: setattr(config, "coordinate_descent_tunin", True), lambda: config.no_such_knob,
                    lambda: setattr(config.triton, "cudagraph", True)):
        with pytest.raises(AttributeError) as caught:
            attempt()
        refusals.append(str(caught.value).split("config.", 1)[1])
    return defaults, now, refusals


def test_inductor_config_imports_and_holds_pytorchs_knobs():
    """llm.c's train_gpt2.py starts with `import torch._inductor.config as config` (and sets
    `config.coordinate_descent_tuning = True` before torch.compile): deepgrad had no `_inductor` module, so the script
    died at its imports. The knobs now read PyTorch's defaults, take a setting, and refuse a misspelt name with
    AttributeError as PyTorch does (compile runs eagerly, so none of them changes a result)."""
    torch = require_torch()
    ours = importlib.import_module("autograd._inductor.config")
    theirs = importlib.import_module("torch._inductor.config")
    assert _inductor_config_use(ours) == _inductor_config_use(theirs)
    assert _inductor_config_use(ours)[1] is True and ours.coordinate_descent_tuning is False
    assert torch.compile is not None


def _legacy_constructor_dtypes(lib):
    rows = [np.eye(3)[0], np.eye(3)[2]]                    # nlp-tutorial's Word2Vec: one-hot rows from np.eye
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)      # PyTorch: "a list of numpy.ndarrays is extremely slow"
        made = [lib.Tensor(rows), lib.Tensor([[np.float64(1.5)]]), lib.Tensor([np.float16(2)]),
                lib.Tensor([np.array([1, 2])]), lib.Tensor([1.5, 2.5])]
    return [(str(t.dtype).replace("torch.", ""), t.tolist()) for t in made]


def test_legacy_constructor_of_a_list_of_float64_arrays_makes_floats():
    """graykode's Word2Vec-Skipgram builds `torch.Tensor(input_batch)` from a list of `np.eye(n)[i]` rows and feeds
    it to an nn.Linear: deepgrad kept the rows' float64 and the Linear refused it (input float64, weight float32).
    PyTorch's legacy constructor makes any list of numbers or arrays the default float dtype."""
    torch = require_torch()
    ours = _legacy_constructor_dtypes(ag)
    assert ours == _legacy_constructor_dtypes(torch)
    assert {dtype for dtype, _ in ours} == {"float32"}
    assert nn.Linear(3, 2)(ag.Tensor([np.eye(3)[0]])).shape == (1, 2)


def _multinomial_draws(lib, dtype, seed):
    weights = np.random.default_rng(seed).random((4, 50)).astype(np.float32)
    x = lib.tensor(weights).to(getattr(lib, dtype))
    g = lib.Generator()
    g.manual_seed(42 + seed)
    top = lib.topk(lib.softmax(x, dim=-1), 50, dim=-1)[0]             # build-nanogpt's top-50 sampling, in bf16
    picked = lib.multinomial(top, 1, generator=g)
    lib.manual_seed(seed)
    return [picked.tolist(), lib.multinomial(x, 5).tolist(), lib.multinomial(x, 7, replacement=True).tolist()]


@pytest.mark.parametrize("dtype", ["bfloat16", "float16", "float32"])
def test_multinomial_of_16_bit_weights_draws_pytorchs_indices(dtype):
    """build-nanogpt samples under `torch.autocast("cpu", dtype=torch.bfloat16)`, so its top-k probabilities are
    bfloat16 when it calls `torch.multinomial(topk_probs, 1, generator=sample_rng)`: deepgrad refused a bfloat16
    input (DtypeError). It now draws PyTorch's indices from bfloat16 and float16 weights, with and without
    replacement, the order among the ties 16-bit ratios make (several draws without replacement) included."""
    torch = require_torch()
    pytest.importorskip("ml_dtypes")
    for seed in (4, 22, 36, 7):
        assert _multinomial_draws(ag, dtype, seed) == _multinomial_draws(torch, dtype, seed), seed
