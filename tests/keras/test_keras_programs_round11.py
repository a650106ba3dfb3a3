"""An eleventh set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They cover ground the earlier rounds left: a functional model with a dict of three
outputs compiled with loss / loss_weights / metrics dicts and trained and evaluated with per-output sample_weight
dicts (return_dict, test_on_batch, train_on_batch); the optimizer options clipnorm, clipvalue, global_clipnorm,
use_ema, gradient_accumulation_steps and loss_scale_factor; the mixed-precision guide's policy printouts under
mixed_float16 and mixed_bfloat16 (LossScaleOptimizer); rfft / stft / fft2 features and ops.linalg in custom
layers; custom layers drawing from their own SeedGenerator; an Embedding(mask_zero) -> LSTM -> TimeDistributed
tagger; a Conv2DTranspose / UpSampling2D denoiser with the global pooling family; a subclassed Model that
overrides compute_loss, compute_metrics, metrics and test_step; registered custom objects through get_config /
from_config / to_json / serialize_keras_object and .keras / .weights.h5 files; activity and weight regularizers with
add_loss; Normalization adapt / invert around a forecaster; metrics owned by layers, reported by fit and evaluate;
get_state_tree / set_state_tree, load_weights(skip_mismatch=True), an InputSpec and int8 quantization; and
nan-aware reductions, an ops.cdist prototype layer and a tour of less common keras.ops.

The regression tests for the bugs they found are in test_round11_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_multi_output_loss_dicts", "keras_optimizer_clipping_accumulation", "keras_mixed_precision_printouts",
         "keras_spectral_linalg_features", "keras_seed_generator_layers", "keras_masked_lstm_time_distributed",
         "keras_transpose_upsampling_pooling", "keras_compute_loss_override", "keras_registered_objects_roundtrip",
         "keras_activity_regularizers_losses", "keras_normalization_invert_forecaster", "keras_layer_owned_metrics",
         "keras_state_tree_weight_surgery", "keras_nan_features_prototypes"]


@pytest.mark.parametrize("program", NAMES)
def test_round11_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    if program in ("keras_registered_objects_roundtrip", "keras_state_tree_weight_surgery"):
        pytest.importorskip("h5py")   # they write and read .weights.h5 files
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 11
    _assert_same_lines(mine, theirs)
