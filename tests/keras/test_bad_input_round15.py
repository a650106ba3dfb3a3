"""Round 15 of bad input through nn.keras (rounds 1-14: test_bad_input_errors.py, test_bad_input_keras_round2.py ...
test_bad_input_round14.py): functional models built from a tensor not derived from their inputs or called with the
wrong number of inputs or a dict that lacks a key, a dict given to a single-input Sequential (an AttributeError
before), keras.Input of a negative or fractional shape, Sequential.add of a non-layer, fit with sample_weight of
another length, validation_split=1.0, fractional steps_per_epoch, save_weights to a name Keras refuses (written as
safetensors before), keras.ops given mismatched shapes (matmul, concatenate of two ranks, reshape, take out of range:
take(x, [-5]) of 3 values wrapped twice and returned x[1] before), keras.random draws of a fractional size (truncated
before: normal(shape=(2.5,)) drew 2 values) and Reshape to an impossible size. Each runs on nn.keras and on real
Keras 3 (torch backend) as the oracle: errors of Keras's type, still instances of nn.keras's old type (Exception where
it accepted the call or raised another type), naming the call, the values and the fix; calls Keras accepts give
Keras's values. Refusals kept where Keras goes on with something malformed are checked at the end."""
import warnings

import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, value_of, with_tmp

SEQ = "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]); "
SEQC = SEQ + "m.compile('sgd', 'mse'); "
XY = "x = np.ones((4, 3), 'float32'); y = np.ones((4, 2), 'float32'); "
X2 = "np.ones((2, 3), 'float32')"
FUN2 = ("a = keras.Input((3,)); b = keras.Input((3,)); m = keras.Model([a, b], keras.layers.Add()([a, b])); ")
FUND = ("a = keras.Input((3,), name='a'); b = keras.Input((3,), name='b'); "
        "m = keras.Model({'a': a, 'b': b}, keras.layers.Add()([a, b])); ")

# id, code (Keras spelling; {tmp} is a fresh directory), Keras's exception type, the type nn.keras raised before
# (kept for existing `except` clauses; Exception where it accepted the call or raised another type), substrings the
# message must hold
MODELS = [
    ("model_output_not_derived_from_its_inputs", "a = keras.Input((3,)); b = keras.Input((3,)); "
     "keras.Model(a, keras.layers.Dense(2)(b))", ValueError, ValueError,
     ("keras.Model", "not among the model's inputs")),
    ("model_output_an_array", "a = keras.Input((3,)); keras.Model(a, np.ones(3))", ValueError, TypeError,
     ("keras.Model", "KerasTensors", "ndarray of shape (3,)")),
    ("functional_called_with_one_of_two_inputs", FUN2 + f"m({X2})", ValueError, ValueError,
     ("expects 2 input(s)", "got 1")),
    ("functional_predict_of_three_of_two_inputs", FUN2 + f"m.predict([{X2}] * 3, verbose=0)", ValueError,
     ValueError, ("expects 2 input(s)", "got 3")),
    ("functional_called_with_a_dict_lacking_a_key", FUND + f"m({{'a': {X2}}})", ValueError, ValueError,
     ("lacks ['b']", "expected keys ['a', 'b']")),
    ("functional_predict_of_a_dict_lacking_a_key", FUND + f"m.predict({{'a': {X2}}}, verbose=0)", ValueError,
     ValueError, ('Missing data for input "b"', "['a', 'b']")),
    ("sequential_predict_of_a_dict", SEQ + f"m.predict({{'a': {X2}}}, verbose=0)", ValueError, Exception,
     ("sequential", "dict with keys ['a']", "one array")),
    ("sequential_called_with_a_dict", SEQ + f"m({{'x': {X2}}})", ValueError, Exception,
     ("sequential", "dict with keys ['x']", "pass the array itself")),
    ("sequential_fit_on_a_dict_of_another_name", SEQC + f"m.fit({{'x': {X2}}}, np.ones((2, 2)), verbose=0)",
     ValueError, Exception, ("sequential", "dict with keys ['x']")),
    ("input_shape_a_negative_int", "keras.Input(shape=-1)", ValueError, ValueError, ("Input", "-1", "tuple")),
    ("input_shape_negative", "keras.Input(shape=(-1,))", ValueError, ValueError,
     ("Input", "negative dimensions", "(-1,)", "None")),
    ("input_shape_fractional", "keras.Input(shape=(2.5,))", ValueError, ValueError, ("Input", "2.5", "float")),
    ("sequential_add_a_number", "m = keras.Sequential(); m.add(3)", ValueError, ValueError,
     ("add", "only layers can be added", "int 3")),
    ("sequential_add_a_layer_class", "m = keras.Sequential(); m.add(keras.layers.Dense)", ValueError, ValueError,
     ("add", "only layers can be added", "Dense")),
    ("reshape_layer_to_an_impossible_size", "keras.layers.Reshape((4, 4))(np.ones((2, 6), 'float32'))", ValueError,
     ValueError, ("reshape", "(2, 6)", "target_shape=(4, 4)")),
    ("reshape_layer_two_unknown_sizes", "keras.layers.Reshape((-1, -1))", ValueError, ValueError,
     ("Reshape", "at most one unknown dimension", "(-1, -1)")),
]

TRAINING = [
    ("fit_sample_weight_of_another_length", SEQC + XY + "m.fit(x, y, sample_weight=np.ones(3), verbose=0)",
     ValueError, ValueError, ("fit", "[4] inputs", "[3] weights")),
    ("evaluate_sample_weight_of_another_length", SEQC + XY + "m.evaluate(x, y, sample_weight=np.ones(3), verbose=0)",
     ValueError, ValueError, ("evaluate", "[3] weights")),
    ("fit_validation_split_of_one", SEQC + XY + "m.fit(x, y, validation_split=1.0, verbose=0)", ValueError,
     ValueError, ("4 samples", "validation_split=1.0")),
    ("fit_fractional_steps_per_epoch", SEQC + XY + "m.fit(x, y, steps_per_epoch=1.5, verbose=0)", TypeError,
     ValueError, ("steps_per_epoch", "whole number", "1.5")),
    ("fit_negative_steps_per_epoch", SEQC + XY + "m.fit(x, y, steps_per_epoch=-1, verbose=0)", ValueError,
     ValueError, ("steps_per_epoch", "-1")),
    ("fit_negative_batch_size", SEQC + XY + "m.fit(x, y, batch_size=-2, verbose=0)", ValueError, ValueError,
     ("fit", "batch_size=-2")),
    ("fit_fractional_epochs", SEQC + XY + "m.fit(x, y, epochs=1.5, verbose=0)", TypeError, TypeError,
     ("fit", "epochs", "1.5")),
    ("fit_validation_freq_zero", SEQC + XY + "m.fit(x, y, validation_split=0.5, validation_freq=0, verbose=0)",
     ZeroDivisionError, ValueError, ("fit", "validation_freq", "got 0")),
    ("fit_before_compile", SEQ + XY + "m.fit(x, y, verbose=0)", ValueError, ValueError, ("fit", "compile")),
    ("evaluate_return_dict_before_compile", SEQ + XY + "m.evaluate(x, y, return_dict=True, verbose=0)",
     AttributeError, Exception, ("evaluate", "compile")),
    ("save_weights_to_a_text_file", SEQ + "m.save_weights('{tmp}/a.txt')", ValueError, Exception,
     ("save_weights", "`.weights.h5`", "a.txt")),
    ("load_weights_of_a_deeper_model", SEQ + "m.save_weights('{tmp}/a.weights.h5'); m2 = keras.Sequential("
     "[keras.Input((3,)), keras.layers.Dense(2), keras.layers.Dense(2)]); m2.load_weights('{tmp}/a.weights.h5')",
     ValueError, ValueError, ("load_weights", "no weights for layer")),
    ("load_weights_of_a_missing_file", SEQ + "m.load_weights('{tmp}/nope.weights.h5')", FileNotFoundError,
     FileNotFoundError, ("load_weights", "no such file")),
]

OPS = [
    ("matmul_of_unaligned_shapes", "keras.ops.matmul(np.ones((2, 3)), np.ones((4, 2)))", RuntimeError, RuntimeError,
     ("matmul", "Size([2, 3])", "Size([4, 2])")),
    ("concatenate_of_two_ranks", "keras.ops.concatenate([np.ones((2, 3)), np.ones(3)])", RuntimeError, RuntimeError,
     ("concatenate", "(2, 3)", "(3,)")),
    ("concatenate_axis_out_of_range", "keras.ops.concatenate([np.ones((2, 3)), np.ones((2, 3))], axis=2)",
     IndexError, IndexError, ("cat", "dim 2")),
    ("stack_of_two_shapes", "keras.ops.stack([np.ones(2), np.ones(3)])", RuntimeError, RuntimeError,
     ("stack", "[(2,), (3,)]")),
    ("reshape_to_an_impossible_size", "keras.ops.reshape(np.ones(6), (4, 2))", RuntimeError, RuntimeError,
     ("reshape", "(4, 2)", "6 elements")),
    ("reshape_two_unknown_sizes", "keras.ops.reshape(np.ones(6), (-1, -1))", ValueError, ValueError,
     ("reshape", "only one dimension can be inferred")),
    ("take_index_past_the_end", "keras.ops.take(np.arange(3.0), np.array([5]))", IndexError, IndexError,
     ("keras.ops.take", "index 5", "size 3")),
    ("take_index_before_the_start", "keras.ops.take(np.arange(3.0), np.array([-5]))", IndexError, Exception,
     ("keras.ops.take", "index -5", "[-3, 3)")),
    ("take_along_an_axis_out_of_range", "keras.ops.take(np.ones((2, 3)), np.array([0]), axis=3)", IndexError,
     IndexError, ("keras.ops.take", "axis 3", "(2, 3)")),
    ("where_of_unbroadcastable_shapes", "keras.ops.where(np.ones(3) > 0, np.ones(3), np.ones(4))", RuntimeError,
     RuntimeError, ("where", "(4,)")),
    ("einsum_of_mismatched_sizes", "keras.ops.einsum('ij,jk->ik', np.ones((2, 3)), np.ones((4, 2)))", RuntimeError,
     RuntimeError, ("einsum", "'j'", "3", "4")),
    ("random_normal_fractional_size", "keras.random.normal(shape=(2.5,))", TypeError, Exception,
     ("keras.random.normal", "tuple of ints", "2.5")),
    ("random_uniform_whole_float_size", "keras.random.uniform(shape=(2.0,))", TypeError, Exception,
     ("keras.random.uniform", "2.0")),
    ("random_randint_fractional_size", "keras.random.randint((2.5,), 0, 3)", TypeError, Exception,
     ("keras.random.randint", "2.5")),
    ("random_normal_negative_size", "keras.random.normal(shape=(-1,))", RuntimeError, RuntimeError, ("(-1,)",)),
    ("random_randint_bounds_reversed", "keras.random.randint((2,), 3, 1)", RuntimeError, RuntimeError,
     ("keras.random.randint", "maxval (1)", "minval (3)")),
]

CASES = MODELS + TRAINING + OPS

CLS = ("m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, activation='softmax', "
       "kernel_initializer='ones')]); m.compile('sgd', 'sparse_categorical_crossentropy'); "
       "x = np.arange(12, dtype='float32').reshape(4, 3) / 10; y = np.array([0, 1, 2, 1]); ")
ONES = "m = keras.Sequential([keras.Input((3,), name='a'), keras.layers.Dense(2, kernel_initializer='ones')]); "
# calls near the mistakes above that Keras accepts: the same values from both (the last statement's value)
ACCEPTED = [
    ("fit_class_weight_missing_a_class", CLS + "m.fit(x, y, class_weight={0: 1.0, 1: 2.0}, verbose=0)"
     ".history['loss']"),
    ("fit_validation_split_above_one", CLS + "h = m.fit(x, y, validation_split=1.5, verbose=0).history; "
     "[h['loss'], h['val_loss']]"),
    ("fit_steps_per_epoch_zero", CLS + "m.fit(x, y, steps_per_epoch=0, verbose=0).history['loss']"),
    ("evaluate_return_dict_a_string", ONES + "m.compile('sgd', 'mse'); "
     "m.evaluate(np.ones((4, 3)), np.zeros((4, 2)), return_dict='yes', verbose=0)['loss']"),
    ("sequential_predict_of_a_dict_named_as_its_input", ONES + f"m.predict({{'a': {X2}}}, verbose=0)"),
    ("sequential_called_with_a_dict_holding_its_input", ONES + f"keras.ops.convert_to_numpy(m({{'a': {X2}, "
     f"'b': {X2}}}))"),
    ("take_indices_counted_from_the_end", "keras.ops.convert_to_numpy(keras.ops.take(np.arange(3.0), "
     "np.array([-3, -1, 2])))"),
    ("full_broadcasting_a_row", "keras.ops.convert_to_numpy(keras.ops.full((2, 3), np.arange(3.0)))"),
    ("random_normal_size_a_numpy_int", "tuple(keras.ops.shape(keras.random.normal(shape=(np.int64(2), 3))))"),
]

# refusals kept where Keras goes on with something malformed
KEPT_REFUSALS = [
    # Keras runs a single-input Sequential on the first of two arrays and drops the second
    ("sequential_predict_of_two_arrays", SEQ + f"m.predict([{X2}, {X2}], verbose=0)", ValueError, ValueError,
     ("sequential", "one input array", "list of 2")),
    # Keras's torch backend returns the fill of shape (3,) where shape (2,) was asked for
    ("full_of_a_fill_longer_than_the_shape", "keras.ops.full((2,), np.arange(3.0))", ValueError, ValueError,
     ("keras.ops.full", "(3,)", "(2,)")),
    # Keras takes an unknown loss name at compile and fails at the first fit
    ("compile_of_an_unknown_loss", SEQ + "m.compile('sgd', 'foo')", ValueError, ValueError,
     ("compile", "unknown loss 'foo'")),
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


def test_take_no_longer_wraps_an_index_twice():
    """take(x, [-5]) of 3 values gave x[1] (-5 + 3 = -2, read from the end again); indices in [-3, 3) still work."""
    from nn import keras
    x = np.arange(3.0)
    with pytest.raises(IndexError):
        keras.ops.take(x, np.array([-5]))
    got = keras.ops.convert_to_numpy(keras.ops.take(x, np.array([[-3, 2], [-1, 0]])))
    np.testing.assert_array_equal(got, [[0.0, 2.0], [2.0, 0.0]])


def test_random_sizes_are_no_longer_truncated():
    """keras.random.normal(shape=(2.5,)) drew 2 values; whole sizes (ints, NumPy ints, an int shape) still draw."""
    from nn import keras
    for draw in (keras.random.normal, keras.random.uniform, keras.random.truncated_normal):
        with pytest.raises(TypeError):
            draw(shape=(2.5, 3))
        assert tuple(draw(shape=(np.int64(2), 3)).shape) == (2, 3)
    assert tuple(keras.random.normal(3).shape) == (3,)


def test_save_weights_keeps_its_own_safetensors_name(tmp_path):
    """save_weights refuses a name Keras refuses ('a.txt' was written as safetensors), and still writes a
    '.safetensors' file that load_weights reads back."""
    from nn import keras
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError):
        model.save_weights(tmp_path / "a.txt")
    assert not (tmp_path / "a.txt").exists()
    model.save_weights(tmp_path / "a.safetensors")
    other = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    other.load_weights(tmp_path / "a.safetensors")
    for mine, theirs in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
