"""PyTorch programs on ground the earlier rounds touched only lightly: fractional max pooling (fixed
_random_samples, output_ratio, 3-D, indices into MaxUnpool2d), LPPool1d/2d/3d with ceil_mode, the 3-D paddings and
CrossMapLRN2d; the autograd graph as a user walks it (next_functions, saved fields of nodes, Node hooks and
pre-hooks, register_multi_grad_hook, get_gradient_edge, queue_callback, custom Functions with mark_dirty and
set_materialize_grads); the rarer optimisers (Adafactor, RAdam / NAdam with decoupled weight decay, Adamax, ASGD,
Rprop, Adagrad with lr_decay, SGD maximize) and the optimizer state_dict hooks with add_param_group mid-run;
likelihoods from torch.special with second-order gradients and the orthogonal polynomials; sparse embedding
gradients with SparseAdam, max_norm, padding_idx and scale_grad_by_freq; second-order gradients through the rarer
activation modules and a gradient-penalty loop; GradScaler on the CPU with skipped steps and a resumed state;
window functions, stft / istft options and a spectral-masking denoiser; Conv-BN and Linear-BN fusion with the
module utilities (skip_init, set_submodule, assign=True, to_empty); a complex-valued network with Wirtinger
gradients; a streaming IterableDataset pipeline with left padding and seeded samplers; attention under sdpa_kernel
(MATH alone or with FLASH_ATTENTION, grouped-query, masks) and a tiny causal language model. Run on deepgrad with only
their imports changed: they must print what PyTorch prints, number for number (four in float32, eight in float64
or complex128)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round31 import ROUND31_IMPORTS

#: the import lines these programs use: the earlier rounds' and torch.nn.attention's
ROUND32_IMPORTS = [("from torch.nn.attention import", "from nn.attention import")] + ROUND31_IMPORTS

FLOAT32_PROGRAMS = ["torch_r32_optimizer_hooks_zoo", "torch_r32_grad_scaler_cpu", "torch_r32_fuse_deploy_utils",
                    "torch_r32_iterable_pipeline"]
FLOAT64_PROGRAMS = ["torch_r32_sdpa_backends", "torch_r32_fractional_pooling", "torch_r32_graph_node_api", "torch_r32_special_fit",
                    "torch_r32_sparse_embeddings", "torch_r32_activation_double_backward",
                    "torch_r32_stft_windows_denoise", "torch_r32_complex_network"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND32_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND32_IMPORTS)
