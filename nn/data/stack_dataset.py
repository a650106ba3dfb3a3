"""StackDataset (PyTorch's torch.utils.data.StackDataset): several datasets of one length read side by side, each
example a tuple (datasets given positionally) or a dict (datasets given by name) of their examples."""
from .dataset import Dataset


class StackDataset(Dataset):
    """`StackDataset(images, labels)[i]` is `(images[i], labels[i])`; `StackDataset(x=images, y=labels)[i]` is
    `{'x': images[i], 'y': labels[i]}`. Every dataset must have the same length."""

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("StackDataset: give the datasets either positionally (tuple examples) or by name (dict "
                             f"examples), not both; got {len(args)} positional and names {sorted(kwargs)}")
        if not args and not kwargs:
            raise ValueError("StackDataset: give at least one dataset")
        named = dict(kwargs) if kwargs else {f"#{i}": d for i, d in enumerate(args)}
        lengths = {key: len(d) for key, d in named.items()}
        if len(set(lengths.values())) > 1:
            sizes = ", ".join(f"{key}: {n}" for key, n in lengths.items())
            raise ValueError(f"StackDataset: the datasets must have the same length, got {sizes}")
        self.datasets = dict(kwargs) if kwargs else tuple(args)
        self._length = next(iter(lengths.values()))

    def __len__(self):
        return self._length

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {key: d[index] for key, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __getitems__(self, indices):
        """The examples at `indices` (what a DataLoader asks for one batch), read dataset by dataset as PyTorch's
        StackDataset reads them: in one `__getitems__` call of each dataset that has one."""
        named = self.datasets.items() if isinstance(self.datasets, dict) else enumerate(self.datasets)
        columns = {key: _column(dataset, indices) for key, dataset in named}
        if isinstance(self.datasets, dict):
            return [{key: column[k] for key, column in columns.items()} for k in range(len(indices))]
        return [tuple(column[k] for column in columns.values()) for k in range(len(indices))]


def _column(dataset, indices):
    """The examples of one stacked dataset at `indices`."""
    fetch_many = getattr(dataset, "__getitems__", None)
    if not callable(fetch_many):
        return [dataset[i] for i in indices]
    items = fetch_many(indices)
    if len(items) != len(indices):
        raise ValueError(f"Nested dataset's output size mismatch. Expected {len(indices)}, got {len(items)}")
    return items
