"""What iter(DataLoader) returns: the epoch's batches, with PyTorch's iterator length and its warning when an
IterableDataset yields more than its reported length."""
import warnings

from .iterable import IterableDataset


class LoaderIterator:
    """An iterator over one epoch's `batches` of `loader`. `len()` is the loader's number of batches (a TypeError for
    an IterableDataset, whose batches PyTorch's iterator does not count ahead). When `len(loader)` was asked of a
    loader over an IterableDataset before the epoch began, yielding more than the length its dataset reported warns
    as PyTorch's does (the count compared is of batches, as PyTorch compares them)."""

    __slots__ = ("_batches", "_loader", "_reported", "_yielded")

    def __init__(self, batches, loader, reported):
        self._batches, self._loader, self._reported, self._yielded = batches, loader, reported, 0

    def __iter__(self):
        return self

    def __next__(self):
        batch = next(self._batches)
        self._yielded += 1
        if self._reported is not None and self._yielded > self._reported:
            message = (f"Length of IterableDataset {self._loader.dataset} was reported to be {self._reported}(when "
                       f"accessing len(dataloader)), but {self._yielded} samples have been fetched. ")
            if self._loader.num_workers > 0:
                message += ("For multiprocessing data-loading, this could be caused by not properly configuring the "
                            "IterableDataset replica at each worker. Please see "
                            "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for examples.")
            warnings.warn(message, UserWarning, stacklevel=2)
        return batch

    def close(self):
        """End the epoch early: its prefetch thread or (unless persistent) its worker processes stop."""
        self._batches.close()

    def __len__(self):
        if isinstance(self._loader.dataset, IterableDataset):
            # PyTorch's iterator counts its index sampler, which for a stream is an endless one
            raise TypeError("object of type '_InfiniteConstantSampler' has no len()")
        return len(self._loader)

