"""Round 11 of bad input through nn.keras (rounds 1-10: test_bad_input_errors.py, _round2.py ... _round10.py): keras.ops
calls whose error was of another type than Keras's (norm over three axes, meshgrid's indexing, histogram with 0 bins,
vdot and inner of other lengths, stft of a signal shorter than its padding, affine_transform of a short transform,
a Cholesky factorisation that fails, which Keras reports as ValueError, and the IndexError Keras raises for an axis or
a kernel rank past the input's in batch_normalization, conv_transpose and ctc_loss), calls nn.keras accepted or
answered with a raw message (tri of a negative size, logspace of a negative count, rfft of 0 points, take_along_axis
past the rank, pad_sequences of a negative maxlen, a Rescaling scale that is a string), calls Keras accepts that
nn.keras refused (a negative pad width crops, a Dropout noise_shape shorter than the inputs broadcasts), compile's
loss_weights of the wrong kind, a '.keras' file that is not a zip given to load_weights, Resizing to a negative size;
and the errors of ops, layers, models and files that earlier rounds left out. Each runs on nn.keras and on real
Keras 3 (torch backend) as the oracle: errors of Keras's type, still instances of nn.keras's old type, naming the
layer or call, the values and the fix; calls Keras accepts give Keras's values."""
import warnings
import zipfile

import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, value_of, with_tmp

LY = "keras.layers."
OP = "keras.ops."
M23 = "np.arange(6.0).reshape(2, 3)"
X4 = "np.ones((1, 4, 4, 2), 'float32')"
X3 = "np.ones((2, 4, 3), 'float32')"
X2 = "np.ones((2, 3), 'float32')"
SEQ = "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]); "
FIT = SEQ + "m.compile('sgd', 'mse'); x = np.ones((4, 3), 'float32'); y = np.ones((4, 2), 'float32'); "

# id, code (Keras spelling; {tmp} is a fresh directory), Keras's exception type, the type nn.keras raised before
# (kept for existing `except` clauses; the new type's base where we accepted the call), substrings the message must hold
OPS = [
    ("ops_norm_over_three_axes", f"{OP}norm(np.ones((2, 2, 2)), axis=(0, 1, 2))", RuntimeError, ValueError,
     ("keras.ops.norm", "one axis or two", "(0, 1, 2)")),
    ("ops_cholesky_of_a_matrix_that_is_not_positive_definite", f"{OP}cholesky(-np.eye(2))", ValueError,
     RuntimeError, ("keras.ops.cholesky", "Cholesky decomposition failed", "positive-definite")),
    ("ops_meshgrid_indexing_unknown", f"{OP}meshgrid(np.ones(2), np.ones(3), indexing='ab')", RuntimeError,
     ValueError, ("meshgrid", "'xy' or 'ij'", "'ab'")),
    ("ops_tri_of_a_negative_size", f"{OP}tri(-1)", RuntimeError, Exception,
     ("keras.ops.tri", "negative dimension", "N=-1")),
    ("ops_histogram_of_0_bins", f"{OP}histogram(np.ones(3), bins=0)", RuntimeError, Exception,
     ("keras.ops.histogram", "bins must be > 0", "got 0")),
    ("ops_vdot_of_other_lengths", f"{OP}vdot(np.ones(3), np.ones(4))", RuntimeError, ValueError,
     ("keras.ops.vdot", "3 and 4 values")),
    ("ops_inner_of_other_lengths", f"{OP}inner(np.ones(3), np.ones(4))", RuntimeError, ValueError,
     ("keras.ops.inner", "(3,)", "(4,)")),
    ("ops_stft_shorter_than_its_padding", f"{OP}stft(np.ones(8), 16, 4, 16)", RuntimeError, ValueError,
     ("keras.ops.stft", "reflect-pads by 8", "center=False")),
    ("ops_conv_transpose_kernel_of_another_rank", f"{OP}conv_transpose(np.ones((1, 4, 4, 1)), np.ones((3, 3, 1)), 1)",
     IndexError, ValueError, ("conv_transpose", "4 axes", "(3, 3, 1)")),
    ("ops_batch_normalization_axis_past_the_rank", f"{OP}batch_normalization({M23}, np.zeros(3), np.ones(3), axis=2)",
     IndexError, ValueError, ("batch_normalization", "axis 2", "2 axes")),
    ("ops_ctc_loss_of_a_vector", f"{OP}ctc_loss(np.ones(3), np.ones(3), np.ones(1), np.ones(1))", IndexError,
     ValueError, ("ctc_loss", "(batch, time, classes)", "(3,)")),
    ("ops_affine_transform_of_6_numbers", f"{OP}image.affine_transform({X4}, np.ones((1, 6)))", RuntimeError,
     ValueError, ("affine_transform", "(8,)", "(1, 6)")),
    ("ops_logspace_of_a_negative_count", f"{OP}logspace(0, 1, -1)", RuntimeError, ValueError,
     ("keras.ops.logspace", "non-negative", "num=-1")),
    ("ops_take_along_axis_past_the_rank", f"{OP}take_along_axis({M23}, np.zeros((2, 1), 'int64'), axis=2)",
     IndexError, IndexError, ("take_along_axis", "axis 2", "(2, 3)")),
    ("ops_rfft_of_0_points", f"{OP}rfft(np.ones(4), fft_length=0)", RuntimeError, ValueError,
     ("keras.ops.rfft", "number of data points (0)", "fft_length >= 1")),
    ("ops_cumsum_axis_past_the_rank", f"{OP}cumsum({M23}, axis=2)", IndexError, IndexError, ("cumsum", "dim 2")),
    ("ops_roll_axis_past_the_rank", f"{OP}roll({M23}, 1, axis=2)", IndexError, IndexError, ("roll", "dim 2")),
    ("ops_tile_negative_repeats", f"{OP}tile({M23}, (-1, 1))", RuntimeError, ValueError, ("(-1, 1)", "negative")),
    ("ops_repeat_negative_count", f"{OP}repeat({M23}, -1)", RuntimeError, ValueError, ("repeats", "-1")),
    ("ops_diagonal_of_one_axis_twice", f"{OP}diagonal({M23}, axis1=0, axis2=0)", ValueError, ValueError,
     ("diagonal", "must differ", "0 and 0")),
    ("ops_tensordot_of_other_sizes", f"{OP}tensordot({M23}, {M23}, axes=1)", RuntimeError, ValueError,
     ("tensordot", "size 3", "size 2")),
    ("ops_top_k_past_the_length", f"{OP}top_k(np.ones(3), 5)", RuntimeError, IndexError, ("topk", "k=5", "at most 3")),
    ("ops_norm_ord_unknown", f"{OP}norm({M23}, ord='foo')", RuntimeError, ValueError, ("matrix_norm", "'foo'")),
    ("ops_searchsorted_of_a_matrix", f"{OP}searchsorted({M23}, np.ones(2))", ValueError, ValueError,
     ("searchsorted", "1-D", "(2, 3)")),
    ("ops_arange_step_0", f"{OP}arange(0, 5, 0)", RuntimeError, ValueError, ("arange", "step must be nonzero")),
    ("ops_max_pool_of_a_matrix", f"{OP}max_pool(np.ones((4, 4)), 2)", ValueError, ValueError,
     ("max_pool", "3 to 5 axes", "(4, 4)")),
    ("ops_image_rgb_to_grayscale_of_2_channels", f"{OP}image.rgb_to_grayscale(np.ones((1, 4, 4, 2), 'float32'))",
     ValueError, ValueError, ("rgb_to_grayscale", "3 channels", "(1, 4, 4, 2)")),
    ("ops_array_split_into_0", f"{OP}array_split({M23}, 0)", ValueError, ValueError,
     ("array_split", "positive int", "got 0")),
]

MODELS = [
    ("compile_loss_weights_a_string", SEQ + "m.compile('adam', 'mse', loss_weights='a')", ValueError, Exception,
     ("compile", "loss_weights", "'a'", "loss_weights=0.5")),
    ("compile_loss_weights_an_int", SEQ + "m.compile('adam', 'mse', loss_weights=2)", ValueError, Exception,
     ("compile", "loss_weights=2", "int")),
    ("load_weights_of_a_keras_file_that_is_not_a_zip", SEQ + "open('{tmp}/a.keras', 'w').write('hi'); "
     "m.load_weights('{tmp}/a.keras')", zipfile.BadZipFile, ValueError,
     ("load_weights", "a.keras", "not a zip archive", "model.save")),
    ("load_model_of_a_keras_file_that_is_not_a_zip", "open('{tmp}/a.keras', 'w').write('hi'); "
     "keras.models.load_model('{tmp}/a.keras')", ValueError, ValueError, ("load_model", "not a zip archive")),
    ("resizing_to_a_negative_height", f"{LY}Resizing(-1, 2)({X4})", RuntimeError, ValueError,
     ("Resizing", "height", "-1", "greater than 0")),
    ("rescaling_by_a_string", f"{LY}Rescaling('a')({X2})", ValueError, ValueError,
     ("Rescaling", "scale", "'a'", "Rescaling(1 / 255)")),
    ("pad_sequences_negative_maxlen", "keras.utils.pad_sequences([[1, 2]], maxlen=-1)", ValueError, ValueError,
     ("pad_sequences", "negative", "maxlen=-1")),
    ("add_of_one_array", f"{LY}Add()({X2})", ValueError, ValueError, ("merge layer", "list", "Add()([a, b])")),
    ("subtract_of_three", f"{LY}Subtract()([{X2}, {X2}, {X2}])", ValueError, ValueError, ("subtract", "2 inputs", "3")),
    ("cropping2d_of_everything", f"{LY}Cropping2D(((3, 3), (0, 0)))({X4})", ValueError, ValueError,
     ("cropping2d", "3 + 3", "(1, 4, 4, 2)")),
    ("repeat_vector_of_3d_inputs", f"{LY}RepeatVector(2)({X3})", ValueError, ValueError,
     ("repeat_vector", "2-D", "(2, 4, 3)")),
    ("permute_of_the_batch_axis", f"{LY}Permute((0, 1))", ValueError, ValueError, ("Permute", "(0, 1)")),
    ("time_distributed_of_2d_inputs", f"{LY}TimeDistributed({LY}Dense(2))({X2})", ValueError, ValueError,
     ("time_distributed", "3 axes", "(2, 3)")),
    ("bidirectional_merge_mode_unknown", f"{LY}Bidirectional({LY}LSTM(2), merge_mode='foo')", ValueError, ValueError,
     ("Bidirectional", "merge_mode", "'foo'")),
    ("global_average_pooling2d_of_3d_inputs", f"{LY}GlobalAveragePooling2D()({X3})", ValueError, ValueError,
     ("global_average_pooling2d", "ndim=4", "ndim=3")),
    ("conv2d_kernel_size_of_three", f"{LY}Conv2D(2, (3, 3, 3))", ValueError, ValueError,
     ("Conv2D", "kernel_size", "(3, 3, 3)")),
    ("sequential_add_None", "m = keras.Sequential(); m.add(None)", ValueError, TypeError,
     ("add", "only layers", "None")),
    ("sequential_get_layer_past_the_end", SEQ + "m.get_layer(index=5)", ValueError, ValueError,
     ("get_layer(index=5)", "1 layers")),
    ("model_called_with_a_dict_missing_an_input", "i = keras.Input((3,), name='a'); m = keras.Model({'a': i}, "
     "keras.layers.Dense(2)(i)); m({'b': np.ones((1, 3))})", ValueError, ValueError, ("lacks ['a']",)),
    ("set_weights_of_another_shape", f"d = {LY}Dense(2); d.build((None, 3)); d.set_weights([np.ones((2, 2)), "
     "np.ones(2)])", ValueError, ValueError, ("set_weights", "(2, 2)", "(3, 2)")),
]

CASES = OPS + MODELS

# calls Keras accepts: ours must run and give Keras's value (the expression after the last "; ")
ACCEPTED = [
    ("ops_pad_by_a_negative_width_crops", f"keras.ops.convert_to_numpy({OP}pad({M23}, ((0, 1), (-1, 2))))"),
    ("ops_pad_cropping_both_axes", f"keras.ops.convert_to_numpy({OP}pad({M23}, ((-1, 0), (2, -1))))"),
    ("dropout_noise_shape_shorter_than_the_inputs", f"keras.ops.convert_to_numpy({LY}Dropout(0.5, noise_shape=(1,), "
     f"seed=3)({X2}, training=True)).shape"),
    ("ops_tri_of_0", f"keras.ops.convert_to_numpy({OP}tri(0)).shape"),
    ("ops_logspace_of_0_values", f"keras.ops.convert_to_numpy({OP}logspace(0, 1, 0)).shape"),
    ("compile_loss_weights_a_float", SEQ + "m.compile('adam', 'mse', loss_weights=0.5); "
     "m.evaluate(np.zeros((2, 3)), np.zeros((2, 2)), verbose=0)"),
    ("ops_histogram_of_3_bins", f"keras.ops.convert_to_numpy({OP}histogram(np.array([0.0, 1.0, 2.0]), bins=3)[0])"),
    ("ops_squeeze_of_an_axis_that_is_not_1", f"keras.ops.convert_to_numpy({OP}squeeze({M23}, axis=0)).shape"),
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


def test_a_shorter_noise_shape_shares_one_draw_along_the_leading_axes():
    """noise_shape=(3,) on (4, 3) inputs: one keep-or-drop per column, the same in every row (Keras's broadcast)."""
    from nn import keras
    out = keras.ops.convert_to_numpy(keras.layers.Dropout(0.5, noise_shape=(3,), seed=1)(
        np.ones((4, 3), "float32"), training=True))
    assert (out == out[0]).all() and set(np.unique(out)) <= {0.0, 2.0}
