"""PyTorch namespace gaps (round 5), each checked against torch directly: the wide unsigned dtypes, the
uninitialized parameters of lazy modules, the deprecated global backward hook, pairwise_distance's p=0 gradient,
the compressed sparse layouts, the functional recurrences, resize_, and the tie order of kthvalue/topk/nanmedian."""
import numpy as np
import pytest
import torch

import autograd as ag
import nn
import nn.functional as F

_UNSIGNED = [("uint16", np.uint16), ("uint32", np.uint32), ("uint64", np.uint64)]


def _raises_like(ours, theirs):
    """Both calls raise, and deepgrad's exception is an instance of the type PyTorch raised."""
    with pytest.raises(Exception) as mine:
        ours()
    with pytest.raises(Exception) as real:
        theirs()
    assert isinstance(mine.value, type(real.value)), (type(mine.value), type(real.value), str(mine.value))
    return str(mine.value)


# ----- 1. uint16 / uint32 / uint64 ------------------------------------------------------------------------------
@pytest.mark.parametrize("name,np_type", _UNSIGNED)
def test_wide_unsigned_dtypes_exist_and_make_tensors_as_torch(name, np_type):
    ours, theirs = getattr(ag, name), getattr(torch, name)
    assert ours == np.dtype(np_type) and isinstance(ours, ag.dtype)
    assert ours.itemsize == theirs.itemsize
    for make in (lambda m, d: m.tensor([1, 2, 3], dtype=d), lambda m, d: m.zeros(2, 3, dtype=d),
                 lambda m, d: m.ones(2, dtype=d), lambda m, d: m.full((2,), 5, dtype=d),
                 lambda m, d: m.tensor([1, 2], dtype=m.int64).to(d)):
        a, b = make(ag, ours), make(torch, theirs)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert a.dtype == ours and a.element_size() == b.element_size() and a.shape == b.shape
        assert a.type() == b.type()
    assert ag.iinfo(ours).max == torch.iinfo(theirs).max and ag.iinfo(ours).min == 0
    t = ag.tensor([1, 2, 3], dtype=ours)
    assert repr(t) == f"tensor([1, 2, 3], dtype={name})"
    np.testing.assert_array_equal(t.to(ag.float32).numpy(), np.array([1, 2, 3], np.float32))


@pytest.mark.parametrize("name,np_type", _UNSIGNED)
def test_wide_unsigned_ops_torch_supports_compute_the_same(name, np_type):
    def run(m, d):
        t = m.tensor([1, 2, 3], dtype=d)
        mask = m.tensor([True, False, True])
        return [t * 2, t * t, t / t, t / 2, t + 1.5, t * 2.5, t.sum(), t.prod(), t == t, t == 2, t != t, t & t,
                t | t, t ^ t, m.cat([t, t]), t[1:], t.sort().values, t.sort().indices, t.cumsum(0), t.exp(),
                t.sqrt(), t.any(), t.all(), t.isnan(), m.where(mask, t, t), t[mask], t.repeat(2), m.stack([t, t]),
                m.unique(t), t + m.tensor([1.0]), t.clone().fill_(3), t * m.tensor(2)]
    for a, b in zip(run(ag, getattr(ag, name)), run(torch, getattr(torch, name))):
        assert str(a.dtype).replace("torch.", "") == str(b.dtype).replace("torch.", "").replace("bool", "bool")
        np.testing.assert_allclose(a.numpy().astype(np.float64), b.numpy().astype(np.float64), rtol=1e-6)


_REFUSED = [lambda m, t: t + t, lambda m, t: t - t, lambda m, t: t - 1, lambda m, t: 1 - t, lambda m, t: -t,
            lambda m, t: t // t, lambda m, t: t < 2, lambda m, t: t >= t, lambda m, t: t.max(), lambda m, t: t.min(),
            lambda m, t: t.amax(), lambda m, t: t.argmax(), lambda m, t: t.argmin(),
            lambda m, t: t.reshape(3, 1) @ t.reshape(1, 3), lambda m, t: t.abs(), lambda m, t: t << 1,
            lambda m, t: t >> 1, lambda m, t: t % 2, lambda m, t: t ** 2, lambda m, t: t.square(),
            lambda m, t: t.clamp(0, 2), lambda m, t: m.maximum(t, t), lambda m, t: m.minimum(t, t),
            lambda m, t: t.flip(0), lambda m, t: t.sign(), lambda m, t: ~t, lambda m, t: t.nonzero(),
            lambda m, t: t.topk(1), lambda m, t: t.gather(0, m.tensor([0])),
            lambda m, t: t.index_select(0, m.tensor([0])), lambda m, t: t.masked_fill(m.tensor([True] * 3), 0),
            lambda m, t: t.clone().add_(1), lambda m, t: t.median(), lambda m, t: t.kthvalue(1),
            lambda m, t: t.cummax(0), lambda m, t: t.reshape(3, 1).expand(3, 3).tril(),
            lambda m, t: m.div(t, 2, rounding_mode="floor")]


@pytest.mark.parametrize("name", ["uint16", "uint32", "uint64"])
@pytest.mark.parametrize("k", range(len(_REFUSED)))
def test_wide_unsigned_ops_torch_refuses_are_refused_alike(name, k):
    op = _REFUSED[k]
    message = _raises_like(lambda: op(ag, ag.tensor([1, 2, 3], dtype=getattr(ag, name))),
                           lambda: op(torch, torch.tensor([1, 2, 3], dtype=getattr(torch, name))))
    assert "not implemented" in message and "UInt" in message


@pytest.mark.parametrize("name", ["uint16", "uint32", "uint64"])
@pytest.mark.parametrize("other", ["int64", "int32", "uint8", "int8", "bool", "complex64", "float32", "float64",
                                   "float16", "uint16", "uint32", "uint64"])
def test_wide_unsigned_promotion_as_torch(name, other):
    a, b = getattr(ag, name), getattr(ag, other)
    ta, tb = getattr(torch, name), getattr(torch, other)
    try:
        expected = torch.promote_types(ta, tb)
    except RuntimeError:
        _raises_like(lambda: ag.promote_types(a, b), lambda: torch.promote_types(ta, tb))
        _raises_like(lambda: ag.tensor([1, 2], dtype=a) * ag.ones(2, dtype=b),
                     lambda: torch.tensor([1, 2], dtype=ta) * torch.ones(2, dtype=tb))
        return
    assert str(ag.promote_types(a, b)) == str(expected).replace("torch.", "")
    assert str((ag.tensor([1, 2], dtype=a) * ag.ones(2, dtype=b)).dtype) == str(expected).replace("torch.", "")


def test_wide_unsigned_values_out_of_range_as_torch():
    for dtype in ("uint16", "uint32"):
        _raises_like(lambda: ag.tensor([2 ** 40], dtype=getattr(ag, dtype)),
                     lambda: torch.tensor([2 ** 40], dtype=getattr(torch, dtype)))
        assert ag.tensor([-1], dtype=getattr(ag, dtype)).tolist() == \
            torch.tensor([-1], dtype=getattr(torch, dtype)).tolist()
    _raises_like(lambda: ag.tensor([-1], dtype=ag.uint64), lambda: torch.tensor([-1], dtype=torch.uint64))
    _raises_like(lambda: ag.tensor([2 ** 64], dtype=ag.uint64), lambda: torch.tensor([2 ** 64], dtype=torch.uint64))
    assert ag.tensor([2 ** 64 - 1], dtype=ag.uint64).tolist() == [2 ** 64 - 1]
    _raises_like(lambda: ag.arange(3, dtype=ag.uint32), lambda: torch.arange(3, dtype=torch.uint32))


def test_uint8_is_not_limited_like_the_wide_unsigned_dtypes():
    t = ag.tensor([1, 2, 3], dtype=ag.uint8)
    assert (t + t).tolist() == [2, 4, 6] and t.max().item() == 3 and (t + ag.tensor([1, 1, 1])).dtype == ag.int64


# ----- 2. nn.UninitializedParameter / UninitializedBuffer / nn.parameter.is_lazy --------------------------------
def _lazy_pair(name, *args, **kwargs):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # PyTorch warns that lazy modules are experimental
        return getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)


@pytest.mark.parametrize("name,args,kwargs", [("LazyLinear", (3,), {}), ("LazyLinear", (3,), {"bias": False}),
                                              ("LazyConv2d", (4, 3), {}), ("LazyConvTranspose1d", (2, 3), {}),
                                              ("LazyBatchNorm1d", (), {}), ("LazyBatchNorm2d", (), {"affine": False}),
                                              ("LazyInstanceNorm1d", (), {})])
def test_lazy_modules_hold_uninitialized_placeholders_as_torch(name, args, kwargs):
    ours, theirs = _lazy_pair(name, *args, **kwargs)
    assert [(k, type(v).__name__) for k, v in ours.named_parameters()] == \
        [(k, type(v).__name__) for k, v in theirs.named_parameters()]
    assert [(k, type(v).__name__) for k, v in ours.named_buffers()] == \
        [(k, type(v).__name__) for k, v in theirs.named_buffers()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [repr(v) for v in ours.state_dict().values() if nn.parameter.is_lazy(v)] == \
        [repr(v) for v in theirs.state_dict().values() if torch.nn.parameter.is_lazy(v)]
    for p in ours.parameters():
        assert isinstance(p, nn.UninitializedParameter) and isinstance(p, nn.Parameter)
        assert repr(p) == "<UninitializedParameter>" and p.requires_grad and p.dtype == ag.float32


def test_lazy_placeholder_becomes_the_parameter_an_optimizer_holds():
    ours, theirs = _lazy_pair("LazyLinear", 3)
    held = ours.weight
    opt = nn.optim.SGD(ours.parameters(), lr=0.1)
    ours(ag.ones(2, 5)).sum().backward()
    before = held.detach().clone()
    opt.step()
    theirs(torch.ones(2, 5))
    assert type(ours) is nn.Linear and type(theirs) is torch.nn.Linear
    assert ours.weight is held and type(held) is nn.Parameter and type(theirs.weight) is torch.nn.Parameter
    assert not nn.parameter.is_lazy(held) and held.shape == (3, 5)
    np.testing.assert_allclose(held.numpy(), before.numpy() - 0.1 * 2, rtol=1e-6)
    bn, tbn = _lazy_pair("LazyBatchNorm1d")
    mean = bn.running_mean
    bn(ag.randn(4, 3))
    tbn(torch.randn(4, 3))
    assert bn.running_mean is mean and type(mean) is ag.Tensor and type(tbn.running_mean) is torch.Tensor


def test_touching_an_uninitialized_parameter_raises_as_torch():
    ours, theirs = _lazy_pair("LazyLinear", 3)
    for touch in (lambda w: w + 1, lambda w: w.sum(), lambda w: w.numel(), lambda w: w.tolist(), lambda w: w.detach(),
                  lambda w: w.numpy(), lambda w: w.dim(), lambda w: len(w), lambda w: w.requires_grad_(False)):
        message = _raises_like(lambda: touch(ours.weight), lambda: touch(theirs.weight))
        assert "uninitialized parameter" in message
    message = _raises_like(lambda: ours.weight.shape, lambda: theirs.weight.shape)
    assert "shape of an uninitialized parameter" in message
    assert ours.weight.size() == theirs.weight.size() and ours.weight.ndim == theirs.weight.ndim
    assert ours.weight.is_leaf and ours.weight.grad is None and ours.weight.data.shape == (0,)
    _raises_like(lambda: nn.utils.spectral_norm(nn.LazyLinear(3)),
                 lambda: torch.nn.utils.spectral_norm(torch.nn.LazyLinear(3)))


def test_materialize_and_is_lazy_as_torch():
    p, tp = nn.UninitializedParameter(), torch.nn.UninitializedParameter()
    assert nn.parameter.is_lazy(p) and not nn.parameter.is_lazy(ag.zeros(1)) and not nn.parameter.is_lazy(nn.Parameter(ag.zeros(1)))
    p.materialize((2, 3))
    tp.materialize((2, 3))
    assert type(p) is nn.Parameter and p.shape == tuple(tp.shape) and p.requires_grad == tp.requires_grad
    q = nn.UninitializedParameter(requires_grad=False, dtype=ag.float64)
    q.materialize(4, dtype=ag.float32)
    assert q.dtype == ag.float32 and q.shape == (4,) and not q.requires_grad
    b, tb = nn.UninitializedBuffer(), torch.nn.UninitializedBuffer()
    assert repr(b) == repr(tb) and b.requires_grad == tb.requires_grad
    b.materialize((2,))
    tb.materialize((2,))
    assert type(b) is ag.Tensor and type(tb) is torch.Tensor and b.shape == tuple(tb.shape)
    assert isinstance(nn.parameter.UninitializedParameter(), nn.parameter.UninitializedTensorMixin)


def test_load_state_dict_fills_a_lazy_module_as_torch():
    ours, theirs = _lazy_pair("LazyLinear", 3)
    ours.load_state_dict({"weight": ag.zeros(3, 4), "bias": ag.ones(3)})
    theirs.load_state_dict({"weight": torch.zeros(3, 4), "bias": torch.ones(3)})
    assert type(ours).__name__ == type(theirs).__name__ == "LazyLinear" and type(ours.weight) is nn.Parameter
    out, tout = ours(ag.ones(2, 4)), theirs(torch.ones(2, 4))
    assert type(ours) is nn.Linear and type(theirs) is torch.nn.Linear and repr(ours) == repr(theirs)
    np.testing.assert_array_equal(out.detach().numpy(), tout.detach().numpy())


# ----- 3. the deprecated global backward hook (torch.nn.modules.module.register_module_backward_hook) -------------
@pytest.fixture
def fresh_global_backward_kind():
    """PyTorch keeps the kind of global backward hook for the whole process: both sides start unset (an earlier
    test in the same worker may have registered a full hook) and are put back after."""
    import torch.nn.modules.module as torch_module
    from nn import module_global_hooks
    torch_module._global_is_full_backward_hook = None
    module_global_hooks.BACKWARD_KIND[0] = None
    yield torch_module, nn.modules.module
    torch_module._global_is_full_backward_hook = None
    module_global_hooks.BACKWARD_KIND[0] = None


def _hooked_net(lib):
    return lib.Sequential(lib.ReLU(), lib.Tanh(), lib.Sigmoid())


def test_register_module_backward_hook_runs_on_the_output_node_as_torch(fresh_global_backward_kind):
    import warnings
    torch_module, our_module = fresh_global_backward_kind
    data = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    runs = {}
    for name, lib, mod, make in (("ours", nn, our_module, ag.tensor), ("torch", torch.nn, torch_module, torch.tensor)):
        seen = []

        def hook(module, grad_input, grad_output, seen=seen):
            seen.append((type(module).__name__, [None if g is None else g.detach().numpy().copy() for g in grad_input],
                         [g.detach().numpy().copy() for g in grad_output]))
            return None if type(module).__name__ != "Tanh" else tuple(g * 2 for g in grad_input)

        handle = mod.register_module_backward_hook(hook)
        x = make(data, requires_grad=True)
        net = _hooked_net(lib)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = net(x)
        out.sum().backward()
        handle.remove()
        runs[name] = (seen, x.grad.numpy(), [str(w.message) for w in caught if w.category is FutureWarning])
    (ours, our_grad, our_warnings), (theirs, their_grad, their_warnings) = runs["ours"], runs["torch"]
    assert [s[0] for s in ours] == [s[0] for s in theirs]
    for (_, gi, go), (_, tgi, tgo) in zip(ours, theirs):
        for a, b in zip(gi + go, tgi + tgo):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(our_grad, their_grad, rtol=1e-5, atol=1e-6)
    assert our_warnings == their_warnings and len(our_warnings) == 2 and "multiple autograd Nodes" in our_warnings[0]


def test_global_backward_hook_kinds_do_not_mix_as_torch(fresh_global_backward_kind):
    torch_module, our_module = fresh_global_backward_kind
    for mod in (our_module, torch_module):
        mod.register_module_backward_hook(lambda *a: None).remove()
    _raises_like(lambda: our_module.register_module_full_backward_hook(lambda *a: None),
                 lambda: torch_module.register_module_full_backward_hook(lambda *a: None))
    torch_module._global_is_full_backward_hook = None
    from nn import module_global_hooks
    module_global_hooks.BACKWARD_KIND[0] = None
    for mod in (our_module, torch_module):
        mod.register_module_full_backward_hook(lambda *a: None).remove()
    _raises_like(lambda: our_module.register_module_backward_hook(lambda *a: None),
                 lambda: torch_module.register_module_backward_hook(lambda *a: None))
    with pytest.raises(TypeError):
        module_global_hooks.BACKWARD_KIND[0] = None
        our_module.register_module_backward_hook(3)


# ----- 4. F.pairwise_distance(p=0): no gradient (None, zeros when materialised), as PyTorch's NormBackward1 -------
_PD_X = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 0.0]], np.float32)
_PD_Y = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], np.float32)


@pytest.mark.parametrize("case", ["backward", "plus_other_use", "allow_unused", "materialize", "unused_raises",
                                  "one_d", "keepdim"])
def test_pairwise_distance_p0_gradient_as_torch(case):
    def run(lib, functional):
        x, y = lib.tensor(_PD_X, requires_grad=True), lib.tensor(_PD_Y, requires_grad=True)
        out = functional.pairwise_distance(x, y, p=0, keepdim=case == "keepdim")
        if case == "one_d":
            x, y = lib.tensor(_PD_X[0], requires_grad=True), lib.tensor(_PD_Y[0], requires_grad=True)
            out = functional.pairwise_distance(x, y, p=0)
        if case in ("backward", "one_d", "keepdim"):
            out.sum().backward()
            return [out, x.grad, y.grad]
        if case == "plus_other_use":
            (out.sum() + x.sum()).backward()
            return [out, x.grad, y.grad]
        if case == "unused_raises":
            return lib.autograd.grad(out.sum(), x)
        return list(lib.autograd.grad(out.sum(), (x, y), allow_unused=True, materialize_grads=case == "materialize"))

    if case == "unused_raises":
        _raises_like(lambda: run(ag, F), lambda: run(torch, torch.nn.functional))
        return
    ours, theirs = run(ag, F), run(torch, torch.nn.functional)
    for a, b in zip(ours, theirs):
        assert (a is None) == (b is None)
        if a is not None:
            assert tuple(a.shape) == tuple(b.shape)
            np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


# ----- 5. sparse CSC: Tensor.to_sparse_csc, ag.sparse_csc_tensor, ccol_indices / row_indices ----------------------
_CSC_DENSE = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0], [4.0, 5.0, 0.0]], np.float32)
_CSC_PARTS = ([0, 2, 3, 5], [0, 2, 2, 0, 1], [1.0, 4.0, 5.0, 2.0, 3.0])


def _same(a, b):
    """Sparse results compare by repr (PyTorch's dtype spelling aside), dense ones by values and shape."""
    if str(getattr(b, "layout", "")) not in ("", "torch.strided"):
        assert repr(a) == repr(b).replace("torch.float64", "float64").replace("torch.int64", "int64")
    elif hasattr(b, "detach"):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6)
    else:
        assert a == b


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("use", [
    lambda m, c: c, lambda m, c: c.ccol_indices(), lambda m, c: c.row_indices(), lambda m, c: c.values(),
    lambda m, c: c.to_dense(), lambda m, c: str(c.layout).replace("torch.", ""),
    lambda m, c: (c.is_sparse, c.is_sparse_csr, c._nnz(), tuple(c.shape)),
    lambda m, c: c @ m.ones(3, 2), lambda m, c: m.mm(c, m.ones(3, 2)), lambda m, c: c @ m.ones(3),
    lambda m, c: m.ones(2, 3) @ c, lambda m, c: m.addmm(m.zeros(3, 2), c, m.ones(3, 2)),
    lambda m, c: c * 2, lambda m, c: c + c, lambda m, c: -c, lambda m, c: c.sum(), lambda m, c: c.t(),
    lambda m, c: c.t().t(), lambda m, c: c.to_sparse_csr(), lambda m, c: c.to_sparse(),
    lambda m, c: c.to_sparse().is_coalesced(), lambda m, c: m.tensor(_CSC_DENSE).to_sparse_csr().to_sparse_csc(),
    lambda m, c: m.tensor(_CSC_DENSE).to_sparse().to_sparse_csc(), lambda m, c: m.tensor(_CSC_DENSE).to_sparse_csr().t(),
    lambda m, c: m.tensor(_CSC_DENSE).to_sparse(layout=m.sparse_csc), lambda m, c: m.zeros(2, 3).to_sparse_csc(),
    lambda m, c: m.tensor([[1, 0], [0, 2]]).to_sparse_csc(), lambda m, c: m.zeros(2, 3).to_sparse_csr(),
    lambda m, c: m.zeros(2, 3).to_sparse(), lambda m, c: m.zeros(2, 3, dtype=m.float64).to_sparse_csr(),
    lambda m, c: m.sparse_csc_tensor(*map(m.tensor, _CSC_PARTS), size=(3, 3)),
    lambda m, c: tuple(m.sparse_csc_tensor(*map(m.tensor, _CSC_PARTS)).shape)])
def test_sparse_csc_as_torch(use):
    ours = use(ag, ag.tensor(_CSC_DENSE).to_sparse_csc())
    theirs = use(torch, torch.tensor(_CSC_DENSE).to_sparse_csc())
    _same(ours, theirs)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_sparse_csc_values_get_gradients_as_torch():
    weights = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    grads = []
    for m in (ag, torch):
        v = m.tensor(_CSC_PARTS[2], requires_grad=True)
        c = m.sparse_csc_tensor(m.tensor(_CSC_PARTS[0]), m.tensor(_CSC_PARTS[1]), v, size=(3, 3))
        ((c @ m.tensor(weights)).sum() + (c.to_dense() * 3).sum()).backward()
        grads.append(v.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1])


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_sparse_csc_refusals_as_torch():
    c, tc = ag.tensor(_CSC_DENSE).to_sparse_csc(), torch.tensor(_CSC_DENSE).to_sparse_csc()
    assert "SparseCsc" in _raises_like(lambda: c.crow_indices(), lambda: tc.crow_indices())
    _raises_like(lambda: c.col_indices(), lambda: tc.col_indices())
    csr, tcsr = ag.tensor(_CSC_DENSE).to_sparse_csr(), torch.tensor(_CSC_DENSE).to_sparse_csr()
    _raises_like(lambda: csr.ccol_indices(), lambda: tcsr.ccol_indices())
    _raises_like(lambda: csr.row_indices(), lambda: tcsr.row_indices())
    _raises_like(lambda: c.numpy(), lambda: tc.numpy())


# ----- 6. torch.lstm / gru / rnn_tanh / rnn_relu (flat weight lists) and resize_ ------------------------------------
_RNN_FORMS = [("lstm", "LSTM", {}), ("gru", "GRU", {}), ("rnn_tanh", "RNN", {}),
              ("rnn_relu", "RNN", {"nonlinearity": "relu"}), ("lstm", "LSTM", {"proj_size": 2})]


@pytest.mark.parametrize("fn,layer,extra", _RNN_FORMS)
@pytest.mark.parametrize("bias,layers,bidirectional,batch_first", [(True, 1, False, False), (True, 2, True, False),
                                                                   (False, 2, False, True), (True, 1, True, True)])
def test_functional_recurrences_match_torch(fn, layer, extra, bias, layers, bidirectional, batch_first):
    theirs = getattr(torch.nn, layer)(3, 4, layers, bias=bias, bidirectional=bidirectional, **extra)
    ours = getattr(nn, layer)(3, 4, layers, bias=bias, bidirectional=bidirectional, **extra)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    assert ours._flat_weights_names == theirs._flat_weights_names
    rng = np.random.default_rng(1)
    data = rng.standard_normal((2, 5, 3) if batch_first else (5, 2, 3)).astype(np.float32)
    count, size = layers * (2 if bidirectional else 1), extra.get("proj_size", 4)
    h0 = rng.standard_normal((count, 2, size)).astype(np.float32)
    c0 = rng.standard_normal((count, 2, 4)).astype(np.float32)
    results = []
    for lib, module in ((ag, ours), (torch, theirs)):
        x = lib.tensor(data, requires_grad=True)
        hx = (lib.tensor(h0), lib.tensor(c0)) if fn == "lstm" else lib.tensor(h0)
        out = getattr(lib, fn)(x, hx, list(module._flat_weights), bias, layers, 0.0, False, bidirectional,
                               batch_first)
        assert isinstance(out, tuple) and len(out) == (3 if fn == "lstm" else 2)
        sum(o.sum() for o in out).backward()
        results.append([o.detach().numpy() for o in out] + [x.grad.numpy(), module._flat_weights[0].grad.numpy()])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_functional_recurrence_errors_match_torch():
    t_gru, o_gru = torch.nn.GRU(3, 4), nn.GRU(3, 4)
    x, tx = ag.zeros(5, 2, 3), torch.zeros(5, 2, 3)
    _raises_like(lambda: ag.gru(x, ag.zeros(1, 2, 4), o_gru._flat_weights[:3], True, 1, 0.0, False, False, False),
                 lambda: torch.gru(tx, torch.zeros(1, 2, 4), t_gru._flat_weights[:3], True, 1, 0.0, False, False, False))
    _raises_like(lambda: ag.gru(x[0], ag.zeros(1, 4), o_gru._flat_weights, True, 1, 0.0, False, False, False),
                 lambda: torch.gru(tx[0], torch.zeros(1, 4), t_gru._flat_weights, True, 1, 0.0, False, False, False))
    t_lstm, o_lstm = torch.nn.LSTM(3, 4), nn.LSTM(3, 4)
    _raises_like(lambda: ag.lstm(x, (ag.zeros(1, 2, 4),), o_lstm._flat_weights, True, 1, 0.0, False, False, False),
                 lambda: torch.lstm(tx, (torch.zeros(1, 2, 4),), t_lstm._flat_weights, True, 1, 0.0, False, False,
                                    False))


def _resize_cases(m):
    return [lambda: m.arange(6.0).resize_(2, 2), lambda: m.arange(6.0).resize_((3, 2)),
            lambda: m.arange(6.0).resize_(3, 3).flatten()[:6], lambda: m.arange(6.0).resize_as_(m.zeros(2, 3)),
            lambda: m.arange(24.0).resize_(1, 2, 3, 4, memory_format=m.channels_last),
            lambda: m.arange(24.0).resize_as_(m.zeros(1, 2, 3, 4), memory_format=m.channels_last),
            lambda: m.arange(6.0).resize(2, 3), lambda: m.arange(6.0).resize_as(m.zeros(3, 2)),
            lambda: m.arange(6.0, requires_grad=True).resize_(2, 3), lambda: m.arange(6.0).resize(4),
            lambda: m.arange(6.0).resize_as(m.zeros(4))]


@pytest.mark.parametrize("k", range(11))
def test_resize_forms_as_torch(k):
    import warnings
    with warnings.catch_warnings(record=True) as ours_warned:
        warnings.simplefilter("always")
        try:
            ours = _resize_cases(ag)[k]()
        except Exception as exc:
            ours = exc
    with warnings.catch_warnings(record=True) as theirs_warned:
        warnings.simplefilter("always")
        try:
            theirs = _resize_cases(torch)[k]()
        except Exception as exc:
            theirs = exc
    assert [str(w.message) for w in ours_warned] == [str(w.message) for w in theirs_warned]
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs)), ours
        return
    assert tuple(ours.shape) == tuple(theirs.shape) and ours.stride() == theirs.stride()
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_deprecated_resize_is_differentiable_as_torch():
    grads = []
    for m in (ag, torch):
        x = m.arange(6.0, requires_grad=True)
        with pytest.warns(UserWarning, match="non-inplace resize is deprecated"):
            y = x.resize(2, 3)
        assert y.grad_fn.name() == "ResizeBackward"
        (y * m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(*grads)


# ----- 7. tie order of kthvalue / median / nanmedian (PyTorch's CPU selection) ----------------------------------------
def _order_stat_cases():
    rng = np.random.default_rng(5)
    cases = []
    for _ in range(400):
        n = int(rng.integers(1, 14))
        row = rng.integers(0, 4, n).astype(np.float32)
        if rng.random() < 0.3:
            row[rng.random(n) < 0.2] = np.nan
        cases.append((row, int(rng.integers(1, n + 1))))
    return cases


def test_kthvalue_picks_torchs_index_among_ties():
    rng = np.random.default_rng(6)
    for row, k in _order_stat_cases():
        ours, theirs = ag.tensor(row).kthvalue(k), torch.tensor(row).kthvalue(k)
        assert ours.indices.item() == theirs.indices.item(), (row.tolist(), k)
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    for _ in range(100):
        table = rng.integers(0, 3, (int(rng.integers(1, 5)), int(rng.integers(1, 9)))).astype(np.float64)
        dim = int(rng.integers(0, 2))
        k = int(rng.integers(1, table.shape[dim] + 1))
        ours, theirs = ag.tensor(table).kthvalue(k, dim), torch.tensor(table).kthvalue(k, dim)
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    ints = np.array([3, 1, 3, 3, 2, 3, 1, 3], np.int64)   # integer input takes the same path
    assert ag.tensor(ints).kthvalue(6).indices.item() == torch.tensor(ints).kthvalue(6).indices.item()
    x = ag.tensor(np.array([1.0, 2.0, 1.0, 1.0], np.float32), requires_grad=True)
    tx = torch.tensor([1.0, 2.0, 1.0, 1.0], requires_grad=True)
    x.kthvalue(2).values.backward()
    tx.kthvalue(2).values.backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_median_and_nanmedian_tie_indices_match_torch():
    for row, _ in _order_stat_cases():
        for op in ("median", "nanmedian"):
            ours, theirs = getattr(ag.tensor(row), op)(0), getattr(torch.tensor(row), op)(0)
            assert ours.indices.item() == theirs.indices.item(), (op, row.tolist())


@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("sorted_", [True, False])
def test_topk_order_among_ties_and_unsorted_matches_torch(largest, sorted_):
    rng = np.random.default_rng(8 + 2 * largest + sorted_)
    for trial in range(300):
        n = int(rng.integers(1, 150 if trial % 3 == 0 else 20))   # long rows take partial_sort (k * 64 <= n)
        row = rng.integers(0, 5, n).astype(np.float32)
        if trial % 4 == 0:
            row[rng.random(n) < 0.2] = np.nan
        k = int(rng.integers(0, n + 1)) if trial % 2 else int(rng.integers(1, min(n, 3) + 1))
        ours = ag.tensor(row).topk(k, largest=largest, sorted=sorted_)
        theirs = torch.tensor(row).topk(k, largest=largest, sorted=sorted_)
        assert ours.indices.tolist() == theirs.indices.tolist(), (row.tolist(), k)
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    table = rng.integers(0, 3, (4, 30)).astype(np.float64)
    for dim, k in ((1, 7), (0, 2), (1, 30)):
        np.testing.assert_array_equal(ag.tensor(table).topk(k, dim, largest, sorted_).indices.numpy(),
                                      torch.tensor(table).topk(k, dim, largest, sorted_).indices.numpy())


def test_large_tied_inputs_keep_the_plain_stable_order():
    """Above EMULATED_ELEMENTS the Python emulation of PyTorch's tie order is skipped (a masked vocabulary of -inf
    logits stays fast): ties then come in index order, and the values are still the right ones."""
    from autograd.ops.torch_quickselect import EMULATED_ELEMENTS
    rows = EMULATED_ELEMENTS // 1024 + 1
    x = np.zeros((rows, 1024), np.float32)
    x[:, 5] = 1.0
    values, indices = ag.topk(ag.tensor(x), 4)
    assert indices.numpy().tolist() == [[5, 0, 1, 2]] * rows
    assert values.numpy().tolist() == [[1.0, 0.0, 0.0, 0.0]] * rows
    values, indices = ag.topk(ag.tensor(x), 3, sorted=False)
    assert sorted(indices.numpy()[0].tolist()) == [0, 1, 5] and values.numpy().sum() == rows
    values, indices = ag.kthvalue(ag.tensor(x), 3)
    assert indices.numpy().tolist() == [2] * rows and values.numpy().tolist() == [0.0] * rows


@pytest.mark.parametrize("largest", [True, False])
def test_topk_of_long_rows_selects_then_sorts_and_matches_torch(largest):
    """Rows long beside k (a vocabulary) take argpartition and sort only the k + 1 best; rows where equal values
    straddle the k-th place fall back to the full stable sort, so values and indices stay PyTorch's."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 4000)).astype(np.float32)
    x[1, ::7] = x[1, 0]                       # a value repeated across the row
    x[2] = np.round(x[2], 1)                  # many ties everywhere
    x[3, :50] = np.inf if largest else -np.inf   # ties at the top, straddling k = 40
    for k in (1, 40, 100):
        values, indices = ag.topk(ag.tensor(x), k, largest=largest)
        want_values, want_indices = torch.topk(torch.tensor(x), k, largest=largest)
        np.testing.assert_array_equal(values.numpy(), want_values.numpy())
        np.testing.assert_array_equal(indices.numpy(), want_indices.numpy())
