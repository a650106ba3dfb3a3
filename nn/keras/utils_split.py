"""keras.utils.split_dataset and get_source_inputs."""
import random

import numpy as np

import autograd as ag

from ..data.dataset import Dataset, TensorDataset
from ..data.subsets import Subset


def _split_sizes(left_size, right_size, total):
    """Keras's checks and rescaling of the two split sizes (fractions or counts) to counts."""
    lt, rt = type(left_size), type(right_size)
    if (left_size is not None and lt not in [int, float]) and (right_size is not None and rt not in [int, float]):
        raise TypeError("Invalid `left_size` and `right_size` Types. Expected: integer or float or None, Received: "
                        f"type(left_size)={lt} and type(right_size)={rt}")
    if left_size is not None and lt not in [int, float]:
        raise TypeError(f"Invalid `left_size` Type. Expected: int or float or None, Received: type(left_size)={lt}.  ")
    if right_size is not None and rt not in [int, float]:
        raise TypeError(f"Invalid `right_size` Type. Expected: int or float or None,Received: type(right_size)={rt}.")
    if left_size == 0 and right_size == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the split sizes must be "
                         "non-zero.")
    if lt is int and (left_size <= 0 or left_size >= total) or lt is float and (left_size <= 0 or left_size >= 1):
        raise ValueError(f"`left_size` should be either a positive integer smaller than {total}, or a float within "
                         f"the range `[0, 1]`. Received: left_size={left_size}")
    if rt is int and (right_size <= 0 or right_size >= total) or rt is float and (right_size <= 0 or right_size >= 1):
        raise ValueError(f"`right_size` should be either a positive integer and smaller than {total} or a float "
                         f"within the range `[0, 1]`. Received: right_size={right_size}")
    if rt is lt is float and right_size + left_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be less than or equal "
                         "to 1.")
    left = round(left_size * total) if lt is float else float(left_size) if lt is int else left_size
    right = round(right_size * total) if rt is float else float(right_size) if rt is int else right_size
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than the {total}. Received: "
                         f"left_size + right_size = {left + right}and total_length = {total}")
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(f"With `dataset` of length={total}, `left_size`={left} and `right_size`="
                             f"{right}.Resulting {side} side dataset split will be empty. Adjust any of the "
                             "aforementioned parameters")
    return int(left), int(right)


def _as_dataset(dataset):
    """`dataset` as an nn.data Dataset: a NumPy array or a list/tuple of equal-length arrays as a TensorDataset (as
    Keras's torch backend wraps them); anything else but a Dataset is Keras's TypeError."""
    if isinstance(dataset, np.ndarray):
        return TensorDataset(ag.tensor(dataset))
    if isinstance(dataset, (list, tuple)):
        if not (dataset and all(hasattr(a, "__len__") for a in dataset)):
            raise TypeError("The `dataset` argument must be a `torch.utils.data.Dataset` object, or a list/tuple of "
                            f"arrays. Received: dataset={dataset} of type {type(dataset)}")
        return TensorDataset(*(ag.tensor(np.asarray(a)) for a in dataset))
    if not isinstance(dataset, Dataset):
        raise TypeError(f"Unsupported dataset type: {type(dataset)} (pass a NumPy array, a list/tuple of arrays of "
                        "one length, or an nn.data Dataset)")
    return dataset


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None, preferred_backend=None):
    """(left, right): two nn.data Subsets of `dataset` (a NumPy array, a list/tuple of equal-length arrays or an
    nn.data Dataset) of left_size and right_size examples (fractions or counts, either one defaulting to the rest).

    As Keras's torch backend (the default here): the two sizes must cover the dataset, and the examples are split
    at random by PyTorch's random_split: from the global stream (ag.manual_seed) when not shuffling, from a
    generator seeded with `seed` when shuffling. With preferred_backend='tensorflow', as Keras's TensorFlow path:
    the examples in order (or shuffled by Python's random seeded with `seed`), left the first left_size and right
    the last right_size. Keras returns torch (or tf.data) datasets; deepgrad returns nn.data Subsets (fit takes
    them; their items are tuples of Tensors)."""
    dataset = _as_dataset(dataset)
    if right_size is None and left_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. Received: "
                         "left_size=None and right_size=None")
    total = len(dataset)
    left, right = _split_sizes(left_size, right_size, total)
    if preferred_backend is not None and preferred_backend != "torch":
        order = list(range(total))
        if shuffle:
            random.seed(random.randint(0, int(1e6)) if seed is None else seed)   # Keras reseeds the global random
            random.shuffle(order)
        return Subset(dataset, order[:left]), Subset(dataset, order[total - right:])
    if left + right != total:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset! (split_dataset on "
                         f"Keras's torch backend: left_size {left} + right_size {right} must be the dataset's "
                         f"{total} examples; give only one of them, or preferred_backend='tensorflow')")
    generator = None
    if shuffle:
        generator = ag.Generator()
        if seed is None:
            generator.seed()
        else:
            generator.manual_seed(seed)
    order = ag.randperm(total, generator=generator).tolist()
    return Subset(dataset, order[:left]), Subset(dataset, order[left:])


def get_source_inputs(tensor):
    """The keras.Input tensors `tensor` (a KerasTensor) was computed from, each once, in order of discovery;
    anything else is returned as it is."""
    from .symbolic import KerasTensor, flatten
    if not isinstance(tensor, KerasTensor):
        return tensor
    if tensor.node is None:
        return [tensor]
    parents = [t for t in flatten((tensor.node.args, tensor.node.kwargs)) if isinstance(t, KerasTensor)]
    if not parents:   # an InputLayer's node: the inputs themselves
        return flatten(tensor.node.outputs)
    sources = []
    for parent in parents:
        for found in get_source_inputs(parent):
            if all(found is not t for t in sources):
                sources.append(found)
    return sources
