"""A twenty-fourth set of Keras 3 programs (tests/programs/keras_r24_*.py), each run with real Keras 3 (torch
backend) and, with only its import changed, on deepgrad, in an empty folder: both must print the same lines,
numbers equal to within float32 training noise. They cover: the rarely trained convolution layers (SeparableConv1D,
DepthwiseConv1D, Conv1DTranspose with output_padding, SeparableConv2D, Conv3D with strides and dilation,
ZeroPadding3D, Cropping2D, bilinear UpSampling2D, GroupNormalization, LayerNormalization(rms_scaling=True)) with
summaries and a .keras round trip; Attention(score_mode="concat", use_scale=True) with a causal mask,
AdditiveAttention and GroupQueryAttention trained together; a two-output model with dict losses, loss weights,
per-output and weighted metrics, validation_split, initial_epoch, and EarlyStopping / ReduceLROnPlateau /
LearningRateScheduler printing their messages; train_step/test_step overrides with compute_loss/compute_metrics,
a Metric subclass with add_variable and a Loss subclass under every reduction; keras.utils (pad_sequences,
to_categorical, normalize, split_dataset) feeding PyDatasets into fit; the recurrent options (return_state into a
decoder's initial_state, go_backwards, unroll, Masking, Bidirectional merge modes, a custom two-state cell,
StackedRNNCells, a stateful GRU with reset_states); keras.ops.image inside registered layers; keras.random with
SeedGenerators inside layers, repeated across two fits; constraints and regularizers read back after training;
seeded augmentation layers in training and inference.

The regression tests for the bugs they found are in test_round24_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_r24_rare_conv_layers", "keras_r24_attention_variants_fit", "keras_r24_multi_output_callbacks",
         "keras_r24_custom_steps_metric_loss", "keras_r24_utils_pydataset_text", "keras_r24_recurrent_options",
         "keras_r24_image_ops_in_model", "keras_r24_random_layers_two_fits",
         "keras_r24_constraints_regularizers_fit", "keras_r24_augmentation_train_infer"]


@pytest.mark.parametrize("program", NAMES)
def test_round24_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 9
    _assert_same_lines(mine, theirs)
