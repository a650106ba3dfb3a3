"""Round 5 of bad input through nn.keras (rounds 1-4: test_bad_input_errors.py, _round2.py, _round3.py, _round4.py):
dtype mistakes. Keras promotes integer and bool inputs of Dense, BatchNormalization and LayerNormalization against
their float32 weights (so integer feature arrays train), where nn.keras refused them (LayerNormalization's integer
statistics in Keras are not copied: ours normalize integers as floats); Conv layers refuse them; and
the label mistakes of the cross-entropies (class indices for categorical_crossentropy, one-hot rows for the sparse
one). Each runs on nn.keras and on real Keras 3 (torch backend) as the oracle: errors of Keras's type, still
instances of nn.keras's old type, naming the layer or loss, the shapes or dtypes and the fix; calls Keras accepts
give Keras's values."""
import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, value_of

LY = "keras.layers."
ONES = "kernel_initializer='ones'"
SEQ = "m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, kernel_initializer='ones')]); "
XI = "x = np.arange(32).reshape(8, 4) % 3; "

# id, code (Keras spelling), Keras's exception type, the type nn.keras raised before, substrings the message must hold
CASES = [
    ("conv2d_of_integer_images", f"{LY}Conv2D(2, 3)(np.ones((1, 5, 5, 3), 'int64'))", RuntimeError, TypeError,
     ("conv2d", "int64", "float32", "x.float()")),
    ("categorical_crossentropy_of_class_indices", SEQ + "m.compile('adam', 'categorical_crossentropy'); "
     "m.fit(np.zeros((8, 4)), np.zeros(8, int), verbose=0)", ValueError, ValueError,
     ("categorical_crossentropy", "(8,)", "(8, 3)", "sparse_categorical_crossentropy")),
    ("sparse_crossentropy_of_one_hot_rows", SEQ + "m.compile('adam', 'sparse_categorical_crossentropy'); "
     "m.fit(np.zeros((8, 4)), np.eye(3)[np.zeros(8, int)], verbose=0)", ValueError, ValueError,
     ("sparse_categorical_crossentropy", "(8, 3)", "one-hot", "loss='categorical_crossentropy'")),
    ("fit_of_more_inputs_than_targets", SEQ + "m.compile('adam', 'mse'); m.fit(np.zeros((8, 4)), np.zeros((7, 3)), "
     "verbose=0)", ValueError, ValueError, ("fit", "[8]", "[7]")),
]

# calls Keras accepts: ours must run and give Keras's value (the expression after the last "; ")
ACCEPTED = [
    ("dense_of_int64_features", f"d = {LY}Dense(3, {ONES}); y = d(np.arange(8).reshape(2, 4)); "
     "[str(y.dtype).replace('torch.', ''), keras.ops.convert_to_numpy(y).tolist()]"),
    ("dense_of_bool_features", f"d = {LY}Dense(2, {ONES}); y = d(np.eye(3, dtype=bool)); "
     "keras.ops.convert_to_numpy(y)"),
    ("batch_normalization_of_int64", f"b = {LY}BatchNormalization(); y = b(np.arange(6).reshape(3, 2)); "
     "keras.ops.convert_to_numpy(y)"),
    ("batch_normalization_training_on_int64", f"b = {LY}BatchNormalization(); "
     "y = b(np.arange(6).reshape(3, 2), training=True); keras.ops.convert_to_numpy(y)"),
    ("predict_on_int64_features", SEQ + XI + "p = m.predict(x, verbose=0); p"),
    ("fit_on_int64_features", SEQ + "m.compile('sgd', 'mse'); " + XI +
     "h = m.fit(x, np.ones((8, 3)), epochs=2, batch_size=8, shuffle=False, verbose=0); h.history['loss']"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_keras_mistake_raises_keras_type_naming_the_layer_and_shapes(case):
    from nn import keras
    check_mistake(case, dict(keras=keras, np=np))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_real_keras_raises_the_type_we_match(case):
    """The oracle: real Keras raises for the same code, and our error is an instance of its type."""
    ours, theirs = keras_pair()
    check_oracle(case, dict(keras=ours, np=np), dict(keras=theirs, np=np))


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_keras_accepts_run_and_match(case):
    ours, theirs = keras_pair()
    got, expected = value_of(case[1], ours, as_array=False), value_of(case[1], theirs, as_array=False)
    if isinstance(got, list) and isinstance(got[0], str):   # the dtype's name, then the values
        assert got[0] == expected[0]
        got, expected = got[1], expected[1]
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(expected, dtype=float), rtol=1e-5,
                               atol=1e-6)


def test_layer_normalization_of_integers_normalizes_them_as_floats():
    """Keras (torch backend) takes integer inputs too, but its statistics come out in integer arithmetic ([0, 1, 2]
    normalizes to [-1, 0, 1]); ours are the float inputs' ([-1.2247, 0, 1.2247])."""
    from nn import keras
    layer = keras.layers.LayerNormalization()
    got = keras.ops.convert_to_numpy(layer(np.arange(6).reshape(2, 3)))
    np.testing.assert_allclose(got, keras.ops.convert_to_numpy(layer(np.arange(6.0).reshape(2, 3))), rtol=1e-6)
    assert got.dtype == np.float32
