"""Transfer learning: train on digits 0-4, freeze the body, give it a new head and fine-tune on 5-9.

    python examples/transfer.py [--per-class 50] [--device numba]

The body is LeNet-5's convolutional part, the head two dense layers. The fine-tuning set is small on
purpose (`--per-class` examples of each digit 5-9); the same model trained from scratch on it is shown
for comparison. (On this sample the frozen 0-4 features do about as well as training from scratch while
training only the head; they do not beat it.) Uses the bundled MNIST sample (offline).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import numpy as np  # noqa: E402

import autograd as ag  # noqa: E402
import nn  # noqa: E402


def body():
    """The feature extractor shared by both tasks: (N, 1, 28, 28) -> (N, 400)."""
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten())


def head():
    """A classifier for five digits on the body's features."""
    return nn.Sequential(nn.Linear(400, 84), nn.ReLU(), nn.Linear(84, 5))


def trainable(model):
    return sum(p.size for p in model.parameters() if p.requires_grad)


def compiled(model):
    return model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5, help="epochs on digits 0-4")
    parser.add_argument("--fine-tune-epochs", type=int, default=20)
    parser.add_argument("--per-class", type=int, default=30, help="fine-tuning examples of each digit 5-9")
    parser.add_argument("--device", default=None)
    args = parser.parse_args(argv)
    if args.device:
        ag.set_default_device(args.device)
    ag.manual_seed(0)
    np.random.seed(0)

    images, labels = nn.data.load_mnist_sample()
    order = np.random.default_rng(0).permutation(len(images))
    x, y = images[order].astype(np.float32)[:, None] / 255.0, labels[order]
    x_train, y_train, x_test, y_test = x[:4000], y[:4000], x[4000:], y[4000:]
    first, second = y_train < 5, y_train >= 5
    few = np.concatenate([np.flatnonzero(y_train == d)[:args.per_class] for d in range(5, 10)])
    test_second = y_test >= 5

    features = body()
    base = compiled(nn.Sequential(features, head()))
    base.fit(x_train[first], y_train[first], epochs=args.epochs, batch_size=64, verbose=0)
    print(f"digits 0-4: test accuracy {base.evaluate(x_test[y_test < 5], y_test[y_test < 5])['accuracy']:.4f} "
          f"({first.sum()} training images)")

    features.requires_grad_(False)  # freeze: only the new head learns
    frozen = {k: v.numpy().copy() for k, v in features.state_dict().items()}
    transfer = compiled(nn.Sequential(features, head()))
    transfer.fit(x_train[few], y_train[few] - 5, epochs=args.fine_tune_epochs, batch_size=16, verbose=0)
    assert all(np.array_equal(v.numpy(), frozen[k]) for k, v in features.state_dict().items())
    transfer_acc = transfer.evaluate(x_test[test_second], y_test[test_second] - 5)["accuracy"]

    scratch = compiled(nn.Sequential(body(), head()))
    scratch.fit(x_train[few], y_train[few] - 5, epochs=args.fine_tune_epochs, batch_size=16, verbose=0)
    scratch_acc = scratch.evaluate(x_test[test_second], y_test[test_second] - 5)["accuracy"]
    print(f"digits 5-9 from {len(few)} of the {second.sum()} training images: frozen body + new head "
          f"{transfer_acc:.4f} ({trainable(transfer)} parameters trained), same model from scratch "
          f"{scratch_acc:.4f} ({trainable(scratch)} trained)")
    return transfer_acc, scratch_acc


if __name__ == "__main__":
    main()
