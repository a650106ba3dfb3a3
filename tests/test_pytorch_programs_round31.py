"""PyTorch programs on ground the earlier rounds touched only lightly: the rare losses and bags
(multilabel_margin_loss with -1 padding, multilabel_soft_margin_loss with weights, poisson_nll_loss(full=True),
gaussian_nll_loss with clamped variances, triplet_margin_with_distance_loss with swap, embedding_bag in mode='max'
with include_last_offset and per_sample_weights); iterative pruning (random_structured, ln_structured with n=inf,
l1_unstructured with importance_scores, identity, global_unstructured, the PruningContainer, is_pruned, remove);
module hooks with keyword arguments (with_kwargs=True pre- and forward hooks, prepend=, always_call=, the global
register_module_* hooks, full backward pre-hooks, state_dict post hooks); saved-tensor hooks (counting, float32
compression, nesting, save_on_cpu, disable_saved_tensors_hooks, checkpoint(use_reentrant=False)); rarely printed
schedulers (CosineAnnealingWarmRestarts(T_mult=2) with fractional epochs, CyclicLR exp_range/triangular2 with
momentum, OneCycleLR(three_phase=True), PolynomialLR, ChainedScheduler, ReduceLROnPlateau(threshold_mode='abs',
cooldown=)) resumed from state dicts; data composition (ConcatDataset, ChainDataset, StackDataset, random_split with
fractions, WeightedRandomSampler / SubsetRandomSampler with generators, BatchSampler, default_collate of dicts,
namedtuples and nested lists); linear algebra in optimisation loops (svd_lowrank / pca_lowrank / lobpcg, lstsq
drivers, cholesky_ex, solve_triangular(left=False), pinv(hermitian=True), eigh, matrix_exp); an N-D spectral model
(rfftn / irfftn with s=, hfft / ihfft, hfft2 / ihfft2, fftshift, fftfreq); forward-mode AD through a network with a
custom Function's jvp, trained on its tangent; gradient utilities and patch ops (fold / unfold, pixel_unshuffle,
local_response_norm, antialiased bicubic interpolate, affine_grid + grid_sample, get_total_norm /
clip_grads_with_norm_, vector_to_parameters, optimizer steps in post-accumulate-grad hooks, inference_mode and
set_grad_enabled as decorators); bfloat16 autocast training through every normalisation layer (InstanceNorm2d with
affine weights and running statistics after an autocast convolution). Run on deepgrad with only their imports changed: they must print
what PyTorch prints, number for number (four in float32, seven in float64)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round30 import ROUND30_IMPORTS

#: the import lines these programs use: the earlier rounds' (nothing new)
ROUND31_IMPORTS = ROUND30_IMPORTS

FLOAT32_PROGRAMS = ["torch_r31_prune_schedule_train", "torch_r31_rare_schedulers", "torch_r31_data_composition",
                    "torch_r31_autocast_norms_bf16"]
FLOAT64_PROGRAMS = ["torch_r31_rare_losses_bags", "torch_r31_module_hooks_kwargs", "torch_r31_saved_tensor_hooks",
                    "torch_r31_grad_utils_patches",
                    "torch_r31_linalg_lowrank_fit", "torch_r31_spectral_nd_model", "torch_r31_forward_ad_network"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND31_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND31_IMPORTS)
