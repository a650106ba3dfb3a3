"""Round 9 of bad input through nn.keras (rounds 1-8: test_bad_input_errors.py, _round2.py ... _round8.py): layer
names with '/', Conv strides and dilation above 1 together, Input(batch_shape=3), add_weight of a negative size,
weights loaded into another architecture, duplicate layer names, the identifier getters (losses, metrics,
activations, optimizers, initializers) given a typo, pad_sequences' padding and truncating modes, Attention and Dot
called wrongly, recurrent initial states of the wrong count or width, attention masks that do not broadcast, and
keras.ops calls on mismatched ranks (split, transpose, concatenate, stack, einsum, take_along_axis, broadcast_to).
Each runs on nn.keras and on real Keras 3 (torch backend) as the oracle: errors of Keras's type, still instances of
nn.keras's old type, naming the layer or call, the values and the fix; calls Keras accepts give Keras's values."""
import warnings

import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, value_of, with_tmp

LY = "keras.layers."
SEQ = "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]); "
SAVED = SEQ + "m.save_weights('{tmp}/a.weights.h5'); "

# id, code (Keras spelling; {tmp} is a fresh directory), Keras's exception type, the type nn.keras raised before
# (kept for existing `except` clauses; the new type's base where we accepted the call or raised something unrelated),
# substrings the message must hold
LAYERS_MODELS = [
    ("layer_name_with_a_slash", f"{LY}Dense(2, name='a/b')", ValueError, Exception,
     ("Argument `name`", "cannot contain character `/`", "name=a/b", "'a_b'")),
    ("layer_name_a_number", f"{LY}Dense(2, name=3)", ValueError, Exception, ("must be a string", "name=3")),
    ("conv2d_strides_and_dilation", f"{LY}Conv2D(2, 3, strides=2, dilation_rate=2)", ValueError, Exception,
     ("`strides > 1` not supported in conjunction with `dilation_rate > 1`", "(2, 2)", "Conv2D")),
    ("conv1d_strides_and_dilation", f"{LY}Conv1D(2, 3, strides=2, dilation_rate=2)", ValueError, Exception,
     ("`strides > 1`", "Conv1D")),
    ("conv2d_transpose_strides_and_dilation", f"{LY}Conv2DTranspose(2, 3, strides=2, dilation_rate=2)", ValueError,
     ValueError, ("Conv2DTranspose", "(2, 2)")),
    ("input_batch_shape_an_int", "keras.Input(batch_shape=3)", ValueError, TypeError,
     ("Cannot convert '3' to a shape", "batch_shape=(None, 3)")),
    ("add_weight_negative_size", f"{LY}Dense(2).add_weight(shape=(-1,))", ValueError, ValueError,
     ("Cannot convert '(-1,)' to a shape", "Negative dimensions are not allowed", "add_weight")),
    ("add_weight_unknown_initializer", f"{LY}Dense(2).add_weight(shape=(2,), initializer='onez')", ValueError,
     ValueError, ("initializer", "'onez'", "ones")),
    ("load_weights_of_another_width", SAVED + "m2 = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)]); "
     "m2.load_weights('{tmp}/a.weights.h5')", ValueError, ValueError, ("load_weights", "(3, 4)", "(3, 2)")),
    ("load_weights_of_more_layers", SAVED + "m2 = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), "
     "keras.layers.Dense(2)]); m2.load_weights('{tmp}/a.weights.h5')", ValueError, ValueError,
     ("load_weights", "no weights for layer", "the model and the file differ")),   # Keras's HDF5 file since leftovers6
    ("sequential_duplicate_layer_names", "keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name='d'), "
     "keras.layers.Dense(2, name='d')])", ValueError, ValueError, ("unique names", "'d'")),
    ("functional_duplicate_layer_names", "i = keras.Input((3,)); o = keras.layers.Dense(2, name='d')("
     "keras.layers.Dense(2, name='d')(i)); keras.Model(i, o)", ValueError, ValueError, ("unique", "'d'")),
    ("sequential_second_input", "keras.Sequential([keras.Input((3,)), keras.Input((3,)), keras.layers.Dense(2)])",
     ValueError, ValueError, ("keras.Input", "first entry")),
    ("dense_build_of_an_unknown_width", f"{LY}Dense(2).build((None, None))", ValueError, ValueError,
     ("last axis", "(None, None)")),
    ("attention_on_one_tensor", f"{LY}Attention()(np.ones((1, 2, 3)))", ValueError, ValueError,
     ("Attention", "[query, value]")),
    ("attention_on_a_list_of_one", f"{LY}Attention()([np.ones((1, 2, 3))])", ValueError, ValueError,
     ("Attention", "[query, value, key]")),
    ("dot_axes_of_other_sizes", f"{LY}Dot(axes=1)([np.ones((2, 3)), np.ones((2, 4))])", ValueError, ValueError,
     ("dot", "(2, 3)", "(2, 4)", "same size")),
    ("concatenate_axis_0_other_widths", f"{LY}Concatenate(axis=0)([np.ones((2, 3)), np.ones((2, 4))])", ValueError,
     ValueError, ("Concatenate", "axis=0", "(None, 3)", "(None, 4)")),
    ("lstm_one_initial_state", f"{LY}LSTM(2)(np.ones((1, 3, 4), 'float32'), initial_state=[np.zeros((1, 2), "
     "'float32')])", IndexError, IndexError, ("LSTM", "initial_state holds 1 state", "keeps 2", "[h, c]")),
    ("gru_initial_state_of_another_width", f"{LY}GRU(2)(np.ones((1, 3, 4), 'float32'), initial_state=[np.zeros("
     "(1, 5), 'float32')])", RuntimeError, ValueError, ("gru", "h0", "(1, 2)", "(1, 5)")),
    ("multi_head_attention_mask_of_other_steps", f"{LY}MultiHeadAttention(2, 4)(np.ones((1, 3, 4), 'float32'), "
     "np.ones((1, 5, 4), 'float32'), attention_mask=np.ones((1, 3, 4), bool))", RuntimeError, ValueError,
     ("attention mask", "(1, 3, 4)", "(1, 2, 3, 5)", "(batch, query steps, value steps)")),
    ("test_on_batch_before_compile", SEQ + "m.test_on_batch(np.ones((4, 3)), np.ones((4, 2)))", ValueError,
     ValueError, ("compile",)),
]

IDENTIFIERS = [
    ("losses_get_typo", "keras.losses.get('msee')", ValueError, ValueError, ("loss", "'msee'", "mse")),
    ("metrics_get_typo", "keras.metrics.get('accuracyy')", ValueError, ValueError, ("metric", "'accuracyy'")),
    ("activations_get_typo", "keras.activations.get('relux')", ValueError, ValueError, ("activation", "'relux'")),
    ("optimizers_get_typo", "keras.optimizers.get('adamm')", ValueError, ValueError, ("optimizer", "'adamm'")),
    ("initializers_get_typo", "keras.initializers.get('onez')", ValueError, ValueError, ("initializer", "'onez'")),
    ("pad_sequences_padding_middle", "keras.utils.pad_sequences([[1, 2], [3]], padding='middle')", ValueError,
     ValueError, ("pad_sequences", "'pre' or 'post'", "padding='middle'")),
    ("pad_sequences_truncating_typo", "keras.utils.pad_sequences([[1, 2, 3], [3]], maxlen=2, truncating='mid')",
     ValueError, ValueError, ("pad_sequences", "truncating='mid'")),
    ("pad_sequences_steps_of_other_shapes", "keras.utils.pad_sequences([[[1, 2]], [[3]]])", ValueError, ValueError,
     ("pad_sequences", "(1,)", "(2,)")),
]

OPS = [
    ("ops_split_not_divisible", "keras.ops.split(np.ones(5), 2)", ValueError, ValueError,
     ("split", "(5,)", "2 equal parts")),
    ("ops_transpose_too_few_axes", "keras.ops.transpose(np.ones((2, 3)), axes=(0,))", RuntimeError, ValueError,
     ("permute", "(0,)", "2 dims")),
    ("ops_concatenate_ranks_differ", "keras.ops.concatenate([np.ones((2, 3)), np.ones(3)])", RuntimeError,
     ValueError, ("concatenate", "(2, 3)", "(3,)")),
    ("ops_stack_shapes_differ", "keras.ops.stack([np.ones(2), np.ones(3)])", RuntimeError, ValueError,
     ("stack", "(2,)", "(3,)")),
    ("ops_einsum_rank", "keras.ops.einsum('ij->ji', np.ones(3))", RuntimeError, ValueError, ("einsum", "'ij'")),
    ("ops_einsum_mixed_dtypes", "keras.ops.einsum('i,i->', np.ones(3, 'float32'), np.arange(3))", RuntimeError,
     Exception, ("einsum", "float32", "int64", "b.to(a.dtype)")),
    ("ops_take_along_axis_ranks_differ", "keras.ops.take_along_axis(np.ones((2, 3)), np.zeros(2, 'int64'), axis=1)",
     RuntimeError, ValueError, ("take_along_axis", "same number of dimensions", "(2, 3)", "(2,)", "expand_dims")),
    ("ops_broadcast_to_fewer_dims", "keras.ops.broadcast_to(np.ones((2, 3)), (3,))", RuntimeError, ValueError,
     ("broadcast_to", "(3,)", "fewer dims")),
    ("ops_tile_negative", "keras.ops.tile(np.ones(2), -1)", RuntimeError, ValueError, ("repeat", "negative")),
    ("ops_repeat_negative", "keras.ops.repeat(np.ones(2), -1)", RuntimeError, ValueError,
     ("repeat_interleave", "-1")),
    ("ops_moveaxis_past_the_rank", "keras.ops.moveaxis(np.ones((2, 3)), 0, 5)", IndexError, IndexError,
     ("movedim", "dim 5")),
    ("ops_argmax_axis_past_the_rank", "keras.ops.argmax(np.ones((2, 3)), axis=2)", IndexError, IndexError,
     ("argmax", "dim 2", "[-2, 1]")),
]

CASES = LAYERS_MODELS + IDENTIFIERS + OPS

# calls Keras accepts: ours must run and give Keras's value (the expression after the last "; ")
ACCEPTED = [
    ("ops_squeeze_an_axis_of_size_2", "keras.ops.convert_to_numpy(keras.ops.squeeze(np.ones((2, 3)), axis=0)).shape"),
    ("ops_squeeze_two_axes_one_of_size_1", "keras.ops.convert_to_numpy(keras.ops.squeeze(np.ones((1, 3)), "
     "axis=(0, 1))).shape"),
    ("conv2d_dilation_with_strides_1", f"len({LY}Conv2D(2, 3, dilation_rate=2)(np.ones((1, 8, 8, 1), 'float32'))"
     ".shape)"),
    ("separable_conv2d_strides_and_dilation", f"{LY}SeparableConv2D(2, 3, strides=2, dilation_rate=2).strides"),
    ("layer_name_with_a_dot", f"{LY}Dense(2, name='a.b').name == 'a.b'"),
    ("ops_one_hot_negative_classes", "keras.ops.convert_to_numpy(keras.ops.one_hot(np.array([0, 1]), -1)).shape"),
    ("get_layer_negative_index", SEQ + "m.get_layer(index=-1).units"),
    ("compile_twice", SEQ + "m.compile('sgd', 'mse'); m.compile('adam', 'mae'); m.loss"),
    ("flatten_of_a_vector_batch", f"keras.ops.convert_to_numpy({LY}Flatten()(np.ones(3))).shape"),
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
    monkeypatch.chdir(tmp_path)
    ours, theirs = keras_pair()
    got, expected = value_of(case[1], ours), value_of(case[1], theirs)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
