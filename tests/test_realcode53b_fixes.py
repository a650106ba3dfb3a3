"""Regressions for what widely copied small PyTorch scripts (graykode's nlp-tutorial, jcjohnson's pytorch-examples,
MorvanZhou's PyTorch-Tutorial, karpathy's llm.c and build-nanogpt `train_gpt2.py`) found when run with only their
imports, data and step counts changed. Each test runs the script's idiom under PyTorch and under deepgrad and
compares them; the PyTorch side skips cleanly when torch is not installed."""
import importlib

import pytest

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
