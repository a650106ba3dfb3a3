"""DataLoader's PyTorch arguments (batch_size=None, batch_sampler, num_workers, generator), nested collation,
Subset, ConcatDataset and random_split, against torch.utils.data."""
import numpy as np
import pytest

import autograd as ag
from nn.data import (ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset, Subset, TensorDataset,
                     default_collate, default_convert, get_worker_info, random_split)


class Records(Dataset):
    """Examples that are dicts holding arrays, numbers, strings, a nested dict and a nested tuple/list."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"x": np.full(2, i, np.float32), "meta": {"id": i, "name": f"n{i}"}, "pair": (i, [i, i + 1.5])}


def _plain(batch):
    """A batch as nested Python lists/dicts of values (Tensors as lists), tuples and lists alike."""
    if isinstance(batch, dict):
        return {k: _plain(v) for k, v in batch.items()}
    if isinstance(batch, (tuple, list)):
        return [_plain(v) for v in batch]
    return batch.tolist() if hasattr(batch, "tolist") else batch


def test_nested_collation_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours = [_plain(b) for b in DataLoader(Records(), batch_size=2)]
    theirs = [_plain(b) for b in torch.utils.data.DataLoader(Records(), batch_size=2)]
    assert ours == theirs
    batch = next(iter(DataLoader(Records(), batch_size=2)))
    assert isinstance(batch["x"], ag.Tensor) and batch["x"].dtype == np.float32
    assert batch["meta"]["id"].dtype == np.int64 and batch["meta"]["name"] == ["n0", "n1"]


def test_batch_size_none_batch_sampler_and_worker_arguments_match_pytorch():
    torch = pytest.importorskip("torch")
    x, y = np.arange(20, dtype=np.float32).reshape(10, 2), np.arange(10)
    ours, theirs = TensorDataset(x, y), torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y))
    for kwargs in (dict(batch_size=None), dict(batch_sampler=[[0, 1], [5, 6, 7], [9]]),
                   dict(batch_size=3, drop_last=True, num_workers=2, pin_memory=False),
                   dict(batch_size=None, sampler=[4, 2])):
        got = [_plain(b) for b in DataLoader(ours, **kwargs)]
        want = [_plain(b) for b in torch.utils.data.DataLoader(theirs, **kwargs)]
        assert got == want, kwargs
        assert len(DataLoader(ours, **kwargs)) == len(torch.utils.data.DataLoader(theirs, **kwargs))
    calls, torch_calls = [], []   # worker_init_fn runs in the worker process, so this process's list stays empty
    list(DataLoader(ours, batch_size=4, num_workers=1, worker_init_fn=calls.append))
    list(torch.utils.data.DataLoader(theirs, batch_size=4, num_workers=1, worker_init_fn=torch_calls.append))
    assert calls == torch_calls == []


def test_generator_seeds_the_shuffle():
    torch = pytest.importorskip("torch")
    ds = TensorDataset(np.arange(30))
    orders = [[b[0].tolist() for b in DataLoader(ds, batch_size=30, shuffle=True,
                                                  generator=torch.Generator().manual_seed(5))] for _ in range(2)]
    assert orders[0] == orders[1] and sorted(orders[0][0]) == list(range(30))
    assert [b[0].tolist() for b in DataLoader(ds, batch_size=30, shuffle=True, generator=5)] == orders[0]


def test_subset_concat_and_random_split():
    torch = pytest.importorskip("torch")
    data = list(range(100, 110))
    for ours, theirs in ((Subset(data, [3, 1]), torch.utils.data.Subset(data, [3, 1])),
                         (ConcatDataset([data, data[:4]]), torch.utils.data.ConcatDataset([data, data[:4]]))):
        assert len(ours) == len(theirs) and [ours[i] for i in range(-len(ours), len(ours))] == \
            [theirs[i] for i in range(-len(theirs), len(theirs))]
    with pytest.raises(IndexError, match="out of range for 14 examples"):
        ConcatDataset([data, data[:4]])[14]
    for lengths in ([7, 3], [0.5, 0.3, 0.2], [0.34, 0.33, 0.33]):
        parts = random_split(data, lengths, generator=torch.Generator().manual_seed(1))
        theirs = torch.utils.data.random_split(data, lengths, generator=torch.Generator().manual_seed(1))
        assert [len(p) for p in parts] == [len(t) for t in theirs]
        assert sorted(v for p in parts for v in p) == data
        assert [p.indices for p in parts] == [p.indices for p in random_split(data, lengths, generator=1)]
    with pytest.raises(ValueError, match=r"summing to the dataset's 10 examples.*\[7, 4\]"):
        random_split(data, [7, 4])


def test_collation_errors_name_the_field_and_the_fix():
    with pytest.raises(ValueError, match=r"field 'meta\.id'.*different shapes.*collate_fn"):
        default_collate([{"meta": {"id": np.zeros(2)}}, {"meta": {"id": np.zeros(3)}}])
    with pytest.raises(TypeError, match=r"field 1 holds NoneType, which default_collate cannot batch.*collate_fn"):
        default_collate([(1, None), (2, None)])
    with pytest.raises(ValueError, match="keys differ"):
        default_collate([{"a": 1}, {"b": 1}])
    with pytest.raises(ValueError, match="batch_sampler gives whole batches.*cannot be combined"):
        DataLoader(TensorDataset(np.arange(4)), batch_size=2, batch_sampler=[[0, 1]])
    with pytest.raises(ValueError, match="num_workers must be an integer >= 0"):
        DataLoader(TensorDataset(np.arange(4)), num_workers=-1)


def _typed(batch):
    """A batch as nested values that keep their kinds: Tensors as ("T", dtype name, values), tuples apart from
    lists, Python numbers as they are."""
    if isinstance(batch, dict):
        return {k: _typed(v) for k, v in batch.items()}
    if isinstance(batch, (tuple, list)):
        return type(batch).__name__, [_typed(v) for v in batch]
    if hasattr(batch, "tolist"):
        return "T", str(batch.dtype).replace("torch.", ""), batch.tolist()
    return type(batch).__name__, batch


def test_batch_size_none_converts_as_pytorch_default_convert():
    torch = pytest.importorskip("torch")
    examples = [(1, 2.0), {"a": np.int64(3), "b": ("s", np.ones(2))}, np.float32(1.5), 7, [np.arange(2), 0.5]]
    got = [_typed(b) for b in DataLoader(examples, batch_size=None)]
    want = [_typed(b) for b in torch.utils.data.DataLoader(examples, batch_size=None)]
    assert got == want
    assert _typed(default_convert((np.zeros(1), 3))) == _typed(torch.utils.data.default_convert((np.zeros(1), 3)))


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        for i in range(self.n):
            yield {"x": np.full(2, i * 0.5), "id": i}


class SizedStream(Stream):
    def __len__(self):
        return self.n


def _torch_stream(torch, base):
    return type("TorchStream", (torch.utils.data.IterableDataset,), {"__init__": base.__init__,
                                                                       "__iter__": base.__iter__,
                                                                       **({"__len__": base.__len__}
                                                                          if base is SizedStream else {})})


def test_iterable_dataset_batches_and_lengths_match_pytorch():
    torch = pytest.importorskip("torch")
    for base in (Stream, SizedStream):
        theirs_cls = _torch_stream(torch, base)
        for kwargs in (dict(batch_size=2), dict(batch_size=2, drop_last=True), dict(batch_size=None),
                       dict(batch_size=3, collate_fn=len)):
            got = [_typed(b) for b in DataLoader(base(5), **kwargs)]
            assert got == [_typed(b) for b in torch.utils.data.DataLoader(theirs_cls(5), **kwargs)], kwargs
            if base is SizedStream:
                assert len(DataLoader(base(5), **kwargs)) == len(torch.utils.data.DataLoader(theirs_cls(5), **kwargs))
    with pytest.raises(TypeError, match="has no len"):
        len(DataLoader(Stream(5), batch_size=2))
    chained = Stream(2) + SizedStream(3)
    assert isinstance(chained, ChainDataset) and isinstance(chained, Dataset)
    assert [b["id"].tolist() for b in DataLoader(chained, batch_size=4)] == [[0, 1, 0, 1], [2]]
    assert get_worker_info() is None and torch.utils.data.get_worker_info() is None
    for kwargs in (dict(shuffle=True), dict(sampler=[0, 1]), dict(batch_sampler=[[0, 1]])):
        with pytest.raises(ValueError, match=f"IterableDataset: expected unspecified {next(iter(kwargs))} option"):
            DataLoader(Stream(3), **kwargs)
    with pytest.raises(NotImplementedError, match="by index"):
        Stream(3)[0]


def test_tensor_dataset_items_are_tensors():
    torch = pytest.importorskip("torch")
    x, y = np.arange(6.0).reshape(3, 2), np.array([1, 0, 1])
    ours, theirs = TensorDataset(x, y), torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y))
    for index in (1, -1, slice(0, 2), [2, 0]):
        assert _typed(ours[index]) == _typed(theirs[index]), index
    assert _typed(ours[ag.tensor([0, 2])]) == _typed(theirs[torch.tensor([0, 2])])
    assert _typed(ours.tensors) == _typed(theirs.tensors)
