"""Small PyTorch differences left by this stop's rounds (round 8), each checked against torch directly:
distribution parameters (lists, NumPy scalars, a covariance that does not fit loc), StepLR(step_size=0),
random_split with a negative length, vector_to_parameters given a longer vector, lu_unpack given longer pivots,
load_state_dict with a non-string key, and Tensor.sparse_resize_ / sparse_resize_and_clear_."""
import numpy as np
import pytest

import autograd as ag
import nn

torch = pytest.importorskip("torch")


def _outcome(call):
    """('ok', result) or ('raises', exception type name) of a call."""
    try:
        return "ok", call()
    except Exception as error:   # the type is what is compared
        return "raises", type(error).__name__


# ----- 5. distributions ------------------------------------------------------------------------------------------------
_TENSOR_ONLY = {   # PyTorch calls .dim() on these parameters: AttributeError for a list, array or number
    "Categorical": lambda lib, v: lib.distributions.Categorical(v),
    "Categorical_logits": lambda lib, v: lib.distributions.Categorical(logits=v),
    "OneHotCategorical": lambda lib, v: lib.distributions.OneHotCategorical(v),
    "Multinomial": lambda lib, v: lib.distributions.Multinomial(2, v),
    "Dirichlet": lambda lib, v: lib.distributions.Dirichlet(v),
    "RelaxedOneHotCategorical": lambda lib, v: lib.distributions.RelaxedOneHotCategorical(1.0, v),
    "MultivariateNormal": lambda lib, v: lib.distributions.MultivariateNormal(v, lib.eye(2)),
}


@pytest.mark.parametrize("value", [[0.5, 0.5], np.array([0.5, 0.5]), np.float32(0.5)], ids=["list", "array", "np32"])
@pytest.mark.parametrize("name", sorted(_TENSOR_ONLY))
def test_tensor_only_parameters_are_refused_with_torchs_type(name, value):
    theirs = _outcome(lambda: _TENSOR_ONLY[name](torch, value))
    assert theirs == ("raises", "AttributeError")
    with pytest.raises(AttributeError, match="must be a Tensor.*ag.tensor"):
        _TENSOR_ONLY[name](ag, value)
    with pytest.raises(ValueError):   # what deepgrad raised before: still caught by an except ValueError
        _TENSOR_ONLY[name](ag, value)


@pytest.mark.parametrize("loc, scale", [(np.float32(0), 1), (0.0, np.float32(1)), (np.int64(0), 1), (np.float64(0), 1),
                                        (True, 1.0), (0, 1), (np.zeros(2), 1.0)],
                         ids=["np32_loc", "np32_scale", "np_int64", "np64", "bool", "ints", "array"])
def test_normal_takes_python_numbers_only_as_torch(loc, scale):
    theirs = _outcome(lambda: torch.distributions.Normal(loc, scale))
    ours = _outcome(lambda: ag.distributions.Normal(loc, scale))
    assert ours[0] == theirs[0]
    if theirs[0] == "raises":
        assert ours[1] == theirs[1] == "ValueError"
        with pytest.raises(ValueError, match="Python numbers or Tensors.*float"):
            ag.distributions.Normal(loc, scale)
    else:
        assert float(ours[1].loc) == float(theirs[1].loc) and ours[1].loc.dtype == np.float32


def test_multivariate_normal_with_a_covariance_that_does_not_fit_loc_is_refused_at_once():
    # PyTorch builds the object (batch_shape () and event_shape (3,) beside a 2x2 covariance) and only fails
    # when it is used; deepgrad refuses at construction, naming both shapes
    d = torch.distributions.MultivariateNormal(torch.zeros(3), torch.eye(2))
    for use in (d.sample, lambda: d.log_prob(torch.zeros(3))):
        with pytest.raises(RuntimeError):
            use()
    for key in ("covariance_matrix", "precision_matrix", "scale_tril"):
        with pytest.raises(ValueError, match=rf"{key} of shape \(2, 2\) must end in \(3, 3\)"):
            ag.distributions.MultivariateNormal(ag.zeros(3), **{key: ag.eye(2)})


# ----- 6. StepLR, random_split, vector_to_parameters, lu_unpack ---------------------------------------------------------
def test_step_lr_step_size_zero_is_refused_with_the_type_torch_fails_with_later():
    p = torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.SGD([p], lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=0)   # PyTorch builds it ...
    opt.step()
    with pytest.raises(ZeroDivisionError):                          # ... and fails at the first step
        scheduler.step()
    ours = nn.optim.SGD([nn.Parameter(ag.zeros(2))], lr=0.1)
    with pytest.raises(ZeroDivisionError, match="step_size must be positive, got 0"):
        nn.optim.lr_scheduler.StepLR(ours, step_size=0)


def test_step_lr_negative_step_size_decays_every_step_as_torch():
    results = []
    for lib, optim, param in ((torch, torch.optim, torch.nn.Parameter), (ag, nn.optim, nn.Parameter)):
        opt = optim.SGD([param(lib.zeros(2))], lr=1.0)
        scheduler = optim.lr_scheduler.StepLR(opt, step_size=-1, gamma=0.5)
        lrs = []
        for _ in range(4):
            opt.step()
            scheduler.step()
            lrs.append(scheduler.get_last_lr()[0])
        results.append(lrs)
    assert results[0] == results[1] == [0.5, 0.25, 0.125, 0.0625]


def test_random_split_with_a_negative_length_is_refused():
    # PyTorch splits 10 examples by [11, -1] into subsets of 10 and 0 (lengths it was not asked for)
    subsets = torch.utils.data.random_split(torch.utils.data.TensorDataset(torch.arange(10)), [11, -1])
    assert [len(s) for s in subsets] == [10, 0]
    with pytest.raises(ValueError, match=r"random_split: lengths .* got \[11, -1\]"):
        nn.data.random_split(nn.data.TensorDataset(ag.arange(10)), [11, -1])


def test_vector_to_parameters_with_a_longer_vector_uses_its_leading_values_as_torch():
    theirs, ours = torch.nn.Linear(2, 2), nn.Linear(2, 2)
    torch.nn.utils.vector_to_parameters(torch.arange(8.0), theirs.parameters())
    nn.utils.vector_to_parameters(ag.arange(8.0), ours.parameters())
    for a, b in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    with pytest.raises(RuntimeError):   # too short: both refuse
        torch.nn.utils.vector_to_parameters(torch.arange(4.0), theirs.parameters())
    with pytest.raises(RuntimeError, match=r"parameters hold 6 values; pass a 1-D tensor of \(at least\) size 6"):
        nn.utils.vector_to_parameters(ag.arange(4.0), ours.parameters())


@pytest.mark.parametrize("pivots", [[1, 2, 2], [2, 2, 1], [1, 2, 5], [2, 2, 0], [2]])
def test_lu_unpack_reads_the_first_min_m_n_pivots_as_torch(pivots):
    matrix = np.array([[2.0, 1.0], [1.0, 3.0]])
    results = []
    for lib in (torch, ag):
        lu, _ = lib.linalg.lu_factor(lib.tensor(matrix))
        results.append(_outcome(lambda: [t.numpy().tolist() for t in lib.lu_unpack(lu, lib.tensor(pivots,
                                                                                                  dtype=lib.int32))]))
    assert results[0][0] == results[1][0]
    if results[0][0] == "ok":
        assert results[0] == results[1]
    else:
        assert results[1][1] in ("ShapeError",) and results[0][1] == "RuntimeError"


def test_lu_unpack_of_a_tall_matrix_with_longer_pivots_matches_torch():
    matrix = np.arange(6.0).reshape(3, 2) + np.eye(3, 2)
    results = []
    for lib in (torch, ag):
        lu, _ = lib.linalg.lu_factor(lib.tensor(matrix))
        results.append([t.numpy().tolist() for t in lib.lu_unpack(lu, lib.tensor([2, 3, 3], dtype=lib.int32))])
    assert results[0] == results[1]


# ----- 7. load_state_dict with a key that is not a string ---------------------------------------------------------------
@pytest.mark.parametrize("strict", [True, False])
@pytest.mark.parametrize("extra", [{}, {"weight": np.zeros((2, 2), np.float32)}], ids=["alone", "with_weight"])
def test_load_state_dict_with_a_non_string_key_raises_attribute_error_as_torch(strict, extra):
    with pytest.raises(AttributeError):
        torch.nn.Linear(2, 2).load_state_dict({**{k: torch.tensor(v) for k, v in extra.items()},
                                               0: torch.zeros(2)}, strict=strict)
    with pytest.raises(AttributeError, match="keys must be strings.*got 0 of type int"):
        nn.Linear(2, 2).load_state_dict({**extra, 0: ag.zeros(2)}, strict=strict)


# ----- 8. sparse_resize_ / sparse_resize_and_clear_ --------------------------------------------------------------------
def _sparse(lib, coalesced=True, dense=False):
    if dense:
        s = lib.sparse_coo_tensor(lib.tensor([[0, 1]]), lib.tensor([[1.0, 2.0], [3.0, 4.0]]), (2, 2))
    else:
        s = lib.sparse_coo_tensor(lib.tensor([[0, 1, 1], [2, 0, 2]]), lib.tensor([1.0, 2.0, 3.0]), (2, 3))
    return s.coalesce() if coalesced else s


def _described(s):
    return (tuple(s.shape), s.sparse_dim(), s.dense_dim(), s._nnz(), s.is_coalesced(), s._indices().tolist(),
            s._values().tolist(), s.to_dense().tolist())


_RESIZES = [("grow", {}, (3, 4), 2, 0, False), ("grow_uncoalesced", {"coalesced": False}, (3, 4), 2, 0, False),
            ("same", {}, (2, 3), 2, 0, False), ("list_size", {}, [4, 4], 2, 0, False),
            ("grow_sparse_of_dense_dim", {"dense": True}, (3, 2), 1, 1, False),
            ("shrink", {}, (2, 2), 2, 0, False), ("shrink_rows", {}, (1, 3), 2, 0, False),
            ("fewer_sparse_dims", {}, (2, 3), 1, 1, False), ("more_sparse_dims", {}, (2, 3, 4), 3, 0, False),
            ("no_sparse_dims", {}, (2, 3), 0, 2, False), ("length_mismatch", {}, (2, 3), 2, 1, False),
            ("shrink_dense", {"dense": True}, (2, 1), 1, 1, False),
            ("clear", {}, (2, 3), 2, 0, True), ("clear_shrink", {}, (1, 1), 2, 0, True),
            ("clear_new_dims", {}, (5, 2, 3), 1, 2, True), ("clear_dense", {"dense": True}, (1, 1), 1, 1, True),
            ("clear_no_sparse_dims", {}, (2, 3), 0, 2, True), ("clear_length_mismatch", {}, (2, 3), 1, 0, True)]


@pytest.mark.parametrize("name, make, size, sparse_dim, dense_dim, clear", _RESIZES, ids=[r[0] for r in _RESIZES])
def test_sparse_resize_matches_torch(name, make, size, sparse_dim, dense_dim, clear):
    results = []
    for lib in (torch, ag):
        s = _sparse(lib, **make)
        method = s.sparse_resize_and_clear_ if clear else s.sparse_resize_
        results.append(_outcome(lambda: (method(size, sparse_dim, dense_dim) is s, _described(s))))
    assert results[1] == results[0]


def test_sparse_resize_keeps_working_with_sparse_ops_and_refuses_what_torch_refuses():
    results = []
    for lib in (torch, ag):
        s = _sparse(lib)
        s.sparse_resize_((3, 4), 2, 0)
        version = s._version
        results.append(((s * 2).to_dense().tolist(), (s + s).coalesce()._nnz(), lib.sparse.sum(s).item(),
                        _outcome(lambda: _described(s.sparse_resize_((3, 4), 2, 0)))[0], s._version > version))
    assert results[0] == results[1]
    for call, error in [(lambda lib: lib.zeros(2, 3).sparse_resize_((3, 3), 2, 0), NotImplementedError),
                        (lambda lib: lib.zeros(2, 3).sparse_resize_and_clear_((3, 3), 2, 0), NotImplementedError),
                        (lambda lib: _sparse(lib).requires_grad_().sparse_resize_((3, 4), 2, 0), RuntimeError),
                        (lambda lib: _sparse(lib).sparse_resize_((2.0, 3), 2, 0), TypeError)]:
        with pytest.raises(error):
            call(torch)
        with pytest.raises(error, match="sparse_resize"):
            call(ag)


def test_sparse_resize_of_dense_sizes_with_entries_is_refused():
    # PyTorch re-reads the values' memory at the new dense size, with uninitialised new elements: deepgrad refuses
    with pytest.raises(RuntimeError, match=r"changing the size of dense dimensions \(from \[2\] to \[3\]\)"):
        _sparse(ag, dense=True).sparse_resize_((2, 3), 1, 1)
