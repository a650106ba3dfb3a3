"""Regressions for the differences from PyTorch that round 26 found while writing its programs
(tests/test_pytorch_programs_round26.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report (gradcheck where an op changed)."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, require_torch


# ----- gather / scatter with a 0-d index: PyTorch counts a 0-d tensor as one element ----------------------------------

def test_scatter_with_a_0d_index_writes_one_element_as_the_learn_the_basics_one_hot_does():
    torch = require_torch()
    for lib in (ag, torch):
        one_hot = lib.zeros(10, dtype=lib.float).scatter_(0, lib.tensor(3), value=1)
        assert one_hot.tolist() == [0.0, 0.0, 0.0, 1.0] + [0.0] * 6
    ours = ag.zeros(5).scatter_add(0, ag.tensor(2), ag.tensor([7.0, 8.0]))
    theirs = torch.zeros(5).scatter_add(0, torch.tensor(2), torch.tensor([7.0, 8.0]))
    assert ours.tolist() == theirs.tolist()
    ours = ag.zeros(5).scatter_reduce(0, ag.tensor(4), ag.tensor(-3.0), "amin", include_self=False)
    theirs = torch.zeros(5).scatter_reduce(0, torch.tensor(4), torch.tensor(-3.0), "amin", include_self=False)
    assert ours.tolist() == theirs.tolist()
    # a 0-d input with a one-element 1-D index, and the other way round
    assert ag.tensor(3.0).scatter(0, ag.tensor([0]), ag.tensor(7.0)).tolist() == 7.0
    assert ag.tensor(3.0).gather(0, ag.tensor(0)).shape == torch.tensor(3.0).gather(0, torch.tensor(0)).shape


def test_gather_and_scatter_with_a_0d_index_match_pytorch_with_gradients():
    torch = require_torch()
    check_against_torch(lambda x: ag.gather(x, 0, ag.tensor(2)), lambda x: torch.gather(x, 0, torch.tensor(2)),
                        [np.arange(5.0)])
    check_against_torch(lambda x, s: ag.scatter(x, 0, ag.tensor(1), s),
                        lambda x, s: torch.scatter(x, 0, torch.tensor(1), s), [np.arange(4.0), np.array(7.5)])
    check_gradcheck(lambda x: ag.gather(x, 0, ag.tensor(3)), [np.arange(5.0)])
    check_gradcheck(lambda x, s: ag.scatter(x, 0, ag.tensor(1), s), [np.arange(4.0), np.array(7.5)])
    check_gradcheck(lambda x, s: ag.scatter_reduce(x, 0, ag.tensor(1), s, "prod"),
                    [np.arange(1.0, 5.0), np.array([1.5, -2.0])])
    y = ag.gather(ag.arange(5.0, requires_grad=True), 0, ag.tensor(2))
    assert y.shape == () and y.grad_fn.name() == "GatherBackward0"


def test_a_0d_index_into_a_matrix_is_still_refused():
    torch = require_torch()
    with pytest.raises(RuntimeError):
        torch.zeros(2, 3).scatter(0, torch.tensor(1), 1.0)
    with pytest.raises(RuntimeError, match="index has 0 dims"):
        ag.zeros(2, 3).scatter(0, ag.tensor(1), 1.0)


# ----- version counters: in-place ops inside a graph count, and views share their base's counter ----------------------

def _versions(lib):
    w = lib.ones(2, 2, requires_grad=True)
    found = []
    m = lib.zeros(3, 2)
    m.index_add_(0, lib.tensor([0, 1]), w)
    found.append(m._version)
    m.masked_fill_(m > 0, 2.0)
    found.append(m._version)
    c = w.clone()
    c.add_(1)
    found.append(c._version)
    v = c[0]
    v.mul_(2)
    found += [c._version, v._version]
    c[1] = 5
    found += [c._version, v._version]
    x = lib.zeros(4)
    y = x[1:3]
    y.add_(1)
    found += [x._version, y._version, x.view(2, 2)._version]
    a = lib.zeros(4)
    p1, p2 = a.split(2)
    p1.add_(1)
    found += [a._version, p1._version, p2._version]
    e = lib.zeros(2, 2)
    e.t_()
    e.unsqueeze_(0)
    found.append(e._version)
    s = lib.full((3, 2), -1.0)
    s.scatter_reduce_(0, lib.tensor([[0, 1], [1, 0]]), w, reduce="amax", include_self=False)
    found.append(s._version)
    return found


def test_version_counters_count_in_place_ops_inside_a_graph_and_through_views_as_pytorch():
    torch = require_torch()
    assert _versions(ag) == _versions(torch)


def test_counting_in_graph_changes_does_not_make_a_valid_backward_fail():
    # the in-graph forms rebind to new values; no node PyTorch runs here keeps h, so backward runs as PyTorch's
    w = ag.tensor([0.5, -1.0, 2.0], requires_grad=True)
    h = w * 1.0
    h.mul_(3)
    h.sin_()
    h.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), np.cos(3 * w.detach().numpy()) * 3, rtol=1e-6)
    assert h._version == 2
    # exp keeps its result, which mul_ changes: PyTorch refuses that backward, and so does deepgrad
    h = w.exp()
    h.mul_(3)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        h.sum().backward()


def test_inference_tensors_keep_their_views_inference_and_others_not():
    base = ag.zeros(3)
    with ag.inference_mode():
        q = ag.zeros(2)
        assert q[:1].is_inference() and not base[:2].is_inference()


# ----- torch.initial_seed after a restored state ------------------------------------------------------------------------

def test_set_rng_state_and_fork_rng_restore_the_initial_seed():
    torch = require_torch()
    for lib in (ag, torch):
        lib.manual_seed(2608)
        state = lib.get_rng_state()
        lib.manual_seed(5)
        lib.set_rng_state(state)
        assert lib.initial_seed() == 2608
        with lib.random.fork_rng():
            lib.manual_seed(0)
        assert lib.initial_seed() == 2608
    torch.manual_seed(77)
    ag.set_rng_state(ag.tensor(torch.get_rng_state().numpy()))   # PyTorch's state carries its seed
    assert ag.initial_seed() == 77
    assert ag.rand(3).tolist() == torch.rand(3).tolist()


# ----- torch.linalg ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("shapes", [[(3, 4), (4, 5)], [(3, 4), (4, 5), (5, 2)], [(3,), (3, 4), (4, 2)],
                                    [(3, 4), (4, 5), (5,)], [(3,), (3, 4), (4, 5), (5,)]])
def test_multi_dot_ends_with_pytorchs_view_node(shapes):
    torch = require_torch()
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in shapes]
    ours = ag.linalg.multi_dot([ag.tensor(a, requires_grad=True) for a in arrays])
    theirs = torch.linalg.multi_dot([torch.tensor(a, requires_grad=True) for a in arrays])
    assert ours.grad_fn.name() == theirs.grad_fn.name() == "ViewBackward0"
    assert tuple(ours.shape) == tuple(theirs.shape)
    check_against_torch(lambda *ts: ag.linalg.multi_dot(list(ts)), lambda *ts: torch.linalg.multi_dot(list(ts)),
                        arrays)
    check_gradcheck(lambda *ts: ag.linalg.multi_dot(list(ts)), arrays)


def test_householder_product_gradient_has_positive_zeros_where_pytorchs_has():
    torch = require_torch()
    rng = np.random.default_rng(2607)
    g = rng.standard_normal((5, 3))
    qr_a, tau = torch.geqrf(torch.tensor(g))
    weight = np.arange(15.0).reshape(5, 3)
    grads = []
    for lib, a, t in ((ag, ag.tensor(qr_a.numpy()), ag.tensor(tau.numpy())), (torch, qr_a.clone(), tau.clone())):
        a.requires_grad_()
        t.requires_grad_()
        (lib.linalg.householder_product(a, t) * lib.tensor(weight)).sum().backward()
        grads.append(a.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10, atol=1e-12)
    assert (np.signbit(grads[0]) == np.signbit(grads[1])).all()
    check_gradcheck(lambda a, t: ag.linalg.householder_product(a, t), [qr_a.numpy(), tau.numpy()])


# ----- nn.Module.type ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dst_type", ["float64", "float16", "torch.DoubleTensor"])
def test_module_type_casts_integer_buffers_too_as_pytorch(dst_type):
    torch = require_torch()
    import nn
    found = []
    for lib, nnlib in ((ag, nn), (torch, torch.nn)):
        m = nnlib.Sequential(nnlib.Linear(2, 3), nnlib.BatchNorm1d(3))
        m.type(dst_type if dst_type.startswith("torch.") else getattr(lib, dst_type))
        found.append([str(t.dtype).replace("torch.", "") for t in list(m.parameters()) + list(m.buffers())])
        m.float()   # float() then leaves the counter a float, in both
        found.append(str(m[1].num_batches_tracked.dtype).replace("torch.", ""))
    assert found[:2] == found[2:]


# ----- the in-place view ops' graph nodes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("op, args", [("transpose_", (0, 2)), ("t_", ()), ("squeeze_", ()), ("squeeze_", (1,)),
                                      ("unsqueeze_", (0,)), ("swapaxes_", (0, 1)), ("as_strided_", ((2,), (1,)))])
def test_in_place_view_ops_show_pytorchs_nodes_and_count_a_version(op, args):
    torch = require_torch()
    found = []
    for lib in (ag, torch):
        w = lib.ones(4, 1, 3, requires_grad=True)
        x = (w * 2)[:, 0] if op == "t_" else w * 2
        getattr(x, op)(*args)
        found.append((x.grad_fn.name(), type(x.grad_fn).__name__, tuple(x.shape), x._version))
        x.sum().backward()
        found.append(w.grad.tolist())
    assert found[:2] == found[2:]


# ----- torch.fft's graph nodes for real input -------------------------------------------------------------------------

@pytest.mark.parametrize("call", ["fft(v)", "ifft(v)", "fft(x, dim=0)", "ifft(x, norm='ortho')", "fftn(v)",
                                  "ifftn(x)", "fft2(x)", "ihfft(v)", "ihfftn(v)", "ihfftn(x)", "ihfft2(x)",
                                  "ihfftn(x, dim=(1,))", "rfft(v)", "hfft(v)"])
def test_fft_of_real_input_shows_pytorchs_last_node_with_its_gradient(call):
    torch = require_torch()
    rng = np.random.default_rng(26)
    arrays = {"x": rng.standard_normal((3, 4)), "v": rng.standard_normal(5)}
    names = []
    for lib in (ag, torch):
        ts = {k: lib.tensor(a, requires_grad=True) for k, a in arrays.items()}
        out = eval(f"lib.fft.{call}", {"lib": lib}, ts)
        names.append(out.grad_fn.name())
    assert names[0] == names[1]
    name = "x" if "(x" in call else "v"
    # through abs(): a complex output gets no cotangent in check_against_torch, a real one does
    check_against_torch(lambda t: eval(f"ag.fft.{call}".replace(f"({name}", "(t"), {"ag": ag, "t": t}).abs(),
                        lambda t: eval(f"torch.fft.{call}".replace(f"({name}", "(t"), {"torch": torch, "t": t}).abs(),
                        [arrays[name]], atol=1e-10, rtol=1e-10)


def test_addcdiv_of_two_integer_tensors_raises_pytorchs_runtime_error():
    torch = require_torch()
    for lib in (ag, torch):
        with pytest.raises(RuntimeError):
            lib.addcdiv(lib.ones(2), lib.tensor([1, 2]), lib.tensor([2, 2]))
        with pytest.raises(RuntimeError):
            lib.addcdiv(lib.ones(2, dtype=lib.float16), lib.tensor([1, -2], dtype=lib.int8),
                        lib.tensor([3, 250], dtype=lib.uint8), value=0.5)
    with pytest.raises(TypeError, match=r"addcdiv: integer division of tensor1 \(int64\)"):   # still a TypeError
        ag.addcdiv(ag.ones(2), ag.tensor([1, 2]), ag.tensor([2, 2]))


@pytest.mark.parametrize("ord", [1, -1, float("inf"), float("-inf")])
@pytest.mark.parametrize("dim, keepdim", [((-2, -1), False), ((-2, -1), True), ((2, 0), False), ((0, 2), True)])
def test_matrix_norm_by_sums_ends_with_pytorchs_amax_or_amin(ord, dim, keepdim):
    torch = require_torch()
    a = np.random.default_rng(3).standard_normal((3, 2, 4))

    def ours(t):
        return ag.linalg.matrix_norm(t, ord, dim=dim, keepdim=keepdim)

    def theirs(t):
        return torch.linalg.matrix_norm(t, ord, dim=dim, keepdim=keepdim)
    expected = "AmaxBackward0" if ord > 0 else "AminBackward0"
    assert ours(ag.tensor(a, requires_grad=True)).grad_fn.name() == theirs(
        torch.tensor(a, requires_grad=True)).grad_fn.name() == expected
    check_against_torch(ours, theirs, [a], atol=1e-12, rtol=1e-12)
    check_gradcheck(ours, [a])


def test_tensorinv_ends_with_pytorchs_reshape_node():
    torch = require_torch()
    a = np.random.default_rng(4).standard_normal((4, 6, 8, 3))
    ours = ag.linalg.tensorinv(ag.tensor(a, requires_grad=True), 2)
    theirs = torch.linalg.tensorinv(torch.tensor(a, requires_grad=True), 2)
    assert ours.grad_fn.name() == theirs.grad_fn.name() == "ReshapeAliasBackward0"
    check_against_torch(lambda t: ag.linalg.tensorinv(t, 2), lambda t: torch.linalg.tensorinv(t, 2), [a],
                        atol=1e-9, rtol=1e-9)


# ----- torch.special.zeta ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("numbers", ["none", "input", "other"])
def test_zeta_shows_pytorchs_node_per_overload_and_refuses_the_exponent_gradient_with_its_error(numbers):
    torch = require_torch()
    outcomes = []
    for lib in (ag, torch):
        s = lib.tensor([1.5, 2.5], dtype=lib.float64, requires_grad=True)
        q = lib.tensor([2.0, 3.0], dtype=lib.float64, requires_grad=True)
        out = lib.special.zeta(2.0 if numbers == "input" else s, 2.0 if numbers == "other" else q)
        try:
            out.sum().backward()
            outcomes.append((out.grad_fn.name(), None, q.grad.tolist()))
        except NotImplementedError:
            outcomes.append((out.grad_fn.name(), "NotImplementedError", None))
    assert outcomes[0][:2] == outcomes[1][:2]
    if outcomes[1][2] is not None:
        np.testing.assert_allclose(outcomes[0][2], outcomes[1][2], rtol=1e-10)


# ----- bernoulli_ with a tensor of probabilities ---------------------------------------------------------------------------

def test_bernoulli_in_place_draws_by_the_probabilities_dtype_as_pytorch():
    torch = require_torch()
    results = []
    for lib in (ag, torch):
        lib.manual_seed(12)
        row = []
        for self_dtype, p_dtype in (("float32", "float64"), ("float64", "float32"), ("float16", "float64"),
                                    ("int64", "float32"), ("bool", "float64"), ("float32", "float16"),
                                    ("float64", "bfloat16")):
            p = lib.rand(6).to(getattr(lib, p_dtype))
            row.append(lib.empty(6, dtype=getattr(lib, self_dtype)).bernoulli_(p).tolist())
            row.append(lib.rand(1).item())   # the stream after the draw is PyTorch's too
        row.append(lib.empty(2, 3).bernoulli_(lib.rand(3, dtype=lib.float64)).tolist())
        results.append(row)
    assert results[0] == results[1]


# ----- round's two overloads ----------------------------------------------------------------------------------------------

def test_round_names_the_decimals_overload_as_pytorch_even_for_decimals_0():
    torch = require_torch()
    names = []
    for lib in (ag, torch):
        x = lib.tensor([1.25, -2.5, 3.75], dtype=lib.float64, requires_grad=True)
        calls = [lib.round(x), lib.round(x, decimals=0), lib.round(x, decimals=1), lib.special.round(x),
                 lib.special.round(x, decimals=2), x.round(), x.round(decimals=0), x.floor(), x.trunc()]
        names.append([(c.grad_fn.name(), c.tolist()) for c in calls])
    assert names[0] == names[1]


@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "rfftn", "ihfft2", "fftn"])
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_fft_of_half_precision_is_refused_on_the_cpu_as_pytorch(name, dtype):
    torch = require_torch()
    with pytest.raises(RuntimeError, match="Unsupported dtype"):
        getattr(torch.fft, name)(torch.ones(2, 4, dtype=getattr(torch, dtype)))
    with pytest.raises(RuntimeError, match=f"fft.{name}: Unsupported dtype"):
        getattr(ag.fft, name)(ag.ones(2, 4, dtype=getattr(ag, dtype)))
    assert getattr(ag.fft, name)(ag.ones(2, 4, dtype=getattr(ag, dtype)).float()).shape == getattr(torch.fft, name)(
        torch.ones(2, 4)).shape
