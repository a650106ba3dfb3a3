"""Differences from PyTorch 2.13 found by sweeping ops over every dtype, 0-d and empty shapes and Python-number
operands (the sweep compares values, dtypes, shapes and whether both raise), each checked here against torch."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")


def _same(ours, theirs):
    assert str(ours.dtype).replace("autograd.", "") == str(theirs.dtype).replace("torch.", "")
    assert tuple(ours.shape) == tuple(theirs.shape)
    wide = np.complex128 if theirs.dtype.is_complex else np.float64
    np.testing.assert_allclose(np.asarray(ours.float().numpy() if "bfloat16" in str(ours.dtype) else ours.numpy(),
                                          dtype=wide),
                               np.asarray(theirs.float().numpy() if theirs.dtype == torch.bfloat16 else theirs.numpy(),
                                          dtype=wide), rtol=1e-6, equal_nan=True)


def _both(fn, data, dtype):
    return fn(ag, ag.tensor(np.array(data, dtype=dtype))), fn(torch, torch.tensor(np.array(data, dtype=dtype)))


@pytest.mark.parametrize("fn", [
    lambda m, x: m.any(x), lambda m, x: m.all(x), lambda m, x: x.any(dim=0, keepdim=True),
    lambda m, x: x.all(-1), lambda m, x: m.any(x, dim=(0,)),
])
@pytest.mark.parametrize("data", [[0, 3, 1], [4, 4], []])
def test_any_and_all_of_uint8_give_uint8(fn, data):
    _same(*_both(fn, data, np.uint8))


@pytest.mark.parametrize("op", ["any", "all", "count_nonzero"])
@pytest.mark.parametrize("dim", [0, -1, (0,), (-1,)])
def test_a_0d_tensor_reduces_over_a_dim_tuple(op, dim):
    _same(*(getattr(m, op)(m.tensor(2), dim=dim) for m in (ag, torch)))


@pytest.mark.parametrize("op", ["argmax", "argmin"])
def test_arg_reductions_of_a_tensor_empty_along_another_dim_are_empty(op):
    _same(*(getattr(m, op)(m.zeros(0, 3), dim=1) for m in (ag, torch)))
    ours, theirs = (m.max(m.zeros(0, 3), dim=-1) for m in (ag, torch))
    _same(ours.values, theirs.values)
    _same(ours.indices, theirs.indices)
    with pytest.raises(ValueError, match=f"{op}: the tensor is empty"):
        getattr(ag, op)(ag.zeros(0, 3), dim=0)


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
@pytest.mark.parametrize("dtype", [np.bool_, np.uint8, np.int32])
def test_running_sums_of_0d_integer_tensors_are_int64(op, dtype):
    _same(*_both(lambda m, x: getattr(m, op)(x, 0), 1, dtype))


@pytest.mark.parametrize("op", ["median", "nanmedian"])
def test_the_median_of_an_empty_float_tensor_is_nan(op):
    _same(*(getattr(m, op)(m.zeros(0)) for m in (ag, torch)))
    assert np.isnan(getattr(ag, op)(ag.zeros(0, dtype=ag.bfloat16)).float().item())
    with pytest.raises(ValueError, match=f"{op}: the int64 input of shape"):   # PyTorch: int64's smallest value
        getattr(ag, op)(ag.zeros(0, dtype=ag.int64))


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64])
def test_integer_powers_with_negative_tensor_exponents(dtype):
    base, exponent = np.array([2, 3, 0, 1, -1, -1, 5], dtype), np.array([-2, -1, -1, -3, -3, -2, 2], dtype)
    _same(*(m.pow(m.tensor(base), m.tensor(exponent)) for m in (ag, torch)))
    _same(2 ** ag.tensor(np.array([-1, 2, 3], dtype)), 2 ** torch.tensor(np.array([-1, 2, 3], dtype)))


def test_bool_powers_stay_bool():
    b = [True, False, True]
    for exponent in (True, False):
        _same(*_both(lambda m, x: m.pow(x, exponent), b, np.bool_))
    with pytest.raises(Exception, match="negative integer powers"):   # PyTorch refuses this one too
        ag.pow(ag.tensor([2, 3]), -1)


@pytest.mark.parametrize("op", [
    lambda m, x: m.copysign(x, -3), lambda m, x: m.xlogy(x, -3), lambda m, x: m.xlogy(-3, x),
    lambda m, x: m.atan2(x, m.tensor(-3)), lambda m, x: m.copysign(x, m.tensor(-3)),
    lambda m, x: m.special.xlog1py(x, -3), lambda m, x: m.logaddexp2(x.double(), m.tensor(-300)),
    lambda m, x: m.floor_divide(x, -3), lambda m, x: m.div(x, -3, rounding_mode="trunc"),
    lambda m, x: m.div(x, -3), lambda m, x: x % -3,
])
def test_a_negative_int_beside_a_uint8_tensor(op):
    # float-valued ops keep the number's value; integer ones wrap it into uint8 (-3 is 253), as PyTorch
    _same(*_both(op, [2, 3, 0, 1], np.uint8))


@pytest.mark.parametrize("half", ["float16", "bfloat16"])
def test_ldexp_of_integers_by_a_half_exponent_is_half(half):
    ours = ag.ldexp(ag.tensor([1, 2, 3]), ag.tensor([1.0, 2.0, -1.0]).to(getattr(ag, half)))
    theirs = torch.ldexp(torch.tensor([1, 2, 3]), torch.tensor([1.0, 2.0, -1.0]).to(getattr(torch, half)))
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(ours.float().numpy(), theirs.float().numpy())


@pytest.mark.parametrize("dtypes", [(np.uint8, np.float32), (np.float64, np.int32), (np.int64, np.float16)])
def test_dist_between_an_integer_and_a_float_tensor(dtypes):
    a, b = np.array([[1, 2, 3], [4, 5, 6]], dtypes[0]), np.array([0.5, 2.0, 7.0], dtypes[1])
    for p in (2, 1, float("inf")):
        _same(*(m.dist(m.tensor(a), m.tensor(b), p) for m in (ag, torch)))
    with pytest.raises(TypeError, match=r"dist: expects float tensors, got int64 and int64; convert one with \.to"):
        ag.dist(ag.tensor([1, 2]), ag.tensor([3, 4]))


@pytest.mark.parametrize("dtypes", [(np.int32, np.float32), (np.int64, np.complex64), (np.bool_, np.uint8),
                                    (np.float16, np.int64), (np.uint8, np.int8)])
@pytest.mark.parametrize("op", ["cat", "stack"])
def test_cat_and_stack_promote_as_pytorch(dtypes, op):
    parts = [np.array([[1, 0, 2]], d) for d in dtypes]
    _same(*(getattr(m, op)([m.tensor(p) for p in parts]) for m in (ag, torch)))


def test_cat_of_mixed_dtypes_passes_gradients_back_in_each_dtype():
    a, b = ag.tensor([1.5, 2.5], requires_grad=True), ag.tensor([1.0], dtype=ag.float64, requires_grad=True)
    ag.cat([a, b, ag.tensor([3])]).sum().backward()
    assert a.grad.dtype == ag.float32 and b.grad.dtype == ag.float64


@pytest.mark.parametrize("dtype, value", [(np.int64, 1.5), (np.bool_, 2), (np.uint8, -1), (np.int32, -7.9),
                                          (np.bool_, 0.0), (np.float16, 1e-4)])
def test_masked_fill_keeps_the_tensor_dtype(dtype, value):
    data = np.array([1, 0, 3], dtype)
    _same(*(m.tensor(data).masked_fill(m.tensor([True, False, True]), value) for m in (ag, torch)))


@pytest.mark.parametrize("dtypes", [(np.uint8, np.bool_, np.bool_), (np.int32, np.bool_, np.int64),
                                    (np.float32, np.float16, np.float16), (np.float64, np.float16, "bfloat16")])
def test_addcmul_and_addcdiv_compute_in_the_common_dtype(dtypes):
    def made(m, d, values):
        return m.tensor(np.array(values, np.float32)).to(getattr(m, d)) if isinstance(d, str) else m.tensor(
            np.array(values, d))
    for op in ("addcmul", "addcdiv"):
        if op == "addcdiv" and all(np.dtype(d).kind in "biu" for d in dtypes[1:] if not isinstance(d, str)):
            continue
        _same(*(getattr(m, op)(made(m, dtypes[0], [1, 2]), made(m, dtypes[1], [1.3, 1]),
                               made(m, dtypes[2], [2.7, 1]), value=2) for m in (ag, torch)))


@pytest.mark.parametrize("target, source", [(np.uint8, np.int32), (np.int8, np.int64), (np.float16, np.float64),
                                            (np.int32, np.bool_)])
def test_in_place_arithmetic_stores_a_wider_result_of_the_same_category(target, source):
    for inplace in ("__iadd__", "__imul__"):
        _same(*(getattr(m.tensor(np.array([1, 2, 3], target)), inplace)(m.tensor(np.array([300, 2, 1], source)))
                for m in (ag, torch)))
    with pytest.raises(RuntimeError, match="cannot be stored"):   # a float result into an int tensor is refused
        x = ag.tensor([1, 2])
        x += ag.tensor([1.5, 2.0])


@pytest.mark.parametrize("make", [
    lambda m: m.full((2,), -1, dtype=m.uint8), lambda m: m.tensor([-1, 1, -255], dtype=m.uint8),
    lambda m: m.tensor(-1, dtype=m.uint8), lambda m: m.zeros(2, dtype=m.uint8).fill_(-2),
    lambda m: m.zeros(2, dtype=m.uint8).new_full((2,), -1),
    lambda m: m.zeros(3, dtype=m.uint8).index_fill(0, m.tensor([0, 2]), -1),
    lambda m: m.zeros(2, dtype=m.uint8).scatter(0, m.tensor([1]), -1),
    lambda m: m.clamp(m.tensor([1, 2], dtype=m.uint8), min=-1), lambda m: m.clamp(m.zeros(2, dtype=m.uint8), max=-1),
])
def test_a_negative_int_into_an_unsigned_tensor_wraps_around(make):
    _same(make(ag), make(torch))


def test_setitem_of_a_negative_int_into_uint8_wraps_around():
    tensors = [m.zeros(3, dtype=m.uint8) for m in (ag, torch)]
    for t in tensors:
        t[1] = -1
    _same(*tensors)


@pytest.mark.parametrize("make", [
    lambda m: m.full((2,), 300, dtype=m.uint8), lambda m: m.tensor([[1, 300]], dtype=m.uint8),
    lambda m: m.zeros(2, dtype=m.int8).fill_(200), lambda m: m.full((1,), 2 ** 40, dtype=m.int32),
])
def test_an_int_out_of_range_is_refused_with_a_clear_error(make):
    with pytest.raises(RuntimeError):
        make(torch)
    with pytest.raises(OverflowError, match=r"cannot be stored in a tensor of dtype \w+ without overflow"):
        make(ag)


@pytest.mark.parametrize("bounds", [(0, 2.5), (0.5, 3), (0, 3, 1.5), (-0.5, 2), (5, 0.5, -1.5), (3.7, -2.2, -1.0),
                                    (10.0, 0, -3), (0, 1.5)])
@pytest.mark.parametrize("dtype", ["int64", "int32", "int16"])
def test_arange_of_float_bounds_into_an_integer_dtype(bounds, dtype):
    _same(*(m.arange(*bounds, dtype=getattr(m, dtype)) for m in (ag, torch)))


def test_diag_embed_of_a_bool_tensor_stays_bool():
    _same(*_both(lambda m, x: m.diag_embed(x, 1), [[True, False], [False, True]], np.bool_))


def _graph_program(m, steps):
    x = m.tensor([[0.5, -1.0], [2.0, 3.0]], requires_grad=True)
    t0 = x * 1.0
    t1 = t0.unsqueeze(0)
    for step in steps:
        step(m, t0, t1)
    (t0 * m.tensor([[1.0, 2.0], [3.0, 4.0]]) + t1.sin().sum()).sum().backward()
    return t0.detach(), x.grad


@pytest.mark.parametrize("steps", [
    [lambda m, t0, t1: t0.clamp_(-0.5, 2.5), lambda m, t0, t1: t0.fill_(0.25)],
    [lambda m, t0, t1: t0.mul_(2.0), lambda m, t0, t1: t0.zero_(), lambda m, t0, t1: t0.add_(t0)],
    [lambda m, t0, t1: t0.pow_(2), lambda m, t0, t1: t1.div_(3.0)],
    [lambda m, t0, t1: t0.div_(2.0), lambda m, t0, t1: t1.pow_(2)],
    [lambda m, t0, t1: t0.pow_(3), lambda m, t0, t1: t0.mul_(0.5), lambda m, t0, t1: t1.fill_(1.0)],
])
def test_in_place_programs_on_graph_tensors_and_their_views(steps):
    """fill_ / zero_ of a tensor inside a graph give its old value a zero gradient; pow_ and div_ by a number keep
    no output for backward (PyTorch's formulas need none), so a later in-place change through a view is allowed."""
    (ours, ours_grad), (theirs, theirs_grad) = (_graph_program(m, steps) for m in (ag, torch))
    _same(ours, theirs)
    _same(ours_grad, theirs_grad)


def test_fill_inside_a_graph_is_a_graph_node():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    t = x * 2
    t.fill_(0.5)
    assert t.requires_grad and type(t.grad_fn).__name__ == "FillBackward2"
    t.zero_()
    assert type(t.grad_fn).__name__ == "ZeroBackward0"


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_float_floor_division_is_pythons(dtype):
    a = np.array([1.0, 0.3, -1.0, 7.0, np.inf, -1.5, 5.0, 0.0, -0.0], dtype)
    b = np.array([0.1, 0.1, 0.1, 0.1, -1.0, np.inf, 0.0, 0.0, 3.0], dtype)
    for op in (lambda m, x, y: m.floor_divide(x, y), lambda m, x, y: m.div(x, y, rounding_mode="floor"),
               lambda m, x, y: x // y, lambda m, x, y: x // 0.1):
        ours, theirs = (op(m, m.tensor(a), m.tensor(b)) for m in (ag, torch))
        _same(ours, theirs)
        np.testing.assert_array_equal(np.signbit(ours.numpy()), np.signbit(theirs.numpy()))


@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16"])
def test_the_sign_of_nan_is_zero(dtype):
    values = [float("nan"), -2.0, 0.0, 3.0]
    _same(*(m.sign(m.tensor(values).to(getattr(m, dtype))) for m in (ag, torch)))
    _same(*(m.sgn(m.tensor(values).to(getattr(m, dtype))) for m in (ag, torch)))
    _same(*(m.sign(m.tensor(float("nan"))) for m in (ag, torch)))


@pytest.mark.parametrize("op", [
    lambda m, F, x: F.rms_norm(x, x.shape[-1:]),
    lambda m, F, x: F.grid_sample(x, (m.linspace(-1.2, 1.2, 48).reshape(2, 4, 3, 2)).to(x.dtype), align_corners=False),
    lambda m, F, x: F.affine_grid(m.tensor([[[1.0, 0.2, 0.1], [0.0, 0.9, 0.0]]] * 2).to(x.dtype), [2, 3, 5, 4],
                                  align_corners=False),
])
def test_functional_ops_take_bfloat16(op):
    import nn.functional as ours_f
    import torch.nn.functional as torch_f
    data = np.random.default_rng(11).standard_normal((2, 3, 5, 4)).astype(np.float32)
    ours = op(ag, ours_f, ag.tensor(data).to(ag.bfloat16))
    theirs = op(torch, torch_f, torch.tensor(data).to(torch.bfloat16))
    assert str(ours.dtype) == "bfloat16" and theirs.dtype == torch.bfloat16
    np.testing.assert_allclose(ours.float().numpy(), theirs.float().numpy(), rtol=2e-2, atol=2e-2)


def test_gumbel_softmax_and_fractional_max_pool_take_bfloat16():
    import nn.functional as F
    x = ag.tensor(np.random.default_rng(2).standard_normal((2, 3, 6, 6)).astype(np.float32)).to(ag.bfloat16)
    assert str(F.gumbel_softmax(x, tau=0.5, hard=True).dtype) == "bfloat16"
    assert str(F.fractional_max_pool2d(x, 2, output_size=3).dtype) == "bfloat16"


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_nextafter_steps_in_the_half_dtype_itself(dtype):
    # through float32 the step was rounded away: float16 nextafter(0.5, 1) gave 0.5
    values, targets = [0.5, 1.0, -0.0, 3.0], [1.0, 0.0, 1.0, -5.0]
    ours, theirs = (m.nextafter(m.tensor(values).to(getattr(m, dtype)), m.tensor(targets).to(getattr(m, dtype)))
                    for m in (ag, torch))
    np.testing.assert_array_equal(ours.float().numpy(), theirs.float().numpy())


@pytest.mark.parametrize("op", [
    lambda m, F, x: m.frexp(x)[0], lambda m, F, x: m.frexp(x)[1], lambda m, F, x: m.histc(x, 4),
    lambda m, F, x: m.igamma(x, x * 2), lambda m, F, x: m.special.gammaincc(x, x),
    lambda m, F, x: F.cross_entropy(x, x.softmax(-1)),
])
def test_more_ops_take_bfloat16(op):
    import nn.functional as ours_f
    import torch.nn.functional as torch_f
    data = np.random.default_rng(1).uniform(0.1, 0.9, (3, 4)).astype(np.float32)
    ours, theirs = op(ag, ours_f, ag.tensor(data).to(ag.bfloat16)), op(torch, torch_f, torch.tensor(data).to(torch.bfloat16))
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.float().numpy(), theirs.float().numpy(), rtol=1e-2)


def test_device_kind_flags_as_pytorch_on_the_cpu():
    for m in (ag, torch):
        x = m.ones(3, 2)
        assert not any(getattr(x, f"is_{kind}") for kind in ("mps", "xpu", "xla", "ipu", "mtia", "maia", "vulkan",
                                                               "nested"))


@pytest.mark.parametrize("shape", [(2, 0, 0), (2, 0, 3), (0, 3, 3)])
def test_norms_cond_and_lu_of_empty_matrices(shape):
    for ord_ in (2, 1, float("inf"), "fro", "nuc"):
        _same(*(m.linalg.matrix_norm(m.zeros(shape, dtype=m.float64), ord_) for m in (ag, torch)))
    if shape[-1] == shape[-2]:
        _same(*(m.linalg.cond(m.zeros(shape, dtype=m.float64)) for m in (ag, torch)))
        ours, theirs = (m.linalg.lu_factor(m.zeros(shape, dtype=m.float64)) for m in (ag, torch))
        _same(ours.LU, theirs.LU)
        _same(ours.pivots, theirs.pivots)


@pytest.mark.parametrize("op", [
    lambda m, x: x.T.softmax(1), lambda m, x: x.T.log_softmax(0), lambda m, x: x.T.cumsum(1), lambda m, x: x.T.cumprod(0),
    lambda m, x: x[:1].expand(4, 6).double(), lambda m, x: x[:, :1].expand(6, 5).to(m.int64),
    lambda m, x: x.T.masked_fill(x.T > 0, 0.0), lambda m, x: x.T.roll(1, 0), lambda m, x: x[:1].expand(6, 6).sigmoid(),
])
def test_results_pytorch_makes_contiguous_can_be_viewed(op):
    data = np.random.default_rng(0).standard_normal((6, 6)).astype(np.float32)
    ours, theirs = op(ag, ag.tensor(data)), op(torch, torch.tensor(data))
    assert theirs.is_contiguous() and ours.is_contiguous()
    _same(ours.view(-1), theirs.view(-1))


_INDEXES = [
    lambda m: (1, slice(None), m.tensor([0, 4, 4])), lambda m: (m.tensor([0, 2]), 1, m.tensor([1, 3])),
    lambda m: (slice(None), m.tensor([0, 2, 2]), 1, m.tensor([1, 0, 3])), lambda m: (None, 1, Ellipsis, m.tensor([0, 5])),
    lambda m: (1, None, slice(None), m.tensor([0, 4]), 2), lambda m: (m.tensor([1, 0]), slice(None), slice(None), 2),
    lambda m: (slice(None), m.tensor([[0, 1], [3, 2]]), slice(None), 0), lambda m: (1, m.tensor([True, False, True, True])),
]


@pytest.mark.parametrize("make_index", _INDEXES)
def test_an_int_beside_index_arrays_selects_first_as_pytorch(make_index):
    """NumPy counts the int as an advanced index (x[1, :, idx] puts idx's dims first); PyTorch selects with it
    first, so the array dims stay where the arrays are."""
    data = np.arange(360, dtype=np.float64).reshape(3, 4, 5, 6)
    weights = np.random.default_rng(0).standard_normal(torch.tensor(data)[make_index(torch)].shape)
    results = []
    for m in (ag, torch):
        x = m.tensor(data, requires_grad=True)
        picked = x[make_index(m)]
        (picked * m.tensor(weights)).sum().backward()
        y = m.tensor(data)
        y[make_index(m)] = m.tensor(weights)
        results.append((picked.detach(), x.grad, y))
    for ours, theirs in zip(*results):
        _same(ours, theirs)


def test_setitem_through_the_graph_with_an_int_beside_index_arrays():
    results = []
    for m in (ag, torch):
        value = m.arange(12.0, dtype=m.float64).reshape(4, 3).requires_grad_()
        w = m.zeros(3, 4, 5, dtype=m.float64, requires_grad=True) * 1
        w[1, :, m.tensor([0, 4, 3])] = value
        (w * m.arange(60.0, dtype=m.float64).reshape(3, 4, 5)).sum().backward()
        results.append((w.detach(), value.grad))
    for ours, theirs in zip(*results):
        _same(ours, theirs)


def test_a_0d_integer_tensor_index_gives_a_view():
    for m in (ag, torch):
        x = m.arange(12).reshape(3, 4)
        row = x[m.tensor(2)]
        x[m.tensor(2)] = 0
        assert row.sum().item() == 0


def test_a_sum_of_plus_and_minus_infinity_is_nan_without_a_numpy_warning():
    # in a program of its own: pytest replaces the warning filters that autograd installs on import
    import subprocess
    import sys
    code = "import autograd as ag; print(ag.tensor([float('inf'), float('-inf'), 1.0]).sum().item())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "nan" and "RuntimeWarning" not in done.stderr, done.stderr


def test_scheduler_state_dicts_save_users_functions_as_pytorch():
    import nn

    class Warmup:   # a callable object: PyTorch saves its attributes; a plain function or lambda is saved as None
        def __init__(self):
            self.k = 3

        def __call__(self, epoch):
            return min(1.0, (epoch + 1) / self.k)

    states = []
    for lib, schedulers, param, optim in ((ag, nn.optim.lr_scheduler, nn.Parameter, nn.optim),
                                          (torch, torch.optim.lr_scheduler, torch.nn.Parameter, torch.optim)):
        opt = optim.SGD([param(lib.ones(1))], lr=0.1)
        made = [schedulers.LambdaLR(opt, [Warmup()]), schedulers.MultiplicativeLR(opt, lambda e: 0.9),
                schedulers.CyclicLR(opt, 0.01, 0.1), optim.swa_utils.SWALR(opt, swa_lr=0.05)]
        states.append([{k: v for k, v in s.state_dict().items() if k not in ("base_lrs", "_last_lr")} for s in made])
        restored = Warmup()
        again = schedulers.LambdaLR(opt, [restored])
        again.load_state_dict({**made[0].state_dict(), "lr_lambdas": [{"k": 7}]})
        assert restored.k == 7
    for ours, theirs in zip(*states):
        assert sorted(ours) == sorted(theirs)
        for key in ("lr_lambdas", "_scale_fn_custom", "_anneal_strategy"):
            assert ours.get(key) == theirs.get(key)


def test_setitem_on_a_0d_result_inside_a_graph():
    # a full reduction's 0-d result (NumPy hands it over as a scalar) took no assignment: "'numpy.float32' object
    # does not support item assignment"
    results = []
    for m in (ag, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        total = (x * 1.0).sum(0)
        total[...] = 2.0
        (total * 3).backward()
        results.append((total.detach(), x.grad))
    for ours, theirs in zip(*results):
        _same(ours, theirs)


@pytest.mark.parametrize("make", [lambda m: m.zeros(2, dtype=m.uint8).masked_fill(m.tensor([True, False]), 300),
                                  lambda m: m.clamp(m.zeros(2, dtype=m.uint8), max=300),
                                  lambda m: m.zeros(2, dtype=m.int8).masked_fill(m.tensor([True, False]), -129)])
def test_masked_fill_and_clamp_refuse_an_int_out_of_the_dtypes_range(make):
    with pytest.raises(RuntimeError):
        make(torch)
    with pytest.raises(OverflowError, match="without overflow"):
        make(ag)
