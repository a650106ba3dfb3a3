"""Three more Keras 3 programs in the style of keras.io's code examples (tests/programs/keras_*.py), each run
with real Keras 3 (torch backend) and, with only its import changed, on deepgrad, in an empty folder: both must
print the same lines, numbers equal to within float32 training noise. They cover an English-to-Spanish
sequence-to-sequence Transformer (TextVectorization, a positional embedding with a padding mask, encoder and
decoder layers with causal and padding masks, greedy decoding), a U-Net-like image segmenter (strided and
separable convolutions, transposed convolutions, upsampling, residual adds, a per-pixel softmax) and a
convolutional time-series classifier trained with ModelCheckpoint, ReduceLROnPlateau and EarlyStopping.

Keras's TextVectorization needs TensorFlow, which is not installed here: the Transformer program is then
compared with the lines real Keras printed for it (recorded with Keras 3.15.1 on torch and TensorFlow 2.21,
in tests/programs/keras_seq2seq_transformer.expected.txt); with TensorFlow installed both libraries run it.

Below them, one regression test per bug the programs found."""
import importlib.util
import warnings

import numpy as np
import pytest

from nn import keras
from nn.keras import layers, ops

from .oracle import real_keras
from .test_keras_programs import PROGRAMS, _assert_same_lines, _printed, ported, printed_by_both

NAMES = ["keras_unet_segmentation", "keras_timeseries_classification"]


@pytest.mark.parametrize("program", NAMES)
def test_example_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 15
    _assert_same_lines(mine, theirs)


def test_seq2seq_transformer_prints_what_keras_prints(capsys, tmp_path, monkeypatch):
    program = "keras_seq2seq_transformer"
    if importlib.util.find_spec("tensorflow") is not None:
        theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    else:
        theirs = (PROGRAMS / f"{program}.expected.txt").read_text().splitlines()
        source = (PROGRAMS / f"{program}.py").read_text()
        monkeypatch.chdir(tmp_path)
        keras.backend.clear_session()
        mine = _printed(ported(source), f"{program}_ours", capsys)
    assert len(theirs) >= 15
    _assert_same_lines(mine, theirs)


# ----- regression tests for the bugs these programs found ---------------------------------------------------

class _PositionalEmbedding(layers.Layer):
    def __init__(self, length, vocab, dim, **kwargs):
        super().__init__(**kwargs)
        self.tokens = layers.Embedding(vocab, dim)
        self.positions = layers.Embedding(length, dim)

    def call(self, x):
        return self.tokens(x) + self.positions(ops.arange(0, ops.shape(x)[-1], 1))


def test_positional_embedding_on_an_input_of_unknown_length_builds_as_keras():
    """A functional call on Input(shape=(None,)) traces the layer at placeholder lengths longer than the position
    table (Keras traces on torch's 'meta' device, which reads no values); called eagerly, ids out of range still
    raise."""
    K = real_keras()

    class Theirs(K.layers.Layer):
        def __init__(self, length, vocab, dim, **kwargs):
            super().__init__(**kwargs)
            self.tokens = K.layers.Embedding(vocab, dim)
            self.positions = K.layers.Embedding(length, dim)

        def call(self, x):
            return self.tokens(x) + self.positions(K.ops.arange(0, K.ops.shape(x)[-1], 1))
    shapes = []
    for k, cls in ((K, Theirs), (keras, _PositionalEmbedding)):
        inputs = k.Input(shape=(None,), dtype="int64")
        model = k.Model(inputs, cls(5, 12, 4)(inputs))
        shapes.append(tuple(model.output.shape))
        assert tuple(model(np.array([[3, 1, 2]])).shape) == (1, 3, 4)
    assert shapes[1] == shapes[0] == (None, None, 4)
    with pytest.raises(IndexError):
        model(np.zeros((1, 6), "int64"))


def test_multi_head_attention_uses_up_its_inputs_masks_as_keras():
    """Keras's MultiHeadAttention takes the query/value/key masks for its attention mask and removes them from
    those tensors, so its projections see no mask (and warn about none); the output keeps the query's mask."""
    K = real_keras()
    found = []
    for k in (K, keras):
        k.backend.clear_session()
        x = k.layers.Embedding(10, 4, mask_zero=True)(np.array([[1, 2, 0]]))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = k.layers.MultiHeadAttention(num_heads=1, key_dim=2)(x, x)
        mask_of = (lambda t: getattr(t, "_keras_mask", None)) if k is K else keras.masking.get_mask
        output_mask = mask_of(out)
        found.append((len(caught), mask_of(x) is None, None if output_mask is None
                      else np.asarray(k.ops.convert_to_numpy(output_mask)).tolist()))
    assert found[1] == found[0] == (0, True, [[True, True, False]])


def test_get_vocabulary_gives_numpy_scalars_for_tokens_as_keras():
    """Keras's lookup layers export their table through NumPy, so get_vocabulary lists the vocabulary's own tokens
    as np.str_ / np.int64 (their repr shows it) and the mask and OOV tokens as Python values; configs stay plain."""
    strings = layers.StringLookup(mask_token="")
    strings.adapt(["b", "a", "b"])
    vocabulary = strings.get_vocabulary()
    assert repr(vocabulary) == "['', '[UNK]', np.str_('b'), np.str_('a')]"
    assert [type(v) for v in vocabulary[:2]] == [str, str]
    assert repr(strings.get_vocabulary(include_special_tokens=False)) == "[np.str_('b'), np.str_('a')]"
    assert [type(v) for v in strings.get_config()["vocabulary"]] == [str] * 4
    integers = layers.IntegerLookup(vocabulary=[7, 8], mask_token=0)
    assert repr(integers.get_vocabulary()) == "[0, -1, np.int64(7), np.int64(8)]"
    text = layers.TextVectorization()
    text.adapt(["Hello, world!", "hello"])
    assert repr(text.get_vocabulary()) == "['', '[UNK]', np.str_('hello'), np.str_('world')]"
    inverse = layers.StringLookup(vocabulary=["x", "y"], invert=True)
    assert inverse(np.array([1, 2])) == ["x", "y"] and type(inverse(np.array([1]))[0]) is str
