"""PyTorch leftovers 13, each checked against torch 2.13: a bfloat16/float16 tensor times or over a 0-d float tensor
(values, both gradients and their dtypes, the node's edges, under create_graph too)."""
import numpy as np
import pytest

import autograd as ag


def _torch():
    return pytest.importorskip("torch")


def _name(node):
    return None if node is None else node.name()


def _edges(node):
    return [(_name(n), i) for n, i in node.next_functions]


def _values(t):
    return None if t is None else (str(t.dtype).replace("torch.", "").replace("dtype(", "").strip("()'"),
                                   np.asarray(t.detach().float().numpy()).tolist())


# ----- 1. a half tensor times or over a 0-d float tensor -----------------------------------------------------------
_HALF_SCALAR_OPS = {
    "mul": lambda x, w: x * w,
    "div": lambda x, w: x / w,
    "rmul": lambda x, w: w * x,
    "rdiv": lambda x, w: w / x,
    "torch.mul": lambda x, w: x.mul(w),
    "torch.div": lambda x, w: x.div(w),
}


def _half_scalar(lib, op, dtype, w_dtype, w_grad, x_grad):
    x = lib.tensor(np.linspace(-3, 3, 12).astype(np.float32)).to(getattr(lib, dtype)).requires_grad_(x_grad)
    w = lib.tensor(np.array(0.1, dtype=w_dtype), requires_grad=w_grad)
    y = _HALF_SCALAR_OPS[op](x, w)
    weights = (lib.arange(12) * 3 - 7).to(getattr(lib, dtype))
    inputs = [t for t in (x, w) if t.requires_grad]
    grads = lib.autograd.grad((y * weights).sum(), inputs, create_graph=True)
    # a second derivative through the half-precision first ones
    on_graph = [g for g in grads if g.requires_grad]
    again = lib.autograd.grad(sum(g.float().sum() for g in on_graph), inputs, allow_unused=True) if on_graph else ()
    return (_values(y), _name(y.grad_fn), _edges(y.grad_fn), [(_values(g), _name(g.grad_fn)) for g in grads],
            [_values(g) for g in again])


@pytest.mark.parametrize("w_grad, w_dtype, x_grad", [(True, "float32", True), (True, "float32", False),
                                                      (False, "float32", True), (True, "float64", True)])
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("op", sorted(_HALF_SCALAR_OPS))
def test_half_tensor_with_a_zero_dim_float_tensor(op, dtype, w_dtype, w_grad, x_grad):
    torch = _torch()
    assert _half_scalar(ag, op, dtype, w_dtype, w_grad, x_grad) == _half_scalar(torch, op, dtype, w_dtype, w_grad,
                                                                                   x_grad)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_half_tensor_floor_divided_by_a_zero_dim_tensor_that_requires_grad(dtype):
    torch = _torch()

    def run(lib):
        x = lib.tensor(np.linspace(-3, 3, 13).astype(np.float32)).to(getattr(lib, dtype))
        w = lib.tensor(0.1, requires_grad=True)
        return ((x // w).float().tolist(), (w // x).float().tolist(),
                lib.div(x, w, rounding_mode="trunc").float().tolist())

    assert run(ag) == run(torch)


def test_half_tensor_in_place_times_a_zero_dim_tensor_that_requires_grad():
    torch = _torch()

    def run(lib):
        x0 = lib.tensor(np.linspace(-3, 3, 13).astype(np.float32)).to(lib.float16).requires_grad_()
        w = lib.tensor(0.1, requires_grad=True)
        x = x0 * 1
        x.mul_(w)
        x.div_(w * 3)
        (x * lib.arange(13).to(lib.float16)).sum().backward()
        return x.float().tolist(), _edges(x.grad_fn), x0.grad.float().tolist(), w.grad.item(), str(w.grad.dtype)[-7:]

    assert run(ag) == run(torch)


# ----- 2. next_functions of binary ops with an integer or bool tensor operand ---------------------------------------
_INTEGER_OPERAND_OPS = {
    "maximum": lambda L, x, o: L.maximum(x, o),
    "minimum_first": lambda L, x, o: L.minimum(o, x),
    "fmax": lambda L, x, o: L.fmax(o, x),
    "fmin": lambda L, x, o: L.fmin(x, o),
    "atan2": lambda L, x, o: L.atan2(o, x),
    "pow": lambda L, x, o: L.pow(x, o),
    "pow_base": lambda L, x, o: L.pow(o, x),
    "hypot": lambda L, x, o: L.hypot(o, x),
    "copysign": lambda L, x, o: L.copysign(x, o),
    "fmod": lambda L, x, o: L.fmod(x, o),
    "remainder": lambda L, x, o: L.remainder(o, x),
    "xlogy": lambda L, x, o: L.xlogy(o, x),
    "logaddexp": lambda L, x, o: L.logaddexp(o, x),
    "ldexp": lambda L, x, o: L.ldexp(x, o),
    "where": lambda L, x, o: L.where(x > 0, x, o),
    "clamp": lambda L, x, o: L.clamp(x, o, o + 2),
    "addcmul": lambda L, x, o: L.addcmul(x, o, x),
    "addcdiv": lambda L, x, o: L.addcdiv(x, x, o),
    "float_power": lambda L, x, o: L.float_power(x, o),
    "dist": lambda L, x, o: L.dist(o, x),
    "cross": lambda L, x, o: L.linalg.cross(x, o.float()),
    "cross_mixed": lambda L, x, o: L.linalg.cross(x, o),
    "torch_cross": lambda L, x, o: L.cross(o, x, dim=0),
    "true_divide": lambda L, x, o: L.true_divide(o, x),
}


def _integer_operand(lib, op, kind):
    x = lib.tensor([1.5, -2.0, 3.0], requires_grad=True)
    o = {"int": lib.tensor([1, 2, 0]), "int0": lib.tensor(2), "uint8": lib.tensor([1, 2, 3], dtype=lib.uint8),
         "bool": lib.tensor([True, False, True])}[kind]
    try:
        with np.errstate(divide="ignore"):
            y = _INTEGER_OPERAND_OPS[op](lib, x, o)
    except NotImplementedError:
        return "NotImplementedError", None
    except RuntimeError:
        return "RuntimeError", None
    return (str(y.dtype)[-7:], _name(y.grad_fn), _edges(y.grad_fn)), y.detach().numpy()


@pytest.mark.parametrize("kind", ["int", "int0", "uint8", "bool"])
@pytest.mark.parametrize("op", sorted(_INTEGER_OPERAND_OPS))
def test_integer_operand_edges_as_pytorchs(op, kind):
    torch = _torch()
    ours, theirs = _integer_operand(ag, op, kind), _integer_operand(torch, op, kind)
    assert ours[0] == theirs[0]
    if theirs[1] is not None:
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)


def test_refusals_of_bool_operands_are_pytorchs_types():
    torch = _torch()
    x = ag.tensor([1.5, 2.0], requires_grad=True)
    with pytest.raises(NotImplementedError):
        torch.ldexp(torch.tensor([1.5, 2.0]), torch.tensor([True, False]))
    with pytest.raises(NotImplementedError, match="ldexp"):
        ag.ldexp(x, ag.tensor([True, False]))
    with pytest.raises(RuntimeError, match="dist: a bool tensor"):
        ag.dist(ag.tensor([True, False]), x)
    with pytest.raises(RuntimeError):
        torch.heaviside(torch.tensor([1.5, 0.0]), torch.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="heaviside"):
        ag.heaviside(ag.tensor([1.5, 0.0]), ag.tensor([1, 2]))


# ----- 8. output_nr of the results of ops with several -------------------------------------------------------------
_SEVERAL_RESULTS = {
    "unbind": lambda L, x, A, B: x.unbind(),
    "unbind_dim": lambda L, x, A, B: L.unbind(x, 1),
    "split": lambda L, x, A, B: x.split(2),
    "split_sizes": lambda L, x, A, B: x.split([1, 3]),
    "chunk": lambda L, x, A, B: x.chunk(3, 1),
    "tensor_split": lambda L, x, A, B: L.tensor_split(x, 3, 1),
    "hsplit": lambda L, x, A, B: L.hsplit(x, 2),
    "max_dim": lambda L, x, A, B: x.max(1),
    "sort": lambda L, x, A, B: x.sort(1),
    "topk": lambda L, x, A, B: x.topk(2),
    "kthvalue": lambda L, x, A, B: x.kthvalue(2),
    "cummax": lambda L, x, A, B: x.cummax(1),
    "aminmax": lambda L, x, A, B: L.aminmax(x),
    "aminmax_dim": lambda L, x, A, B: L.aminmax(x, dim=1),
    "var_mean": lambda L, x, A, B: L.var_mean(x, 1),
    "std_mean": lambda L, x, A, B: L.std_mean(x),
    "lstsq_gelsd": lambda L, x, A, B: L.linalg.lstsq(A, B, driver="gelsd"),
    "qr": lambda L, x, A, B: L.linalg.qr(A),
    "svd": lambda L, x, A, B: L.linalg.svd(A, full_matrices=False),
    "slogdet": lambda L, x, A, B: L.linalg.slogdet(A[:3]),
    "lu": lambda L, x, A, B: L.linalg.lu(A[:3]),
    "lu_factor": lambda L, x, A, B: L.linalg.lu_factor(A[:3]),
    "frexp": lambda L, x, A, B: L.frexp(x),
}


def _output_numbers(lib, op):
    x = lib.tensor(np.linspace(-1, 1, 24).reshape(4, 6), requires_grad=True)
    A = lib.tensor(np.linspace(-1, 1, 12).reshape(4, 3) + np.eye(4, 3), requires_grad=True)
    B = lib.tensor(np.linspace(0, 1, 8).reshape(4, 2), requires_grad=True)
    outs = _SEVERAL_RESULTS[op](lib, x, A, B)
    return [(_name(o.grad_fn), o.output_nr) for o in outs]


@pytest.mark.parametrize("op", sorted(_SEVERAL_RESULTS))
def test_output_nr_of_several_results_as_pytorchs(op):
    torch = _torch()
    assert _output_numbers(ag, op) == _output_numbers(torch, op)


def test_numbered_results_still_route_their_gradients():
    torch = _torch()

    def run(lib):
        x = lib.tensor(np.linspace(-1, 1, 24).reshape(4, 6), requires_grad=True)
        var, mean = lib.var_mean(x, 1)
        low, high = lib.aminmax(x, dim=0)
        edge = lib.autograd.graph.get_gradient_edge(mean)
        g, = lib.autograd.grad((var * 2 + mean * 3).sum() + (high - low).sum(), x, retain_graph=True)
        ge, = lib.autograd.grad((mean * 3).sum(), edge)
        return g.numpy().round(12).tolist(), ge.numpy().tolist()

    assert run(ag) == run(torch)


# ----- 6. bfloat16/float16 prod: PyTorch's CPU kernel's order and roundings ---------------------------------------
_HALF_PRODUCTS = [((7,), None), ((100,), None), ((1000,), None), ((4099,), None), ((32768,), None),
                  ((30, 70), None), ((30, 70), 1), ((30, 70), 0), ((4, 9, 130), 1), ((4, 9, 130), 2), ((4, 9, 130), 0),
                  ((300, 200), 1), ((70, 30), "t"), ((70, 300), "t1"), ((5, 1), 1), ((3, 0), 1)]


def _half_product(lib, dtype, shape, dim, seed):
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.97, 1.03, shape).astype(np.float32)
    if seed % 2 and values.size > 4:
        values.flat[3] = 0.0   # one zero: the gradient's exclusive products
    x = lib.tensor(values).to(getattr(lib, dtype)).requires_grad_()
    y = x.t().prod() if dim == "t" else x.t().prod(1) if dim == "t1" else x.prod() if dim is None else x.prod(dim)
    g = lib.tensor(rng.uniform(-2, 2, tuple(y.shape)).astype(np.float32)).to(getattr(lib, dtype))
    y.backward(g)
    return y.detach().float().numpy(), x.grad.float().numpy()


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("shape, dim", _HALF_PRODUCTS)
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_half_prod_rounds_as_pytorchs_kernel(dtype, shape, dim, seed):
    torch = _torch()
    ours, theirs = _half_product(ag, dtype, shape, dim, seed), _half_product(torch, dtype, shape, dim, seed)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_half_prod_of_many_elements_splits_among_threads_as_pytorch(dtype):
    torch = _torch()
    threads = ag.get_num_threads()
    ag.set_num_threads(torch.get_num_threads())   # the split follows the thread count, as PyTorch's
    try:
        ours = _half_product(ag, dtype, (50001,), None, 2)
    finally:
        ag.set_num_threads(threads)
    theirs = _half_product(torch, dtype, (50001,), None, 2)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])


def test_half_prod_differentiates_twice_within_an_ulp():
    torch = _torch()

    def run(lib):
        x = lib.tensor(np.linspace(0.9, 1.1, 12, dtype=np.float32).reshape(3, 4)).to(lib.bfloat16).requires_grad_()
        g, = lib.autograd.grad(x.prod(1).sum(), x, create_graph=True)
        gg, = lib.autograd.grad(g.float().sum(), x)
        return g.detach().float().numpy().tolist(), gg.float().numpy().tolist()

    ours, theirs = run(ag), run(torch)   # under create_graph deepgrad differentiates its composed product: an ulp
    np.testing.assert_allclose(ours[0], theirs[0], rtol=0.01)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=0.02)


# ----- 5. complex gradients whose imaginary part is exactly zero: PyTorch's sign ------------------------------------
def _spectral_gradients(lib):
    """Two Fourier layers (rfft2, complex einsum on the lowest modes, irfft2) trained three plain steps: the complex
    weights' gradients at every step."""
    rng = np.random.default_rng(0)
    b, c, h, w, m = 2, 3, 8, 8, 3
    field = lib.tensor(rng.standard_normal((b, c, h, w)).astype(np.float32))
    target = lib.tensor(rng.standard_normal((b, c, h, w)).astype(np.float32))
    weights = [lib.tensor((rng.random((c, c, m, m)) + 1j * rng.random((c, c, m, m))).astype(np.complex64) / 9,
                          requires_grad=True) for _ in range(4)]
    grads = []
    for _ in range(3):
        x = field
        for w_low, w_high in (weights[:2], weights[2:]):
            x_ft = lib.fft.rfft2(x)
            out_ft = lib.zeros(b, c, h, w // 2 + 1, dtype=lib.complex64)
            out_ft[:, :, :m, :m] = lib.einsum("bixy,ioxy->boxy", x_ft[:, :, :m, :m], w_low)
            out_ft[:, :, -m:, :m] = lib.einsum("bixy,ioxy->boxy", x_ft[:, :, -m:, :m], w_high)
            x = lib.tanh(lib.fft.irfft2(out_ft, s=(h, w)) + x)
        ((x - target) ** 2).mean().backward()
        grads.append([p.grad.numpy().copy() for p in weights])
        with lib.no_grad():
            for p in weights:
                p -= 0.5 * p.grad
                p.grad = None
    return grads


def test_complex_gradients_zero_imaginary_signs_as_pytorchs():
    torch = _torch()
    zeros = 0
    for ours, theirs in zip(_spectral_gradients(ag), _spectral_gradients(torch)):
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-7)
            exact = (a.imag == 0) & (b.imag == 0)
            assert ((a.imag == 0) == (b.imag == 0)).all()
            assert (np.signbit(a.imag[exact]) == np.signbit(b.imag[exact])).all()
            zeros += int(exact.sum())
    assert zeros > 0   # the zero-frequency modes of a real field give real gradients


# ----- 4. forward-mode AD: the tangent of a product or quotient, as PyTorch's formula records it ------------------
_PRODUCTS = {
    "x*c": lambda L, x, c, w: x * c,
    "c*x": lambda L, x, c, w: c * x,
    "x*w": lambda L, x, c, w: x * w,
    "w*x": lambda L, x, c, w: w * x,
    "x*x": lambda L, x, c, w: x * x,
    "x*2": lambda L, x, c, w: x * 2,
    "mul": lambda L, x, c, w: L.mul(x, w),
    "exp(x)*w": lambda L, x, c, w: x.exp() * w,
    "exp(x)*c": lambda L, x, c, w: x.exp() * c,
    "x*w.detach()": lambda L, x, c, w: x * w.detach(),
    "x*c*c": lambda L, x, c, w: x * c * c,
    "x/c": lambda L, x, c, w: x / c,
    "c/x": lambda L, x, c, w: c / x,
    "x/w": lambda L, x, c, w: x / w,
    "w/x": lambda L, x, c, w: w / x,
    "x/2": lambda L, x, c, w: x / 2,
    "exp(x)/x": lambda L, x, c, w: x.exp() / x,
}


def _product_tangent(lib, op, primal_grad, tangent_grad):
    fw = lib.autograd.forward_ad
    c = lib.tensor([2.0, 3.0, 4.0], dtype=lib.float64)
    w = lib.tensor([0.1, 0.2, 0.3], dtype=lib.float64, requires_grad=True)
    x0 = lib.tensor([1.5, -2.0, 3.0], dtype=lib.float64, requires_grad=primal_grad)
    t0 = lib.tensor([0.5, 1.0, -1.0], dtype=lib.float64, requires_grad=tangent_grad)
    with fw.dual_level():
        tangent = fw.unpack_dual(_PRODUCTS[op](lib, fw.make_dual(x0, t0), c, w)).tangent
        node = tangent.grad_fn
        return (tangent.requires_grad, _name(node), None if node is None else [_name(n) for n, _ in node.next_functions],
                tangent.detach().numpy().tolist())


@pytest.mark.parametrize("primal_grad, tangent_grad", [(True, True), (True, False), (False, True), (False, False)])
@pytest.mark.parametrize("op", sorted(_PRODUCTS))
def test_forward_ad_product_tangent_as_pytorchs(op, primal_grad, tangent_grad):
    torch = _torch()
    ours, theirs = _product_tangent(ag, op, primal_grad, tangent_grad), _product_tangent(torch, op, primal_grad,
                                                                                        tangent_grad)
    assert ours[:3] == theirs[:3]
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-14)


# ----- 3. the nodes of a create_graph gradient ---------------------------------------------------------------------
def _graph_rows(node, depth=0, rows=None):
    """node's name and, indented, those of the nodes below it (3 levels), as a list of lines."""
    rows = [] if rows is None else rows
    if node is None or depth > 3:
        return rows
    rows.append("  " * depth + node.name())
    for child, _ in node.next_functions:
        _graph_rows(child, depth + 1, rows)
    return rows


_CREATE_GRAPH_OPS = {
    "hardshrink": lambda F, x: F.hardshrink(x, 0.5),
    "softshrink": lambda F, x: F.softshrink(x, 0.5),
    "threshold": lambda F, x: F.threshold(x, 0.1, -2.0),
    "prelu": lambda F, x: F.prelu(x, x.new_tensor([0.25, 0.1, -0.3])),
    "prelu_1d": lambda F, x: F.prelu(x.flatten(), x.new_tensor([0.25])).view(2, 3, 4),
}


def _create_graph_gradient(lib, op):
    functional = ag_functional() if lib is ag else lib.nn.functional
    x = lib.tensor(np.linspace(-1.3, 1.1, 24).reshape(2, 3, 4), requires_grad=True)
    y = _CREATE_GRAPH_OPS[op](functional, x)
    g, = lib.autograd.grad((y * lib.tensor(np.cos(np.arange(24)).reshape(2, 3, 4))).sum(), x, create_graph=True)
    gg, = lib.autograd.grad((g * g).sum() + (g * x).sum(), x)
    return _graph_rows(g.grad_fn), g.detach().numpy(), gg.numpy()


def ag_functional():
    import nn.functional
    return nn.functional


@pytest.mark.parametrize("op", sorted(_CREATE_GRAPH_OPS))
def test_create_graph_gradient_nodes_as_pytorchs(op):
    torch = _torch()
    ours, theirs = _create_graph_gradient(ag, op), _create_graph_gradient(torch, op)
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12)


def test_prelu_with_a_weight_that_requires_grad_under_create_graph():
    torch = _torch()

    def run(lib):
        functional = ag_functional() if lib is ag else lib.nn.functional
        x = lib.tensor(np.linspace(-1.3, 1.1, 24).reshape(2, 3, 4), requires_grad=True)
        w = lib.tensor([0.25, 0.1, -0.3], dtype=lib.float64, requires_grad=True)
        y = functional.prelu(x, w)
        gx, gw = lib.autograd.grad((y * y).sum(), (x, w), create_graph=True)
        again = lib.autograd.grad((gx * gx).sum() + gw.sum(), (x, w))
        return ([_name(g.grad_fn) for g in (gx, gw)], _edges(y.grad_fn),
                [g.detach().numpy() for g in (gx, gw)] + [g.numpy() for g in again])

    ours, theirs = run(ag), run(torch)
    assert ours[:2] == theirs[:2]   # the nodes below the top one differ here (see the report)
    for a, b in zip(ours[2], theirs[2]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("op", ["hardshrink", "softshrink"])
def test_shrinks_as_one_node_keep_pytorchs_values_at_nan_and_the_band_ends(op):
    torch = _torch()

    def run(lib):
        functional = ag_functional() if lib is ag else lib.nn.functional
        x = lib.tensor([-1.0, -0.5, -0.2, 0.0, 0.5, 0.7, float("nan"), 2.0] * 4, dtype=lib.float64, requires_grad=True)
        y = _CREATE_GRAPH_OPS[op](functional, x)
        y.backward(lib.ones_like(y))
        return _name(y.grad_fn), _edges(y.grad_fn), y.detach().numpy(), x.grad.numpy()

    ours, theirs = run(ag), run(torch)
    assert ours[:2] == theirs[:2]
    np.testing.assert_array_equal(ours[2], theirs[2])
    np.testing.assert_array_equal(ours[3], theirs[3])
    x = ag.tensor(np.linspace(-1.3, 1.1, 7) + 0.013, requires_grad=True)   # away from the band ends
    assert ag.autograd.gradcheck(lambda t: _CREATE_GRAPH_OPS[op](ag_functional(), t), (x,))
