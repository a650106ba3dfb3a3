"""The archive lookup the CIFAR-10 and CIFAR-100 datasets share: find (or fetch and check) the binary
archive under the dataset's folder and read the members wanted, naming any that are missing."""
from pathlib import Path

from ..download import cache_dir
from .base import dataset_file
from .tar_members import read_members


def cifar_members(dataset, root, names, download, title):
    """(the archive's path, {member name: bytes} for `names`) of `dataset` (a CIFAR class or instance with
    `folder`, `filename`, `sha256` and `url`) under `root` (the deepgrad cache when None); `title` names the
    dataset in the error raised when a member is missing."""
    folder = Path(root if root is not None else cache_dir()) / dataset.folder
    path = dataset_file(folder, dataset.filename, dataset.sha256, [dataset.url], download)
    found = read_members(path, set(names).__contains__)
    missing = [n for n in names if n not in found]
    if missing:
        raise ValueError(f"{path} lacks {', '.join(missing)}; is it the binary version of {title} ({dataset.url})?")
    return path, found
