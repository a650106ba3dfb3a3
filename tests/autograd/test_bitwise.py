"""Bitwise & | ^ ~ << >>, %, //= and friends, `in` and reversed() on tensors, vs PyTorch: bitwise on
integers, logical on bools, refused on floats."""
import numpy as np
import pytest

import autograd as ag

INTS = np.array([6, -3, 5, 0, 12], dtype=np.int64)
MASK = np.array([True, False, True, False, True])

EXPRESSIONS = [
    ("and", lambda x, m, lib: x & 3), ("rand", lambda x, m, lib: 3 & x), ("or", lambda x, m, lib: x | 8),
    ("ror", lambda x, m, lib: 8 | x), ("xor", lambda x, m, lib: x ^ x.flip(0)), ("rxor", lambda x, m, lib: 1 ^ x),
    ("not", lambda x, m, lib: ~x), ("not_bool", lambda x, m, lib: ~m), ("and_bool", lambda x, m, lib: m & m.flip(0)),
    ("or_bool_scalar", lambda x, m, lib: m | False), ("bool_and_int", lambda x, m, lib: m & 1),
    ("lshift", lambda x, m, lib: x << 2), ("rshift", lambda x, m, lib: x >> 1), ("rlshift", lambda x, m, lib: 1 << x.abs()),
    ("mod", lambda x, m, lib: x % 4), ("rmod", lambda x, m, lib: 7 % (x.abs() + 1)),
    ("mod_float", lambda x, m, lib: x.double() % -2.5), ("int32_and", lambda x, m, lib: x.int() & x[2]),
    ("methods", lambda x, m, lib: x.bitwise_and(5) + x.bitwise_or(2) + x.bitwise_xor(3) + x.bitwise_not()),
    ("functions", lambda x, m, lib: lib.bitwise_left_shift(x.abs(), 1) - lib.bitwise_right_shift(x, 1)),
    ("reversed", lambda x, m, lib: lib.stack(list(reversed(x)))),
]


@pytest.mark.parametrize("name, expression", EXPRESSIONS, ids=[e[0] for e in EXPRESSIONS])
def test_operator_matches_torch(device, name, expression):
    torch = pytest.importorskip("torch")
    ours = expression(ag.tensor(INTS, device=device), ag.tensor(MASK, device=device), ag)
    theirs = expression(torch.tensor(INTS), torch.tensor(MASK), torch)
    assert ours.dtype == theirs.numpy().dtype
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_in_place_operators_and_membership_match_torch(device):
    torch = pytest.importorskip("torch")
    results = []
    for lib, kw in ((ag, {"device": device}), (torch, {})):
        x, m = lib.tensor(INTS, **kw), lib.tensor(MASK, **kw)
        a, b, c, d = x.clone(), x.clone(), m.clone(), x.clone()
        a %= 4
        b //= 4
        c &= m.flip(0)
        d |= 1
        d ^= 2
        d <<= 1
        d >>= 1
        results.append([a.tolist(), b.tolist(), c.tolist(), d.tolist(), 5 in x, 7 in x, True in m])
    assert results[0] == results[1]


def test_bitwise_ops_refuse_floats_naming_the_fix():
    with pytest.raises(TypeError, match=r"bitwise_and: needs integer or bool tensors, got float32.*x > 0"):
        ag.tensor([1.5]) & 1
    with pytest.raises(TypeError, match=r"bitwise_or: needs integer or bool tensors, got float"):
        ag.tensor([True]) | 0.5
    with pytest.raises(TypeError, match=r"bitwise_not: needs integer or bool tensors, got float32"):
        ~ag.tensor([1.5])
