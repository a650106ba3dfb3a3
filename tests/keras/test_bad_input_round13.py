"""Round 13 of bad input through nn.keras (rounds 1-12: test_bad_input_errors.py, test_bad_input_keras_round2.py ...
test_bad_input_round12.py): functional graphs whose outputs do not come from the inputs or whose inputs are not
keras.Input tensors, Sequential.add of something that is not a layer, Input(shape=3), fit with a dict whose keys are
not the inputs' names, predict on data of another shape, keras.saving.load_model of a missing file, a wrong extension
or a number, save/save_weights/load_weights given a number, load_weights of a file of another format, Input with a
negative batch_size, add_weight with an unknown initializer, dtype or a shape that is not whole numbers (2.5 was
truncated to 2), and optimizers/losses/metrics/initializers/regularizers.get of unknown names and configs. Each runs
on nn.keras and on real Keras 3 (torch backend) as the oracle: errors of Keras's type, still instances of nn.keras's
old type, naming the call, the values and the fix; calls Keras accepts give Keras's values. Refusals kept where Keras
goes on with something malformed are checked at the end."""
import warnings

import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, value_of, with_tmp

SEQ = "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]); "
TWO = ("a = keras.Input((3,), name='a'); b = keras.Input((2,), name='b'); "
       "m = keras.Model({'a': a, 'b': b}, keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))); "
       "m.compile('sgd', 'mse'); ")
LAYER = "l = keras.layers.Layer(); "
FOO = "{'class_name': 'foo', 'config': {}}"

# id, code (Keras spelling; {tmp} is a fresh directory), Keras's exception type, the type nn.keras raised before
# (kept for existing `except` clauses; Exception where it accepted the call), substrings the message must hold
MODELS = [
    ("functional_output_not_connected", "a = keras.Input((3,)); b = keras.Input((3,)); "
     "keras.Model(a, keras.layers.Dense(2)(b))", ValueError, ValueError,
     ("keras.Model", "not among the model's inputs")),
    ("functional_numpy_input", "a = keras.Input((3,)); keras.Model(np.ones((1, 3)), keras.layers.Dense(2)(a))",
     ValueError, ValueError, ("keras.Model", "KerasTensors", "ndarray", "keras.Input(shape)")),
    ("functional_layer_as_output", "a = keras.Input((3,)); keras.Model(a, keras.layers.Dense(2))", ValueError,
     ValueError, ("keras.Model", "Dense")),
    ("sequential_add_a_number", "keras.Sequential().add(3)", ValueError, ValueError,
     ("add", "only layers can be added to a Sequential model", "int 3")),
    ("input_negative_batch_size", "keras.Input((3,), batch_size=-1)", ValueError, Exception,
     ("Input", "negative dimensions", "batch_size=-1", "batch_size=None")),
    ("input_shape_an_int", "keras.Input(shape=3)", ValueError, ValueError, ("Input", "shape=(3,)")),
    ("fit_dict_of_other_keys", TWO + "m.fit({'a': np.ones((4, 3)), 'c': np.ones((4, 2))}, np.ones((4, 1)), "
     "verbose=0)", ValueError, ValueError, ('Missing data for input "b"', "['a', 'c']", "['a', 'b']")),
    ("fit_dict_missing_a_key", TWO + "m.fit({'a': np.ones((4, 3))}, np.ones((4, 1)), verbose=0)", ValueError,
     ValueError, ('Missing data for input "b"', "keras.Input")),
    ("predict_of_another_width", SEQ + "m.predict(np.ones((4, 5)), verbose=0)", ValueError, ValueError,
     ("expected inputs of shape (None, 3)", "(4, 5)")),
    ("predict_of_a_vector", SEQ + "m.predict(np.ones(3), verbose=0)", ValueError, ValueError, ("(None, 3)", "(3,)")),
]

SAVING = [
    ("load_model_missing_file", "keras.saving.load_model('{tmp}/nope.keras')", ValueError, ValueError,
     ("File not found", "nope.keras")),
    ("load_model_wrong_extension", "open('{tmp}/x.txt', 'w').write('hi'); keras.saving.load_model('{tmp}/x.txt')",
     ValueError, ValueError, ("File format not supported", "x.txt", "'.keras'")),
    ("load_model_of_a_number", "keras.saving.load_model(3)", ValueError, TypeError,
     ("File format not supported", "load_model", "int")),
    ("load_weights_of_a_text_file", SEQ + "open('{tmp}/x.txt', 'w').write('hi'); m.load_weights('{tmp}/x.txt')",
     ValueError, ValueError, ("load_weights", "x.txt", "'.weights.h5'")),
    ("save_to_a_number", SEQ + "m.save(3)", ValueError, TypeError,
     ("Invalid filepath extension for saving", "Model.save", "int", "'model.keras'")),
    ("save_weights_to_a_number", SEQ + "m.save_weights(3)", ValueError, TypeError,
     ("Model.save_weights", "int", "'model.weights.h5'")),
    ("load_weights_of_a_number", SEQ + "m.load_weights(3)", ValueError, TypeError,
     ("File format not supported", "Model.load_weights", "int")),
    ("save_weights_without_weights_h5", SEQ + "m.save_weights('{tmp}/m.h5')", ValueError, ValueError,
     ("save_weights", ".weights.h5")),
]

WEIGHTS_IDENTIFIERS = [
    ("add_weight_unknown_initializer", LAYER + "l.add_weight(shape=(2,), initializer='foo')", ValueError, ValueError,
     ("initializer", "'foo'", "glorot_uniform")),
    ("add_weight_initializer_a_number", LAYER + "l.add_weight(shape=(2,), initializer=3)", ValueError, TypeError,
     ("Could not interpret initializer identifier: 3", "int")),
    ("add_weight_unknown_dtype", LAYER + "l.add_weight(shape=(2,), dtype='foo')", ValueError, TypeError,
     ("Invalid dtype: foo", "add_weight", "'float32'")),
    ("add_weight_shape_a_string", LAYER + "l.add_weight(shape='a')", ValueError, ValueError,
     ("Cannot convert", "'a'", "add_weight")),
    ("add_weight_shape_of_floats", LAYER + "l.add_weight(shape=(2.5,))", ValueError, Exception,
     ("Cannot convert '(2.5,)' to a shape", "float", "add_weight")),
    ("add_weight_shape_an_int", LAYER + "l.add_weight(shape=3)", ValueError, TypeError,
     ("Cannot convert '3' to a shape", "shape=(3,)")),
    ("optimizers_get_unknown_name", "keras.optimizers.get('foo')", ValueError, ValueError,
     ("optimizer", "'foo'", "adam")),
    ("losses_get_unknown_name", "keras.losses.get('foo')", ValueError, ValueError, ("loss", "'foo'", "mse")),
    ("metrics_get_unknown_name", "keras.metrics.get('foo')", ValueError, ValueError, ("metric", "'foo'", "accuracy")),
    ("optimizers_get_config_of_an_unknown_class", f"keras.optimizers.get({FOO})", ValueError, TypeError,
     ("Could not interpret optimizer identifier", "'foo'")),
    ("losses_get_config_of_an_unknown_class", f"keras.losses.get({FOO})", ValueError, TypeError,
     ("Could not interpret loss identifier", "'foo'")),
    ("metrics_get_config_of_an_unknown_class", f"keras.metrics.get({FOO})", ValueError, TypeError,
     ("Could not interpret metric identifier", "'foo'")),
    ("initializers_get_config_of_an_unknown_class", f"keras.initializers.get({FOO})", ValueError, TypeError,
     ("Could not interpret initializer identifier", "'foo'")),
    ("regularizers_get_config_of_an_unknown_class", f"keras.regularizers.get({FOO})", ValueError, TypeError,
     ("Could not interpret regularizer identifier", "'foo'")),
]

CASES = MODELS + SAVING + WEIGHTS_IDENTIFIERS

# calls near the mistakes above that Keras accepts: the same values from both (the last statement's value)
ACCEPTED = [
    ("add_weight_shape_of_numpy_ints", LAYER + "np.asarray(l.add_weight(shape=(np.int64(2), 3), initializer='ones'))"),
    ("add_weight_shape_a_list", LAYER + "np.asarray(l.add_weight(shape=[2], initializer='zeros'))"),
    ("add_weight_float64", LAYER + "np.asarray(l.add_weight(shape=(2,), initializer='ones', dtype='float64'))"),
    ("initializers_get_of_none", "keras.initializers.get(None) is None"),
    ("dense_kernel_initializer_none", "keras.layers.Dense(2, kernel_initializer=None)(np.ones((1, 3), "
     "'float32')).shape"),
    ("optimizers_get_config_of_a_known_class", "keras.optimizers.get({'class_name': 'SGD', 'config': "
     "{'learning_rate': 0.5}}).learning_rate"),
]

# refusals kept where Keras goes on with something malformed
KEPT_REFUSALS = [
    # Keras's deserialize returns the class name itself, a string, for a class it cannot find
    ("losses_deserialize_of_an_unknown_class", f"keras.losses.deserialize({FOO})", TypeError, TypeError,
     ("Could not locate class 'foo'", "register_keras_serializable")),
    # Keras takes metrics for an output the model does not have and computes none of them, without a word
    ("compile_metrics_for_an_unknown_output", SEQ + "m.compile('sgd', 'mse', metrics={'foo': ['mae']}); "
     "m.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)", ValueError, ValueError,
     ("compile", "['foo']", "not outputs of the model")),
    # Keras takes an unknown loss name at compile and fails only at fit
    ("compile_unknown_loss", SEQ + "m.compile('sgd', 'foo')", ValueError, ValueError, ("compile", "'foo'", "mse")),
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
    np.testing.assert_allclose(got, expected, rtol=1e-6)


@pytest.mark.parametrize("case", KEPT_REFUSALS, ids=[c[0] for c in KEPT_REFUSALS])
def test_refusals_kept_where_keras_goes_on(case):
    from nn import keras
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_mistake(case, dict(keras=keras, np=np))


def test_a_fractional_weight_size_is_no_longer_truncated():
    """add_weight(shape=(2.5,)) made a weight of 2 values before (int() truncated the size)."""
    from nn import keras
    with pytest.raises(ValueError):
        keras.layers.Layer().add_weight(shape=(2.5,))
    assert tuple(keras.layers.Layer().add_weight(shape=(2,)).shape) == (2,)
