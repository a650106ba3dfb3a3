"""A fifth set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They cover a convolutional variational autoencoder with its own train_step and
a Sampling layer, losses and metrics written with keras.ops (one_hot, top_k, take_along_axis, segment_sum,
bincount), a zoo of custom layers (initializers, regularizers, constraints, masking, .keras round trips), the
less common optimizers and options (Adagrad ... Lamb, use_ema, gradient accumulation, loss scaling), Keras's
attention layers with masks and the *_on_batch methods, and recurrent layers with older options (GRU
reset_after=False, relu / elu / hard_sigmoid activations, weight constraints, recurrent_dropout).

The regression tests for the bugs they found are in test_round5_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_vae_conv_train_step", "keras_ops_metric_loss_zoo", "keras_custom_layer_zoo", "keras_optimizer_zoo",
         "keras_attention_layers", "keras_rnn_options_forecaster", "keras_image_preprocessing_callbacks",
         "keras_nested_models_freezing", "keras_symbolic_ops_graph"]


@pytest.mark.parametrize("program", NAMES)
def test_round5_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 12
    _assert_same_lines(mine, theirs)
