"""More Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and, with only
its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to within
float32 training noise. They cover preprocessing layers, a transformer block with masks, a causal Conv1D
forecaster with callbacks and .weights.h5 checkpoints, learning-rate schedules and gradient clipping, custom
Loss/Metric classes with class and sample weights, a masked sequence tagger, a PyDataset image classifier,
transfer learning with a shared functional backbone and clone_model, a subclassed model with its own steps,
and a functional model built with keras.ops on symbolic tensors."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_preprocessing_features", "keras_transformer_classifier", "keras_timeseries_conv1d",
         "keras_optimizer_schedules", "keras_custom_loss_metric", "keras_sequence_tagger", "keras_pydataset_images",
         "keras_transfer_learning", "keras_custom_step_regularized", "keras_functional_ops"]


@pytest.mark.parametrize("program", NAMES)
def test_more_keras_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 8
    _assert_same_lines(mine, theirs)
