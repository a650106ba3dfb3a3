"""A twenty-first set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend)
and, with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal
to within float32 training noise. They port keras.io examples at toy size, each saved and reloaded: number
addition with an LSTM encoder, RepeatVector and an LSTM decoder (.keras round trip, training resumed); the
character-level seq2seq whose encoder and step decoder inference models are rebuilt from a reloaded model's
layer outputs; a mixture density network with a registered layer and a keras.ops mixture likelihood;
attention-based multiple instance learning with a list-returning gated attention layer and .weights.h5 files;
PixelCNN's masked convolutions assigning their kernels in call, sampled pixel by pixel; a deep and cross network
over a nested, partly frozen functional encoder (summary with expand_nested and show_trainable, from_config);
Zero-DCE's curve estimation with keras.ops losses in a custom train_step; a BERT-style masked language model as a
functional subclass with compute_loss, sample weights and a Mean tracker; and a Transformer timeseries classifier
with Conv1D feed-forward layers and a best-model checkpoint.

The regression tests for the bugs they found are in test_keras_round21_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_addition_rnn_repeat_vector", "keras_lstm_seq2seq_inference", "keras_mixture_density_network",
         "keras_mil_attention_bags", "keras_pixelcnn_masked_conv", "keras_deep_cross_nested_encoder",
         "keras_zero_dce_curve_losses", "keras_masked_lm_sample_weights", "keras_timeseries_transformer_classifier"]


@pytest.mark.parametrize("program", NAMES)
def test_round21_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 9
    _assert_same_lines(mine, theirs)
