"""Round 14 of bad input through nn.keras (rounds 1-13: test_bad_input_errors.py, test_bad_input_keras_round2.py ...
test_bad_input_round13.py): layer arguments of the wrong kind (Dropout(rate='a'), Reshape(6), Dense/LSTM/Conv2D
sizes of 0, LSTM(2.5), which had 2 units), a Reshape that cannot fit a functional input, Concatenate of eager inputs of two batch sizes, fit with a
callback class instead of an instance, validation_data that is a number, evaluate before compile,
keras.ops.segment_* with segment_ids that do not match the data, set_weights on an unbuilt layer or with one array,
load_weights of another architecture, and the calls Keras accepts near them: the same layer twice in a Sequential
(a shared layer), an input one trailing axis of size 1 away from the Input's rank. Each runs on nn.keras and on
real Keras 3 (torch backend) as the oracle: errors of Keras's type, still instances of nn.keras's old type, naming
the call, the values and the fix; calls Keras accepts give Keras's values. Refusals kept where Keras goes on with
something malformed are checked at the end."""
import warnings

import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, value_of, with_tmp

SEQ = "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]); "
SEQC = SEQ + "m.compile('sgd', 'mse'); "
XY = "x = np.ones((4, 3), 'float32'); y = np.ones((4, 2), 'float32'); "
DENSE = "l = keras.layers.Dense(2); "

# id, code (Keras spelling; {tmp} is a fresh directory), Keras's exception type, the type nn.keras raised before
# (kept for existing `except` clauses; Exception where it accepted the call), substrings the message must hold
LAYERS = [
    ("dropout_rate_a_string", "keras.layers.Dropout(rate='a')", TypeError, TypeError,
     ("Dropout", "rate must be a number", "str 'a'")),
    ("reshape_target_an_int", "keras.layers.Reshape(6)", TypeError, TypeError,
     ("Reshape", "target_shape must be a tuple of ints", "int 6", "target_shape=(6,)")),
    ("reshape_symbolic_input_that_cannot_fit", "a = keras.Input((6,)); keras.layers.Reshape((4, 4))(a)",
     ValueError, ValueError, ("cannot reshape inputs of shape (None, 6)", "target_shape=(4, 4)")),
    ("concatenate_eager_inputs_of_two_batch_sizes", "keras.layers.Concatenate()([np.ones((2, 3), 'float32'), "
     "np.ones((3, 3), 'float32')])", ValueError, ValueError, ("Concatenate, axis=-1", "(2, 3), (3, 3)")),
    ("dense_units_zero", "keras.layers.Dense(units=0)", ValueError, ValueError, ("Dense", "units", "got 0")),
    ("dense_units_fractional", "keras.layers.Dense(2.5)", ValueError, ValueError, ("Dense", "units", "2.5")),
    ("lstm_units_zero", "keras.layers.LSTM(units=0)", ValueError, ValueError, ("LSTM", "units", "got 0")),
    # Keras takes the size and fails building weights of 10.0 gates; ours refuses it at once (it kept 2 units)
    ("lstm_units_fractional", "keras.layers.LSTM(2.5)(np.ones((1, 4, 3), 'float32'))", ValueError, Exception,
     ("LSTM", "units must be a positive integer", "2.5")),
    ("gru_units_a_whole_float", "keras.layers.GRU(2.0)(np.ones((1, 4, 3), 'float32'))", ValueError, Exception,
     ("GRU", "units must be a positive integer", "2.0")),
    ("conv2d_kernel_size_zero", "keras.layers.Conv2D(2, kernel_size=0)", ValueError, ValueError,
     ("Conv2D", "kernel_size", "(0, 0)")),
    ("dropout_rate_above_one", "keras.layers.Dropout(rate=1.5)", ValueError, ValueError, ("Dropout", "1.5")),
]

TRAINING = [
    ("fit_callback_class_not_instance", SEQC + XY + "m.fit(x, y, callbacks=[keras.callbacks.EarlyStopping], "
     "verbose=0)", TypeError, TypeError, ("callbacks", "the class EarlyStopping", "EarlyStopping()")),
    ("fit_validation_data_a_number", SEQC + XY + "m.fit(x, y, validation_data=3, verbose=0)", ValueError,
     ValueError, ("fit", "Unrecognized data type for validation_data", "int", "(x_val, y_val)")),
    ("fit_x_and_y_of_other_lengths", SEQC + "m.fit(np.ones((4, 3)), np.ones((5, 2)), verbose=0)", ValueError,
     ValueError, ("fit", "[4] inputs, [5] targets")),
    ("evaluate_before_compile", SEQ + XY + "m.evaluate(x, y, verbose=0)", AttributeError, Exception,
     ("evaluate", "compile")),
    ("layer_set_weights_before_build", DENSE + "l.set_weights([np.ones((3, 2)), np.ones(2)])", ValueError,
     ValueError, ("set_weights", "expected 0 arrays", "got 2", "no weights until it is built")),
    ("set_weights_one_array_for_a_list", SEQ + "m.set_weights(np.ones((3, 2)))", ValueError, ValueError,
     ("set_weights", "one array of shape (3, 2)", "pass a list")),
    ("load_weights_of_another_architecture", SEQ + "m.save_weights('{tmp}/a.weights.h5'); "
     "m2 = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)]); m2.load_weights('{tmp}/a.weights.h5')",
     ValueError, ValueError, ("load_weights", "(3, 4)", "(3, 2)")),
]

OPS = [
    ("segment_sum_ids_of_another_length", "keras.ops.segment_sum(np.ones(4), np.array([0, 0, 1]))", ValueError,
     ValueError, ("keras.ops.segment_sum", "same leading dimension", "(3,) v.s. (4,)")),
    ("segment_sum_ids_not_a_vector", "keras.ops.segment_sum(np.ones(4), np.array([[0, 0, 1, 1]]))", ValueError,
     Exception, ("keras.ops.segment_sum", "1-D vector", "(1, 4)")),
    ("segment_max_ids_of_another_length", "keras.ops.segment_max(np.ones(4), np.array([0, 0, 1]))", ValueError,
     Exception, ("keras.ops.segment_max", "(3,) v.s. (4,)")),
    ("matmul_of_unaligned_shapes", "keras.ops.matmul(np.ones((2, 3)), np.ones((2, 3)))", RuntimeError,
     RuntimeError, ("matmul", "(3)", "(2)")),
    ("take_along_axis_of_another_rank", "keras.ops.take_along_axis(np.ones((2, 3)), np.zeros((2, 3, 1), 'int64'), "
     "axis=1)", RuntimeError, RuntimeError, ("take_along_axis", "same number of dimensions")),
]

CASES = LAYERS + TRAINING + OPS

SHARED = ("d = keras.layers.Dense(2, kernel_initializer='ones', bias_initializer='ones'); "
          "m = keras.Sequential([keras.Input((2,)), d, d]); ")
# calls near the mistakes above that Keras accepts: the same values from both (the last statement's value)
ACCEPTED = [
    ("sequential_shared_layer_output", SHARED + "keras.ops.convert_to_numpy(m(np.array([[1.0, 2.0]], 'float32')))"),
    ("sequential_shared_layer_counts", SHARED + "[len(m.layers), len(m.weights), m.count_params()]"),
    ("sequential_shared_layer_fit", SHARED + "m.compile('sgd', 'mse'); "
     "m.fit(np.ones((4, 2), 'float32'), np.zeros((4, 2), 'float32'), epochs=2, verbose=0).history['loss']"),
    ("sequential_input_with_a_trailing_axis_of_one", "m = keras.Sequential([keras.Input((3,)), "
     "keras.layers.Dense(2, kernel_initializer='ones')]); m.predict(np.ones((2, 3, 1), 'float32'), verbose=0)"),
    ("sequential_input_missing_a_trailing_axis_of_one", "m = keras.Sequential([keras.Input((3, 1)), "
     "keras.layers.Flatten()]); m.predict(np.arange(6, dtype='float32').reshape(2, 3), verbose=0)"),
    ("embedding_float_indices_truncate", "e = keras.layers.Embedding(5, 2, embeddings_initializer="
     "keras.initializers.Constant(np.arange(10.0).reshape(5, 2))); "
     "keras.ops.convert_to_numpy(e(np.array([[1.7, 3.2]])))"),
    ("dropout_rate_one", "keras.layers.Dropout(rate=1.0).rate"),
]

# refusals kept where Keras goes on with something malformed
KEPT_REFUSALS = [
    # Keras's torch backend reads index 5 of an axis of length 3 modulo the length (torch.take_along_dim)
    ("take_along_axis_index_past_the_end", "keras.ops.take_along_axis(np.ones((2, 3)), np.full((2, 1), 5), axis=1)",
     IndexError, IndexError, ("take_along_axis", "out of range", "length 3")),
    # Keras reloads a Sequential holding one layer twice as a model of one layer
    ("load_model_of_a_shared_layer_sequential", "d = keras.layers.Dense(2, name='d'); "
     "m = keras.Sequential([keras.Input((2,)), d, d]); m.save('{tmp}/m.keras'); keras.saving.load_model("
     "'{tmp}/m.keras')", ValueError, ValueError, ("unique names", "'d'")),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_keras_mistake_raises_keras_type_naming_the_call_and_values(case, tmp_path):
    from nn import keras
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_mistake(with_tmp(case, tmp_path), dict(keras=keras, np=np))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_real_keras_raises_the_type_we_match(case, tmp_path):
    """The oracle: real Keras raises for the same code, and our error is an instance of its type."""
    ours, theirs = keras_pair()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_oracle(with_tmp(case, tmp_path), dict(keras=ours, np=np), dict(keras=theirs, np=np))


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_keras_accepts_run_and_match(case):
    ours, theirs = keras_pair()
    got, expected = value_of(case[1], ours), value_of(case[1], theirs)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5)


@pytest.mark.parametrize("case", KEPT_REFUSALS, ids=[c[0] for c in KEPT_REFUSALS])
def test_refusals_kept_where_keras_goes_on(case, tmp_path):
    from nn import keras
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_mistake(with_tmp(case, tmp_path), dict(keras=keras, np=np))


def test_a_shared_layer_keeps_one_set_of_weights():
    """Sequential([Input, d, d]) was refused as a duplicate name; it applies d twice with one kernel and bias."""
    from nn import keras
    d = keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros")
    m = keras.Sequential([keras.Input((2,)), d, d])
    out = keras.ops.convert_to_numpy(m(np.array([[1.0, 2.0]], "float32")))
    np.testing.assert_allclose(out, [[6.0, 6.0]])
    assert len(m.trainable_weights) == 2
    with pytest.raises(ValueError, match="unique names"):
        keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, name="e"), keras.layers.Dense(2, name="e")])


def test_a_fractional_recurrent_size_is_no_longer_truncated():
    """LSTM(2.5) and LSTMCell(2.5) made 2 units before (int() truncated the size)."""
    from nn import keras
    for make in (keras.layers.LSTM, keras.layers.SimpleRNN, keras.layers.LSTMCell):
        with pytest.raises(ValueError, match="units must be a positive integer"):
            make(2.5)
    assert keras.layers.LSTM(np.int64(3)).units == 3
