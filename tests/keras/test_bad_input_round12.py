"""Round 12 of bad input through nn.keras (rounds 1-11: test_bad_input_errors.py, test_bad_input_keras_round2.py ...
_round11.py): keras.ops calls whose error was of another type than Keras's (conv strides or dilation of 0, rgb_to_hsv
of two channels, batch_normalization's mean of another length, dot_product_attention of shapes that do not fit,
glu of an odd axis, digitize of 2-D bins, in_top_k of other batches, extract_sequences longer than the signal), calls
nn.keras answered with a raw NumPy message or accepted while Keras refuses them (a creation op's shape given as a
string or as floats, which int() truncated; dot_product_attention of 3-D inputs; an int learning rate; a negative,
NaN or string regularization factor; metrics updated with arrays of other shapes; a layer's input_shape given as a
bare int; a string batch_size; an EarlyStopping baseline or min_delta that is a string), layers of the wrong rank
(PReLU's shared_axes past the inputs, Resizing and RandomCrop of a matrix) and unknown fill modes. Each runs on
nn.keras and on real Keras 3 (torch backend) as the oracle: errors of Keras's type, still instances of nn.keras's old
type, naming the op, layer or argument, the values and the fix; calls Keras accepts give Keras's values. Refusals
kept where Keras goes on with something malformed are checked at the end, on nn.keras alone."""
import warnings

import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, value_of, with_tmp

LY = "keras.layers."
OP = "keras.ops."
X4 = "np.ones((1, 4, 4, 3), 'float32')"
X2 = "np.ones((2, 3), 'float32')"
K3 = "np.ones((3, 3, 3, 1), 'float32')"
SEQ = "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]); "
FIT = SEQ + "m.compile('sgd', 'mse'); x = np.ones((4, 3), 'float32'); y = np.ones((4, 2), 'float32'); "

# id, code (Keras spelling; {tmp} is a fresh directory), Keras's exception type, the type nn.keras raised before
# (kept for existing `except` clauses; Exception where it accepted the call or answered with NumPy's message),
# substrings the message must hold
OPS = [
    ("ops_conv_strides_0_with_a_float64_kernel", f"{OP}conv({X4}, np.ones((3, 3, 3, 1)), 0)", ValueError, Exception,
     ("keras.ops.conv", "strides", "(0, 0)", "positive")),
    ("ops_conv_dilation_rate_0", f"{OP}conv({X4}, {K3}, 1, dilation_rate=0)", RuntimeError, ValueError,
     ("keras.ops.conv", "dilation_rate", "(0, 0)")),
    ("ops_image_rgb_to_hsv_of_2_channels", f"{OP}image.rgb_to_hsv(np.ones((1, 2, 2, 2), 'float32'))", RuntimeError,
     ValueError, ("rgb_to_hsv", "3 channels", "(1, 2, 2, 2)")),
    ("ops_batch_normalization_mean_of_another_length", f"{OP}batch_normalization({X2}, np.zeros(4), np.ones(4), "
     "axis=-1)", RuntimeError, ValueError, ("batch_normalization", "(4,)", "(2, 3)", "give it shape (3,)")),
    ("ops_dot_product_attention_of_other_head_sizes", f"{OP}dot_product_attention(np.ones((1, 2, 2, 4)), "
     "np.ones((1, 2, 2, 5)), np.ones((1, 2, 2, 4)))", RuntimeError, ValueError,
     ("dot_product_attention", "(1, 2, 2, 5)")),
    ("ops_dot_product_attention_of_3d_inputs", f"{OP}dot_product_attention(np.ones((2, 2, 4)), np.ones((2, 2, 4)), "
     "np.ones((2, 2, 4)))", ValueError, Exception, ("dot_product_attention", "4-D", "(2, 2, 4)", "x[None]")),
    ("ops_glu_of_an_odd_axis", f"{OP}glu({X2})", RuntimeError, ValueError, ("keras.ops.glu", "(2, 3)", "even")),
    ("ops_digitize_of_2d_bins", f"{OP}digitize(np.ones(2), np.ones((2, 2)))", RuntimeError, ValueError,
     ("digitize", "1-D", "(2, 2)")),
    ("ops_in_top_k_of_other_batches", f"{OP}in_top_k(np.array([0, 1, 2]), np.ones((2, 3)), 1)", RuntimeError,
     ValueError, ("in_top_k", "(2, 3)", "(3,)")),
    ("ops_extract_sequences_longer_than_the_signal", f"{OP}extract_sequences(np.ones(4), 8, 2)", RuntimeError,
     ValueError, ("extract_sequences", "sequence_length 8", "(4,)")),
    ("ops_full_shape_a_string", f"{OP}full('a', 1.0)", TypeError, Exception, ("keras.ops.full", "'a'", "(2, 3)")),
    ("ops_full_shape_of_floats", f"{OP}full((2.5,), 1.0)", TypeError, Exception, ("keras.ops.full", "(2.5,)")),
    ("ops_zeros_shape_of_floats", f"{OP}zeros((2.5,))", TypeError, Exception, ("keras.ops.zeros", "(2.5,)")),
    ("ops_ones_shape_a_string", f"{OP}ones('ab')", TypeError, Exception, ("keras.ops.ones", "'ab'")),
    ("ops_empty_shape_a_string", f"{OP}empty('a')", TypeError, Exception, ("keras.ops.empty", "'a'")),
    ("ops_zeros_shape_of_a_bool", f"{OP}zeros((True,))", TypeError, Exception, ("keras.ops.zeros", "(True,)")),
    ("ops_image_resize_to_a_string", f"{OP}image.resize({X4}, 'ab')", TypeError, ValueError,
     ("keras.ops.image.resize", "size", "('a', 'b')")),
    ("ops_image_resize_to_floats", f"{OP}image.resize({X4}, (2.5, 2))", TypeError, ValueError,
     ("keras.ops.image.resize", "(2.5, 2)")),
    ("ops_ctc_decode_beam_width_0", f"{OP}ctc_decode(np.ones((1, 5, 3), 'float32'), np.array([5]), "
     "strategy='beam_search', beam_width=0)", RuntimeError, ValueError, ("ctc_decode", "beam_width", "0")),
    ("ops_leaky_relu_negative_slope_a_string", f"{OP}leaky_relu({X2}, negative_slope='a')", TypeError, Exception,
     ("keras.ops.leaky_relu", "negative_slope", "'a'")),
] + [(f"ops_{name}_of_ints", f"{OP}{name}(np.array([[1, 2], [3, 4]]))", NotImplementedError, Exception,
      (f"keras.ops.{name}", "int64", "keras.ops.cast(x, 'float32')"))
     for name in ("softmax", "log_softmax", "gelu", "silu", "elu", "selu", "softplus", "log_sigmoid", "hard_sigmoid",
                  "hard_silu", "leaky_relu", "glu", "celu", "soft_shrink", "hard_shrink")]

LAYERS = [
    ("prelu_shared_axes_past_the_inputs", f"{LY}PReLU(shared_axes=[5])({X2})", IndexError, ValueError,
     ("shared_axes [5]", "(2, 3)")),   # an eager first call builds with the real batch size, as Keras's
    ("resizing_of_a_matrix", f"{LY}Resizing(2, 2)({X2})", IndexError, ValueError, ("resizing", "(H, W, C)", "(2, 3)")),
    ("random_crop_of_a_matrix", f"{LY}RandomCrop(2, 2)({X2}, training=True)", IndexError, ValueError,
     ("random_crop", "(2, 3)")),
    ("random_rotation_fill_mode_unknown", f"{LY}RandomRotation(0.1, fill_mode='foo')", NotImplementedError, ValueError,
     ("RandomRotation", "fill_mode", "'foo'")),
    ("random_zoom_interpolation_unknown", f"{LY}RandomZoom(0.1, interpolation='foo')", NotImplementedError,
     ValueError, ("RandomZoom", "interpolation", "'foo'")),
    ("conv2d_kernel_size_a_float", f"{LY}Conv2D(2, 2.5)", ValueError, TypeError,
     ("Conv2D", "kernel_size", "2.5")),
    ("reshape_to_a_size_below_minus_1", f"{LY}Reshape((-2, 3))", ValueError, Exception,
     ("Reshape", "non-negative", "(-2, 3)")),
    ("repeat_vector_n_a_string", f"{LY}RepeatVector('a')", TypeError, ValueError, ("RepeatVector", "n", "'a'")),
    ("attention_of_other_feature_sizes", f"{LY}Attention()([np.ones((2, 4, 3), 'float32'), "
     "np.ones((2, 4, 5), 'float32')])", RuntimeError, ValueError, ("Attention", "(2, 4, 3)", "(2, 4, 5)")),
    ("multi_head_attention_of_matrices", f"{LY}MultiHeadAttention(2, 2)({X2}, {X2})", IndexError, ValueError,
     ("multi_head_attention", "3-D", "(2, 3)")),
    ("multi_head_attention_axes_past_the_rank", f"{LY}MultiHeadAttention(2, 2, attention_axes=(5,))("
     "np.ones((2, 4, 3), 'float32'), np.ones((2, 4, 3), 'float32'))", IndexError, ValueError,
     ("attention_axes (5,)", "(2, 4, 3)")),
    ("random_translation_of_a_matrix", f"{LY}RandomTranslation(0.1, 0.1)({X2}, training=True)", IndexError,
     ValueError, ("random_translation", "(N, H, W, C)", "Size([2, 3])")),
    ("resizing_to_a_float_height", f"{LY}Resizing(2.5, 2)({X4})", TypeError, ValueError,
     ("Resizing", "height", "2.5")),
    ("rescaling_of_a_string", f"{LY}Rescaling(1.0)('abc')", ValueError, Exception, ("rescaling", "numbers", "'abc'")),
    ("dense_input_shape_a_bare_int", "m = keras.Sequential([keras.layers.Dense(2, input_shape=3)]); m.build()",
     ValueError, TypeError, ("Dense", "cannot convert 3 to a shape", "input_shape=(3,)")),
]

TRAINING = [
    ("fit_batch_size_a_string", FIT + "m.fit(x, y, batch_size='a', verbose=0)", TypeError, ValueError,
     ("fit", "batch_size", "'a'", "batch_size=32")),
    ("predict_batch_size_a_list", FIT + "m.predict(x, batch_size=[2], verbose=0)", TypeError, ValueError,
     ("predict", "batch_size", "[2]")),
    ("sgd_learning_rate_an_int", "keras.optimizers.SGD(learning_rate=1)", ValueError, Exception,
     ("SGD", "learning_rate", "int 1", "learning_rate=1.0")),
    ("adam_learning_rate_0_as_an_int", "keras.optimizers.Adam(0)", ValueError, Exception,
     ("Adam", "learning_rate=0.0")),
    ("l2_negative", "keras.regularizers.L2(-1)", ValueError, Exception, ("L2", "l2=-1", "non-negative")),
    ("l1l2_nan", "keras.regularizers.L1L2(l1=float('nan'))", ValueError, Exception, ("L1L2", "l1=nan")),
    ("l1_a_string", "keras.regularizers.L1('a')", ValueError, ValueError, ("L1", "l1='a'")),
    ("accuracy_of_other_shapes", "keras.metrics.Accuracy().update_state(np.ones((2, 3)), np.ones((2, 4)))",
     RuntimeError, ValueError, ("Accuracy.update_state", "(2, 3)", "(2, 4)")),
    ("mean_squared_error_metric_of_other_shapes", "keras.metrics.MeanSquaredError().update_state(np.ones((2, 3)), "
     "np.ones((2, 4)))", RuntimeError, ValueError, ("MeanSquaredError.update_state", "(2, 3)", "(2, 4)")),
    ("categorical_accuracy_of_other_batches", "keras.metrics.CategoricalAccuracy().update_state(np.ones((2, 3)), "
     "np.ones((3, 3)))", RuntimeError, ValueError, ("CategoricalAccuracy.update_state", "(2, 3)", "(3, 3)")),
    ("precision_of_other_shapes", "keras.metrics.Precision().update_state(np.ones((2, 3)), np.ones((2, 4)))",
     RuntimeError, ValueError, ("Precision.update_state", "(2, 3)", "(2, 4)")),
    ("auc_of_other_shapes", "keras.metrics.AUC().update_state(np.ones((2, 3)), np.ones((2, 4)))", ValueError,
     ValueError, ("AUC.update_state", "(2, 3)", "(2, 4)")),
    ("mean_sample_weight_of_another_length", "keras.metrics.Mean().update_state(np.ones((2, 3)), "
     "sample_weight=np.ones(4))", RuntimeError, ValueError, ("Mean.update_state", "sample_weight of shape (4,)")),
    ("early_stopping_baseline_a_string", FIT + "m.fit(x, y, callbacks=[keras.callbacks.EarlyStopping("
     "monitor='loss', baseline='a')], verbose=0)", ValueError, TypeError, ("EarlyStopping", "baseline", "'a'")),
    ("early_stopping_min_delta_a_string", "keras.callbacks.EarlyStopping(min_delta='a')", TypeError, ValueError,
     ("EarlyStopping", "min_delta", "'a'")),
]

CASES = OPS + LAYERS + TRAINING

# calls Keras accepts: ours must run and give Keras's value (the expression after the last "; ")
ACCEPTED = [
    ("ops_full_shape_holding_a_bool", f"keras.ops.convert_to_numpy({OP}full((2, True), 1.5))"),
    ("ops_zeros_shape_of_numpy_ints", f"keras.ops.convert_to_numpy({OP}zeros((np.int64(2), 3))).shape"),
    ("ops_conv_strides_a_tuple", f"keras.ops.convert_to_numpy({OP}conv({X4}, {K3}, (1, 2))).shape"),
    ("l1l2_none_is_0", "keras.ops.convert_to_numpy(keras.regularizers.L1L2(l1=None, l2=0.5)(np.ones((2, 2), "
     "'float32')))"),
    ("l2_of_an_int", "keras.ops.convert_to_numpy(keras.regularizers.L2(1)(np.ones((2, 2), 'float32')))"),
    ("sgd_learning_rate_a_float64", "float(keras.optimizers.SGD(learning_rate=np.float64(0.5)).learning_rate)"),
]

# refusals kept where Keras goes on with something malformed (it fails later, prints only epoch headers, or pools to
# an empty tensor whose gradient fails): nn.keras's clear error, its type and message
KEPT_REFUSALS = [
    ("fit_verbose_an_unknown_string", FIT + "m.fit(x, y, verbose='loud')", ValueError, ValueError,
     ("fit", "verbose", "'loud'", "'auto'")),
    ("early_stopping_patience_a_string", "keras.callbacks.EarlyStopping(patience='a')", TypeError, ValueError,
     ("EarlyStopping", "patience", "'a'", "patience=1")),
    ("reduce_lr_on_plateau_min_lr_a_string", "keras.callbacks.ReduceLROnPlateau(min_lr='a')", TypeError, ValueError,
     ("ReduceLROnPlateau", "min_lr", "'a'")),
    ("ops_image_crop_images_past_the_image", f"{OP}image.crop_images({X4}, 0, 0, target_height=6, target_width=6)",
     ValueError, ValueError, ("crop_images", "target_height=6", "4")),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_keras_mistake_raises_keras_type_naming_the_layer_and_values(case, tmp_path):
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
def test_calls_keras_accepts_run_and_match(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ours, theirs = keras_pair()
    got, expected = value_of(case[1], ours), value_of(case[1], theirs)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6)


@pytest.mark.parametrize("case", KEPT_REFUSALS, ids=[c[0] for c in KEPT_REFUSALS])
def test_refusals_kept_where_keras_goes_on(case, tmp_path):
    from nn import keras
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_mistake(with_tmp(case, tmp_path), dict(keras=keras, np=np))


def test_a_float_shape_is_no_longer_truncated():
    """keras.ops.full((2.5,), 1) made a tensor of 2 values before (int() truncated the size)."""
    from nn import keras
    with pytest.raises(TypeError):
        keras.ops.full((2.5,), 1.0)
    assert tuple(keras.ops.full((2,), 1.0).shape) == (2,)
