"""Datasets with official files (downloaded, checksum-verified, cached) and the bundled MNIST sample.

    from nn.data.datasets import MNIST, FashionMNIST, CIFAR10, CIFAR100, IMDB, load_mnist_sample, load_shakespeare
"""
from .base import ArrayDataset
from .cifar10 import CIFAR10
from .cifar100 import CIFAR100
from .imdb import IMDB
from .mnist import MNIST, FashionMNIST
from .mnist_sample import load_mnist_sample
from .shakespeare import load_shakespeare

__all__ = ["ArrayDataset", "MNIST", "FashionMNIST", "CIFAR10", "CIFAR100", "IMDB", "load_mnist_sample",
           "load_shakespeare"]
