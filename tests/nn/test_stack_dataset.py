"""nn.data.StackDataset, which deepgrad lacked (PyTorch's torch.utils.data.StackDataset): tuple and dict examples,
batches through a DataLoader, and the errors for mixed or mismatched inputs; against PyTorch."""
import numpy as np
import pytest

import autograd as ag
from nn.data import DataLoader, StackDataset, TensorDataset


def _same(ours, theirs):
    if isinstance(theirs, dict):
        assert sorted(ours) == sorted(theirs)
        for key in theirs:
            _same(ours[key], theirs[key])
    elif isinstance(theirs, (tuple, list)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b)
    elif hasattr(theirs, "numpy"):
        np.testing.assert_array_equal(np.asarray(ours), theirs.numpy())
    else:
        assert ours == theirs


def test_stack_dataset_examples_and_batches_match_pytorch():
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader as TorchLoader, StackDataset as TorchStack, TensorDataset as TorchTensors
    x = np.arange(12.0).reshape(6, 2)
    ours = StackDataset(TensorDataset(ag.tensor(x)), ag.arange(6) * 10, [f"s{i}" for i in range(6)])
    theirs = TorchStack(TorchTensors(torch.tensor(x)), torch.arange(6) * 10, [f"s{i}" for i in range(6)])
    assert len(ours) == len(theirs) == 6
    _same(ours[4], theirs[4])
    _same(list(DataLoader(ours, batch_size=4)), list(TorchLoader(theirs, batch_size=4)))
    named_ours = StackDataset(a=ag.tensor(x), b=list(range(6)))
    named_theirs = TorchStack(a=torch.tensor(x), b=list(range(6)))
    _same(named_ours[2], named_theirs[2])
    _same(list(DataLoader(named_ours, batch_size=5)), list(TorchLoader(named_theirs, batch_size=5)))


def test_stack_dataset_errors_name_the_problem():
    with pytest.raises(ValueError, match="either positionally .* or by name .* not both"):
        StackDataset([1, 2], b=[3, 4])
    with pytest.raises(ValueError, match="at least one dataset"):
        StackDataset()
    with pytest.raises(ValueError, match=r"same length, got x: 2, y: 3"):
        StackDataset(x=[1, 2], y=[1, 2, 3])
    with pytest.raises(ValueError, match=r"same length, got #0: 2, #1: 1"):
        StackDataset([1, 2], [1])
