"""Regressions for what widely copied PyTorch code (rasbt's LLMs-from-scratch, yunjey's pytorch-tutorial,
aladdinpersson's Machine-Learning-Collection) found when run with only its imports, data and step counts changed.
Each test runs the code's idiom under PyTorch and under deepgrad and compares them; the PyTorch side skips cleanly
when torch is not installed."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import require_torch


def _comparisons_with_non_numbers(lib):
    t = lib.tensor([[7]])
    out = [t == None, t != None, None == t, t == "a", t == [7], t in [None, 3]]   # noqa: E711
    for ordering in (lambda: t < None, lambda: t >= "a", lambda: t > [1]):
        with pytest.raises(TypeError, match="not supported between instances of 'Tensor'"):
            ordering()
    return out


def test_tensor_compared_with_none_is_false_as_pytorch():
    """LLMs-from-scratch ch05 `generate(..., eos_id=None)` checks `if idx_next == eos_id:` each step: deepgrad
    raised TypeError (it tried to make a tensor of None). PyTorch's operators answer NotImplemented for None, a
    string or a list, so `==` falls back to identity (False) and an ordering raises Python's TypeError; the function
    forms still refuse None with a TypeError naming the op."""
    torch = require_torch()
    assert _comparisons_with_non_numbers(ag) == _comparisons_with_non_numbers(torch) == [False, True, False, False,
                                                                                        False, False]
    for call in (lambda lib: lib.tensor([1]).eq(None), lambda lib: lib.add(lib.tensor([1]), None)):
        with pytest.raises(TypeError):
            call(torch)
        with pytest.raises(TypeError, match="must be a Tensor or a number, got NoneType"):
            call(ag)
    assert (ag.tensor([[7]]) == np.array([7])).tolist() == (torch.tensor([[7]]) == np.array([7])).tolist()


class _Empty:
    """pytorch-tutorial's 01-basics template dataset: `__len__` returns 0 until the user fills it in."""

    def __getitem__(self, index):
        return None

    def __len__(self):
        return 0


def _refusal(make):
    with pytest.raises(ValueError) as caught:
        make()
    return str(caught.value)


def test_shuffling_loader_of_an_empty_dataset_refuses_as_pytorch():
    """yunjey's pytorch_basics builds `DataLoader(dataset=CustomDataset(), batch_size=64, shuffle=True)` over a
    dataset of length 0: PyTorch raises ValueError there (its RandomSampler wants num_samples > 0); deepgrad made
    the loader and yielded nothing. A plain loader, or a sampler given num_samples, still takes it, as PyTorch."""
    torch = require_torch()
    for lib in (nn, torch.nn):
        data = lib.data if lib is nn else torch.utils.data
        assert "num_samples=0" in _refusal(lambda: data.DataLoader(_Empty(), batch_size=64, shuffle=True))
        assert "num_samples=0" in _refusal(lambda: data.RandomSampler(_Empty()))
        assert len(data.DataLoader(_Empty(), batch_size=64)) == 0
        assert len(data.RandomSampler(_Empty(), num_samples=3)) == 3
