"""Round 4 of bad input through nn.keras (rounds 1-3: test_bad_input_errors.py, _round2.py, _round3.py): layers
called on inputs of the wrong rank (the expected rank and the shape received in the message), layer arguments Keras
refuses at construction (two unknown Reshape sizes, repeated Permute axes, unknown dtypes, shape and batch_shape
together), custom layers that forget super().__init__() or cannot be found at load time, callbacks that are not
Callbacks, fit/predict arguments of the wrong kind (fractional batch sizes, negative steps, string targets,
validation_data of four items), and keras.Model given arrays instead of symbolic inputs. Each runs on nn.keras and on
real Keras 3 (torch backend) as the oracle for the exception type: ours must be an instance of Keras's type, still
an instance of the type nn.keras raised before, with a message naming the layer or call, the shapes and the fix;
where Keras accepts the call, so do we, with Keras's result."""
import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, value_of, with_tmp

SEQ = "m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)]); "
SEQC = SEQ + "m.compile('adam', 'mse'); "
XY = "x = np.zeros((8, 4), 'float32'); y = np.zeros((8, 3), 'float32'); "
LY = "keras.layers."
Z = "np.zeros({}, 'float32')"
NO_SUPER = "class L(keras.layers.Layer):\n    def __init__(self):\n        self.units = 3\n    def call(self, x):\n" \
           "        return x\n"
MYL = "class MyL(keras.layers.Layer):\n    def call(self, x):\n        return x * 2\n"

# id, code (Keras spelling; {tmp} is a fresh directory), Keras's exception type, the type nn.keras raised before
# (kept for existing `except` clauses; the new type where we accepted the call), substrings the message must hold
RANKS = [
    ("global_average_pooling2d_on_a_sequence", f"{LY}GlobalAveragePooling2D()({Z.format((2, 4, 3))})", ValueError,
     ValueError, ("global_average_pooling2d", "ndim=4", "ndim=3", "(2, 4, 3)", "GlobalAveragePooling1D")),
    ("global_max_pooling2d_on_flat_data", f"{LY}GlobalMaxPooling2D()({Z.format((2, 4))})", ValueError, ValueError,
     ("global_max_pooling2d", "ndim=4", "ndim=2", "(2, 4)")),
    ("max_pooling1d_on_images", f"{LY}MaxPooling1D()({Z.format((2, 4, 4, 3))})", ValueError, ValueError,
     ("max_pooling1d", "3-D", "(2, 4, 4, 3)")),
    ("conv2d_transpose_on_a_sequence", f"{LY}Conv2DTranspose(2, 3)({Z.format((2, 4, 3))})", ValueError, ValueError,
     ("conv2d_transpose", "4-D", "(2, 4, 3)", "Conv1DTranspose")),
    ("simple_rnn_on_flat_data", f"{LY}SimpleRNN(2)({Z.format((2, 4))})", ValueError, ValueError,
     ("simple_rnn", "(batch, time, features)", "(2, 4)")),
    ("gru_on_images", f"{LY}GRU(2)({Z.format((2, 4, 4, 3))})", ValueError, ValueError,
     ("gru", "(batch, time, features)", "(2, 4, 4, 3)")),
    ("repeat_vector_on_a_sequence", f"{LY}RepeatVector(3)({Z.format((2, 4, 3))})", ValueError, ValueError,
     ("repeat_vector", "2-D", "(2, 4, 3)")),
    ("upsampling2d_on_a_sequence", f"{LY}UpSampling2D()({Z.format((2, 4, 3))})", ValueError, ValueError,
     ("up_sampling2d", "4-D", "(2, 4, 3)")),
    ("conv2d_on_a_symbolic_sequence", f"{LY}Conv2D(2, 3)(keras.Input((8, 3)))", ValueError, ValueError,
     ("conv2d", "4-D", "(None, 8, 3)")),
    ("normalization_axis_past_the_rank", f"{LY}Normalization(axis=3)({Z.format((2, 4))})", ValueError, ValueError,
     ("normalization", "axis=(3,)", "(2, 4)")),
    ("cropping2d_crops_everything", f"{LY}Cropping2D(3)({Z.format((2, 4, 4, 1))})", ValueError, ValueError,
     ("cropping2d", "3 + 3", "(2, 4, 4, 1)")),
]

CONSTRUCTION = [
    ("reshape_two_unknown_sizes", f"{LY}Reshape((-1, -1))", ValueError, ValueError,
     ("Reshape", "at most one unknown dimension", "(-1, -1)")),
    ("permute_repeated_axis", f"{LY}Permute((2, 2))", ValueError, ValueError, ("Permute", "(2, 2)")),
    ("permute_with_the_batch_axis", f"{LY}Permute((0, 1))", ValueError, ValueError,
     ("Permute", "batch axis", "(0, 1)")),
    ("zero_padding2d_three_values", f"{LY}ZeroPadding2D(padding=(1, 2, 3))", ValueError, ValueError,
     ("ZeroPadding2D", "(1, 2, 3)")),
    ("conv2d_data_format_typo", f"{LY}Conv2D(3, 3, data_format='channel_last')", ValueError, ValueError,
     ("data_format", "'channel_last'", "'channels_last'")),
    ("dropout_negative_rate", f"{LY}Dropout(-0.1)", ValueError, ValueError, ("Dropout", "rate", "-0.1")),
    ("dense_units_as_a_string", f"{LY}Dense('3')", ValueError, ValueError, ("Dense", "units", "'3'")),
    ("dense_unknown_dtype", f"{LY}Dense(2, dtype='float31')", ValueError, TypeError,
     ("Invalid dtype", "'float31'", "'float32'")),
    ("input_unknown_dtype", "keras.Input((3,), dtype='float31')", ValueError, TypeError,
     ("Invalid dtype", "'float31'")),
    ("input_shape_and_batch_shape", "keras.Input(shape=(3,), batch_shape=(2, 3))", ValueError, ValueError,
     ("Input", "both `shape` and `batch_shape`", "(2, 3)")),
    ("custom_layer_without_super_init", NO_SUPER + f"L()({Z.format((2, 3))})", RuntimeError, AttributeError,
     ("In layer 'L'", "forgot to call `super().__init__()`", "**kwargs")),
    ("custom_layer_without_kwargs", "class L(keras.layers.Layer):\n    def __init__(self, units):\n"
     "        super().__init__()\n        self.units = units\nL(3, name='a')", TypeError, TypeError, ("'name'",)),
    ("load_model_of_an_unregistered_layer", MYL + "m = keras.Sequential([keras.Input((3,)), MyL()])\n"
     "m.save('{tmp}/b.keras')\nkeras.models.load_model('{tmp}/b.keras')", TypeError, TypeError,
     ("MyL", "register_keras_serializable", "custom_objects")),
    ("model_of_arrays", "keras.Model(np.zeros((2, 3)), np.zeros((2, 3)))", ValueError, TypeError,
     ("keras.Model", "KerasTensors", "ndarray", "keras.Input")),
    ("pop_of_an_empty_sequential", "keras.Sequential().pop()", IndexError, ValueError, ("pop()", "no layer")),
    ("get_layer_name_and_index", SEQ + "m.get_layer('dense', 0)", ValueError, ValueError,
     ("get_layer", "not both", "'dense'")),
    ("get_layer_without_arguments", SEQ + "m.get_layer()", ValueError, ValueError, ("get_layer", "name", "index")),
    ("sgd_momentum_above_1", "keras.optimizers.SGD(momentum=1.5)", ValueError, ValueError,
     ("SGD", "momentum", "1.5")),
    ("clipnorm_and_clipvalue", "keras.optimizers.Adam(clipnorm=1.0, clipvalue=1.0)", ValueError, ValueError,
     ("clipnorm", "clipvalue", "global_clipnorm")),
    ("reduce_lr_factor_1", "keras.callbacks.ReduceLROnPlateau(factor=1.0)", ValueError, ValueError,
     ("ReduceLROnPlateau", "factor", "1.0")),
    ("checkpoint_suffix_typo", "keras.callbacks.ModelCheckpoint('{tmp}/m.h6')", ValueError, ValueError,
     (".keras", "m.h6")),
    ("checkpoint_weights_only_keras_suffix", "keras.callbacks.ModelCheckpoint('{tmp}/m.keras', "
     "save_weights_only=True)", ValueError, ValueError, (".weights.h5", "m.keras")),
]

TRAINING = [
    ("callbacks_an_int", SEQC + XY + "m.fit(x, y, callbacks=5, verbose=0)", AttributeError, TypeError,
     ("callbacks", "int", "not a Callback", "LambdaCallback")),
    ("callbacks_a_function_in_a_list", SEQC + XY + "m.fit(x, y, callbacks=[print], verbose=0)", AttributeError,
     TypeError, ("callbacks", "builtin_function_or_method", "not a Callback")),
    ("metrics_a_set", SEQ + "m.compile('adam', 'mse', metrics={'mae'}); " + XY + "m.fit(x, y, verbose=0)",
     ValueError, ValueError, ("metrics", "list, tuple or dict", "set")),
    ("metric_name_typo", SEQ + "m.compile('adam', 'mse', metrics=['acuracy']); " + XY + "m.fit(x, y, verbose=0)",
     ValueError, ValueError, ("'acuracy'", "accuracy")),
    ("optimizer_name_typo", SEQ + "m.compile('adamw2', 'mse')", ValueError, ValueError, ("'adamw2'", "adamw")),
    ("loss_a_number", SEQ + "m.compile('adam', 5); " + XY + "m.fit(x, y, verbose=0)", ValueError, TypeError,
     ("loss", "int", "5")),
    ("validation_split_of_1", SEQC + XY + "m.fit(x, y, validation_split=1.0, verbose=0)", ValueError, ValueError,
     ("validation_split", "1.0")),
    ("validation_data_of_four_items", SEQC + XY + "m.fit(x, y, validation_data=(x, y, y, y), verbose=0)",
     ValueError, ValueError, ("validation_data", "(x, y)", "4 items", "([x1, x2], y)")),
    ("fit_fractional_batch_size", SEQC + XY + "m.fit(x, y, batch_size=2.5, verbose=0)", ValueError, ValueError,
     ("fit", "batch_size", "positive integer", "2.5")),
    ("fit_string_targets", SEQC + XY + "m.fit(x, np.array(['a'] * 8), verbose=0)", ValueError, ValueError,
     ("fit", "Invalid dtype", "<U1", "(8,)", "StringLookup")),
    ("predict_negative_steps", SEQC + XY + "m.predict(x, steps=-1, verbose=0)", ValueError, ValueError,
     ("steps", "-1", "None")),
]

CASES = RANKS + CONSTRUCTION + TRAINING

# calls Keras accepts: ours must run and give Keras's value (the expression after the last "; ")
ACCEPTED = [
    ("fit_batch_size_0_is_the_default", SEQC + XY + "h = m.fit(x, y, batch_size=0, verbose=0); "
     "len(h.history['loss'])"),
    ("predict_batch_size_0_is_the_default", SEQC + XY + "p = m.predict(x, batch_size=0, verbose=0); p.shape"),
    ("early_stopping_unknown_mode_falls_back_to_auto", SEQC + XY + "cb = keras.callbacks.EarlyStopping("
     "monitor='loss', mode='minimum', patience=5); h = m.fit(x, y, epochs=2, callbacks=[cb], verbose=0); "
     "len(h.history['loss'])"),
    ("checkpoint_unknown_mode_falls_back_to_auto", "cb = keras.callbacks.ModelCheckpoint('m.keras', "
     "mode='minimum'); cb.monitor"),
    ("metrics_as_a_tuple", SEQ + "m.compile('adam', 'mse', metrics=('mae',)); " + XY +
     "h = m.fit(x, y, verbose=0); sorted(h.history)"),
    ("metric_acc_alias", SEQ + "m.compile('adam', 'mse', metrics=['acc']); " + XY +
     "h = m.fit(x, y, verbose=0); sorted(h.history)"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_keras_mistake_raises_keras_type_naming_the_layer_and_shapes(case, tmp_path):
    from nn import keras
    check_mistake(with_tmp(case, tmp_path), dict(keras=keras, np=np))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_real_keras_raises_the_type_we_match(case, tmp_path):
    """The oracle: real Keras raises for the same code, and our error is an instance of its type."""
    ours, theirs = keras_pair()
    case = with_tmp(case, tmp_path)
    check_oracle(case, dict(keras=ours, np=np), dict(keras=theirs, np=np))


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_keras_accepts_run_and_match(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ours, theirs = keras_pair()
    got, expected = value_of(case[1], ours), value_of(case[1], theirs)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_unknown_monitor_mode_warns_naming_it():
    from nn import keras
    with pytest.warns(UserWarning, match="EarlyStopping mode minimum is unknown, fallback to auto"):
        keras.callbacks.EarlyStopping(monitor="loss", mode="minimum")
