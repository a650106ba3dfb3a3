"""Round 16 of bad input through nn.keras (rounds 1-15: test_bad_input_errors.py, test_bad_input_keras_round2.py ...
test_bad_input_round15.py): keras.ops.split at indices outside the axis (NumPy's clipping gave parts of other sizes
where Keras's torch backend refuses the negative sizes), and keras.ops creation functions (ones, zeros, ones_like,
zeros_like, arange) given a dtype Keras does not know (NumPy's TypeError before) or Python's int (int64 before,
where Keras makes int32). Each runs on nn.keras and on real Keras 3 (torch backend) as
the oracle: errors of Keras's type, still instances of nn.keras's old type (Exception where it accepted the call),
naming the call, the values and the fix; calls Keras accepts give Keras's values."""
import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair, value_of

X = "x = np.arange(10.0).reshape(5, 2); "

# id, code (Keras spelling), Keras's exception type, the type nn.keras raised before (Exception where it accepted
# the call), substrings the message must hold
CASES = [
    ("split_at_an_index_past_the_end", X + "keras.ops.split(x, [1, 7])", RuntimeError, Exception,
     ("keras.ops.split", "[7]", "(5, 2)", "[-5, 5]")),
    ("split_at_a_negative_index_past_the_start", X + "keras.ops.split(x, [-7, 2])", RuntimeError, Exception,
     ("keras.ops.split", "[-7]", "non-negative")),
] + [
    (f"{op}_of_an_unknown_dtype", f"keras.ops.{call}", ValueError, TypeError,
     (f"keras.ops.{op}", "Invalid dtype: 'floaty'", "'float32'"))
    for op, call in [("ones", "ones((2, 3), dtype='floaty')"), ("zeros", "zeros((2, 3), dtype='floaty')"),
                     ("ones_like", "ones_like(np.ones(2), dtype='floaty')"),
                     ("zeros_like", "zeros_like(np.ones(2), dtype='floaty')"), ("arange", "arange(3, dtype='floaty')")]
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_keras_mistake_raises_keras_type_naming_the_call_and_values(case):
    from nn import keras
    check_mistake(case, dict(keras=keras, np=np))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_real_keras_raises_the_type_we_match(case):
    ours, theirs = keras_pair()
    check_oracle(case, dict(keras=ours, np=np), dict(keras=theirs, np=np))


ACCEPTED = [
    ("split_at_indices_inside", X + "keras.ops.split(x, [1, 3])[1]"),
    ("split_at_the_end", X + "keras.ops.split(x, [2, 5])[2]"),
]

# Python's int is int32 to Keras (np.dtype(int) made int64 ones before, silently); float is float32
DTYPES = [
    ("ones_of_python_int", "keras.ops.ones((2,), dtype=int)", "int32"),
    ("zeros_of_python_float", "keras.ops.zeros((2,), dtype=float)", "float32"),
    ("arange_of_python_int", "keras.ops.arange(3, dtype=int)", "int32"),
    ("ones_like_of_bool", "keras.ops.ones_like(np.ones(2), dtype=bool)", "bool"),
    ("zeros_of_a_numpy_type", "keras.ops.zeros((2,), dtype=np.int64)", "int64"),
]


@pytest.mark.parametrize("case", DTYPES, ids=[c[0] for c in DTYPES])
def test_creation_dtypes_read_as_keras_reads_them(case):
    ours, theirs = keras_pair()
    for keras in (ours, theirs):
        assert keras.ops.convert_to_numpy(value_of("0; " + case[1], keras, as_array=False)).dtype.name == case[2]


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_keras_accepts_run_and_match(case):
    ours, theirs = keras_pair()
    got, expected = value_of(case[1], ours), value_of(case[1], theirs)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_a_variables_new_factories_read_its_string_dtype():
    """A keras Variable reports Keras's dtype name ('float32'); its new_zeros/new_ones/new_full/new_tensor read it as
    the dtype it names (creation functions refuse a string dtype given by the caller, as PyTorch's)."""
    from nn import keras
    v = keras.Variable(np.ones(3, "float32"))
    assert v.dtype == "float32"
    for made in (v.new_zeros(2), v.new_ones(2), v.new_full((2,), 1.5), v.new_tensor([1.0, 2.0])):
        assert made.dtype == np.float32 and made.shape == (2,)
