"""Two-operand einsum runs as one (batched) matrix product (autograd/ops/einsum_pairs.py): forward and gradients
against PyTorch and NumPy's einsum for the contractions users write (Keras's MultiHeadAttention, attention scores,
letters summed inside one operand, size-1 broadcasts, 0-d and complex operands)."""
import numpy as np
import pytest

import autograd as ag
from autograd.ops import einsum_pairs
from autograd.ops.einsum_pairs import contract
from tests.helpers import check_against_torch, check_gradcheck, rand

CASES = [
    ("abc,cde->abde", [(2, 5, 4), (4, 3, 2)]),          # Keras MultiHeadAttention's projections
    ("aecd,abcd->acbe", [(2, 3, 2, 4), (2, 5, 2, 4)]),   # its scores
    ("acbe,aecd->abcd", [(2, 2, 5, 3), (2, 3, 2, 4)]),   # its attention-weighted values
    ("abcd,cde->abe", [(2, 5, 3, 4), (3, 4, 6)]),        # its output projection
    ("bhqk,bhkd->bhqd", [(2, 2, 3, 5), (2, 2, 5, 4)]),
    ("ijk,jil->kl", [(3, 4, 2), (4, 3, 5)]),            # contracted letters in different orders
    ("abc,ab->c", [(3, 4, 5), (3, 4)]),
    ("xab,yb->xya", [(2, 3, 4), (5, 4)]),
    ("ab,cd->abcd", [(2, 3), (4, 5)]),                   # no contraction: an outer product
    ("ij,ij->ij", [(3, 4), (3, 4)]),                     # every letter a batch letter
    ("ijk,k->i", [(3, 4, 5), (5,)]),                     # j summed inside the first operand alone
    (",ij->ij", [(), (3, 4)]),                           # a 0-d operand
    ("abc,abc->ab", [(3, 1, 4), (3, 5, 4)]),             # a size-1 letter broadcast (NumPy's einsum path)
]


@pytest.fixture(autouse=True)
def products_for_every_size(monkeypatch):
    """These small cases take the product path (real models' contractions are large enough for it)."""
    monkeypatch.setattr(einsum_pairs, "SMALL_MACS", 0)


@pytest.mark.parametrize("equation,shapes", CASES)
def test_pair_matches_torch(device, equation, shapes):
    torch = pytest.importorskip("torch")
    arrays = [rand(s, np.float32, seed=k) for k, s in enumerate(shapes)]
    check_against_torch(lambda *t: ag.einsum(equation, *t), lambda *t: torch.einsum(equation, *t), arrays,
                        device=device, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("equation,shapes", CASES[:8])
def test_pair_gradcheck(equation, shapes):
    arrays = [rand(s, np.float64, seed=k) for k, s in enumerate(shapes)]
    check_gradcheck(lambda *t: ag.einsum(equation, *t), arrays)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128])
@pytest.mark.parametrize("equation,shapes", CASES)
def test_contract_equals_numpy_einsum(equation, shapes, dtype):
    rng = np.random.default_rng(len(equation))
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    if np.dtype(dtype).kind == "c":
        arrays = [a + 1j * rng.standard_normal(a.shape) for a in arrays]
    inputs, output = equation.split("->")
    got = contract(np, inputs.split(","), output, arrays)
    expected = np.einsum(equation, *arrays)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6)


def test_integer_operands_keep_numpy_einsum():
    a, b = np.arange(6).reshape(2, 3), np.arange(12).reshape(3, 4)
    got = contract(np, ["ij", "jk"], "ik", [a, b])
    assert got.dtype == np.einsum("ij,jk->ik", a, b).dtype
    np.testing.assert_array_equal(got, a @ b)


def test_empty_operand():
    a, b = np.ones((0, 3), np.float32), np.ones((3, 4), np.float32)
    assert contract(np, ["ij", "jk"], "ik", [a, b]).shape == (0, 4)


def test_small_contractions_keep_numpy_einsum(monkeypatch):
    monkeypatch.setattr(einsum_pairs, "SMALL_MACS", 4096)
    calls = []
    monkeypatch.setattr(einsum_pairs, "_as_product", lambda *args: calls.append(args))
    a, b = np.ones((8, 8), np.float32), np.ones((8, 8), np.float32)
    np.testing.assert_array_equal(contract(np, ["ij", "jk"], "ik", [a, b]), a @ b)
    assert not calls
    a, b = np.ones((16, 16), np.float32), np.ones((16, 16), np.float32)
    contract(np, ["ij", "jk"], "ik", [a, b])
    assert calls
