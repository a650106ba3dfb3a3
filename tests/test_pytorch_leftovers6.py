"""Small PyTorch differences left by earlier rounds (round 6), each checked against torch directly: backward at
non-finite values without NumPy's warnings, torch.dtype's attributes, allow_mutation_on_saved_tensors, the order
in which leaves get their gradients and hooks fire, unbind's outputs and vmap's node names."""
import warnings

import numpy as np
import pytest

import autograd as ag
from autograd.autograd import gradcheck

torch = pytest.importorskip("torch")

INF = float("inf")


def _pair(values, dtype, requires_grad=True):
    """The same values as a deepgrad tensor and a torch tensor of `dtype` (a NumPy dtype name)."""
    array = np.array(values, dtype=dtype)
    return (ag.tensor(array, requires_grad=requires_grad),
            torch.tensor(array, requires_grad=requires_grad))


# ----- 3. backward at non-finite values: PyTorch's IEEE results, no NumPy RuntimeWarning ------------------------
_NON_FINITE = [
    ([INF, -INF, 0.0, 50.0, -200.0], 1.0),                        # +-inf inputs: 0 * inf inside the formula
    ([0.0, 1.0, -1.0, 100.0, -100.0, INF, -INF], INF),             # inf upstream gradients
    ([0.0, 100.0, -100.0, INF], -INF),
    ([np.nan, 1.0, -INF], 1.0),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", range(len(_NON_FINITE)))
@pytest.mark.parametrize("op", ["sigmoid", "tanh"])
def test_backward_at_non_finite_values_gives_torchs_values_without_a_warning(op, case, dtype):
    values, upstream = _NON_FINITE[case]
    ours, theirs = _pair(values, dtype)
    getattr(torch, op)(theirs).backward(torch.full_like(theirs, upstream))
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # a NumPy RuntimeWarning fails the test
        getattr(ag, op)(ours).backward(ag.full(ours.shape, upstream, dtype=ours.dtype))
    # the same infinities and NaNs; finite float32 values within an ulp (PyTorch's vectorised tanh rounds apart)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-6, atol=0)


def test_grad_at_non_finite_values_warns_no_more_than_backward():
    x = ag.tensor([INF, -INF, 0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (g,) = ag.autograd.grad(ag.sigmoid(x), x, ag.full((3,), INF))
    t = torch.tensor([INF, -INF, 0.0], requires_grad=True)
    (expected,) = torch.autograd.grad(torch.sigmoid(t), t, torch.full((3,), INF))
    np.testing.assert_array_equal(g.numpy(), expected.numpy())


def test_sigmoid_gradient_is_still_checked_by_gradcheck():
    x = ag.tensor(np.linspace(-4, 4, 7), requires_grad=True)
    assert gradcheck(ag.sigmoid, (x,))


# ----- 4. torch.dtype's attributes -------------------------------------------------------------------------------
_DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
           "uint64", "bool", "complex64", "complex128", "bfloat16"]


def _dtypes(name):
    if name == "bfloat16":
        pytest.importorskip("ml_dtypes")
    return getattr(ag, "bool_" if name == "bool" else name), getattr(torch, name)


def _named(dtype):
    return str(dtype).replace("torch.", "")


@pytest.mark.parametrize("name", _DTYPES)
def test_dtype_attributes_as_torch(name):
    ours, theirs = _dtypes(name)
    for attribute in ("is_floating_point", "is_complex", "is_signed", "itemsize", "abbr"):
        assert getattr(ours, attribute) == getattr(theirs, attribute), (name, attribute)
    assert _named(ours.to_real()) == _named(theirs.to_real())
    assert ours.to_real() == getattr(ag, _named(theirs.to_real()).replace("bool", "bool_"))
    public = {a for a in dir(theirs) if not a.startswith("_")}
    assert public <= set(dir(ours)), public - set(dir(ours))


@pytest.mark.parametrize("name", _DTYPES)
def test_dtype_to_complex_as_torch(name):
    ours, theirs = _dtypes(name)
    try:
        expected = theirs.to_complex()
    except RuntimeError as error:
        with pytest.raises(RuntimeError, match=str(error)):
            ours.to_complex()
        return
    if expected == torch.complex32:   # NumPy has no complex32: deepgrad's complex form of float16 is complex64
        assert ours.to_complex() is ag.complex64
    else:
        assert ours.to_complex() is getattr(ag, _named(expected))


def test_a_tensors_dtype_answers_as_torchs():
    for data in ([1.5], [1], [True], [1j]):
        ours, theirs = ag.tensor(data).dtype, torch.tensor(data).dtype
        assert (ours.is_floating_point, ours.is_complex, ours.is_signed, ours.abbr) == \
            (theirs.is_floating_point, theirs.is_complex, theirs.is_signed, theirs.abbr)
    x = ag.tensor([1.0, 2.0])
    assert x.to(x.dtype.to_complex()).dtype == ag.complex64   # the idiom PyTorch code uses


# ----- 6. allow_mutation_on_saved_tensors ------------------------------------------------------------------------
def _mutations(lib):
    """(name, gradient) for each change of a saved tensor made inside the context."""
    amst = lib.autograd.graph.allow_mutation_on_saved_tensors
    found = []
    with amst():
        a = lib.ones(2, 3, dtype=lib.float64, requires_grad=True)
        b = a.clone()
        out = (b ** 2).sum()
        b.sin_()                                   # in the graph
        out.backward()
        found.append(("in graph", a.grad))
    with amst():
        a = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        y = (a * a).sum()
        with lib.no_grad():
            a.mul_(10)                             # a saved leaf, under no_grad
        y.backward()
        found.append(("leaf under no_grad", a.grad))
    with amst():
        a = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
        b = a * 1
        y = b.exp().sum()
        b[1:].mul_(5)                              # a saved input, through a view
        y.backward()
        found.append(("input through a view", a.grad))
    with amst():
        a = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        b = a * 1
        y = (b * b).sum()
        b.add_(1)
        y.backward(retain_graph=True)
        y.backward()
        found.append(("backward twice", a.grad))
    with amst():
        w = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        x = lib.tensor([3.0, 4.0], dtype=lib.float64)
        loss = (w * x).sum() + (w ** 3).sum()
        with lib.no_grad():
            w.sub_(1.0)                            # as an optimiser step between forward and backward
            x.mul_(2)
        loss.backward()
        found.append(("weights and inputs", w.grad))
    return found


def test_allow_mutation_on_saved_tensors_uses_the_saved_values_as_torch():
    for (name, ours), (_, theirs) in zip(_mutations(ag), _mutations(torch)):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=name)


def test_allow_mutation_on_saved_tensors_keeps_an_output_changed_through_a_view():
    # exp saved its output, which a view then changes: backward uses the saved values, so the gradient is
    # (e**a) * [1, 5, 5]. PyTorch 2.13 clones only when the saved tensor itself is changed, and its backward here
    # reads the changed output (25 e**a on the changed part)
    with ag.autograd.graph.allow_mutation_on_saved_tensors():
        a = ag.tensor([1.0, 2.0, 3.0], dtype=ag.float64, requires_grad=True)
        y = a.exp()
        y[1:].mul_(5)
        y.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), np.exp([1.0, 2.0, 3.0]) * [1, 5, 5], rtol=1e-12)


def test_allow_mutation_on_saved_tensors_refusals_as_torch():
    for lib in (ag, torch):
        amst = lib.autograd.graph.allow_mutation_on_saved_tensors
        with pytest.raises(RuntimeError, match="contexts cannot be nested"):
            with amst():
                with amst():
                    pass
        with amst():
            a = lib.tensor([1.0, 2.0], requires_grad=True)
            y = (a * a).sum()
        with pytest.raises(AssertionError, match="Trying to backward outside of the 'allow_mutation_on_saved"):
            y.backward()
        with amst() as context:   # usable again after a refusal
            a = lib.tensor([1.0, 2.0], requires_grad=True)
            (a * a).sum().backward()
        assert a.grad.tolist() == [2.0, 4.0] and context is not None


@pytest.mark.parametrize("change", ["leaf", "output", "detached"])
def test_without_the_context_a_changed_saved_tensor_is_refused_as_torch(change):
    for lib in (ag, torch):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        if change == "leaf":
            y = (a * a).sum()
            with lib.no_grad():
                a.mul_(10)
        elif change == "output":
            e = a.exp()
            y = e.sum()
            with lib.no_grad():
                e[0] = 5.0
        else:
            e = a.sigmoid()
            y = e.sum()
            e.detach().mul_(2)   # a detached tensor shares the version counter (.data does not, in PyTorch)
        with pytest.raises(RuntimeError, match="one of the variables needed for gradient computation has been "
                                               "modified by an inplace operation"):
            y.backward()


# ----- 5. when leaves get their gradients and hooks fire ---------------------------------------------------------
def _hook_log(lib):
    """What the hooks print, in order, over four graphs: a diamond, one leaf shared by two losses summed, a
    graph run backward twice (retain_graph), and leaves reached at several depths and through one node."""
    log = []

    def hook(name):
        return lambda g: log.append(f"hook {name}")

    def leaf(name, values):
        t = lib.tensor(values, dtype=lib.float64, requires_grad=True)
        t.register_hook(hook(name))
        t.register_post_accumulate_grad_hook(lambda p: log.append(f"post {name} {np.round(p.grad.tolist(), 6)}"))
        return t

    def noted(name, t):
        t.register_hook(hook(name))
        return t

    a, w = leaf("a", [1.0, 2.0]), leaf("w", [0.3, 0.4])
    b = noted("b", a * w)
    e = noted("e", (noted("c", b.sin()) + noted("d", b.exp()) * w).sum())
    log.append("diamond")
    e.backward()

    x, p, q = leaf("x", [1.0, -1.0]), leaf("p", [0.5, 0.25]), leaf("q", [2.0, 1.0])
    log.append("two losses")
    (noted("l1", (x * p).sum()) + noted("l2", (x * q).pow(2).sum())).backward()

    u, v = leaf("u", [1.0, 2.0]), leaf("v", [0.5, 1.5])
    out = (noted("h", (u * v).tanh()) * u + v).sum()
    log.append("retain_graph, first")
    out.backward(retain_graph=True)
    log.append("retain_graph, second")
    out.backward()

    r, s, t = leaf("r", [1.0]), leaf("s", [2.0]), leaf("t", [3.0])
    k = leaf("k", [1.0, 2.0])
    log.append("one node, three leaves; a leaf at several depths")
    ((lib.addcmul(r, s, t) * r * s).sum() + ((k * 2 * k).exp() + k).sum()).backward()
    return log


def test_leaves_get_their_gradients_and_run_hooks_when_complete_as_torch():
    assert _hook_log(ag) == _hook_log(torch)


# ----- 1. unbind: one node, an output per slice ------------------------------------------------------------------
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_unbind_outputs_are_one_nodes_outputs_as_torch(dim):
    found = []
    for lib in (ag, torch):
        leaf = lib.tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
        pieces = (leaf * 1).unbind(dim)
        node = pieces[0].grad_fn
        (pieces[0] * 2 + pieces[-1] ** 2).sum().backward()
        found.append(([p.output_nr for p in pieces], [p.grad_fn.name() for p in pieces],
                      all(p.grad_fn is node for p in pieces),
                      [(f.name() if f is not None else None, i) for f, i in node.next_functions],
                      [tuple(p.shape) for p in pieces], leaf.grad.tolist()))
    assert found[0] == found[1]


def test_unbind_gradients_and_views_as_torch():
    x = ag.tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(lambda t: ag.stack([p * (i + 1) for i, p in enumerate(t.unbind(1))]), (x,))
    for lib in (ag, torch):
        v = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        first, _, last = v.unbind()
        assert first.output_nr == 0 and last.output_nr == 2 and tuple(last.shape) == ()
        (first * last).backward()
        assert v.grad.tolist() == [3.0, 0.0, 1.0]
        with pytest.raises(RuntimeError, match="is a view and is being modified inplace"):
            (v * 1).unbind()[1].mul_(2)
        y = lib.zeros(2, 2)
        with lib.no_grad():
            y.unbind()[1].add_(1)   # outside a graph, a slice changes the tensor it views
        assert y.tolist() == [[0.0, 0.0], [1.0, 1.0]]
        assert lib.zeros(0, 3).unbind() == () and len(lib.ones(1, 2).unbind()) == 1


# ----- 2. vmap of a matrix product: the node PyTorch's batching rule ends in -------------------------------------
def _vmapped_product_names(lib):
    shapes = {1: (3,), 2: (3, 3)}
    names = []
    for ra in (1, 2):
        for rb in (1, 2):
            a, b = lib.ones(*shapes[ra], requires_grad=True), lib.ones(*shapes[rb])
            A, B = lib.ones(4, *shapes[ra], requires_grad=True), lib.ones(4, *shapes[rb], requires_grad=True)
            names.append(lib.func.vmap(lambda m: m @ b)(A).grad_fn.name())
            names.append(lib.func.vmap(lambda m: a @ m)(B).grad_fn.name())
            names.append(lib.func.vmap(lambda m, n: m @ n)(A, B).grad_fn.name())
    W, U = lib.ones(2, 3, requires_grad=True), lib.ones(4, 3, requires_grad=True)
    names.append(lib.func.vmap(lambda u: W @ u)(U).grad_fn.name())
    names.append(lib.func.vmap(lambda u: lib.mv(W.detach(), u))(U).grad_fn.name())
    return names


def test_vmap_of_matrix_products_shows_torchs_batched_nodes():
    assert _vmapped_product_names(ag) == _vmapped_product_names(torch)


def test_vmap_of_a_fixed_matrix_times_vectors_gives_torchs_values_and_gradients():
    rng = np.random.default_rng(1)
    w0, u0 = rng.standard_normal((2, 3)), rng.standard_normal((4, 3))
    results = []
    for lib in (ag, torch):
        W, U = lib.tensor(w0, requires_grad=True), lib.tensor(u0, requires_grad=True)
        out = lib.func.vmap(lambda u: W @ u)(U)
        (out ** 2).sum().backward()
        results.append((out.detach().numpy(), W.grad.numpy(), U.grad.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


# ----- 7. names still missing: torch.nn.grad (F.grad) ------------------------------------------------------------
_CONV_CASES = [(1, dict()), (2, dict(stride=2, padding=1, groups=2)), (2, dict(stride=(2, 1), padding=1,
               dilation=(1, 2))), (3, dict(stride=1, padding=(1, 0, 1), groups=2))]


def _conv_gradients(lib, mod, rank, kw, x0, w0, g0):
    x, w, g = (lib.tensor(v, requires_grad=True) for v in (x0, w0, g0))
    gi = getattr(mod, f"conv{rank}d_input")(x.shape, w, g, **kw)
    gw = getattr(mod, f"conv{rank}d_weight")(x, w.shape, g, **kw)
    (gi.sin().sum() + (gw ** 2).sum()).backward()
    return ([t.detach().numpy() for t in (gi, gw, x.grad, w.grad, g.grad)],
            (gi.grad_fn.name(), gw.grad_fn.name()))


@pytest.mark.parametrize("case", range(len(_CONV_CASES)))
def test_nn_grad_convolution_gradients_as_torch(case):
    import nn
    rank, kw = _CONV_CASES[case]
    rng = np.random.default_rng(case)
    x0, w0 = rng.standard_normal((2, 4) + (5,) * rank), rng.standard_normal((6, 4 // kw.get("groups", 1)) + (3,) * rank)
    shape = getattr(torch.nn.functional, f"conv{rank}d")(torch.tensor(x0), torch.tensor(w0), None, **kw).shape
    g0 = rng.standard_normal(tuple(shape))
    ours, ours_names = _conv_gradients(ag, nn.grad, rank, kw, x0, w0, g0)
    theirs, their_names = _conv_gradients(torch, torch.nn.grad, rank, kw, x0, w0, g0)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)
    assert ours_names == their_names
    assert nn.functional.grad is nn.grad and torch.nn.functional.grad is torch.nn.grad


def test_nn_grad_is_checked_by_gradcheck_and_refuses_a_wrong_grad_output():
    import nn
    rng = np.random.default_rng(5)
    w = ag.tensor(rng.standard_normal((3, 2, 2, 2)), requires_grad=True)
    x = ag.tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    g = ag.tensor(rng.standard_normal((1, 3, 3, 3)), requires_grad=True)
    assert gradcheck(lambda w, g: nn.grad.conv2d_input((1, 2, 4, 4), w, g), (w, g))
    assert gradcheck(lambda x, g: nn.grad.conv2d_weight(x, (3, 2, 2, 2), g), (x, g))
    with ag.no_grad():
        assert nn.grad.conv2d_input((1, 2, 4, 4), w, g).grad_fn is None
    for lib, mod in ((ag, nn.grad), (torch, torch.nn.grad)):
        with pytest.raises(RuntimeError):
            mod.conv2d_input((1, 2, 4, 4), lib.ones(3, 2, 2, 2, dtype=lib.float64), lib.ones(1, 3, 4, 4,
                                                                                             dtype=lib.float64))


def test_unbind_of_complex_tensors_as_torch():
    z0 = np.array([[1 + 1j, 2 - 0.5j], [3 + 0j, 0.25 + 4j]])
    grads = []
    for lib in (ag, torch):
        z = lib.tensor(z0, requires_grad=True)
        a, b = z.unbind(1)
        (a * b).abs().sum().backward()
        grads.append(z.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)
    assert gradcheck(lambda z: ag.stack([p * (i + 2) for i, p in enumerate(z.unbind(0))]),
                     (ag.tensor(z0, requires_grad=True),))


def _tensor_split_record(lib):
    record = []
    for arg, dim in [(2, 0), (3, 0), ([1, 3], 0), ([3, 1], 0), ([-1], 1), (1, 1), ([0, 0, 4], 0), (5, 0)]:
        x = lib.tensor(np.arange(20.0).reshape(4, 5), requires_grad=True)
        pieces = (x * 1).tensor_split(arg, dim)
        record.append(([tuple(p.shape) for p in pieces], [p.grad_fn.name() for p in pieces],
                       [p.output_nr for p in pieces]))
        sum(p.sum() * (i + 1) for i, p in enumerate(pieces)).backward()
        record.append(x.grad.tolist())
    y = lib.ones(4, requires_grad=True) * 1
    y.tensor_split(2)[1].mul_(2)   # separate slices: each may be changed in place inside a graph
    y.sum().backward()
    record.append(y.tolist())
    return record


def test_tensor_split_pieces_are_separate_slices_as_torch():
    assert _tensor_split_record(ag) == _tensor_split_record(torch)


@pytest.mark.parametrize("piece", ["chunk", "split_sizes", "unbind"])
def test_changing_one_of_several_views_names_the_op_and_output_as_torch(piece):
    messages = []
    for lib in (ag, torch):
        y = lib.ones(4, requires_grad=True) * 1
        view = {"chunk": lambda: y.chunk(2)[1], "split_sizes": lambda: y.split([1, 3])[1],
                "unbind": lambda: y.view(2, 2).unbind(0)[1]}[piece]()
        with pytest.raises(RuntimeError) as info:
            view.mul_(2)
        messages.append(str(info.value).split(" is a view")[0])
    assert messages[0] == messages[1]


@pytest.mark.parametrize("name", ["elu", "selu", "celu"])
def test_elu_family_gradient_at_nan_and_infinite_inputs_as_torch(name, device):
    import nn.functional as F
    # 64 entries: PyTorch's vectorised loop, which any real tensor takes, lets a NaN input's gradient be NaN; only its
    # scalar loop (tensors under 8 or 16 elements) passes the gradient there, and deepgrad gives the vectorised answer
    values = [INF, -INF, 0.0, -0.0, 1.0, -1.0, -100.0, np.nan] * 8
    for dtype in ("float32", "float64"):
        theirs = torch.tensor(np.array(values, dtype), requires_grad=True)
        getattr(torch.nn.functional, name)(theirs).sum().backward()
        ours = ag.tensor(np.array(values, dtype), requires_grad=True, device=device)
        getattr(F, name)(ours).sum().backward()
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-6, equal_nan=True)
