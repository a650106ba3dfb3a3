"""Complex tensors (complex64/complex128): every op that takes them against PyTorch (values, dtypes and
gradients in PyTorch's convention, dL/dx + i dL/dy), float64 gradcheck, PyTorch's type promotion with
complex operands, printing, views of the parts, optimisers on complex parameters, checkpoints, and the
clear refusals of ops that are not defined for complex values."""
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import require_torch

RNG = np.random.default_rng(7)
A = RNG.standard_normal((3, 4)) + 1j * RNG.standard_normal((3, 4))
REAL = RNG.standard_normal((3, 4))

#: name -> f(module, z, r): z complex (3, 4) requiring grad, r real (3, 4) requiring grad
OPS = {
    "add_sub": lambda m, z, r: (z + 2j) - z * 0.5 + r,
    "mul_real": lambda m, z, r: z * r,
    "div": lambda m, z, r: 1 / (z + 3) + z / (r + 3),
    "pow": lambda m, z, r: z ** 2 + (z + 3) ** (0.5 + 0.2j) + 2 ** z,
    "exp_log_sqrt": lambda m, z, r: z.exp() + (z + 2).log() + z.sqrt() + z.log1p(),
    "trig": lambda m, z, r: z.sin() + z.cos() + z.tanh() + z.tan() + z.sinh() + z.cosh(),
    "inverse_trig": lambda m, z, r: (z * 0.3).asin() + (z * 0.3).acos() + (z * 0.3).atan() + z.asinh()
    + (z + 3).acosh() + (z * 0.3).atanh(),
    "sigmoid": lambda m, z, r: m.sigmoid(z),
    "reductions": lambda m, z, r: m.stack([z.sum(1), z.mean(1), z.prod(1)]),
    "scans": lambda m, z, r: z.cumsum(1) + z.cumprod(0),
    "shapes": lambda m, z, r: z.reshape(4, 3).t().flip(0)[:, None].expand(3, 2, 4).permute(2, 0, 1),
    "indexing": lambda m, z, r: m.cat([z[1:, ::2], z[[0, 2, 2]][:2, :2]], 1),
    "setitem": lambda m, z, r: _set(m, z, r),
    "stack_split": lambda m, z, r: m.stack(z.split(2, 1)),
    "matmul": lambda m, z, r: z @ z.mT + z @ (r.t() + 0j) + z @ z.mH,
    "einsum": lambda m, z, r: m.einsum("ij,kj->ik", z, z),
    "where": lambda m, z, r: m.where(r > 0, z, z * 1j),
    "abs": lambda m, z, r: z.abs() * r,
    "angle": lambda m, z, r: z.angle(),
    "sgn": lambda m, z, r: z.sgn(),
    "real_imag": lambda m, z, r: z.real * z.imag + m.real(z) - m.imag(z),
    "conj": lambda m, z, r: z.conj() * z + m.conj(z),
    "view_as_real": lambda m, z, r: m.view_as_real(z * z),
    "view_as_complex": lambda m, z, r: m.view_as_complex(m.view_as_real(z) * 2) * z,
    "complex": lambda m, z, r: m.complex(r, r * r),
    "polar": lambda m, z, r: m.polar(r.abs() + 1, r),
    "cast": lambda m, z, r: r.to(m.complex128) * z,
    "var_std": lambda m, z, r: m.stack([z.var(1), z.std(0)[:3]]),
    "norms": lambda m, z, r: m.stack([z.norm(), m.linalg.vector_norm(z, ord=3)]),
    "vdot": lambda m, z, r: m.vdot(z[0], z[1]),
}


def _set(m, z, r):
    out = z.clone()
    out[0, 1:3] = z[1, :2] * r[2, :2]
    return out


def _grad(t):
    """t.grad as a NumPy array (zeros when t was not used)."""
    if t.grad is None:
        return np.zeros(tuple(t.shape), complex)
    return t.grad.resolve_conj().numpy()


def _weights(shape, is_complex, seed):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(shape)
    return w + 1j * rng.standard_normal(shape) if is_complex else w


def _loss(m, y, w):
    """Re(sum(conj(w) y)): the real loss whose gradient is the one PyTorch's convention gives."""
    return (y * w.conj()).real.sum() if y.is_complex() else (y * w).sum()


@pytest.mark.parametrize("name", sorted(OPS))
def test_complex_op_matches_torch(name, device):
    torch = require_torch()
    results = []
    for m in (torch, ag):
        make = (lambda a: torch.tensor(a, requires_grad=True)) if m is torch else (
            lambda a: ag.tensor(a, requires_grad=True, device=device))
        z, r = make(A), make(REAL)
        y = OPS[name](m, z, r)
        w = _weights(tuple(y.shape), y.is_complex(), 3)
        _loss(m, y, torch.tensor(w) if m is torch else ag.tensor(w, device=device)).backward()
        if m is torch:
            results.append((y.detach().resolve_conj().numpy(), _grad(z), r.grad, str(y.dtype).split(".")[-1]))
        else:
            results.append((y.numpy(), _grad(z), r.grad, str(y.dtype)))
    (y1, gz1, gr1, d1), (y2, gz2, gr2, d2) = results
    assert d1 == d2
    np.testing.assert_allclose(y2, y1, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gz2, gz1, rtol=1e-10, atol=1e-12)
    if gr1 is None:
        assert gr2 is None or not np.any(gr2.numpy())
    else:
        assert gr2.dtype == np.float64, "a real input's gradient stays real"
        np.testing.assert_allclose(gr2.numpy(), gr1.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["div", "pow", "trig", "matmul", "abs", "angle", "sgn", "view_as_real", "complex",
                                  "cast", "setitem", "var_std"])
def test_complex_gradients_pass_gradcheck(name):
    z = ag.tensor(A[:2, :3] + 0.5, requires_grad=True)
    r = ag.tensor(REAL[:2, :3], requires_grad=True)
    if name in ("matmul", "setitem", "var_std"):
        z, r = ag.tensor(A, requires_grad=True), ag.tensor(REAL, requires_grad=True)
    assert ag.gradcheck(lambda z, r: OPS[name](ag, z, r), (z, r), raise_exception=True)


def test_gradcheck_catches_a_wrong_complex_gradient():
    class Square(ag.autograd.Function):
        @staticmethod
        def forward(ctx, z):
            ctx.save_for_backward(z)
            return z * z

        @staticmethod
        def backward(ctx, g):
            return 2 * g * ctx.saved_tensors[0]   # the conjugate is missing

    z = ag.tensor(A[:1, :2], requires_grad=True)
    assert not ag.gradcheck(Square.apply, (z,), raise_exception=False)


def test_second_derivatives_match_torch():
    torch = require_torch()
    out = []
    for m in (torch, ag):
        z = m.tensor(A[0], requires_grad=True)
        loss = ((z * z.exp()).abs() ** 2).sum() + (z.sin() * z.conj()).real.sum()
        g, = m.autograd.grad(loss, z, create_graph=True)
        h, = m.autograd.grad((g * g.conj()).real.sum() + g.imag.sum(), z)
        out.append([t.detach().resolve_conj().numpy() if m is torch else t.detach().numpy() for t in (g, h)])
    for ours, theirs in zip(out[1], out[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)


DTYPES = {"float32": "float32", "float64": "float64", "complex64": "complex64", "complex128": "complex128",
          "int64": "int64", "bool": "bool_"}


@pytest.mark.parametrize("left", sorted(DTYPES))
@pytest.mark.parametrize("right", sorted(DTYPES))
def test_promotion_with_complex_matches_torch(left, right):
    torch = require_torch()
    if "complex" not in left + right:
        pytest.skip("real promotion is tested elsewhere")
    for dims in ((1, 1), (1, 0), (0, 1), (0, 0)):
        shapes = [(3,) * d for d in dims]
        ours = [ag.ones(shapes[0], dtype=getattr(ag, DTYPES[left])), ag.ones(shapes[1], dtype=getattr(ag, DTYPES[right]))]
        theirs = [torch.ones(shapes[0], dtype=getattr(torch, left)), torch.ones(shapes[1], dtype=getattr(torch, right))]
        expected = str(torch.result_type(*theirs)).split(".")[-1]
        assert str(ag.result_type(*ours)) == expected
        for op in ("add", "mul", "div"):
            assert str(getattr(ag, op)(*ours).dtype) == expected, (op, dims)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("number", [1j, 1.5 + 0j, 2.0])
def test_python_complex_numbers_promote_as_in_torch(dtype, number):
    torch = require_torch()
    ours = ag.ones(3, dtype=getattr(ag, dtype)) * number
    theirs = torch.ones(3, dtype=getattr(torch, dtype)) * number
    assert str(ours.dtype) == str(theirs.dtype).split(".")[-1]
    assert (number / ag.ones(3, dtype=getattr(ag, dtype))).dtype == ours.dtype


def test_a_python_complex_keeps_its_precision_beside_complex128():
    z = ag.tensor([2.0 + 0j], dtype=ag.complex128)
    assert (z ** (0.1 + 0.3j)).numpy()[0] == (2.0 + 0j) ** (0.1 + 0.3j)


@pytest.mark.parametrize("values, dtype", [([1 + 2j, 3 - 1j], None), ([1.5 + 2.25j, 3 - 1j], "complex128"),
                                           ([[1e-5 + 2j, 3e5 - 1j], [0, 1j]], None), (1 + 1j, None),
                                           ([float("nan") + 1j, complex(0, float("inf"))], None), ([], "complex64")])
def test_complex_tensors_print_as_torch_prints_them(values, dtype):
    torch = require_torch()
    ours = ag.tensor(values, dtype=getattr(ag, dtype) if dtype else None)
    theirs = torch.tensor(values, dtype=getattr(torch, dtype) if dtype else None)
    assert repr(ours) == repr(theirs).replace("torch.", "")
    assert repr(ours.requires_grad_()) == repr(theirs.requires_grad_()).replace("torch.", "") or ours.numel() == 0


def test_parts_are_views_that_write_through():
    z = ag.tensor([1 + 2j, 3 - 1j])
    z.real[0] = 5.0
    z.imag.mul_(2)
    assert z.tolist() == [5 + 4j, 3 - 2j]
    pairs = ag.view_as_real(z)
    pairs[1, 0] = -1.0
    assert z[1].item() == -1 - 2j
    back = ag.view_as_complex(pairs)
    assert back.data_ptr() == z.data_ptr()
    z.real = ag.tensor([0.0, 0.0])
    assert z.tolist() == [4j, -2j]


def test_creation_of_complex_tensors():
    assert ag.tensor([1j]).dtype == ag.complex64 and ag.tensor(1j).dtype == ag.cfloat
    assert ag.full((2,), 1 + 1j).dtype == ag.complex64
    assert ag.zeros(2, dtype=ag.cdouble).dtype == ag.complex128
    assert ag.from_numpy(np.ones(2, np.complex128)).dtype == ag.complex128
    ag.set_default_dtype(ag.float64)
    try:
        assert ag.tensor([1j]).dtype == ag.complex128
    finally:
        ag.set_default_dtype(ag.float32)
    ag.manual_seed(0)
    normal = ag.randn(20000, dtype=ag.complex64)
    assert normal.dtype == ag.complex64
    assert abs((normal.abs() ** 2).mean().item() - 1.0) < 0.05   # E|z|^2 = 1, each part of variance 1/2
    assert abs(normal.real.var().item() - 0.5) < 0.03 and abs(normal.imag.var().item() - 0.5) < 0.03
    uniform = ag.rand(1000, dtype=ag.complex128)
    assert 0 <= uniform.real.min().item() and uniform.imag.max().item() < 1 and uniform.imag.min().item() >= 0
    assert ag.is_complex(uniform) and uniform.is_complex() and not uniform.is_floating_point()


@pytest.mark.parametrize("make", [lambda z: ag.relu(z), lambda z: z.max(), lambda z: z > 0, lambda z: z.sort(),
                                  lambda z: z.clamp(0, 1), lambda z: z.argmax(), lambda z: ag.maximum(z, z),
                                  lambda z: z.softmax(0)])
def test_ops_without_a_complex_meaning_refuse_it_clearly(make):
    z = ag.tensor([1 + 2j, -3 + 0.5j], requires_grad=True)
    with pytest.raises(TypeError, match="complex"):
        make(z)


def test_refusals_name_the_op_and_the_fix():
    z = ag.tensor([1 + 2j, -3 + 0.5j])
    with pytest.raises(TypeError, match=r"^floor is not supported for complex inputs.*z?real"):
        z.floor()
    with pytest.raises(TypeError, match=r"^mse_loss: complex tensors are not supported.*abs\(\) \*\* 2"):
        nn.functional.mse_loss(z, z)
    with pytest.raises(TypeError, match=r"^setitem: a complex value cannot be stored in a float32 tensor"):
        x = ag.zeros(2)
        x[0] = z[0]
    with pytest.raises(RuntimeError, match="imag is not implemented for tensors with non-complex dtypes"):
        ag.ones(2).imag
    with pytest.raises(TypeError, match=r"complex data \(dtype complex256\) is not supported"):
        ag.tensor(np.ones(2, np.clongdouble))
    with pytest.raises(TypeError, match=r"^gt: complex tensors are not supported by this op"):
        z > z
    with pytest.raises(RuntimeError, match="view_as_complex: the tensor must have a last dim of size 2"):
        ag.view_as_complex(ag.ones(3, 4))
    with pytest.raises(TypeError, match="complex: expects real and imag of one float dtype"):
        ag.complex(ag.ones(2), ag.ones(2, dtype=ag.float64))
    with pytest.warns(UserWarning, match="discards the imaginary part"):
        assert z.to(ag.float32).tolist() == [1.0, -3.0]


def test_comparisons_and_tests_that_are_defined_for_complex_work():
    z = ag.tensor([1 + 2j, complex(float("nan"), 0), complex(0, float("inf"))])
    assert (z == z).tolist() == [True, False, True] and (z != 1 + 2j).tolist() == [False, True, True]
    assert ag.isnan(z).tolist() == [False, True, False] and ag.isinf(z).tolist() == [False, False, True]
    assert ag.isfinite(z).tolist() == [True, False, False]
    assert ag.isreal(ag.tensor([1 + 0j, 1j])).tolist() == [True, False] and ag.isreal(ag.ones(2)).all()
    assert ag.allclose(z[:1], ag.tensor([1 + 2.0000001j]))


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "NAdam", "RAdam",
                                  "Adadelta", "ASGD", "Rprop"])
def test_optimisers_update_complex_parameters_as_torch(name):
    torch = require_torch()
    results = []
    for m, optim in ((torch, torch.optim), (ag, nn.optim)):
        w = m.tensor([1 + 0.5j, 2 - 1j, -0.3 + 0.2j], dtype=m.complex128, requires_grad=True)
        kwargs = dict(lr=0.1, momentum=0.9, nesterov=True) if name == "SGD" else dict(lr=0.1)
        optimizer = getattr(optim, name)([w], **kwargs)
        for _ in range(5):
            optimizer.zero_grad()
            loss = (w * w).abs().sum() + (w * (1 + 2j)).real.sum()
            loss.backward()
            optimizer.step()
        results.append(w.detach().numpy())
    np.testing.assert_allclose(results[1], results[0], rtol=1e-12, atol=1e-14)


def test_complex64_checkpoints_round_trip_and_complex128_is_refused_with_the_fix(tmp_path):
    z = ag.tensor([1 + 2j, 3 - 1j])
    ag.save({"z": z, "x": ag.ones(2)}, tmp_path / "a.safetensors")
    loaded = ag.load(tmp_path / "a.safetensors")
    assert loaded["z"].dtype == ag.complex64 and loaded["z"].tolist() == z.tolist()
    with pytest.raises(TypeError, match=r"complex128.*view_as_real"):
        ag.save({"z": z.to(ag.complex128)}, tmp_path / "b.safetensors")
    safetensors = pytest.importorskip("safetensors.numpy")
    assert safetensors.load_file(str(tmp_path / "a.safetensors"))["z"].dtype == np.complex64


def test_real_programs_pay_nothing_until_a_complex_tensor_exists():
    code = ("import autograd as ag, autograd.complex_forms as cf\n"
            "x = ag.randn(3, requires_grad=True); (x * 2).exp().sum().backward(); print(cf.active)\n"
            "z = ag.tensor([1j]); print(cf.active)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False", "True"], out.stderr


def test_a_linear_layer_cast_to_complex_matches_torch():
    torch = require_torch()
    ours = nn.Linear(3, 2).double()
    theirs = torch.nn.Linear(3, 2).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(ours.weight.detach().numpy()))
        theirs.bias.copy_(torch.tensor(ours.bias.detach().numpy()))
    ours.to(ag.complex128)
    theirs.to(torch.complex128)
    x = RNG.standard_normal((4, 3)) * (1 + 1j)
    grads = []
    for module, lib in ((ours, ag), (theirs, torch)):
        y = module(lib.tensor(x))
        assert str(y.dtype).split(".")[-1] == "complex128"
        (y.abs() ** 2).sum().backward()
        grads.append([p.grad.resolve_conj().numpy() if lib is torch else p.grad.numpy() for p in module.parameters()])
    for g1, g2 in zip(*grads):
        np.testing.assert_allclose(g1, g2, rtol=1e-12)


def test_cfloat_and_cdouble_cast_as_torch():
    torch = require_torch()
    x = ag.tensor(REAL, requires_grad=True)
    y = x.cfloat()
    assert y.dtype == ag.complex64 and x.cdouble().dtype == ag.complex128
    assert str(torch.tensor(REAL).cfloat().dtype).split(".")[-1] == str(y.dtype)
    (y * (1 + 2j)).real.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.ones_like(REAL))
