"""torch.einsum: forward and gradients against PyTorch, higher order, and the errors."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand

CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("bi,bj->bij", [(3, 4), (3, 2)]),       # outer product per row
    ("ij->j", [(3, 4)]),                    # a sum
    ("ij->ji", [(3, 4)]),
    ("i,i->", [(5,), (5,)]),
    ("ij,kj", [(3, 4), (2, 4)]),            # implicit output: "ik"
    ("...j,j->...", [(2, 3, 4), (4,)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),   # ellipsis dims broadcast, one operand stretched
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),   # attention scores
    ("ij,k->ijk", [(2, 3), (4,)]),
    # a letter repeated within one operand: its diagonal
    ("ii", [(4, 4)]),                       # the trace (implicit output)
    ("ii->i", [(4, 4)]),
    ("bii->bi", [(2, 3, 3)]),
    ("iij->j", [(3, 3, 2)]),
    ("ij,jj->i", [(2, 3), (3, 3)]),
    ("...ii->...i", [(2, 5, 4, 4)]),
]


@pytest.mark.parametrize("equation,shapes", CASES)
def test_einsum_matches_torch(device, equation, shapes):
    torch = pytest.importorskip("torch")
    arrays = [rand(s, np.float32, seed=k) for k, s in enumerate(shapes)]
    check_against_torch(lambda *t: ag.einsum(equation, *t), lambda *t: torch.einsum(equation, *t), arrays,
                        device=device, atol=1e-5, rtol=1e-5)


def test_einsum_operand_list_and_size_one_broadcast(device):
    torch = pytest.importorskip("torch")
    arrays = [rand((3, 1), np.float32, seed=1), rand((3, 4), np.float32, seed=2)]
    check_against_torch(lambda a, b: ag.einsum("ij,ij->ij", [a, b]), lambda a, b: torch.einsum("ij,ij->ij", [a, b]),
                        arrays, device=device)


@pytest.mark.parametrize("equation,shapes", [CASES[1], CASES[3], CASES[8], CASES[13]])
def test_einsum_second_order_gradcheck(device, equation, shapes):
    def grad_of_square(*ts):
        y = ag.einsum(equation, *ts)
        return ag.autograd.grad((y * y).sum(), ts[0], create_graph=True)[0]

    check_gradcheck(grad_of_square, [rand(s, seed=k) for k, s in enumerate(shapes)], device=device)


def test_einsum_errors_name_the_equation_and_shapes():
    a, b = ag.ones(3, 4), ag.ones(5, 2)
    with pytest.raises(ValueError, match=r"einsum 'ij,jk->ik': index 'j' has size 4 .* 5.*\(3, 4\), \(5, 2\)"):
        ag.einsum("ij,jk->ik", a, b)
    with pytest.raises(ValueError, match="do not fit an operand with 2 dims"):
        ag.einsum("ijk->i", a)
    with pytest.raises(ValueError, match="2 operand subscripts for 1 operands"):
        ag.einsum("ij,jk->ik", a)
    with pytest.raises(ValueError, match=r"einsum 'ii': index 'i' repeated in subscripts 'ii' names dims of sizes "
                                         r"2 and 3 \(operand shape \(2, 3\)\)"):
        ag.einsum("ii", ag.ones(2, 3))
