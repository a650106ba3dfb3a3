"""A ninth set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They cover ground the earlier rounds left: the keras.ops.image geometry toolbox
(resize modes and aspect handling, crop / pad, affine_transform with batched matrices and fill modes,
perspective_transform, colour spaces, gaussian_blur), the keras.ops.nn activation and normalisation functions
(glu, squareplus, shrink family, moments, batch / rms / layer normalisation, psnr, dot_product_attention with mask,
bias and causality) with PReLU / ELU / ReLU layers, MelSpectrogram and STFTSpectrogram features with stft / istft,
channels_first 3D volumes (Conv3D / Conv3DTranspose, 3D pooling, padding, cropping, upsampling,
GroupNormalization) in a two-output model, the Conv1D family (causal and dilated, DepthwiseConv1D,
SeparableConv1D, Conv1DTranspose with output_padding), Gaussian-process regression on keras.ops.linalg, a domain-
adversarial model with keras.ops.custom_gradient and dict inputs / outputs / losses / sample weights, fit options
for stopping and resuming (start_from_epoch, initial_epoch, steps_per_epoch and validation_steps over a PyDataset,
ModelCheckpoint save_best_only into .weights.h5, BackupAndRestore), keras.tree and nested model inputs, custom RNN
cells with two states of different sizes (stateful, go_backwards, unroll, StackedRNNCells, masking), model
surgery (Sequential.pop, feature extraction, to_json / model_from_json, clone_model with clone_function and
input_tensors), augmentation layers with fixed factors in channels_last and channels_first, count / distribution
losses (Poisson, KLDivergence, focal, cosine, Huber, LogCosh, Tversky, Dice) with every reduction,
MultiHeadAttention masks and attention_axes, and dtype policies with float64 training and LossScaleOptimizer.

The regression tests for the bugs they found are in test_round9_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_image_ops_geometry", "keras_nn_ops_activations", "keras_audio_spectrogram_classifier",
         "keras_volumetric_channels_first", "keras_conv1d_variants", "keras_gaussian_process_linalg",
         "keras_domain_adversarial", "keras_fit_resume_schedule", "keras_nested_structures_tree",
         "keras_custom_rnn_cells", "keras_model_surgery_json", "keras_augmentation_fixed_factors",
         "keras_count_regression_losses", "keras_attention_masks_mha", "keras_dtype_policies_float64"]


@pytest.mark.parametrize("program", NAMES)
def test_round9_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    if program in ("keras_model_surgery_json", "keras_fit_resume_schedule"):
        pytest.importorskip("h5py")   # they write and read .weights.h5 files
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 11
    _assert_same_lines(mine, theirs)
