"""ArrayDataset, the shared shape of every downloadable dataset, and how they find their files."""
from pathlib import Path

from ..download import download as fetch


class ArrayDataset:
    """A dataset held in memory as two NumPy arrays with one row per example.

    `dataset[i]` is `(data[i], targets[i])`, each passed through `transform` /
    `target_transform` when given.
    """

    def __init__(self, data, targets, transform=None, target_transform=None):
        if len(data) != len(targets):
            raise ValueError(f"{type(self).__name__}: {len(data)} examples but {len(targets)} targets")
        self.data, self.targets = data, targets
        self.transform, self.target_transform = transform, target_transform

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x, y = self.data[index], self.targets[index]
        if self.transform is not None:
            x = self.transform(x)
        if self.target_transform is not None:
            y = self.target_transform(y)
        return x, y

    def __repr__(self):
        return (f"{type(self).__name__}({len(self)} examples, data {self.data.dtype}"
                f"{tuple(self.data.shape)}, targets {self.targets.dtype}{tuple(self.targets.shape)})")


def dataset_file(folder, filename, sha256, urls, download):
    """Path of `folder/filename`: fetched and checksum-verified when `download`, else as found.

    With `download=False` nothing is verified or fetched, so hand-placed copies work offline;
    a missing file raises `FileNotFoundError` saying how to get it.
    """
    if download:
        return fetch(urls, sha256, filename=filename, root=folder)
    path = Path(folder) / filename
    if not path.exists():
        raise FileNotFoundError(f"{path} not found; pass download=True to fetch it "
                                f"(from {urls[0]}) or place the official file there")
    return path
