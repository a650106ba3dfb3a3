"""A sixteenth set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They go deep into the recurrent family (keras.layers.RNN over a custom two-state
cell and StackedRNNCells, go_backwards, unroll, initial_state, stateful chunks and reset_states; Bidirectional in
every merge mode with an explicit backward_layer; ConvLSTM1D/2D options and TimeDistributed convolutions), the
Attention / AdditiveAttention score modes and masks, the deterministic image preprocessing layers and Pipeline,
keras.ops signal processing (fft, rfft, stft / istft windows) and keras.ops.image colour and geometry, metrics
streamed by hand (result between batches, sample weights, reset_state, every F1 / R2 / IoU option), and
Layer.add_weight's options under float32 and mixed_float16; a run handed over to a fresh model by hand (optimizer
save_own_variables / load_own_variables / set_weights, compile's attributes, the older on_batch_* hooks) and an
EarlyStopping run inspected afterwards (stopped_epoch, best_weights, the recurrent layers' settings, loss options,
cloned initializers); and a tagger whose BatchNormalization, GroupNormalization and LSTMCell carry weight
constraints, scored with SparseCategoricalCrossentropy's ignore_class.

The regression tests for the bugs they found are in test_round16_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_rnn_custom_cell_stacked", "keras_bidirectional_merge_backward", "keras_image_layers_deterministic",
         "keras_metric_state_streaming", "keras_ops_fft_stft_windows", "keras_ops_image_color_affine",
         "keras_add_weight_options", "keras_convlstm_timedistributed_video", "keras_attention_score_modes",
         "keras_optimizer_state_handover", "keras_early_stopping_introspection", "keras_constrained_norms_tagger"]


@pytest.mark.parametrize("program", NAMES)
def test_round16_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 11
    _assert_same_lines(mine, theirs)
