"""Top-level PyTorch functions that were missing: the in-place function forms (torch.exp_(x), torch.clamp_,
torch.fill_, torch.index_put_, ...), torch.fill and torch.binomial; each checked against PyTorch."""
import inspect

import numpy as np
import pytest

import autograd as ag
from autograd.inplace_function_forms import METHOD_NAMES
from tests.helpers import check_against_torch, check_gradcheck, require_torch, torch

RNG = np.random.default_rng(0)

# name -> (values in the op's domain, extra positional arguments)
UNARY_DOMAINS = {"acos_": 0.9, "asin_": 0.9, "atanh_": 0.9, "arccos_": 0.9, "arcsin_": 0.9, "arctanh_": 0.9,
                 "logit_": 0.4}
POSITIVE = {"log_", "log10_", "log1p_", "log2_", "sqrt_", "rsqrt_", "acosh_", "arccosh_", "reciprocal_"}
EXTRA_ARGS = {"clamp_": (-0.3, 0.4), "clip_": (-0.3, 0.4), "clamp_max_": (0.2,), "clamp_min_": (-0.2,),
              "fill_": (2.5,), "xlogy_": (1.5,), "nan_to_num_": (0.0, 5.0, -5.0)}
SKIP = {"ldexp_", "addmv_", "detach_", "gcd_", "lcm_", "index_put_", "resize_as_", "zero_", "conj_physical_"}


def _values(name, shape=(3, 4)):
    x = RNG.uniform(-1, 1, shape)
    if name in UNARY_DOMAINS:
        return x * UNARY_DOMAINS[name] + (0.5 if name == "logit_" else 0.0)
    if name in POSITIVE:
        return np.abs(x) + 1.1
    return x


@pytest.mark.parametrize("name", sorted(set(METHOD_NAMES) - SKIP))
@pytest.mark.parametrize("shape", [(3, 4), (), (0, 2)])
def test_inplace_function_forms_match_torch(name, shape):
    require_torch()
    args = EXTRA_ARGS.get(name, ())
    data = _values(name, shape)
    if name == "nan_to_num_" and data.size:
        data.flat[0] = np.nan
    x, tx = ag.tensor(data), torch.tensor(data)
    out, tout = getattr(ag, name)(x, *args), getattr(torch, name)(tx, *args)
    assert out is x and tout is tx
    np.testing.assert_allclose(x.numpy(), tx.numpy(), rtol=1e-12, atol=1e-12)
    assert x.dtype == tx.numpy().dtype


def test_inplace_function_forms_with_tensors_and_integers_match_torch():
    require_torch()
    for name, a, b in (("gcd_", [12, 18, 7], [8, 27, 3]), ("lcm_", [4, 6, 0], [6, 4, 5])):
        x, tx = ag.tensor(a), torch.tensor(a)
        getattr(ag, name)(x, ag.tensor(b))
        getattr(torch, name)(tx, torch.tensor(b))
        np.testing.assert_array_equal(x.numpy(), tx.numpy())
    base, vec, mat = RNG.standard_normal(3), RNG.standard_normal(4), RNG.standard_normal((3, 4))
    x, tx = ag.tensor(base), torch.tensor(base)
    ag.addmv_(x, ag.tensor(mat), ag.tensor(vec), beta=0.5, alpha=2.0)
    torch.addmv_(tx, torch.tensor(mat), torch.tensor(vec), beta=0.5, alpha=2.0)
    np.testing.assert_allclose(x.numpy(), tx.numpy(), rtol=1e-12)
    x, tx = ag.ones(3), torch.ones(3)
    ag.ldexp_(x, ag.tensor([1, 2, 3]))
    torch.ldexp_(tx, torch.tensor([1, 2, 3]))
    np.testing.assert_array_equal(x.numpy(), tx.numpy())
    x, tx = ag.zeros(5), torch.zeros(5)
    index, values = [1, 3, 1], [1.0, 2.0, 3.0]
    ag.index_put_(x, (ag.tensor(index),), ag.tensor(values), True)
    torch.index_put_(tx, (torch.tensor(index),), torch.tensor(values), True)
    np.testing.assert_array_equal(x.numpy(), tx.numpy())
    assert ag.zero_(x) is x and not x.numpy().any()
    y = ag.ones(2, requires_grad=True) * 2
    assert ag.detach_(y) is y and not y.requires_grad and y.grad_fn is None


def test_inplace_function_forms_refuse_a_non_tensor_and_a_leaf_that_requires_grad():
    require_torch()
    with pytest.raises(TypeError):
        torch.exp_(3.0)
    with pytest.raises(TypeError, match="exp_.*Tensor"):
        ag.exp_(3.0)
    with pytest.raises(RuntimeError):
        torch.sin_(torch.ones(2, requires_grad=True))
    with pytest.raises(RuntimeError):
        ag.sin_(ag.ones(2, requires_grad=True))


def test_inplace_function_forms_inside_a_graph_give_torch_gradients():
    require_torch()
    data = RNG.uniform(0.2, 0.9, (3, 4))

    def ours(x):
        return ag.clamp_(ag.neg_(x * 3.0), -2.0, -1.0)

    def theirs(x):
        return torch.clamp_(torch.neg_(x * 3.0), -2.0, -1.0)
    check_against_torch(ours, theirs, [data])
    check_gradcheck(lambda x: ag.sigmoid_(ag.neg_(x * 2.0)), [data])
    # tanh's node keeps its result, so changing it in place refuses backward in both libraries (stop 51)
    for lib in (ag, torch):
        x = lib.tensor(data, requires_grad=True)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            lib.sigmoid_(lib.tanh_(x * 2.0)).sum().backward()


def test_conj_physical_inplace_conjugates():
    require_torch()
    z = np.array([1 + 2j, -3j])
    x, tx = ag.tensor(z), torch.tensor(z)
    assert ag.conj_physical_(x) is x and x.conj_physical_() is x
    torch.conj_physical_(tx)
    tx.conj_physical_()
    np.testing.assert_array_equal(x.numpy(), tx.numpy())
    ag.conj_physical_(x)
    np.testing.assert_array_equal(x.numpy(), np.conj(z))


@pytest.mark.parametrize("shape", [(3, 4), (), (0,)])
def test_fill_matches_torch(shape):
    require_torch()
    data = RNG.standard_normal(shape)
    check_against_torch(lambda x: ag.fill(x, 2.5), lambda x: torch.fill(x, 2.5), [data])
    check_against_torch(lambda x, v: ag.fill(x, v), lambda x, v: torch.fill(x, v), [data, np.array(1.5)])
    check_gradcheck(lambda x, v: ag.fill(x, v), [data, np.array(1.5)])
    x32, v64 = ag.ones(2, dtype=ag.float32), ag.tensor(3.0, dtype=ag.float64)
    assert ag.fill(x32, v64).dtype == torch.fill(torch.ones(2), torch.tensor(3.0, dtype=torch.float64)).numpy().dtype
    assert ag.fill(ag.ones(2, requires_grad=True), 1.0).grad_fn.name() == "FillBackward0"
    with pytest.raises(RuntimeError):
        torch.fill(torch.ones(3), torch.ones(2))
    with pytest.raises(RuntimeError, match="0-d"):
        ag.fill(ag.ones(3), ag.ones(2))
    assert list(inspect.signature(ag.fill).parameters) == ["input", "value"]


def test_binomial_draws_follow_the_distribution_and_the_seed():
    require_torch()
    count, prob = ag.full((4000,), 10.0), ag.full((4000,), 0.3)
    ag.manual_seed(3)
    a = ag.binomial(count, prob)
    ag.manual_seed(3)
    b = ag.binomial(count, prob)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a.dtype == torch.binomial(torch.full((2,), 10.0), torch.full((2,), 0.3)).numpy().dtype
    assert abs(a.numpy().mean() - 3.0) < 0.1 and abs(a.numpy().var() - 2.1) < 0.2
    assert set(np.unique(a.numpy())) <= set(range(11))
    g1, g2 = ag.Generator().manual_seed(5), ag.Generator().manual_seed(5)
    np.testing.assert_array_equal(ag.binomial(count, prob, generator=g1).numpy(),
                                  ag.binomial(count, prob, g2).numpy())
    edge = ag.binomial(ag.tensor([0.0, 7.0, 7.0]), ag.tensor([0.5, 0.0, 1.0]))
    np.testing.assert_array_equal(edge.numpy(), torch.binomial(torch.tensor([0.0, 7.0, 7.0]),
                                                               torch.tensor([0.5, 0.0, 1.0])).numpy())
    assert ag.binomial(ag.ones(3, 1), ag.full((2,), 0.5)).shape == (3, 2)   # broadcast together
    assert ag.binomial(ag.empty(0), ag.empty(0)).shape == (0,)
    r = ag.binomial(ag.ones(3, requires_grad=True), ag.full((3,), 0.5))
    assert not r.requires_grad   # PyTorch has no derivative for binomial either (its backward raises)


def test_binomial_errors_name_the_problem():
    require_torch()
    with pytest.raises(RuntimeError):
        torch.binomial(torch.ones(2), torch.ones(2, dtype=torch.float64))
    with pytest.raises(TypeError, match="one dtype"):
        ag.binomial(ag.ones(2), ag.ones(2, dtype=ag.float64))
    with pytest.raises(ValueError):
        torch.binomial(torch.ones(2, dtype=torch.long), torch.ones(2))
    with pytest.raises(TypeError, match="floating"):
        ag.binomial(ag.ones(2, dtype=ag.int64), ag.ones(2))
    with pytest.raises(ValueError, match="prob"):
        ag.binomial(ag.ones(2), ag.tensor([0.5, 1.5]))
    with pytest.raises(ValueError, match="count"):
        ag.binomial(ag.tensor([-1.0]), ag.tensor([0.5]))


# ----- the _copy forms of the views, as_strided_scatter and the unsafe_ splits ----------------------------
COPY_FORMS = [("transpose_copy", (3, 4), (0, 1)), ("permute_copy", (2, 3, 4), ((2, 0, 1),)),
              ("view_copy", (3, 4), ((4, 3),)), ("expand_copy", (3, 1), ((2, 3, 5),)), ("diagonal_copy", (3, 4), (1,)),
              ("select_copy", (3, 4), (1, -1)), ("slice_copy", (3, 4), (1, 1, 4, 2)), ("t_copy", (3, 4), ()),
              ("t_copy", (4,), ()), ("unsqueeze_copy", (3, 4), (-1,)), ("squeeze_copy", (3, 1, 4), ()),
              ("squeeze_copy", (3, 1, 4), (1,)), ("unfold_copy", (3, 6), (1, 2, 2)),
              ("as_strided_copy", (3, 4), ((2, 2), (1, 2), 1)), ("alias_copy", (3, 4), ()),
              ("transpose_copy", (), (0, 0)), ("view_copy", (0, 4), ((4, 0),))]


@pytest.mark.parametrize("name, shape, args", COPY_FORMS)
def test_copy_forms_match_torch_and_own_their_memory(name, shape, args):
    require_torch()
    data = RNG.standard_normal(shape)
    check_against_torch(lambda x: getattr(ag, name)(x, *args), lambda x: getattr(torch, name)(x, *args), [data])
    x = ag.tensor(data)
    out = getattr(ag, name)(x, *args)
    assert out.is_contiguous() and (out.numel() == 0 or not np.shares_memory(out.numpy(), x.numpy()))
    if out.numel():
        check_gradcheck(lambda t: getattr(ag, name)(t, *args), [data])


def test_copy_forms_that_return_lists_and_detach_copy():
    require_torch()
    data = RNG.standard_normal((4, 6))
    for name, args in (("split_copy", (4, 1)), ("split_with_sizes_copy", ([1, 3], 0)), ("unbind_copy", (1,))):
        check_against_torch(lambda x: tuple(getattr(ag, name)(x, *args)),
                            lambda x: tuple(getattr(torch, name)(x, *args)), [data])
    x = ag.tensor(data, requires_grad=True)
    d = ag.detach_copy(x)
    assert not d.requires_grad and not np.shares_memory(d.numpy(), x.detach().numpy())
    z = (RNG.standard_normal((3, 2)))
    check_against_torch(lambda t: ag.view_as_complex_copy(t).abs(),
                        lambda t: torch.view_as_complex_copy(t).abs(), [z], requires_grad=[False])
    check_against_torch(lambda t: ag.view_as_real_copy(t), lambda t: torch.view_as_real_copy(t),
                        [z[:, 0] + 1j * z[:, 1]], requires_grad=[False])


def test_unsafe_splits_are_the_splits():
    require_torch()
    data = RNG.standard_normal((5, 4))
    for name, args in (("unsafe_chunk", (2, 0)), ("unsafe_split", (3, 0)), ("unsafe_split_with_sizes", ([1, 3], 1))):
        check_against_torch(lambda x: tuple(getattr(ag, name)(x, *args)),
                            lambda x: tuple(getattr(torch, name)(x, *args)), [data])
        check_against_torch(lambda x: tuple(getattr(x, name)(*args)), lambda x: tuple(getattr(x, name)(*args)),
                            [data])


@pytest.mark.parametrize("size, stride, offset", [((2, 2), (1, 2), 1), ((3,), (4,), None), ((2, 3), (4, 1), 5),
                                                  ((0, 2), (1, 1), None)])
def test_as_strided_scatter_matches_torch(size, stride, offset):
    require_torch()
    x, src = RNG.standard_normal((3, 4)), RNG.standard_normal(size)
    args = (size, stride) if offset is None else (size, stride, offset)
    # PyTorch 2.13's gradient for `input` is wrong (its own gradcheck fails: it keeps the gradient inside the
    # window and zeroes it outside); so its values and src's gradient are compared, input's is gradchecked
    check_against_torch(lambda a, b: ag.as_strided_scatter(a, b, *args),
                        lambda a, b: torch.as_strided_scatter(a, b, *args), [x, src], requires_grad=[False, True])
    check_against_torch(lambda a, b: a.as_strided_scatter(b, *args), lambda a, b: a.as_strided_scatter(b, *args),
                        [x, src], requires_grad=[False, True])
    check_gradcheck(lambda a, b: ag.as_strided_scatter(a, b, *args), [x, src])
    a = ag.tensor(x, requires_grad=True)
    ag.as_strided_scatter(a, ag.tensor(src), *args).sum().backward()
    window = np.zeros(12)
    window[ag.as_strided(ag.arange(12.0), *args).numpy().astype(int).reshape(-1)] = 1
    np.testing.assert_array_equal(a.grad.numpy(), (1 - window).reshape(3, 4))
    with pytest.raises(RuntimeError, match="src"):
        ag.as_strided_scatter(ag.tensor(x), ag.ones(7), *args)


def test_as_strided_inplace_makes_the_tensor_that_view():
    require_torch()
    x, tx = ag.arange(8.0), torch.arange(8.0)
    assert x.as_strided_((2, 3), (3, 1), 1) is x
    tx.as_strided_((2, 3), (3, 1), 1)
    np.testing.assert_array_equal(x.numpy(), tx.numpy())
    assert x.stride() == tx.stride() and x.shape == tx.shape


# ----- the older norm spellings and igamma ---------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:.*deprecated")
def test_deprecated_norm_spellings_match_torch():
    require_torch()
    x = RNG.standard_normal((3, 4))
    for ours, theirs in ((lambda t: ag.frobenius_norm(t, (0, 1)), lambda t: torch.frobenius_norm(t, (0, 1))),
                         (lambda t: ag.frobenius_norm(t, 1, True), lambda t: torch.frobenius_norm(t, 1, True)),
                         (lambda t: ag.nuclear_norm(t), lambda t: torch.nuclear_norm(t)),
                         (lambda t: ag.nuclear_norm(t, True), lambda t: torch.nuclear_norm(t, True)),
                         (lambda t: ag.nuclear_norm(t, (1, 0)), lambda t: torch.nuclear_norm(t, (1, 0))),
                         (lambda t: ag.norm_except_dim(t, 2, 0), lambda t: torch.norm_except_dim(t, 2, 0)),
                         (lambda t: ag.norm_except_dim(t, 3, 1), lambda t: torch.norm_except_dim(t, 3, 1)),
                         (lambda t: ag.norm_except_dim(t, 2, -1), lambda t: torch.norm_except_dim(t, 2, -1))):
        check_against_torch(ours, theirs, [x])
        check_gradcheck(ours, [x])
    with pytest.warns(UserWarning, match="deprecated"):
        ag.frobenius_norm(ag.tensor(x), (0, 1))


def test_igamma_and_igammac_match_torch():
    require_torch()
    a, x = RNG.uniform(0.5, 3, (3, 4)), RNG.uniform(0.1, 4, (3, 4))
    for name in ("igamma", "igammac"):
        check_against_torch(lambda s, t: getattr(ag, name)(s, t), lambda s, t: getattr(torch, name)(s, t), [a, x],
                            requires_grad=[False, True])
        check_against_torch(lambda s, t: getattr(s, name)(t), lambda s, t: getattr(s, name)(t), [a, x],
                            requires_grad=[False, True])
        ours, theirs = ag.tensor(a), torch.tensor(a)
        assert getattr(ours, name + "_")(ag.tensor(x)) is ours
        getattr(theirs, name + "_")(torch.tensor(x))
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10)


def test_geqrf_and_orgqr_methods():
    require_torch()
    x = RNG.standard_normal((4, 3))
    a, tau = ag.tensor(x).geqrf()
    q = a.orgqr(tau)
    tq = torch.linalg.householder_product(*torch.tensor(x).geqrf())
    np.testing.assert_allclose(np.abs(q.numpy()), np.abs(tq.numpy()), rtol=1e-8, atol=1e-10)


# ----- runtime names and small tensor queries ------------------------------------------------------------
def test_deterministic_debug_mode_round_trips_like_torch():
    require_torch()
    try:
        for mode, number in (("warn", 1), ("error", 2), ("default", 0), (1, 1), (2, 2), (0, 0)):
            ag.set_deterministic_debug_mode(mode)
            torch.set_deterministic_debug_mode(mode)
            assert ag.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode() == number
            assert ag.are_deterministic_algorithms_enabled() == torch.are_deterministic_algorithms_enabled()
            assert (ag.is_deterministic_algorithms_warn_only_enabled()
                    == torch.is_deterministic_algorithms_warn_only_enabled())
        with pytest.raises(RuntimeError, match="default"):
            ag.set_deterministic_debug_mode("sometimes")
        with pytest.raises(RuntimeError):
            ag.set_deterministic_debug_mode(3)
    finally:
        ag.set_deterministic_debug_mode(0)
        torch.set_deterministic_debug_mode(0)


def test_runtime_flags_and_queries():
    require_torch()
    ag.set_warn_always(True)
    assert ag.is_warn_always_enabled()
    ag.set_warn_always(False)
    assert not ag.is_warn_always_enabled()
    assert ag.get_device(ag.ones(2)) == torch.get_device(torch.ones(2)) == -1
    assert ag.is_storage(ag.ones(2)) is torch.is_storage(torch.ones(2)) is False
    assert ag.init_num_threads() is None and isinstance(ag.compiled_with_cxx11_abi(), bool)
    assert all(isinstance(flag, bool) for flag in (ag.has_lapack, ag.has_mkl, ag.has_openmp, ag.has_spectral))
    with pytest.raises(TypeError, match="get_device"):
        ag.get_device([1, 2])


@pytest.mark.parametrize("data, size, fill", [([[0, 1], [2, 0], [3, 3]], 5, -1), ([[0, 1], [2, 0], [3, 3]], 2, 9),
                                              ([1, 0, 2], 4, -1), ([0, 0], 3, 7), (5, 2, -1), ([[1, 2]], 0, -1)])
def test_nonzero_static_matches_torch(data, size, fill):
    require_torch()
    ours = ag.nonzero_static(ag.tensor(data), size=size, fill_value=fill)
    theirs = torch.nonzero_static(torch.tensor(data), size=size, fill_value=fill)
    assert ours.shape == theirs.shape and ours.dtype == theirs.numpy().dtype
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    np.testing.assert_array_equal(ag.tensor(data).nonzero_static(size=size, fill_value=fill).numpy(), theirs.numpy())
    with pytest.raises(RuntimeError, match="size"):
        ag.nonzero_static(ag.tensor(data), size=-1)


def test_dim_order_and_const_data_ptr_match_torch():
    require_torch()
    for make in (lambda L: L.ones(2, 3, 4).permute(1, 2, 0), lambda L: L.ones(2, 3), lambda L: L.ones(2, 3).t(),
                 lambda L: L.ones(())):
        assert make(ag).dim_order() == make(torch).dim_order()
    x = ag.ones(3)
    assert x.const_data_ptr() == x.data_ptr()
