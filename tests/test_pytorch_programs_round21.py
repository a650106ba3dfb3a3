"""PyTorch programs seeded with torch.manual_seed alone whose printed numbers hang on PyTorch's exact order of random
draws: stacked nn.LSTM / nn.GRU with inter-layer dropout in training, nn.TransformerEncoder/DecoderLayer stacks with
dropout in training, channel dropout (F.dropout1d/2d/3d, in place too), AlphaDropout / FeatureAlphaDropout and RReLU,
torch.distributions samplers (rsample, Categorical, Bernoulli, Gamma / Beta / Dirichlet, MultivariateNormal), nn.init
schemes with modes, gains and a Generator, multinomial text sampling with a private Generator interleaved with the
global stream, and the *_like / tensor-parameter random ops (bernoulli, poisson, normal(mean, std), out=) after
changing dtypes, and float16 / bfloat16 training with dropout and SGD beside draws in every dtype; run on deepgrad with only their imports changed: they must print what PyTorch prints, number for number (half in
float32, half in float64)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.helpers import skip_unless_pytorch_draws_generically
from tests.test_pytorch_programs_round20 import ROUND20_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND21_IMPORTS = ROUND20_IMPORTS

FLOAT32_PROGRAMS = ["torch_seeded_stacked_rnn_dropout", "torch_seeded_init_modes_generators",
                    "torch_seeded_random_like_dtypes", "torch_seeded_low_precision_streams"]
FLOAT64_PROGRAMS = ["torch_seeded_transformer_layers_dropout", "torch_seeded_feature_dropout_rrelu",
                    "torch_seeded_distribution_samplers", "torch_seeded_multinomial_text_sampling"]

#: the programs whose numbers go through bernoulli_(p) (dropout masks) or exponential_ (multinomial, Exponential),
#: which PyTorch may draw with MKL's generators on Intel CPUs (see round 15)
DRAWS = {"torch_seeded_stacked_rnn_dropout": ("bernoulli",), "torch_seeded_transformer_layers_dropout": ("bernoulli",),
         "torch_seeded_feature_dropout_rrelu": ("bernoulli",), "torch_seeded_distribution_samplers": ("bernoulli",),
         "torch_seeded_multinomial_text_sampling": ("exponential",),
         "torch_seeded_random_like_dtypes": ("bernoulli", "exponential"),
         "torch_seeded_low_precision_streams": ("bernoulli",)}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    skip_unless_pytorch_draws_generically(*DRAWS.get(program, ()))
    check_float32_program(program, capsys, ROUND21_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    skip_unless_pytorch_draws_generically(*DRAWS.get(program, ()))
    check_float64_program(program, capsys, ROUND21_IMPORTS)
