"""Round 3 of bad input through nn.keras (round 2: test_bad_input_keras_round2.py): fit data that does not line up
(lengths, widths, ranks, label encodings, fractional epochs), compile arguments of the wrong kind (unknown loss
names, too many loss weights), symbolic inputs of the wrong kind (an int shape, negative sizes), constructor
arguments Keras refuses (misspelt keywords, Keras 2's lr=, unknown regularizer names, zero strides), callbacks
that cannot tell which way their metric improves, Dropout noise shapes that do not fit, keras.ops and
to_categorical given sizes that do not fit. Each runs on nn.keras and on real Keras 3 (torch backend) as the oracle
for the exception type: ours must be an instance of Keras's type, still an instance of the type nn.keras raised
before, with a message naming the layer or call, the shapes and the fix; where Keras accepts the call, so do we,
with Keras's result."""
import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, value_of

SEQ = "m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)]); "
SEQC = SEQ + "m.compile('adam', 'mse'); "
XY = "x = np.zeros((8, 4), 'float32'); y = np.zeros((8, 3), 'float32'); "

# id, code (Keras spelling), Keras's exception type, the type nn.keras raised before (kept for existing `except`
# clauses), substrings the message must hold
CASES = [
    ("fit_x_y_lengths", SEQC + "m.fit(np.zeros((8, 4)), np.zeros((6, 3)), verbose=0)", ValueError, ValueError,
     ("fit", "[8] inputs", "[6] targets")),
    ("fit_targets_of_other_width", SEQC + XY + "m.fit(x, np.zeros((8, 5)), verbose=0)", RuntimeError, ValueError,
     ("mse", "(8, 5)", "(8, 3)")),
    ("fit_without_targets", SEQC + XY + "m.fit(x, verbose=0)", ValueError, ValueError, ("fit", "y", "fit(x, y)")),
    ("fit_fractional_epochs", SEQC + XY + "m.fit(x, y, epochs=1.5, verbose=0)", TypeError, ValueError,
     ("fit", "epochs", "1.5", "epochs=1")),
    ("fit_negative_validation_split", SEQC + XY + "m.fit(x, y, validation_split=-0.1, verbose=0)", ValueError,
     ValueError, ("validation_split", "-0.1")),
    ("unknown_loss_name", SEQ + "m.compile('adam', 'mean_sq_error'); m.fit(np.zeros((8, 4)), np.zeros((8, 3)), "
     "verbose=0)", ValueError, ValueError, ("unknown loss 'mean_sq_error'", "mean_squared_error")),
    ("too_many_loss_weights", SEQ + "m.compile('adam', 'mse', loss_weights=[1.0, 2.0]); " + XY +
     "m.fit(x, y, verbose=0)", ValueError, TypeError, ("compile", "loss_weights", "1 output", "[1.0, 2.0]")),
    ("sparse_crossentropy_given_one_hot", SEQ + "m.compile('adam', 'sparse_categorical_crossentropy'); "
     "m.fit(np.zeros((8, 4)), np.eye(3)[np.zeros(8, int)], verbose=0)", ValueError, ValueError,
     ("sparse_categorical_crossentropy", "(8, 3)", "categorical_crossentropy")),
    ("categorical_crossentropy_given_indices", SEQ + "m.compile('adam', 'categorical_crossentropy'); "
     "m.fit(np.zeros((8, 4)), np.zeros(8), verbose=0)", ValueError, ValueError,
     ("categorical_crossentropy", "(8,)", "(8, 3)", "sparse_categorical_crossentropy")),
    ("dense_called_on_another_width", "d = keras.layers.Dense(2); d(keras.Input((4,))); d(keras.Input((5,)))",
     ValueError, ValueError, ("value 4", "5)")),
    ("predict_on_3d_data", SEQ + "m.predict(np.zeros((2, 3, 4)), verbose=0)", ValueError, ValueError,
     ("(None, 4)", "(2, 3, 4)")),
    ("predict_on_one_example", SEQ + "m.predict(np.zeros(4), verbose=0)", ValueError, ValueError,
     ("(None, 4)", "(4,)")),
    ("predict_on_other_width", SEQ + "m.predict(np.zeros((2, 5)), verbose=0)", ValueError, ValueError,
     ("(None, 4)", "(2, 5)")),
    ("lstm_given_2d_data", "keras.Sequential([keras.layers.LSTM(2)]).predict(np.zeros((2, 3)), verbose=0)",
     ValueError, ValueError, ("lstm", "(batch, time, features)", "3)")),
    ("input_shape_as_an_int", "keras.Input(4)", ValueError, ValueError, ("Input", "tuple", "shape=(4,)")),
    ("input_negative_size", "keras.Input((-1,))", ValueError, ValueError, ("Input", "negative", "(-1,)", "None")),
    ("optimizer_keras2_lr_keyword", "keras.optimizers.Adam(lr=0.1)", ValueError, TypeError,
     ("Adam", "lr", "learning_rate=")),
    ("layer_misspelt_keyword", "keras.layers.Dense(2, unitz=3)", ValueError, TypeError, ("Dense", "unitz")),
    ("unknown_activation_name", "keras.layers.Dense(2, activation='relu6x')", ValueError, ValueError,
     ("'relu6x'", "relu6")),
    ("unknown_initializer_name", "keras.layers.Dense(2, kernel_initializer='glorot')", ValueError, ValueError,
     ("kernel_initializer='glorot'", "glorot_uniform")),
    ("unknown_regularizer_name", "keras.layers.Dense(2, kernel_regularizer='l3')", ValueError, ValueError,
     ("Dense(kernel_regularizer='l3')", "l1_l2")),
    ("conv2d_zero_strides", "keras.layers.Conv2D(2, 3, strides=0)", ValueError, ValueError,
     ("Conv2D", "strides", "positive", "(0, 0)")),
    ("conv2d_zero_kernel", "keras.layers.Conv2D(2, (3, 0))", ValueError, ValueError, ("Conv2D", "kernel_size")),
    ("conv3d_zero_dilation", "keras.layers.Conv3D(2, 3, dilation_rate=0)", ValueError, ValueError,
     ("Conv3D", "dilation_rate", "positive")),
    ("maxpool_zero_pool_size", "keras.layers.MaxPooling2D(pool_size=0)", ValueError, ValueError,
     ("MaxPooling2D", "pool_size", "positive")),
    ("conv2d_padding_name", "keras.layers.Conv2D(2, 3, padding='full')", ValueError, ValueError,
     ("Conv2D", "'valid' or 'same'", "'full'")),
    ("reshape_other_size", "keras.layers.Reshape((5,))(keras.Input((4,)))", ValueError, ValueError,
     ("reshape", "(5,)", "4 values")),
    ("concatenate_mismatched", "keras.layers.Concatenate()([keras.Input((3, 2)), keras.Input((4, 3))])",
     ValueError, ValueError, ("concatenate", "(None, 3, 2)", "(None, 4, 3)")),
    ("add_mismatched", "keras.layers.Add()([keras.Input((3,)), keras.Input((4,))])", ValueError, ValueError,
     ("add", "(None, 3)", "(None, 4)")),
    ("dropout_noise_shape_mismatch", "keras.layers.Dropout(0.5, noise_shape=(2, 5))(np.ones((2, 4), 'float32'), "
     "training=True)", RuntimeError, ValueError, ("noise_shape (2, 5)", "(2, 4)", "1")),
    ("get_layer_unknown_name", SEQ + "m.get_layer('nope')", ValueError, ValueError, ("'nope'", "dense")),
    ("get_layer_index_past_the_end", SEQ + "m.get_layer(index=5)", ValueError, ValueError,
     ("index=5", "1 layers")),
    ("set_weights_count", SEQ + "m.set_weights([np.zeros((4, 3))])", ValueError, ValueError,
     ("set_weights", "2 arrays", "got 1")),
    ("set_weights_shape", SEQ + "m.set_weights([np.zeros((3, 4)), np.zeros(3)])", ValueError, ValueError,
     ("set_weights", "(3, 4)", "(4, 3)")),
    ("early_stopping_unknown_monitor", SEQC + XY + "m.fit(x, y, validation_split=0.25, verbose=0, "
     "callbacks=[keras.callbacks.EarlyStopping(monitor='val_acc')])", ValueError, ValueError,
     ("EarlyStopping", "'val_acc'", "mode='max'")),
    ("ops_matmul_shapes", "keras.ops.matmul(np.ones((2, 3)), np.ones((2, 3)))", RuntimeError, ValueError,
     ("matmul", "[2, 3]", "transpose")),
    ("ops_reshape_size", "keras.ops.reshape(np.ones((2, 3)), (4, 2))", RuntimeError, ValueError,
     ("reshape", "[2, 3]", "(4, 2)")),
    ("to_categorical_label_past_the_classes", "keras.utils.to_categorical([0, 3], num_classes=3)", IndexError,
     ValueError, ("to_categorical", "[0, 3)", "0..3", "num_classes=")),
]

# calls Keras accepts: ours run too and give Keras's value (the last statement is the value compared)
ACCEPTED = [
    ("one_callback_not_in_a_list", SEQC + XY + "h = m.fit(x, y, epochs=2, verbose=0, "
     "callbacks=keras.callbacks.EarlyStopping(monitor='loss', patience=5)); len(h.history['loss'])"),
    ("to_categorical_counts_negative_labels_from_the_end", "keras.utils.to_categorical([0, -1, 2])"),
    ("to_categorical_negative_with_num_classes", "keras.utils.to_categorical([1, -4], num_classes=4)"),
    ("early_stopping_on_a_compiled_metric", SEQ + "m.compile('adam', 'mse', metrics=['mae']); " + XY +
     "h = m.fit(x, y, epochs=2, validation_split=0.25, verbose=0, "
     "callbacks=[keras.callbacks.EarlyStopping(monitor='val_mae', patience=5)]); len(h.history['val_mae'])"),
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
    got, expected = value_of(case[1], ours), value_of(case[1], theirs)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
