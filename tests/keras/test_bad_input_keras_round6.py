"""Round 6 of bad input through nn.keras (rounds 1-5: test_bad_input_errors.py, _round2.py ... _round5.py): layers
called on what is not a tensor (two arrays for Dense, a nested Python list, a string, None), keras.Input shapes of
floats or strings, optimizer arguments Keras refuses (the class instead of an instance, a string learning rate),
constructor sizes that are not whole numbers, weights files of the wrong name, set_weights that does not fit,
models used before compile or build, and indices an Embedding takes (negative ones wrap, as Keras's take on the
torch backend). Each runs on nn.keras and on real Keras 3 (torch backend) as the oracle: errors of Keras's type,
still instances of nn.keras's old type, naming the layer or call, the shapes or values and the fix; calls Keras
accepts give Keras's values."""
import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, value_of, with_tmp

LY = "keras.layers."
SEQ = "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]); "
SEQC = SEQ + "m.compile('adam', 'mse'); "
XY = "x = np.zeros((4, 3), 'float32'); y = np.zeros((4, 2), 'float32'); "
Z = "np.zeros({}, 'float32')"
SUB = ("class M(keras.Model):\n    def __init__(self):\n        super().__init__()\n"
       "        self.d = keras.layers.Dense(2)\n    def call(self, x):\n        return self.d(x)\n")
DENSE_BUILT = f"d = {LY}Dense(2); d.build((None, 3)); "
EMB = f"e = {LY}Embedding(5, 1); e.build(None); e.set_weights([np.arange(5.0).reshape(5, 1)]); "

# id, code (Keras spelling; {tmp} is a fresh directory), Keras's exception type, the type nn.keras raised before
# (kept for existing `except` clauses; the new type's base where we accepted the call or raised something unrelated),
# substrings the message must hold
CALLS = [
    ("dense_called_on_two_arrays", f"{LY}Dense(2)([{Z.format((1, 3))}, {Z.format((1, 3))}])", ValueError, ValueError,
     ("Layer 'dense", "expects 1 input(s)", "received 2", "Concatenate")),
    ("dense_called_on_two_symbolic_inputs", f"{LY}Dense(2)([keras.Input((3,)), keras.Input((3,))])", ValueError,
     ValueError, ("expects 1 input(s)", "received 2")),
    ("conv2d_called_on_two_arrays", f"{LY}Conv2D(2, 3)([{Z.format((1, 5, 5, 1))}, {Z.format((1, 5, 5, 1))}])",
     ValueError, ValueError, ("Layer 'conv2d", "expects 1 input(s)")),
    ("dense_called_on_a_python_list", f"{LY}Dense(2)([[1.0, 2.0, 3.0]])", ValueError, ValueError,
     ("Only input tensors", "Python list of numbers", "np.array([[1.0, 2.0, 3.0]])")),
    ("embedding_called_on_a_python_list", f"{LY}Embedding(5, 2)([[1, 2]])", ValueError, ValueError,
     ("Only input tensors", "np.array([[1, 2]])")),
    ("dense_called_on_a_string", f"{LY}Dense(2)('x')", ValueError, ValueError,
     ("Only input tensors", "'x'", "StringLookup")),
    ("dense_called_on_None", f"{LY}Dense(2)(None)", ValueError, ValueError,
     ("Inputs to a layer should be tensors", "None", "'dense")),
    ("dense_on_an_unknown_last_axis", f"{LY}Dense(3)(keras.Input((None,)))", ValueError, ValueError,
     ("dense", "last axis", "(None, None)")),
    ("layer_normalization_axis_past_the_rank", f"{LY}LayerNormalization(axis=2)({Z.format((2, 3))})", IndexError,
     ValueError, ("layer_normalization", "axis=2", "(2, 3)", "[-2, 2)")),
    ("softmax_axis_past_the_rank", f"{LY}Softmax(axis=3)({Z.format((2, 3))})", IndexError, IndexError,
     ("softmax", "dim 3", "[-2, 1]")),
    ("concatenate_axis_past_the_rank", f"{LY}Concatenate(axis=3)([{Z.format((2, 3))}, {Z.format((2, 3))}])",
     IndexError, IndexError, ("dim 3", "2 dimensions")),
    ("conv2d_kernel_bigger_than_the_image", f"{LY}Conv2D(2, 5)({Z.format((1, 3, 3, 1))})", ValueError, ValueError,
     ("conv2d", "(5, 5)", "3x3", "smaller kernel")),
    ("max_pooling_bigger_than_the_image", f"{LY}MaxPooling2D(4)({Z.format((1, 3, 3, 1))})", RuntimeError,
     ValueError, ("max_pool2d", "kernel 4", "size 3")),
    ("reshape_target_with_the_batch", f"{LY}Reshape((2, 2, 3))({Z.format((2, 6))})", ValueError, ValueError,
     ("reshape", "(2, 2, 3)", "6 values per example")),
    ("embedding_index_past_input_dim", f"{LY}Embedding(5, 2)(np.array([[1, 7]]))", IndexError, IndexError,
     ("embedding", "index 7", "num_embeddings=5")),
    ("embedding_index_below_minus_input_dim", EMB + "e(np.array([[-6]]))", IndexError, IndexError,
     ("embedding", "index -6", "num_embeddings=5")),
    ("functional_model_called_on_another_width", "i = keras.Input((3,)); m = keras.Model(i, keras.layers.Dense(2)(i)); "
     f"m({Z.format((2, 5))})", ValueError, ValueError, ("expects shape (None, 3)", "(2, 5)")),
]

CONSTRUCTION = [
    ("input_shape_of_a_float", "keras.Input(shape=(3.0,))", ValueError, ValueError,
     ("Input", "3.0", "float", "shape=(3,)")),
    ("input_shape_as_a_string", "keras.Input(shape='3')", ValueError, ValueError, ("Input", "'3'", "str")),
    ("input_fractional_batch_size", "keras.Input(shape=(3,), batch_size=2.5)", ValueError, ValueError,
     ("Input", "2.5", "float")),
    ("input_without_a_shape", "keras.Input(shape=None)", ValueError, ValueError, ("Input", "shape=")),
    ("input_negative_size", "keras.Input(shape=(3, -2))", ValueError, ValueError, ("Input", "negative", "(3, -2)")),
    ("flatten_data_format_typo", f"{LY}Flatten(data_format='channels_frist')", ValueError, ValueError,
     ("Flatten", "data_format", "'channels_frist'", "'channels_last'")),
    ("upsampling2d_size_0", f"{LY}UpSampling2D(0)", ValueError, ValueError, ("UpSampling2D", "size", "(0, 0)")),
    ("upsampling2d_fractional_size", f"{LY}UpSampling2D(2.5)", ValueError, ValueError, ("UpSampling2D", "2.5")),
    ("upsampling1d_size_0", f"{LY}UpSampling1D(0)", ValueError, ValueError, ("UpSampling1D", "size")),
    ("embedding_fractional_output_dim", f"{LY}Embedding(5, 2.0)", ValueError, ValueError,
     ("Embedding", "output_dim", "2.0", "float")),
    ("embedding_fractional_input_dim", f"{LY}Embedding(5.0, 2)", ValueError, ValueError,
     ("Embedding", "input_dim", "5.0")),
    ("dense_activation_typo", f"{LY}Dense(2, activation='rellu')", ValueError, ValueError, ("'rellu'", "relu")),
    ("lstm_activation_typo", f"{LY}LSTM(2, activation='tanhh')", ValueError, ValueError, ("'tanhh'", "tanh")),
    ("activation_layer_typo", f"{LY}Activation('sofmax')", ValueError, ValueError, ("'sofmax'", "softmax")),
    ("dense_initializer_typo", f"{LY}Dense(2, kernel_initializer='glorot')", ValueError, ValueError,
     ("'glorot'", "glorot_uniform")),
    ("conv2d_negative_strides", f"{LY}Conv2D(2, 3, strides=-1)", ValueError, ValueError, ("Conv2D", "strides", "-1")),
    ("dropout_noise_shape_an_int", f"{LY}Dropout(0.5, noise_shape=3)", ValueError, ValueError,
     ("Dropout", "noise_shape", "3")),
    ("sgd_learning_rate_a_string", "keras.optimizers.SGD(learning_rate='0.1')", ValueError, ValueError,
     ("SGD", "learning_rate", "'0.1'", "learning_rate=0.001")),
    ("adam_learning_rate_None", "keras.optimizers.Adam(learning_rate=None)", ValueError, ValueError,
     ("Adam", "learning_rate", "None")),
    ("adam_keras2_keyword", "keras.optimizers.Adam(lr_decay=0.1)", ValueError, TypeError, ("Adam", "lr_decay")),
    ("adam_ema_momentum_above_1", "keras.optimizers.Adam(use_ema=True, ema_momentum=1.5)", ValueError, ValueError,
     ("ema_momentum", "1.5")),
    ("to_categorical_labels_past_num_classes", "keras.utils.to_categorical([0, 3], num_classes=2)", IndexError,
     ValueError, ("to_categorical", "num_classes")),
]

MODELS = [
    ("compile_the_optimizer_class", SEQ + "m.compile(keras.optimizers.Adam, 'mse')", ValueError, ValueError,
     ("optimizer identifier", "Adam", "keras.optimizers.Adam()")),
    ("compile_loss_typo_then_fit", SEQ + "m.compile('adam', loss='mean_squared_eror'); " + XY +
     "m.fit(x, y, verbose=0)", ValueError, ValueError, ("'mean_squared_eror'", "mean_squared_error")),
    ("evaluate_before_compile", SEQ + XY + "m.evaluate(x, y, verbose=0)", AttributeError, RuntimeError,
     ("evaluate", "compile")),
    ("fit_before_compile", SEQ + XY + "m.fit(x, y, verbose=0)", ValueError, RuntimeError, ("fit", "compile")),
    ("fit_without_targets", SEQC + XY + "m.fit(x, verbose=0)", ValueError, ValueError,
     ("fit", "y (the targets) is missing")),
    ("validation_data_without_targets", SEQC + XY + "m.fit(x, y, validation_data=x, verbose=0)", ValueError,
     ValueError, ("validation_data", "missing")),
    ("predict_negative_batch_size", SEQ + XY + "m.predict(x, batch_size=-1, verbose=0)", ValueError, ValueError,
     ("predict", "batch_size", "-1")),
    ("layer_set_weights_count", DENSE_BUILT + "d.set_weights([np.zeros((3, 2))])", ValueError, ValueError,
     ("set_weights", "2 arrays", "got 1")),
    ("layer_set_weights_shape", DENSE_BUILT + "d.set_weights([np.zeros((2, 3)), np.zeros(2)])", ValueError,
     ValueError, ("set_weights", "(2, 3)", "(3, 2)")),
    ("set_weights_before_build", f"d = {LY}Dense(2); d.set_weights([np.zeros((3, 2)), np.zeros(2)])", ValueError,
     ValueError, ("set_weights", "0 arrays", "got 2")),
    ("model_set_weights_count", SEQ + "m.set_weights([np.zeros((3, 2))])", ValueError, ValueError,
     ("set_weights", "2 arrays", "got 1")),
    ("model_set_weights_shape", SEQ + "m.set_weights([np.zeros((2, 3)), np.zeros(2)])", ValueError, ValueError,
     ("(2, 3)", "(3, 2)")),
    ("count_params_of_an_unbuilt_subclass", SUB + "M().count_params()", ValueError, ValueError, ("not built",)),
    ("count_params_of_an_unbuilt_sequential", f"m = keras.Sequential([{LY}Dense(2)]); m.count_params()", ValueError,
     ValueError, ("not built",)),
    ("get_layer_by_an_int_name", SEQ + "m.get_layer(5)", ValueError, ValueError, ("no layer named 5",)),
    ("save_weights_to_a_keras_file", SEQ + "m.save_weights('{tmp}/w.keras')", ValueError, ValueError,
     ("save_weights", "`.weights.h5`", "model.save(filepath)")),
]

CASES = CALLS + CONSTRUCTION + MODELS

# calls Keras accepts: ours must run and give Keras's value (the expression after the last "; ")
ACCEPTED = [
    ("embedding_negative_indices_count_from_the_end", EMB + "keras.ops.convert_to_numpy(e(np.array([[1, -1, -5]])))"),
    ("early_stopping_negative_patience_stops_as_0", SEQ.replace("Dense(2)", "Dense(2, kernel_initializer='ones')") +
     "m.compile('sgd', 'mse'); cb = keras.callbacks.EarlyStopping(monitor='loss', patience=-1); "
     "h = m.fit(np.ones((4, 3)), np.ones((4, 2)), epochs=4, callbacks=[cb], verbose=0); len(h.history['loss'])"),
    ("predict_of_an_unbuilt_subclass", SUB + "m = M(); m.predict(np.zeros((3, 4)), verbose=0).shape"),
    ("weights_of_an_unbuilt_subclass", SUB + "m = M(); len(m.weights)"),
    ("dense_input_dim_keyword", f"m = keras.Sequential([{LY}Dense(2, input_dim=3)]); len(m.weights)"),
    ("input_shape_as_a_list", "tuple(keras.Input(shape=[3]).shape)"),
    ("compile_a_loss_class", SEQC.replace("'mse'", "keras.losses.MeanSquaredError") + XY +
     "h = m.fit(x, y, verbose=0); len(h.history['loss'])"),
    ("validation_data_as_a_list", SEQC + XY + "h = m.fit(x, y, validation_data=[x, y], verbose=0); sorted(h.history)"),
    ("fit_for_0_epochs", SEQC + XY + "h = m.fit(x, y, epochs=0, verbose=0); len(h.history)"),
    ("embedding_of_float_indices", f"{LY}Embedding(5, 2)(np.array([[1.0, 2.0]])).shape"),
    ("adam_negative_learning_rate", "float(keras.optimizers.Adam(learning_rate=-0.1).learning_rate)"),
    ("adam_beta_1_above_1", "keras.optimizers.Adam(beta_1=1.5).beta_1"),
    ("batch_normalization_momentum_above_1", f"{LY}BatchNormalization(momentum=1.5).momentum"),
    ("evaluate_return_dict", SEQ + "m.compile('sgd', 'mse'); r = m.evaluate(np.ones((4, 3)), np.zeros((4, 2)), "
     "verbose=0, return_dict=True); sorted(r)"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_keras_mistake_raises_keras_type_naming_the_layer_and_shapes(case, tmp_path):
    from nn import keras
    check_mistake(with_tmp(case, tmp_path), dict(keras=keras, np=np))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_real_keras_raises_the_type_we_match(case, tmp_path):
    """The oracle: real Keras raises for the same code, and our error is an instance of its type."""
    ours, theirs = keras_pair()
    check_oracle(with_tmp(case, tmp_path), dict(keras=ours, np=np), dict(keras=theirs, np=np))


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_keras_accepts_run_and_match(case):
    ours, theirs = keras_pair()
    got, expected = value_of(case[1], ours), value_of(case[1], theirs)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
