"""Transfer learning and fine-tuning the Keras way (the Keras guide's recipe), run by deepgrad: only the
import differs from Keras.

    python examples/keras_transfer.py [--per-class 50]

Keras's guide fine-tunes an ImageNet model on cats and dogs; offline, the base here is a small convnet
(with batch normalisation) trained on digits 0-4 of the bundled MNIST sample, reused for digits 5-9:
1. freeze the base (base_model.trainable = False) and call it with training=False, so its batch-norm
   layers stay in inference mode; train a new head;
2. unfreeze it and fine-tune everything with a low learning rate (the batch-norm layers still run in
   inference mode, as the guide explains).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import numpy as np  # noqa: E402

from nn import keras  # noqa: E402  (the Keras original: import keras)
from nn.keras import layers  # noqa: E402  (the Keras original: from keras import layers)


def split_digits(per_class):
    """((x, y) digits 0-4 to pretrain on, (x, y) `per_class` of each digit 5-9 to fine-tune on, (x, y) the
    other 5-9 digits to test on); images (N, 28, 28, 1) float32 in [0, 1], labels 0-4."""
    (x_a, y_a), (x_b, y_b) = keras.datasets.mnist.load_data()
    x = np.concatenate([x_a, x_b]).astype("float32")[..., None] / 255
    y = np.concatenate([y_a, y_b]).astype("int64")
    low, high = y < 5, y >= 5
    x_high, y_high = x[high], y[high] - 5
    pick = np.concatenate([np.flatnonzero(y_high == d)[:per_class] for d in range(5)])
    rest = np.setdiff1d(np.arange(len(y_high)), pick)
    return (x[low], y[low]), (x_high[pick], y_high[pick]), (x_high[rest], y_high[rest])


def main(argv=None):
    """Pretrain, transfer, fine-tune; returns the test accuracy after (transfer, fine-tuning)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="use at most this many pretraining (and test) digits")
    parser.add_argument("--verbose", type=int, default=2)
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)
    (x_pre, y_pre), (x_new, y_new), (x_test, y_test) = split_digits(args.per_class)
    x_pre, y_pre, x_test, y_test = x_pre[:args.limit], y_pre[:args.limit], x_test[:1000][:args.limit], y_test[:1000][:args.limit]

    # A base model, trained on the first task (the guide loads a pretrained one instead)
    base_model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(),
        layers.Flatten(),
    ], name="base")
    pretrain = keras.Sequential([base_model, layers.Dense(5, activation="softmax")])
    pretrain.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    # (batches of 32: enough steps for the batch-norm moving averages (momentum 0.99) to settle)
    pretrain.fit(x_pre, y_pre, epochs=args.epochs, batch_size=32, verbose=args.verbose)

    # --- from here on, the guide's recipe as written ---
    base_model.trainable = False
    inputs = keras.Input(shape=(28, 28, 1))
    # We make sure that the base_model is running in inference mode here, by passing `training=False`.
    x = base_model(inputs, training=False)
    x = layers.Dropout(0.2)(x)  # Regularize with dropout
    outputs = layers.Dense(5, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.summary(show_trainable=True)

    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    model.fit(x_new, y_new, epochs=2 * args.epochs, batch_size=32, validation_data=(x_test, y_test),
              verbose=args.verbose)
    transfer = model.evaluate(x_test, y_test, verbose=0)[1]

    # Unfreeze the base_model. Note that it keeps running in inference mode since we passed `training=False`
    # when calling it. This means that the batchnorm layers will not update their batch statistics.
    base_model.trainable = True
    model.summary(show_trainable=True)
    model.compile(optimizer=keras.optimizers.Adam(1e-4), loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    model.fit(x_new, y_new, epochs=args.epochs, batch_size=32, validation_data=(x_test, y_test),
              verbose=args.verbose)
    fine_tuned = model.evaluate(x_test, y_test, verbose=0)[1]
    print(f"test accuracy on digits 5-9: {transfer:.4f} with the frozen base, {fine_tuned:.4f} after fine-tuning")
    return transfer, fine_tuned


if __name__ == "__main__":
    main()
