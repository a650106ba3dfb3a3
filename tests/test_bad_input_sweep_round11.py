"""Round 11 of newcomer mistakes in PyTorch spelling (rounds 1-10: tests/test_bad_input_sweep.py, _round2.py ...
_round10.py), in the areas those left out: torch.func arguments (an unknown randomness=, .item() inside vmap, an
integer primal to linearize, in_dims / out_dims / chunk_size of the wrong kind, a name in two functional_call dicts,
stack_module_state of models that differ); sparse tensors given a dim past their rank (torch.sparse.sum and softmax
wrapped it silently before); complex tensors through real-only ops (each refused under its own name: copysign,
fmod, remainder, floor_divide, amax, median and clamp_min named another op before) and the constructors of complex
tensors given the wrong dtypes; torch.fft sizes and dims that are floats; torch.distributions given a list or a
string as a parameter, set_default_validate_args given a string, enumerate_support of a continuous distribution,
and the supports that validate_args checks; torch.linalg's driver= on the CPU and UPLO in lower case, and the
product shapes (inner, addmm, chain_matmul, cholesky_inverse); a module assigned over a parameter; data loading,
samplers, schedulers and gradient clipping arguments PyTorch refuses. Each must raise the exception type PyTorch
raises, still an instance of the type deepgrad raised before, with a message naming the op, the shapes, dtypes or
values involved and the fix; where PyTorch accepts a call, we accept it and give PyTorch's result."""
import pytest

from tests.bad_input_checks import check_accepted, check_mistake, check_oracle_quietly, pytorch_names

FN = "torch.func."
X = "torch.ones(3)"

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it; the new type's base where we accepted the call), substrings the message must hold
FUNC = [
    ("vmap_randomness_unknown", f"{FN}vmap(lambda x: x * 2, randomness='maybe')({X})", RuntimeError, ValueError,
     ("vmap", "randomness", "'maybe'", "'different'")),
    ("jacfwd_randomness_unknown", f"{FN}jacfwd(lambda x: x * 2, randomness='maybe')({X})", RuntimeError,
     ValueError, ("jacfwd", "'maybe'")),
    ("vmap_of_item", f"{FN}vmap(lambda x: x.item())({X})", RuntimeError, ValueError,
     ("vmap", ".item()", "float", "keep the value a Tensor")),
    ("linearize_of_an_int_primal", f"{FN}linearize(lambda x: x * 2, torch.ones(3, dtype=torch.int64))", ValueError,
     TypeError, ("linearize", "int64", "(3,)", ".double()")),
    ("grad_argnums_a_float", f"{FN}grad(lambda x: x.sum(), argnums=0.5)({X})", RuntimeError, RuntimeError,
     ("grad", "argnums", "0.5")),
    ("grad_of_a_float_argument", f"{FN}grad(lambda x: x * 2)(3.0)", ValueError, ValueError,
     ("grad", "float", "ag.tensor")),
    ("vjp_has_aux_without_a_tuple", f"{FN}vjp(lambda x: x * 2, {X}, has_aux=True)", RuntimeError, RuntimeError,
     ("vjp", "has_aux=True", "(output, aux)")),
    ("jvp_more_tangents_than_primals", f"{FN}jvp(lambda x: x * 2, ({X},), ({X}, {X}))", RuntimeError,
     RuntimeError, ("jvp", "tangents", "structure of primals")),
    ("jacrev_chunk_size_0", f"{FN}jacrev(lambda x: x * 2, chunk_size=0)({X})", ValueError, ValueError,
     ("jacrev", "chunk_size", "got 0")),
    ("jacfwd_has_aux_without_a_tuple", f"{FN}jacfwd(lambda x: x * 2, has_aux=True)({X})", RuntimeError,
     RuntimeError, ("jacfwd", "has_aux=True", "(output, aux)")),
    ("vmap_in_dims_a_float", f"{FN}vmap(lambda x: x * 2, in_dims=0.5)({X})", ValueError, ValueError,
     ("vmap", "in_dims", "float")),
    ("vmap_in_dims_a_list", f"{FN}vmap(lambda x: x * 2, in_dims=[0])({X})", ValueError, ValueError,
     ("in_dims", "list", "tuple")),
    ("vmap_chunk_size_negative", f"{FN}vmap(lambda x: x * 2, chunk_size=-1)({X})", ValueError, ValueError,
     ("vmap", "chunk_size", "-1")),
    ("vmap_out_dims_a_string", f"{FN}vmap(lambda x: x * 2, out_dims='0')({X})", ValueError, ValueError,
     ("vmap", "out_dims", "'0'")),
    ("vmap_returns_None", f"{FN}vmap(lambda x: None)({X})", ValueError, ValueError, ("vmap", "NoneType")),
    ("vmap_in_dims_dict_of_other_keys", f"{FN}vmap(lambda d: d['a'] * 2, in_dims=({{'b': 0}},))({{'a': {X}}})",
     ValueError, ValueError, ("in_dims", "['b']", "['a']")),
    ("vmap_random_draw_in_error_mode", f"{FN}vmap(lambda x: x + torch.rand(()))({X})", RuntimeError, RuntimeError,
     ("vmap", "randomness='error'", "randomness='different'")),
    ("vmap_of_a_number", f"{FN}vmap(3)({X})", TypeError, TypeError, ("vmap", "callable", "int")),
    ("functional_call_a_name_in_two_dicts", f"{FN}functional_call(nn.Linear(2, 2), ({{'weight': torch.ones(2, 2)}}, "
     "{'weight': torch.ones(2, 2)}), (torch.ones(2),))", ValueError, ValueError,
     ("functional_call", "['weight']", "more than one")),
    ("stack_module_state_of_no_models", f"{FN}stack_module_state([])", RuntimeError, RuntimeError,
     ("stack_module_state", "at least one model")),
    ("stack_module_state_of_other_shapes", f"{FN}stack_module_state([nn.Linear(2, 2), nn.Linear(3, 2)])",
     RuntimeError, RuntimeError, ("stack_module_state", "'weight'", "(2, 2)", "(2, 3)")),
]

C = "torch.tensor([1 + 1j, 2 - 1j])"
SP = "torch.eye(2).to_sparse()"
F32, F64, I64 = "torch.ones(2)", "torch.ones(2, dtype=torch.float64)", "torch.ones(2, dtype=torch.int64)"

COMPLEX_SPARSE_FFT = [
    ("sparse_sum_dim_past_the_rank", f"torch.sparse.sum({SP}, dim=2)", IndexError, Exception,
     ("sparse.sum", "dim 2", "[-2, 1]")),
    ("sparse_softmax_dim_past_the_rank", f"torch.sparse.softmax({SP}, 2)", IndexError, Exception,
     ("sparse.softmax", "dim 2", "[-2, 1]")),
    ("to_sparse_sparse_dim_past_the_rank", "torch.eye(2).to_sparse(3)", RuntimeError, ValueError,
     ("to_sparse", "sparse_dim", "(2, 2)", "got 3")),
    ("view_as_real_of_a_real_tensor", f"torch.view_as_real({F32})", RuntimeError, TypeError,
     ("view_as_real", "complex", "float32", "ag.complex(real, imag)")),
    ("view_as_complex_of_a_complex_tensor", f"torch.view_as_complex({C})", RuntimeError, TypeError,
     ("view_as_complex", "complex64", "view_as_real")),
    ("complex_of_ints", f"torch.complex({I64}, {I64})", RuntimeError, TypeError, ("complex", "int64", ".float()")),
    ("complex_of_two_widths", f"torch.complex({F32}, {F64})", RuntimeError, TypeError,
     ("complex", "float32", "float64")),
    ("polar_of_two_widths", f"torch.polar({F32}, {F64})", RuntimeError, TypeError, ("polar", "float32", "float64")),
    ("polar_of_complex", f"torch.polar({C}, {C})", RuntimeError, TypeError, ("polar", "complex64", ".float()")),
    ("nextafter_of_complex", f"torch.nextafter({C}, {C})", NotImplementedError, TypeError,
     ("nextafter", "complex64", "x.real")),
    ("nextafter_of_int", f"torch.nextafter({I64}, {I64})", NotImplementedError, TypeError,
     ("nextafter", "int64", ".float()")),
    ("copysign_of_complex", f"torch.copysign({C}, {C})", NotImplementedError, TypeError,
     ("copysign", "complex64(2,)", "z.real")),
    ("fmod_of_complex", f"torch.fmod({C}, 2)", NotImplementedError, TypeError, ("fmod", "complex64")),
    ("remainder_of_complex", f"{C} % 2", NotImplementedError, TypeError, ("remainder", "complex64")),
    ("floor_divide_of_complex", f"{C} // 2", NotImplementedError, TypeError, ("floor_divide", "complex64")),
    ("amax_of_complex", f"torch.amax({C})", NotImplementedError, TypeError, ("amax", "complex64")),
    ("amin_of_complex", f"{C}.amin()", NotImplementedError, TypeError, ("amin", "complex64")),
    ("median_of_complex", f"torch.median({C})", NotImplementedError, TypeError, ("median", "complex64")),
    ("clamp_min_of_complex", f"torch.clamp_min({C}, 0)", NotImplementedError, TypeError, ("clamp_min", "complex64")),
    ("atan2_of_complex", f"torch.atan2({C}, {C})", NotImplementedError, TypeError, ("atan2", "complex64")),
    ("hypot_of_complex", f"torch.hypot({C}, {C})", NotImplementedError, TypeError, ("hypot", "complex64")),
    ("erf_of_complex", f"torch.erf({C})", NotImplementedError, TypeError, ("erf", "complex64")),
    ("cummax_of_complex", f"torch.cummax({C}, 0)", NotImplementedError, TypeError, ("cummax", "complex64")),
    ("kthvalue_of_complex", f"torch.kthvalue({C}, 1)", NotImplementedError, TypeError, ("kthvalue", "complex64")),
    ("leaky_relu_of_complex", f"F.leaky_relu({C})", NotImplementedError, TypeError, ("leaky_relu", "complex64")),
    ("softplus_of_complex", f"F.softplus({C})", NotImplementedError, TypeError, ("softplus", "complex64")),
    ("heaviside_of_complex", f"torch.heaviside({C}, {C})", RuntimeError, TypeError, ("heaviside", "complex64")),
    ("quantile_of_complex", f"torch.quantile({C}, 0.5)", RuntimeError, TypeError, ("quantile", "complex64")),
    ("bincount_of_complex", f"torch.bincount({C})", NotImplementedError, TypeError, ("bincount", "complex64")),
    ("fft_n_a_float", "torch.fft.fft(torch.ones(4), n=2.5)", TypeError, TypeError,
     ("fft.fft()", "argument 'n' must be int, not float", "int(2.5)")),
    ("fft_dim_a_float", "torch.fft.fft(torch.ones(4), dim=0.0)", TypeError, TypeError,
     ("fft.fft()", "argument 'dim' must be int")),
    ("fftn_s_of_floats", "torch.fft.fftn(torch.ones(4, 4), s=(2.0, 2))", TypeError, TypeError,
     ("fft.fftn()", "argument 's'", "float")),
    ("fftfreq_n_a_float", "torch.fft.fftfreq(2.5)", TypeError, TypeError,
     ("fft.fftfreq()", "argument 'n' must be int")),
    ("hfft_n_0", "torch.fft.hfft(torch.ones(4, dtype=torch.complex64), n=0)", RuntimeError, ValueError,
     ("fft.hfft", "invalid number of data points (0)")),
    ("ihfft_of_complex", "torch.fft.ihfft(torch.ones(4, dtype=torch.complex64))", RuntimeError, TypeError,
     ("ihfft", "real input", "complex64")),
    ("fft2_of_a_vector", "torch.fft.fft2(torch.ones(4))", IndexError, IndexError, ("fft.fft2", "dim -2", "1 dims")),
    ("irfft2_of_three_sizes", "torch.fft.irfft2(torch.ones(2, 3, dtype=torch.complex64), s=(2, 2, 2))",
     RuntimeError, ValueError, ("fft.irfft2", "3 sizes", "2 dims")),
    ("fftshift_dim_past_the_rank", "torch.fft.fftshift(torch.ones(4), dim=1)", IndexError, IndexError,
     ("fft.fftshift", "dim 1")),
    ("fft2_dim_twice", "torch.fft.fft2(torch.ones(4, 4), dim=(0, 0))", RuntimeError, ValueError,
     ("fft.fft2", "unique", "(0, 0)")),
    ("irfft_norm_misspelt", "torch.fft.irfft(torch.ones(4, dtype=torch.complex64), norm='orthogonal')",
     RuntimeError, ValueError, ("fft.irfft", "'ortho'", "'orthogonal'")),
]

D = "torch.distributions."

DISTRIBUTIONS = [
    ("Normal_of_a_list", f"{D}Normal([0.0, 1.0], 1.0)", ValueError, Exception,
     ("distributions", "numbers or Tensors", "list", "ag.tensor(")),
    ("Normal_scale_a_string", f"{D}Normal(0.0, 'a')", ValueError, ValueError, ("distributions", "str", "'a'")),
    ("Uniform_low_a_list", f"{D}Uniform([0.0], 1.0)", ValueError, Exception, ("distributions", "list")),
    ("set_default_validate_args_a_string", f"{D}Distribution.set_default_validate_args('yes')", ValueError,
     Exception, ("set_default_validate_args", "True or False", "'yes'")),
    ("enumerate_support_of_Normal", f"{D}Normal(0.0, 1.0).enumerate_support()", NotImplementedError, Exception,
     ("Normal.enumerate_support", "continuous", "has_enumerate_support")),
    ("Bernoulli_probs_above_1", f"{D}Bernoulli(torch.tensor(1.5), validate_args=True)", ValueError, ValueError,
     ("probs", "Bernoulli", "Interval", "1.5", "validate_args=False")),
    ("Bernoulli_log_prob_of_2", f"{D}Bernoulli(torch.tensor(0.5), validate_args=True).log_prob(torch.tensor(2.0))",
     ValueError, ValueError, ("value argument", "support", "Bernoulli", "2.0")),
    ("Categorical_negative_probs", f"{D}Categorical(torch.tensor([-0.1, 1.1]), validate_args=True)", ValueError,
     ValueError, ("probs", "Categorical", "Simplex")),
    ("Categorical_log_prob_past_the_categories", f"{D}Categorical(torch.tensor([0.5, 0.5]), validate_args=True)"
     ".log_prob(torch.tensor(2))", ValueError, ValueError, ("support", "IntegerInterval", "Categorical")),
    ("Beta_log_prob_outside_0_1", f"{D}Beta(torch.tensor(1.0), torch.tensor(1.0), validate_args=True).log_prob("
     "torch.tensor(1.5))", ValueError, ValueError, ("support", "Beta", "1.5")),
    ("Gamma_rate_0", f"{D}Gamma(torch.tensor(1.0), torch.tensor(0.0), validate_args=True)", ValueError, ValueError,
     ("rate", "Gamma", "GreaterThan")),
    ("Uniform_low_above_high", f"{D}Uniform(torch.tensor(2.0), torch.tensor(1.0), validate_args=True)", ValueError,
     ValueError, ("low", "Uniform", "LessThan")),
    ("Exponential_log_prob_negative", f"{D}Exponential(torch.tensor(1.0), validate_args=True).log_prob("
     "torch.tensor(-1.0))", ValueError, ValueError, ("support", "Exponential", "-1.0")),
    ("Poisson_log_prob_of_a_fraction", f"{D}Poisson(torch.tensor(1.0), validate_args=True).log_prob("
     "torch.tensor(0.5))", ValueError, ValueError, ("support", "Poisson", "0.5")),
    ("Binomial_log_prob_above_the_count", f"{D}Binomial(3, torch.tensor(0.5), validate_args=True).log_prob("
     "torch.tensor(4.0))", ValueError, ValueError, ("support", "Binomial", "4.0")),
    ("Dirichlet_log_prob_off_the_simplex", f"{D}Dirichlet(torch.tensor([1.0, 1.0]), validate_args=True).log_prob("
     "torch.tensor([0.5, 0.6]))", ValueError, ValueError, ("Simplex", "Dirichlet")),
    ("Geometric_p_0", f"{D}Geometric(torch.tensor(0.0), validate_args=True)", ValueError, ValueError,
     ("probs", "Geometric")),
    ("OneHotCategorical_log_prob_of_two_ones", f"{D}OneHotCategorical(torch.tensor([0.5, 0.5]), validate_args=True)"
     ".log_prob(torch.tensor([1.0, 1.0]))", ValueError, ValueError, ("OneHot", "OneHotCategorical")),
    ("MultivariateNormal_two_matrices", f"{D}MultivariateNormal(torch.zeros(2), covariance_matrix=torch.eye(2), "
     "scale_tril=torch.eye(2))", ValueError, ValueError,
     ("MultivariateNormal", "exactly one of covariance_matrix, precision_matrix or scale_tril")),
    ("MultivariateNormal_scale_tril_not_lower", f"{D}MultivariateNormal(torch.zeros(2), scale_tril=torch.ones(2, 2), "
     "validate_args=True)", ValueError, ValueError, ("scale_tril", "LowerCholesky")),
    ("LowRankMultivariateNormal_factor_rows", f"{D}LowRankMultivariateNormal(torch.zeros(2), torch.ones(3, 1), "
     "torch.ones(2))", ValueError, ValueError, ("LowRankMultivariateNormal", "(3, 1)", "(2,)")),
    ("Independent_more_dims_than_the_batch", f"{D}Independent({D}Normal(torch.zeros(2), torch.ones(2)), 2)",
     ValueError, ValueError, ("Independent", "reinterpreted_batch_ndims (2)", "Size([2])")),
    ("kl_divergence_of_an_unknown_pair", f"{D}kl_divergence({D}Normal(0.0, 1.0), {D}Categorical(torch.tensor("
     "[0.5, 0.5])))", NotImplementedError, NotImplementedError, ("kl_divergence", "Normal", "Categorical")),
    ("MixtureSameFamily_other_counts", f"{D}MixtureSameFamily({D}Categorical(torch.ones(3)), {D}Normal("
     "torch.zeros(2), torch.ones(2)))", ValueError, ValueError, ("MixtureSameFamily", "3 categories", "2 components")),
    ("Categorical_rsample", f"{D}Categorical(torch.tensor([0.5, 0.5])).rsample()", NotImplementedError,
     NotImplementedError, ("Categorical", "rsample", "sample()")),
    ("Wishart_df_too_small", f"{D}Wishart(torch.tensor(0.5), torch.eye(2), validate_args=True)", ValueError,
     ValueError, ("Wishart", "df=0.5", "p - 1")),
]

L = "torch.linalg."
R = "torch.ones(2, 3)"

LINALG = [
    ("svd_driver_on_the_cpu", f"{L}svd(torch.eye(2), driver='gesvd')", RuntimeError, Exception,
     ("linalg.svd", "driver=", "CUDA", "leave driver out")),
    ("svdvals_driver_on_the_cpu", f"{L}svdvals(torch.eye(2), driver='gesvdj')", RuntimeError, Exception,
     ("linalg.svdvals", "driver=")),
    ("eigvalsh_UPLO_unknown", f"{L}eigvalsh(torch.eye(2), UPLO='X')", RuntimeError, ValueError,
     ("linalg.eigvalsh", "UPLO", "'X'")),
    ("cholesky_inverse_of_a_non_square_matrix", f"torch.cholesky_inverse({R})", RuntimeError, ValueError,
     ("cholesky_inverse", "square", "Size([2, 3])", "linalg.cholesky")),
    ("inner_of_other_lengths", "torch.inner(torch.ones(2), torch.ones(3))", RuntimeError, ValueError,
     ("inner", "Size([2])", "Size([3])")),
    ("addmm_input_that_does_not_broadcast", "torch.addmm(torch.ones(3), torch.ones(2, 2), torch.ones(2, 2))",
     RuntimeError, ValueError, ("addmm", "Size([3])", "(2, 2)")),
    ("chain_matmul_of_a_vector", "torch.chain_matmul(torch.ones(2), torch.ones(2, 2))", RuntimeError, ValueError,
     ("chain_matmul", "matrices[0]", "(2,)", "2-D")),
    ("chain_matmul_of_sizes_that_do_not_chain", "torch.chain_matmul(torch.ones(2, 3), torch.ones(2, 3))",
     RuntimeError, ValueError, ("chain_matmul", "3 columns", "2 rows")),
    ("lstsq_driver_unknown", f"{L}lstsq(torch.eye(2), torch.ones(2, 1), driver='foo')", RuntimeError, ValueError,
     ("lstsq", "driver", "'foo'")),
    ("matrix_power_of_a_non_square_matrix", f"{L}matrix_power({R}, 2)", RuntimeError, ValueError,
     ("matrix_power", "(2, 3)")),
    ("svd_of_a_vector", f"{L}svd(torch.ones(3))", RuntimeError, ValueError, ("linalg.svd", "(3,)")),
    ("matrix_norm_of_a_vector", f"{L}matrix_norm(torch.ones(3))", RuntimeError, ValueError,
     ("matrix_norm", "(3,)")),
    ("cross_of_2_vectors", f"{L}cross(torch.ones(2), torch.ones(2))", RuntimeError, ValueError,
     ("cross", "3")),
    ("multi_dot_of_a_3d_tensor", f"{L}multi_dot([torch.ones(2, 2, 2), torch.eye(2)])", RuntimeError, ValueError,
     ("multi_dot", "(2, 2, 2)")),
    ("vecdot_of_other_lengths", f"{L}vecdot(torch.ones(3), torch.ones(4))", RuntimeError, ValueError,
     ("(3,)", "(4,)")),
    ("qr_mode_unknown", f"{L}qr(torch.eye(2), mode='full')", RuntimeError, ValueError, ("qr", "mode", "'full'")),
    ("ldl_factor_of_a_non_square_matrix", f"{L}ldl_factor({R})", RuntimeError, ValueError, ("ldl_factor", "(2, 3)")),
    ("tensorinv_of_a_non_square_product", f"{L}tensorinv(torch.ones(4, 3), ind=1)", RuntimeError, ValueError,
     ("tensorinv", "(4, 3)")),
    ("det_of_bool", f"{L}det(torch.eye(2, dtype=torch.bool))", RuntimeError, TypeError, ("det", "bool")),
    ("trace_of_a_3d_tensor", "torch.trace(torch.ones(2, 2, 2))", RuntimeError, ValueError, ("trace", "Size([2, 2, 2])", "diagonal")),
    ("baddbmm_input_that_does_not_broadcast", "torch.baddbmm(torch.ones(2, 2, 2), torch.ones(2, 2, 3), "
     "torch.ones(2, 3, 3))", RuntimeError, ValueError, ("baddbmm", "Size([2, 2, 2])", "(2, 2, 3)")),
    ("outer_of_a_matrix", "torch.outer(torch.ones(2, 2), torch.ones(2))", RuntimeError, ValueError, ("outer",)),
]

P = "[nn.Parameter(torch.ones(2))]"
SGD = f"opt = optim.SGD({P}, lr=0.1)\n"
S = "optim.lr_scheduler."
DS = "TensorDataset(torch.arange(10.0))"

MODULES_DATA_OPTIM = [
    ("module_assigned_over_a_parameter", "m = nn.Linear(2, 2)\nm.weight = nn.ReLU()", TypeError, Exception,
     ("cannot assign ReLU as parameter 'weight'", "Linear", "del module.weight")),
    ("get_submodule_of_a_parameter", "nn.Linear(2, 2).get_submodule('weight')", AttributeError, AttributeError,
     ("get_submodule", "Linear", "'weight'")),
    ("get_parameter_of_a_buffer", "nn.BatchNorm1d(2).get_parameter('running_mean')", AttributeError, AttributeError,
     ("get_parameter", "'running_mean'", "['weight', 'bias']")),
    ("get_buffer_of_a_parameter", "nn.Linear(2, 2).get_buffer('weight')", AttributeError, AttributeError,
     ("get_buffer", "'weight'")),
    ("ParameterDict_int_key", "nn.ParameterDict({1: nn.Parameter(torch.ones(1))})", TypeError, TypeError,
     ("ParameterDict", "not a string", "int")),
    ("register_buffer_a_list", "nn.Linear(2, 2).register_buffer('b', [1.0])", TypeError, TypeError,
     ("register_buffer", "'b'", "list")),
    ("DataLoader_prefetch_factor_without_workers", f"DataLoader({DS}, prefetch_factor=2)", ValueError, ValueError,
     ("DataLoader", "prefetch_factor=2", "num_workers > 0")),
    ("DataLoader_persistent_workers_without_workers", f"DataLoader({DS}, persistent_workers=True)", ValueError,
     ValueError, ("persistent_workers=True", "num_workers > 0")),
    ("DataLoader_negative_timeout", f"DataLoader({DS}, timeout=-1)", ValueError, ValueError,
     ("DataLoader", "timeout", "-1")),
    ("DataLoader_collate_fn_a_number", f"next(iter(DataLoader({DS}, collate_fn=3)))", TypeError, TypeError,
     ("collate_fn", "callable", "int")),
    ("WeightedRandomSampler_of_a_matrix", "torch.utils.data.WeightedRandomSampler([[1.0, 1.0]], 2)", ValueError,
     ValueError, ("WeightedRandomSampler", "1-D", "(1, 2)")),
    ("WeightedRandomSampler_negative_weight", "list(torch.utils.data.WeightedRandomSampler([-1.0, 1.0], 2))",
     RuntimeError, ValueError, ("WeightedRandomSampler", "non-negative", "-1.0")),
    ("RandomSampler_replacement_a_string", "RandomSampler(range(3), replacement='no')", TypeError, TypeError,
     ("RandomSampler", "replacement", "'no'")),
    ("BatchSampler_batch_size_True", "BatchSampler(SequentialSampler(range(3)), True, False)", ValueError, ValueError,
     ("BatchSampler", "batch_size", "True")),
    ("random_split_fractions_that_do_not_sum_to_1", f"random_split({DS}, [0.3, 0.3])", ValueError, ValueError,
     ("random_split", "[0.3, 0.3]", "summing to 1")),
    ("default_collate_of_objects", "default_collate([object(), object()])", TypeError, TypeError,
     ("default_collate", "object", "collate_fn")),
    ("Adam_lr_a_tensor_of_two", f"optim.Adam({P}, lr=torch.tensor([0.1, 0.2]))", ValueError, ValueError,
     ("Adam", "lr", "1-element", "(2,)")),
    ("LBFGS_step_without_a_closure", "optim.LBFGS([nn.Parameter(torch.ones(2))]).step()", TypeError, TypeError,
     ("LBFGS.step", "closure")),
    ("LambdaLR_more_lambdas_than_groups", SGD + f"{S}LambdaLR(opt, [lambda e: 1.0, lambda e: 1.0])", ValueError,
     ValueError, ("LambdaLR", "2 lr_lambda", "1 param groups")),
    ("CosineAnnealingWarmRestarts_T_mult_0", SGD + f"{S}CosineAnnealingWarmRestarts(opt, 2, T_mult=0)", ValueError,
     ValueError, ("CosineAnnealingWarmRestarts", "T_mult", "got 0")),
    ("LinearLR_end_factor_2", SGD + f"{S}LinearLR(opt, end_factor=2)", ValueError, ValueError,
     ("LinearLR", "end_factor", "got 2")),
    ("ChainedScheduler_of_two_optimizers", SGD + f"o2 = optim.SGD({P}, lr=0.1)\n{S}ChainedScheduler("
     f"[{S}StepLR(opt, 1), {S}StepLR(o2, 1)])", ValueError, ValueError,
     ("ChainedScheduler", "same optimizer", "index 1")),
    ("OneCycleLR_anneal_strategy_unknown", SGD + f"{S}OneCycleLR(opt, 0.1, total_steps=10, anneal_strategy='foo')",
     ValueError, ValueError, ("OneCycleLR", "anneal_strategy", "'foo'")),
    ("ReduceLROnPlateau_threshold_mode_unknown", SGD + f"{S}ReduceLROnPlateau(opt, threshold_mode='pct')",
     ValueError, ValueError, ("ReduceLROnPlateau", "threshold_mode", "'pct'")),
    ("clip_grad_norm__norm_type_a_string", "p = nn.Parameter(torch.ones(2))\np.grad = torch.ones(2)\n"
     "nn.utils.clip_grad_norm_([p], 1.0, norm_type='fro')", ValueError, ValueError,
     ("clip_grad_norm_", "norm_type", "'fro'")),
    ("clip_grad_norm__of_an_inf_gradient", "p = nn.Parameter(torch.ones(2))\np.grad = torch.tensor([float('inf'), "
     "1.0])\nnn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)", RuntimeError, RuntimeError,
     ("clip_grad_norm_", "non-finite", "error_if_nonfinite=False")),
]

CASES = FUNC + COMPLEX_SPARSE_FFT + DISTRIBUTIONS + LINALG + MODULES_DATA_OPTIM

SING = "torch.tensor([[2.0, 1.0], [1.0, 3.0]])"

# calls near the mistakes above that PyTorch accepts: ours run and give PyTorch's result (the last line's value)
ACCEPTED = [
    ("eigh_UPLO_in_lower_case", f"{L}eigh({SING}, UPLO='u').eigenvalues"),
    ("eigvalsh_UPLO_in_lower_case", f"{L}eigvalsh({SING}, UPLO='l')"),
    ("svd_driver_None", f"{L}svd({SING}, driver=None).S"),
    ("vmap_negative_in_dim", f"{FN}vmap(lambda x: x.sum(), in_dims=-1)(torch.arange(6.0).reshape(2, 3))"),
    ("jacrev_of_a_tuple_output", f"[list(j.shape) for j in {FN}jacrev(lambda x: (x * 2, x.sum()))({X})]"),
    ("functional_call_ignores_an_unknown_name", f"{FN}functional_call(nn.Linear(2, 2), {{'w': torch.ones(2, 2)}}, "
     "(torch.ones(2),)).shape"),
    ("sparse_sum_of_the_last_dim", "torch.sparse.sum(torch.tensor([[1.0, 0.0], [2.0, 3.0]]).to_sparse(), dim=-1)"
     ".to_dense()"),
    ("sparse_softmax_of_a_negative_dim", "torch.sparse.softmax(torch.tensor([[1.0, 0.0], [2.0, 3.0]]).to_sparse(), "
     "-1).to_dense()"),
    ("coalesce_sums_repeated_entries", "torch.sparse_coo_tensor(torch.tensor([[0, 0]]), torch.tensor([1.0, 2.0]), "
     "(3,)).coalesce().values()"),
    ("fft_of_bool", "torch.fft.fft(torch.tensor([True, False, True, True])).real"),
    ("fft_n_a_0d_tensor", "torch.fft.fft(torch.ones(4), n=torch.tensor(2)).shape"),
    ("hfft_of_a_real_tensor", "torch.fft.hfft(torch.tensor([1.0, 2.0, 3.0]))"),
    ("fmod_of_floats", "torch.fmod(torch.tensor([3.0, -1.0]), 2)"),
    ("copysign_of_floats", "torch.copysign(torch.tensor([3.0, -2.0]), -1.0)"),
    ("Normal_of_python_ints", f"{D}Normal(0, 1).log_prob(torch.tensor(0.0))"),
    ("Bernoulli_enumerate_support", f"{D}Bernoulli(torch.tensor([0.3, 0.6])).enumerate_support()"),
    ("module_assigned_over_a_buffer", "m = nn.BatchNorm1d(2)\nm.running_mean = nn.ReLU()\n"
     "[type(m.running_mean).__name__, sorted(n for n, _ in m.named_buffers())]"),
    ("module_assigned_after_del_of_the_parameter", "m = nn.Linear(2, 2)\ndel m.weight\nm.weight = nn.ReLU()\n"
     "[type(m.weight).__name__, [n for n, _ in m.named_parameters()]]"),
    ("load_state_dict_missing_key_not_strict", "r = nn.Linear(2, 2).load_state_dict({'weight': torch.ones(2, 2)}, "
     "strict=False)\n[r.missing_keys, r.unexpected_keys]"),
    ("random_split_of_fractions", f"[len(s) for s in random_split({DS}, [0.5, 0.5])]"),
    ("clip_grad_value__of_a_negative_limit", "p = nn.Parameter(torch.ones(2))\np.grad = torch.tensor([2.0, -3.0])\n"
     "nn.utils.clip_grad_value_([p], -1.0)\np.grad"),
    ("inv_ex_of_a_singular_matrix", f"{L}inv_ex(torch.tensor([[1.0, 2.0], [2.0, 4.0]])).info"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_mistake_raises_pytorchs_type_naming_the_op_and_shapes(case):
    check_mistake(case, pytorch_names())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_pytorch_raises_the_type_we_match(case):
    check_oracle_quietly(case)


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_pytorch_accepts_run_and_match(case):
    check_accepted(case, rtol=1e-6)


def test_a_refused_module_assignment_keeps_the_parameter():
    import nn
    m = nn.Linear(2, 2)
    with pytest.raises(TypeError):
        m.weight = nn.ReLU()
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"] and not list(m.children())


def test_sparse_sum_no_longer_wraps_a_dim_past_the_rank():
    """dim=2 on a matrix summed over dim 0 before (2 % 2): a silent wrong answer."""
    import autograd as torch
    s = torch.tensor([[1.0, 0.0], [2.0, 3.0]]).to_sparse()
    with pytest.raises(IndexError):
        torch.sparse.sum(s, dim=2)
    assert torch.sparse.sum(s, dim=-2).to_dense().tolist() == [3.0, 3.0]


def test_validate_args_default_is_unchanged_by_a_refused_value():
    import autograd as torch
    D_ = torch.distributions
    with pytest.raises(ValueError):
        D_.Distribution.set_default_validate_args("no")
    with pytest.raises(ValueError):
        D_.Normal(0.0, -1.0)   # validation still on
