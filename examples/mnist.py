"""MNIST in Keras style: an MLP and LeNet-5 trained on the bundled 5,000-digit sample (runs offline).

    python examples/mnist.py                       # both models, 10 epochs, default device
    python examples/mnist.py --model lenet --epochs 3 --device numba --curves lenet.png

Each model's training curves (loss and accuracy per epoch, on the training and the test digits) are
saved as a PNG: --curves PATH (default mnist_curves.png in the current folder; with both models,
mnist_curves_mlp.png and mnist_curves_lenet.png), or --curves "" for none. Needs matplotlib.

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


def train(name, train_data, test_data, epochs, seed, verbose, curves=None):
    """Build, compile and fit one model, saving its training curves to `curves` (a PNG path) unless it is
    None; returns its test accuracy."""
    ag.manual_seed(seed)
    np.random.seed(seed)  # fit draws its shuffling seed from NumPy's global generator
    model = MODELS[name]()
    model.compile(nn.optim.Adam(model.parameters(), lr=1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(*train_data, epochs=epochs, batch_size=64, validation_data=test_data, verbose=verbose)
    result = model.evaluate(*test_data, batch_size=256)
    print(f"{name}: test accuracy {result['accuracy']:.4f} (loss {result['loss']:.4f}) "
          f"after {epochs} epochs in {time.perf_counter() - start:.1f}s")
    if curves:
        save_curves(history, curves, name)
    return result["accuracy"]


def save_curves(history, path, name):
    """Plot `history` to the PNG `path` and say where it went (or why it could not)."""
    try:
        history.plot(path)
    except ImportError as exc:
        print(f"{name}: training curves not saved: {exc}")
    else:
        print(f"{name}: training curves saved to {os.path.abspath(path)}")


def curves_paths(path, names):
    """One PNG path per model: `path` itself for one model, `<stem>_<model><ext>` for several."""
    if not path:
        return dict.fromkeys(names)
    if len(names) == 1:
        return {names[0]: path}
    stem, ext = os.path.splitext(path)
    return {name: f"{stem}_{name}{ext or '.png'}" for name in names}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["mlp", "lenet", "both"], default="both")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--device", default=None, help="cpu, numba, cuda (default: DEEPGRAD_DEVICE or cpu)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", type=int, default=1, help="0 silent, 1 progress bar, 2 a line per epoch")
    parser.add_argument("--curves", default="mnist_curves.png",
                        help='PNG for the training curves (default: mnist_curves.png; "" for none)')
    args = parser.parse_args(argv)
    if args.device:
        ag.set_default_device(args.device)
    train_data, test_data = load_split()
    names = ["mlp", "lenet"] if args.model == "both" else [args.model]
    curves = curves_paths(args.curves, names)
    return {name: train(name, train_data, test_data, args.epochs, args.seed, args.verbose, curves[name])
            for name in names}


if __name__ == "__main__":
    main()
