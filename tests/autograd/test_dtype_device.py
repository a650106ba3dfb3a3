"""dtype promotion, moving between devices and dtypes with gradients, NumPy/DLPack exchange, seeding."""
import numpy as np
import pytest

import autograd as ag
import backends

# ops with a Python (or NumPy) scalar operand
SCALAR_OPS = [
    ("add", lambda t: t + 1.5), ("radd", lambda t: 1.5 + t), ("sub_int", lambda t: t - 2), ("rsub", lambda t: 2.5 - t),
    ("mul", lambda t: t * 0.1), ("div", lambda t: t / 3.0), ("rdiv", lambda t: 1.0 / t), ("pow", lambda t: t ** 2.0),
    ("rpow", lambda t: 2.0 ** t), ("maximum", lambda t: ag.maximum(t, 0.5)), ("minimum", lambda t: ag.minimum(0.5, t)),
    ("where", lambda t: ag.where(t > 0, t, 0.0)), ("clip", lambda t: ag.clip(t, 0.1, 0.9)),
    ("numpy_float64", lambda t: t * np.float64(2.0)), ("numpy_sqrt", lambda t: t / np.sqrt(2.0)),
    ("numpy_int", lambda t: t + np.int64(3)),
]


@pytest.mark.parametrize("dtype", [ag.float32, ag.float16])
@pytest.mark.parametrize("name,op", SCALAR_OPS, ids=[s[0] for s in SCALAR_OPS])
def test_python_scalars_never_widen_a_float_tensor(device, name, op, dtype):
    x = ag.tensor(np.array([0.25, 0.5], dtype=dtype), device=device, requires_grad=True)
    out = op(x)
    assert out.dtype == dtype
    out.sum().backward()
    assert x.grad.dtype == dtype


# a's dtype, b's dtype, result dtype (PyTorch's rules)
TENSOR_PAIRS = [
    (np.int64, np.float32, np.float32), (np.int32, np.float64, np.float64), (np.bool_, np.float32, np.float32),
    (np.float32, np.float64, np.float64), (np.float16, np.float32, np.float32), (np.int64, np.int64, np.int64),
    (np.int32, np.int64, np.int64),
]


def _sub(a, b):
    return a - b


@pytest.mark.parametrize("op", [lambda a, b: a + b, lambda a, b: b * a, _sub, ag.maximum],
                         ids=["add", "rmul", "sub", "maximum"])
@pytest.mark.parametrize("da,db,expected", TENSOR_PAIRS, ids=lambda d: np.dtype(d).name)
def test_mixed_dtype_tensors_promote_and_gradients_keep_each_input_dtype(device, da, db, expected, op):
    a = ag.tensor(np.array([1, 0, 1]).astype(da), device=device)
    b = ag.tensor(np.array([2, 3, 4]).astype(db), device=device)
    for t in (a, b):
        if t.dtype.kind == "f":
            t.requires_grad_()
    if op is _sub and np.bool_ in (da, db):   # PyTorch refuses a bool tensor in a subtraction
        with pytest.raises(RuntimeError, match="bool"):
            op(a, b)
        return
    out = op(a, b)
    assert out.dtype == expected
    if out.requires_grad:
        out.sum().backward()
        for t in (a, b):
            if t.requires_grad:
                assert t.grad.dtype == t.dtype and t.grad.shape == t.shape


def test_integer_tensor_with_python_numbers(device):
    i = ag.tensor([1, 2, 3], device=device)
    assert (i + 1).dtype == np.int64 and (i * 2).dtype == np.int64
    assert (i + 0.5).dtype == np.float32 and (i / 2).dtype == np.float32
    assert ag.mean(i, dtype=ag.float32).dtype == np.float32 and i.float().mean().dtype == np.float32
    with pytest.raises(RuntimeError, match=r"mean\(\): input must be a floating point .* int64"):
        ag.mean(i)   # as PyTorch: the mean of integers needs a floating dtype
    np.testing.assert_allclose((i / 2).numpy(), [0.5, 1.0, 1.5])


@pytest.mark.parametrize("target", [ag.float64, float, np.dtype("float64")], ids=["type", "python_float", "dtype"])
def test_to_another_dtype_keeps_the_gradient_dtype_of_the_leaf(device, target):
    x = ag.tensor([1.0, 2.0], device=device, requires_grad=True)
    y = x.to(target)
    assert y.dtype == np.float64 and y.device == x.device
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])
    assert x.astype(ag.float32) is x and x.to(device) is x


def test_astype_to_int_stops_the_gradient(device):
    x = ag.tensor([1.7, -2.2], device=device, requires_grad=True)
    i = x.astype(ag.int64)
    assert i.dtype == np.int64 and not i.requires_grad
    np.testing.assert_array_equal(i.numpy(), [1, -2])


def test_to_another_device_and_back_with_gradients(device, second_host_device):
    x = ag.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    y = x.to(second_host_device)
    assert y.device.name == second_host_device and y.requires_grad
    if ag.device(device).host_memory:
        assert np.shares_memory(y.numpy(), x.numpy())  # host to host: no copy
    (y * y).sum().backward()
    assert x.grad.device == x.device
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0, 6.0])


def test_to_another_device_under_create_graph(device, second_host_device):
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, device=device, requires_grad=True)
    (g,) = ag.grad((x.to(second_host_device) ** 3).sum(), x, create_graph=True)
    assert g.device == x.device
    (h,) = ag.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), 6 * x.numpy())


def test_cpu_and_numba_share_memory():
    if "numba" not in backends.available():
        pytest.skip("numba is not available here")
    x = ag.tensor([1.0, 2.0], device="cpu")
    y = x.to("numba")
    assert y.device.name == "numba" and np.shares_memory(x.numpy(), y.numpy())
    assert y.cpu().device.name == "cpu"


def test_numpy_array_protocol(device):
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], device=device, requires_grad=True)
    a = np.asarray(x)
    assert a.dtype == np.float32 and a.shape == (2, 2)
    if ag.device(device).host_memory:
        assert np.shares_memory(a, x.numpy())
        assert not np.shares_memory(np.array(x), x.numpy())
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal(np.asarray(np.exp(x.detach())), np.exp(x.numpy()))  # ufuncs accept tensors


def _host_device(device):
    if not ag.device(device).host_memory:
        pytest.skip("zero-copy NumPy exchange needs a host-memory device")


def test_dlpack_round_trip_with_numpy_without_copies(device):
    _host_device(device)
    x = ag.tensor(np.arange(6.0).reshape(2, 3), device=device)
    a = np.from_dlpack(x)
    assert np.shares_memory(a, x.numpy())
    src = np.arange(4, dtype=np.float64)
    t = ag.from_dlpack(src, device=device)
    assert isinstance(t, ag.Tensor) and t.device == ag.device(device) and t.dtype == np.float64
    assert np.shares_memory(t.numpy(), src)
    src[0] = 42.0
    assert t[0].item() == 42.0


def test_dlpack_round_trip_with_torch_without_copies(device):
    torch = pytest.importorskip("torch")
    _host_device(device)
    x = ag.tensor(np.arange(6.0).reshape(2, 3), device=device)
    tt = torch.from_dlpack(x)
    assert tuple(tt.shape) == (2, 3) and np.shares_memory(tt.numpy(), x.numpy())
    src = torch.arange(5, dtype=torch.float32)
    t = ag.from_dlpack(src, device=device)
    assert t.dtype == np.float32 and np.shares_memory(t.numpy(), src.numpy())
    back = torch.from_dlpack(t)
    back[1] = -1.0
    assert src[1].item() == -1.0


RANDOM = [("rand", lambda d: ag.rand(5, device=d)), ("randn", lambda d: ag.randn(2, 3, device=d)),
          ("randint", lambda d: ag.randint(0, 1000, size=(6,), device=d))]


@pytest.mark.parametrize("name,draw", RANDOM, ids=[r[0] for r in RANDOM])
def test_manual_seed_makes_random_tensors_reproducible(device, name, draw):
    ag.manual_seed(1234)
    first = draw(device).numpy().copy()
    second = draw(device).numpy().copy()
    ag.manual_seed(1234)
    np.testing.assert_array_equal(draw(device).numpy(), first)
    np.testing.assert_array_equal(draw(device).numpy(), second)
    assert not np.array_equal(first, second)
    ag.manual_seed(4321)
    assert not np.array_equal(draw(device).numpy(), first)


def test_manual_seed_seeds_every_device():
    names = backends.available()
    ag.manual_seed(7)
    first = {name: ag.randn(4, device=name).numpy().copy() for name in names}
    ag.manual_seed(7)
    for name in names:
        np.testing.assert_array_equal(ag.randn(4, device=name).numpy(), first[name])


def test_default_device_can_be_changed_and_is_exported(monkeypatch):
    import os
    previous = ag.get_default_device()
    monkeypatch.setenv("DEEPGRAD_DEVICE", previous.name)
    try:
        ag.set_default_device("cpu")
        assert ag.zeros(1).device.name == "cpu"
        assert os.environ["DEEPGRAD_DEVICE"] == "cpu"
    finally:
        ag.set_default_device(previous.name)


ZERO_DIM_PAIRS = [("float32", (3,), "float64", ()), ("float64", (), "float32", (3,)), ("float64", (3,), "float32", ()),
                  ("float64", (), "float32", ()), ("int32", (3,), "int64", ()), ("int64", (3,), "float64", ()),
                  ("bool", (3,), "int64", ()), ("int32", (3,), "bool", ()), ("float16", (3,), "float64", ())]


@pytest.mark.parametrize("op", [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: b + a, lambda a, b: a / b],
                         ids=["add", "mul", "radd", "div"])
@pytest.mark.parametrize("da,sa,db,sb", ZERO_DIM_PAIRS, ids=lambda v: str(v))
def test_a_0d_tensor_does_not_widen_a_dimensioned_one_of_its_category_as_torch(device, op, da, sa, db, sb):
    torch = pytest.importorskip("torch")
    a_np, b_np = np.full(sa, 2, dtype=da), np.full(sb, 3, dtype=db)
    ours = op(ag.tensor(a_np, device=device), ag.tensor(b_np, device=device))
    theirs = op(torch.from_numpy(a_np), torch.from_numpy(b_np))
    assert ours.dtype == theirs.numpy().dtype and ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy())


def test_a_0d_float64_factor_keeps_its_gradient_dtype_while_the_result_stays_float32(device):
    scale = ag.tensor(2.0, dtype=ag.float64, device=device, requires_grad=True)
    out = ag.ones(3, device=device) * scale
    out.sum().backward()
    assert out.dtype == ag.float32 and scale.grad.dtype == ag.float64 and scale.grad.item() == 3.0


@pytest.mark.parametrize("bounds", ["min", "max", "both", "crossed"])
def test_clamp_with_tensor_bounds_matches_torch_in_dtype_values_and_gradients(device, bounds):
    torch = pytest.importorskip("torch")
    from tests.helpers import check_against_torch
    x = np.array([-2.0, -0.5, 0.3, 0.7, 1.5, 3.0])
    lo, hi = np.array([-1.0, -1.0, 0.3, 0.0, 0.0, 2.0]), np.array([1.0, 1.0, 1.0, 0.5, 2.0, 1.0])

    def run(lib):
        def f(x, lo, hi):
            kwargs = {"min": {"min": lo}, "max": {"max": hi}, "both": {"min": lo, "max": hi},
                      "crossed": {"min": hi, "max": lo}}[bounds]
            return lib.clamp(x, **kwargs)
        return f
    check_against_torch(run(ag), run(torch), [x, lo, hi], device=device, rtol=1e-12, atol=1e-12)
    for lib in (ag, torch):
        assert str(lib.clamp(lib.ones(3), min=lib.tensor(2.0, dtype=lib.float64)).dtype).endswith("float32")


@pytest.mark.parametrize("bounds", [(1.5, None), (None, 1.5), (0.5, 2), (1, 2), (np.float64(0.5), None), (np.int64(1), 2)],
                         ids=["float-min", "float-max", "float-and-int", "ints", "numpy-float", "numpy-int"])
@pytest.mark.parametrize("values", [[1, 2, 3], [1.0, 2.0, 3.0]], ids=["int", "float"])
def test_clamp_with_number_bounds_matches_torch_in_dtype_and_values(device, bounds, values):
    """A float bound makes an integer tensor's result the default float (not float64); int bounds keep it."""
    torch = pytest.importorskip("torch")
    ours = ag.clamp(ag.tensor(values, device=device), *bounds)
    theirs = torch.clamp(torch.tensor(values), *bounds)
    assert ours.dtype == theirs.numpy().dtype
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
