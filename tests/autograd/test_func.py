"""ag.func (torch.func's transforms) against torch.func on float64 inputs: grad, grad_and_value, vjp, jvp, jacrev,
jacfwd, hessian, vmap and functional_call; their compositions (grad of grad, jacrev of jacrev, per-sample
gradients, a MAML step); pytree arguments and outputs; and the errors for bad input."""
import numpy as np
import pytest

import autograd as ag
import nn
from autograd import func as F

torch = pytest.importorskip("torch")
TF = torch.func


def _pair(*shape, seed=0):
    """The same random float64 values as a deepgrad tensor and a torch tensor."""
    a = np.random.default_rng(seed).standard_normal(shape)
    return ag.tensor(a), torch.tensor(a)


def _same(ours, theirs, atol=1e-10, grad_flags=True):
    """Assert a pytree of our tensors matches torch's: structure, shapes, values (and requires_grad)."""
    if isinstance(theirs, (tuple, list)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), f"{type(ours)} != {type(theirs)}"
        for o, t in zip(ours, theirs):
            _same(o, t, atol, grad_flags)
    elif isinstance(theirs, dict):
        assert isinstance(ours, dict) and list(ours) == list(theirs)
        for k in theirs:
            _same(ours[k], theirs[k], atol, grad_flags)
    else:
        assert isinstance(ours, ag.Tensor), f"{type(ours).__name__} where torch gives a Tensor"
        assert tuple(ours.shape) == tuple(theirs.shape)
        if grad_flags:
            assert ours.requires_grad == theirs.requires_grad
        np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), atol=atol, rtol=1e-9)


def f2(lib):
    """A scalar function of two tensors, written once for both libraries."""
    return lambda x, y: (lib.sin(x) * y.sum() + x ** 3).sum() + (y ** 2).sum() ** 2


def test_grad_argnums_and_grad_and_value_match_torch():
    (x, tx), (y, ty) = _pair(3, seed=1), _pair(2, seed=2)
    for argnums in (0, 1, -1, (0, 1), (1, 0)):
        _same(F.grad(f2(ag), argnums)(x, y), TF.grad(f2(torch), argnums)(tx, ty))
    _same(F.grad_and_value(f2(ag), (0, 1))(x, y), TF.grad_and_value(f2(torch), (0, 1))(tx, ty))


def test_grad_has_aux_pytree_args_and_kwargs():
    (x, tx), (y, ty) = _pair(3, seed=3), _pair(3, seed=4)

    def make(lib):
        def loss(p, scale=1.0):
            value = (lib.tanh(p["w"]) * p["b"][0]).sum() * scale
            return value, {"doubled": p["w"] * 2, "parts": [value]}
        return loss
    ours = F.grad(make(ag), has_aux=True)({"w": x, "b": [y]}, scale=3.0)
    _same(ours, TF.grad(make(torch), has_aux=True)({"w": tx, "b": [ty]}, scale=3.0))
    ours = F.grad_and_value(make(ag), has_aux=True)({"w": x, "b": [y]})
    _same(ours, TF.grad_and_value(make(torch), has_aux=True)({"w": tx, "b": [ty]}))


def test_grad_of_grad_and_plain_autograd_through_grad():
    x, tx = _pair(seed=5)
    third = lambda grad, lib: grad(grad(grad(lambda v: lib.sin(v) * v ** 3)))
    _same(third(F.grad, ag)(x), third(TF.grad, torch)(tx))
    # a grad taken on a tensor that requires grad (or of a captured one) keeps its graph for plain autograd
    (v, tv), (w, tw) = _pair(3, seed=6), _pair(3, seed=7)
    v.requires_grad_(), tv.requires_grad_(), w.requires_grad_(), tw.requires_grad_()
    ours = F.grad(lambda a: (a ** 3 * w).sum())(v)
    theirs = TF.grad(lambda a: (a ** 3 * tw).sum())(tv)
    _same(ours, theirs)
    (ours ** 2).sum().backward()
    (theirs ** 2).sum().backward()
    _same(v.grad, tv.grad), _same(w.grad, tw.grad)
    # a plain input gives a plain result, and an outer no_grad does not stop the transform
    _same(F.grad(lambda a: (a ** 3).sum())(x.detach()), TF.grad(lambda a: (a ** 3).sum())(tx))
    with ag.no_grad():
        out = F.grad(lambda a: (a ** 3).sum())(v)
    assert not out.requires_grad
    np.testing.assert_allclose(out.numpy(), 3 * v.detach().numpy() ** 2)


def test_nested_grads_keep_their_variables_apart():
    x, tx = _pair(seed=31)
    cases = [lambda lib_grad: lambda a: lib_grad(lambda b: a * b)(a),            # d/da of (d/db a*b at b=a)
             lambda lib_grad: lambda a: a * lib_grad(lambda b: a * b ** 2)(a),
             lambda lib_grad: lambda a: lib_grad(lambda b: (a * b, a ** 2), has_aux=True)(a)[1]]
    for case in cases:
        _same(F.grad(case(F.grad))(x), TF.grad(case(TF.grad))(tx))


def test_vjp_and_jvp_match_torch():
    (x, tx), (y, ty) = _pair(3, seed=8), _pair(3, seed=9)
    (u, tu), (v, tv) = _pair(3, seed=10), _pair(3, seed=11)

    def fn(lib):
        return lambda a, b: {"p": lib.exp(a) * b, "q": (a * b.sin(),)}
    out, vjp_fn = F.vjp(fn(ag), x, y)
    tout, tvjp_fn = TF.vjp(fn(torch), tx, ty)
    _same(out, tout)
    _same(vjp_fn({"p": u, "q": (v,)}), tvjp_fn({"p": tu, "q": (tv,)}))
    _same(vjp_fn({"p": v, "q": (u,)}), tvjp_fn({"p": tv, "q": (tu,)}))   # vjp_fn can be called again
    _same(F.jvp(fn(ag), (x, y), (u, v)), TF.jvp(fn(torch), (tx, ty), (tu, tv)))
    aux_fn = lambda lib: lambda a: (lib.cos(a) * a, a.sum())
    _same(F.jvp(aux_fn(ag), (x,), (u,), has_aux=True), TF.jvp(aux_fn(torch), (tx,), (tu,), has_aux=True))
    _same(F.vjp(aux_fn(ag), x, has_aux=True)[2], TF.vjp(aux_fn(torch), tx, has_aux=True)[2])


@pytest.mark.parametrize("name", ["jacrev", "jacfwd"])
def test_jacobians_match_torch(name):
    (x, tx), (y, ty) = _pair(3, seed=12), _pair(2, seed=13)

    def fn(lib):
        return lambda a, b: {"outer": a[:, None] * lib.tanh(b), "both": ((a ** 2).sum() * b.sum(), b.exp())}
    ours, theirs = getattr(F, name), getattr(TF, name)
    for argnums in (0, 1, (0, 1)):
        _same(ours(fn(ag), argnums)(x, y), theirs(fn(torch), argnums)(tx, ty))
    aux = lambda lib: lambda d: (lib.sin(d["a"]) * d["b"][0].sum(), {"s": d["a"].sum()})
    _same(ours(aux(ag), has_aux=True)({"a": x, "b": [y]}), theirs(aux(torch), has_aux=True)({"a": tx, "b": [ty]}))


def test_compositions_jacrev_of_jacrev_jacrev_of_grad_and_hessians():
    (x, tx), (y, ty) = _pair(3, seed=14), _pair(2, seed=15)
    cube = lambda lib: lambda a: lib.sin(a) * a.sum() ** 2
    _same(F.jacrev(F.jacrev(cube(ag)))(x), TF.jacrev(TF.jacrev(cube(torch)))(tx))
    _same(F.jacfwd(F.jacrev(cube(ag)))(x), TF.jacfwd(TF.jacrev(cube(torch)))(tx))
    _same(F.jacrev(F.grad(f2(ag)))(x, y), TF.jacrev(TF.grad(f2(torch)))(tx, ty))
    _same(F.grad(lambda a: F.grad(f2(ag), 1)(a, y).sum())(x), TF.grad(lambda a: TF.grad(f2(torch), 1)(a, ty).sum())(tx))
    for argnums in (0, 1, (0, 1)):
        _same(F.hessian(f2(ag), argnums)(x, y), TF.hessian(f2(torch), argnums)(tx, ty))
    _same(F.hessian(cube(ag))(x), TF.hessian(cube(torch))(tx))   # a non-scalar function: out + in + in
    np.testing.assert_allclose(F.hessian(f2(ag))(x, y).numpy(),
                               ag.autograd.functional.hessian(lambda a: f2(ag)(a, y), x).numpy(), atol=1e-12)
    # hessian = jacobian of the gradient, checked by the transforms' vmapped hvp
    h = F.hessian(f2(ag))(x, y)
    hvp = F.vmap(lambda t: F.jvp(lambda a: F.grad(f2(ag))(a, y), (x,), (t,))[1])(ag.eye(3, dtype=ag.float64))
    np.testing.assert_allclose(hvp.numpy(), h.numpy(), atol=1e-12)


def test_vmap_in_dims_out_dims_and_pytrees_match_torch():
    (x, tx), (y, ty), (z, tz) = _pair(4, 3, seed=16), _pair(3, 4, seed=17), _pair(2, seed=18)
    cases = [
        (lambda a, b, c: a * b + c.sum(), dict(in_dims=(0, 1, None))),
        (lambda a, b, c: {"m": a[:, None] * b, "n": [c * a.sum()]},
         dict(in_dims=(0, 1, None), out_dims={"m": 1, "n": [-1]})),
        (lambda a, b, c: (a, c), dict(in_dims=(-1, None, None), out_dims=(0, None))),
    ]
    for fn, kw in cases:
        _same(F.vmap(fn, **kw)(x, y, z), TF.vmap(fn, **kw)(tx, ty, tz))
    nested = lambda pair, d: pair[0] * pair[1] + d["k"]
    kw = dict(in_dims=((0, 1), {"k": None}))
    _same(F.vmap(nested, **kw)((x, y), {"k": z[:1]}), TF.vmap(nested, **kw)((tx, ty), {"k": tz[:1]}))
    twice = lambda vmap: vmap(lambda a, b: vmap(lambda r, s: r * s)(a, b), in_dims=(1, 0))
    _same(twice(F.vmap)(y, x), twice(TF.vmap)(ty, tx))
    scaled = lambda a, k=None: a * k
    _same(F.vmap(scaled)(x, k=z[0]), TF.vmap(scaled)(tx, k=tz[0]))
    _same(F.vmap(lambda a: a.sum(0))(ag.zeros((0, 3), dtype=ag.float64)),
          TF.vmap(lambda a: a.sum(0))(torch.zeros(0, 3, dtype=torch.float64)))


def test_vmap_is_differentiable_and_randomness():
    x, tx = _pair(4, 3, seed=19)
    x.requires_grad_(), tx.requires_grad_()
    F.vmap(lambda r: (r ** 3).sum())(x).sum().backward()
    TF.vmap(lambda r: (r ** 3).sum())(tx).sum().backward()
    _same(x.grad, tx.grad)
    noisy = lambda r: r.detach() + ag.rand(3)
    with pytest.raises(RuntimeError, match="randomness='error'"):
        F.vmap(noisy)(x)
    same = F.vmap(noisy, randomness="same")(x.detach() * 0)
    assert np.allclose(same.numpy(), same.numpy()[0])
    different = F.vmap(noisy, randomness="different")(x.detach() * 0)
    assert not np.allclose(different.numpy(), different.numpy()[0])


def _mlp(seed=0):
    """The same small MLP in deepgrad and in torch (float64)."""
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2)).double()
    torch.manual_seed(seed)
    for p in theirs.parameters():
        torch.nn.init.normal_(p)
    ours = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def test_per_sample_gradients_with_functional_call_match_torch():
    model, tmodel = _mlp()
    (x, tx), (y, ty) = _pair(6, 3, seed=20), _pair(6, 2, seed=21)

    def loss_fn(fc, m, lib):
        def loss(params, sample, target):
            pred = fc(m, params, (sample[None],))
            return ((pred - target[None]) ** 2).mean()
        return loss
    params = {k: v.detach() for k, v in model.named_parameters()}
    tparams = {k: v.detach() for k, v in tmodel.named_parameters()}
    ours = F.vmap(F.grad(loss_fn(F.functional_call, model, ag)), in_dims=(None, 0, 0))(params, x, y)
    theirs = TF.vmap(TF.grad(loss_fn(TF.functional_call, tmodel, torch)), in_dims=(None, 0, 0))(tparams, tx, ty)
    _same(ours, theirs)
    assert all(isinstance(p, nn.Parameter) for p in model.parameters())


def test_maml_two_level_gradient_matches_torch():
    model, tmodel = _mlp(seed=1)
    (xs, txs), (ys, tys) = _pair(5, 3, seed=22), _pair(5, 2, seed=23)
    (xq, txq), (yq, tyq) = _pair(7, 3, seed=24), _pair(7, 2, seed=25)
    for m, fc, grad, a in ((model, F.functional_call, F.grad, (xs, ys, xq, yq)),
                           (tmodel, TF.functional_call, TF.grad, (txs, tys, txq, tyq))):
        loss = lambda p, x, y, m=m, fc=fc: ((fc(m, p, (x,)) - y) ** 2).mean()
        params = dict(m.named_parameters())
        for _ in range(2):   # two inner steps, differentiated through
            g = grad(loss)(params, a[0], a[1])
            params = {k: params[k] - 0.1 * g[k] for k in params}
        loss(params, a[2], a[3]).backward()
    for (name, p), tp in zip(model.named_parameters(), tmodel.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), atol=1e-10, err_msg=name)


def test_functional_call_restores_even_on_error_and_routes_gradients():
    model, _ = _mlp()
    originals = dict(model.named_parameters())
    assert nn.utils.stateless.functional_call is F.functional_call
    w = ag.zeros((5, 3), dtype=ag.float64, requires_grad=True)

    class Boom(Exception):
        pass

    def forward(*_):
        assert model[0].weight is w and dict(model.named_parameters())["0.weight"] is w
        raise Boom
    model.forward, saved = forward, model.forward
    with pytest.raises(Boom):
        F.functional_call(model, {"0.weight": w}, (ag.ones((1, 3), dtype=ag.float64),))
    del model.forward
    assert dict(model.named_parameters()) == originals and model[0].weight is originals["0.weight"]
    out = F.functional_call(model, ({"0.weight": w}, {"2.bias": ag.zeros(2, dtype=ag.float64)}),
                            ag.ones((1, 3), dtype=ag.float64))
    out.sum().backward()
    assert w.grad is not None and model[0].weight.grad is None
    assert model[0].weight is originals["0.weight"] and isinstance(model[2].bias, nn.Parameter)


def test_functional_call_strict_and_tie_weights_match_torch():
    def build(lib_nn):
        m = lib_nn.Sequential(lib_nn.Linear(2, 2), lib_nn.Linear(2, 2)).double()
        m[1].weight = m[0].weight
        return m
    model, tmodel = build(nn), build(torch.nn)
    tmodel.load_state_dict({k: torch.tensor(v.numpy()) for k, v in model.state_dict().items()})
    (w, tw), (x, tx) = _pair(2, 2, seed=26), _pair(1, 2, seed=27)
    for kw in (dict(), dict(tie_weights=False)):
        for key in ("0.weight", "1.weight"):
            _same(F.functional_call(model, {key: w}, x, **kw), TF.functional_call(tmodel, {key: tw}, tx, **kw))
    full = {"0.weight": w, "0.bias": w[0], "1.bias": w[1]}
    _same(F.functional_call(model, full, x, strict=True),
          TF.functional_call(tmodel, {k: torch.tensor(v.numpy()) for k, v in full.items()}, tx, strict=True))
    with pytest.raises(RuntimeError, match="missing: 1.weight"):
        F.functional_call(model, full, x, strict=True, tie_weights=False)
    with pytest.raises(RuntimeError, match="unexpected: extra"):
        F.functional_call(model, dict(full, extra=w), x, strict=True)
    with pytest.raises(ValueError, match="tie_weights=False"):
        F.functional_call(model, {"0.weight": w, "1.weight": w * 2}, x)
    with pytest.raises(ValueError, match="more than one"):
        F.functional_call(model, ({"0.bias": w[0]}, {"0.bias": w[1]}), x)
    with pytest.raises(TypeError, match="'0.bias' must be a Tensor"):
        F.functional_call(model, {"0.bias": 1.0}, x)
    with pytest.raises(AttributeError, match="cannot place '5.weight'"):
        F.functional_call(model, {"5.weight": w}, x)
    assert model[1].weight is model[0].weight and isinstance(model[0].weight, nn.Parameter)


def test_functional_call_batch_norm_updates_the_given_buffers_as_torch():
    model, tmodel = nn.BatchNorm1d(3).double(), torch.nn.BatchNorm1d(3).double()
    x, tx = _pair(5, 3, seed=30)
    buffers = {k: v.clone() for k, v in model.named_buffers()}
    tbuffers = {k: v.clone() for k, v in tmodel.named_buffers()}
    _same(F.functional_call(model, buffers, x), TF.functional_call(tmodel, tbuffers, tx))
    _same(buffers, tbuffers)
    _same(dict(model.named_buffers()), dict(tmodel.named_buffers()))   # the module's own are untouched


def test_functional_call_parametrized_and_unknown_names():
    model, tmodel = nn.Linear(2, 2).double(), torch.nn.Linear(2, 2).double()
    tmodel.load_state_dict({k: torch.tensor(v.numpy()) for k, v in model.state_dict().items()})
    sym = lambda base: type("Sym", (base,), {"forward": lambda self, w: w + w.T})()
    nn.utils.parametrize.register_parametrization(model, "weight", sym(nn.Module))
    torch.nn.utils.parametrize.register_parametrization(tmodel, "weight", sym(torch.nn.Module))
    (w, tw), (x, tx) = _pair(2, 2, seed=32), _pair(1, 2, seed=33)
    key = "parametrizations.weight.original"
    _same(F.functional_call(model, {key: w}, x), TF.functional_call(tmodel, {key: tw}, tx))
    with pytest.raises(ValueError, match="'weight' of ParametrizedLinear is computed"):
        F.functional_call(model, {"weight": w}, x)
    seen = []
    model.register_forward_pre_hook(lambda m, args: seen.append(m.extra is w))
    F.functional_call(model, {"extra": w}, x)   # an unknown name is an attribute for the call only, as in torch
    assert seen == [True] and not hasattr(model, "extra")


def test_stack_module_state_ensemble_matches_torch():
    pairs = [_mlp(seed=s) for s in range(3)]
    params, buffers = F.stack_module_state([p[0] for p in pairs])
    tparams, tbuffers = TF.stack_module_state([p[1] for p in pairs])
    _same(params, tparams)
    assert all(p.is_leaf for p in params.values())
    x, tx = _pair(4, 3, seed=28)
    run = lambda fc, m: lambda p, b, data: fc(m, (p, b), (data,))
    ours = F.vmap(run(F.functional_call, pairs[0][0]), in_dims=(0, 0, None))(params, buffers, x)
    theirs = TF.vmap(run(TF.functional_call, pairs[0][1]), in_dims=(0, 0, None))(tparams, tbuffers, tx)
    _same(ours, theirs, grad_flags=False)
    with pytest.raises(RuntimeError, match="at least one model"):
        F.stack_module_state([])


@pytest.mark.parametrize("call, error, match", [
    (lambda x: F.grad(lambda a: 3.0)(x), RuntimeError, "must return a scalar Tensor, got float"),
    (lambda x: F.grad(lambda a: a * 2)(x), RuntimeError, r"got shape \(3,\); reduce it"),
    (lambda x: F.grad(lambda a: a.sum(), has_aux=True)(x), RuntimeError, r"tuple \(output, aux\)"),
    (lambda x: F.grad(lambda a: (a.sum(), 3), has_aux=True)(x), RuntimeError, "aux .* holds a int"),
    (lambda x: F.grad(lambda a: a.sum(), argnums=1)(x), RuntimeError, "called with 1 positional"),
    (lambda x: F.grad(lambda a: a.sum(), argnums=(0, 0))(x), RuntimeError, "must not repeat"),
    (lambda x: F.grad(lambda a: a.sum(), argnums=())(x), RuntimeError, "non-empty tuple"),
    (lambda x: F.grad(lambda a: a.sum())(3.0), ValueError, "holds a float"),
    (lambda x: F.grad(lambda a: a.sum())(ag.arange(3)), TypeError, "dtype int64"),
    (lambda x: F.vjp(lambda a: 3.0, x), RuntimeError, "output must be a Tensor"),
    (lambda x: F.vjp(lambda a: (a, a), x)[1](x), RuntimeError, "structure of the function's output"),
    (lambda x: F.jvp(lambda a: a, x, x), RuntimeError, "primals must be a tuple"),
    (lambda x: F.jvp(lambda a: a, (x,), (x[:2],)), RuntimeError, r"shape \(2,\) but its primal has shape \(3,\)"),
    (lambda x: F.jacrev(lambda a: a, chunk_size=0), ValueError, "chunk_size"),
    (lambda x: F.grad(x), TypeError, "grad: func must be a callable"),
    (lambda x: F.vmap(lambda a, b: a + b, in_dims=(0,))(x, x), ValueError, "does not match the structure"),
    (lambda x: F.vmap(lambda a, b: a)(x, x[:2]), ValueError, r"same size .* sizes \[3, 2\]"),
    (lambda x: F.vmap(lambda a, n: a)(x, 2.0), ValueError, "input 1 has in_dim=0 but is a float"),
    (lambda x: F.vmap(lambda a: a, in_dims=1)(x), ValueError, "expected in_dim to satisfy -1 <= in_dim < 1"),
    (lambda x: F.vmap(lambda a: a, in_dims=(None,))(x), ValueError, "no input is mapped"),
    (lambda x: F.vmap(lambda a: 1.0)(x), ValueError, "return only Tensors"),
    (lambda x: F.vmap(lambda a: a, in_dims=[0])(x), ValueError, "must be an int or a"),
    (lambda x: F.vmap(lambda a: a, out_dims=None)(x), ValueError, "can not return a BatchedTensor when out_dim is None"),
    (lambda x: F.vmap(lambda a: a, randomness="sometimes"), ValueError, "randomness must be"),
])
def test_bad_input_raises_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call(_pair(3, seed=29)[0])


def test_functional_call_needs_nn_only_for_modules():
    assert "functional_call" not in F.__all__ and callable(ag.func.functional_call)
    import autograd.func as imported
    assert imported is ag.func and imported.vmap is F.vmap and ag.vmap is F.vmap   # torch.vmap too
    from autograd import func_api
    with pytest.raises(AttributeError, match="installed by `import nn`"):
        func_api.__getattr__("functional_call")   # what a program gets before importing nn
