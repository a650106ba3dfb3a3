"""A sixth set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They cover keras.ops control flow inside custom layers (scan, fori_loop,
while_loop, cond, switch, vectorized_map, associative_scan), the shape arithmetic and config round trips of the
transposed / 3-D convolution, padding, cropping and reshaping layers, every loss reduction and option (axis,
label smoothing, focal, generalized cross-entropy), threshold / curve / IoU metrics, regularizer, constraint and
initializer objects (OrthogonalRegularizer, constraints on Conv1D and Embedding), a tied-embedding language model
(ReversibleEmbedding), SwapEMAWeights and a training loop driven through CallbackList, metric learning with the
Circle loss, ops.vectorize and ops.jvp, and recurrent layers over videos (ConvLSTM1D/2D, TimeDistributed,
Bidirectional merge modes, StackedRNNCells), the optimizers Muon and ScheduleFreeAdamW, and
keras.name_scope / keras.device / keras.utils.Config, and normalization layers, activations and freezing
layers of an EinsumDense model, and keras.random's guarantees (shapes, bounds, reproducibility,
SeedGenerator state), and Lambda / merge layers glued with keras.ops.

The regression tests for the bugs they found are in test_round6_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_ops_control_flow", "keras_shape_layers_roundtrip", "keras_loss_reductions",
         "keras_threshold_iou_metrics", "keras_regularizer_constraint_objects", "keras_tied_embedding_lm",
         "keras_ema_callback_loop", "keras_metric_learning_circle", "keras_conv_recurrent_video",
         "keras_new_optimizers", "keras_scopes_and_config", "keras_norms_activations_freeze",
         "keras_random_seeds", "keras_lambda_merge_ops"]


@pytest.mark.parametrize("program", NAMES)
def test_round6_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 12
    _assert_same_lines(mine, theirs)
