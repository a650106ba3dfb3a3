"""ag.autograd.functional (vjp, jvp, jacobian, hessian, vhp, hvp) against torch.autograd.functional: values in
float32 and float64, the nesting of tuples, create_graph, strict, and errors."""
import numpy as np
import pytest

import autograd as ag

AF = ag.autograd.functional


def _torch():
    return pytest.importorskip("torch")


def _same(ours, theirs, atol):
    """Assert the nested results have torch's structure, shapes, dtypes and values; return the max difference."""
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), f"{type(ours)} != torch's tuple"
        return max([_same(o, t, atol) for o, t in zip(ours, theirs)] + [0.0])
    assert isinstance(ours, ag.Tensor), f"{type(ours)} where torch gives a Tensor"
    assert tuple(ours.shape) == tuple(theirs.shape), f"shape {tuple(ours.shape)} != torch {tuple(theirs.shape)}"
    assert ours.dtype == theirs.detach().numpy().dtype
    assert ours.requires_grad == theirs.requires_grad
    want = theirs.detach().numpy()
    np.testing.assert_allclose(ours.numpy(), want, atol=atol, rtol=atol)
    return float(np.abs(ours.numpy() - want).max()) if want.size else 0.0


def _flat(nested):
    if isinstance(nested, tuple):
        return [x for item in nested for x in _flat(item)]
    return [nested]


def _one_in_one_out(x):
    return (x ** 3).sum(-1) * 2 + x[:, 0].exp()


def _two_in_two_out(x, y):
    return (x * y).tanh(), (x ** 2 * y).sum()


def _scalar_of_one(x):
    return (x ** 3).sum() + (x[0] * x[1]).sin().sum()


def _scalar_of_two(x, y):
    return ((x * y).sin() * y).sum() + (x ** 2).sum()


def _arrays(dtype, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((2, 3)).astype(dtype), rng.standard_normal(3).astype(dtype)


def _both(torch, arrays, requires_grad=False):
    ours = tuple(ag.tensor(a, requires_grad=requires_grad) for a in arrays)
    theirs = tuple(torch.tensor(a, requires_grad=requires_grad) for a in arrays)
    return ours, theirs


def _tol(dtype):
    return 1e-5 if dtype == np.float32 else 1e-12


DTYPES = [np.float32, np.float64]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("as_tuple", [False, True])
def test_jacobian_one_input(dtype, as_tuple):
    torch = _torch()
    (a, b), (ta, tb) = _both(torch, _arrays(dtype))
    arg, targ = ((a,), (ta,)) if as_tuple else (a, ta)
    _same(AF.jacobian(_one_in_one_out, arg), torch.autograd.functional.jacobian(_one_in_one_out, targ),
          _tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_jacobian_tuples_of_inputs_and_outputs(dtype):
    torch = _torch()
    ours, theirs = _both(torch, _arrays(dtype))
    _same(AF.jacobian(_two_in_two_out, ours), torch.autograd.functional.jacobian(_two_in_two_out, theirs),
          _tol(dtype))
    one_out = lambda x, y: x * y   # noqa: E731
    _same(AF.jacobian(one_out, ours), torch.autograd.functional.jacobian(one_out, theirs), _tol(dtype))
    two_out = lambda x: (x.sin(), x.sum())   # noqa: E731
    _same(AF.jacobian(two_out, ours[0], vectorize=True),
          torch.autograd.functional.jacobian(two_out, theirs[0], vectorize=True), _tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_hessian(dtype):
    torch = _torch()
    ours, theirs = _both(torch, _arrays(dtype))
    tf = torch.autograd.functional
    _same(AF.hessian(_scalar_of_one, ours[0]), tf.hessian(_scalar_of_one, theirs[0]), _tol(dtype))
    _same(AF.hessian(_scalar_of_one, ours[:1]), tf.hessian(_scalar_of_one, theirs[:1]), _tol(dtype))
    _same(AF.hessian(_scalar_of_two, ours), tf.hessian(_scalar_of_two, theirs), _tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_vjp_and_jvp(dtype):
    torch = _torch()
    tf = torch.autograd.functional
    ours, theirs = _both(torch, _arrays(dtype))
    rng = np.random.default_rng(1)
    v_out = rng.standard_normal(2).astype(dtype)
    v_in = tuple(rng.standard_normal(s).astype(dtype) for s in [(2, 3), (3,)])
    v_two = (rng.standard_normal((2, 3)).astype(dtype), np.array(0.7, dtype))
    tol = _tol(dtype)
    _same(AF.vjp(_one_in_one_out, ours[0], ag.tensor(v_out)),
          tf.vjp(_one_in_one_out, theirs[0], torch.tensor(v_out)), tol)
    _same(AF.vjp(_two_in_two_out, ours, tuple(ag.tensor(v) for v in v_two)),
          tf.vjp(_two_in_two_out, theirs, tuple(torch.tensor(v) for v in v_two)), tol)
    _same(AF.vjp(_scalar_of_two, ours), tf.vjp(_scalar_of_two, theirs), tol)   # v omitted: one-element output
    _same(AF.jvp(_one_in_one_out, ours[0], ag.tensor(v_in[0])),
          tf.jvp(_one_in_one_out, theirs[0], torch.tensor(v_in[0])), tol)
    _same(AF.jvp(_two_in_two_out, ours, tuple(ag.tensor(v) for v in v_in)),
          tf.jvp(_two_in_two_out, theirs, tuple(torch.tensor(v) for v in v_in)), tol)
    scalar_in = np.array(0.3, dtype)
    _same(AF.jvp(lambda x: x.exp() * 2, ag.tensor(scalar_in)),
          tf.jvp(lambda x: x.exp() * 2, torch.tensor(scalar_in)), tol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["vhp", "hvp"])
def test_vhp_hvp(dtype, name):
    torch = _torch()
    ours_fn, theirs_fn = getattr(AF, name), getattr(torch.autograd.functional, name)
    ours, theirs = _both(torch, _arrays(dtype))
    rng = np.random.default_rng(2)
    v = tuple(rng.standard_normal(s).astype(dtype) for s in [(2, 3), (3,)])
    tol = _tol(dtype)
    _same(ours_fn(_scalar_of_two, ours, tuple(ag.tensor(x) for x in v)),
          theirs_fn(_scalar_of_two, theirs, tuple(torch.tensor(x) for x in v)), tol)
    _same(ours_fn(_scalar_of_one, ours[0], ag.tensor(v[0])),
          theirs_fn(_scalar_of_one, theirs[0], torch.tensor(v[0])), tol)
    only_x = lambda x, y: (x ** 3).sum()   # noqa: E731  y unused: zeros with strict=False
    _same(ours_fn(only_x, ours, tuple(ag.tensor(x) for x in v)),
          theirs_fn(only_x, theirs, tuple(torch.tensor(x) for x in v)), tol)


def test_unused_inputs_give_zeros_or_strict_errors():
    torch = _torch()
    ours, theirs = _both(torch, _arrays(np.float64))
    only_x = lambda x, y: x * 2   # noqa: E731
    _same(AF.jacobian(only_x, ours), torch.autograd.functional.jacobian(only_x, theirs), 0)
    _same(AF.vjp(only_x, ours, ag.ones((2, 3), dtype=ag.float64)),
          torch.autograd.functional.vjp(only_x, theirs, torch.ones(2, 3, dtype=torch.float64)), 0)
    with pytest.raises(RuntimeError, match=r"^Output 0 of the user-provided function is independent of input 1\. "
                                           r"This is not allowed in strict mode \(jacobian, strict=True"):
        AF.jacobian(only_x, ours, strict=True)
    with pytest.raises(RuntimeError, match=r"^The output of the user-provided function is independent of input 1\. "
                                           r".*\(vjp, strict=True; or pass strict=False\)"):
        AF.vjp(only_x, ours, ag.ones((2, 3), dtype=ag.float64), strict=True)
    with pytest.raises(RuntimeError,
                       match=r"^Output 0 of the user-provided function does not require gradients\..*\(vjp, strict=True"):
        AF.vjp(lambda x: ag.ones(3), ours[1], ag.ones(3), strict=True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_create_graph_gives_differentiable_results(dtype):
    torch = _torch()
    tf = torch.autograd.functional
    ours, theirs = _both(torch, _arrays(dtype), requires_grad=True)
    tol = _tol(dtype) * 10
    results = [(AF.jacobian(_one_in_one_out, ours[0], create_graph=True),
                tf.jacobian(_one_in_one_out, theirs[0], create_graph=True)),
               (AF.hessian(_scalar_of_two, ours, create_graph=True),
                tf.hessian(_scalar_of_two, theirs, create_graph=True)),
               (AF.vjp(_one_in_one_out, ours[0], ag.ones(2, dtype=ours[0].dtype), create_graph=True)[1],
                tf.vjp(_one_in_one_out, theirs[0], torch.ones(2, dtype=theirs[0].dtype), create_graph=True)[1]),
               (AF.hvp(_scalar_of_two, ours, tuple(ag.ones_like(t) for t in ours), create_graph=True)[1],
                tf.hvp(_scalar_of_two, theirs, tuple(torch.ones_like(t) for t in theirs), create_graph=True)[1])]
    for o, t in results:
        _same(o, t, tol)
        sum(((x ** 2).sum() for x in _flat(o)), ag.tensor(0.0, dtype=ours[0].dtype)).backward()
        sum((x ** 2).sum() for x in _flat(t)).backward()
        for a, b in zip(ours, theirs):
            assert (a.grad is None) == (b.grad is None)
            if b.grad is not None:
                np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), atol=tol, rtol=tol)
            a.grad, b.grad = None, None


def test_results_are_detached_without_create_graph():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    out, g = AF.vjp(lambda t: (t ** 2).sum(), x)
    assert not out.requires_grad and not g.requires_grad
    assert not AF.hessian(lambda t: (t ** 3).sum(), x).requires_grad


def test_gradcheck_through_create_graph():
    rng = np.random.default_rng(3)
    x = ag.tensor(rng.standard_normal(3), requires_grad=True)
    v = ag.tensor(rng.standard_normal(3))
    assert ag.gradcheck(lambda t: AF.vjp(lambda u: u.sin() * u, t, v, create_graph=True)[1], [x])
    assert ag.gradcheck(lambda t: AF.jvp(lambda u: u.sin() * u, t, v, create_graph=True)[1], [x])
    assert ag.gradcheck(lambda t: AF.hvp(lambda u: (u.sin() * u).sum(), t, v, create_graph=True)[1], [x])
    assert ag.gradcheck(lambda t: AF.hessian(lambda u: (u.exp() * u).sum(), t, create_graph=True), [x])


def test_bad_arguments():
    x = ag.ones(3)
    with pytest.raises(TypeError, match=r"jacobian: the inputs must be a Tensor or a tuple of Tensors.*list"):
        AF.jacobian(lambda t: t, [x])
    with pytest.raises(TypeError, match=r"vjp: the outputs of the function must be a Tensor.*index 1"):
        AF.vjp(lambda t: (t, 2.0), x, (x, x))
    with pytest.raises(RuntimeError, match=r"vjp: v can only be omitted.*output.*pass v"):
        AF.vjp(lambda t: t * 2, x)
    with pytest.raises(RuntimeError, match=r"jvp: v has shape \(2,\); it must match the input's shape \(3,\)"):
        AF.jvp(lambda t: t * 2, x, ag.ones(2))
    with pytest.raises(RuntimeError, match=r"hvp: v is a tuple of length 1; it must have one Tensor per input"):
        AF.hvp(lambda a, b: (a * b).sum(), (x, x), (x,))
    with pytest.raises(RuntimeError, match=r"hessian: the function must return a Tensor with one element.*\(3,\)"):
        AF.hessian(lambda t: t ** 2, x)
    with pytest.raises(RuntimeError, match=r"vhp: the function must return a single Tensor, got a tuple"):
        AF.vhp(lambda t: (t.sum(), t.sum()), x, x)
    with pytest.raises(ValueError, match=r"jacobian: strategy must be"):
        AF.jacobian(lambda t: t, x, strategy="sideways")


def test_forward_mode_jacobian_nests_as_pytorchs():
    """strategy='forward-mode' with tuple inputs: one output gives a list of per-input blocks (deepgrad took the
    tuple of blocks for one row per output and split each block along its first dim), several outputs a list of
    lists, as PyTorch's forward-mode path returns them (its reverse mode gives tuples)."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1714)
    xs, a, b = rng.standard_normal((10, 3)), rng.standard_normal((3, 4)), rng.standard_normal(4)

    def structure(o):
        if isinstance(o, (tuple, list)):
            return (type(o).__name__,) + tuple(structure(v) for v in o)
        return tuple(o.shape)

    def run(lib, jacobian, two_outputs, tuple_inputs):
        x = lib.from_numpy(xs)

        def f(p, q=None):
            y = lib.tanh(x @ p) if q is None else lib.tanh(x @ p) @ q
            return (y, y.sum()) if two_outputs else y
        inputs = (lib.from_numpy(a), lib.from_numpy(b)) if tuple_inputs else lib.from_numpy(a)
        out = jacobian(f, inputs, vectorize=True, strategy="forward-mode")
        flat = out if not isinstance(out, (tuple, list)) else [v for row in out for v in
                                                               (row if isinstance(row, (tuple, list)) else [row])]
        return structure(out), [np.asarray(v.detach().numpy()) for v in flat]

    for two_outputs in (False, True):
        for tuple_inputs in (False, True):
            ours = run(ag, ag.autograd.functional.jacobian, two_outputs, tuple_inputs)
            theirs = run(torch, torch.autograd.functional.jacobian, two_outputs, tuple_inputs)
            assert ours[0] == theirs[0]
            for got, want in zip(ours[1], theirs[1]):
                np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
