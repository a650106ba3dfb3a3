"""PyTorch programs on ground the earlier rounds touched only lightly: exact Gaussian-process regression through
Cholesky solves with marginal-likelihood gradients, a physics-informed network with second derivatives and
torch.autograd.functional's curvature products, a graph network pooled with index_add_ / scatter_reduce /
segment_reduce, a top-2 mixture of experts with capacity and load-balancing losses, a linear-attention scan in its
parallel and recurrent forms with cumprod / logcumsumexp / cummax, a RealNVP flow beside library transforms, a
mixture-density network through MixtureSameFamily, quantile / Huber / smoothed and weighted classification losses,
a packed bidirectional GRU under OneCycleLR / CyclicLR / warm restarts with stochastic weight averaging, and
InfoNCE with a learnable temperature followed by an LBFGS linear probe; run on deepgrad with only their imports
changed: they must print what PyTorch prints, number for number (weights and data from torch.manual_seed; seven in
float32, three in float64)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round26 import ROUND26_IMPORTS

#: the import lines these programs use: the earlier rounds' (nothing new)
ROUND27_IMPORTS = ROUND26_IMPORTS

FLOAT32_PROGRAMS = ["torch_r27_gnn_segment_pooling", "torch_r27_moe_topk_routing", "torch_r27_realnvp_flow",
                    "torch_r27_mixture_density_net", "torch_r27_robust_losses", "torch_r27_packed_gru_schedules",
                    "torch_r27_contrastive_lbfgs"]
FLOAT64_PROGRAMS = ["torch_r27_gp_marginal_likelihood", "torch_r27_pinn_second_derivatives",
                    "torch_r27_linear_recurrence_scan"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND27_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND27_IMPORTS)
