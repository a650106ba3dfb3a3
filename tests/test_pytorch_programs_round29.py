"""PyTorch programs on ground the earlier rounds touched only lightly: a damped Newton optimiser on
torch.autograd.functional (hessian with vectorize=True and the forward-mode outer strategy, jacobian in both
strategies, hvp / vhp, vjp / jvp with create_graph), a Kalman filter and a Gaussian process on torch.linalg
(matrix_exp, cholesky, cholesky_solve, solve_triangular(left=False), lu_factor + lu_solve(adjoint=), lstsq), a U-Net
decoder through every upsampling path (ConvTranspose2d with output_padding / dilation / groups, PixelShuffle /
PixelUnshuffle, bicubic and antialiased interpolate, recompute_scale_factor, Upsample), an stft / istft audio
pipeline with a multi-resolution spectral loss and Griffin-Lim, the optimisers' rarer settings per step (Rprop,
ASGD, NAdam / RAdam with decoupled weight decay, Adamax, Adagrad's lr_decay, nesterov, dampening, maximize,
foreach) with state_dict resumes, LambdaLR / MultiplicativeLR / PolynomialLR / LinearLR / ConstantLR /
CosineAnnealingWarmRestarts with fractional epochs / three-phase OneCycleLR resumed from state_dicts, event-log
processing (unique(dim=), unique_consecutive, bucketize / searchsorted with sorter, histc / histogram, bincount,
cummax / cummin, diff, kthvalue, nanmedian, quantile in every interpolation), the rarely printed losses (soft-margin,
triplet with a distance function, cosine embedding, Poisson, KL with log targets, ranking, hinge, multi-margin,
4-D cross-entropy with weights + label smoothing + ignore_index), hand-unrolled LSTMCell / GRUCell loops with
LSTM(proj_size=), Bilinear, LocalResponseNorm, GroupNorm and InstanceNorm1d(track_running_stats=True), and a
Gumbel-softmax VAE with Dirichlet / Beta / Gamma reparameterised gradients; run on deepgrad with only their
imports changed: they must print what PyTorch prints, number for number (weights and data from
torch.manual_seed; five in float32, five in float64)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round28 import ROUND28_IMPORTS

#: the import lines these programs use: the earlier rounds' (nothing new)
ROUND29_IMPORTS = ROUND28_IMPORTS

FLOAT32_PROGRAMS = ["torch_r29_unet_upsampling", "torch_r29_optimizer_variants", "torch_r29_lr_schedulers_resume",
                    "torch_r29_cells_bilinear_norms", "torch_r29_gumbel_dirichlet_vae"]
FLOAT64_PROGRAMS = ["torch_r29_newton_autograd_functional", "torch_r29_kalman_gp_linalg",
                    "torch_r29_stft_spectral_loss", "torch_r29_data_processing_stats", "torch_r29_rare_losses"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND29_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND29_IMPORTS)
