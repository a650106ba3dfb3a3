"""A twenty-second set of Keras 3 programs (tests/programs/keras_r22_*.py), each run with real Keras 3 (torch
backend) and, with only its import changed, on deepgrad, in an empty folder: both must print the same lines,
numbers equal to within float32 training noise. They cover: graph-style pooling layers on ops.segment_sum /
segment_max / top_k / searchsorted trained with class_weight and a shuffled validation_split; user-written
recurrent cells with list states under RNN(return_state), StackedRNNCells run backwards with a mask,
Bidirectional(merge_mode=None) and initial states as inputs; a video model with TimeDistributed Conv2D,
ConvLSTM2D/1D with states, a Lambda with output_shape and a SeedGenerator noise layer, from seeded
initializers; GroupQueryAttention (causal, sliding window, gate), Attention(score_mode="concat") and
AdditiveAttention with Embedding masks, and MultiHeadAttention over two axes; regularizers and constraints
printed through model.losses per epoch with LearningRateScheduler, ReduceLROnPlateau and
EarlyStopping(restore_best_weights); a two-headed model fed by a shuffled PyDataset with loss_weights and
threshold/top-k metrics as dicts; a Siamese model around a shared nested encoder (summaries, from_config,
model_from_json, clone_model, .keras); a custom Loss, Metric and Callback (stop_training, lr changes); a seeded
1-D convolutional VAE with SeedGenerator sampling and dropout/noise layers; and layers built on
ops.associative_scan, fori_loop, vectorized_map, cond and while_loop trained through fit.

The regression tests for the bugs they found are in test_round22_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_r22_segment_cluster_pooling", "keras_r22_custom_cells_bidirectional_states",
         "keras_r22_video_timedistributed_convlstm", "keras_r22_attention_masks_gqa",
         "keras_r22_regularized_callbacks_per_epoch", "keras_r22_pydataset_multi_output_weights",
         "keras_r22_nested_shared_config_roundtrip", "keras_r22_custom_loss_metric_callback",
         "keras_r22_seeded_sequence_vae", "keras_r22_ops_solver_layers"]


@pytest.mark.parametrize("program", NAMES)
def test_round22_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 9
    _assert_same_lines(mine, theirs)
