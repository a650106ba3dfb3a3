"""default_collate's containers and dtypes are torch.utils.data.default_collate's: lists for lists and tuples,
namedtuples kept, dicts by key, Tensors out; the DataLoader's batches follow the same rules."""
import collections

import numpy as np
import pytest

import autograd as ag
from nn.data import DataLoader, Dataset, TensorDataset, default_collate

Pair = collections.namedtuple("Pair", "image label")


def _plain(batch):
    """A batch as nested Python values with the container types kept (Tensors as (dtype name, values))."""
    if hasattr(batch, "numpy") and not isinstance(batch, np.ndarray):
        values = batch.numpy()
        return (str(values.dtype), values.tolist())
    if isinstance(batch, dict):
        return ("dict", {k: _plain(v) for k, v in batch.items()})
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return (type(batch).__name__, [_plain(v) for v in batch])
    if isinstance(batch, (tuple, list)):
        return (type(batch).__name__, [_plain(v) for v in batch])
    return batch


EXAMPLES = {
    "tuples": [(np.float32([1, 2]), 3), (np.float32([4, 5]), 6)],
    "lists": [[1.5, 2], [3.5, 4]],
    "nested": [{"x": (1, [2.0, 3.0]), "name": "a"}, {"x": (4, [5.0, 6.0]), "name": "b"}],
    "namedtuple": [Pair(np.zeros((2, 2)), 1), Pair(np.ones((2, 2)), 0)],
    "numbers": [1.5, 2.5, 3.0],
    "ints": [1, 2, 3],
    "bools": [True, False],
    "numpy_scalars": [np.float32(1), np.float32(2)],
    "strings": [("a", 1), ("b", 2)],
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_default_collate_matches_torch(name):
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate
    ours = default_collate(EXAMPLES[name])
    theirs = torch_collate(EXAMPLES[name])
    assert _plain(ours) == _plain(theirs)


def test_default_collate_returns_tensors():
    batch = default_collate([(np.float32([1, 2]), 3), (np.float32([4, 5]), 6)])
    assert isinstance(batch, list) and all(isinstance(b, ag.Tensor) for b in batch)


class _TupleExamples(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return np.full(3, i, dtype=np.float32), [i, float(i)]


@pytest.mark.parametrize("dataset", [lambda: TensorDataset(np.arange(8.0).reshape(4, 2), np.arange(4)),
                                     lambda: _TupleExamples()])
def test_dataloader_batches_have_torch_containers(dataset):
    torch = pytest.importorskip("torch")
    data = dataset()
    tdata = (torch.utils.data.TensorDataset(torch.tensor(data.arrays[0]), torch.tensor(data.arrays[1]))
             if isinstance(data, TensorDataset) else data)
    ours = [_plain(b) for b in DataLoader(data, batch_size=2)]
    theirs = [_plain(b) for b in torch.utils.data.DataLoader(tdata, batch_size=2)]
    assert ours == theirs
    x, y = next(iter(DataLoader(data, batch_size=2)))   # unpacking works as with tuples
    assert x.shape[0] == 2 and len(y) == 2
