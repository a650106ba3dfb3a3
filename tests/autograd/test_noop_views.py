"""View ops that change nothing (transpose(d, d), t() of a vector, expand to the same shape, ...) return a NEW
tensor that shares the input's memory and graph, as PyTorch's do; only the ops PyTorch lets return the input
itself (contiguous() of a contiguous tensor, flatten(d, d) and of a vector, to()/type() no-ops,
broadcast_tensors) do so. Also .H / .mT / .mH / adjoint of scalars, vectors and batches, as PyTorch."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, require_torch, torch

# name -> (shape, the op as a function of (module, tensor)); the same call runs on torch and on deepgrad
NOOP_VIEWS = {
    "transpose_same_dim": ((3, 4), lambda L, x: x.transpose(1, -1)),
    "transpose_0d": ((), lambda L, x: x.transpose(0, -1)),
    "transpose_1d": ((4,), lambda L, x: L.transpose(x, 0, 0)),
    "swapaxes_same": ((3, 4), lambda L, x: L.swapaxes(x, 0, 0)),
    "swapdims_same": ((3, 4), lambda L, x: x.swapdims(1, 1)),
    "permute_identity": ((3, 4), lambda L, x: x.permute(0, 1)),
    "view_same": ((3, 4), lambda L, x: x.view(3, 4)),
    "view_as_self": ((3, 4), lambda L, x: x.view_as(x)),
    "reshape_same": ((3, 4), lambda L, x: x.reshape(3, -1)),
    "expand_same": ((3, 4), lambda L, x: x.expand(3, 4)),
    "expand_minus_one": ((3, 4), lambda L, x: x.expand(-1, -1)),
    "expand_0d": ((), lambda L, x: x.expand(())),
    "expand_as_self": ((3, 4), lambda L, x: x.expand_as(x)),
    "broadcast_to_same": ((3, 4), lambda L, x: L.broadcast_to(x, (3, 4))),
    "squeeze_nothing": ((3, 4), lambda L, x: x.squeeze()),
    "squeeze_dim_not_one": ((3, 4), lambda L, x: x.squeeze(0)),
    "t_1d": ((4,), lambda L, x: x.t()),
    "t_0d": ((), lambda L, x: L.t(x)),
    "T_1d": ((4,), lambda L, x: x.T),
    "narrow_full": ((3, 4), lambda L, x: x.narrow(0, 0, 3)),
    "movedim_same": ((3, 4), lambda L, x: x.movedim(0, 0)),
    "slice_all": ((3, 4), lambda L, x: x[:]),
}
# the no-ops PyTorch answers with the input object itself
SELF_RETURNING = {
    "contiguous": ((3, 4), lambda L, x: x.contiguous()),
    "flatten_same_dim": ((3, 4), lambda L, x: x.flatten(1, 1)),
    "flatten_1d": ((4,), lambda L, x: x.flatten()),
    "to_same_dtype": ((3, 4), lambda L, x: x.to(x.dtype)),
    "type_same": ((3, 4), lambda L, x: x.type(x.dtype)),
    "broadcast_tensors_same": ((3, 4), lambda L, x: L.broadcast_tensors(x, x)[0]),
}


def _ones(L, shape, requires_grad=False):
    return L.ones(shape, dtype=L.float64, requires_grad=requires_grad)


@pytest.mark.filterwarnings("ignore::UserWarning")   # torch warns about .T of a 1-D tensor
@pytest.mark.parametrize("name", sorted(NOOP_VIEWS) + sorted(SELF_RETURNING))
@pytest.mark.parametrize("requires_grad", [False, True])
def test_identity_of_noop_views_matches_torch(name, requires_grad):
    require_torch()
    shape, op = NOOP_VIEWS.get(name) or SELF_RETURNING[name]
    tx, x = _ones(torch, shape, requires_grad), _ones(ag, shape, requires_grad)
    assert (op(ag, x) is x) == (op(torch, tx) is tx) == (name in SELF_RETURNING)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", sorted(NOOP_VIEWS))
def test_noop_view_shares_memory_and_writes_through(name):
    require_torch()
    shape, op = NOOP_VIEWS[name]
    for L in (torch, ag):
        x = _ones(L, shape)
        y = op(L, x)
        y.mul_(3.0)   # an in-place change of the view is seen by its base, in both libraries
        assert np.all(np.asarray(x.numpy()) == 3.0), L.__name__
        assert not y.requires_grad and y.is_leaf


#: ops that copy in PyTorch even where NumPy would hand back a view: writing to the result leaves the input alone
COPIES = {
    "repeat_ones": lambda L, x: x.repeat(1, 1),
    "repeat_new_dim": lambda L, x: x.repeat(2, 1, 1),
    "tile_ones": lambda L, x: L.tile(x, (1,)),
    "flip": lambda L, x: L.flip(x, [0]),
    "flip_method_twice": lambda L, x: x.flip(1).flip(1),
    "fliplr": lambda L, x: L.fliplr(x),
    "flipud": lambda L, x: L.flipud(x),
    "rot90_twice": lambda L, x: L.rot90(x, 2, (0, 1)),
}


@pytest.mark.parametrize("name", sorted(COPIES))
def test_copying_ops_never_alias_their_input_as_torch(name):
    require_torch()
    for L in (torch, ag):
        x = L.tensor(np.arange(12.0).reshape(3, 4))
        y = COPIES[name](L, x)
        y.mul_(-1.0)
        assert x.tolist() == np.arange(12.0).reshape(3, 4).tolist(), L.__name__
        assert y.is_contiguous()


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", sorted(NOOP_VIEWS))
def test_noop_view_gradients_and_grad_fn_match_torch(name):
    require_torch()
    shape, op = NOOP_VIEWS[name]
    data = np.random.default_rng(0).standard_normal(shape)
    check_against_torch(lambda x: op(ag, x) * 2.0, lambda x: op(torch, x) * 2.0, [data])
    tx, x = _ones(torch, shape, True), _ones(ag, shape, True)
    ty, y = op(torch, tx), op(ag, x)
    assert not y.is_leaf and y.requires_grad
    assert y.grad_fn.name() == ty.grad_fn.name()
    check_gradcheck(lambda t: op(ag, t), [data])


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_requires_grad_and_grad_on_the_view_leave_the_base_alone():
    require_torch()
    for L in (torch, ag):
        x = _ones(L, (3, 4))
        y = x.transpose(0, 0)
        y.requires_grad_()
        assert y.requires_grad and not x.requires_grad, L.__name__
        y.grad = _ones(L, (3, 4))
        assert x.grad is None
        v = _ones(L, (4,))
        w = v.t()
        w.requires_grad_()
        (w * w).sum().backward()
        assert v.grad is None and np.allclose(np.asarray(w.grad.numpy()), 2.0)


def test_inplace_view_forms_of_noops_keep_values_and_memory():
    x = ag.arange(4.0)
    data = x._data
    assert x.t_() is x and x.transpose_(0, 0) is x and x.shape == (4,)
    x.add_(1)
    np.testing.assert_array_equal(data, [1, 2, 3, 4])   # still the same storage


def test_expand_without_repeats_is_writable_and_overlap_still_refused():
    require_torch()
    x, tx = ag.ones(2, 3), torch.ones(2, 3)
    x.expand(1, 2, 3).add_(1)
    tx.expand(1, 2, 3).add_(1)
    np.testing.assert_array_equal(x.numpy(), tx.numpy())
    with pytest.raises(Exception):
        ag.ones(2, 1).expand(2, 3).add_(1)   # two elements on one memory location: PyTorch refuses too


def test_permute_without_dims_is_a_type_error_as_in_torch():
    require_torch()
    with pytest.raises(TypeError):
        torch.ones(()).permute()
    with pytest.raises(TypeError, match="permute"):
        ag.ones(()).permute()
    assert ag.ones(()).permute(()).shape == torch.ones(()).permute(()).shape == ()


@pytest.mark.filterwarnings("ignore::UserWarning")   # torch: .mT / .H of a 0-d tensor is deprecated
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 2, 3)])
def test_matrix_transposes_of_scalars_vectors_and_batches_match_torch(shape):
    require_torch()
    ops = {"H": lambda L, x: x.H, "mT": lambda L, x: x.mT, "mH": lambda L, x: x.mH,
           "adjoint": lambda L, x: L.adjoint(x)}
    for name, op in ops.items():
        outcomes = []
        for L in (torch, ag):
            x = _ones(L, shape)
            try:
                y = op(L, x)
                outcomes.append("self" if y is x else tuple(y.shape))
            except RuntimeError:
                outcomes.append("RuntimeError")
        assert outcomes[0] == outcomes[1], (name, shape, outcomes)
    z = np.arange(6).reshape(2, 3) * (1 + 2j)
    np.testing.assert_array_equal(ag.tensor(z).H.numpy(), torch.tensor(z).H.resolve_conj().numpy())
