"""PyTorch programs seeded by torch.manual_seed alone, the way tutorials, courses and blog posts write them: every
weight, data point, shuffle, split, dropout mask and sample is drawn by PyTorch's generator (default layer
initialisation, nn.init's normal_ / xavier / kaiming / trunc_normal_ / orthogonal_ schemes, torch.randn / rand /
randint / randperm / bernoulli / multinomial, randn_like in a VAE, nn.Dropout in training, DataLoader shuffles,
random_split and samplers with and without a torch.Generator, and torch.distributions' samplers in policy
gradients), run on deepgrad with only their imports changed: since deepgrad's host devices draw PyTorch's CPU
numbers after the same seed, they must print what PyTorch prints, number for number."""
import pytest

from tests.helpers import skip_unless_pytorch_draws_generically
from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round14 import ROUND14_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.); the
#: PyTorch examples repository and minGPT import the optimiser and functional packages from their parents
ROUND15_IMPORTS = [
    ("from torch import optim", "from nn import optim"),
    ("from torch.nn import functional as F", "from nn import functional as F"),
] + ROUND14_IMPORTS

FLOAT32_PROGRAMS = ["torch_seeded_mlp_classifier", "torch_seeded_dcgan_init", "torch_seeded_vit_init",
                    "torch_seeded_char_rnn_sampling", "torch_seeded_vae", "torch_seeded_policy_gradient",
                    "torch_seeded_generator_pipeline", "torch_seeded_resnet_kaiming",
                    "torch_seeded_word2vec_negative_sampling", "torch_seeded_denoising_autoencoder",
                    "torch_seeded_mini_gpt", "torch_seeded_seq2seq_teacher_forcing"]
FLOAT64_PROGRAMS = ["torch_seeded_mcmc_bootstrap", "torch_seeded_mc_dropout_ensemble"]

#: the programs whose numbers go through bernoulli_(p) (dropout masks) or exponential_ (multinomial's races,
#: Exponential): PyTorch's Linux builds may draw those with MKL's generators on Intel CPUs, where they are skipped
DRAWS = {"torch_seeded_char_rnn_sampling": ("exponential",), "torch_seeded_denoising_autoencoder": ("bernoulli",),
         "torch_seeded_mc_dropout_ensemble": ("bernoulli", "exponential"),
         "torch_seeded_mini_gpt": ("bernoulli", "exponential"), "torch_seeded_mlp_classifier": ("bernoulli",),
         "torch_seeded_policy_gradient": ("bernoulli", "exponential"), "torch_seeded_resnet_kaiming": ("bernoulli",),
         "torch_seeded_seq2seq_teacher_forcing": ("bernoulli",), "torch_seeded_vit_init": ("bernoulli",)}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    skip_unless_pytorch_draws_generically(*DRAWS.get(program, ()))
    check_float32_program(program, capsys, ROUND15_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    skip_unless_pytorch_draws_generically(*DRAWS.get(program, ()))
    check_float64_program(program, capsys, ROUND15_IMPORTS)
