"""Round 18 of newcomer mistakes in PyTorch spelling (rounds 1-17: tests/test_bad_input_sweep.py ...
test_bad_input_round17.py), on the ground of round 34's programs: torch.func (argnums past the arguments, a
non-scalar or tuple output to grad, has_aux without a tuple, in_dims of the wrong structure, mismatched mapped
sizes, tangents and cotangents of the wrong shape), distributions (a bad scale, Independent over too many dims, a
mixture whose counts disagree, biject_to of a constraint with no bijection), interpolate (align_corners, antialias
and scale_factor misuse, a 3-D bicubic), as_strided / unfold / einsum with an ellipsis / block_diag /
cartesian_prod / combinations / tril_indices misuse, sparse COO and CSR construction and products, and the
parametrizations (an unknown orthogonal map or name, a vector to orthogonal, n_power_iterations=0, weight_norm's
dim, a shape-changing parametrization, removing what is not there) and recurrent layers' input and state sizes.
Each raises the exception type PyTorch raises, still an instance of the type deepgrad raised before, with a message
naming the op, the values involved and the fix."""
import pytest

from tests.bad_input_checks import check_mistake, check_oracle_quietly, pytorch_names

ONES = "torch.ones(3)"
SP = "torch.ones(2, 3).to_sparse()"
D = "torch.distributions."
P = "nn.utils.parametrizations."

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before, substrings of the message
CASES = [
    ("jacrev_argnums_past_the_arguments", f"torch.func.jacrev(lambda x: x.sum(), argnums=2)({ONES})", RuntimeError,
     RuntimeError, ("jacrev", "argnums=2", "1 positional argument")),
    ("grad_of_a_vector_output", f"torch.func.grad(lambda x: x)({ONES})", RuntimeError, RuntimeError,
     ("grad", "scalar", "(3,)", "jacrev")),
    ("grad_of_a_tuple_without_has_aux", f"torch.func.grad(lambda x: (x.sum(), 1))({ONES})", RuntimeError,
     RuntimeError, ("grad", "tuple")),
    ("grad_has_aux_without_a_tuple", f"torch.func.grad(lambda x: x.sum(), has_aux=True)({ONES})", RuntimeError,
     RuntimeError, ("has_aux=True", "(output, aux)")),
    ("vmap_in_dims_of_another_structure", f"torch.func.vmap(lambda x: x, in_dims=(0, 0))({ONES})", ValueError,
     ValueError, ("vmap", "in_dims=(0, 0)", "structure")),
    ("vmap_mapped_sizes_differ", "torch.func.vmap(lambda x, y: x + y)(torch.ones(3), torch.ones(4))", ValueError,
     ValueError, ("vmap", "[3, 4]")),
    ("jvp_tangent_of_another_shape", "torch.func.jvp(lambda x: x * 2, (torch.ones(3),), (torch.ones(4),))",
     RuntimeError, RuntimeError, ("jvp", "(4,)", "(3,)")),
    ("jvp_primals_not_a_tuple", "torch.func.jvp(lambda x: x * 2, torch.ones(3), torch.ones(3))", RuntimeError,
     RuntimeError, ("jvp", "tuple", "(x,)")),
    ("vjp_cotangent_of_another_shape", "torch.func.vjp(lambda x: x * 2, torch.ones(3))[1](torch.ones(4))",
     RuntimeError, RuntimeError, ("(3,)", "(4,)")),
    ("normal_of_a_negative_scale", D + "Normal(torch.tensor(0.0), torch.tensor(-1.0))", ValueError, ValueError,
     ("scale", "GreaterThan(lower_bound=0.0)")),
    ("independent_over_too_many_dims", D + "Independent(" + D + "Normal(torch.zeros(3), torch.ones(3)), 2)",
     ValueError, ValueError, ("Independent", "(2)", "[3]")),
    ("mixture_counts_disagree", D + "MixtureSameFamily(" + D + "Categorical(logits=torch.zeros(3)), " + D +
     "Normal(torch.zeros(4), torch.ones(4)))", ValueError, ValueError, ("MixtureSameFamily", "3", "4")),
    ("biject_to_an_integer_interval", D + "biject_to(" + D + "constraints.integer_interval(0, 3))",
     NotImplementedError, NotImplementedError, ("biject_to", "IntegerInterval")),
    ("interpolate_area_with_align_corners", "F.interpolate(torch.ones(1, 1, 4, 4), size=2, mode='area', "
     "align_corners=True)", ValueError, ValueError, ("interpolate", "align_corners", "'area'")),
    ("interpolate_bicubic_of_a_3d_input", "F.interpolate(torch.ones(1, 1, 4), size=2, mode='bicubic')",
     NotImplementedError, NotImplementedError, ("interpolate", "'bicubic'", "[1, 1, 4]")),
    ("interpolate_antialias_nearest_exact", "F.interpolate(torch.ones(1, 1, 4, 4), size=2, mode='nearest-exact', "
     "antialias=True)", ValueError, ValueError, ("antialias", "'nearest-exact'")),
    ("interpolate_size_and_scale_factor", "F.interpolate(torch.ones(1, 1, 4, 4), size=(2, 2), scale_factor=2.0)",
     ValueError, ValueError, ("interpolate", "size", "scale_factor")),
    ("interpolate_scale_factor_too_short", "F.interpolate(torch.ones(1, 1, 4, 4), scale_factor=(2.0,), "
     "mode='area')", ValueError, ValueError, ("scale_factor", "(2.0,)", "(2)")),
    ("as_strided_past_the_storage", "torch.ones(12).as_strided((4, 4), (4, 1))", RuntimeError, RuntimeError,
     ("as_strided", "(4, 4)", "12 elements")),
    ("as_strided_stride_too_short", "torch.ones(12).as_strided((3, 3), (3,))", RuntimeError, RuntimeError,
     ("as_strided", "(3,)", "length")),
    ("as_strided_negative_stride", "torch.ones(12).as_strided((3, 3), (-1, 1))", RuntimeError, RuntimeError,
     ("as_strided", "negative", "(-1, 1)")),
    ("unfold_window_too_large", "torch.ones(2, 5).unfold(1, 6, 1)", RuntimeError, RuntimeError,
     ("unfold", "size 6", "at most 5")),
    ("unfold_dim_out_of_range", "torch.ones(2, 5).unfold(2, 2, 1)", IndexError, IndexError, ("unfold", "dim 2")),
    ("unfold_step_zero", "torch.ones(2, 5).unfold(1, 2, 0)", RuntimeError, RuntimeError, ("unfold", "step 0")),
    ("einsum_ellipsis_sizes_disagree", "torch.einsum('...ij,jk', torch.ones(2, 3, 4), torch.ones(5, 6))",
     RuntimeError, RuntimeError, ("einsum", "'j'", "4", "5")),
    ("einsum_more_subscripts_than_dims", "torch.einsum('i...j,...', torch.ones(3), torch.ones(2))", RuntimeError,
     RuntimeError, ("einsum", "'ij'", "1 dims")),
    ("einsum_four_dots", "torch.einsum('....ij', torch.ones(2, 2))", RuntimeError, RuntimeError,
     ("einsum", "'....ij'", "three dots")),
    ("block_diag_of_a_3d_tensor", "torch.block_diag(torch.ones(2, 2, 2))", RuntimeError, RuntimeError,
     ("block_diag", "(2, 2, 2)")),
    ("cartesian_prod_of_a_matrix", "torch.cartesian_prod(torch.ones(2, 2))", RuntimeError, RuntimeError,
     ("cartesian_prod", "1-D", "(2, 2)")),
    ("combinations_of_a_matrix", "torch.combinations(torch.ones(2, 2))", RuntimeError, RuntimeError,
     ("combinations", "1-D", "(2, 2)")),
    ("combinations_negative_r", "torch.combinations(torch.arange(3), r=-1)", RuntimeError, RuntimeError,
     ("combinations", "non-negative", "-1")),
    ("tril_indices_negative_col", "torch.tril_indices(3, -1)", RuntimeError, RuntimeError,
     ("tril_indices", "col", "-1")),
    ("tril_indices_float_row", "torch.tril_indices(3.0, 3)", TypeError, TypeError, ("tril_indices", "row", "3.0")),
    ("sparse_coo_nnz_disagree", "torch.sparse_coo_tensor(torch.tensor([[0, 1]]), torch.ones(3), (3,))",
     RuntimeError, RuntimeError, ("sparse_coo_tensor", "nnz from indices: 2", "nnz from values: 3")),
    ("sparse_mm_inner_sizes_disagree", f"torch.sparse.mm({SP}, torch.ones(2, 3))", RuntimeError, RuntimeError,
     ("mm", "(2, 3)", "K = 3")),
    ("sparse_softmax_dim_out_of_range", f"torch.sparse.softmax({SP}, dim=2)", IndexError, IndexError,
     ("softmax", "dim 2")),
    ("indices_of_an_uncoalesced_tensor", "torch.sparse_coo_tensor(torch.tensor([[0, 1]]), torch.ones(2), "
     "(3,)).indices()", RuntimeError, RuntimeError, ("uncoalesced", ".coalesce()")),
    ("orthogonal_unknown_map", P + "orthogonal(nn.Linear(3, 3), orthogonal_map='qr')", ValueError, ValueError,
     ("orthogonal", "householder", "qr")),
    ("orthogonal_unknown_name", P + "orthogonal(nn.Linear(3, 3), 'kernel')", ValueError, ValueError,
     ("orthogonal", "'kernel'", "'weight'")),
    ("orthogonal_of_a_bias", P + "orthogonal(nn.Conv1d(2, 2, 1), 'bias')", ValueError, ValueError,
     ("orthogonal", "1 dimensions")),
    ("spectral_norm_zero_iterations", P + "spectral_norm(nn.Linear(3, 3), n_power_iterations=0)", ValueError,
     ValueError, ("spectral_norm", "n_power_iterations=0")),
    ("weight_norm_dim_out_of_range", P + "weight_norm(nn.Linear(3, 3), dim=3)", IndexError, IndexError,
     ("weight_norm", "dim=3", "(3, 3)")),
    ("parametrization_changing_the_shape", "nn.utils.parametrize.register_parametrization(nn.Linear(3, 3), "
     "'weight', nn.Linear(3, 2))", ValueError, ValueError, ("register_parametrization", "(3, 3)", "unsafe=True")),
    ("remove_what_is_not_parametrized", "nn.utils.parametrize.remove_parametrizations(nn.Linear(3, 3), 'weight')",
     ValueError, ValueError, ("does not have a parametrization on weight",)),
    ("rnn_input_of_another_width", "nn.RNN(3, 4)(torch.ones(5, 2, 4))", RuntimeError, RuntimeError,
     ("RNN(3, 4)", "(T, B, 3)", "[5, 2, 4]")),
    ("lstm_proj_size_not_smaller", "nn.LSTM(3, 4, proj_size=4)", ValueError, ValueError,
     ("LSTM", "proj_size (4)", "hidden_size (4)")),
    ("gru_state_of_another_shape", "nn.GRU(3, 4)(torch.ones(5, 2, 3), torch.ones(2, 2, 4))", RuntimeError,
     RuntimeError, ("GRU(3, 4)", "(1, 2, 4)", "(2, 2, 4)")),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_mistake_raises_pytorchs_type_naming_the_op_and_values(case):
    check_mistake(case, pytorch_names())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_pytorch_raises_the_type_we_match(case):
    check_oracle_quietly(case)


# PyTorch builds these without checking (check_invariants=False) and fails, or reads memory, when they are used:
# deepgrad refuses them at construction, with the type and wording PyTorch gives under check_invariants=True
STRICTER = [
    ("csr_column_past_the_size", "torch.sparse_csr_tensor(torch.tensor([0, 1, 3]), torch.tensor([0, 1, 2]), "
     "torch.ones(3), (2, 2))", RuntimeError, IndexError,
     ("sparse_csr_tensor", "`0 <= col_indices < ncols` is not satisfied", "(2, 2)")),
    ("csc_row_past_the_size", "torch.sparse_csc_tensor(torch.tensor([0, 1, 3]), torch.tensor([0, 1, 2]), "
     "torch.ones(3), (2, 2))", RuntimeError, IndexError,
     ("sparse_csc_tensor", "`0 <= row_indices < nrows` is not satisfied", "(2, 2)")),
    ("coo_index_past_the_size", "torch.sparse_coo_tensor(torch.tensor([[0, 5]]), torch.ones(2), (3,))",
     RuntimeError, IndexError, ("sparse_coo_tensor", "index 5", "(3,)")),
]


@pytest.mark.parametrize("case", STRICTER, ids=[c[0] for c in STRICTER])
def test_indices_past_the_size_are_refused(case):
    check_mistake(case, pytorch_names())
