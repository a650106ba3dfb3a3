"""ArrayDataset, the shared shape of every downloadable dataset, and how they find their files."""
from pathlib import Path

from ..download import DownloadError, expected_digest, file_has_digest
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


def dataset_file(folder, filename, sha256, urls, download, md5=None, who=None):
    """Path of `folder/filename`: fetched and checksum-verified when `download`, else as found.

    With `download=False` nothing is verified or fetched, so hand-placed copies work offline;
    a missing file raises `FileNotFoundError` saying how to get it. A fetch prints what it fetches
    (prefixed with `who`, default the file name); when every URL fails (offline, say) the
    `DownloadError` names the file, the URL and where to place a copy fetched elsewhere.
    `md5` replaces `sha256` for files whose publisher pins only an MD5 digest.
    """
    path = Path(folder) / filename
    if not download:
        if not path.exists():
            raise FileNotFoundError(f"{path} not found; pass download=True to fetch it "
                                    f"(from {urls[0]}) or place the official file there")
        return path
    expected = expected_digest(sha256, md5)
    if file_has_digest(path, expected):
        return path
    print(f"{who or filename}: downloading {urls[0]} to {path}")
    try:
        return fetch(urls, sha256, filename=filename, root=folder, md5=md5)
    except DownloadError as exc:
        raise DownloadError(f"{who or filename}: could not download {filename} from {urls[0]} ({exc}).\n"
                            f"Offline, fetch that URL elsewhere and place the file at {path}, "
                            f"then call again (download=False skips the checksum).") from exc
