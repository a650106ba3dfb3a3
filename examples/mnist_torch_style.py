"""MNIST with an explicit training loop, PyTorch style: DataLoader, optimiser, zero_grad/backward/step.

    python examples/mnist_torch_style.py --epochs 5 [--device numba] [--augment]

Same data as examples/mnist.py (bundled 5,000-digit sample: 4,000 to train, 1,000 to test), but the
uint8 images go through batch transforms inside the DataLoader (scaling to [0, 1], optional random shifts).
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import numpy as np  # noqa: E402

import autograd as ag  # noqa: E402
import nn  # noqa: E402
from nn.data import DataLoader, TensorDataset, transforms  # noqa: E402


def make_loaders(augment, seed):
    """(train_loader, test_loader) over the bundled sample; images stay uint8 until the batch transform."""
    images, labels = nn.data.load_mnist_sample()
    order = np.random.default_rng(0).permutation(len(images))
    images, labels = images[order][:, None], labels[order]  # (N, 1, 28, 28)
    steps = [transforms.RandomShift(2, seed=seed)] if augment else []
    train_tf = transforms.Compose(steps + [transforms.ToFloat()])
    train = DataLoader(TensorDataset(images[:4000], labels[:4000]), batch_size=64, shuffle=True, seed=seed,
                       transform=train_tf)
    test = DataLoader(TensorDataset(images[4000:], labels[4000:]), batch_size=256, transform=transforms.ToFloat())
    return train, test


def accuracy(model, loader):
    """The fraction of examples classified right, in eval mode without gradients."""
    model.eval()
    right = total = 0
    with ag.no_grad():
        for x, y in loader:
            right += int((ag.argmax(model(x), axis=1) == y).sum().item())
            total += len(y)
    return right / total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--device", default=None, help="cpu, numba, cuda (default: DEEPGRAD_DEVICE or cpu)")
    parser.add_argument("--augment", action="store_true", help="random shifts of up to 2 pixels")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.device:
        ag.set_default_device(args.device)
    ag.manual_seed(args.seed)
    train_loader, test_loader = make_loaders(args.augment, args.seed)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                          nn.Linear(256, 10))
    optimizer = nn.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        model.train()
        start, total_loss, seen = time.perf_counter(), 0.0, 0
        for x, y in train_loader:
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(y)
            seen += len(y)
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total_loss / seen:.4f}, "
              f"test accuracy {accuracy(model, test_loader):.4f} ({time.perf_counter() - start:.1f}s)")
    return accuracy(model, test_loader)


if __name__ == "__main__":
    main()
