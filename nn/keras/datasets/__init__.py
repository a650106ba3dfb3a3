"""keras.datasets: `load_data()` of Keras's datasets as Keras returns them, read from their official files
(no stored pickle is ever run): mnist, fashion_mnist, cifar10, cifar100, imdb, reuters, boston_housing and
california_housing."""
from . import boston_housing, california_housing, cifar10, cifar100, fashion_mnist, imdb, mnist, reuters

__all__ = ["mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters", "boston_housing", "california_housing"]
