"""MNIST in Keras style: an MLP and LeNet-5 trained on the bundled 5,000-digit sample (runs offline).

    python examples/mnist.py                       # both models, 10 epochs, default device
    python examples/mnist.py --model lenet --epochs 3 --device numba

Recipe: the sample shuffled with np.random.default_rng(0), the first 4,000 digits to train on and the
last 1,000 to test on, pixels scaled to [0, 1], Adam (lr 1e-3), batches of 64, cross-entropy on logits.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import numpy as np  # noqa: E402

import autograd as ag  # noqa: E402
import nn  # noqa: E402


def load_split():
    """((x_train, y_train), (x_test, y_test)): images float32 (N, 1, 28, 28) in [0, 1], labels int64."""
    images, labels = nn.data.load_mnist_sample()
    order = np.random.default_rng(0).permutation(len(images))
    x = images[order].astype(np.float32)[:, None] / 255.0
    y = labels[order]
    return (x[:4000], y[:4000]), (x[4000:], y[4000:])


def mlp():
    """784-256-256-10 with ReLU."""
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                         nn.Linear(256, 10))


def lenet5():
    """LeNet-5 with ReLU and max pooling."""
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


MODELS = {"mlp": mlp, "lenet": lenet5}


def train(name, train_data, test_data, epochs, seed, verbose):
    """Build, compile and fit one model; returns its test accuracy."""
    ag.manual_seed(seed)
    np.random.seed(seed)  # fit draws its shuffling seed from NumPy's global generator
    model = MODELS[name]()
    model.compile(nn.optim.Adam(model.parameters(), lr=1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(*train_data, epochs=epochs, batch_size=64, verbose=verbose)
    result = model.evaluate(*test_data, batch_size=256)
    print(f"{name}: test accuracy {result['accuracy']:.4f} (loss {result['loss']:.4f}) "
          f"after {epochs} epochs in {time.perf_counter() - start:.1f}s")
    return result["accuracy"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["mlp", "lenet", "both"], default="both")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--device", default=None, help="cpu, numba, cuda (default: DEEPGRAD_DEVICE or cpu)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", type=int, default=1, help="0 silent, 1 progress bar, 2 a line per epoch")
    args = parser.parse_args(argv)
    if args.device:
        ag.set_default_device(args.device)
    train_data, test_data = load_split()
    names = ["mlp", "lenet"] if args.model == "both" else [args.model]
    return {name: train(name, train_data, test_data, args.epochs, args.seed, args.verbose) for name in names}


if __name__ == "__main__":
    main()
