"""A twenty-ninth set of Keras 3 programs (tests/programs/keras_r29_*.py), each run with real Keras 3 (torch
backend) and, with only its import changed, on deepgrad, in an empty folder: both must print the same lines,
numbers equal to within float32 training noise. They cover: the thresholded metric families with their rarer
options (AUC curves, summation methods, `multi_label` with `label_weights`, the at-point metrics with `class_id`,
Precision/Recall at `top_k`) fed in batches with weights; an optimizer keeping moving averages with
`SwapEMAWeights`, `ReduceLROnPlateau` with `cooldown`, `CSVLogger(append=True)` and `TerminateOnNaN`;
`ConvLSTM1D/2D/3D` with states passed on, `TimeDistributed` over a nested conv stack and an expanded summary;
LoRA on Conv1D/Conv2D layers; `ops.image` geometry (affine fill modes and the c0/c1 slots, map_coordinates,
extract_patches, aspect-ratio resizes) in a registered layer; custom RNN cells with two states, stacked,
bidirectional and stateful; `mixed_float16` with a `LossScaleOptimizer` growing and halving its scale; an audio
front end (`stft`/`istft`, `MelSpectrogram`, `STFTSpectrogram`); int4/int8 quantization by config objects and the
`keras.quantizers` functions; Dice, Tversky, Circle and CTC as training losses with `ctc_decode`.

The regression tests for the bugs they found are in test_round29_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_r29_metric_curves", "keras_r29_ema_callbacks", "keras_r29_convlstm_states", "keras_r29_conv_lora",
         "keras_r29_image_geometry", "keras_r29_custom_cells", "keras_r29_loss_scaling", "keras_r29_audio_frontend",
         "keras_r29_quantize_blocks", "keras_r29_rare_losses_training"]


@pytest.mark.parametrize("program", NAMES)
def test_round29_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 9
    _assert_same_lines(mine, theirs)
