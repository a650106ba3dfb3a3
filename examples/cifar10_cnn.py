"""A small CNN on CIFAR-10 with batch augmentation (random crops and flips), Keras style.

    python examples/cifar10_cnn.py --download        # fetch CIFAR-10 (163 MB, checksum-verified) if missing
    python examples/cifar10_cnn.py                   # the cached CIFAR-10, else synthetic images (offline)
    python examples/cifar10_cnn.py --synthetic       # always the synthetic coloured-pattern images

--limit picks how many training images to use (CPU training on all 50,000 takes a while); synthetic runs
use at most 2,000.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import numpy as np  # noqa: E402

import autograd as ag  # noqa: E402
import nn  # noqa: E402
from nn.data import DataLoader, TensorDataset, transforms  # noqa: E402

MEAN, STD = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)  # per-channel statistics of CIFAR-10


def cnn():
    """conv16-pool-conv32-pool-conv64-pool-dense128-dense10, with batch norm (small enough for a CPU)."""
    def block(c_in, c_out):
        return [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU(), nn.MaxPool2d(2)]
    return nn.Sequential(*block(3, 16), *block(16, 32), *block(32, 64), nn.Flatten(), nn.Linear(64 * 4 * 4, 128),
                         nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10))


def synthetic_images(n, rng):
    """uint8 (n, 3, 32, 32) images of stripes whose spacing is the class (so flips and crops keep it),
    in a random direction and phase, on a random colour, with heavy noise."""
    labels = rng.integers(0, 10, n)
    frequency = np.linspace(0.25, 1.6, 10)[labels][:, None, None]
    angle = rng.uniform(0, np.pi, n)[:, None, None]
    phase = rng.uniform(0, 2 * np.pi, n)[:, None, None]
    yy, xx = np.mgrid[:32, :32]
    stripes = np.sin(frequency * (yy * np.cos(angle) + xx * np.sin(angle)) + phase)
    colours = rng.integers(60, 196, (n, 3))
    images = colours[:, :, None, None] + 40 * stripes[:, None] + rng.normal(0, 50, (n, 3, 32, 32))
    return np.clip(images, 0, 255).astype(np.uint8), labels


def load_data(args):
    """((x_train, y_train), (x_test, y_test)) as uint8 NCHW images and int64 labels: CIFAR-10 when it is
    cached (or downloaded with --download), else synthetic images."""
    rng = np.random.default_rng(0)
    if not args.synthetic:
        try:
            train = nn.data.CIFAR10(train=True, download=args.download)
            test = nn.data.CIFAR10(train=False, download=args.download)
        except FileNotFoundError:
            print("CIFAR-10 is not in the cache (pass --download to fetch it); using synthetic images instead")
        except nn.data.download.DownloadError as exc:
            print(f"CIFAR-10 could not be downloaded ({exc}); using synthetic images instead")
        else:
            pick = rng.permutation(len(train))[:args.limit]
            return (train.data[pick], train.targets[pick]), (test.data[:2000], test.targets[:2000])
    return synthetic_images(min(args.limit, 2000), rng), synthetic_images(500, rng)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--download", action="store_true")
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--device", default=None)
    parser.add_argument("--verbose", type=int, default=1)
    args = parser.parse_args(argv)
    if args.device:
        ag.set_default_device(args.device)
    ag.manual_seed(0)
    (x_train, y_train), (x_test, y_test) = load_data(args)
    to_input = [transforms.ToFloat(), transforms.Normalize(MEAN, STD)]
    augment = transforms.Compose([transforms.RandomCrop(32, padding=4, seed=0),
                                  transforms.RandomHorizontalFlip(seed=1)] + to_input)
    train = DataLoader(TensorDataset(x_train, y_train), batch_size=64, shuffle=True, seed=0, transform=augment)
    test = DataLoader(TensorDataset(x_test, y_test), batch_size=256, transform=transforms.Compose(to_input))
    model = cnn()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train, epochs=args.epochs, validation_data=test, verbose=args.verbose)
    result = model.evaluate(test)
    print(f"test accuracy {result['accuracy']:.4f} (loss {result['loss']:.4f})")
    return result["accuracy"]


if __name__ == "__main__":
    main()
