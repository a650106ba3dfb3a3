"""PyTorch programs from domains of their own (cross-modal nn.MultiheadAttention with kdim / vdim, add_bias_kv,
add_zero_attn and per-head weights; a SegNet decoder through MaxUnpool2d / MaxUnpool1d with LPPool and the rarer
pooling options; the less common activation modules; hand-written likelihoods from torch.special; group-by data
processing with scatter_reduce / index_reduce and friends; tensor-train networks through einsum, tensordot and
the fused multiply-adds; model surgery with ModuleDict / ParameterList and load_state_dict(strict=False); every
normalisation layer side by side; transposed-convolution decoders with output_padding, dilation and groups; a
Conv3d video model with MaxUnpool3d and ConvTranspose3d; learning-rate schedules resumed from state_dicts;
pruning with a custom method, gradient-norm clipping and Conv-BN fusion for deployment; margin and embedding
losses; count and heteroscedastic regression losses; system identification through torch.linalg.matrix_exp and
friends; packed bidirectional LSTM / ReLU-RNN encoders with proj_size and initial states; an adaptive-softmax
language model; lazy modules on channels_last; grad-mode nesting with backward(inputs=) and retain_grad;
resampling in every F.interpolate mode with test-time augmentation; patch denoising with nn.Unfold / nn.Fold;
nn.Transformer and nn.TransformerEncoder with every padding mask, in training and through PyTorch's inference
fast path), run on deepgrad with only their imports changed: they must print what PyTorch prints, number for
number (weights and data from seeded NumPy generators; about half of the programs in float32, the rest in
float64)."""
import pytest

from tests.test_pytorch_programs import NUMBER, TORCH_PREFIX, assert_same_printout, printed_by_both
from tests.test_pytorch_programs_round8 import ROUND8_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND9_IMPORTS = ROUND8_IMPORTS

FLOAT32_PROGRAMS = ["torch_mha_cross_modal", "torch_segnet_unpool", "torch_groupby_scatter", "torch_model_surgery",
                    "torch_norm_layers", "torch_conv_transpose_decoder", "torch_scheduler_resume",
                    "torch_prune_fuse_deploy", "torch_count_regression", "torch_lazy_channels_last",
                    "torch_resampling_tta", "torch_transformer_padding"]
FLOAT64_PROGRAMS = ["torch_activation_zoo", "torch_special_likelihoods", "torch_tensor_train", "torch_video_conv3d",
                    "torch_margin_losses", "torch_linear_systems", "torch_packed_rnn_encoders",
                    "torch_adaptive_softmax_lm", "torch_grad_mode_nesting", "torch_patch_denoising"]


def _last_place(text):
    """One unit in the last printed digit of the number `text` (1e-4 for '0.3507' and '2.5e-03'); 0 for an
    integer ('12', or '1.' in a tensor of whole numbers), which prints exactly."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals) if decimals or exponent else 0.0


def assert_same_printout_to_the_printed_digit(ours, theirs, rtol, atol):
    """assert_same_printout, where a number may also differ by one unit in its last printed digit: a float32 value
    that lies on a rounding boundary of a tensor's 4-decimal repr (-0.35065 printed as -0.3506 or -0.3507)."""
    ours_lines, theirs_lines = ours.splitlines(), TORCH_PREFIX.sub("", theirs).splitlines()
    assert len(ours_lines) == len(theirs_lines), (ours, theirs)
    for mine, torchs in zip(ours_lines, theirs_lines):
        assert NUMBER.split(mine) == NUMBER.split(torchs), f"\ndeepgrad: {mine}\npytorch:  {torchs}"
        for a, b in zip(NUMBER.findall(mine), NUMBER.findall(torchs)):
            assert abs(float(a) - float(b)) <= atol + rtol * abs(float(b)) + _last_place(b) * (1 + 1e-9), \
                f"{a} vs {b}\ndeepgrad: {mine}\npytorch:  {torchs}"


def check_float32_program(program, capsys, imports):
    """`program` prints what PyTorch prints, at least 12 lines, to the printed digit: float32 sums and matrix
    products are ordered differently (NumPy's pairwise and BLAS vs PyTorch's kernels), a few units in the last
    place, which training steps carry along (measured: at most 2e-6 relative); a value on a rounding boundary of
    the printout may then print one digit apart (seen under DEEPGRAD_DEVICE=numba)."""
    ours, theirs = printed_by_both(program, capsys, imports, quiet=(UserWarning,))
    assert len(ours.splitlines()) >= 12
    assert_same_printout_to_the_printed_digit(ours, theirs, rtol=1e-4, atol=1e-5)


def check_float64_program(program, capsys, imports):
    """`program`, float64 throughout, prints what PyTorch prints to rounding (decompositions, special functions
    and gradients computed by other algorithms differ in the last bits)."""
    ours, theirs = printed_by_both(program, capsys, imports, quiet=(UserWarning,))
    assert len(ours.splitlines()) >= 12
    assert_same_printout(ours, theirs, rtol=1e-7, atol=1e-9)


# PyTorch warns that lazy modules are experimental and that nested tensors are a prototype (stderr, not compared)
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    ours, theirs = printed_by_both(program, capsys, ROUND9_IMPORTS, quiet=(UserWarning,))
    assert len(ours.splitlines()) >= 12
    # float32: sums and matrix products are ordered differently (NumPy's pairwise and BLAS vs PyTorch's kernels),
    # a few units in the last place, which training steps carry along (measured: at most 2e-6 relative); a value
    # on a rounding boundary of the printout may then print one digit apart (seen under DEEPGRAD_DEVICE=numba)
    assert_same_printout_to_the_printed_digit(ours, theirs, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    ours, theirs = printed_by_both(program, capsys, ROUND9_IMPORTS, quiet=(UserWarning,))
    assert len(ours.splitlines()) >= 12
    # float64 throughout: the two libraries agree to rounding (the matrix exponential's gradient, computed by
    # another algorithm, moves the fitted system by 1e-11 relative)
    assert_same_printout(ours, theirs, rtol=1e-7, atol=1e-9)
