"""A twentieth set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They take a two-tower model compiled with a piecewise schedule, loss objects with
their own reductions and loss_weights, rebuilt through get_config / build_from_config / compile_from_config;
keras.ops control flow (scan with tuple carries and reverse, associative_scan over pytrees, fori_loop, while_loop,
map, switch, cond) and a layer trained through ops.scan; keras.random under SeedGenerators and integer seeds and
a layer owning one; keras.ops slicing, scatters with reductions, take_along_axis and rearrange, with gradients
through slice_update; int8 and int4 post-training quantization with filters and fine-tuning; keras.ops.nn's
depth_to_space / unfold / fold / adaptive pooling / shrink activations in an ESPCN-style upscaler; keras.io's
Real NVP density flow; keras.io's gated residual / variable selection network on a dict of named inputs; and
keras.io's masked image autoencoder, masking patches with a layer's own SeedGenerator; and training resumed at
initial_epoch from a weighted PyDataset under a LearningRateScheduler, with validation_freq lists.

The regression tests for the bugs they found are in test_keras_round20_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_compile_config_schedules", "keras_ops_scan_recurrences", "keras_random_seed_generators",
         "keras_ops_slices_scatters", "keras_quantized_inference_modes", "keras_ops_nn_subpixel_patches",
         "keras_realnvp_density_flow", "keras_grn_variable_selection",
         "keras_masked_autoencoder_patches", "keras_pydataset_resumed_schedule"]


@pytest.mark.parametrize("program", NAMES)
def test_round20_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 9
    _assert_same_lines(mine, theirs)
