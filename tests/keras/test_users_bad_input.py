"""Users' mistakes fed on purpose to nn.keras: each error names the layer / loss / argument, the shapes or the
name involved, and the fix."""
import numpy as np
import pytest

from nn import keras

X = np.zeros((8, 6), np.float32)


def _classifier():
    model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_one_hot_targets_for_the_sparse_loss_point_to_categorical_crossentropy():
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy.*\(8, 3\).*\(8,\) class indices.*"
                                         r"one-hot.*loss='categorical_crossentropy'"):
        _classifier().fit(X, np.eye(3, dtype=np.float32)[np.zeros(8, int)], verbose=0)


def test_targets_of_another_shape_name_the_shape_the_loss_needs():
    with pytest.raises(ValueError, match=r"y_true of shape \(8, 2\).*\(8,\) class indices"):
        _classifier().fit(X, np.zeros((8, 2), np.int64), verbose=0)


def test_class_labels_beyond_the_output_units_say_how_to_fix_them():
    with pytest.raises(IndexError, match=r"sparse_categorical_crossentropy: y_true holds a class outside 0\.\.2.*"
                                         r"3 classes.*as many units as there are classes"):
        _classifier().fit(X, np.full(8, 5), verbose=0)


@pytest.mark.parametrize("loss,where", [("sparse_categorical_crossentropyy", ""),
                                        (["mse", "msee"], r" \(for output 1\)"),
                                        ({"out": "binary_crossentropyy"}, r" \(for output 'out'\)")])
def test_unknown_loss_names_fail_in_compile_with_the_known_names(loss, where):
    model = _classifier()
    with pytest.raises(ValueError, match=r"compile: unknown loss .*known: sparse_categorical_crossentropy.*" + where):
        model.compile("adam", loss)


def test_a_loss_that_is_not_a_loss_fails_in_compile():
    with pytest.raises(TypeError, match="compile: a loss must be a name, a Loss or a function, got int"):
        _classifier().compile("adam", 42)


def test_unknown_optimizer_activation_metric_and_initializer_names_list_the_known_ones():
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'; known: sgd, adam"):
        _classifier().compile("adamm", "mse")
    with pytest.raises(ValueError, match="unknown activation 'relu6x'; known: .*relu6"):
        keras.layers.Dense(3, activation="relu6x")
    with pytest.raises(ValueError, match=r"Dense\(kernel_initializer='glorot'\): unknown initializer 'glorot'; "
                                         r"known: .*glorot_uniform"):
        keras.layers.Dense(3, kernel_initializer="glorot")
    model = _classifier()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["acuracy"])
    with pytest.raises(ValueError, match="unknown metric 'acuracy'; known: accuracy"):
        model.fit(X, np.zeros(8, np.int64), verbose=0)


def test_a_built_functional_model_names_the_input_and_its_shape():
    inputs = keras.Input(shape=(3,), name="features")
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    with pytest.raises(ValueError, match=r"input 'features' expects shape \(None, 3\).*got shape \(4, 5\).*"
                                         r"keras.Input\(shape=\(3,\)\)"):
        model.predict(np.zeros((4, 5), np.float32), verbose=0)
    with pytest.raises(ValueError, match=r"expects shape \(None, 3\).*got shape \(4, 3, 2\)"):
        model(np.zeros((4, 3, 2), np.float32))   # (4, 3, 1) is squeezed to (4, 3), as Keras does


def test_a_built_layer_called_on_another_width_names_the_layer():
    layer = keras.layers.Dense(3, name="head")
    layer(np.zeros((2, 4), np.float32))
    with pytest.raises(ValueError, match=r"layer 'head' is incompatible with the layer: expected axis -1 of input shape "
                                         r"to have value 4, but received input with shape \(2, 5\)"):   # Keras's
        layer(np.zeros((2, 5), np.float32))


def test_wrong_input_shapes_for_a_sequential_convnet_and_rnn_name_the_expected_shape():
    conv = keras.Sequential([keras.Input(shape=(8, 8, 1)), keras.layers.Conv2D(2, 3)])
    with pytest.raises(ValueError, match=r"expected inputs of shape \(None, 8, 8, 1\).*got shape \(2, 8, 8, 3\)"):
        conv.predict(np.zeros((2, 8, 8, 3), np.float32), verbose=0)
    rnn = keras.Sequential([keras.Input(shape=(5, 4)), keras.layers.LSTM(3)])
    with pytest.raises(ValueError, match=r"expected inputs of shape \(None, 5, 4\).*got shape \(2, 4\)"):
        rnn.predict(np.zeros((2, 4), np.float32), verbose=0)


def test_x_and_y_of_different_lengths_give_both_counts():
    with pytest.raises(ValueError, match=r"same number of examples, got \[8\] inputs, \[7\] targets"):
        _classifier().fit(X, np.zeros(7, np.int64), verbose=0)
