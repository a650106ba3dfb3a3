"""PyTorch programs on ground the earlier rounds left (random_split + WeightedRandomSampler + a padding
collate_fn, a ResNet inspected through OrderedDict names and frozen with per-group learning rates, a GRU
seq2seq over packed unsorted batches, least squares and PCA through torch.linalg with gradients, a learnable
rfft filter layer, REINFORCE with Categorical / Independent Normal / MultivariateNormal and their KL terms,
bfloat16 autocast dtype traces, cumulative BatchNorm with non-persistent buffers and strict=False loading,
k-NN and quantisation through cdist / unique / bucketize / searchsorted / histc, einsum + baddbmm attention, a
char-CNN with padding_idx, InfoNCE pretraining followed by KLDivLoss(log_target=True) distillation, a 2018-style
VAE with Variable and size_average=False, hard-example mining over per-sample losses in keyword style), run on
deepgrad with only their imports changed: they must print what PyTorch prints, number for number (weights and
data from seeded NumPy generators or torch.manual_seed; half in float32, half in float64)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round17 import ROUND17_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND18_IMPORTS = ROUND17_IMPORTS + [("from torch.autograd import", "from autograd.autograd import")]

FLOAT32_PROGRAMS = ["torch_weighted_sampler_split_collate", "torch_resnet_named_freeze_groups",
                    "torch_autocast_bf16_dtype_trace", "torch_char_cnn_padding_idx", "torch_infonce_distill_kldiv", "torch_legacy_idioms_vae"]
FLOAT64_PROGRAMS = ["torch_gru_seq2seq_packed_unsorted", "torch_linalg_lstsq_pca_grads",
                    "torch_rfft_spectral_filter_layer", "torch_distributions_policy_kl",
                    "torch_cumulative_bn_buffers_accum", "torch_knn_quantisation_bins", "torch_einsum_baddbmm_attention",
                    "torch_hard_example_mining_losses"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND18_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND18_IMPORTS)
