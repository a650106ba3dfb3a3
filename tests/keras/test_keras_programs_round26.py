"""A twenty-sixth set of Keras 3 programs (tests/programs/keras_r26_*.py), each run with real Keras 3 (torch
backend) and, with only its import changed, on deepgrad, in an empty folder: both must print the same lines,
numbers equal to within float32 training noise. They cover: `keras.ops.image` (`resize` with each interpolation
Keras's torch backend takes, with and without `antialias`, growing and shrinking, the aspect-ratio options,
`crop_images`/`pad_images`, `rgb_to_grayscale`, `rgb_to_hsv`/`hsv_to_rgb`, `affine_transform` with every fill
mode) and a registered layer built on them trained and reloaded; the rarely printed losses (`Tversky`, `Dice(axis=)`,
the focal cross-entropies with alpha/gamma/class balancing/label smoothing, `Huber(delta=)`, `LogCosh`, `Poisson`,
`CosineSimilarity(axis=0)`, `Circle`) under every reduction with sample weights, and models trained on them;
`BackupAndRestore` resuming an interrupted fit (per epoch and every N batches), `CSVLogger(append=True)`,
`LambdaCallback`, `TerminateOnNaN`, `SwapEMAWeights`, `LearningRateScheduler` with `ReduceLROnPlateau`; `RNN` over a
list of cells with `return_state`, `StackedRNNCells` with nested states and `go_backwards`,
`Bidirectional(merge_mode=None)`, `TimeDistributed` of a functional model and `ConvLSTM1D` in a two-input model
with its `summary()` and `.keras` reload; `mixed_bfloat16`/`mixed_float16` policies with the dtypes of layers,
weights and outputs, a `LossScaleOptimizer` in `fit` and driven by `apply` over an infinite gradient;
`pad_sequences`/`to_categorical`/`normalize(order=)` and a `PyDataset` whose `__len__` grows in `on_epoch_end`
beside a `keras.utils.Sequence`; `GroupNormalization`/`UnitNormalization`/`RMSNormalization`/
`SpectralNormalization` and `EinsumDense` with odd equations; `MultiHeadAttention` (explicit, causal and
`attention_axes` masks, scores), `GroupQueryAttention`, `Attention(score_mode="concat", use_scale=True)` and
`AdditiveAttention` with query/value masks, and an Embedding-masked encoder of them; `Normalization.adapt` over
several axes, `Discretization` and `CategoryEncoding(count_weights=)` in a tabular model saved and reloaded;
seeded `RandomZoom`/`RandomRotation`/`RandomTranslation` with every fill mode and interpolation and the colour
and erasing layers, and an augmentation block trained inside `fit`.

The regression tests for the bugs they found are in test_round26_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_r26_image_ops_model", "keras_r26_rare_losses", "keras_r26_callbacks_resume",
         "keras_r26_stacked_cells_video", "keras_r26_mixed_precision_dtypes", "keras_r26_utils_sequences_data",
         "keras_r26_norm_layers_einsum", "keras_r26_attention_masks_scores", "keras_r26_preprocessing_trained",
         "keras_r26_augmentation_fill_modes"]


@pytest.mark.parametrize("program", NAMES)
def test_round26_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 9
    _assert_same_lines(mine, theirs)
