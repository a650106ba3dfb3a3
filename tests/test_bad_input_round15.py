"""Round 15 of newcomer mistakes in PyTorch spelling (rounds 1-14: tests/test_bad_input_sweep.py, _round2.py ...
_round11.py, test_bad_input_round12.py ... test_bad_input_round14.py), probed where the earlier rounds went least:
torch.func (vmap's in_dims, out_dims and chunk_size, functional_call with strict=True, stack_module_state of models of
another structure), nn.utils (parametrizations that change the shape or return no tensor, weight_norm's dim,
clip_grad_norm_'s norm_type, parameters_to_vector of numbers, prune's amount and dim), torch.distributions under
validate_args, sparse tensors (mm of a vector, CSR/CSC of a vector, indices out of range), and tensor creation
(full with a non-scalar fill, randint without a size, randperm of a float, arange of bool or of an infinite bound,
logspace's steps, normal of shapes that do not broadcast, bernoulli of integers, type_as of a string). Each must raise
the exception type PyTorch raises, still an instance of the type deepgrad raised before (Exception where deepgrad
accepted the call or raised another type), with a message naming the op, the values involved and the fix; where
PyTorch accepts a call, we accept it and give PyTorch's result. Refusals kept where PyTorch computes something
malformed, or accepts what it fails on later, come last."""
import numpy as np
import pytest

import autograd as ag
import nn

from tests.bad_input_checks import check_accepted, check_mistake, check_oracle_quietly, pytorch_names

# the prune and parametrize modules of whichever library runs the code (torch.nn.utils does not import prune)
PRUNE = "prune = __import__(nn.__name__ + '.utils.prune', fromlist=['prune'])\n"
PARAM = "P = __import__(nn.__name__ + '.utils.parametrize', fromlist=['parametrize'])\nm = nn.Linear(2, 2)\n"
GRAD = "p = nn.Parameter(torch.ones(2))\np.grad = torch.ones(2)\n"
LIN = "m = nn.Linear(2, 2)\n"

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it; Exception where we accepted the call or raised another type), substrings the
# message must hold
FUNC = [
    ("vmap_chunk_size_a_float", "torch.func.vmap(lambda x: x * 2, chunk_size=1.5)(torch.ones(3, 2))", TypeError,
     ValueError, ("vmap", "chunk_size", "float 1.5", "chunk_size=2")),
    ("vmap_chunk_size_zero", "torch.func.vmap(lambda x: x * 2, chunk_size=0)(torch.ones(3, 2))", ValueError,
     ValueError, ("vmap", "chunk_size", "got 0")),
    ("vmap_in_dims_a_string", "torch.func.vmap(lambda x: x * 2, in_dims='a')(torch.ones(3, 2))", ValueError,
     ValueError, ("vmap", "in_dims", "got str")),
    ("vmap_in_dims_too_short", "torch.func.vmap(lambda x, y: x + y, in_dims=(0,))(torch.ones(3), torch.ones(3))",
     ValueError, ValueError, ("vmap", "in_dims", "length 1 against one of length 2")),
    ("vmap_in_dim_out_of_range", "torch.func.vmap(lambda x: x * 2, in_dims=2)(torch.ones(3, 2))", ValueError,
     ValueError, ("vmap", "in_dim=2", "(3, 2)", "-2 <= in_dim < 2")),
    ("vmap_batch_sizes_differ", "torch.func.vmap(lambda x, y: x + y)(torch.ones(3), torch.ones(4))", ValueError,
     ValueError, ("vmap", "same size", "[3, 4]")),
    ("vmap_out_dims_out_of_range", "torch.func.vmap(lambda x: x * 2, out_dims=3)(torch.ones(3, 2))", IndexError,
     IndexError, ("vmap", "out_dim 3", "-2 <= out_dim < 2")),
    ("functional_call_missing_key_strict", LIN + "torch.func.functional_call(m, {'weight': torch.ones(2, 2)}, "
     "(torch.ones(1, 2),), strict=True)", RuntimeError, RuntimeError,
     ("functional_call", "strict=True", "missing: bias")),
    ("functional_call_extra_key_strict", LIN + "torch.func.functional_call(m, {'weight': torch.ones(2, 2), "
     "'bias': torch.ones(2), 'foo': torch.ones(1)}, (torch.ones(1, 2),), strict=True)", RuntimeError, RuntimeError,
     ("functional_call", "unexpected: foo")),
    ("functional_call_of_a_tensor", LIN + "torch.func.functional_call(m, [torch.ones(2, 2)], (torch.ones(1, 2),))",
     ValueError, TypeError, ("functional_call", "must be a dict", "got Tensor")),
    ("stack_module_state_of_another_structure", "torch.func.stack_module_state([nn.Linear(2, 2), "
     "nn.Linear(2, 2, bias=False)])", KeyError, KeyError, ("stack_module_state", "model 1", "'bias'")),
    ("stack_module_state_of_other_shapes", "torch.func.stack_module_state([nn.Linear(2, 2), nn.Linear(3, 2)])",
     RuntimeError, RuntimeError, ("stack_module_state", "'weight'", "(2, 3)")),
]

NN_UTILS = [
    ("parametrization_changing_the_shape", PARAM + "class Sh(nn.Module):\n    def forward(self, X):\n"
     "        return X[:1]\nP.register_parametrization(m, 'weight', Sh())", ValueError, ValueError,
     ("register_parametrization", "shape", "(2, 2)", "unsafe=True")),
    ("parametrization_changing_the_dtype", PARAM + "class Dt(nn.Module):\n    def forward(self, X):\n"
     "        return X.double()\nP.register_parametrization(m, 'weight', Dt())", ValueError, ValueError,
     ("register_parametrization", "dtype", "float64")),
    ("parametrization_returning_a_number", PARAM + "class Nt(nn.Module):\n    def forward(self, X):\n"
     "        return 3\nP.register_parametrization(m, 'weight', Nt())", ValueError, ValueError,
     ("register_parametrization", "must return a Tensor", "int 3")),
    ("parametrization_a_function", PARAM + "P.register_parametrization(m, 'weight', lambda X: X)", AttributeError,
     TypeError, ("register_parametrization", "nn.Module", "got function")),
    ("spectral_norm_of_a_module_without_weight", "nn.utils.spectral_norm(nn.ReLU())", KeyError, KeyError,
     ("spectral_norm", "'weight'")),
    ("parametrized_spectral_norm_without_weight", "nn.utils.parametrizations.spectral_norm(nn.ReLU())", ValueError,
     ValueError, ("spectral_norm", "'weight'")),
    ("weight_norm_dim_5", "nn.utils.weight_norm(nn.Linear(2, 2), dim=5)", IndexError, Exception,
     ("weight_norm", "dim=5", "(2, 2)", "[-2, 1]")),
    ("weight_norm_dim_minus_3", "nn.utils.weight_norm(nn.Linear(2, 2), dim=-3)", IndexError, Exception,
     ("weight_norm", "dim=-3",)),
    ("parametrized_weight_norm_dim_5", "nn.utils.parametrizations.weight_norm(nn.Linear(2, 2), dim=5)", IndexError,
     Exception, ("weight_norm", "dim=5")),
    ("clip_grad_norm_type_foo", GRAD + "nn.utils.clip_grad_norm_([p], 1.0, norm_type='foo')", ValueError, ValueError,
     ("clip_grad_norm_", "norm_type", "'foo'")),
    ("clip_grad_norm_type_none", GRAD + "nn.utils.clip_grad_norm_([p], 1.0, norm_type=None)", TypeError, ValueError,
     ("clip_grad_norm_", "norm_type", "NoneType None")),
    ("clip_grad_value_a_string", GRAD + "nn.utils.clip_grad_value_([p], 'a')", ValueError, ValueError,
     ("clip_grad_value_", "clip_value", "'a'")),
    ("clip_grad_value_none", GRAD + "nn.utils.clip_grad_value_([p], None)", TypeError, TypeError,
     ("clip_grad_value_", "NoneType")),
    ("parameters_to_vector_of_numbers", "nn.utils.parameters_to_vector([1.0, 2.0])", AttributeError, TypeError,
     ("parameters_to_vector", "got float")),
    ("vector_to_parameters_too_short", "ps = [nn.Parameter(torch.ones(2)), nn.Parameter(torch.ones(3))]\n"
     "nn.utils.vector_to_parameters(torch.ones(4), ps)", RuntimeError, RuntimeError,
     ("vector_to_parameters", "hold 5 values")),
    ("vector_to_parameters_of_a_list", "nn.utils.vector_to_parameters([1.0, 2.0], [nn.Parameter(torch.ones(2))])",
     TypeError, TypeError, ("vector_to_parameters", "got list")),
    ("prune_amount_above_one", PRUNE + "prune.l1_unstructured(nn.Linear(2, 2), 'weight', amount=1.5)", ValueError,
     ValueError, ("prune.l1_unstructured", "amount=1.5", "[0, 1]")),
    ("prune_random_amount_negative", PRUNE + "prune.random_unstructured(nn.Linear(2, 2), 'weight', amount=-1)",
     ValueError, ValueError, ("prune.random_unstructured", "amount=-1")),
    ("prune_count_past_the_size", PRUNE + "prune.l1_unstructured(nn.Linear(2, 2), 'weight', amount=10)", ValueError,
     ValueError, ("prune.l1_unstructured", "amount=10", "prune=4")),
    ("prune_amount_a_string", PRUNE + "prune.l1_unstructured(nn.Linear(2, 2), 'weight', amount='a')", TypeError,
     TypeError, ("prune.l1_unstructured", "amount", "int or float")),
    ("prune_structured_dim_out_of_range", PRUNE + "prune.ln_structured(nn.Linear(2, 2), 'weight', amount=0.5, n=2, "
     "dim=5)", IndexError, IndexError, ("prune.ln_structured", "Invalid index 5", "[-2, 1]")),
    ("prune_remove_of_an_unpruned_parameter", PRUNE + "prune.remove(nn.Linear(2, 2), 'weight')", ValueError,
     ValueError, ("prune.remove", "'weight'", "has to be pruned")),
]

D = "D = torch.distributions\n"
DISTRIBUTIONS = [
    ("normal_negative_scale", D + "D.Normal(0.0, -1.0, validate_args=True)", ValueError, ValueError,
     ("parameter scale", "Normal", "GreaterThan")),
    ("categorical_probs_negative", D + "D.Categorical(probs=torch.tensor([-0.5, 1.5]), validate_args=True)",
     ValueError, ValueError, ("parameter probs", "Categorical", "Simplex")),
    ("categorical_of_a_0d_tensor", D + "D.Categorical(probs=torch.tensor(1.0))", ValueError, ValueError,
     ("Categorical", "probs", "0-d")),
    ("log_prob_outside_the_support", D + "D.Exponential(1.0, validate_args=True).log_prob(torch.tensor(-1.0))",
     ValueError, ValueError, ("support", "Exponential")),
    ("log_prob_of_a_fraction_of_a_category", D + "D.Categorical(probs=torch.tensor([0.5, 0.5]), "
     "validate_args=True).log_prob(torch.tensor(0.5))", ValueError, ValueError, ("support", "Categorical")),
    ("rsample_of_a_categorical", D + "D.Categorical(probs=torch.tensor([0.5, 0.5])).rsample()", NotImplementedError,
     NotImplementedError, ("Categorical", "rsample", "sample()")),
    ("kl_divergence_of_an_unregistered_pair", D + "D.kl_divergence(D.Normal(0.0, 1.0), "
     "D.Categorical(probs=torch.tensor([0.5, 0.5])))", NotImplementedError, NotImplementedError,
     ("kl_divergence", "KL(Normal || Categorical)")),
    ("independent_too_many_dims", D + "D.Independent(D.Normal(torch.zeros(2), torch.ones(2)), 2)", ValueError,
     ValueError, ("Independent", "reinterpreted_batch_ndims", "(2)")),
    ("multivariate_normal_not_positive_definite", D + "D.MultivariateNormal(torch.zeros(2), "
     "torch.tensor([[1.0, 2.0], [2.0, 1.0]]))", ValueError, ValueError,
     ("covariance_matrix", "MultivariateNormal", "PositiveDefinite")),
    ("multivariate_normal_of_a_vector_covariance", D + "D.MultivariateNormal(torch.zeros(2), torch.ones(2))",
     ValueError, ValueError, ("MultivariateNormal", "two-dimensional", "(2,)")),
]

SP = "s = torch.ones(2, 3).to_sparse()\n"
SPARSE = [
    ("sparse_mm_of_a_vector", SP + "torch.sparse.mm(s, torch.ones(3))", IndexError, Exception,
     ("mm", "2-D dense", "(3,)", "matmul")),
    ("mm_of_a_sparse_matrix_and_a_vector", SP + "torch.mm(s, torch.ones(3))", IndexError, RuntimeError,
     ("mm", "2-D", "Size([3])")),
    ("sparse_mm_of_unaligned_shapes", SP + "torch.sparse.mm(s, torch.ones(2, 3))", RuntimeError, RuntimeError,
     ("mm", "(2, 3)", "K = 3")),
    ("to_sparse_csr_of_a_vector", "torch.ones(2).to_sparse_csr()", IndexError, ValueError,
     ("to_sparse_csr", "2-D", "(2,)")),
    ("to_sparse_csc_of_a_vector", "torch.ones(2).to_sparse_csc()", IndexError, ValueError,
     ("to_sparse_csc", "2-D", "(2,)")),
    ("sparse_coo_index_out_of_range_checked", "torch.sparse_coo_tensor(torch.tensor([[0, 5]]), "
     "torch.tensor([1.0, 2.0]), (3,), check_invariants=True)", RuntimeError, RuntimeError,
     ("sparse_coo_tensor", "index 5", "(3,)")),
    ("to_sparse_sparse_dim_too_big", "torch.ones(2, 3).to_sparse(3)", RuntimeError, RuntimeError,
     ("to_sparse", "sparse_dim", "got 3")),
]

CREATION = [
    ("full_of_a_tensor", "torch.full((2,), torch.ones(2))", TypeError, Exception,
     ("full()", "fill_value", "Tensor of shape (2,)", "expand")),
    ("full_of_a_list", "torch.full((2,), [1, 2])", TypeError, Exception, ("full()", "fill_value", "not list")),
    ("full_of_a_one_element_vector", "torch.full((2,), torch.tensor([3.0]))", TypeError, Exception,
     ("full()", "shape (1,)")),
    ("full_like_of_a_tensor", "torch.full_like(torch.ones(2), torch.ones(2))", TypeError, Exception,
     ("full_like()", "fill_value")),
    ("new_full_of_a_tensor", "torch.ones(2).new_full((2,), torch.ones(2))", TypeError, Exception,
     ("new_full()", "fill_value")),
    ("randint_without_a_size", "torch.randint(5)", TypeError, Exception, ("randint()", "size", "randint(5)")),
    ("randint_low_high_without_a_size", "torch.randint(2, 5)", TypeError, Exception, ("randint()", "size")),
    ("randint_high_a_float", "torch.randint(2.5, (2,))", TypeError, Exception, ("randint()", "'high'", "float")),
    ("randint_high_a_bool", "torch.randint(True, (2,))", TypeError, Exception, ("randint()", "bool")),
    ("randperm_of_a_float", "torch.randperm(2.5)", TypeError, Exception, ("randperm()", "'n'", "float")),
    ("randperm_of_a_string", "torch.randperm('3')", TypeError, Exception, ("randperm()", "str")),
    ("randperm_of_a_float_tensor", "torch.randperm(torch.tensor(3.0))", TypeError, Exception,
     ("randperm()", "Tensor of dtype float32")),
    ("arange_of_bool", "torch.arange(3, dtype=torch.bool)", NotImplementedError, Exception, ("arange", "bool")),
    ("arange_to_infinity", "torch.arange(0, float('inf'))", RuntimeError, ValueError,
     ("arange", "unsupported range", "inf")),
    ("arange_to_nan", "torch.arange(0, float('nan'))", RuntimeError, ValueError, ("arange", "nan")),
    ("arange_of_a_string", "torch.arange('a')", TypeError, TypeError, ("arange()", "'end'", "str")),
    ("logspace_negative_steps", "torch.logspace(0, 1, steps=-1)", RuntimeError, ValueError,
     ("logspace", "non-negative", "-1")),
    ("logspace_fractional_steps", "torch.logspace(0, 1, 2.5)", TypeError, ValueError, ("logspace", "steps", "2.5")),
    ("normal_shapes_that_do_not_broadcast", "torch.normal(torch.zeros(2), torch.ones(3))", RuntimeError, ValueError,
     ("normal", "(2,)", "(3,)", "broadcast")),
    ("bernoulli_of_integers", "torch.bernoulli(torch.tensor([1, 0]))", NotImplementedError, TypeError,
     ("bernoulli", "int64", "float()")),
    ("type_as_a_string", "torch.ones(2).type_as('float32')", TypeError, Exception,
     ("type_as()", "must be Tensor", "str", ".to(dtype)")),
    ("tensor_of_ragged_lists", "torch.tensor([[1, 2], [3]])", ValueError, ValueError, ("tensor", "dim 1")),
    ("tensor_of_mixed_strings_and_numbers", "torch.tensor([1, 'a'])", TypeError, TypeError, ("tensor", "string")),
    ("arange_step_zero", "torch.arange(0, 10, 0)", RuntimeError, RuntimeError, ("arange", "step must be nonzero")),
    ("linspace_negative_steps", "torch.linspace(0, 1, steps=-1)", RuntimeError, RuntimeError, ("linspace", "-1")),
    ("empty_negative_size", "torch.empty(-1)", RuntimeError, RuntimeError, ("empty", "(-1,)")),
    ("zeros_fractional_size", "torch.zeros(2.5)", TypeError, TypeError, ("zeros", "2.5")),
    ("randint_low_above_high", "torch.randint(5, 2, (3,))", RuntimeError, RuntimeError, ("randint", "low=5")),
    ("randperm_negative", "torch.randperm(-1)", RuntimeError, RuntimeError, ("randperm", "-1")),
    ("normal_negative_std", "torch.normal(torch.zeros(2), -torch.ones(2))", RuntimeError, RuntimeError,
     ("normal", "std")),
    ("multinomial_more_than_available", "torch.multinomial(torch.tensor([0.5, 0.5]), 3)", RuntimeError,
     RuntimeError, ("multinomial", "3 samples", "2 categories", "replacement=True")),
    ("bernoulli_probabilities_above_one", "torch.bernoulli(torch.tensor([1.5, 0.5]))", RuntimeError, RuntimeError,
     ("bernoulli", "[0, 1]", "1.5")),
    ("view_of_a_transposed_tensor", "torch.ones(2, 3).t().view(6)", RuntimeError, RuntimeError,
     ("view", "strides", ".reshape")),
    ("expand_to_a_smaller_size", "torch.ones(3).expand(2)", RuntimeError, RuntimeError, ("expand", "(2,)")),
    ("as_strided_out_of_bounds", "torch.as_strided(torch.ones(4), (3, 3), (1, 1))", RuntimeError, RuntimeError,
     ("as_strided", "(3, 3)", "4 elements")),
    ("item_of_two_elements", "torch.ones(2).item()", RuntimeError, RuntimeError, ("item()", "2 elements")),
    ("int_of_two_elements", "int(torch.ones(2))", ValueError, ValueError, ("2 elements", "one-element")),
]

CASES = FUNC + NN_UTILS + DISTRIBUTIONS + SPARSE + CREATION

# calls near the mistakes above that PyTorch accepts: the same value from both (the last line's value)
ACCEPTED = [
    ("full_of_a_0d_tensor", "torch.full((2,), torch.tensor(3.0))"),
    ("full_like_of_a_number", "torch.full_like(torch.ones(2, dtype=torch.int64), 7)"),
    ("randint_high_and_size", "torch.randint(5, (2, 3)).shape"),
    ("randint_high_a_0d_integer_tensor", "torch.randint(torch.tensor(5), (4,)).shape"),
    ("randperm_of_a_0d_integer_tensor", "torch.randperm(torch.tensor(4)).sort().values"),
    ("arange_of_a_0d_bound", "torch.arange(torch.tensor(4))"),
    ("arange_of_float_bounds", "torch.arange(0, 1, 0.25)"),
    ("normal_shapes_that_broadcast", "torch.manual_seed(0)\ntorch.normal(torch.zeros(2, 1), torch.ones(3)).shape"),
    ("sparse_matrix_times_a_vector", "torch.ones(2, 3).to_sparse() @ torch.tensor([1.0, 2.0, 3.0])"),
    ("sparse_mm_of_matrices", "torch.sparse.mm(torch.ones(2, 3).to_sparse(), torch.arange(6.0).reshape(3, 2))"),
    ("weight_norm_dim_minus_2", "nn.utils.weight_norm(nn.Linear(2, 3), dim=-2).weight_g.shape"),
    ("weight_norm_dim_none", "nn.utils.weight_norm(nn.Linear(2, 3), dim=None).weight_g.shape"),
    ("vmap_chunk_size_two", "torch.func.vmap(lambda x: x * 2, chunk_size=2)(torch.arange(6.0).reshape(3, 2))"),
    ("functional_call_extra_key_not_strict", "m = nn.Linear(2, 1)\nnn.init.ones_(m.weight)\nnn.init.zeros_(m.bias)\n"
     "torch.func.functional_call(m, {'foo': torch.ones(1)}, (torch.ones(1, 2),))"),
    ("categorical_probs_that_do_not_sum_to_one", "torch.distributions.Categorical(probs=torch.tensor([0.5, 1.5]), "
     "validate_args=True).probs"),
    ("type_as_a_tensor", "torch.ones(2).type_as(torch.ones(1, dtype=torch.float64)).dtype == torch.float64"),
]

# refusals kept where PyTorch computes something malformed, or takes an argument it fails on only later
KEPT_REFUSALS = [
    # PyTorch builds it unchecked (check_invariants is off), and to_dense() drops the entry past the end
    ("sparse_coo_index_out_of_range", "torch.sparse_coo_tensor(torch.tensor([[0, 5]]), torch.tensor([1.0, 2.0]), "
     "(3,))", RuntimeError, RuntimeError, ("sparse_coo_tensor", "index 5", "(3,)")),
    # PyTorch casts float indices to int64, truncating 1.7 to 1 silently
    ("sparse_coo_float_indices", "torch.sparse_coo_tensor(torch.tensor([[0.0, 1.0]]), torch.tensor([1.0, 2.0]), (3,))",
     TypeError, TypeError, ("sparse_coo_tensor", "integer", "float32")),
    # PyTorch slices rows of a matrix as if they were values (the next parameter would get the wrong ones)
    ("vector_to_parameters_of_a_matrix", "nn.utils.vector_to_parameters(torch.ones(1, 2), "
     "[nn.Parameter(torch.ones(2))])", RuntimeError, RuntimeError, ("vector_to_parameters", "Size([1, 2])", "1-D")),
    # PyTorch makes a distribution of event size 3 over a 2 x 2 covariance, which fails when sampled
    ("multivariate_normal_of_mismatched_sizes", "torch.distributions.MultivariateNormal(torch.zeros(3), torch.eye(2))",
     ValueError, ValueError, ("MultivariateNormal", "(2, 2)", "(3, 3)")),
    # PyTorch wraps the number and fails when the result is called
    ("vmap_of_a_number", "torch.func.vmap(3)", TypeError, TypeError, ("vmap", "callable", "int")),
    # PyTorch makes a batch of CSR matrices; deepgrad's CSR tensors are matrices only
    ("to_sparse_csr_of_a_3d_tensor", "torch.ones(2, 2, 2).to_sparse_csr()", ValueError, ValueError,
     ("to_sparse_csr", "(2, 2, 2)")),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_mistake_raises_pytorchs_type_naming_the_op_and_values(case):
    check_mistake(case, pytorch_names())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_pytorch_raises_the_type_we_match(case):
    check_oracle_quietly(case)


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_pytorch_accepts_run_and_match(case):
    check_accepted(case, rtol=1e-6)


@pytest.mark.parametrize("case", KEPT_REFUSALS, ids=[c[0] for c in KEPT_REFUSALS])
def test_refusals_kept_where_pytorch_computes_something_malformed(case):
    check_mistake(case, pytorch_names())


def test_full_no_longer_broadcasts_a_non_scalar_fill():
    """full((2,), [1, 2]) gave tensor([1, 2]) and full((2,), ones(2)) a copy of the fill before; a number or a 0-d
    tensor still fills."""
    with pytest.raises(TypeError):
        ag.full((2,), [1, 2])
    assert ag.full((2, 2), ag.tensor(3.0)).tolist() == [[3.0, 3.0], [3.0, 3.0]]
    assert ag.full((2,), np.float32(1.5)).tolist() == [1.5, 1.5]


def test_randint_and_randperm_no_longer_draw_from_wrong_arguments():
    """randint(5) and randint(2, 5) drew one number, randperm(2.5) permuted 2 values, randperm('3') 3; the
    spellings PyTorch takes still draw (an int size= is refused since round 16, as PyTorch refuses it)."""
    for call in (lambda: ag.randint(5), lambda: ag.randint(2, 5), lambda: ag.randperm(2.5), lambda: ag.randperm("3")):
        with pytest.raises(TypeError):
            call()
    assert ag.randint(4, size=(7,)).shape == (7,)
    assert ag.randint(0, 3, ()).shape == ()
    assert sorted(ag.randperm(np.int64(4)).tolist()) == [0, 1, 2, 3]


def test_weight_norm_no_longer_wraps_a_dim_out_of_range():
    """weight_norm(dim=5) normalised over dim 5 % 2 = 1 before; a dim in range still works."""
    with pytest.raises(IndexError):
        nn.utils.weight_norm(nn.Linear(2, 3), dim=2)
    assert nn.utils.weight_norm(nn.Linear(2, 3), dim=1).weight_g.shape == (1, 2)


def test_arange_of_bool_and_keras_style_bounds():
    """arange(3, dtype=bool) gave [False, True, True] before; NumPy integer and 0-d tensor bounds still work."""
    with pytest.raises(NotImplementedError):
        ag.arange(3, dtype=ag.bool_)
    assert ag.arange(np.int64(3)).tolist() == [0, 1, 2]
    assert ag.arange(ag.tensor(2.0), 4).tolist() == [2.0, 3.0]


def test_matmul_still_takes_a_vector_beside_a_sparse_matrix():
    """sparse.mm refuses a vector now, as PyTorch's; sparse @ vector (matmul) keeps working, with its gradient."""
    s = ag.tensor([[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]]).to_sparse()
    v = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = s @ v
    assert out.tolist() == [7.0, 6.0]
    out.sum().backward()
    assert v.grad.tolist() == [1.0, 3.0, 2.0]
