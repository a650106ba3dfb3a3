"""Round 8 of bad input through nn.keras (rounds 1-6: test_bad_input_errors.py, _round2.py ... _round6.py): layer
constructors with sizes or rates Keras refuses (Dense(units=0), Conv2D(filters=-1), Dropout(rate=1.5), LSTM(units=0),
Embedding(input_dim=0), filters not divisible by groups, a negative ActivityRegularization, a Lambda of no function,
an unknown constraint name), preprocessing layers used wrongly (Normalization with mean but no variance or adapted on
another rank, CategoryEncoding of values past num_tokens), optimizers, callbacks watching a metric of unknown
direction or given an unknown mode, fit's epochs (Keras loops over range(initial_epoch, epochs): a negative count runs
nothing, a float is refused), saving to a wrong extension and loading a missing file, and keras.ops / keras.random
calls past a rank or with negative sizes. Each runs on nn.keras and on real Keras 3 (torch backend) as the oracle:
errors of Keras's type, still instances of nn.keras's old type, naming the layer or call, the values and the fix;
calls Keras accepts give Keras's values."""
import warnings

import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, value_of, with_tmp

LY = "keras.layers."
SEQC = "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]); m.compile('sgd', 'mse'); "
XY = "x = np.ones((4, 3), 'float32'); y = np.ones((4, 1), 'float32'); "
FIT = SEQC + XY + "m.fit(x, y, verbose=0{})"

# id, code (Keras spelling; {tmp} is a fresh directory), Keras's exception type, the type nn.keras raised before
# (kept for existing `except` clauses; the new type's base where we accepted the call or raised something unrelated),
# substrings the message must hold
CONSTRUCTION = [
    ("dense_units_0", f"{LY}Dense(units=0)", ValueError, ValueError, ("Dense", "units", "positive integer", "0")),
    ("dense_units_negative", f"{LY}Dense(units=-1)", ValueError, ValueError, ("Dense", "-1")),
    ("dense_units_fractional", f"{LY}Dense(units=2.5)", ValueError, ValueError, ("Dense", "2.5")),
    ("conv2d_negative_filters", f"{LY}Conv2D(filters=-1, kernel_size=3)", ValueError, ValueError,
     ("Conv2D", "filters", "positive integer", "-1")),
    ("conv2d_zero_filters", f"{LY}Conv2D(filters=0, kernel_size=3)", ValueError, ValueError, ("Conv2D", "got 0")),
    ("conv2d_kernel_size_0", f"{LY}Conv2D(2, kernel_size=0)", ValueError, ValueError, ("Conv2D", "kernel_size")),
    ("conv2d_strides_0", f"{LY}Conv2D(2, 3, strides=0)", ValueError, ValueError, ("Conv2D", "strides")),
    ("conv2d_padding_full", f"{LY}Conv2D(2, 3, padding='full')", ValueError, ValueError,
     ("Conv2D", "padding", "'full'")),
    ("conv2d_filters_not_divisible_by_groups", f"{LY}Conv2D(3, 3, groups=2)", ValueError, Exception,
     ("Conv2D", "divisible by the number of groups", "groups=2", "filters=3")),
    ("conv1d_filters_not_divisible_by_groups", f"{LY}Conv1D(3, 3, groups=2)", ValueError, Exception,
     ("Conv1D", "groups=2")),
    ("conv2d_groups_0", f"{LY}Conv2D(3, 3, groups=0)", ValueError, Exception, ("Conv2D", "groups=0")),
    ("dropout_rate_above_1", f"{LY}Dropout(rate=1.5)", ValueError, ValueError, ("Dropout", "rate", "[0, 1]", "1.5")),
    ("dropout_rate_negative", f"{LY}Dropout(rate=-0.1)", ValueError, ValueError, ("Dropout", "-0.1")),
    ("lstm_units_0", f"{LY}LSTM(units=0)", ValueError, ValueError, ("LSTM", "units", "0")),
    ("gru_units_0", f"{LY}GRU(units=0)", ValueError, ValueError, ("GRU", "units")),
    ("simple_rnn_units_0", f"{LY}SimpleRNN(units=0)", ValueError, ValueError, ("SimpleRNN", "units")),
    ("embedding_input_dim_0", f"{LY}Embedding(input_dim=0, output_dim=2)", ValueError, ValueError,
     ("Embedding", "input_dim", "positive integer", "vocabulary size")),
    ("embedding_output_dim_0", f"{LY}Embedding(input_dim=5, output_dim=0)", ValueError, ValueError,
     ("Embedding", "output_dim")),
    ("multi_head_attention_0_heads", f"{LY}MultiHeadAttention(num_heads=0, key_dim=2)", ValueError, ValueError,
     ("MultiHeadAttention", "num_heads", "0")),
    ("repeat_vector_0", f"{LY}RepeatVector(0)(np.ones((2, 3)))", ValueError, ValueError, ("RepeatVector", "0")),
    ("reshape_two_unknown_dims", f"{LY}Reshape((2, -1, -1))", ValueError, ValueError,
     ("Reshape", "at most one unknown dimension", "(2, -1, -1)")),
    ("permute_repeated_dims", f"{LY}Permute((1, 1))", ValueError, ValueError, ("Permute", "(1, 1)")),
    ("permute_batch_axis", f"{LY}Permute((0, 1))", ValueError, ValueError, ("Permute", "batch axis")),
    ("zero_padding_three_values", f"{LY}ZeroPadding2D(padding=(1, 2, 3))", ValueError, ValueError,
     ("ZeroPadding2D", "(1, 2, 3)")),
    ("max_pooling_size_0", f"{LY}MaxPooling2D(pool_size=0)", ValueError, ValueError, ("MaxPooling2D", "pool_size")),
    ("activity_regularization_negative_l1", f"{LY}ActivityRegularization(l1=-1.0)", ValueError, Exception,
     ("ActivityRegularization", "l1", "non-negative", "-1.0")),
    ("activity_regularization_negative_l2", f"{LY}ActivityRegularization(l2=-1.0)", ValueError, Exception,
     ("l2=-1.0",)),
    ("lambda_of_a_number", f"{LY}Lambda(3)", TypeError, Exception, ("Lambda", "unsupported callable", "int")),
    ("lambda_of_a_string", f"{LY}Lambda('x')", TypeError, Exception, ("Lambda", "'x'")),
    ("dense_unknown_constraint", f"{LY}Dense(2, kernel_constraint='positive')", ValueError, Exception,
     ("constraint", "'positive'", "non_neg")),
    ("conv2d_unknown_bias_constraint", f"{LY}Conv2D(2, 3, bias_constraint='x')", ValueError, Exception,
     ("constraint", "'x'")),
    ("dense_constraint_a_number", f"{LY}Dense(2, kernel_constraint=3)", ValueError, TypeError,
     ("Could not interpret constraint identifier", "3")),
    ("dense_unknown_activation", f"{LY}Dense(2, activation='relux')", ValueError, ValueError,
     ("activation", "'relux'", "relu")),
    ("dense_unknown_initializer", f"{LY}Dense(2, kernel_initializer='onez')", ValueError, ValueError,
     ("initializer", "'onez'", "ones")),
    ("dense_unknown_regularizer", f"{LY}Dense(2, kernel_regularizer='l3')", ValueError, ValueError,
     ("regularizer", "'l3'", "l2")),
    ("bidirectional_of_dense", f"{LY}Bidirectional({LY}Dense(2))", TypeError, ValueError,
     ("Bidirectional", "LSTM", "Dense")),
    ("random_rotation_factor_past_1", f"{LY}RandomRotation(factor=-2.0)", ValueError, ValueError,
     ("RandomRotation", "factor", "-2.0")),
    ("random_zoom_factor_2", f"{LY}RandomZoom(height_factor=2.0)", ValueError, ValueError,
     ("RandomZoom", "height_factor")),
    ("category_encoding_unknown_mode", f"{LY}CategoryEncoding(num_tokens=3, output_mode='foo')", ValueError,
     ValueError, ("CategoryEncoding", "output_mode", "'foo'")),
]

PREPROCESSING = [
    ("normalization_mean_without_variance", f"{LY}Normalization(mean=1.0)", ValueError, ValueError,
     ("Normalization", "mean and variance")),
    ("normalization_variance_without_mean", f"{LY}Normalization(variance=1.0)", ValueError, ValueError,
     ("Normalization", "both")),
    ("normalization_axis_past_the_rank", f"n = {LY}Normalization(axis=2); n.adapt(np.ones((4, 3)))", ValueError,
     ValueError, ("axis", "(None, 3)", "axis=(2,)")),
    ("normalization_called_on_other_width", f"n = {LY}Normalization(); n.adapt(np.ones((4, 3))); "
     "n(np.ones((2, 5)))", RuntimeError, ValueError, ("(2, 5)", "(1, 3)")),
    ("category_encoding_value_past_num_tokens", f"{LY}CategoryEncoding(num_tokens=3)(np.array([0, 5]))",
     RuntimeError, ValueError, ("category_encoding", "num_tokens=3", "up to 5")),
    ("category_encoding_multi_hot_past_num_tokens", f"{LY}CategoryEncoding(num_tokens=3, output_mode='multi_hot')"
     "(np.array([[0, 5]]))", RuntimeError, ValueError, ("[0, 3)", "smaller than num_tokens=3", "(1, 2)")),
    ("unit_normalization_axis_past_the_rank", f"{LY}UnitNormalization(axis=3)(np.ones((1, 2)))", IndexError,
     ValueError, ("unit_normalization", "axis 3", "(1, 2)")),
    ("batch_normalization_axis_past_the_rank", f"{LY}BatchNormalization(axis=5)(np.ones((2, 3)))", IndexError,
     IndexError, ("batch_normalization", "axis=5", "axis=-1")),
    ("cropping_more_than_the_image", f"{LY}Cropping2D(cropping=((1, 1), (5, 5)))(np.ones((1, 4, 4, 1)))",
     ValueError, ValueError, ("cropping2d", "5 + 5", "(1, 4, 4, 1)")),
    ("global_pooling_of_2d", f"{LY}GlobalAveragePooling2D()(np.ones((2, 3)))", ValueError, ValueError,
     ("global_average_pooling2d", "ndim=4", "(2, 3)")),
    ("time_distributed_of_2d", f"{LY}TimeDistributed({LY}Dense(2))(np.ones((2, 3)))", ValueError, ValueError,
     ("time_distributed", "at least 3 axes")),
]

TRAINING = [
    ("sgd_string_learning_rate", "keras.optimizers.SGD(learning_rate='fast')", ValueError, ValueError,
     ("SGD", "learning_rate", "'fast'")),
    ("sgd_momentum_above_1", "keras.optimizers.SGD(momentum=1.5)", ValueError, ValueError, ("SGD", "momentum", "1.5")),
    ("adam_clipnorm_and_global_clipnorm", "keras.optimizers.Adam(clipnorm=1.0, global_clipnorm=1.0)", ValueError,
     ValueError, ("Adam", "clipnorm", "global_clipnorm")),
    ("compile_unknown_optimizer", "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]); "
     "m.compile('sgdd', 'mse')", ValueError, ValueError, ("optimizer", "'sgdd'", "sgd")),
    ("fit_float_epochs", FIT.format(", epochs=2.0"), TypeError, Exception, ("fit", "epochs", "2.0", "epochs=2")),
    ("fit_string_epochs", FIT.format(", epochs='2'"), TypeError, Exception, ("fit", "'2'")),
    ("fit_negative_batch_size", FIT.format(", batch_size=-1"), ValueError, ValueError, ("fit", "batch_size", "-1")),
    ("fit_x_y_lengths_differ", SEQC + "m.fit(np.ones((4, 3)), np.ones((5, 1)), verbose=0)", ValueError, ValueError,
     ("fit", "[4]", "[5]")),
    ("fit_short_sample_weight", FIT.format(", sample_weight=np.ones(3)"), ValueError, ValueError, ("fit", "[3]")),
    ("reduce_lr_factor_1", "keras.callbacks.ReduceLROnPlateau(factor=1.0)", ValueError, ValueError,
     ("ReduceLROnPlateau", "factor", "1.0")),
    ("reduce_lr_monitor_of_unknown_direction", SEQC + XY + "cb = keras.callbacks.ReduceLROnPlateau(monitor='val_acc'); "
     "m.fit(x, y, epochs=2, callbacks=[cb], verbose=0)", ValueError, Exception,
     ("ReduceLROnPlateau", "monitor='val_acc'", "mode='max'")),
    ("checkpoint_monitor_of_unknown_direction", SEQC + XY + "cb = keras.callbacks.ModelCheckpoint('{tmp}/b.keras', "
     "monitor='val_acc', save_best_only=True); m.fit(x, y, epochs=2, callbacks=[cb], verbose=0)", ValueError,
     Exception, ("ModelCheckpoint", "val_acc", "mode='min'")),
    ("checkpoint_wrong_extension", "keras.callbacks.ModelCheckpoint('{tmp}/m.txt')", ValueError, ValueError,
     ("ModelCheckpoint", "`.keras`", "m.txt")),
    ("checkpoint_weights_wrong_extension", "keras.callbacks.ModelCheckpoint('{tmp}/m.h5', save_weights_only=True)",
     ValueError, ValueError, ("`.weights.h5`",)),
    ("save_wrong_extension", SEQC + "m.save('{tmp}/m.txt')", ValueError, ValueError,
     ("Invalid filepath extension", "m.txt", "'.keras'")),
    ("save_no_extension", SEQC + "m.save('{tmp}/m')", ValueError, ValueError, ("Invalid filepath extension",)),
    ("load_model_missing_keras_file", "keras.models.load_model('{tmp}/missing.keras')", ValueError, ValueError,
     ("File not found", "missing.keras")),
    ("load_model_missing_h5_file", "keras.models.load_model('{tmp}/missing.h5')", FileNotFoundError, ValueError,
     ("load_model", "missing.h5", "no such file")),
    ("load_model_unknown_format", "keras.models.load_model('{tmp}/missing.txt')", ValueError, ValueError,
     ("File format not supported", "missing.txt")),
    ("load_weights_missing_file", SEQC + "m.load_weights('{tmp}/missing.weights.h5')", FileNotFoundError,
     FileNotFoundError, ("load_weights", "missing.weights.h5", "save_weights")),
]

OPS = [
    ("ops_expand_dims_axis_past_the_rank", "keras.ops.expand_dims(np.ones((2, 3)), axis=5)", ValueError, Exception,
     ("expand_dims", "axis 5", "dimension 3", "(2, 3)")),
    ("ops_expand_dims_negative_axis_past_the_rank", "keras.ops.expand_dims(np.ones((2, 3)), axis=-4)", ValueError,
     Exception, ("expand_dims", "axis -4")),
    ("ops_linspace_negative_num", "keras.ops.linspace(0, 1, -1)", RuntimeError, ValueError,
     ("linspace", "non-negative", "num=-1")),
    ("ops_eye_negative", "keras.ops.eye(-1)", RuntimeError, ValueError, ("eye", "N=-1")),
    ("random_randint_min_above_max", "keras.random.randint((2,), 5, 1)", RuntimeError, ValueError,
     ("randint", "maxval (1)", "minval (5)")),
    ("random_shuffle_axis_past_the_rank", "keras.random.shuffle(np.ones(3), axis=2)", IndexError, Exception,
     ("shuffle", "but got 2", "(3,)")),
    ("ops_reshape_wrong_count", "keras.ops.reshape(np.ones(6), (4, -1))", RuntimeError, ValueError,
     ("reshape", "(4, -1)")),
    ("ops_matmul_misaligned", "keras.ops.matmul(np.ones((2, 3)), np.ones((2, 3)))", RuntimeError, ValueError,
     ("matmul",)),
    ("ops_take_past_the_end", "keras.ops.take(np.ones(3), np.array([5]))", IndexError, IndexError, ("index 5",)),
    ("to_categorical_label_past_num_classes", "keras.utils.to_categorical([0, 3], num_classes=2)", IndexError,
     ValueError, ("to_categorical", "num_classes")),
]

CASES = CONSTRUCTION + PREPROCESSING + TRAINING + OPS

# calls Keras accepts: ours must run and give Keras's value (the expression after the last "; ")
ACCEPTED = [
    ("fit_negative_epochs_runs_nothing", FIT.format(", epochs=-1").replace("m.fit", "h = m.fit") +
     "; [len(h.history), len(h.epoch)]"),
    ("fit_0_epochs_runs_nothing", FIT.format(", epochs=0").replace("m.fit", "h = m.fit") + "; len(h.history)"),
    ("fit_initial_epoch_past_epochs", FIT.format(", epochs=3, initial_epoch=5").replace("m.fit", "h = m.fit") +
     "; len(h.history)"),
    ("fit_numpy_int_epochs", FIT.format(", epochs=np.int64(2)").replace("m.fit", "h = m.fit") +
     "; len(h.history['loss'])"),
    ("category_encoding_negative_counts_nothing", f"keras.ops.convert_to_numpy({LY}CategoryEncoding(num_tokens=3)"
     "(np.array([0, -1])))"),
    ("category_encoding_count_negative", f"keras.ops.convert_to_numpy({LY}CategoryEncoding(num_tokens=3, "
     "output_mode='count')(np.array([[0, -1, 1]])))"),
    ("early_stopping_unknown_mode_falls_back_to_auto", "keras.callbacks.EarlyStopping(mode='foo').mode"),
    ("reduce_lr_unknown_mode_falls_back_to_auto", "keras.callbacks.ReduceLROnPlateau(mode='foo').mode"),
    ("checkpoint_unknown_mode_falls_back_to_auto", "keras.callbacks.ModelCheckpoint('m.keras', mode='foo').mode"),
    ("adam_negative_clipvalue", "keras.optimizers.Adam(clipvalue=-1.0).clipvalue"),
    ("layer_normalization_negative_epsilon", f"{LY}LayerNormalization(epsilon=-1.0).epsilon"),
    ("add_of_one_input", f"keras.ops.convert_to_numpy({LY}Add()([np.ones((2, 3))]))"),
    ("random_crop_larger_than_the_image", f"tuple({LY}RandomCrop(10, 10)(np.ones((1, 4, 4, 1)), training=True).shape)"),
    ("input_with_zero_features", "tuple(keras.Input(shape=(0,)).shape)"),
    ("ops_expand_dims_two_axes", "keras.ops.convert_to_numpy(keras.ops.expand_dims(np.ones((2, 3)), axis=(0, 3)))"
     ".shape"),
    ("top_k_accuracy_k_0", "keras.ops.convert_to_numpy(keras.metrics.TopKCategoricalAccuracy(k=0)("
     "np.array([[0, 1]]), np.array([[0.3, 0.7]])))"),
    ("sparse_top_k_accuracy_k_0", "keras.ops.convert_to_numpy(keras.metrics.SparseTopKCategoricalAccuracy(k=0)("
     "np.array([1]), np.array([[0.3, 0.7]])))"),
    ("ops_linspace_0", "keras.ops.convert_to_numpy(keras.ops.linspace(0, 1, 0)).shape"),
    ("ops_eye_0", "keras.ops.convert_to_numpy(keras.ops.eye(0)).shape"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_keras_mistake_raises_keras_type_naming_the_layer_and_shapes(case, tmp_path):
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
    monkeypatch.chdir(tmp_path)   # a checkpoint path made relative stays in the scratch directory
    ours, theirs = keras_pair()
    got, expected = value_of(case[1], ours), value_of(case[1], theirs)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_an_unknown_callback_mode_warns_as_keras():
    from nn import keras
    with pytest.warns(UserWarning, match="mode foo is unknown, fallback to auto mode"):
        keras.callbacks.EarlyStopping(mode="foo")
