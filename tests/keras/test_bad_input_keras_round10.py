"""Round 10 of bad input through nn.keras (rounds 1-9: test_bad_input_errors.py, _round2.py ... _round9.py): keras.ops
calls given an axis past the rank (squeeze, take and one_hot wrapped it silently before), vectors of the wrong size
to cross, q outside [0, 1] to quantile and percentile, negative values to bincount, split indices out of order, a
conv kernel of another rank, an unknown dtype name to cast, and the other ops' axis, shape and rank mistakes; fit
with validation_freq=0, a LearningRateScheduler whose schedule returns a string, weights and model files that are
not HDF5; Sequential.add and pop misuse, fit data that does not line up, optimizer, schedule and callback arguments
Keras refuses, layers given an axis or rank that does not fit, and keras.random arguments. Each runs on nn.keras and
on real Keras 3 (torch backend) as the oracle: errors of Keras's type, still instances of nn.keras's old type, naming
the layer or call, the values and the fix; calls Keras accepts give Keras's values."""
import warnings

import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, value_of, with_tmp

LY = "keras.layers."
OP = "keras.ops."
M23 = "np.ones((2, 3))"
SEQ = "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]); "
FIT = SEQ + "m.compile('sgd', 'mse'); x = np.ones((4, 3), 'float32'); y = np.ones((4, 2), 'float32'); "

# id, code (Keras spelling; {tmp} is a fresh directory), Keras's exception type, the type nn.keras raised before
# (kept for existing `except` clauses; the new type's base where we accepted the call), substrings the message must hold
OPS = [
    ("ops_squeeze_axis_past_the_rank", f"{OP}squeeze({M23}, axis=2)", IndexError, Exception,
     ("squeeze", "axis 2", "(2, 3)", "[-2, 1]")),
    ("ops_take_axis_past_the_rank", f"{OP}take({M23}, np.array([0]), axis=2)", IndexError, Exception,
     ("take", "axis 2", "(2, 3)")),
    ("ops_one_hot_axis_past_the_rank", f"{OP}one_hot(np.array([0, 1]), 3, axis=3)", IndexError, Exception,
     ("one_hot", "axis 3", "(2, 3)")),
    ("ops_cross_of_4_vectors", f"{OP}cross(np.ones(2), np.ones(4))", RuntimeError, ValueError,
     ("cross", "(4,)", "size 2 or 3", "axisa=")),
    ("ops_quantile_q_above_1", f"{OP}quantile(np.ones(3), 1.5)", RuntimeError, ValueError,
     ("quantile", "[0, 1]", "1.5")),
    ("ops_percentile_q_above_100", f"{OP}percentile(np.ones(3), 150)", RuntimeError, ValueError,
     ("percentile", "[0, 100]", "1.5")),
    ("ops_nanquantile_negative_q", f"{OP}nanquantile(np.ones(3), -0.5)", RuntimeError, ValueError,
     ("nanquantile", "-0.5")),
    ("ops_bincount_negative", f"{OP}bincount(np.array([-1, 1]))", RuntimeError, ValueError,
     ("bincount", "non-negative", "-1")),
    ("ops_conv_kernel_of_another_rank", f"{OP}conv(np.ones((1, 4, 4, 1)), np.ones((3, 1, 1)))", RuntimeError,
     ValueError, ("conv", "4 axes", "(3, 1, 1)")),
    ("ops_cast_to_an_unknown_dtype", f"{OP}cast(np.ones(2), 'float33')", ValueError, TypeError,
     ("Invalid dtype", "'float33'", "'float32'")),
    ("ops_split_indices_out_of_order", f"{OP}split(np.ones(6), [4, 2])", RuntimeError, ValueError,
     ("split", "[4, 2]", "increasing order", "[2, 4]")),
    ("ops_sum_axis_past_the_rank", f"{OP}sum({M23}, axis=2)", IndexError, IndexError, ("sum", "dim 2", "[-2, 1]")),
    ("ops_expand_dims_axis_past_the_rank", f"{OP}expand_dims({M23}, 4)", ValueError, ValueError,
     ("expand_dims", "axis 4", "(2, 3)")),
    ("ops_reshape_to_another_count", f"{OP}reshape({M23}, (4,))", RuntimeError, ValueError,
     ("reshape", "(4,)", "Size([2, 3])")),
    ("ops_reshape_two_unknown_sizes", f"{OP}reshape({M23}, (-1, -1))", ValueError, ValueError,
     ("reshape", "(-1, -1)", "only one dimension can be inferred")),
    ("ops_moveaxis_repeated_source", f"{OP}moveaxis({M23}, (0, 0), (1, 0))", RuntimeError, ValueError,
     ("movedim", "repeated", "(0, 0)")),
    ("ops_triu_of_a_vector", f"{OP}triu(np.ones(3))", RuntimeError, ValueError, ("triu", "at least 2 dims")),
    ("ops_matmul_vector_and_scalar", f"{OP}matmul(np.ones(3), np.float64(2.0))", RuntimeError, ValueError,
     ("matmul", "Size([])", "use * for scalars")),
    ("ops_where_shapes_that_do_not_broadcast", f"{OP}where(np.ones(3, bool), np.ones(2), np.ones(3))",
     RuntimeError, ValueError, ("where", "(3,)", "(2,)")),
    ("ops_image_resize_of_a_matrix", f"{OP}image.resize(np.ones((4, 4)), (2, 2))", ValueError, ValueError,
     ("resize", "(4, 4)", "(N, H, W, C)")),
    ("random_randint_minval_not_below_maxval", "keras.random.randint((2,), 3, 3)", RuntimeError, ValueError,
     ("randint", "maxval (3)", "swap them")),
    ("random_dropout_rate_above_1", "keras.random.dropout(np.ones(3), 1.5)", ValueError, ValueError,
     ("dropout", "[0, 1]", "1.5")),
    ("random_categorical_of_a_vector", "keras.random.categorical(np.ones(3), 2)", ValueError, ValueError,
     ("categorical", "(batch, classes)", "(3,)")),
]

MODELS = [
    ("fit_validation_freq_0", FIT + "m.fit(x, y, validation_split=0.5, validation_freq=0, verbose=0)",
     ZeroDivisionError, ValueError, ("validation_freq", "got 0", "validation_freq=1")),
    ("scheduler_returning_a_string", FIT + "m.fit(x, y, verbose=0, callbacks=[keras.callbacks.LearningRateScheduler("
     "lambda e, lr: 'a')])", ValueError, TypeError, ("LearningRateScheduler", "'a'", "should be a float")),
    ("load_weights_of_a_file_that_is_not_hdf5", SEQ + "open('{tmp}/a.weights.h5', 'w').write('hi'); "
     "m.load_weights('{tmp}/a.weights.h5')", OSError, ValueError,
     ("load_weights", "a.weights.h5", "not a readable HDF5 file", "save_weights")),
    ("load_model_of_an_h5_file_that_is_not_hdf5", "open('{tmp}/a.h5', 'w').write('hi'); "
     "keras.models.load_model('{tmp}/a.h5')", OSError, ValueError,
     ("load_model", "a.h5", "not a readable HDF5 file", "model.save(path)")),
    ("sequential_add_a_string", "m = keras.Sequential(); m.add('dense')", ValueError, TypeError,
     ("add", "only layers", "'dense'", "keras.layers.Activation")),
    ("sequential_pop_of_no_layers", "m = keras.Sequential(); m.pop()", IndexError, Exception,
     ("pop()", "no layer")),
    ("fit_negative_batch_size", FIT + "m.fit(x, y, batch_size=-1, verbose=0)", ValueError, ValueError,
     ("fit", "batch_size=-1", "batch_size=32")),
    ("fit_sample_weight_of_another_length", FIT + "m.fit(x, y, sample_weight=np.ones(3), verbose=0)", ValueError,
     ValueError, ("fit", "sample_weight", "[3] weights")),
    ("fit_validation_data_of_other_lengths", FIT + "m.fit(x, y, validation_data=(x, np.ones((3, 2))), verbose=0)",
     ValueError, ValueError, ("validation_data", "[4] inputs", "[3] targets")),
    ("compile_metrics_a_string", SEQ + "m.compile('adam', 'mse', metrics='mae')", ValueError, ValueError,
     ("metrics", "metrics=['mae']")),
    ("sgd_clipnorm_and_clipvalue", "keras.optimizers.SGD(clipnorm=1.0, clipvalue=1.0)", ValueError, ValueError,
     ("SGD", "clipnorm", "clipvalue")),
    ("sgd_momentum_above_1", "keras.optimizers.SGD(momentum=1.5)", ValueError, ValueError,
     ("SGD", "momentum", "[0, 1]", "1.5")),
    ("piecewise_schedule_values_count", "keras.optimizers.schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01])",
     ValueError, ValueError, ("PiecewiseConstantDecay", "[10, 20]", "[0.1, 0.01]")),
    ("model_checkpoint_save_freq_a_word", "keras.callbacks.ModelCheckpoint('{tmp}/m.keras', save_freq='batch')",
     ValueError, ValueError, ("ModelCheckpoint", "'batch'", "'epoch'")),
    ("reduce_lr_on_plateau_factor_1", "keras.callbacks.ReduceLROnPlateau(factor=1.0)", ValueError, ValueError,
     ("ReduceLROnPlateau", "factor", "1.0")),
    ("gaussian_noise_negative_stddev", f"{LY}GaussianNoise(-1.0)", ValueError, ValueError,
     ("GaussianNoise", "stddev", "-1.0")),
    ("simple_rnn_of_0_units", f"{LY}SimpleRNN(0)", ValueError, ValueError, ("SimpleRNN", "units", "got 0")),
    ("layer_normalization_axis_past_the_rank", f"{LY}LayerNormalization(axis=3)(np.ones((2, 3), 'float32'))",
     IndexError, ValueError, ("layer_normalization", "axis=3", "(2, 3)")),
    ("batch_normalization_axis_past_the_rank", f"{LY}BatchNormalization(axis=3)(np.ones((2, 3), 'float32'))",
     IndexError, IndexError, ("batch_normalization", "axis=3", "axis=-1")),
    ("spatial_dropout_of_a_matrix", f"{LY}SpatialDropout2D(0.5)(np.ones((2, 3), 'float32'), training=True)",
     ValueError, ValueError, ("spatial_dropout2d", "(2, 3)")),
    ("model_of_an_output_not_from_its_inputs", "i = keras.Input((3,)); j = keras.Input((3,)); "
     "keras.Model(i, keras.layers.Dense(2)(j))", ValueError, ValueError,
     ("keras.Model", "not among the model's inputs")),
    ("lambda_of_a_number", f"{LY}Lambda(3)", TypeError, TypeError, ("Lambda", "unsupported callable", "int 3")),
]

CASES = OPS + MODELS

# calls Keras accepts: ours must run and give Keras's value (the expression after the last "; ")
ACCEPTED = [
    ("ops_slice_box_past_the_end", f"keras.ops.convert_to_numpy({OP}slice(np.arange(6.0).reshape(2, 3), (1, 1), "
     "(3, 3)))"),
    ("ops_squeeze_negative_axis", f"keras.ops.convert_to_numpy({OP}squeeze(np.ones((2, 1)), axis=-1)).shape"),
    ("ops_take_negative_axis", f"keras.ops.convert_to_numpy({OP}take(np.arange(6.0).reshape(2, 3), np.array([2]), "
     "axis=-1))"),
    ("ops_one_hot_along_axis_0", f"keras.ops.convert_to_numpy({OP}one_hot(np.array([0, 2]), 3, axis=0))"),
    ("ops_cross_of_3_vectors", f"keras.ops.convert_to_numpy({OP}cross(np.array([1.0, 2.0, 3.0]), "
     "np.array([0.0, 1.0, 2.0])))"),
    ("ops_quantile_q_of_1", f"keras.ops.convert_to_numpy({OP}quantile(np.arange(4.0), 1.0))"),
    ("ops_bincount_with_minlength", f"keras.ops.convert_to_numpy({OP}bincount(np.array([0, 2]), minlength=4))"),
    ("ops_split_at_a_repeated_index", f"[keras.ops.convert_to_numpy(t).shape for t in {OP}split(np.ones(6), [2, 2])]"),
    ("ops_cast_to_float16", f"keras.ops.convert_to_numpy({OP}cast(np.ones(2), 'float16')).dtype.name"),
    ("fit_validating_every_other_epoch", FIT + "len(m.fit(x, y, epochs=2, validation_split=0.5, validation_freq=2, "
     "verbose=0).history['val_loss'])"),
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
    np.testing.assert_array_equal(got, expected)
