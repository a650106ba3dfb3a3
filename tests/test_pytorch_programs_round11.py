"""PyTorch programs from domains the earlier rounds left out (how tensors print across magnitudes and under
set_printoptions; integer division, remainders, shifts and overflow on negatives; distributions beyond the Normal
with kl_divergence across families and transformed distributions; Cox survival models through logcumsumexp;
numerical calculus with torch.gradient, trapezoid and vander / lstsq fits; the rarer elementwise math with its
gradients; order statistics with ties, histograms and quantile modes; module hooks with kwargs, backward
pre-hooks, state_dict hooks and global forward hooks; composed learning-rate schedules; per-group optimizer
options and state_dict round trips; a LLaMA-style block with RoPE, RMSNorm, SwiGLU, grouped-query attention and
a KV cache; EmbeddingBag recommendation models; custom Functions with mark_dirty, set_materialize_grads,
setup_context and once_differentiable; Procrustes / PCA through SVD, eigh, QR and Cholesky; ShuffleNet /
MobileNet blocks; FIR filter design with every window function, FFT convolution and an STFT round trip), run on deepgrad with only their imports changed: they must print what PyTorch prints, number
for number (weights and data from seeded NumPy generators; float32, and float64 where the program is about
precision)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round10 import ROUND10_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND11_IMPORTS = ROUND10_IMPORTS

FLOAT32_PROGRAMS = ["torch_tensor_printing", "torch_integer_semantics", "torch_cox_survival", "torch_ranking_ties",
                    "torch_module_hooks_kwargs", "torch_lr_schedule_zoo", "torch_optimizer_param_groups",
                    "torch_llama_block", "torch_embedding_bag_recsys", "torch_shufflenet_blocks"]
FLOAT64_PROGRAMS = ["torch_distribution_families", "torch_numerical_calculus", "torch_special_math",
                    "torch_function_ctx_options", "torch_procrustes_pca", "torch_fir_filter_design"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND11_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND11_IMPORTS)
