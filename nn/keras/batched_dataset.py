"""The dataset object keras.utils' *_dataset_from_* functions return: a PyDataset of whole batches that fit,
evaluate and predict take as they take Keras's tf.data.Dataset (deepgrad has no TensorFlow)."""
import math

import numpy as np

from .data import PyDataset


class BatchedDataset(PyDataset):
    """`count` examples, example k made by `example(k)` (an array, or a tuple or dict of them), served as batches of
    `batch_size` stacked along a new first axis (the last one shorter); batch_size=None serves single examples.
    Iterating it gives the batches in order; `len()` is the number of batches. fit keeps that order whatever its
    `shuffle` says, as it does with the tf.data.Dataset Keras returns."""

    fixed_order = True

    def __init__(self, count, example, batch_size):
        super().__init__()
        self._count, self._example, self.batch_size = count, example, batch_size

    def __len__(self):
        return self._count if self.batch_size is None else math.ceil(self._count / self.batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for a dataset of {len(self)} batches")
        if self.batch_size is None:
            return self._example(index)
        examples = [self._example(k) for k in range(index * self.batch_size,
                                                     min((index + 1) * self.batch_size, self._count))]
        return _stack(examples)

    def __repr__(self):
        return f"<BatchedDataset: {self._count} examples, batch_size={self.batch_size}, {len(self)} batches>"


def _stack(examples):
    """Examples stacked along a new first axis, field by field for tuples and key by key for dicts."""
    if isinstance(examples[0], tuple):
        return tuple(_stack(list(parts)) for parts in zip(*examples))
    if isinstance(examples[0], dict):
        return {key: _stack([example[key] for example in examples]) for key in examples[0]}
    return np.stack(examples)
