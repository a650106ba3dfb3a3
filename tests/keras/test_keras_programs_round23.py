"""A twenty-third set of Keras 3 programs (tests/programs/keras_r23_*.py), each run with real Keras 3 (torch
backend) and, with only its import changed, on deepgrad, in an empty folder: both must print the same lines,
numbers equal to within float32 training noise. They cover: preprocessing layers inside a model (Normalization
adapted and inverted, Discretization in int/one_hot/count modes, CategoryEncoding with count weights) saved and
reloaded; Embedding(mask_zero=True) into LSTM/GRU, masked GlobalAveragePooling1D and a Bidirectional SimpleRNN;
metrics with their options (multi-label AUC with label weights, PR AUC, F1/FBeta averages and thresholds,
precision/recall/sensitivity/specificity at a point, MeanIoU/OneHotIoU with ignore_class, R2Score aggregations)
standalone with sample weights and in fit; losses with options and sample weights under every reduction
(Tversky, Dice, focal, Poisson, LogCosh, Huber, CTC) and in fit with validation_data=(x, y, sample_weight);
optimizers with their options (AdamW excluding variables from decay, Lion, Lamb, Adafactor, clipnorm,
global_clipnorm, clipvalue, EMA) and schedules printed per epoch; MultiHeadAttention over chosen axes of 4-D
inputs, EinsumDense, SpectralNormalization and UnitNormalization; mixed_bfloat16 / mixed_float16 policies with
loss scaling in a small fit; BackupAndRestore resuming an interrupted fit beside CSVLogger, ModelCheckpoint
(save_best_only, save_weights_only), EarlyStopping(start_from_epoch) and TerminateOnNaN; registered custom
objects through .keras, Sequential.pop/add, get_layer and freezing; a masked sequence tagger and an unmasked
one trained with per-step sample weights (also in validation_data) and weighted per-step accuracy.

The regression tests for the bugs they found are in test_round23_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_r23_preprocessing_inside_model", "keras_r23_masked_embedding_recurrent",
         "keras_r23_metric_options", "keras_r23_losses_sample_weight", "keras_r23_optimizer_options_schedules",
         "keras_r23_axes_attention_einsum_spectral", "keras_r23_mixed_precision_small_fit",
         "keras_r23_callbacks_backup_checkpoint", "keras_r23_registered_objects_surgery",
         "keras_r23_sequence_tagging_step_weights"]


@pytest.mark.parametrize("program", NAMES)
def test_round23_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 9
    _assert_same_lines(mine, theirs)
