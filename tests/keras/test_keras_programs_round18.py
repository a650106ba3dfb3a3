"""An eighteenth set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They take the newer image augmentation layers seeded, in training and inference
(the colour ones — RandomColorJitter, RandomHue, RandomSaturation, RandomSharpness, RandomPosterization,
Solarization, RandomInvert, RandomGrayscale — in a Pipeline; the geometric and occluding ones — RandomPerspective,
RandomShear, RandomErasing, RandomGaussianBlur, RandomElasticTransform; CutMix, MixUp, RandAugment and AugMix
feeding a training loop) with their config round trips; Resizing with crop / pad to the aspect ratio, CenterCrop
on small inputs and the keras.ops.image crop / pad / resize, sobel / ssim / scale_and_translate / patches /
map_coordinates functions; keras.random's generators and broadcast distributions; the normalization layers'
options; rarely used metrics fed in weighted batches; optimizer options driven by hand (accumulation with EMA,
clipping, Adafactor / Ftrl / Lamb / Lion settings, a dynamic loss scale); keras.tree on namedtuples and None
leaves; model.summary on nested and shared models through print_fn; and a pre-norm transformer block
(RMSNormalization, masked attention) trained with a warm-up schedule and gradient accumulation.

The regression tests for the bugs they found are in test_round18_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_color_augment_pipeline_seeded", "keras_geometric_augment_seeded",
         "keras_resizing_aspect_interpolation", "keras_normalization_layer_options", "keras_rare_metrics_batches",
         "keras_optimizer_options_by_hand", "keras_tree_up_to_paths", "keras_summary_nested_ranges",
         "keras_ops_image_edges_ssim_patches", "keras_random_generators_layers", "keras_mixing_augment_training",
         "keras_rms_norm_text_block"]


@pytest.mark.parametrize("program", NAMES)
def test_round18_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 11
    _assert_same_lines(mine, theirs)
