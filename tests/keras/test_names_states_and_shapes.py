"""Three things Keras 3 users read back, as real Keras gives them: `model.metrics_names` (the names of
`model.metrics`), the states an RNN over a one-cell StackedRNNCells returns (kept nested per cell), and the
output shape of a transposed convolution's compute_output_shape (a list)."""
import numpy as np
import pytest

from tests.keras.oracle import fresh_sessions

X = np.random.default_rng(0).standard_normal((16, 4)).astype("float32")
Y = (X.sum(1, keepdims=True) > 0).astype("float32")


def _classifier(keras):
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"),
                             keras.layers.Dense(1, activation="sigmoid")])


@pytest.mark.parametrize("metrics", [None, ["accuracy"], ["accuracy", "auc"]])
def test_metrics_names_before_compile_after_compile_and_after_fit(metrics):
    seen = []
    for keras in fresh_sessions():
        model = _classifier(keras)
        names = [model.metrics_names]
        model.compile("adam", "binary_crossentropy", metrics=metrics)
        names.append(model.metrics_names)
        model.fit(X, Y, epochs=1, verbose=0)
        names.append(model.metrics_names)
        names.append(sorted(model.evaluate(X, Y, verbose=0, return_dict=True)))
        seen.append(names)
    assert seen[1] == seen[0]


def _state_structure(value):
    if isinstance(value, (list, tuple)):
        return [_state_structure(v) for v in value]
    return tuple(value.shape)


@pytest.mark.parametrize("cells", [["lstm"], ["gru"], ["lstm", "gru"], ["simple", "lstm"]])
def test_stacked_cells_return_state_keeps_keras_nesting(cells):
    seen = []
    sequence = np.random.default_rng(1).standard_normal((2, 5, 4)).astype("float32")
    for keras in fresh_sessions():
        make = {"lstm": lambda: keras.layers.LSTMCell(3), "gru": lambda: keras.layers.GRUCell(2),
                "simple": lambda: keras.layers.SimpleRNNCell(4)}
        stacked = keras.layers.StackedRNNCells([make[c]() for c in cells])
        out = keras.layers.RNN(stacked, return_state=True)(sequence)
        seen.append(_state_structure(list(out)))
    assert seen[1] == seen[0]


@pytest.mark.parametrize("layer,shape", [("Conv1DTranspose", (2, 5, 3)), ("Conv2DTranspose", (2, 5, 5, 3)),
                                         ("Conv3DTranspose", (2, 5, 5, 5, 3)), ("Conv2D", (2, 5, 5, 3))])
def test_compute_output_shape_type_and_value_as_keras(layer, shape):
    results = [getattr(keras.layers, layer)(4, 3, strides=2).compute_output_shape(shape)
               for keras in fresh_sessions()]
    assert type(results[1]) is type(results[0])
    assert list(results[1]) == list(results[0])


def test_metrics_names_of_a_two_output_model_gain_each_outputs_loss_after_fit():
    seen = []
    for keras in fresh_sessions():
        inputs = keras.Input((4,))
        model = keras.Model(inputs, [keras.layers.Dense(1, name="a")(inputs), keras.layers.Dense(1, name="b")(inputs)])
        model.compile("sgd", ["mse", "mae"], metrics=[["mae"], []])
        names = [model.metrics_names]
        model.fit(X, [Y, Y], epochs=1, verbose=0)
        seen.append(names + [model.metrics_names])
    assert seen[1] == seen[0]


@pytest.mark.parametrize("losses", [["mse", None], {"p": "mse"}, {"p": "mse", "q": "mae"}, ["mse", "mae"]],
                         ids=["list_with_none", "dict_one_key", "dict_both", "list_both"])
def test_per_output_loss_means_only_when_several_outputs_have_a_loss(losses):
    rng = np.random.default_rng(2)
    targets = [rng.standard_normal((16, 1)).astype("float32"), rng.standard_normal((16, 2)).astype("float32")]
    seen = []
    for keras in fresh_sessions():
        inputs = keras.Input((4,))
        a = keras.layers.Dense(1, name="p", kernel_initializer="ones")(inputs)
        b = keras.layers.Dense(2, name="q", kernel_initializer="ones")(inputs)
        as_dict = isinstance(losses, dict)
        model = keras.Model(inputs, {"p": a, "q": b} if as_dict else [a, b])
        model.compile("sgd", losses)
        y = {"p": targets[0], "q": targets[1]} if as_dict else targets
        history = model.fit(X, y, epochs=1, batch_size=8, shuffle=False, verbose=0).history
        seen.append({k: round(v[0], 5) for k, v in history.items()})
    assert seen[1] == seen[0]
