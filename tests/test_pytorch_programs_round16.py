"""PyTorch programs on ground the earlier rounds left (differentially private SGD through torch.vmap(grad(...)) with
chunk_size; printing and inspecting whole models, extra_repr and a state_dict round trip through torch.save into an
io.BytesIO), run on deepgrad with only their imports changed: they must print what PyTorch prints, number for
number (weights and data from seeded NumPy generators or torch.manual_seed; about half in float32, the rest in
float64)."""
import pytest

from tests.helpers import skip_unless_pytorch_draws_generically
from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round15 import ROUND15_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND16_IMPORTS = [
    ("from torch.autograd.graph import", "from autograd.autograd.graph import"),
] + ROUND15_IMPORTS

FLOAT32_PROGRAMS = ["torch_module_printing_bytesio", "torch_hashed_feature_crosses", "torch_repr_and_caught_errors",
                    "torch_checkpoint_dropout_rng", "torch_seeded_gumbel_categorical_vae", "torch_tabular_binning_features"]
FLOAT64_PROGRAMS = ["torch_dp_sgd_per_sample", "torch_spectral_image_filters", "torch_optimizer_in_backward_hooks", "torch_custom_function_vmap_rules", "torch_bilstm_crf_tagger", "torch_truss_structural_linalg", "torch_sparse_csr_pagerank", "torch_bayes_by_backprop"]

#: the programs whose numbers go through bernoulli_(p) (dropout masks) or exponential_ (Gumbel noise, multinomial),
#: which PyTorch may draw with MKL's generators on Intel CPUs (see round 15)
DRAWS = {"torch_checkpoint_dropout_rng": ("bernoulli",), "torch_seeded_gumbel_categorical_vae": ("exponential",)}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    skip_unless_pytorch_draws_generically(*DRAWS.get(program, ()))
    check_float32_program(program, capsys, ROUND16_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND16_IMPORTS)
