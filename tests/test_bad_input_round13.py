"""Round 13 of newcomer mistakes in PyTorch spelling (rounds 1-12: tests/test_bad_input_sweep.py, _round2.py ...
_round11.py, test_bad_input_round12.py), probed where the earlier rounds went least: tensor indexing and views (float
and out-of-range indices, bool masks of the wrong shape, index_put with values that do not fit, view of a transposed
tensor, expand to a smaller size, reshape and unflatten with two -1s, narrow/select past the end, movedim duplicates,
split and chunk by a float, text assigned into a tensor), cat/stack/hstack/gather/scatter edge cases, nn.Module API
misuse (register_buffer of a number, dotted names, a Tensor assigned over a Parameter, a prefix that is not a string,
load_state_dict's message text), optimizer param groups and hyper-parameters, nn.init of 1-D tensors, grouped
convolutions, MultiheadAttention / Transformer masks of other ranks and dtypes, torch.save/torch.load of missing,
truncated or foreign files, and DataLoader worker arguments. Each must raise the exception type PyTorch raises, still
an instance of the type deepgrad raised before, with a message naming the op, the shapes, dtypes or values involved
and the fix; where PyTorch accepts a call, we accept it and give PyTorch's result. Refusals kept where PyTorch
computes something malformed, or fails by accident, are checked at the end."""
import pytest

from tests.bad_input_checks import check_accepted, check_mistake, check_oracle_quietly, pytorch_names, raised

# deepgrad's Transformer warns as PyTorch's does that batch_first=False rules out the nested-tensor fast path
pytestmark = pytest.mark.filterwarnings("ignore:enable_nested_tensor")

T = "torch.ones(2, 3)"

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it; Exception where we accepted the call), substrings the message must hold
INDEXING_VIEWS = [
    ("index_by_a_float", f"{T}[1.0]", IndexError, IndexError, ("indexing a tensor of shape", "[1.0]", "integers")),
    ("index_past_the_end", f"{T}[0, 7]", IndexError, IndexError, ("Size([2, 3])", "index 7", "size 3")),
    ("bool_mask_of_another_length", f"{T}[torch.tensor([True, False, True])]", IndexError, IndexError,
     ("Size([2, 3])", "bool array of shape (3,)")),
    ("index_by_a_float_tensor", f"{T}[torch.tensor([0.0])]", IndexError, IndexError, ("float32", "idx.long()")),
    ("index_put_values_that_do_not_fit", f"{T}.index_put_((torch.tensor([0, 1]),), torch.ones(3, 3))", RuntimeError,
     ValueError, ("index_put", "(2, 3)", "(3, 3)", "broadcast")),
    ("index_put_index_past_the_end", f"{T}.index_put_((torch.tensor([5]),), torch.ones(3))", IndexError, IndexError,
     ("index_put", "index 5", "size 2")),
    ("index_put_float_indices", f"{T}.index_put_((torch.tensor([0.0]),), torch.ones(3))", IndexError, IndexError,
     ("index_put", "float32", "idx.long()")),
    ("index_put_values_of_another_dtype", f"{T}.index_put_((torch.tensor([0]),), torch.ones(3, dtype=torch.float64))",
     RuntimeError, TypeError, ("index_put", "float64", "float32", "values.to(input.dtype)")),
    ("view_of_a_transposed_tensor", f"{T}.t().view(6)", RuntimeError, RuntimeError,
     ("view", "strides (1, 3)", "(6,)")),
    ("expand_to_a_smaller_size", f"{T}.expand(2, 2)", RuntimeError, ValueError,
     ("expand", "Size([2, 3])", "(2, 2)", "only dims of size 1")),
    ("reshape_with_two_minus_ones", f"{T}.reshape(-1, -1)", RuntimeError, ValueError,
     ("reshape", "(-1, -1)", "only one dimension can be inferred")),
    ("unflatten_sizes_of_another_product", f"{T}.unflatten(1, (2, 2))", RuntimeError, ValueError,
     ("unflatten", "(2, 2)", "dim 1", "Size([2, 3])")),
    ("unflatten_with_two_minus_ones", f"{T}.unflatten(1, (-1, -1))", RuntimeError, ValueError,
     ("unflatten", "only one dimension can be inferred", "(-1, -1)")),
    ("narrow_past_the_end", f"{T}.narrow(1, 2, 2)", RuntimeError, IndexError,
     ("narrow", "start 2", "length 2", "dim 1 of length 3")),
    ("select_past_the_end", f"{T}.select(1, 3)", IndexError, IndexError, ("select", "index 3", "dim 1 of size 3")),
    ("movedim_repeated_source", f"{T}.movedim((0, 0), (0, 1))", RuntimeError, ValueError,
     ("movedim", "repeated dim in source", "(0, 0)")),
    ("split_by_a_float", f"{T}.split(1.5)", TypeError, TypeError, ("split", "float 1.5", "Size([2, 3])", "x.split(2)")),
    ("split_sizes_of_floats", "torch.ones(2, 3).split([1.5, 0.5])", TypeError, Exception,
     ("split", "element 0", "float 1.5", "whole number")),
    ("split_sizes_a_string", f"{T}.split('1')", TypeError, Exception, ("split", "str '1'")),
    ("chunk_by_a_float", f"{T}.chunk(1.5)", TypeError, ValueError, ("chunk", "float 1.5", "x.chunk(2)")),
    ("hstack_of_nothing", "torch.hstack([])", RuntimeError, Exception, ("hstack", "non-empty", "at least one")),
    ("vstack_of_nothing", "torch.vstack([])", RuntimeError, ValueError, ("vstack", "non-empty")),
    ("column_stack_of_nothing", "torch.column_stack([])", RuntimeError, ValueError, ("column_stack", "non-empty")),
    ("setitem_of_a_string", f"x = {T}\nx[0] = 'a'", TypeError, Exception,
     ("setitem", "can't assign a str", "float32", "(2, 3)")),
    ("cat_of_nothing", "torch.cat([])", ValueError, ValueError, ("cat", "at least one tensor")),
    ("cat_of_one_tensor", f"torch.cat({T})", TypeError, TypeError, ("cat", "got one Tensor", "cat([t], ...)")),
    ("stack_of_other_shapes", "torch.stack([torch.ones(2), torch.ones(3)])", RuntimeError, ValueError,
     ("stack", "[(2,), (3,)]")),
    ("gather_float_index", f"torch.gather({T}, 1, torch.tensor([[0.0]]))", RuntimeError, TypeError,
     ("gather", "float32", ".long()")),
    ("gather_index_larger_than_the_input", f"torch.gather({T}, 1, torch.zeros(3, 1, dtype=torch.long))",
     RuntimeError, ValueError, ("gather", "(3, 1)", "Size([2, 3])", "dim 0")),
    ("scatter_src_smaller_than_the_index", f"{T}.scatter(1, torch.zeros(2, 2, dtype=torch.long), torch.ones(1, 1))",
     RuntimeError, ValueError, ("scatter", "Size([1, 1])", "(2, 2)")),
    ("scatter_src_of_another_dtype", f"{T}.scatter(1, torch.zeros(1, 1, dtype=torch.long), "
     "torch.ones(1, 1, dtype=torch.float64))", RuntimeError, TypeError, ("scatter", "float64", "src.to(input.dtype)")),
]

L = "m = nn.Linear(3, 2)\n"
MODULES = [
    ("register_buffer_of_a_number", L + "m.register_buffer('b', 3)", TypeError, TypeError,
     ("register_buffer", "'b'", "int")),
    ("register_buffer_dotted_name", L + "m.register_buffer('a.b', torch.ones(1))", KeyError, KeyError,
     ("buffer name", "a.b", "'a_b'")),
    ("add_module_dotted_name", L + "m.add_module('a.b', nn.ReLU())", KeyError, KeyError, ("module name", "a.b")),
    ("add_module_of_a_number", L + "m.add_module('a', 3)", TypeError, TypeError, ("add_module", "'a'", "int")),
    ("tensor_assigned_over_a_parameter", L + "m.weight = torch.ones(2, 3)", TypeError, TypeError,
     ("parameter 'weight'", "Linear", "nn.Parameter(...)")),
    ("named_parameters_prefix_an_int", L + "list(m.named_parameters(prefix=3))", TypeError, Exception,
     ("named_parameters", "prefix", "int", "prefix='3'")),
    ("named_buffers_prefix_an_int", "list(nn.BatchNorm1d(3).named_buffers(prefix=3))", TypeError, Exception,
     ("named_buffers", "prefix", "BatchNorm1d")),
    ("state_dict_prefix_an_int", L + "m.state_dict(prefix=3)", TypeError, TypeError, ("state_dict", "prefix", "int")),
    ("load_state_dict_missing_key", L + "m.load_state_dict({'weight': torch.ones(2, 3)})", RuntimeError, KeyError,
     ('Missing key(s) in state_dict: "bias". ', "strict=False")),
    ("load_state_dict_of_other_shapes", L + "m.load_state_dict({'weight': torch.ones(3, 3), 'bias': torch.ones(2)})",
     RuntimeError, KeyError, ("size mismatch for weight", "torch.Size([3, 3])", "torch.Size([2, 3])")),
    ("init_xavier_uniform_of_a_vector", "nn.init.xavier_uniform_(torch.ones(3))", ValueError, ValueError,
     ("xavier_uniform_", "at least 2 dimensions", "Size([3])", "nn.init.uniform_")),
    ("init_xavier_normal_of_a_vector", "nn.init.xavier_normal_(torch.ones(3))", ValueError, ValueError,
     ("xavier_normal_", "Size([3])")),
    ("init_kaiming_uniform_of_a_vector", "nn.init.kaiming_uniform_(torch.ones(3))", ValueError, ValueError,
     ("kaiming_uniform_", "Size([3])")),
    ("init_kaiming_normal_of_a_scalar", "nn.init.kaiming_normal_(torch.tensor(1.0))", ValueError, ValueError,
     ("kaiming_normal_", "Size([])")),
    ("init_kaiming_mode_unknown", "nn.init.kaiming_uniform_(torch.ones(3, 3), mode='foo')", ValueError, ValueError,
     ("kaiming_uniform_", "'fan_in'", "'foo'")),
    ("conv1d_groups_not_dividing_the_channels", "F.conv1d(torch.ones(1, 3, 5), torch.ones(4, 1, 3), groups=2)",
     RuntimeError, ValueError, ("conv1d", "3 channels", "groups=2")),
    ("conv_transpose2d_groups_not_dividing", "F.conv_transpose2d(torch.ones(1, 3, 4, 4), torch.ones(3, 2, 2, 2), "
     "groups=2)", RuntimeError, ValueError, ("conv_transpose2d", "groups=2", "Size([3, 2, 2, 2])")),
    ("conv2d_groups_a_float", "F.conv2d(torch.ones(1, 4, 5, 5), torch.ones(4, 2, 3, 3), groups=2.0)", TypeError,
     ValueError, ("conv2d", "groups must be an int", "float 2.0")),
    ("Conv2d_groups_not_dividing", "nn.Conv2d(3, 4, 3, groups=2)", ValueError, ValueError,
     ("Conv2d", "in_channels=3", "groups=2")),
]

P = "p = nn.Parameter(torch.ones(2))\n"
MHA = "m = nn.MultiheadAttention(8, 2)\nq = torch.randn(5, 2, 8)\n"
OPTIM_ATTENTION = [
    ("SGD_one_parameter_in_two_groups", P + "optim.SGD([{'params': [p]}, {'params': [p]}], lr=0.1)", ValueError,
     ValueError, ("SGD", "more than one parameter group")),
    ("SGD_negative_momentum", P + "optim.SGD([p], lr=0.1, momentum=-1)", ValueError, ValueError,
     ("SGD", "momentum -1")),
    ("Adam_beta1_of_1", P + "optim.Adam([p], betas=(1.0, 0.999))", ValueError, ValueError, ("Adam", "(1.0, 0.999)")),
    ("AdamW_negative_weight_decay", P + "optim.AdamW([p], weight_decay=-1)", ValueError, ValueError,
     ("AdamW", "weight_decay -1")),
    ("add_param_group_overlap", P + "o = optim.SGD([p], lr=0.1)\no.add_param_group({'params': [p]})", ValueError,
     ValueError, ("SGD", "more than one parameter group")),
    ("mha_attn_mask_4d", MHA + "m(q, q, q, attn_mask=torch.zeros(1, 1, 5, 5))", AssertionError, ValueError,
     ("multi_head_attention_forward", "batched (3-D) query", "(1, 1, 5, 5)", "2-D (L, S)")),
    ("mha_attn_mask_1d_unbatched", MHA + "m(q[:, 0], q[:, 0], q[:, 0], attn_mask=torch.zeros(5))", AssertionError,
     ValueError, ("multi_head_attention_forward", "unbatched (2-D) query", "(5,)")),
    ("mha_attn_mask_float64", MHA + "m(q, q, q, attn_mask=torch.zeros(5, 5, dtype=torch.float64))", RuntimeError,
     TypeError, ("multi_head_attention_forward", "attn_mask is float64", "float32", "attn_mask.to(")),
    ("mha_key_padding_mask_float64", MHA + "m(q, q, q, key_padding_mask=torch.zeros(2, 5, dtype=torch.float64))",
     RuntimeError, TypeError, ("multi_head_attention_forward", "key_padding_mask is float64")),
    ("mha_attn_mask_of_another_shape", MHA + "m(q, q, q, attn_mask=torch.zeros(4, 5))", RuntimeError, ValueError,
     ("multi_head_attention_forward", "(5, 5)", "(4, 5)")),
    ("Transformer_src_key_padding_mask_of_another_length", "t = nn.Transformer(d_model=8, nhead=2, "
     "num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16)\nt(torch.randn(4, 2, 8), torch.randn(3, 2, 8), "
     "src_key_padding_mask=torch.zeros(2, 3, dtype=torch.bool))", AssertionError, ValueError,
     ("key_padding_mask", "(2, 4)", "(2, 3)")),
]

DS = "TensorDataset(torch.arange(10.0))"
DATA = [
    ("DataLoader_prefetch_factor_without_workers", f"DataLoader({DS}, prefetch_factor=2)", ValueError, ValueError,
     ("DataLoader", "prefetch_factor=2", "num_workers > 0")),
    ("DataLoader_persistent_workers_without_workers", f"DataLoader({DS}, persistent_workers=True)", ValueError,
     ValueError, ("DataLoader", "persistent_workers", "num_workers > 0")),
    ("DataLoader_collate_fn_not_callable", f"list(DataLoader({DS}, collate_fn=3))", TypeError, TypeError,
     ("DataLoader", "collate_fn", "int")),
]

CASES = INDEXING_VIEWS + MODULES + OPTIM_ATTENTION + DATA

# checkpoint files ({tmp} is a fresh folder): torch.load's types for a missing, truncated or foreign file
SAVED = "torch.save({'a': torch.ones(100)}, '{tmp}/m.pt')\n"
FILES = [
    ("save_into_a_missing_folder", "torch.save({'a': torch.ones(2)}, '{tmp}/nope/m.pt')", RuntimeError, OSError,
     ("nn.save", "does not exist", "os.makedirs")),
    ("load_a_missing_file", "torch.load('{tmp}/nope.pt')", FileNotFoundError, FileNotFoundError,
     ("nn.load", "no such file", "nope.pt")),
    ("load_a_folder", "torch.load('{tmp}')", IsADirectoryError, IsADirectoryError, ("nn.load", "a folder")),
    ("load_a_truncated_checkpoint", SAVED + "d = open('{tmp}/m.pt', 'rb').read()\n"
     "open('{tmp}/t.pt', 'wb').write(d[:len(d) // 2])\ntorch.load('{tmp}/t.pt')", RuntimeError, ValueError,
     ("nn.load", "t.pt", "not a valid safetensors file", "truncated")),
    ("load_a_broken_zip", "open('{tmp}/z.pt', 'wb').write(b'PK' + bytes([3, 4]) + b'abc')\ntorch.load('{tmp}/z.pt')",
     RuntimeError, ValueError, ("nn.load", "z.pt", "not a valid safetensors file")),
]


def _in(case, tmp_path):
    return (case[0], case[1].replace("{tmp}", str(tmp_path)), *case[2:])


# calls near the mistakes above that PyTorch accepts: ours run and give PyTorch's result (the last line's value)
ACCEPTED = [
    ("split_sizes_of_numpy_ints", "[list(p.shape) for p in torch.ones(2, 3).split([np.int64(1), 2], dim=1)]"),
    ("split_sizes_of_0d_tensors", "[list(p.shape) for p in torch.ones(2, 3).split((torch.tensor(1), 2), dim=1)]"),
    ("split_sizes_a_tuple", "torch.arange(6.0).split((2, 4))"),
    ("named_parameters_prefix_a_string", "[n for n, _ in nn.Linear(3, 2).named_parameters(prefix='enc')]"),
    ("state_dict_prefix_a_string", "list(nn.Linear(3, 2).state_dict(prefix='enc.'))"),
    ("named_modules_prefix_an_int_without_children", "[n for n, _ in nn.Linear(3, 2).named_modules(prefix=3)]"),
    ("select_by_a_0d_integer_tensor", "torch.arange(6.0).reshape(2, 3).select(1, torch.tensor(2))"),
    ("select_by_a_numpy_integer", "torch.arange(6.0).reshape(2, 3).select(0, np.int64(-1))"),
    ("setitem_of_a_number", "x = torch.zeros(2, 3)\nx[0] = 1.5\nx"),
    ("SGD_parameter_listed_twice", P + "o = optim.SGD([p, p], lr=0.1)\nlen(o.param_groups[0]['params'])"),
]

# refusals kept where PyTorch goes on with something malformed, or fails by accident
KEPT_REFUSALS = [
    # PyTorch checks lr only in the constructor: a group added later with lr=-1 climbs the loss
    ("add_param_group_negative_lr", P + "o = optim.SGD([p], lr=0.1)\n"
     "o.add_param_group({'params': [nn.Parameter(torch.ones(1))], 'lr': -1})", ValueError, ValueError,
     ("SGD", "invalid lr -1", ">= 0")),
]
# torch.load of a file that is neither a zip nor a pickle: PyTorch's unpickler fails on whatever byte comes first
# (a KeyError for text); deepgrad names the file and the problem
FOREIGN_FILE = ("load_a_text_file", "open('{tmp}/x.txt', 'w').write('hello world, not a checkpoint')\n"
                "torch.load('{tmp}/x.txt')", ValueError, ValueError, ("nn.load", "x.txt", "not a valid safetensors"))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_mistake_raises_pytorchs_type_naming_the_op_and_shapes(case):
    check_mistake(case, pytorch_names())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_pytorch_raises_the_type_we_match(case):
    check_oracle_quietly(case)


@pytest.mark.parametrize("case", FILES, ids=[c[0] for c in FILES])
def test_checkpoint_file_mistakes(case, tmp_path):
    check_mistake(_in(case, tmp_path), pytorch_names())


@pytest.mark.parametrize("case", FILES, ids=[c[0] for c in FILES])
def test_torch_load_raises_the_type_we_match(case, tmp_path):
    check_oracle_quietly(_in(case, tmp_path))


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_pytorch_accepts_run_and_match(case):
    check_accepted(case, rtol=1e-6)


@pytest.mark.parametrize("case", KEPT_REFUSALS, ids=[c[0] for c in KEPT_REFUSALS])
def test_refusals_kept_where_pytorch_computes_something_malformed(case):
    check_mistake(case, pytorch_names())


def test_a_foreign_file_is_refused_naming_the_file(tmp_path):
    check_mistake(_in(FOREIGN_FILE, tmp_path), pytorch_names())


def test_split_no_longer_truncates_float_sizes():
    """split([1.5, 1.0]) of 2 rows cut pieces of int(1.5) = 1 and 1 rows before, without a word."""
    import autograd as torch
    with pytest.raises(TypeError):
        torch.ones(2, 3).split([1.5, 1.0])
    assert [tuple(p.shape) for p in torch.ones(2, 3).split([1, 1])] == [(1, 3), (1, 3)]


def test_setitem_no_longer_reads_text_as_a_number():
    """x[0] = '1.5' stored 1.5 before (NumPy parsed the string); PyTorch refuses text."""
    import autograd as torch
    x = torch.zeros(2)
    with pytest.raises(TypeError):
        x[0] = "1.5"
    assert x.tolist() == [0.0, 0.0]


def test_named_parameters_no_longer_takes_an_int_prefix():
    """prefix=3 gave names '3.weight' before; PyTorch fails joining the int to the names."""
    import nn
    with pytest.raises(TypeError):
        list(nn.Linear(3, 2).named_parameters(prefix=3))


LOAD_STATE_DICT = [
    ("missing", "{'weight': torch.ones(2, 3)}"),
    ("unexpected_and_mismatched", "{'weight': torch.ones(3, 3), 'x': torch.ones(1)}"),
    ("not_a_tensor", "{'weight': 'a', 'bias': torch.ones(2)}"),
]


@pytest.mark.parametrize("state", [s[1] for s in LOAD_STATE_DICT], ids=[s[0] for s in LOAD_STATE_DICT])
def test_load_state_dict_message_starts_with_pytorchs_text(state):
    """Code that catches the error and reads its text (the keys, the shapes) finds PyTorch's lines, word for word;
    deepgrad's advice follows on a line of its own."""
    import warnings
    torch = pytest.importorskip("torch")
    code = f"nn.Linear(3, 2).load_state_dict({state})"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = str(raised(code, pytorch_names(torch)))
    ours = str(raised(code, pytorch_names()))
    assert ours.startswith(theirs + "\n"), (ours, theirs)
