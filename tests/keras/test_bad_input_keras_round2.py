"""Round 2 of bad input through nn.keras (round 1 and earlier: test_bad_input_errors.py, test_round6_bad_inputs.py,
test_users_bad_input.py and the Keras cases of tests/test_bad_input_sweep.py): built layers called on other
shapes, compile arguments of the wrong kind, fit/evaluate data that does not line up, functional graphs that do
not fit, Sequential given things that are not layers, layer arguments out of range, and files that are missing or
wrongly named. Each runs on nn.keras and on real Keras 3 (torch backend) as the oracle for the exception type:
ours must be an instance of Keras's type, and the message must name the layer or call, the shapes and the fix;
where Keras accepts the call, so do we, with Keras's result."""
import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, value_of, with_tmp

SEQ = "m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation='softmax')]); "
SEQC = SEQ + "m.compile('adam', 'sparse_categorical_crossentropy'); "
XY = "x = np.zeros((8, 4), 'float32'); y = np.zeros(8, 'int64'); "
TWO_INPUTS = ("a = keras.Input((2,), name='a'); b = keras.Input((3,), name='b'); "
              "o = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b])); m = keras.Model([a, b], o); ")
FUNCTIONAL = "i = keras.Input((3,)); m = keras.Model(i, keras.layers.Dense(2)(i)); "
ONES = ("x = np.ones((4, 4), 'float32'); y = np.zeros((4, 3), 'float32') + 2; m = keras.Sequential([keras.Input((4,)), "
        "keras.layers.Dense(3, kernel_initializer='ones')]); ")

# id, code (Keras spelling; {tmp} is a fresh directory), Keras's exception type, the type nn.keras raised before
# (kept for existing `except` clauses), substrings the message must hold
CASES = [
    ("conv2d_built_then_other_channels", "c = keras.layers.Conv2D(2, 3); c(np.zeros((1, 8, 8, 3), 'float32')); "
     "c(np.zeros((1, 8, 8, 1), 'float32'))", ValueError, ValueError, ("conv2d", "value 3", "(1, 8, 8, 1)")),
    ("dense_built_then_3d_other_width", "d = keras.layers.Dense(2); d(np.zeros((2, 4), 'float32')); "
     "d(np.zeros((2, 3, 5), 'float32'))", ValueError, ValueError, ("dense", "value 4", "(2, 3, 5)")),
    ("deferred_sequential_then_other_width", "m = keras.Sequential([keras.layers.Dense(2)]); "
     "m.predict(np.zeros((4, 3)), verbose=0); m.predict(np.zeros((4, 5)), verbose=0)", ValueError, ValueError,
     ("dense", "value 3", "(4, 5)")),
    ("compile_metrics_as_a_string", SEQ + "m.compile('adam', 'mse', metrics='accuracy')", ValueError, ValueError,
     ("compile", "metrics", "metrics=['accuracy']")),
    ("compile_learning_rate_as_optimizer", SEQ + "m.compile(0.01, 'mse')", ValueError, TypeError,
     ("optimizer", "0.01", "learning_rate")),
    ("compile_number_as_metric", SEQ + "m.compile('adam', 'mse', metrics=[3]); "
     "m.fit(np.zeros((4, 4)), np.zeros((4, 3)), verbose=0)", ValueError, TypeError, ("metric", "int", "3")),
    ("compile_optimizer_name_with_space", SEQ + "m.compile('Adamw ', 'mse')", ValueError, ValueError,
     ("unknown optimizer 'Adamw '", "adamw")),
    ("compile_unknown_metric_per_output", "i = keras.Input((4,)); o = keras.layers.Dense(2, name='out')(i); "
     "m = keras.Model(i, o); m.compile('adam', 'mse', metrics={'out': ['acuracy']}); "
     "m.fit(np.zeros((4, 4)), np.zeros((4, 2)), verbose=0)", ValueError, ValueError,
     ("unknown metric 'acuracy'", "accuracy")),
    ("fit_validation_data_lengths", SEQC + XY + "m.fit(x, y, validation_data=(x, y[:5]), verbose=0)", ValueError,
     ValueError, ("validation_data", "[8] inputs", "[5] targets")),
    ("fit_sample_weight_length", SEQC + XY + "m.fit(x, y, sample_weight=np.ones(5), verbose=0)", ValueError,
     ValueError, ("fit", "sample_weight", "[5] weights")),
    ("evaluate_x_y_lengths", SEQC + XY + "m.evaluate(x, y[:3], verbose=0)", ValueError, ValueError,
     ("evaluate", "[8] inputs", "[3] targets")),
    ("train_on_batch_before_compile", SEQ + XY + "m.train_on_batch(x, y)", ValueError, RuntimeError,
     ("train_on_batch", "compile")),
    ("fit_dict_missing_an_input", TWO_INPUTS + "m.compile('adam', 'mse'); "
     "m.fit({'a': np.zeros((4, 2))}, np.zeros((4, 1)), verbose=0)", ValueError, ValueError, ("['a']", "'b'")),
    ("two_input_model_given_one_array", TWO_INPUTS + "m.predict(np.zeros((4, 2)), verbose=0)", ValueError,
     ValueError, ("2 input", "got 1")),
    ("conv2d_on_flat_input", "keras.layers.Conv2D(2, 3)(keras.Input((3,)))", ValueError, ValueError,
     ("conv2d", "4-D", "(None, 3)")),
    ("lstm_on_flat_input", "keras.layers.LSTM(2)(keras.Input((3,)))", ValueError, ValueError,
     ("lstm", "(batch, time, features)", "(None, 3)")),
    ("maxpool2d_on_sequence_input", "keras.layers.MaxPooling2D()(keras.Input((8, 3)))", ValueError, ValueError,
     ("max_pooling2d", "4-D", "ndim=4", "8, 3)", "MaxPooling1D")),
    ("conv1d_on_image_input", "keras.layers.Conv1D(2, 3)(keras.Input((8, 8, 3)))", ValueError, ValueError,
     ("conv1d", "3-D", "(None, 8, 8, 3)")),
    ("model_outputs_not_from_inputs", "keras.Model(keras.Input((3,)), keras.layers.Dense(2)(keras.Input((4,))))",
     ValueError, ValueError, ("keras.Model", "not among the model's inputs")),
    ("functional_model_given_1d_data", FUNCTIONAL + "m.predict(np.zeros((4,)), verbose=0)", ValueError, ValueError,
     ("expects shape (None, 3)", "(4,)")),
    ("merge_given_one_tensor", "keras.layers.Add()(keras.Input((3,)))", ValueError, ValueError,
     ("add", "list of inputs", "Add()([a, b])")),
    ("sequential_given_a_string", "keras.Sequential([keras.layers.Dense(2), 'relu'])", ValueError, TypeError,
     ("Sequential model", "str", "'relu'", "keras.layers.Activation('relu')")),
    ("sequential_add_an_int", "m = keras.Sequential(); m.add(5)", ValueError, TypeError,
     ("Sequential model", "int", "5")),
    ("sequential_given_a_function", "keras.Sequential([keras.Input((3,)), keras.activations.relu])", ValueError,
     TypeError, ("Sequential model", "function", "keras.layers.Activation")),
    ("sequential_given_an_array", "keras.Sequential([keras.Input((3,)), np.ones(3)])", ValueError, TypeError,
     ("Sequential model", "ndarray")),
    ("load_model_missing_file", "keras.models.load_model('{tmp}/missing.keras')", ValueError, ValueError,
     ("File not found", "missing.keras")),
    ("load_model_unknown_suffix", "keras.models.load_model('{tmp}/missing.h6')", ValueError, ValueError,
     ("File format not supported", "missing.h6")),
    ("load_weights_missing_file", SEQ + "m.load_weights('{tmp}/missing.weights.h5')", FileNotFoundError,
     FileNotFoundError, ("load_weights", "missing.weights.h5", "save_weights")),
    ("load_weights_unknown_suffix", SEQ + "m.load_weights('{tmp}/w.txt')", ValueError, FileNotFoundError,
     ("File format not supported", "w.txt", ".weights.h5")),
    ("save_without_extension", SEQ + "m.save('{tmp}/model')", ValueError, ValueError, ("extension", "'.keras'")),
    ("save_weights_plain_h5", SEQ + "m.save_weights('{tmp}/w.h5')", ValueError, ValueError,
     ("save_weights", "'.weights.h5'")),
    ("dense_zero_units", "keras.layers.Dense(0)", ValueError, ValueError, ("Dense", "units", "0")),
    ("dense_negative_units", "keras.layers.Dense(-3)", ValueError, ValueError, ("Dense", "units", "-3")),
    ("dropout_rate_above_1", "keras.layers.Dropout(1.5)", ValueError, ValueError, ("Dropout", "rate", "1.5")),
    ("conv2d_zero_filters", "keras.layers.Conv2D(0, 3)", ValueError, ValueError, ("Conv2D", "filters", "0")),
    ("conv1d_negative_filters", "keras.layers.Conv1D(-1, 3)", ValueError, ValueError, ("Conv1D", "filters", "-1")),
    ("embedding_zero_input_dim", "keras.layers.Embedding(0, 3)", ValueError, ValueError,
     ("Embedding", "input_dim", "0")),
    ("embedding_zero_output_dim", "keras.layers.Embedding(10, 0)", ValueError, ValueError,
     ("Embedding", "output_dim", "0")),
    ("lstm_zero_units", "keras.layers.LSTM(0)", ValueError, ValueError, ("LSTM", "units", "0")),
    ("gru_negative_units", "keras.layers.GRU(-2)", ValueError, ValueError, ("GRU", "units", "-2")),
    ("batch_norm_axis_out_of_range", "keras.layers.BatchNormalization(axis=3)(np.ones((2, 4), 'float32'))",
     IndexError, IndexError, ("batch_normalization", "axis=3", "(2, 4)", "axis=-1")),
]

# calls Keras accepts: ours run too and give Keras's value (the last statement is the value compared)
ACCEPTED = [
    ("concatenate_one_input", "x = np.arange(6, dtype='float32').reshape(2, 3); keras.layers.Concatenate()([x])"),
    ("add_one_input", "x = np.arange(6, dtype='float32').reshape(2, 3); keras.layers.Add()([x])"),
    ("average_one_input", "x = np.arange(6, dtype='float32').reshape(2, 3); keras.layers.Average()([x])"),
    ("concatenate_one_symbolic_input", "tuple(keras.layers.Concatenate()([keras.Input((3,))]).shape)"),
    ("one_loss_in_a_list", ONES + "m.compile('sgd', ['mse']); m.evaluate(x, y, verbose=0)"),
    ("one_outputs_metrics_in_a_list", ONES + "m.compile('sgd', 'mse', metrics=[['mae']]); m.evaluate(x, y, verbose=0)"),
    ("one_loss_weight_in_a_list", ONES + "m.compile('sgd', ('mae',), metrics=['mse'], loss_weights=[0.5]); "
     "m.evaluate(x, y, verbose=0)"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_keras_mistake_raises_keras_type_naming_the_layer_and_shapes(case, tmp_path):
    from nn import keras
    check_mistake(with_tmp(case, tmp_path), dict(keras=keras, np=np))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_real_keras_raises_the_type_we_match(case, tmp_path):
    """The oracle: real Keras raises for the same code, and our error is an instance of its type."""
    ours, theirs = keras_pair()
    check_oracle(with_tmp(case, tmp_path), dict(keras=ours, np=np), dict(keras=theirs, np=np))


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_keras_accepts_run_and_match(case):
    ours, theirs = keras_pair()
    got, expected = value_of(case[1], ours), value_of(case[1], theirs)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
