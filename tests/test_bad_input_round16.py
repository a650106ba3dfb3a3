"""Round 16 of newcomer mistakes in PyTorch spelling (rounds 1-15: tests/test_bad_input_sweep.py ... _round11.py,
test_bad_input_round12.py ... test_bad_input_round15.py), probed where the earlier rounds went least: dtypes spelled
as strings ('float32') given to the creation functions and the *_like and new_* factories, and dtype names or NumPy
scalar types given to Tensor.type (all taken silently before, as NumPy reads them); a size given as one int to a
size= keyword or to full (randint(4, size=200) drew 200 values); indexing keys PyTorch reads otherwise than NumPy (a
short list holding lists, tensors, slices or None is a tuple of indices: t[[[0, 1], [1, 2]]] picked whole rows before;
a float slice bound raised a ValueError) and index_put_ with a non-bool
accumulate (1.5 accumulated); tril/triu's diagonal, diagonal's offset and narrow's start and length given a fraction
(truncated by int() before). Each must raise the exception type PyTorch raises, still an instance of the type deepgrad
raised before (Exception where deepgrad accepted the call), with a message naming the op, the values involved and the
fix; where PyTorch accepts a call, we accept it and give PyTorch's result."""
import numpy as np
import pytest

import autograd as ag

from tests.bad_input_checks import check_accepted, check_mistake, check_oracle_quietly, pytorch_names

T = "t = torch.arange(6.0).reshape(2, 3)\n"
Z = "z = torch.zeros(3)\n"

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it; Exception where we accepted the call), substrings the message must hold
STRING_DTYPES = [
    (f"{op}_of_a_string_dtype", f"torch.{call}", TypeError, Exception,
     (f"{op}()", "argument 'dtype' must be torch.dtype, not str ('float32')", "dtype=torch.float32"))
    for op, call in [
        ("zeros", "zeros(2, dtype='float32')"), ("ones", "ones(2, dtype='float32')"),
        ("empty", "empty(2, dtype='float32')"), ("full", "full((2,), 1.0, dtype='float32')"),
        ("arange", "arange(3, dtype='float32')"), ("linspace", "linspace(0, 1, 3, dtype='float32')"),
        ("logspace", "logspace(0, 1, 3, dtype='float32')"), ("eye", "eye(2, dtype='float32')"),
        ("rand", "rand(2, dtype='float32')"), ("randn", "randn(2, dtype='float32')"),
        ("tensor", "tensor([1, 2], dtype='float32')"), ("as_tensor", "as_tensor([1, 2], dtype='float32')"),
        ("zeros_like", "zeros_like(torch.ones(2), dtype='float32')"),
        ("ones_like", "ones_like(torch.ones(2), dtype='float32')"),
        ("full_like", "full_like(torch.ones(2), 3, dtype='float32')"),
        ("empty_like", "empty_like(torch.ones(2), dtype='float32')"),
        ("rand_like", "rand_like(torch.ones(2), dtype='float32')"),
        ("randn_like", "randn_like(torch.ones(2), dtype='float32')"),
        ("randint_like", "randint_like(torch.ones(2), 3, dtype='float32')"),
        ("new_zeros", "ones(2).new_zeros(2, dtype='float32')"), ("new_ones", "ones(2).new_ones(2, dtype='float32')"),
        ("new_empty", "ones(2).new_empty(2, dtype='float32')"),
        ("new_full", "ones(2).new_full((2,), 1, dtype='float32')"),
        ("new_tensor", "ones(2).new_tensor([1], dtype='float32')"),
    ]
] + [
    ("randint_of_a_string_dtype", "torch.randint(3, (2,), dtype='int32')", TypeError, Exception,
     ("randint()", "not str ('int32')", "dtype=torch.int32")),
    ("randperm_of_a_string_dtype", "torch.randperm(3, dtype='int64')", TypeError, Exception,
     ("randperm()", "not str ('int64')", "dtype=torch.int64")),
    ("type_a_dtype_name", "torch.ones(2).type('float32')", ValueError, Exception,
     ("Tensor.type", "invalid type: 'float32'", "torch.float32", "'torch.DoubleTensor'")),
]

NUMPY_TYPES = [
    ("type_a_numpy_type", "torch.ones(2).type(np.float32)", ValueError, Exception,
     ("Tensor.type", "invalid type: 'numpy.float32'", "torch.float32")),
]

INT_SIZES = [
    (f"{op}_size_an_int", f"torch.{call}", TypeError, Exception,
     (f"{op}()", "argument 'size' must be tuple of ints, not int", "size=(3,)"))
    for op, call in [("randint", "randint(4, size=3)"), ("zeros", "zeros(size=3)"), ("ones", "ones(size=3)"),
                     ("empty", "empty(size=3)"), ("rand", "rand(size=3)"), ("randn", "randn(size=3)"),
                     ("full", "full(3, 1.0)"), ("normal", "normal(0.0, 1.0, size=3)"),
                     ("new_zeros", "ones(2).new_zeros(size=3)"), ("new_full", "ones(2).new_full(3, 1.0)")]
] + [
    ("randint_low_high_size_an_int", "torch.randint(0, 4, size=200)", TypeError, Exception,
     ("randint()", "not int (200)", "size=(200,)")),
]

INDEXING = [
    ("slice_step_zero", T + "t[1:2:0]", ValueError, ValueError, ("slice step cannot be zero",)),
    ("slice_bound_a_float", T + "t[0.0:2]", TypeError, ValueError,
     ("slice(0.0, 2, None)", "slice indices must be integers", "int(start)")),
    ("slice_step_a_float", T + "t[::1.5]", TypeError, ValueError, ("slice indices must be integers",)),
    ("index_put_accumulate_a_float", Z + "z.index_put_((torch.tensor([0, 1]),), torch.tensor([1.0, 2.0]), "
     "accumulate=1.5)", TypeError, Exception, ("index_put()", "'accumulate' must be bool, not float", "True")),
    ("index_put_accumulate_an_int", Z + "z.index_put((torch.tensor([0, 1]),), torch.tensor([1.0, 2.0]), "
     "accumulate=1)", TypeError, Exception, ("index_put()", "not int (1)")),
    ("list_of_lists_as_a_tuple_out_of_range", T + "t[[[0, 1], [1, 3]]]", IndexError, IndexError, ("3",)),
]

# whole-number arguments that int() truncated without a word
WHOLE_NUMBERS = [
    ("tril_diagonal_a_fraction", T + "t.tril(0.5)", TypeError, Exception,
     ("tril()", "argument 'diagonal' must be int, not float (0.5)", "int(diagonal)")),
    ("triu_diagonal_a_fraction", T + "torch.triu(t, -1.5)", TypeError, Exception,
     ("triu()", "'diagonal' must be int, not float (-1.5)")),
    ("diagonal_offset_a_fraction", T + "t.diagonal(offset=0.5)", TypeError, Exception,
     ("diagonal()", "argument 'offset' must be int, not float (0.5)")),
    ("narrow_start_a_float", T + "t.narrow(1, 0.0, 2)", TypeError, Exception,
     ("narrow()", "argument 'start' must be int, not float (0.0)")),
    ("narrow_length_a_float", T + "t.narrow(1, 0, 1.5)", TypeError, Exception,
     ("narrow()", "argument 'length' must be int, not float (1.5)")),
]

CASES = STRING_DTYPES + NUMPY_TYPES + INT_SIZES + INDEXING + WHOLE_NUMBERS


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_mistake_raises_pytorchs_type_naming_the_op_and_values(case):
    check_mistake(case, pytorch_names())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_pytorch_raises_the_type_we_match(case):
    check_oracle_quietly(case)


# calls near the mistakes above that PyTorch accepts: the same value from both (the last line's value)
ACCEPTED = [
    ("zeros_of_python_float", "torch.zeros(2, dtype=float).dtype == torch.float64"),
    ("zeros_of_python_int", "torch.zeros(2, dtype=int).dtype == torch.int64"),
    ("tensor_of_python_bool", "torch.tensor([1, 0], dtype=bool)"),
    ("to_python_float", "torch.ones(2).to(float).dtype == torch.float64"),
    ("type_a_legacy_type", "torch.ones(2).type(torch.DoubleTensor).dtype == torch.float64"),
    ("to_a_device_and_a_dtype", "torch.ones(2).to('cpu', torch.float64).dtype == torch.float64"),
    ("type_a_type_name", "torch.ones(2).type('torch.DoubleTensor').dtype == torch.float64"),
    ("type_a_dtype", "torch.ones(2).type(torch.float64).dtype == torch.float64"),
    ("randint_size_a_tuple", "torch.randint(4, size=(3,)).shape"),
    ("zeros_positional_int", "torch.zeros(3)"),
    ("full_size_a_tuple", "torch.full((3,), 1.5)"),
    ("new_zeros_positional_int", "torch.ones(2).new_zeros(3)"),
    ("list_of_lists_is_a_tuple", T + "t[[[0, 1], [1, 2]]]"),
    ("list_of_one_list_is_a_tuple", T + "t[[[0, 1]]]"),
    ("ragged_list_is_a_tuple", T + "t[[[0], [1, 2]]]"),
    ("list_of_tensors_is_a_tuple", T + "t[[torch.tensor([0, 1]), torch.tensor([1, 2])]]"),
    ("list_with_a_slice_is_a_tuple", T + "t[[0, slice(None)]]"),
    ("list_with_none_is_a_tuple", T + "t[[0, None]]"),
    ("flat_list_is_one_index", T + "t[[1, 0, 1]]"),
    ("assignment_at_a_list_of_lists", T + "t[[[0, 1], [1, 2]]] = -1.0\nt"),
    ("positive_slice_step", T + "t[:, ::2]"),
    ("tril_of_a_0d_integer_tensor", T + "t.tril(torch.tensor(1))"),
    ("narrow_of_a_0d_integer_start", T + "t.narrow(1, torch.tensor(1), 2)"),
    ("diagonal_offset_an_int", T + "t.diagonal(offset=1)"),
    ("index_put_accumulate_true", Z + "z.index_put((torch.tensor([0, 0]),), torch.tensor([1.0, 2.0]), "
     "accumulate=True)"),
]


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_pytorch_accepts_run_and_match(case):
    check_accepted(case, rtol=1e-6)


def test_deepgrad_dtypes_and_names_where_numpy_reads_them_still_work():
    """ag's dtypes (NumPy dtype objects) are torch.dtype to deepgrad; astype, NumPy's spelling, keeps taking
    names and NumPy types; the int64 defaults of randint and randperm are unchanged."""
    assert ag.zeros(2, dtype=np.dtype("float64")).dtype == ag.float64
    assert ag.ones(2).astype("float64").dtype == ag.float64
    assert ag.ones(2).astype(np.int32).dtype == ag.int32
    assert ag.randint(3, (4,)).dtype == ag.int64 and ag.randperm(3).dtype == ag.int64
    assert ag.randint_like(ag.ones(2), 3).dtype == ag.float32


def test_a_list_of_lists_no_longer_picks_whole_rows():
    """t[[[0, 1], [1, 2]]] of a (3, 3) tensor gave a (2, 2, 3) stack of rows (NumPy's reading); PyTorch reads it as
    t[[0, 1], [1, 2]]: two elements. Its gradient lands on those two elements."""
    t = ag.arange(9.0).reshape(3, 3).requires_grad_(True)
    out = t[[[0, 1], [1, 2]]]
    assert out.tolist() == [1.0, 5.0]
    out.sum().backward()
    assert t.grad.tolist() == [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
