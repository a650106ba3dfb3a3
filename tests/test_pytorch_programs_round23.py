"""PyTorch programs on ground the earlier rounds touched only lightly: torch.linalg's rarer corners with gradients
(householder_product, ldl_factor / ldl_solve, lu_solve with adjoint / left, the *_ex info codes, svdvals,
negative matrix powers, pinv(hermitian=True), cond with every p, tensorinv / tensorsolve), classical numerical
algorithms written in torch (conjugate gradient, Newton with torch.func.hessian, power iteration, Gauss-Newton and
Levenberg-Marquardt, RK4 and velocity-Verlet simulations differentiated through every step, soft sort / rank),
matrix_exp / eig with gradients and the older torch.* spellings (geqrf, ormqr, cholesky_inverse, lu_unpack),
dtype introspection under set_default_dtype (finfo / iinfo, result_type, promote_types, can_cast), tensor
metadata (strides, storage offsets, channels_last, the new_* and *_like factories, .type()), nn.functional's rarer
losses and pooling layers with gradients, torch.utils.data in depth (nested Subsets, ChainDataset, random_split by fractions, the
samplers with generators, default_collate of namedtuples and nested tuples) and random-state handling
(get_rng_state / set_rng_state, fork_rng, Generator get_state / set_state / clone_state, generator= on every
sampler); run on deepgrad with only their imports changed: they must print what PyTorch prints, number for number
(weights and data from seeded NumPy generators or torch.manual_seed; half in float32, half in float64)."""
import pytest

from tests.helpers import skip_unless_pytorch_draws_generically
from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round22 import ROUND22_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND23_IMPORTS = ROUND22_IMPORTS

FLOAT32_PROGRAMS = ["torch_data_sampler_collate_depth", "torch_rng_state_replay", "torch_tensor_metadata_layout",
                    "torch_rk4_nbody_softsort"]
FLOAT64_PROGRAMS = ["torch_linalg_factor_corners", "torch_classical_solvers", "torch_dtype_introspection_defaults",
                    "torch_rare_losses_pooling_grads", "torch_linalg_spectral_legacy_forms"]

#: the programs whose numbers go through bernoulli_(p) (dropout masks) or exponential_ (multinomial,
#: exponential_), which PyTorch may draw with MKL's generators on Intel CPUs (see round 15)
DRAWS = {"torch_rng_state_replay": ("bernoulli", "exponential")}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    skip_unless_pytorch_draws_generically(*DRAWS.get(program, ()))
    check_float32_program(program, capsys, ROUND23_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    skip_unless_pytorch_draws_generically(*DRAWS.get(program, ()))
    check_float64_program(program, capsys, ROUND23_IMPORTS)
