"""A nineteenth set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They take dot-product attention in inference (Attention with score_mode "concat" and
a dropout, AdditiveAttention with a separate key, MultiHeadAttention with value_dim, output_shape and two attention
axes); recurrent layers carried across calls (Bidirectional states under every merge_mode, a backward_layer with
initial states, stateful streaming with reset_states) and masked padding through stacked and custom cells; a
Model overriding train_step / test_step with its own trackers and one overriding compute_loss; a three-headed
model with dicts for losses, weights and metrics; the built-in callbacks' verbose messages; keras.ops.linalg
decompositions and norms; keras.ops.nn's functional losses and normalizations; keras.ops.image's fill modes and
antialiased resizing; binning and search ops on ties and NaN; ConvLSTM1D/2D/3D options; fit's rarer arguments
together; and keras.ops.custom_gradient layers beside a GroupQueryAttention block.

The regression tests for the bugs they found are in test_round19_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_attention_inference_scores", "keras_bidirectional_stateful_streams", "keras_masked_rnn_cells_padding",
         "keras_train_step_trackers_losses", "keras_multi_head_weight_dicts", "keras_callbacks_verbose_messages",
         "keras_ops_linalg_decompositions", "keras_ops_nn_functional_losses", "keras_ops_image_fill_modes",
         "keras_convlstm_options_frames", "keras_fit_arguments_combined", "keras_ops_binning_edge_values",
         "keras_custom_gradient_gqa_block"]


@pytest.mark.parametrize("program", NAMES)
def test_round19_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 11
    _assert_same_lines(mine, theirs)
