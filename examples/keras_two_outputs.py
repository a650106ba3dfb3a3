"""A functional model with three inputs and two outputs (Keras's guide: ranking support tickets by
priority and routing them to a department), run by deepgrad: only the import differs from Keras.

    python examples/keras_two_outputs.py [--epochs 5]

The Keras guide trains on random data; here the tickets are synthetic but learnable: the priority
follows the tags, the department the words of the title.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import numpy as np  # noqa: E402

from nn import keras  # noqa: E402  (the Keras original: import keras)
from nn.keras import layers  # noqa: E402  (the Keras original: from keras import layers)

num_tags = 12  # Number of unique issue tags
num_words = 10000  # Size of vocabulary obtained when preprocessing text data
num_departments = 4  # Number of departments for predictions


def tickets(count, rng):
    """Synthetic tickets: titles (count, 10) and bodies (count, 100) of word ids, tags (count, 12) 0/1; the
    priority is 1 when tag 0 or tag 1 is set, the department is given by words 1-4 planted in the title."""
    title = rng.integers(10, num_words, (count, 10))
    department = rng.integers(0, num_departments, count)
    title[np.arange(count), rng.integers(0, 10, count)] = 1 + department
    body = rng.integers(10, num_words, (count, 100))
    tags = rng.integers(0, 2, (count, num_tags)).astype("float32")
    priority = np.maximum(tags[:, 0], tags[:, 1])[:, None]
    return {"title": title, "body": body, "tags": tags}, {"priority": priority,
                                                          "department": np.eye(num_departments)[department]}


def main(argv=None):
    """Train and evaluate; returns (priority accuracy, department accuracy) on held-out tickets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--count", type=int, default=1280)
    parser.add_argument("--verbose", type=int, default=2)
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)

    # --- from here on, the Keras guide's model as written ---
    title_input = keras.Input(shape=(None,), name="title")  # Variable-length sequence of ints
    body_input = keras.Input(shape=(None,), name="body")  # Variable-length sequence of ints
    tags_input = keras.Input(shape=(num_tags,), name="tags")  # Binary vectors of size `num_tags`

    title_features = layers.Embedding(num_words, 64)(title_input)
    body_features = layers.Embedding(num_words, 64)(body_input)
    title_features = layers.LSTM(128)(title_features)
    body_features = layers.LSTM(32)(body_features)
    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, name="priority")(x)
    department_pred = layers.Dense(num_departments, name="department")(x)

    model = keras.Model(inputs=[title_input, body_input, tags_input],
                        outputs={"priority": priority_pred, "department": department_pred})
    model.summary()
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
              "department": keras.losses.CategoricalCrossentropy(from_logits=True)},
        loss_weights={"priority": 1.0, "department": 0.2},
        metrics={"priority": [keras.metrics.BinaryAccuracy(threshold=0.0)], "department": ["accuracy"]},
    )
    inputs, targets = tickets(args.count, rng)
    model.fit(inputs, targets, epochs=args.epochs, batch_size=32, verbose=args.verbose)

    test_inputs, test_targets = tickets(args.count // 4, rng)
    results = model.evaluate(test_inputs, test_targets, verbose=0, return_dict=True)
    print("held-out:", {k: round(float(v), 4) for k, v in results.items()})
    return results["priority_binary_accuracy"], results["department_accuracy"]


if __name__ == "__main__":
    main()
