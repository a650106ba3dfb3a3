"""Round 10 of newcomer mistakes in PyTorch spelling (rounds 1-9: tests/test_bad_input_sweep.py, _round2.py ...
_round9.py), in the areas those left out: dtype mixes in in-place ops, out= arguments and item assignment (a float
result into an int tensor, a source that does not broadcast into copy_, nan or a complex value stored into a real
tensor); integer and bool tensors through ops PyTorch has no kernel for (relu, median, topk, rounding, max pooling
of bools, pow / // / % of two bools, cumsum in bool, round of ints with decimals, continuous random fills of ints,
the LAPACK-backed linalg functions); empty tensors through reductions without a dim, and view / reshape /
as_strided / unfold with impossible sizes; indexing and the index ops (a string index, negative indices to gather
and the scatter family, which PyTorch does not count from the end); random fills and creation with invalid
parameters or data; module registration over an existing member, DataLoader(drop_last='no'), optimiser and
scheduler states of the wrong kind, weight_norm of a missing name; and checkpoint files that are not checkpoints
(torch.load of an empty or foreign file, of bytes, of a text-mode file; torch.save to a folder or of a function).
Each must raise the exception type
PyTorch raises, still an instance of the type deepgrad raised before, with a message naming the op, the shapes,
dtypes or values involved and the fix; where PyTorch accepts a call, we accept it and give PyTorch's result."""
import os
import pickle

import pytest

from tests.bad_input_checks import check_accepted, check_mistake, check_oracle_quietly, pytorch_names

A = "torch.arange(6.0).reshape(2, 3)"
I = "torch.ones(2, 3, dtype=torch.int64)"
B = "torch.tensor([True, False, True])"

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it; the new type's base where we accepted the call), substrings the message must hold
INPLACE_OUT = [
    ("add__float_into_int", f"x = {I}\nx.add_(torch.ones(2, 3))", RuntimeError, TypeError,
     ("add_", "float32", "int64", "t.float()")),
    ("sqrt__of_int", f"x = {I}\nx.sqrt_()", RuntimeError, TypeError, ("sqrt_", "float32", "int64")),
    ("clamp__float_bounds_into_int", f"x = {I}\nx.clamp_(0.5, 1.5)", RuntimeError, TypeError, ("clamp_", "int64")),
    ("add__int_into_bool", f"x = {B}\nx.add_(torch.ones(3, dtype=torch.int64))", RuntimeError, TypeError,
     ("add_", "int64", "bool")),
    ("add__grows_the_tensor", "x = torch.ones(3)\nx.add_(torch.ones(2, 3))", RuntimeError, ValueError,
     ("add_", "Size([2, 3])", "Size([3])", "out-of-place")),
    ("copy__source_does_not_broadcast", "x = torch.ones(3)\nx.copy_(torch.ones(2))", RuntimeError, ValueError,
     ("copy_", "(2,)", "(3,)", "reshape or slice")),
    ("copy__source_of_more_dims", "x = torch.ones(3)\nx.copy_(torch.ones(2, 3))", RuntimeError, ValueError,
     ("copy_", "(2, 3)", "(3,)", "doesn't match the broadcast shape")),
    ("pow__int_negative_exponent", f"x = {I}\nx.pow_(-1)", RuntimeError, RuntimeError,
     ("pow", "int64", "Integers to negative integer powers are not allowed")),
    ("lerp__of_int", f"x = {I}\nx.lerp_({I}, 0.5)", NotImplementedError, TypeError, ("lerp", "int64", ".float()")),
    ("masked_fill_int_mask", f"{A}.masked_fill({I}, 0.0)", RuntimeError, TypeError,
     ("masked_fill", "bool", "int64", "x > 0")),
    ("masked_fill__mask_of_more_dims", f"x = {A}\nx.masked_fill_(torch.ones(4, 2, 3, dtype=torch.bool), 0.0)",
     RuntimeError, ValueError, ("masked_fill_", "Size([4, 2, 3])", "Size([2, 3])")),
    ("fill__of_a_vector", f"{A}.fill_(torch.ones(2))", RuntimeError, ValueError, ("fill_", "(2,)", "copy_")),
    ("fill__complex_into_float", "torch.ones(3).fill_(1j)", RuntimeError, TypeError,
     ("fill_", "complex", "float32", "complex64")),
    ("add_out_int_for_a_float_result", f"o = torch.empty(2, 3, dtype=torch.int64)\ntorch.add({A}, {A}, out=o)",
     RuntimeError, TypeError, ("add()", "float32", "int64")),
    ("matmul_out_int", f"o = torch.empty(2, 2, dtype=torch.int64)\ntorch.matmul({A}, {A}.T, out=o)", RuntimeError,
     TypeError, ("matmul()", "float32", "int64")),
    ("cat_out_int", f"o = torch.empty(4, 3, dtype=torch.int64)\ntorch.cat([{A}, {A}], out=o)", TypeError, TypeError,
     ("cat()", "float32", "int64")),
    ("exp_out_of_a_tensor_requiring_grad", "x = torch.ones(3, requires_grad=True)\ntorch.exp(x, out=torch.empty(3))",
     RuntimeError, RuntimeError, ("exp()", "out=", "requires grad", "without out=")),
    ("setitem_complex_into_float", "x = torch.ones(3)\nx[0] = 1j", RuntimeError, TypeError,
     ("setitem", "complex", "float32", "x.to(ag.complex64)")),
    ("setitem_nan_into_int", "x = torch.ones(3, dtype=torch.int64)\nx[0] = float('nan')", RuntimeError, RuntimeError,
     ("setitem", "int64", "without overflow", "nan", "x.float()")),
    ("setitem_inf_into_int", "x = torch.ones(3, dtype=torch.int64)\nx[0] = float('inf')", RuntimeError, Exception,
     ("setitem", "int64", "without overflow", "inf")),
]

NO_KERNEL = [
    ("relu_of_bool", f"torch.relu({B})", RuntimeError, RuntimeError,
     ("relu", "Boolean inputs not supported", "(3,)", "x.float()")),
    ("F_relu_of_bool", f"F.relu({B})", RuntimeError, RuntimeError, ("Boolean inputs not supported for relu",)),
    ("median_of_bool", f"{B}.median()", NotImplementedError, NotImplementedError,
     ("median", "not implemented for 'Bool'", "(3,)", "x.long().median()")),
    ("median_of_bool_along_a_dim", f"{B}.median(0)", NotImplementedError, NotImplementedError, ("median", "Bool")),
    ("topk_of_bool", f"{B}.topk(1)", RuntimeError, RuntimeError,
     ("topk does not support bool dtypes", "(3,)", "x.long().topk(k)")),
    ("round_of_int_with_decimals", f"torch.round({I}, decimals=1)", NotImplementedError, NotImplementedError,
     ("round", "decimals=1", "int64", "(2, 3)", "drop decimals")),
    ("mean_of_int", f"{I}.mean()", RuntimeError, TypeError, ("mean()", "int64", "(2, 3)", "x.float().mean()")),
    ("std_of_int", f"{I}.std()", RuntimeError, TypeError, ("std()", "int64", "x.float().std()")),
    ("softmax_of_int", f"{I}.softmax(0)", NotImplementedError, TypeError, ("softmax", "int64", ".float()")),
    ("int_tensor_requiring_grad", "torch.ones(2, dtype=torch.int64, requires_grad=True)", RuntimeError, TypeError,
     ("floating-point", "int64", "requires_grad_()")),
    ("bool_tensor_requires_grad_", f"{B}.requires_grad_()", RuntimeError, TypeError, ("floating-point", "bool")),
    ("linear_of_an_int_batch", f"F.linear({I}, torch.ones(2, 3))", RuntimeError, TypeError,
     ("linear", "int64", "float32", "x.float()")),
    ("negation_of_bool", f"-{B}", RuntimeError, RuntimeError, ("neg", "bool", "(3,)", "~")),
    ("invert_of_float", f"~{A}", TypeError, TypeError, ("bitwise_not", "float32", "x > 0")),
    ("and_of_floats", f"{A} & {A}", NotImplementedError, TypeError, ("bitwise_and", "float32", ".long()")),
    ("backward_of_argmax", "x = torch.ones(3, requires_grad=True)\nx.argmax().backward()", RuntimeError,
     RuntimeError, ("backward", "does not require grad", "requires_grad=True")),
    ("eigh_of_int", "torch.linalg.eigh(torch.eye(2, dtype=torch.int64))", NotImplementedError, TypeError,
     ("linalg.eigh", "int64", "linalg_eigh_cpu", ".double()")),
    ("eigvalsh_of_bool", "torch.linalg.eigvalsh(torch.eye(2, dtype=torch.bool))", NotImplementedError, TypeError,
     ("linalg.eigvalsh", "bool", ".float()")),
    ("lu_factor_of_int", "torch.linalg.lu_factor(torch.eye(2, dtype=torch.int64))", NotImplementedError, TypeError,
     ("linalg.lu_factor", "int64", "lu_cpu")),
    ("solve_triangular_of_int", "torch.linalg.solve_triangular(torch.eye(2, dtype=torch.int64), torch.eye(2, "
     "dtype=torch.int64), upper=True)", NotImplementedError, TypeError, ("linalg.solve_triangular", "int64")),
    ("householder_product_of_int", "torch.linalg.householder_product(torch.eye(2, dtype=torch.int64), torch.ones(2, "
     "dtype=torch.int64))", NotImplementedError, TypeError, ("linalg.householder_product", "orgqr_cpu")),
    ("eigh_of_float16", "torch.linalg.eigh(torch.eye(2, dtype=torch.float16))", NotImplementedError, TypeError,
     ("linalg.eigh", "float16", "low precision")),
    ("floor_of_bool", f"{B}.floor()", NotImplementedError, NotImplementedError,
     ("floor", "not implemented for 'Bool'", "(3,)", "x.float().floor()")),
    ("ceil_of_bool", f"torch.ceil({B})", NotImplementedError, NotImplementedError, ("ceil", "Bool")),
    ("round_of_bool", f"{B}.round()", NotImplementedError, NotImplementedError, ("round", "Bool")),
    ("pow_of_two_bools", f"{B} ** {B}", NotImplementedError, NotImplementedError,
     ("pow", "not implemented for 'Bool'", "(3,)", "a.long() ** b.long()")),
    ("floor_divide_of_two_bools", f"{B} // {B}", NotImplementedError, NotImplementedError,
     ("div", "'floor'", "bool", "a.long() // b.long()")),
    ("div_trunc_of_two_bools", f"torch.div({B}, {B}, rounding_mode='trunc')", NotImplementedError,
     NotImplementedError, ("div", "'trunc'", "bool")),
    ("remainder_of_two_bools", f"{B} % {B}", NotImplementedError, NotImplementedError,
     ("remainder", "two bool operands", "remainder_cpu")),
    ("fmod_of_two_bools", f"torch.fmod({B}, {B})", NotImplementedError, RuntimeError, ("fmod", "bool", ".long()")),
    ("cumsum_in_bool", "torch.ones(2).cumsum(0, dtype=torch.bool)", NotImplementedError, NotImplementedError,
     ("cumsum", "dtype=bool", "cumsum_out_cpu", "dtype=torch.int64")),
    ("cumprod_in_bool", "torch.ones(2).cumprod(0, dtype=torch.bool)", NotImplementedError, NotImplementedError,
     ("cumprod", "dtype=bool")),
    ("max_pool1d_of_bool", "F.max_pool1d(torch.tensor([[[True, False]]]), 2)", NotImplementedError, RuntimeError,
     ("max_pool1d", "not implemented for 'Bool'", "(1, 1, 2)", "x.float()")),
    ("max_pool2d_of_bool", "F.max_pool2d(torch.ones(1, 1, 2, 2, dtype=torch.bool), 2)", NotImplementedError,
     RuntimeError, ("max_pool2d", "Bool")),
    ("cross_of_2_vectors", "torch.cross(torch.ones(2, 2), torch.ones(2, 2), dim=1)", RuntimeError, ValueError,
     ("cross", "dim 1", "length 3", "3-vectors")),
]

E = "torch.ones(0, 3)"

EMPTY_VIEWS = [
    ("max_of_an_empty_tensor", "torch.ones(0).max()", RuntimeError, ValueError,
     ("max()", "Expected reduction dim to be specified", "(0,)", "'dim' argument")),
    ("min_of_an_empty_tensor", f"{E}.min()", RuntimeError, ValueError, ("min()", "(0, 3)", "'dim'")),
    ("amax_of_an_empty_tensor", "torch.ones(0).amax()", RuntimeError, ValueError, ("amax()", "(0,)", "'dim'")),
    ("amin_of_an_empty_tensor_over_no_dims", f"{E}.amin(dim=())", RuntimeError, ValueError, ("amin()", "(0, 3)")),
    ("max_over_an_empty_dim", f"{E}.max(0)", IndexError, ValueError, ("max", "dim 0", "is empty")),
    ("argmin_over_an_empty_dim", f"{E}.argmin(0)", IndexError, ValueError, ("argmin", "empty", "0, 3")),
    ("median_over_an_empty_dim", f"{E}.median(0)", IndexError, IndexError, ("median", "dim 0", "empty")),
    ("quantile_of_an_empty_tensor", "torch.ones(0).quantile(0.5)", RuntimeError, ValueError,
     ("quantile", "(0,)", "non-empty")),
    ("aminmax_of_an_empty_tensor", "torch.aminmax(torch.ones(0))", RuntimeError, ValueError,
     ("aminmax", "(0,)", "dim")),
    ("view_two_inferred_sizes", f"{A}.view(-1, -1)", RuntimeError, ValueError,
     ("reshape", "(-1, -1)", "only one dimension can be inferred")),
    ("view_of_an_empty_tensor_inferring", f"{E}.view(-1, 0)", RuntimeError, ValueError,
     ("reshape", "(-1, 0)", "ambiguous")),
    ("reshape_of_an_empty_tensor_inferring", f"{E}.reshape(0, -1)", RuntimeError, ValueError,
     ("(0, -1)", "can be any value", "give every size")),
    ("view_of_another_count", f"{A}.view(4)", RuntimeError, ValueError, ("reshape", "Size([2, 3])", "(4,)")),
    ("view_as_a_wider_dtype", "torch.ones(3).view(torch.float64)", RuntimeError, RuntimeError,
     ("view", "divisible by 2", "got 3")),
    ("as_strided_past_the_memory", "torch.ones(4).as_strided((3,), (2,))", RuntimeError, RuntimeError,
     ("as_strided", "(3,)", "(2,)", "inside the block")),
    ("as_strided_negative_stride", "torch.ones(4).as_strided((2,), (-1,))", RuntimeError, RuntimeError,
     ("as_strided", "negative strides", "(-1,)")),
    ("unfold_window_longer_than_the_dim", "torch.ones(3).unfold(0, 4, 1)", RuntimeError, ValueError,
     ("unfold", "size 4", "at most 3")),
    ("unfold_step_0", "torch.ones(3).unfold(0, 2, 0)", RuntimeError, ValueError, ("unfold", "step 0", "positive")),
    ("expand_to_fewer_dims", f"{A}.expand(3)", RuntimeError, ValueError, ("expand", "(3,)", "Size([2, 3])")),
    ("view_of_a_transpose", f"{A}.t().view(6)", RuntimeError, RuntimeError, ("view", "(6,)", ".reshape(")),
]

INDEXING = [
    ("index_with_a_string", f"{A}['a']", TypeError, IndexError,
     ("indexing a tensor of shape", "'a'", "invalid data type 'str'", "dict")),
    ("index_past_the_end", f"{A}[2]", IndexError, IndexError, ("Size([2, 3])", "index 2 is out of bounds")),
    ("bool_mask_of_another_length", f"{A}[{B}]", IndexError, IndexError, ("Size([2, 3])", "(3,)")),
    ("index_tensors_that_do_not_broadcast", f"{A}[torch.tensor([0, 1]), torch.tensor([0, 1, 2])]", IndexError,
     IndexError, ("Size([2, 3])", "could not be broadcast")),
    ("gather_negative_index", f"{A}.gather(1, torch.tensor([[-1], [0]]))", RuntimeError, RuntimeError,
     ("gather", "index -1 is out of bounds for dimension 1 with size 3", "index % 3")),
    ("scatter_negative_index", f"{A}.scatter(1, torch.tensor([[-1]]), 5.0)", RuntimeError, RuntimeError,
     ("scatter", "index -1", "dimension 1 with size 3")),
    ("scatter_add_negative_index", f"{A}.scatter_add(1, torch.tensor([[-1]]), torch.ones(1, 1))", RuntimeError,
     RuntimeError, ("scatter_add", "index -1")),
    ("scatter_reduce_negative_index", f"{A}.scatter_reduce(1, torch.tensor([[-2]]), torch.ones(1, 1), 'amax')",
     RuntimeError, RuntimeError, ("scatter_reduce", "index -2", "size 3")),
    ("gather_past_the_end", f"{A}.gather(1, torch.tensor([[3], [0]]))", RuntimeError, RuntimeError,
     ("gather", "dim 1", "length 3")),
    ("index_select_2d_index", f"{A}.index_select(1, torch.tensor([[0]]))", IndexError, ValueError,
     ("index_select", "(1, 1)", "reshape(-1)")),
    ("take_past_the_end", f"{A}.take(torch.tensor([6]))", IndexError, IndexError, ("take", "6 elements")),
    ("where_float_condition", f"torch.where({A}, {A}, {A})", RuntimeError, TypeError,
     ("where", "bool", "float32", "x > 0")),
    ("embedding_negative_index", "F.embedding(torch.tensor([-1]), torch.ones(3, 2))", IndexError, IndexError,
     ("embedding", "index -1", "num_embeddings=3")),
    ("cross_entropy_target_past_the_classes", "F.cross_entropy(torch.ones(2, 3), torch.tensor([0, 3]))",
     IndexError, IndexError, ("cross_entropy", "target class 3", "3 classes")),
]

P = "[nn.Parameter(torch.ones(2))]"
SGD = f"opt = optim.SGD({P}, lr=0.1)\n"

RANDOM_CREATION = [
    ("randperm_negative", "torch.randperm(-1)", RuntimeError, Exception,
     ("randperm", "negative dimension -1", "0 or more")),
    ("exponential__negative_rate", "torch.ones(2).exponential_(-1)", RuntimeError, ValueError,
     ("exponential_", "lambda > 0.0", "lambda=-1")),
    ("random__from_above_to", "torch.ones(2).random_(5, 2)", RuntimeError, ValueError,
     ("random_", "from=5 >= to=2", "[from, to - 1]")),
    ("log_normal__negative_std", "torch.ones(2).log_normal_(1, -1)", RuntimeError, ValueError,
     ("log_normal_", "std > 0.0", "std=-1")),
    ("geometric__p_above_1", "torch.ones(2).geometric_(1.5)", RuntimeError, ValueError,
     ("geometric_", "(0, 1)", "p=1.5")),
    ("cauchy__negative_sigma", "torch.ones(2).cauchy_(0, -1)", RuntimeError, RuntimeError,
     ("cauchy_", "sigma > 0.0", "sigma=-1")),
    ("multinomial_more_draws_than_categories", "torch.multinomial(torch.tensor([1.0, 1.0]), 3)", RuntimeError,
     ValueError, ("multinomial", "3 samples", "2 categories", "replacement=True")),
    ("tensor_of_strings", "torch.tensor(['a', 'b'])", ValueError, TypeError,
     ("tensor", "string data", "np.float32")),
    ("tensor_of_None", "torch.tensor(None)", RuntimeError, TypeError, ("tensor", "Could not infer dtype of NoneType")),
    ("tensor_of_an_int_past_64_bits", "torch.tensor([1, 2 ** 64])", ValueError, TypeError,
     ("tensor", "18446744073709551616", "64 bits", "float(")),
    ("full_of_a_string", "torch.full((2,), 'a')", TypeError, ValueError,
     ("full()", "fill_value", "must be Number, not str")),
    ("new_full_of_a_string", "torch.ones(2).new_full((2,), 'a')", TypeError, ValueError, ("fill_value", "'a'")),
    ("full_like_of_a_string", "torch.full_like(torch.ones(2), 'a')", TypeError, ValueError, ("fill_value", "str")),
    ("type_of_an_unknown_name", "torch.ones(2).type('float33')", ValueError, TypeError,
     ("Tensor.type", "invalid type", "'float33'", "torch.DoubleTensor")),
    ("elu_alpha_a_string", "F.elu(torch.ones(3), alpha='a')", TypeError, ValueError,
     ("elu()", "alpha", "must be Number, not str")),
    ("kl_div_log_target_a_string", "F.kl_div(torch.ones(3), torch.ones(3), reduction='sum', log_target='no')",
     TypeError, Exception, ("kl_div()", "log_target", "must be bool, not str")),
    ("exponential__of_int", "torch.ones(2, dtype=torch.int64).exponential_()", RuntimeError, RuntimeError,
     ("exponential_", "continuous", "int64", "float tensor")),
    ("cauchy__of_int", "torch.ones(2, dtype=torch.int64).cauchy_()", RuntimeError, RuntimeError,
     ("cauchy_", "floating point", "int64")),
    ("log_normal__of_int", "torch.ones(2, dtype=torch.int64).log_normal_()", NotImplementedError,
     NotImplementedError, ("log_normal_", "int64")),
    ("random__float_bound", "torch.ones(2).random_(0.5, 3)", TypeError, TypeError,
     ("random_()", "from=0.5", "ints", "uniform_")),
    ("bernoulli__negative_p", "torch.ones(2).bernoulli_(-0.5)", RuntimeError, ValueError,
     ("bernoulli_", "[0, 1]", "p=-0.5")),
    ("poisson_of_a_negative_rate", "torch.poisson(torch.tensor([-1.0]))", RuntimeError, ValueError,
     ("poisson", "non-negative")),
    ("Poisson_sample_of_a_negative_rate_unvalidated", "torch.distributions.Poisson(torch.tensor(-1.0), "
     "validate_args=False).sample()", RuntimeError, RuntimeError, ("Poisson.sample", "non-negative", "-1.0")),
    ("put__float_index", f"{A}.put_(torch.tensor([0.0]), torch.tensor([1.0]))", RuntimeError, TypeError,
     ("put", "int64", "float32", ".long()")),
    ("sort_stable_a_string", "torch.ones(3).sort(stable='yes')", TypeError, TypeError,
     ("sort()", "stable", "'yes'", "stable=True")),
    ("argsort_stable_an_int", "torch.ones(3).argsort(stable=1)", TypeError, TypeError, ("argsort()", "int 1")),
]

L = "nn.Linear(2, 2)"
S = "optim.lr_scheduler."

MODULES_OPTIM = [
    ("register_buffer_over_a_parameter", f"{L}.register_buffer('weight', torch.ones(1))", KeyError, Exception,
     ("attribute 'weight' already exists", "Linear", "parameter", "pick another buffer name")),
    ("add_module_over_a_parameter", f"{L}.add_module('bias', nn.ReLU())", KeyError, Exception,
     ("attribute 'bias' already exists", "del module.bias")),
    ("register_parameter_over_a_buffer", "nn.BatchNorm1d(2).register_parameter('running_mean', nn.Parameter("
     "torch.ones(2)))", KeyError, Exception, ("'running_mean' already exists", "BatchNorm1d", "buffer")),
    ("DataLoader_drop_last_a_string", "DataLoader(TensorDataset(torch.arange(10.0)), batch_size=3, drop_last='no')",
     ValueError, Exception, ("DataLoader", "drop_last should be a boolean value", "'no'", "drop_last=False")),
    ("DataLoader_drop_last_1", "DataLoader(TensorDataset(torch.arange(10.0)), batch_size=3, drop_last=1)",
     ValueError, Exception, ("drop_last", "1")),
    ("ConcatDataset_of_nothing", "torch.utils.data.ConcatDataset([])", AssertionError, ValueError,
     ("ConcatDataset", "should not be an empty iterable", "at least one dataset")),
    ("Adam_betas_a_string", f"optim.Adam({P}, betas='0.9')", TypeError, ValueError,
     ("Adam", "betas", "a string", "betas=(0.9, 0.999)")),
    ("Adam_one_beta_a_string", f"optim.Adam({P}, betas=(0.9, '0.99'))", TypeError, ValueError, ("Adam", "'0.99'")),
    ("optimizer_load_state_dict_of_a_list", SGD + "opt.load_state_dict([1])", TypeError, ValueError,
     ("SGD.load_state_dict", "got list", "optimizer.state_dict()")),
    ("scheduler_load_state_dict_of_a_list", SGD + f"{S}StepLR(opt, 1).load_state_dict([1])", TypeError, Exception,
     ("StepLR.load_state_dict", "got list", "scheduler.state_dict()")),
    ("plateau_load_state_dict_of_a_list", SGD + f"{S}ReduceLROnPlateau(opt).load_state_dict([1])", TypeError,
     Exception, ("ReduceLROnPlateau.load_state_dict", "list")),
    ("SequentialLR_load_state_dict_of_a_list", SGD + f"{S}SequentialLR(opt, [{S}ConstantLR(opt)], [])"
     ".load_state_dict([1])", TypeError, Exception, ("SequentialLR.load_state_dict", "list")),
    ("CyclicLR_load_state_dict_of_a_list", SGD.replace("lr=0.1", "lr=0.1, momentum=0.9") + f"{S}CyclicLR(opt, 0.01, "
     "0.1).load_state_dict([1])", TypeError, Exception, ("CyclicLR.load_state_dict", "list")),
    ("weight_norm_of_a_missing_name", f"nn.utils.weight_norm({L}, name='w')", AttributeError, ValueError,
     ("weight_norm", "Linear", "'w'", "weight, bias")),
    ("weight_norm_of_a_plain_attribute", f"m = {L}\nm.foo = 3\nnn.utils.weight_norm(m, name='foo')", KeyError,
     ValueError, ("weight_norm", "'foo'", "parameters")),
    ("load_state_dict_missing_and_unexpected", f"{L}.load_state_dict({{'weight': torch.ones(2, 2), 'x': "
     "torch.ones(1)})", RuntimeError, KeyError,
     ("Linear", "Missing key(s)", '"bias"', "Unexpected key(s)", "strict=False")),
]

FILE = "import os, tempfile\np = os.path.join(tempfile.mkdtemp(), 'm.pt')\n"
GOOD = FILE + "torch.save({'a': torch.ones(2)}, p)\n"

CHECKPOINTS = [
    ("load_an_empty_file", FILE + "open(p, 'wb').close()\ntorch.load(p)", EOFError, ValueError,
     ("m.pt", "is not a valid safetensors file", "0 bytes")),
    ("load_a_two_byte_file", FILE + "open(p, 'wb').write(b'\\x05\\x00')\ntorch.load(p)", pickle.UnpicklingError,
     ValueError, ("m.pt", "2 bytes")),
    ("load_a_header_that_is_not_json", FILE + "open(p, 'wb').write((4).to_bytes(8, 'little') + b'{{{{')\n"
     "torch.load(p)", pickle.UnpicklingError, ValueError, ("m.pt", "not valid JSON")),
    ("load_a_stream_read_to_its_end", "import io\nb = io.BytesIO()\ntorch.save({'a': torch.ones(1)}, b)\n"
     "torch.load(b)", EOFError, ValueError, ("BytesIO", "0 bytes", "f.seek(0)")),
    ("load_of_bytes", "torch.load(b'abc')", AttributeError, TypeError, ("load", "bytes", "io.BytesIO")),
    ("load_of_None", "torch.load(None)", AttributeError, TypeError, ("load", "NoneType")),
    ("load_of_a_text_mode_file", FILE + "open(p, 'w').write('hello')\ntorch.load(open(p))", AssertionError, TypeError,
     ("m.pt", "text mode", "'rb'")),
    ("load_map_location_a_number", GOOD + "torch.load(p, map_location=0)", TypeError, Exception,
     ("load", "map_location", "int", "'cuda:0'")),
    ("save_to_a_folder", "import tempfile\ntorch.save({'a': torch.ones(1)}, tempfile.mkdtemp())", RuntimeError,
     OSError, ("save", "is a folder", "checkpoint.pt")),
    ("save_to_a_number", "torch.save({'a': torch.ones(1)}, 3)", AttributeError, TypeError,
     ("save", "'write' attribute", "int")),
    ("save_of_a_function", FILE + "torch.save({'fn': lambda: 1}, p)", pickle.PicklingError, TypeError,
     ("save", "obj['fn']", "function", "nothing is pickled")),
]

CASES = INPLACE_OUT + NO_KERNEL + EMPTY_VIEWS + INDEXING + RANDOM_CREATION + MODULES_OPTIM + CHECKPOINTS

# calls near the mistakes above that PyTorch accepts: ours run and give PyTorch's result (the last line's value)
ACCEPTED = [
    ("copy__broadcasts_a_row", "x = torch.zeros(2, 3)\nx.copy_(torch.arange(3.0))\nx"),
    ("copy__of_float64_into_float32", "x = torch.zeros(2)\nx.copy_(torch.tensor([0.5, 1.5], dtype=torch.float64))\n"
     "[str(x.dtype).replace('torch.', ''), x]"),
    ("setitem_float_into_int_truncates", "x = torch.ones(3, dtype=torch.int64)\nx[0] = 2.7\nx"),
    ("relu_of_int", "torch.tensor([-1, 2]).relu()"),
    ("median_of_int", "torch.tensor([3, 1, 2]).median()"),
    ("topk_of_int", "torch.tensor([3, 1, 2]).topk(2).values"),
    ("round_of_int_without_decimals", f"torch.round({I})"),
    ("round_of_float_with_decimals", "torch.round(torch.tensor([1.2345, 2.5]), decimals=2)"),
    ("take_along_dim_counts_negatives_from_the_end", f"torch.take_along_dim({A}, torch.tensor([[-1], [0]]), 1)"),
    ("gather_of_the_last_index", f"{A}.gather(1, torch.tensor([[2], [0]]))"),
    ("max_over_a_non_empty_dim_of_an_empty_tensor", f"{E}.max(1).values.shape"),
    ("amax_over_a_non_empty_dim", f"{E}.amax(1).shape"),
    ("sum_of_an_empty_tensor", "torch.ones(0).sum()"),
    ("view_inferring_a_size", f"{A}.view(-1, 2)"),
    ("randperm_of_0", "torch.randperm(0).shape"),
    ("full_of_a_bool", "torch.full((2,), True)"),
    ("type_of_a_torch_name", "str(torch.ones(2).type('torch.DoubleTensor').dtype).replace('torch.', '')"),
    ("elu_alpha_an_int", "F.elu(torch.tensor([-1.0, 1.0]), alpha=2)"),
    ("kl_div_log_target_True", "F.kl_div(torch.zeros(2), torch.zeros(2), reduction='sum', log_target=True)"),
    ("bool_to_the_power_True", f"{B} ** True"),
    ("bool_floor_divided_by_an_int", f"{B} // 2"),
    ("bool_remainder_of_an_int", f"{B} % 2"),
    ("int_to_the_power_of_a_bool", f"torch.tensor([2, 3, 4]) ** {B}"),
    ("cumsum_of_bool_counts_in_int64", f"{B}.cumsum(0)"),
    ("trunc_of_int", "torch.tensor([3, -2]).trunc()"),
    ("geometric__of_int", "str(torch.ones(2, dtype=torch.int64).geometric_(0.5).dtype).replace('torch.', '')"),
    ("random__into_a_range_of_one", "torch.ones(3).random_(0, 1)"),
    ("sort_stable_None", "torch.tensor([2.0, 1.0]).sort(stable=None).values"),
    ("register_buffer_replacing_a_buffer", "m = nn.BatchNorm1d(2)\nm.register_buffer('running_mean', torch.ones(2))"
     "\n[m.running_mean, sorted(n for n, _ in m.named_parameters())]"),
    ("add_module_replacing_a_module", "m = nn.Sequential(nn.ReLU())\nm.add_module('0', nn.Tanh())\n"
     "type(m[0]).__name__"),
    ("DataLoader_drop_last_False_keeps_the_short_batch", "[b[0].tolist() for b in DataLoader(TensorDataset("
     "torch.arange(5.0)), batch_size=2, drop_last=False)]"),
    ("ConcatDataset_of_one", "len(torch.utils.data.ConcatDataset([TensorDataset(torch.ones(3))]))"),
    ("Adam_betas_a_list", f"list(optim.Adam({P}, betas=[0.8, 0.9]).param_groups[0]['betas'])"),
    ("scheduler_state_round_trip", SGD + f"s = {S}StepLR(opt, 1, gamma=0.5)\nopt.step()\ns.step()\n"
     f"t = {S}StepLR(opt, 1, gamma=0.5)\nt.load_state_dict(s.state_dict())\nt.last_epoch"),
    ("load_with_map_location_cpu", GOOD + "torch.load(p, map_location='cpu')['a']"),
    ("load_with_map_location_a_function", GOOD + "torch.load(p, map_location=lambda s, loc: s)['a']"),
    ("load_of_a_rewound_stream", "import io\nb = io.BytesIO()\ntorch.save({'a': torch.arange(2.0)}, b)\nb.seek(0)\n"
     "torch.load(b)['a']"),
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


def test_a_refused_register_buffer_keeps_the_parameter():
    import autograd as torch
    import nn
    m = nn.Linear(2, 2)
    with pytest.raises(KeyError):
        m.register_buffer("weight", torch.ones(1))
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"] and not list(m.buffers())


def test_a_refused_save_leaves_the_old_checkpoint_and_no_temporary_file(tmp_path):
    import autograd as torch
    import nn
    path = tmp_path / "m.pt"
    nn.save({"a": torch.arange(3.0)}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError):
        nn.save({"a": torch.ones(1), "fn": len}, path)
    with pytest.raises(RuntimeError):
        nn.save({"a": torch.ones(1)}, tmp_path)
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["m.pt"]
    assert nn.load(path)["a"].tolist() == [0.0, 1.0, 2.0]


def test_a_foreign_file_is_refused_without_being_read_as_code(tmp_path):
    """A pickle (PyTorch's own format) is refused by name: deepgrad never unpickles, so nothing in it runs."""
    import nn
    marker = tmp_path / "ran"
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps(_Touch(str(marker)), protocol=2))
    with pytest.raises(pickle.UnpicklingError, match="pickle"):
        nn.load(path)
    assert not marker.exists()


class _Touch:
    """An object whose unpickling would create a file: the proof that a load ran code."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return open, (self.path, "w")
