"""Small PyTorch differences left by earlier rounds (round 7), each checked against torch directly: forward-mode
jacobian/hessian's graph attachment and refusals, cdist under forward-mode AD, the strides of advanced indexing
on a non-contiguous source, and OneCycleLR stepped past its total."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")


def _pair(array, requires_grad):
    """The same float64 values as a deepgrad tensor and a torch tensor."""
    array = np.asarray(array, dtype=np.float64)
    return (ag.tensor(array, requires_grad=requires_grad), torch.tensor(array, requires_grad=requires_grad))


def _attachment(t):
    """(requires_grad, node name or None) of a result."""
    return t.requires_grad, None if t.grad_fn is None else type(t.grad_fn).__name__


# ----- 1. jacobian/hessian with strategy="forward-mode" ----------------------------------------------------------
_JACOBIAN_FUNCS = {
    "cube_sum0": lambda lib: (lambda x: (x ** 3).sum(0)),
    "exp_sum": lambda lib: (lambda x: x.exp().sum()),
    "relu": lambda lib: (lambda x: x.relu()),
    "plus_one": lambda lib: (lambda x: x + 1),
    "sum0": lambda lib: (lambda x: x.sum(0)),
    "square_rows": lambda lib: (lambda x: (x * x).sum(1)),
}


@pytest.mark.parametrize("requires_grad", [True, False])
@pytest.mark.parametrize("name", sorted(_JACOBIAN_FUNCS))
def test_forward_mode_jacobian_is_attached_as_torchs(name, requires_grad):
    values = np.random.default_rng(0).standard_normal((3, 2))
    ours_x, theirs_x = _pair(values, requires_grad)
    ours = ag.autograd.functional.jacobian(_JACOBIAN_FUNCS[name](ag), ours_x, strategy="forward-mode",
                                           vectorize=True)
    theirs = torch.autograd.functional.jacobian(_JACOBIAN_FUNCS[name](torch), theirs_x, strategy="forward-mode",
                                                vectorize=True)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)
    assert _attachment(ours) == _attachment(theirs)
    if theirs.requires_grad:   # the graph gives PyTorch's second derivatives
        (ours_g,) = ag.autograd.grad(ours.sum(), ours_x)
        (theirs_g,) = torch.autograd.grad(theirs.sum(), theirs_x)
        np.testing.assert_allclose(ours_g.numpy(), theirs_g.numpy(), rtol=1e-12)


def test_forward_mode_jacobian_of_two_inputs_and_outputs_is_attached_as_torchs():
    rng = np.random.default_rng(1)
    a_values, b_values = rng.standard_normal(2), rng.standard_normal(2)
    results = []
    for lib in (ag, torch):
        a, b = (lib.tensor(a_values, requires_grad=True), lib.tensor(b_values))
        jac = lib.autograd.functional.jacobian(lambda a, b: (a * b, a.sum() * b), (a, b), strategy="forward-mode",
                                               vectorize=True)
        results.append([[(_attachment(block), block.detach().numpy()) for block in row] for row in jac])
    for ours_row, theirs_row in zip(*results):
        for (ours_att, ours_val), (theirs_att, theirs_val) in zip(ours_row, theirs_row):
            assert ours_att == theirs_att
            np.testing.assert_allclose(ours_val, theirs_val, rtol=1e-12)


@pytest.mark.parametrize("requires_grad", [True, False])
@pytest.mark.parametrize("func", [lambda x: (x ** 3).sum(), lambda x: (x * 2).sum()], ids=["cube", "linear"])
def test_forward_over_reverse_hessian_is_attached_as_torchs(func, requires_grad):
    values = np.random.default_rng(2).standard_normal((3, 2))
    results = []
    for lib, x in zip((ag, torch), _pair(values, requires_grad)):
        hess = lib.autograd.functional.hessian(func, x,
                                               outer_jacobian_strategy="forward-mode", vectorize=True)
        results.append((_attachment(hess), hess.detach().numpy(), x.requires_grad))
    (ours_att, ours_val, ours_rg), (theirs_att, theirs_val, theirs_rg) = results
    assert ours_att == theirs_att and ours_rg == theirs_rg == requires_grad
    np.testing.assert_allclose(ours_val, theirs_val, rtol=1e-12)


@pytest.mark.parametrize("kwargs, error", [
    (dict(create_graph=True), NotImplementedError),
    (dict(vectorize=False), NotImplementedError),
    (dict(strict=True), RuntimeError),
])
@pytest.mark.parametrize("which", ["jacobian", "hessian"])
def test_forward_mode_refuses_what_torch_refuses(which, kwargs, error):
    kwargs = {"vectorize": True, **kwargs}
    strategy = "strategy" if which == "jacobian" else "outer_jacobian_strategy"
    for lib in (torch, ag):
        x = lib.ones(3, dtype=lib.float64, requires_grad=True)
        with pytest.raises(error) as info:
            getattr(lib.autograd.functional, which)(lambda x: (x ** 3).sum(), x, **{strategy: "forward-mode"},
                                                    **kwargs)
        first_words = str(info.value).split("(")[0].split(";")[0][:60]
        if lib is torch:
            expected = first_words
    assert str(info.value).startswith(expected[:40])


# ----- 2. cdist under forward-mode AD: PyTorch has no forward derivative for it -------------------------------
def _cdist_under(lib, how, mode, p, rows):
    """Run cdist with a forward-mode derivative flowing into x1 (or x2) in the way `how` names."""
    rng = np.random.default_rng(3)
    x, y = (lib.tensor(rng.standard_normal((rows, 2))), lib.tensor(rng.standard_normal((4, 2))))
    run = lambda a, b: lib.cdist(a, b, p=p, compute_mode=mode)
    if how in ("dual_x1", "dual_x2"):
        fw = lib.autograd.forward_ad
        with fw.dual_level():
            if how == "dual_x1":
                return fw.unpack_dual(run(fw.make_dual(x, lib.ones_like(x)), y)).tangent
            return fw.unpack_dual(run(x, fw.make_dual(y, lib.ones_like(y)))).tangent
    if how == "jvp":
        return lib.func.jvp(lambda a: run(a, y), (x,), (lib.ones_like(x),))[1]
    if how == "jacfwd":
        return lib.func.jacfwd(lambda a: run(a, y))(x)
    return lib.autograd.functional.jacobian(lambda a: run(a, y), x, strategy="forward-mode", vectorize=True)


@pytest.mark.parametrize("how", ["dual_x1", "dual_x2", "jvp", "jacfwd", "functional_jacobian"])
@pytest.mark.parametrize("mode, p, rows", [
    ("use_mm_for_euclid_dist_if_necessary", 2.0, 3), ("use_mm_for_euclid_dist_if_necessary", 2.0, 30),
    ("use_mm_for_euclid_dist", 2.0, 3), ("donot_use_mm_for_euclid_dist", 2.0, 3),
    ("use_mm_for_euclid_dist_if_necessary", 1.0, 3)])
def test_cdist_refuses_forward_mode_as_torch(how, mode, p, rows):
    with pytest.raises(NotImplementedError) as theirs:
        _cdist_under(torch, how, mode, p, rows)
    with pytest.raises(NotImplementedError) as ours:
        _cdist_under(ag, how, mode, p, rows)
    internal = str(theirs.value).split(" that ")[0]   # "Trying to use forward AD with _cdist_forward"
    assert str(ours.value).startswith(internal + " that does not support it")
    assert "unsqueeze(-2) - x2.unsqueeze(-3)).norm" in str(ours.value)


def test_the_suggested_cdist_workaround_runs_under_forward_ad_and_cdist_still_runs_beside_duals():
    rng = np.random.default_rng(4)
    values_x, values_y = rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
    results = []
    for lib in (ag, torch):
        x, y = lib.tensor(values_x), lib.tensor(values_y, requires_grad=True)
        fw = lib.autograd.forward_ad
        with fw.dual_level():
            dual = fw.make_dual(x, lib.ones_like(x))
            tangent = fw.unpack_dual((dual.unsqueeze(-2) - y.detach().unsqueeze(-3)).norm(p=2, dim=-1)).tangent
            plain = lib.cdist(y, y)   # no dual reaches it: it runs, and its reverse-mode gradient is PyTorch's
            (grad,) = lib.autograd.grad(plain.sum(), y)
        results.append((tangent.numpy(), plain.detach().numpy(), grad.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


# ----- 3. advanced indexing of a non-contiguous source: PyTorch's strides ----------------------------------------
def _layouts(lib):
    """Sources of one set of values in several memory layouts (name -> tensor)."""
    base = lib.arange(48.0).reshape(2, 3, 2, 4)
    return {
        "contiguous": base,
        "permuted_2013": base.permute(2, 0, 1, 3),
        "permuted_3120": base.permute(3, 1, 2, 0),
        "transposed": base.transpose(1, 3),
        "channels_last": base.contiguous(memory_format=lib.channels_last),
        "stepped": base[:, ::2],
        "expanded": base[:, :1].expand(2, 3, 2, 4),
    }


_INDEXES = {
    "first": lambda lib: ([1, 0],),
    "second": lambda lib: (slice(None), [0, 1]),
    "third": lambda lib: (slice(None), slice(None), [1, 0, 1]),
    "last": lambda lib: (Ellipsis, [0, 1]),
    "two_adjacent": lambda lib: (slice(None), [0, 1], [1, 0]),
    "two_apart": lambda lib: ([0, 1], slice(None), [1, 0]),
    "column_index": lambda lib: (slice(None), lib.tensor([[0], [1]])),
    "mask": lambda lib: (slice(None), lib.tensor([True, False])),
    "int_and_array": lambda lib: (0, slice(None), [1, 0]),
    "slice_and_array": lambda lib: (slice(0, 2), [1, 0]),
    "none_and_array": lambda lib: (None, slice(None), [1, 0]),
}


@pytest.mark.parametrize("index", sorted(_INDEXES))
@pytest.mark.parametrize("layout", sorted(_layouts(ag)))
def test_advanced_indexing_result_has_torchs_strides(layout, index):
    ours_source, theirs_source = _layouts(ag)[layout], _layouts(torch)[layout]
    try:
        theirs = theirs_source[_INDEXES[index](torch)]
    except IndexError:
        with pytest.raises(IndexError):
            ours_source[_INDEXES[index](ag)]
        return
    ours = ours_source[_INDEXES[index](ag)]
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert ours.stride() == theirs.stride()
    assert ours.is_contiguous() == theirs.is_contiguous()


def test_index_select_of_a_permuted_source_is_contiguous_as_torchs():
    results = []
    for lib in (ag, torch):
        x = lib.arange(24.0, requires_grad=True)
        y = x.reshape(2, 3, 4).permute(2, 0, 1).index_select(1, lib.tensor([1, 0]))
        (y * lib.arange(24.0).reshape(4, 2, 3)).sum().backward()
        results.append((y.stride(), y.is_contiguous(), type(y.grad_fn).__name__, x.grad.numpy()))
    (*ours, ours_grad), (*theirs, theirs_grad) = results
    assert ours == theirs
    np.testing.assert_array_equal(ours_grad, theirs_grad)


def test_indexing_a_permuted_source_keeps_values_and_gradients():
    results = []
    for lib in (ag, torch):
        x = lib.arange(24.0, dtype=lib.float64, requires_grad=True)
        y = x.reshape(2, 3, 4).permute(2, 0, 1)[:, [0, 1, 1]]
        (y * lib.arange(36.0, dtype=lib.float64).reshape(4, 3, 3).transpose(1, 2)).sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


# ----- 4. OneCycleLR stepped past total_steps: PyTorch's message -------------------------------------------------
@pytest.mark.parametrize("options", [dict(total_steps=3), dict(epochs=2, steps_per_epoch=2)])
def test_one_cycle_lr_stepped_past_its_total_says_what_torch_says(options):
    import nn
    messages = []
    for lib, optim in ((ag, nn.optim), (torch, torch.optim)):
        param = lib.zeros(1, requires_grad=True)
        optimizer = optim.SGD([param], lr=0.1)
        scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1.0, **options)
        rates = []
        with pytest.raises(ValueError) as info:
            for _ in range(10):
                optimizer.step()
                scheduler.step()
                rates.append(scheduler.get_last_lr()[0])
        messages.append((str(info.value), rates))
    (ours, our_rates), (theirs, their_rates) = messages
    assert ours == theirs
    np.testing.assert_allclose(our_rates, their_rates, rtol=1e-12)
