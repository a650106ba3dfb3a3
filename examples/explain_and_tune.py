"""Explain and tune on MNIST: Integrated Gradients and Grad-CAM for a trained CNN, then a Bayesian search
over the MLP's learning rate, width and dropout with pruning (runs offline on the bundled sample).

    python examples/explain_and_tune.py                  # LeNet-5 3 epochs, 20 trials of 4 epochs
    python examples/explain_and_tune.py --quick          # a small, fast run (what the tests run)

Saves the attributions of a few test digits to --png (default explain_and_tune.png): each row a digit,
then its Integrated Gradients (red: pixels that raise the true class's score, blue: lower it) and its
Grad-CAM map at the second convolution. Needs the `explain` and `tune` extras
(pip install -e ".[explain,tune]": matplotlib, optuna, scipy).
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]   # run from a checkout; mnist.py holds the data split and LeNet-5

import numpy as np  # noqa: E402

import autograd as ag  # noqa: E402
import nn  # noqa: E402
from mnist import lenet5, load_split  # noqa: E402


def train_cnn(train_data, test_data, epochs, seed):
    """LeNet-5 fitted on the training digits; prints its test accuracy."""
    ag.manual_seed(seed)
    model = lenet5()
    model.compile(nn.optim.Adam(model.parameters(), lr=1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(*train_data, epochs=epochs, batch_size=64, verbose=0, seed=seed)
    print(f"cnn: test accuracy {model.evaluate(*test_data, batch_size=256)['accuracy']:.4f} after {epochs} epochs")
    return model


def explain_digits(model, images, labels, path):
    """Integrated Gradients and Grad-CAM of the true class for `images`, drawn to the PNG `path`."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ig, error = nn.explain.integrated_gradients(model, images, target=labels, steps=64, return_error=True)
    cam = nn.explain.grad_cam(model, images, target=labels, layer=model[4])   # the ReLU after conv 2
    change = ig.reshape(len(ig), -1).sum(1) - error   # score(x) - score(baseline)
    print(f"integrated gradients: largest completeness error {np.abs(error / change).max():.2%} of "
          "score(x) - score(black image)")
    figure, axes = plt.subplots(len(images), 3, figsize=(6, 2 * len(images)), squeeze=False)
    for row, (image, label) in enumerate(zip(images, labels)):
        axes[row, 0].imshow(image[0], cmap="gray")
        axes[row, 0].set_axis_off()
        axes[row, 0].set_title(f"digit {label}")
        nn.explain.overlay(image, ig[row], ax=axes[row, 1], alpha=0.7, title="integrated gradients")
        nn.explain.overlay(image, cam[row], ax=axes[row, 2], title="Grad-CAM")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    print(f"attributions saved to {os.path.abspath(path)}")


def build_mlp(lr, width, dropout):
    """The MLP of examples/mnist.py with one hidden layer of `width` units and dropout, compiled."""
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, width), nn.ReLU(), nn.Dropout(dropout), nn.Linear(width, 10))
    return model.compile(nn.optim.Adam(model.parameters(), lr=lr), "sparse_categorical_crossentropy",
                         metrics=["accuracy"])


def tune_mlp(train_data, test_data, trials, epochs, seed):
    """A Bayesian search over lr, width and dropout, pruning trials that fall behind; prints the best."""
    from scipy import stats
    space = {"lr": stats.loguniform(1e-4, 3e-2), "width": [32, 64, 128, 256], "dropout": stats.uniform(0.0, 0.5)}
    result = nn.tuning.bayesian_search(build_mlp, space, n_trials=trials, x=train_data[0], y=train_data[1],
                                       validation_data=test_data, epochs=epochs, batch_size=64, scoring="accuracy",
                                       seed=seed)
    pruned = sum(t["state"] == "pruned" for t in result.trials)
    best = result.best
    params = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in best["params"].items())
    print(f"bayesian search: {len(result.trials)} trials, {pruned} pruned; best trial {best['trial']}: {params} -> "
          f"validation accuracy {best['metric']:.4f} ({best['time']:.1f}s)")
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="600 training digits, 1 epoch, 3 trials of 2 epochs")
    parser.add_argument("--device", default=None, help="cpu, numba, cuda (default: DEEPGRAD_DEVICE or cpu)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--trials", type=int, default=None, help="Bayesian search trials (default 20; quick 3)")
    parser.add_argument("--png", default="explain_and_tune.png", help="where the attribution figure goes")
    args = parser.parse_args(argv)
    if args.device:
        ag.set_default_device(args.device)
    (x_train, y_train), (x_test, y_test) = load_split()
    if args.quick:
        (x_train, y_train), (x_test, y_test) = (x_train[:600], y_train[:600]), (x_test[:200], y_test[:200])
    cnn = train_cnn((x_train, y_train), (x_test, y_test), 1 if args.quick else 3, args.seed)
    explain_digits(cnn, x_test[:4], y_test[:4], args.png)
    trials = args.trials or (3 if args.quick else 20)
    return tune_mlp((x_train, y_train), (x_test, y_test), trials, 2 if args.quick else 4, args.seed)


if __name__ == "__main__":
    main()
