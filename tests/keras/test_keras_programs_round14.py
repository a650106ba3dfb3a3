"""A fourteenth set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They follow keras.io's guides end to end and the options users combine: every
learning-rate schedule's less common options printed per step and round-tripped through its config; each
optimizer option (clipping, weight decay with exclusions, EMA, gradient accumulation) on one regression; losses
with label smoothing, ignore_class, focal options, reductions and sample weights; curve, threshold, top-k, IoU,
F-score, R2 and correlation metrics fed batch by batch; a custom callback recording every hook with its logs next
to EarlyStopping / ReduceLROnPlateau / LearningRateScheduler / TerminateOnNaN; the Sequential and Functional API
guides (summaries, feature extractors, clone_model, nested models, shared layers, multi-input / multi-output fit);
serialize_keras_object's dicts and .keras / .weights.h5 round trips; ops numerics (einsum, top_k, segments,
moments, linalg); a torch-style custom train_step / test_step / predict_step; subclassed layers with add_weight,
add_loss and nested weights; and a training loop from scratch with optimizer.build, apply_gradients and
stateless_call; compile's metrics / weighted_metrics per output with their log names, get_compile_config and a
ModelCheckpoint / CSVLogger on a per-output metric; and summary's options on a frozen nested backbone.

The regression tests for the bugs they found are in test_round14_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_schedule_zoo_per_step", "keras_optimizer_options_ema_decay", "keras_losses_options_weights",
         "keras_metrics_curves_iou_topk", "keras_callback_hooks_logs", "keras_sequential_guide_end_to_end",
         "keras_serialize_objects_dicts", "keras_ops_numerics_tour", "keras_custom_fit_torch_steps",
         "keras_subclass_layers_weights_losses", "keras_functional_guide_multi_io",
         "keras_scratch_loop_apply_gradients", "keras_compile_metrics_naming", "keras_summary_options_frozen"]


@pytest.mark.parametrize("program", NAMES)
def test_round14_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 11
    _assert_same_lines(mine, theirs)
