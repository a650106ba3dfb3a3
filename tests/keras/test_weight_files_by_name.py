"""Weight files list their weights' names; a file whose weights are in another order (deepgrad before stop 30
kept a functional model's weights in layer creation order) loads each weight by its name."""
import json

import numpy as np

from nn import keras
from nn import serialization
from nn.keras import layers, weights_file


def _residual():
    inputs = keras.Input((4,))
    first = layers.Dense(4, name="first")
    second = layers.Dense(4, name="second")      # created second, but Keras's graph order may differ
    a = first(inputs)
    b = second(a)
    return keras.Model(inputs, layers.Dense(2, name="head")(layers.Add()([a, b])))


def _shuffled_copy(model, path, order):
    """The model's weights file with its entries (and names) in `order`, as another writer might keep them."""
    tensors, metadata = weights_file.weight_arrays(model)
    names = json.loads(metadata["names"])
    serialization.save({f"weight_{k}": tensors[f"weight_{j}"] for k, j in enumerate(order)}, path,
                       metadata={**metadata, "names": json.dumps([names[j] for j in order])})


def test_a_file_in_another_order_loads_each_weight_by_name(tmp_path):
    model = _residual()
    rng = np.random.default_rng(0)
    model.set_weights([rng.standard_normal(w.shape).astype("float32") for w in model.weights])
    expected = [w.numpy().copy() for w in model.weights]
    path = tmp_path / "w.weights.h5"
    _shuffled_copy(model, path, [2, 3, 0, 1, 4, 5])     # the two same-shaped Dense layers swapped
    model.set_weights([np.zeros(w.shape, "float32") for w in model.weights])
    model.load_weights(path)
    for w, e in zip(model.weights, expected):
        np.testing.assert_array_equal(w.numpy(), e)


def test_names_that_do_not_cover_the_model_fall_back_to_positions():
    model = _residual()
    assert weights_file.stored_order(model, ["x"] * 6) is None
    assert weights_file.stored_order(model, None) is None
    names = json.loads(weights_file.weight_arrays(model)[1]["names"])
    assert weights_file.stored_order(model, names) == list(range(6))


def test_optimizer_slots_follow_the_names_too():
    model = _residual()
    names = json.loads(weights_file.weight_arrays(model)[1]["names"])
    shuffled = [names[j] for j in [2, 3, 0, 1, 4, 5]]
    assert weights_file.trainable_position(model, shuffled) == {0: 2, 1: 3, 2: 0, 3: 1, 4: 4, 5: 5}
    assert weights_file.trainable_position(model, None) == {k: k for k in range(6)}
