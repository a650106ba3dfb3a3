"""A twenty-eighth set of Keras 3 programs (tests/programs/keras_r28_*.py), each run with real Keras 3 (torch
backend) and, with only its import changed, on deepgrad, in an empty folder: both must print the same lines,
numbers equal to within float32 training noise. They cover: `keras.utils.bounding_boxes` (every format conversion,
IoU and CIoU, clipping, cropping, padding, affine transforms, delta encoding) and `MaxNumBoundingBoxes`; a
`GroupQueryAttention` regressor with padding and causal masks and its scores, beside `MultiHeadAttention` over two
axes, saved and reloaded; a two-input, two-output model with loss, metric, loss-weight and sample-weight dicts;
`ContrastLimitedAdaptiveHistogramEqualization`, `RandomColorDegeneration` (a transformation drawn with a given
seed and replayed) and `elastic_transform` in a trained classifier; `ReduceLROnPlateau`, `EarlyStopping`,
`ModelCheckpoint(save_best_only=True)`, `LearningRateScheduler` and `LambdaCallback` together; a subclassed model
with its own torch-style `train_step`/`test_step`, a custom stateful metric and `train_on_batch`; padded token
sequences with masks through a bidirectional GRU and an LSTM; a convolutional autoencoder with `summary()`; the
rarer NumPy-style ops and a registered layer of sorts and einsums; `keras.random` streams and the noise layers
under `Lamb`.

The regression tests for the bugs they found are in test_round28_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_r28_box_utils", "keras_r28_gqa_encoder", "keras_r28_multi_io", "keras_r28_clahe_color",
         "keras_r28_plateau_checkpoint", "keras_r28_custom_train_step", "keras_r28_text_masking",
         "keras_r28_conv_autoencoder", "keras_r28_numpy_ops_layer", "keras_r28_noise_streams"]


@pytest.mark.parametrize("program", NAMES)
def test_round28_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 9
    _assert_same_lines(mine, theirs)
