"""PyTorch programs on ground the earlier rounds touched only lightly: a Fourier neural operator (rfft2 / irfft2
spectral convolutions with complex-valued Parameters trained by Adam), a spatial transformer (affine_grid and
grid_sample in every mode, padding_mode and align_corners), a CTC recogniser (padded and concatenated targets,
zero_infinity, every reduction, greedy decoding), a two-tower recommender (sparse embeddings under SparseAdam,
Adafactor, RMSNorm, embedding_bag with per_sample_weights and padding_idx), pruning and parametrizations trained
(l1 / random-structured / global pruning and remove; spectral_norm, orthogonal, weight_norm), grouped-query and
masked attention (TransformerDecoderLayer(norm_first=True), MultiheadAttention's per-head weights,
scaled_dot_product_attention with enable_gqa / is_causal / scale), custom autograd Functions in the setup_context
style with checkpointing, deep CCA / PCA / QR losses with cdist k-NN, and a distributions ELBO under SequentialLR /
ChainedScheduler / ReduceLROnPlateau(threshold_mode='abs'); run on deepgrad with only their imports changed: they
must print what PyTorch prints, number for number (weights and data from torch.manual_seed; six in float32, three
in float64)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round27 import ROUND27_IMPORTS

#: the import lines these programs use: the earlier rounds' (nothing new)
ROUND28_IMPORTS = ROUND27_IMPORTS

FLOAT32_PROGRAMS = ["torch_r28_fourier_neural_operator", "torch_r28_ctc_recognizer",
                    "torch_r28_sparse_recsys_sparseadam", "torch_r28_prune_parametrize_train",
                    "torch_r28_gqa_decoder_attention", "torch_r28_vae_distributions_schedulers"]
FLOAT64_PROGRAMS = ["torch_r28_spatial_transformer", "torch_r28_custom_function_checkpoint", "torch_r28_pca_cca_knn"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND28_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND28_IMPORTS)
