"""Data: datasets, batching and batch transforms.

    from nn.data import DataLoader, TensorDataset, transforms, load_mnist_sample
    images, labels = load_mnist_sample()
    loader = DataLoader(TensorDataset(images, labels), batch_size=64, shuffle=True, seed=0,
                        transform=transforms.ToFloat())
"""
from . import datasets, distributed, transforms   # distributed: torch.utils.data.distributed, an attribute as in torch
from .dataset import Dataset, TensorDataset
from .iterable import ChainDataset, IterableDataset, get_worker_info
from .datasets import CIFAR10, IMDB, MNIST, FashionMNIST, load_mnist_sample, load_shakespeare
from .loader import DataLoader, default_collate, default_convert
from .sampler import DistributedSampler
from .samplers import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                       WeightedRandomSampler)
from .stack_dataset import StackDataset
from .subsets import ConcatDataset, Subset, random_split

__all__ = ["Dataset", "TensorDataset", "IterableDataset", "ChainDataset", "get_worker_info", "DataLoader",
           "default_collate", "default_convert", "DistributedSampler", "Sampler",
           "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler", "BatchSampler", "Subset", "ConcatDataset",
           "StackDataset",
           "random_split", "transforms",
           "datasets", "load_mnist_sample", "load_shakespeare", "MNIST", "FashionMNIST", "CIFAR10", "IMDB"]
