"""A seventeenth set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They take fit's options one at a time (class_weight, sample_weight with a
validation triple, validation_split, initial_epoch, validation_freq as an int and a list, History's keys) and its
data paths at their edges (finite generators that run out, (x, y, w) generators, dict inputs and per-output
weights, epochs=0, a PyDataset with a short last batch); train_step / test_step / predict_step overrides with
compute_loss, compute_metrics and metrics_names; losses on sequence-shaped data with masks, per-step weights,
every reduction, Dice / Tversky axes and a loss dtype; EinsumDense over a dozen equations with bias_axes and
output_shape None entries, with LoRA on it and on an Embedding; the rarer keras.ops NumPy, nn (conv_transpose,
depthwise / separable conv, pools, depth_to_space, fold / unfold, sparsemax, polar) and linalg functions;
MultiOptimizer with an OptimizerMap and a callable, the orthogonal regularizer, min_max_norm, seeded
initializers and keras.tree; the adaptive pooling layers, ConvLSTM3D and the layer alias names; and callbacks
strung together (formatted checkpoint names, ReduceLROnPlateau cooldown, LearningRateScheduler verbose, CSVLogger
appending, TerminateOnNaN, BackupAndRestore resuming).

The regression tests for the bugs they found are in test_round17_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_ops_numpy_rarities", "keras_fit_weights_validation_freq", "keras_step_overrides_metrics_names",
         "keras_loss_shapes_masks_weights", "keras_einsum_dense_equations", "keras_ops_nn_conv_pool_rearrange",
         "keras_ops_numpy_untouched", "keras_multi_optimizer_objects", "keras_fit_data_edges",
         "keras_adaptive_pooling_aliases", "keras_callbacks_files_and_plateaus"]


@pytest.mark.parametrize("program", NAMES)
def test_round17_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 11
    _assert_same_lines(mine, theirs)
