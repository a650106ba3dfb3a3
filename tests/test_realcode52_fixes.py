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



def _half_cross_entropy(lib, F, dtype, logits, targets):
    x = lib.tensor(logits).to(dtype).requires_grad_(True)
    loss = F.cross_entropy(x, lib.tensor(targets))
    loss.backward()
    return float(loss.float().item()), x.grad.float().numpy()


def _logits_and_targets(n, ignored):
    rng = np.random.default_rng(n)
    targets = rng.integers(0, 7, n)
    if ignored:
        targets[::5] = -100
    return rng.standard_normal((n, 7)).astype(np.float32) * 2, targets



@pytest.mark.parametrize("n", [8, 257, 1000, 5000])
@pytest.mark.parametrize("dtype_name", ["bfloat16", "float16"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_half_precision_cross_entropy_reduces_as_pytorchs_cpu_kernel(n, dtype_name, reduction):
    """LLMs-from-scratch's ch05 training-speed script trains in bfloat16: its first printed losses were 11.000 /
    10.938 where PyTorch prints 10.938 / 10.812. PyTorch's CPU nll_loss adds the sample losses in the 16-bit dtype
    (cascaded partial sums, ignored samples skipped) and divides by the count in that dtype; deepgrad summed in
    float32 and rounded once. The check reduces deepgrad's own sample losses with PyTorch's nll_loss, so that only
    the reduction is compared (single sample losses may differ in their last bit, see the report)."""
    torch = require_torch()
    pytest.importorskip("ml_dtypes")
    logits, targets = _logits_and_targets(n, ignored=True)
    x, t = ag.tensor(logits).to(getattr(ag, dtype_name)), ag.tensor(targets)
    ours = nn.functional.cross_entropy(x, t, reduction=reduction)
    samples = nn.functional.cross_entropy(x, t, reduction="none").float().numpy()
    as_log_probs = torch.tensor(-samples).reshape(n, 1).to(getattr(torch, dtype_name))
    theirs = torch.nn.functional.nll_loss(as_log_probs, torch.tensor(np.where(targets == -100, -100, 0)),
                                          reduction=reduction)
    assert float(ours.float().item()) == float(theirs.float().item())


def test_bfloat16_cross_entropy_divides_by_the_rounded_count_as_pytorch():
    """257 samples count as 256 in bfloat16: PyTorch's loss and gradient both divide by 256 (deepgrad's gradient
    was 0.4% smaller). Single gradient elements may still differ from PyTorch's in their last bit."""
    torch = require_torch()
    pytest.importorskip("ml_dtypes")
    logits, targets = _logits_and_targets(257, ignored=False)
    ours = _half_cross_entropy(ag, nn.functional, ag.bfloat16, logits, targets)
    theirs = _half_cross_entropy(torch, torch.nn.functional, torch.bfloat16, logits, targets)
    assert ours[0] == theirs[0]
    scale = float((ours[1] * theirs[1]).sum() / (theirs[1] ** 2).sum())
    assert scale == pytest.approx(1, abs=1.5e-3)
