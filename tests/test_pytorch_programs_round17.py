"""PyTorch programs on ground the earlier rounds left (image registration through grid_sample in every mode and
padding, cross-attention with kdim/vdim and per-head masks, composed learning-rate schedules, optimiser switches
on the Rosenbrock function, nn.init on awkward shapes, arithmetic in uint8/int8/bool, EmbeddingBag with a
scatter_reduce graph layer, F.interpolate to odd sizes, curvature through torch.autograd.functional, LBFGS with a
strong-Wolfe line search, a Transformer decoded greedily, gradient clipping and its non-finite guard, Unfold/Fold
patch models with PixelShuffle and ChannelShuffle, backward hooks on modules with several outputs), run on deepgrad
with only their imports changed: they must print what PyTorch prints, number for number (weights and data from
seeded NumPy generators or torch.manual_seed; half in float32, half in float64)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round16 import ROUND16_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND17_IMPORTS = ROUND16_IMPORTS

FLOAT32_PROGRAMS = ["torch_mha_kdim_masks", "torch_init_odd_shapes", "torch_embedding_bag_scatter_gnn",
                    "torch_interpolate_odd_sizes", "torch_transformer_greedy_copy", "torch_grad_clipping_guards",
                    "torch_hooks_multi_output_shapes"]
FLOAT64_PROGRAMS = ["torch_grid_sample_registration", "torch_scheduler_compositions",
                    "torch_optimizer_flags_rosenbrock", "torch_small_int_arithmetic", "torch_functional_curvature",
                    "torch_lbfgs_wolfe_fits", "torch_fold_pixel_shuffle_patches"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND17_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND17_IMPORTS)
