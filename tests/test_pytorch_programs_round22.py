"""PyTorch programs on ground the earlier rounds touched only lightly: the scatter / index family in depth with
gradients (index_put_ accumulating repeated indices, scatter_reduce and index_reduce with every reduce, the
out-of-place *_scatter ops, take_along_dim, put_), tensor geometry (unfold windows, as_strided views, narrow,
movedim with negative dims, tensor_split / hsplit / vsplit / dsplit, unflatten, atleast_*, tile), numerical
helpers (diff, gradient, trapezoid, scans with gradients, histograms, order statistics), torch.func and
torch.autograd.functional with their less common options, nn.Module plumbing (buffers, submodules, state-dict
hooks, global hooks) and nn.utils (gradient clipping, flat parameter vectors, padded and packed sequences); run
on deepgrad with only their imports changed: they must print what PyTorch prints, number for number (weights and
data from seeded NumPy generators or torch.manual_seed; half in float32, half in float64)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round21 import ROUND21_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND22_IMPORTS = ROUND21_IMPORTS + [("from torch.nn.modules.module import", "from nn.modules.module import")]

FLOAT32_PROGRAMS = ["torch_strided_windows_geometry", "torch_module_plumbing_hooks",
                    "torch_nn_utils_sequences_clipping", "torch_global_module_hooks_audit",
                    "torch_rigid_body_kinematics"]
FLOAT64_PROGRAMS = ["torch_scatter_family_grads", "torch_func_transforms_depth",
                    "torch_autograd_functional_options", "torch_sensor_calculus_stats"]


# PyTorch warns that index_reduce is in beta (stderr, not compared)
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND22_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND22_IMPORTS)
