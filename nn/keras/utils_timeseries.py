"""keras.utils.timeseries_dataset_from_array: sliding windows over a sequence, batched."""
import numpy as np

from .batched_dataset import BatchedDataset


def _check(data, start_index, end_index, sampling_rate, sequence_stride):
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start_index}")
        if start_index >= n:
            raise ValueError("`start_index` must be lower than the length of the data. Received: "
                             f"start_index={start_index}, for data of length {n}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError("`end_index` must be higher than `start_index`. Received: "
                             f"start_index={start_index}, and end_index={end_index} ")
        if end_index >= n:
            raise ValueError("`end_index` must be lower than the length of the data. Received: "
                             f"end_index={end_index}, for data of length {n}")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value}")
        if value >= n:
            raise ValueError(f"`{name}` must be lower than the length of the data. Received: {name}={value}, "
                             f"for data of length {n}")


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None,
                                  format="tf"):
    """Windows of `sequence_length` steps (every `sampling_rate`-th step) of data[start_index:end_index],
    starting every `sequence_stride` steps, with targets[start] as the target of the window starting at start.

    Keras returns a tf.data.Dataset; deepgrad (no TensorFlow) returns a BatchedDataset (a keras.utils.PyDataset)
    that fit/evaluate/predict take and that iterates to the same `(inputs, targets)` batches (`inputs` alone when
    targets is None) in the same order. shuffle draws the window order from np.random.RandomState(seed) as Keras
    does; Keras then also shuffles within a buffer of 8 batches with TensorFlow's generator, which is not repeated
    here, so shuffled batches hold Keras's windows in the RandomState order. `format` is accepted for Keras's
    signature ('tf' or 'grain'); both give the BatchedDataset.
    """
    _check(data, start_index, end_index, sampling_rate, sequence_stride)
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')
    start_index = 0 if start_index is None else start_index
    end_index = len(data) if end_index is None else end_index
    count = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        count = min(count, len(targets))
    starts = np.arange(0, count, sequence_stride, dtype="int32" if count < 2147483647 else "int64")
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(starts)
    values = np.asarray(data[start_index:end_index])
    labels = None if targets is None else np.asarray(targets[start_index:end_index])
    steps = np.arange(sequence_length) * sampling_rate

    def example(k):
        window = values[starts[k] + steps]
        return window if labels is None else (window, labels[starts[k]])

    return BatchedDataset(len(starts), example, batch_size)
