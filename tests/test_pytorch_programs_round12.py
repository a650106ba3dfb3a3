"""PyTorch programs from ground the earlier rounds left open (BERT-style masked-LM pretraining with a tied decoder;
a diffusion U-Net with GroupNorm, sinusoidal time embeddings, attention and DDIM steps; a ResNet trainer with
OneCycleLR, label smoothing and no-decay param groups; CLIP's symmetric contrastive loss with a clamped learnable
temperature; RealNVP coupling flows with log-determinants checked against the Jacobian; integer index bookkeeping
through bincount, histc, unique, searchsorted, bucketize and scatter_reduce; the torch.nn.utils helpers with
weight_norm and the rnn utilities; the nn.Module bookkeeping APIs; batched torch.linalg norms, ranks, conditions
and eigenvalues; a complex-valued network with Wirtinger gradients and FFT convolution; im2col through
Unfold / Fold with padding modes, depthwise-separable convs and ConvTranspose3d; adaptive pooling, antialiased
interpolation and grid_sample padding modes; quantile and ranking losses with -inf masking and stable log-space
math; the nn.init schemes by their deterministic properties; k-means and a Gaussian-mixture EM), run on deepgrad
with only their imports changed: they must print what PyTorch prints, number for number (weights and data from
seeded NumPy generators; float32, and float64 where the program is about precision)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round11 import ROUND11_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND12_IMPORTS = ROUND11_IMPORTS

FLOAT32_PROGRAMS = ["torch_bert_mlm_pretrain", "torch_diffusion_unet", "torch_onecycle_resnet",
                    "torch_clip_contrastive", "torch_index_bookkeeping", "torch_nn_utils_tour",
                    "torch_module_api_tour", "torch_im2col_conv_modes", "torch_resize_and_sample",
                    "torch_stable_ranking_losses", "torch_init_schemes"]
FLOAT64_PROGRAMS = ["torch_realnvp_coupling", "torch_batched_linalg", "torch_complex_network",
                    "torch_kmeans_gmm_em"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND12_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND12_IMPORTS)
