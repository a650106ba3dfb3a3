"""PyTorch programs on ground the earlier rounds touched only lightly: a Levenberg-Marquardt fit written with
torch.func (functional_call, jacrev / jacfwd over a parameter dict, grad with has_aux, vjp with has_aux, jvp,
linearize, hessian, vmap per-sample gradients and a stack_module_state ensemble); distribution plumbing (register_kl
for a subclass, kl_divergence across families, biject_to / transform_to of constraints, TransformedDistribution
chains, MixtureSameFamily and Independent fitted by rsample); an image pyramid through interpolate's 'area',
'nearest-exact' and antialiased bilinear / bicubic modes; stride-level views (stride(), as_strided, Tensor.unfold,
einsum with an ellipsis, kron, block_diag, cartesian_prod, combinations, tril_indices); sparse COO and CSR matrices
in label propagation and a graph model; and orthogonal (every map), spectral_norm, weight_norm and a user
parametrization on an RNN; MultiheadAttention with kdim / vdim, bool and float padding masks, per-head weights and a
3-D mask, and a TransformerDecoder with tgt_is_causal and memory masks; an LSTM with proj_size and a GRU, both two-
layer and bidirectional, over an unsorted packed batch, with LSTMCell / GRUCell loops; gradients of svd, eigh, qr,
lstsq, solve_triangular, pinv, slogdet, the nuclear norm and cond in a spectrum fit and a low-rank completion. Run
on deepgrad with only their imports changed: they must print what PyTorch prints, number for number (all in
float64)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float64_program
from tests.test_pytorch_programs_round33 import ROUND33_IMPORTS

#: the import lines these programs use: the earlier rounds' (nothing new)
ROUND34_IMPORTS = ROUND33_IMPORTS

FLOAT64_PROGRAMS = ["torch_r34_func_gauss_newton", "torch_r34_distributions_registry", "torch_r34_resize_pyramid",
                    "torch_r34_strided_pairwise", "torch_r34_sparse_csr_propagation", "torch_r34_orthogonal_maps",
                    "torch_r34_transformer_masks", "torch_r34_packed_projection",
                    "torch_r34_linalg_grad_fit", "torch_r34_sampler_schedules"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND34_IMPORTS)
