"""Round 17 of bad input through nn.keras (rounds 1-16: test_bad_input_errors.py, test_bad_input_keras_round2.py ...
test_bad_input_round16.py), where the earlier rounds went least: training an uncompiled model, compile's loss dict
naming no output (a ValueError before, Keras's KeyError now), class_weight on a multi-output model or with labels past
the classes, Sequential.add of a non-layer, duplicate layer names, outputs not connected to the inputs, Reshape to
another size, Normalization given a mean of the wrong length (NumPy's bare broadcast error before) or rank,
load_weights of another architecture, keras.ops.reshape / take / matmul mistakes and keras.random's seed='a'. Each runs
on nn.keras and on real Keras 3 (torch backend) as the oracle: errors of Keras's type, still instances of nn.keras's
old type, naming the call, the values and the fix."""
import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, with_tmp

SEQ = "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]); "
TWO = ("i = keras.Input((3,)); m = keras.Model(i, {'a': keras.layers.Dense(1, name='a')(i), "
       "'b': keras.layers.Dense(1, name='b')(i)}); ")
TWO_LIST = ("i = keras.Input((3,)); m = keras.Model(i, [keras.layers.Dense(1, name='a')(i), "
            "keras.layers.Dense(1, name='b')(i)]); ")
CLASSIFIER = ("m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation='softmax')]); "
              "m.compile('sgd', loss='sparse_categorical_crossentropy'); ")
FIT_TWO = "m.fit(np.ones((4, 3)), {'a': np.ones((4, 1)), 'b': np.ones((4, 1))}, verbose=0)"

# id, code (Keras spelling), Keras's exception type, the type nn.keras raised before, substrings the message must hold
TRAINING = [
    ("fit_uncompiled", SEQ + "m.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)", ValueError, ValueError,
     ("fit", "compile")),
    ("evaluate_uncompiled", SEQ + "m.evaluate(np.ones((4, 3)), np.ones((4, 1)), verbose=0)", AttributeError,
     Exception, ("evaluate", "compile")),
    ("loss_dict_names_an_unknown_output", TWO + "m.compile('sgd', loss={'a': 'mse', 'c': 'mse'}); " + FIT_TWO,
     KeyError, ValueError, ("loss", "['c']", "['a', 'b']")),
    ("class_weight_on_two_outputs", TWO_LIST + "m.compile('sgd', loss='mse'); m.fit(np.ones((4, 3)), "
     "[np.ones((4, 1)), np.ones((4, 1))], class_weight={0: 1.0, 1: 2.0}, verbose=0)", ValueError, ValueError,
     ("class_weight", "one output")),
    ("labels_past_the_classes_with_class_weight", CLASSIFIER + "m.fit(np.ones((4, 3)), np.array([0, 1, 2, 1]), "
     "class_weight={0: 1.0, 1: 2.0}, verbose=0)", IndexError, IndexError, ("sparse_categorical_crossentropy", "0..1")),
]

MODELS = [
    ("sequential_add_an_int", "m = keras.Sequential(); m.add(3)", ValueError, TypeError, ("add", "int", "layers")),
    ("sequential_add_a_layer_class", "m = keras.Sequential(); m.add(keras.layers.Dense)", ValueError, TypeError,
     ("add", "Dense")),
    ("duplicate_layer_names", "i = keras.Input((3,)); a = keras.layers.Dense(1, name='d')(i); "
     "b = keras.layers.Dense(1, name='d')(i); keras.Model(i, [a, b])", ValueError, ValueError, ("unique", "['d']")),
    ("output_not_connected", "i = keras.Input((3,)); j = keras.Input((3,)); keras.Model(i, keras.layers.Dense(1)(j))",
     ValueError, ValueError, ("keras.Model", "not among the model's inputs")),
    ("reshape_to_another_size", "keras.layers.Reshape((4,))(keras.Input((3,)))", ValueError, ValueError,
     ("reshape", "(4,)", "3 values")),
    ("reshape_two_unknowns", "keras.layers.Reshape((-1, -1))(keras.Input((4,)))", ValueError, ValueError,
     ("Reshape", "(-1, -1)")),
    ("normalization_mean_of_the_wrong_length", "keras.layers.Normalization(mean=[1.0, 2.0], "
     "variance=[1.0, 1.0])(np.ones((2, 3)))", RuntimeError, ValueError, ("normalization", "(2,)", "(3,)")),
    ("normalization_mean_of_too_high_a_rank", "keras.layers.Normalization(mean=[[1.0, 2.0, 3.0]], "
     "variance=[[1.0, 1.0, 1.0]])(np.ones((2, 3)))", ValueError, Exception, ("normalization", "(1, 3)", "(3,)")),
]

WEIGHTS = [
    ("load_weights_of_other_units", "a = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]); "
     "a.save_weights('{tmp}/a.weights.h5'); b = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)]); "
     "b.load_weights('{tmp}/a.weights.h5')", ValueError, ValueError, ("load_weights", "(3, 4)", "(3, 2)")),
    ("load_weights_of_fewer_layers", "a = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]); "
     "a.save_weights('{tmp}/b.weights.h5'); b = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), "
     "keras.layers.Dense(2)]); b.load_weights('{tmp}/b.weights.h5')", ValueError, ValueError,
     ("load_weights", "no weights for layer")),
    ("load_weights_of_a_missing_file", "b = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)]); "
     "b.load_weights('{tmp}/missing.weights.h5')", FileNotFoundError, FileNotFoundError,
     ("load_weights", "missing.weights.h5")),
]

OPS = [
    ("ops_reshape_two_unknowns", "keras.ops.reshape(np.ones(6), (-1, -1))", ValueError, ValueError,
     ("reshape", "(-1, -1)", "one dimension")),
    ("ops_reshape_another_size", "keras.ops.reshape(np.ones(6), (4, -1))", RuntimeError, ValueError,
     ("reshape", "(4, -1)", "6 elements")),
    ("ops_take_out_of_range", "keras.ops.take(np.ones(3), 5)", IndexError, IndexError,
     ("keras.ops.take", "5", "[-3, 3)")),
    ("ops_take_out_of_range_on_an_axis", "keras.ops.take(np.ones((2, 3)), np.array([0, 5]), axis=1)",
     RuntimeError, IndexError, ("keras.ops.take", "axis 1")),
    ("ops_matmul_inner_sizes", "keras.ops.matmul(np.ones((2, 3)), np.ones((4, 2)))", RuntimeError, ValueError,
     ("matmul", "(3)", "(4)")),
    ("random_normal_seed_a_string", "keras.random.normal((2,), seed='a')", ValueError, ValueError,
     ("keras.random.normal", "seed", "'a'")),
    ("random_uniform_seed_a_float", "keras.random.uniform((2,), seed=1.5)", ValueError, ValueError,
     ("keras.random.uniform", "seed", "1.5")),
]

CASES = TRAINING + MODELS + WEIGHTS + OPS


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_keras_mistake_raises_keras_type_naming_the_call_and_values(case, tmp_path):
    from nn import keras
    check_mistake(with_tmp(case, tmp_path), dict(keras=keras, np=np))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_real_keras_raises_the_type_we_match(case, tmp_path):
    ours, theirs = keras_pair()
    check_oracle(with_tmp(case, tmp_path), dict(keras=ours, np=np), dict(keras=theirs, np=np))


# Keras's string layers need TensorFlow (an ImportError without it), and its take_along_axis reads past the axis
# without a word (torch's gather on the CPU): nn.keras refuses these with a message naming the layer or op
WITHOUT_AN_ORACLE = [
    ("string_lookup_of_numbers", "keras.layers.StringLookup(vocabulary=['a', 'b'])(np.array([1, 2]))", TypeError,
     TypeError, ("string_lookup", "int64", "IntegerLookup")),
    ("text_vectorization_adapt_of_numbers", "t = keras.layers.TextVectorization(); t.adapt(np.array([1, 2]))",
     TypeError, TypeError, ("text_vectorization", "expects strings")),
    ("take_along_axis_out_of_range", "keras.ops.take_along_axis(np.ones((2, 3)), np.array([[5]]), axis=1)",
     IndexError, IndexError, ("take_along_axis", "axis 1", "3")),
]


@pytest.mark.parametrize("case", WITHOUT_AN_ORACLE, ids=[c[0] for c in WITHOUT_AN_ORACLE])
def test_keras_mistakes_without_an_oracle_are_refused(case):
    from nn import keras
    check_mistake(case, dict(keras=keras, np=np))


def test_normalization_of_matching_statistics_still_works():
    """One value per feature, or one value for all, keeps working (the check refuses only other sizes)."""
    from nn import keras
    x = np.arange(6.0, dtype="float32").reshape(2, 3)
    out = keras.layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 4.0, 4.0])(x)
    np.testing.assert_allclose(out.numpy(), (x - [1.0, 2.0, 3.0]) / 2.0, rtol=1e-6)
    np.testing.assert_allclose(keras.layers.Normalization(mean=1.0, variance=1.0)(x).numpy(), x - 1.0, rtol=1e-6)
