"""Reductions: values and gradients against PyTorch and gradcheck, over axes, negative axes, keepdims, empties."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand, torch



def _dims(t, axis):
    """A torch `dim` for a NumPy-style axis (None: every axis; a 0-d tensor reduces over dim 0)."""
    if axis is None:
        return tuple(range(t.ndim)) if t.ndim else 0
    return axis


def _torch_prod(t, axis, keepdims):
    # torch.prod takes one int dim: reduce the axes one at a time, last first
    if t.ndim == 0:
        return t.clone()
    axes = range(t.ndim) if axis is None else ((axis,) if isinstance(axis, int) else axis)
    for a in sorted((a % t.ndim for a in axes), reverse=True):
        t = torch.prod(t, dim=a, keepdim=keepdims)
    return t


# name, ours(t, axis, keepdims), torch's(t, axis, keepdims), whether an empty reduced axis has a value
REDUCTIONS = [
    ("sum", lambda t, a, k: ag.sum(t, axis=a, keepdims=k),
     lambda t, a, k: torch.sum(t, dim=_dims(t, a), keepdim=k), True),
    ("mean", lambda t, a, k: ag.mean(t, axis=a, keepdims=k),
     lambda t, a, k: torch.mean(t, dim=_dims(t, a), keepdim=k), True),
    ("var", lambda t, a, k: ag.var(t, axis=a, keepdims=k, correction=0),
     lambda t, a, k: torch.var(t, dim=_dims(t, a), correction=0, keepdim=k), False),
    ("var_unbiased_default", lambda t, a, k: ag.var(t, a, keepdim=k),
     lambda t, a, k: torch.var(t, dim=_dims(t, a), correction=1, keepdim=k), False),
    ("std", lambda t, a, k: ag.std(t, axis=a, keepdims=k, ddof=0),
     lambda t, a, k: torch.std(t, dim=_dims(t, a), correction=0, keepdim=k), False),
    ("std_unbiased_default", lambda t, a, k: t.std(a, keepdim=k),
     lambda t, a, k: torch.std(t, dim=_dims(t, a), correction=1, keepdim=k), False),
    ("amax", lambda t, a, k: ag.amax(t, axis=a, keepdims=k),
     lambda t, a, k: torch.amax(t, dim=_dims(t, a), keepdim=k), False),
    ("amin", lambda t, a, k: ag.amin(t, a, k),
     lambda t, a, k: torch.amin(t, dim=_dims(t, a), keepdim=k), False),
    ("logsumexp", lambda t, a, k: ag.logsumexp(t, axis=a, keepdims=k),
     lambda t, a, k: torch.logsumexp(t, dim=_dims(t, a), keepdim=k), True),
    ("prod", lambda t, a, k: ag.prod(t, axis=a, keepdims=k), _torch_prod, True),
    ("sum_method", lambda t, a, k: t.sum(axis=a, keepdims=k),
     lambda t, a, k: torch.sum(t, dim=_dims(t, a), keepdim=k), True),
    ("amax_method", lambda t, a, k: t.amax(dim=a, keepdim=k),
     lambda t, a, k: torch.amax(t, dim=_dims(t, a), keepdim=k), False),
]
IDS = [r[0] for r in REDUCTIONS]

# shape, axis
CASES = [((), None), ((), 0), ((), -1), ((4,), None), ((4,), 0), ((4,), -1), ((2, 3, 4), None), ((2, 3, 4), 1),
         ((2, 3, 4), -1), ((2, 3, 4), (0, 2)), ((2, 3, 4), (-1, -3)), ((2, 3, 4), (0, 1, 2)), ((0, 3), 1)]
EMPTY_CASES = [((0, 3), 0), ((0, 3), None), ((2, 0), -1)]


def _count(shape, axis):
    """How many values each output of a reduction over `axis` combines."""
    if not shape:
        return 1
    axes = range(len(shape)) if axis is None else ((axis,) if isinstance(axis, int) else axis)
    return int(np.prod([shape[a] for a in axes]))


def _input(shape, name, seed):
    low = 0.5 if name.startswith("prod") else -1.0
    return rand(shape, np.float64, low, 1.5, seed=seed)


@pytest.mark.parametrize("keepdims", [False, True], ids=["drop", "keepdims"])
@pytest.mark.parametrize("shape,axis", CASES, ids=str)
@pytest.mark.parametrize("name,ours,theirs,empty_ok", REDUCTIONS, ids=IDS)
@pytest.mark.filterwarnings("ignore:.*degrees of freedom:UserWarning")  # ddof=1 over one value: nan in both,
@pytest.mark.filterwarnings("ignore::RuntimeWarning")                   # and both warn about it
def test_reduction_matches_torch(device, name, ours, theirs, empty_ok, shape, axis, keepdims):
    x = _input(shape, name, seed=1)
    check_against_torch(lambda t: ours(t, axis, keepdims), lambda t: theirs(t, axis, keepdims), [x], device=device)


@pytest.mark.parametrize("keepdims", [False, True], ids=["drop", "keepdims"])
@pytest.mark.parametrize("shape,axis", CASES, ids=str)
@pytest.mark.parametrize("name,ours,theirs,empty_ok", REDUCTIONS, ids=IDS)
def test_reduction_gradcheck(device, name, ours, theirs, empty_ok, shape, axis, keepdims):
    if name.endswith("unbiased_default") and _count(shape, axis) < 2:
        pytest.skip("the unbiased variance of one value is nan")
    check_gradcheck(lambda t: ours(t, axis, keepdims), [_input(shape, name, seed=2)], device=device)


@pytest.mark.parametrize("dtype", [np.float32, np.float16], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name,ours,theirs,empty_ok", REDUCTIONS, ids=IDS)
def test_reduction_keeps_the_float_dtype(device, name, ours, theirs, empty_ok, dtype):
    x = ag.tensor(_input((2, 3), name, seed=4).astype(dtype), device=device, requires_grad=True)
    for axis in (None, 1):
        out = ours(x, axis, False)
        assert out.dtype == dtype
        out.sum().backward()
        assert x.grad.dtype == dtype


@pytest.mark.parametrize("shape,axis", EMPTY_CASES, ids=str)
@pytest.mark.parametrize("name,ours,theirs,empty_ok", [r for r in REDUCTIONS if r[3]],
                         ids=[r[0] for r in REDUCTIONS if r[3]])
@pytest.mark.filterwarnings("ignore:Mean of empty slice:RuntimeWarning")
def test_reduction_over_an_empty_axis_matches_torch(device, name, ours, theirs, empty_ok, shape, axis):
    with np.errstate(all="ignore"):
        check_against_torch(lambda t: ours(t, axis, False), lambda t: theirs(t, axis, False),
                            [np.zeros(shape)], device=device)


@pytest.mark.parametrize("op", [ag.max, ag.min])
def test_max_min_of_an_empty_axis_is_an_error(device, op):
    with pytest.raises(IndexError, match=r"Size\(\[0, 3\]\)"):
        op(ag.zeros((0, 3), device=device), axis=0)
    with pytest.raises(ValueError, match=r"\(0, 3\)"):
        getattr(ag, "a" + op.__name__)(ag.zeros((0, 3), device=device), 0)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int32", "bool", "float32"])
@pytest.mark.parametrize("op", ["sum", "prod", "nansum"])
def test_integer_sums_and_products_give_torchs_dtype(device, op, dtype):
    torch_ = pytest.importorskip("torch")
    if op == "nansum" and dtype == "bool":
        pytest.skip("PyTorch's nansum takes no bool tensor")
    data = np.array([[1, 2, 0], [3, 1, 1]])

    def results(lib, x):
        out = [getattr(x, op)(), getattr(lib, op)(x, 1, keepdim=True)]
        if op != "nansum":
            out += [getattr(x, op)(dtype=lib.int32), getattr(x, op)(0, dtype=lib.float64)]
        return out
    ours = results(ag, ag.tensor(data, dtype=getattr(ag, dtype), device=device))
    theirs = results(torch_, torch_.tensor(data, dtype=getattr(torch_, dtype)))
    # uint8 sums to int64 (NumPy's own choice is uint64), a given int32 stays int32 (NumPy widens it)
    assert [(r.dtype, r.tolist()) for r in ours] == [(r.numpy().dtype, r.tolist()) for r in theirs]


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("name,ours,theirs", [
    ("max", ag.amax, lambda t, d, k: torch.amax(t, dim=d, keepdim=k)),
    ("min", ag.amin, lambda t, d, k: torch.amin(t, dim=d, keepdim=k))], ids=["max", "min"])
def test_max_min_share_the_gradient_among_ties_as_torch(device, name, ours, theirs, axis):
    x = np.array([[1.0, 3.0, 3.0], [-2.0, -2.0, 0.0]])
    check_against_torch(lambda t: ours(t, axis=axis), lambda t: theirs(t, _dims(t, axis), False), [x],
                        device=device)


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("values", [[[1.0, 0.0, 2.0], [3.0, 4.0, 5.0]], [[0.0, 0.0, 2.0], [3.0, 0.0, 5.0]]],
                         ids=["one_zero", "several_zeros"])
def test_prod_gradient_is_exact_with_zeros(device, values, axis):
    check_against_torch(lambda t: ag.prod(t, axis=axis), lambda t: _torch_prod(t, axis, False),
                        [np.array(values)], device=device)
    check_gradcheck(lambda t: ag.prod(t, axis=axis), [np.array(values)], device=device)


def test_logsumexp_does_not_overflow(device):
    x = np.array([[1000.0, 1000.0], [-1000.0, 0.0]])
    check_against_torch(lambda t: ag.logsumexp(t, axis=1), lambda t: torch.logsumexp(t, dim=1), [x], device=device)


# vector norms: ord, torch's ord
NORM_ORDS = [(None, 2), ("fro", 2), (2, 2), (1, 1), (np.inf, float("inf")), (3, 3), (0.5, 0.5)]
NORM_CASES = [((4,), None), ((2, 3), None), ((2, 3), -1), ((2, 3), 0), ((2, 3, 2), (0, 2)), ((), None)]


@pytest.mark.parametrize("keepdims", [False, True], ids=["drop", "keepdims"])
@pytest.mark.parametrize("shape,axis", NORM_CASES, ids=str)
@pytest.mark.parametrize("ord,torch_ord", NORM_ORDS, ids=[str(o[0]) for o in NORM_ORDS])
def test_norm_matches_torch(device, ord, torch_ord, shape, axis, keepdims):
    x = rand(shape, np.float64, -1, 1, seed=3)

    def ours(t):
        return ag.norm(t, ord=ord, axis=axis, keepdims=keepdims)

    def theirs(t):
        return torch.linalg.vector_norm(t, ord=torch_ord, dim=axis, keepdim=keepdims)
    check_against_torch(ours, theirs, [x], device=device)
    check_gradcheck(ours, [x], device=device)


@pytest.mark.parametrize("ord,torch_ord", NORM_ORDS, ids=[str(o[0]) for o in NORM_ORDS])
def test_norm_of_a_zero_vector_has_torch_gradient(device, ord, torch_ord):
    if ord == 0.5:
        pytest.skip("the gradient of a p<1 norm at zero is infinite")
    check_against_torch(lambda t: ag.norm(t, ord=ord), lambda t: torch.linalg.vector_norm(t, ord=torch_ord),
                        [np.zeros(3)], device=device)


@pytest.mark.parametrize("ord", [None, 1, np.inf, 3])
def test_norm_keeps_float32(device, ord):
    x = ag.tensor(rand((2, 3), np.float32, seed=5), device=device, requires_grad=True)
    out = ag.norm(x, ord=ord, axis=1)
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32


def test_norm_method_and_bad_ord(device):
    t = ag.tensor([3.0, 4.0], device=device)
    assert t.norm().item() == pytest.approx(5.0)
    # negative orders are norms in PyTorch and NumPy too: (1/3 + 1/4) ** -1
    assert ag.norm(t, ord=-1).item() == pytest.approx(12 / 7)
    with pytest.raises(RuntimeError, match="norm.*[Oo]rd"):
        ag.norm(t, ord="abc")


@pytest.mark.parametrize("keepdims", [False, True], ids=["drop", "keepdims"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_argmin_match_numpy_and_have_no_gradient(device, name, axis, keepdims):
    x = np.array([[1.0, 5.0, 5.0, -2.0], [7.0, 0.0, -2.0, 7.0], [3.0, 3.0, 3.0, 3.0]])  # ties: first wins
    t = ag.tensor(x, device=device, requires_grad=True)
    out = getattr(ag, name)(t, axis=axis, keepdims=keepdims)
    expected = getattr(np, name)(x, axis=axis, keepdims=keepdims)
    assert out.dtype == np.int64 and not out.requires_grad
    np.testing.assert_array_equal(out.numpy(), expected)
    np.testing.assert_array_equal(getattr(t, name)(axis=axis, keepdims=keepdims).numpy(), expected)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_of_an_empty_tensor_is_an_error(device, name):
    with pytest.raises(ValueError, match="empty"):
        getattr(ag, name)(ag.zeros((0,), device=device))
