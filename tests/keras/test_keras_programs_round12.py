"""A twelfth set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They cover ground the earlier rounds left: keras.Variable as user code meets it
(dtype strings, value, assign_add / assign_sub, trainable, names and paths, a layer counting its calls in a
non-trainable variable, optimizer.iterations); padding masks end to end (Masking, Embedding(mask_zero), the
`_keras_mask` on eager outputs, a custom layer that keeps the mask and one that consumes it, masked GRU / LSTM /
pooling); Attention / AdditiveAttention called with explicit masks, use_scale, score_mode="concat" and a causal
mask; a WaveNet-like stack of causal dilated Conv1D layers; a MobileNet-like DepthwiseConv2D / SeparableConv2D
classifier with its summary; segment_sum / top_k / in_top_k / argsort / one_hot / multi_hot / searchsorted /
bincount; loss objects with every reduction (focal, Huber, LogCosh, Dice, Tversky) and their configs; threshold,
top_k and class_id metrics (AUC PR, F1, MeanIoU); LearningRateScheduler + ReduceLROnPlateau + EarlyStopping in
one fit; warmup, restart and piecewise schedules; Sequential pop / add surgery with summaries; keras.utils'
pad_sequences / to_categorical / normalize; what a custom layer tracks (Variables, sublayers in lists and dicts,
constrained and regularized weights); and layers that keep running statistics in variables updated only in
training calls.

The regression tests for the bugs they found are in test_round12_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_variable_semantics", "keras_masking_end_to_end", "keras_attention_explicit_masks",
         "keras_wavenet_causal_stack", "keras_separable_depthwise_cnn", "keras_ops_segments_ranking",
         "keras_losses_reduction_zoo", "keras_metrics_thresholds_topk", "keras_lr_callbacks_together",
         "keras_schedules_warmup_piecewise", "keras_sequential_pop_summary", "keras_utils_sequences_labels",
         "keras_tracked_variables_layers", "keras_running_stats_variables"]


@pytest.mark.parametrize("program", NAMES)
def test_round12_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 11
    _assert_same_lines(mine, theirs)
