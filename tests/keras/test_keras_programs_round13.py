"""A thirteenth set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They cover ground the earlier rounds left: a character-level LSTM trained with
train_on_batch / test_on_batch / predict_on_batch and sampled at a temperature with keras.random.categorical;
fit's options combined (validation_split without shuffling, class_weight, sample_weight with weighted
validation data, initial_epoch, steps_per_epoch over a generator) and the History they leave; Metric subclasses
with their own state, MeanMetricWrapper, Sum and Mean, and custom metrics in compile; layers built from ops.scan /
fori_loop / while_loop / cond / vectorized_map / associative_scan; a conditional GAN's train_step with two
optimizers; functional surgery (shared encoders, feature extractors over get_layer(...).output, a new head on a
frozen trunk, from_config); custom Loss subclasses registered, saved in a .keras file and loaded back; and an
augmentation Sequential called on images first, then nested in a model whose summary expands it; Sequential
models given no Input, built by fit, predict, a call or build, and what they report (summary, shapes, names);
regularizers and constraints on fixed matrices and during fit.

The regression tests for the bugs they found are in test_round13_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_char_lstm_sampling", "keras_fit_options_combo", "keras_metric_subclasses_wrappers",
         "keras_ops_loops_in_layers", "keras_conditional_gan_loop", "keras_functional_surgery_extractors",
         "keras_custom_loss_saving", "keras_augment_in_model_summary", "keras_sequential_built_by_data",
         "keras_regularized_constrained_fit"]


@pytest.mark.parametrize("program", NAMES)
def test_round13_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 11
    _assert_same_lines(mine, theirs)
