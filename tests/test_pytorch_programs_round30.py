"""PyTorch programs on ground the earlier rounds touched only lightly: torch.func model ensembling
(stack_module_state + vmap(functional_call) with in_dims, grad_and_value over the stacked parameters) and
per-sample gradients (vmap(grad) with in_dims, chunk_size, out_dims; jacrev / jacfwd with has_aux and argnums,
hessian, linearize, vjp, jvp); custom autograd.Functions with setup_context, saved outputs,
mark_non_differentiable, set_materialize_grads(False), once_differentiable, non-tensor outputs and
generate_vmap_rule=True under vmap / grad / jacrev; nn.utils.rnn end to end (pad_sequence(padding_side=),
pack_sequence / unpack_sequence, unpad_sequence, a bidirectional two-layer GRU over unsorted packed batches with
h0); variational inference with MixtureSameFamily, LowRankMultivariateNormal, TransformedDistribution with
ComposeTransform / SigmoidTransform / StickBreakingTransform, kl_divergence pairs, cdf / icdf / entropy / expand /
enumerate_support; torch.sparse (COO and CSR products, sparse.sum, sparse.softmax, to_dense gradients, a freed
graph refused) with scatter_reduce / index_reduce message passing and a GCN; nn.init schemes with seeds
(trunc_normal_, orthogonal_, sparse_, dirac_ with groups, eye_, fan_out leaky_relu Kaiming, Generators);
nn.utils.parametrize (custom parametrizations with right_inverse returning two tensors, cached(),
remove_parametrizations(leave_parametrized=)); second-order MAML with autograd.grad(allow_unused=,
materialize_grads=); masked and NaN-aware statistics (torch.masked reductions, the double-where gradient);
a Glow flow (ActNorm, invertible 1x1 convolutions through slogdet and an LU parametrisation, couplings). Run on
deepgrad with only their imports changed: they must print what PyTorch prints, number for number (two in
float32, seven in float64)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round29 import ROUND29_IMPORTS

#: the import lines these programs use: the earlier rounds' (nothing new)
ROUND30_IMPORTS = ROUND29_IMPORTS

FLOAT32_PROGRAMS = ["torch_r30_packed_bigru_utils", "torch_r30_init_schemes_train"]
FLOAT64_PROGRAMS = ["torch_r30_func_ensemble_per_sample", "torch_r30_custom_function_vmap",
                    "torch_r30_distributions_vi", "torch_r30_sparse_gnn", "torch_r30_parametrize_cached",
                    "torch_r30_maml_second_order", "torch_r30_masked_statistics", "torch_r30_glow_flow"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND30_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND30_IMPORTS)
