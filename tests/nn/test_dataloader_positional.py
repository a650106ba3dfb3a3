"""DataLoader takes PyTorch's positional order (dataset, batch_size, shuffle, sampler, batch_sampler, num_workers,
collate_fn, pin_memory, drop_last, ...), so ported code that passes arguments by position gets the same batches;
deepgrad's own options are keyword-only. Before, the 4th position was drop_last and a sampler passed there was
taken as a flag."""
import inspect

import numpy as np
import pytest

import autograd as ag
import nn
from nn.data import DataLoader, TensorDataset
from tests.helpers import require_torch


def test_signature_is_pytorchs_in_order():
    torch = require_torch()
    ours = list(inspect.signature(DataLoader.__init__).parameters)[1:]
    theirs = list(inspect.signature(torch.utils.data.DataLoader.__init__).parameters)[1:]
    positional = [n for n in theirs if inspect.signature(torch.utils.data.DataLoader.__init__).parameters[n].kind
                  is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert ours[:len(positional)] == positional
    assert set(theirs) <= set(ours)


def _batches(lib, data_module, *args):
    x = lib.arange(10.)
    loader = data_module.DataLoader(data_module.TensorDataset(x), *args)
    return [b[0].tolist() for b in loader]


def test_positional_calls_give_pytorchs_batches():
    torch = require_torch()
    order = [9, 3, 4, 0, 7, 1, 8, 2, 6, 5]
    for args in [(3,), (3, False), (3, None, order), (4, False, order, None, 0, None, False, True)]:
        assert _batches(ag, nn.data, *args) == _batches(torch, torch.utils.data, *args)


def test_a_flag_in_the_sampler_position_is_refused_with_the_fix():
    with pytest.raises(TypeError, match="drop_last=True by keyword"):
        DataLoader(TensorDataset(ag.arange(4.)), 2, False, True)
    loader = DataLoader(TensorDataset(np.arange(5.)), 2, drop_last=True, seed=0)
    assert len(loader) == 2
