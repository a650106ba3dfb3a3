"""PyTorch programs on ground the earlier rounds touched only lightly: stochastic weight averaging and EMA with
update_bn beside momentum-cycling schedulers (three-phase OneCycleLR, CyclicLR exp_range, warm restarts with
fractional epochs), torch.distributions' bijections (stick-breaking, correlation Cholesky, biject_to /
transform_to) and KL pairs with a user-registered one, nn.utils' weight_norm in both forms with every clipping
option and unsorted packed sequences, custom Functions in forward and reverse mode (setup_context with jvp,
mark_non_differentiable, once_differentiable, set_materialize_grads) with func.hessian over buffers, gradients
through torch.linalg's decompositions and their *_ex info codes, data pipelines mixing iterable and map-style
datasets (default_convert, ChainDataset, random_split by fractions, batch samplers), module and tensor hooks over a
model's life (with_kwargs, always_call, full backward pre-hooks, post-accumulate steps, state-dict hooks),
attention with grouped key/value heads and every mask form, feature selection through advanced indexing,
quantiles and stable sorts, and hypergradients through SGD / Adam steps built with differentiable=True; run on
deepgrad with only their imports changed: they must print what PyTorch prints, number for number (weights and
data from torch.manual_seed and seeded NumPy generators; six in float32, four in float64)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round24 import ROUND24_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND25_IMPORTS = ROUND24_IMPORTS

FLOAT32_PROGRAMS = ["torch_r25_swa_ema_cyclic_schedules", "torch_r25_weight_norm_clip_packing",
                    "torch_r25_data_streams_converts", "torch_r25_hooks_lifecycle",
                    "torch_r25_attention_gqa_options", "torch_r25_feature_selection_order_stats"]
FLOAT64_PROGRAMS = ["torch_r25_distribution_transforms_kl", "torch_r25_custom_function_dual_modes",
                    "torch_r25_linalg_decomposition_grads", "torch_r25_differentiable_optimizer_hypergrad"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND25_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND25_IMPORTS)
