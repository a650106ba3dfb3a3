"""Bundled data: `mnist_5k.npz`, 5,000 real MNIST digits (see SOURCE.md); read it with
`nn.data.datasets.load_mnist_sample()`."""
