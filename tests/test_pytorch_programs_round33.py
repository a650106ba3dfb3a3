"""PyTorch programs on ground the earlier rounds touched only lightly: gradients at ties and kinks (max / amax,
maximum of equal operands, clamp and hardtanh at their bounds, prod and cumprod through zeros, median and sort
ties, the where NaN trap) with a subgradient method; the rarer indexing writes (index_copy / index_fill / take /
put / scatter_reduce without self / the *_scatter family / masked_scatter) in a matrix factorisation; integer and
mixed dtypes (wraparound, result_type / promote_types / can_cast, iinfo / finfo, rounding modes, shifts) with a
fake-quantised layer; the rare elementwise functions (xlogy, logit with eps, float_power, copysign, sinc,
igamma, frexp / ldexp, nextafter) with a Beta-binomial fit; tiling and padding views (tensor_split, hsplit /
vsplit / dsplit, narrow, rot90, roll, movedim, negative pads) feeding a CNN; explicit torch.Generator sampling
(get_state / set_state, multinomial, bernoulli, poisson, the in-place distributions) in a bandit; rigid-body pose
estimation (matrix_exp of a skew matrix, Rodrigues with cross products, renorm, Kabsch, LBFGS); weight averaging
(AveragedModel with EMA, use_buffers, update_bn, SWALR); an EmbeddingBag text classifier with offsets; custom
Functions with setup_context, save_for_forward / jvp, mark_non_differentiable and once_differentiable; a
spectral feature extractor over FFT parts with signed zeros through ReLU and clamp. Run on
deepgrad with only their imports changed: they must print what PyTorch prints, number for number (five in
float32, six in float64)."""
import pytest

from tests.helpers import skip_unless_pytorch_draws_generically
from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round32 import ROUND32_IMPORTS

#: the import lines these programs use: the earlier rounds'
ROUND33_IMPORTS = ROUND32_IMPORTS

FLOAT32_PROGRAMS = ["torch_r33_integer_dtypes", "torch_r33_split_pad_views", "torch_r33_generator_sampling",
                    "torch_r33_swa_ema_bn", "torch_r33_spectral_features_zeros"]
FLOAT64_PROGRAMS = ["torch_r33_gradient_ties", "torch_r33_index_scatter_family", "torch_r33_elementwise_rare",
                    "torch_r33_pose_geometry", "torch_r33_bag_text_classifier", "torch_r33_custom_function_modes"]

#: the programs whose numbers go through bernoulli_(p) or exponential_ (multinomial), which PyTorch may draw with
#: MKL's generators on Intel CPUs (see round 15)
DRAWS = {"torch_r33_generator_sampling": ("bernoulli", "exponential")}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    skip_unless_pytorch_draws_generically(*DRAWS.get(program, ()))
    check_float32_program(program, capsys, ROUND33_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND33_IMPORTS)
