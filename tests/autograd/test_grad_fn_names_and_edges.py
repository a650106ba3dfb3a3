"""Graph node names and edge-case gradients checked against PyTorch: the grad_fn that composite ops show (by
type name and in a printed tensor), copysign's zero gradient for its sign source, 0 ** x at negative x,
var/std with correction >= N, cdist's p = inf gradient at tied coordinates, and OneCycleLR's state_dict."""
import math
import re
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import require_torch


def _data(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _interp(mode, ndim, **kw):
    return lambda lib, fn: fn.interpolate(lib.tensor(_data(*([1, 2] + [4] * (ndim - 2))), requires_grad=True),
                                          mode=mode, **kw)


def _leaf(lib, *shape, seed=0):
    return lib.tensor(_data(*shape, seed=seed), requires_grad=True)


#: name -> fn(lib, functional) giving an output that requires grad
CASES = {
    "mode": lambda lib, fn: lib.mode(_leaf(lib, 3, 4), 1)[0],
    "nanmedian_dim": lambda lib, fn: lib.nanmedian(_leaf(lib, 3, 4), 1)[0],
    "cdist": lambda lib, fn: lib.cdist(_leaf(lib, 3, 4), _leaf(lib, 2, 4, seed=1)),
    "cdist_p1": lambda lib, fn: lib.cdist(_leaf(lib, 3, 4), _leaf(lib, 2, 4, seed=1), p=1.0),
    "cdist_p0": lambda lib, fn: lib.cdist(_leaf(lib, 3, 4), _leaf(lib, 2, 4, seed=1), p=0.0),
    "cdist_inf": lambda lib, fn: lib.cdist(_leaf(lib, 3, 4), _leaf(lib, 2, 4, seed=1), p=math.inf),
    "cdist_mm": lambda lib, fn: lib.cdist(_leaf(lib, 30, 4), _leaf(lib, 2, 4, seed=1)),
    "dist": lambda lib, fn: lib.dist(_leaf(lib, 3, 4), _leaf(lib, 3, 4, seed=1)),
    "dist_p1": lambda lib, fn: lib.dist(_leaf(lib, 3, 4), _leaf(lib, 3, 4, seed=1), 1),
    "renorm": lambda lib, fn: lib.renorm(_leaf(lib, 3, 4), 2, 0, 1.0),
    "pairwise_distance": lambda lib, fn: fn.pairwise_distance(_leaf(lib, 3, 4), _leaf(lib, 3, 4, seed=1)),
    "square": lambda lib, fn: lib.square(_leaf(lib, 3)),
    "sgn": lambda lib, fn: lib.sgn(_leaf(lib, 3)),
    "scatter_add": lambda lib, fn: lib.scatter_add(_leaf(lib, 3, 4), 1, lib.tensor([[0, 1], [1, 2], [2, 3]]),
                                                   _leaf(lib, 3, 2, seed=1)),
    "index_add": lambda lib, fn: lib.index_add(_leaf(lib, 3, 4), 0, lib.tensor([0, 2]), _leaf(lib, 2, 4, seed=1)),
    "take": lambda lib, fn: lib.take(_leaf(lib, 3, 4), lib.tensor([0, 5])),
    "cross": lambda lib, fn: lib.cross(_leaf(lib, 2, 3), _leaf(lib, 2, 3, seed=1), dim=1),
    "linalg.cross": lambda lib, fn: lib.linalg.cross(_leaf(lib, 2, 3), _leaf(lib, 2, 3, seed=1)),
    "outer": lambda lib, fn: lib.outer(_leaf(lib, 3), _leaf(lib, 4, seed=1)),
    "kron": lambda lib, fn: lib.kron(_leaf(lib, 2, 2), _leaf(lib, 2, 3, seed=1)),
    "linalg.solve": lambda lib, fn: lib.linalg.solve(_leaf(lib, 3, 3), _leaf(lib, 3, 2, seed=1)),
    "linalg.solve_vector": lambda lib, fn: lib.linalg.solve(_leaf(lib, 3, 3), _leaf(lib, 3, seed=1)),
    "linalg.lstsq": lambda lib, fn: lib.linalg.lstsq(_leaf(lib, 4, 3), _leaf(lib, 4, 2, seed=1)).solution,
    "polar": lambda lib, fn: lib.polar(_leaf(lib, 3).abs(), _leaf(lib, 3, seed=1)),
    "einsum_matmul": lambda lib, fn: lib.einsum("ij,jk->ik", _leaf(lib, 2, 3), _leaf(lib, 3, 4, seed=1)),
    "einsum_outer": lambda lib, fn: lib.einsum("i,j->ij", _leaf(lib, 3), _leaf(lib, 4, seed=1)),
    "einsum_three": lambda lib, fn: lib.einsum("ij,j,k->ik", _leaf(lib, 2, 3), _leaf(lib, 3, seed=1),
                                               _leaf(lib, 4, seed=2)),
    "einsum_sum": lambda lib, fn: lib.einsum("ij->j", _leaf(lib, 2, 3)),
    "einsum_transpose": lambda lib, fn: lib.einsum("ij->ji", _leaf(lib, 2, 3)),
    "quantile": lambda lib, fn: lib.quantile(_leaf(lib, 3, 4), 0.3),
    "quantile_dim": lambda lib, fn: lib.quantile(_leaf(lib, 3, 4), lib.tensor([0.3, 0.5], dtype=lib.float64), dim=1),
    "nanquantile": lambda lib, fn: lib.nanquantile(_leaf(lib, 3, 4), 0.3, dim=0, keepdim=True),
    "special.ndtr": lambda lib, fn: lib.special.ndtr(_leaf(lib, 3)),
    "trapezoid": lambda lib, fn: lib.trapezoid(_leaf(lib, 3, 4)),
    "trapezoid_x": lambda lib, fn: lib.trapezoid(_leaf(lib, 3, 4), _leaf(lib, 4, seed=1)),
    "interpolate_nearest": _interp("nearest", 4, scale_factor=2),
    "interpolate_nearest_1d": _interp("nearest", 3, size=[3]),
    "interpolate_nearest_3d": _interp("nearest", 5, size=[3, 3, 3]),
    "interpolate_nearest_same": _interp("nearest", 4, size=[4, 4]),
    "interpolate_nearest_exact": _interp("nearest-exact", 4, scale_factor=2),
    "interpolate_linear": _interp("linear", 3, scale_factor=2, align_corners=False),
    "interpolate_bilinear": _interp("bilinear", 4, scale_factor=2, align_corners=True),
    "interpolate_bilinear_aa": _interp("bilinear", 4, size=[3, 3], antialias=True),
    "interpolate_bicubic": _interp("bicubic", 4, scale_factor=2, align_corners=False),
    "interpolate_bicubic_aa": _interp("bicubic", 4, size=[3, 3], antialias=True),
    "interpolate_trilinear": _interp("trilinear", 5, scale_factor=2, align_corners=False),
    "interpolate_area": _interp("area", 4, size=[3, 3]),
    "interpolate_area_3d": _interp("area", 5, size=[3, 3, 3]),
    "pow_tensor_tensor": lambda lib, fn: lib.tensor([0.0, 2.0], dtype=lib.float64) ** _leaf(lib, 2),
}


def _shown_name(tensor):
    return re.search(r"grad_fn=<(\w+)>", repr(tensor)).group(1)


@pytest.mark.parametrize("case", sorted(CASES))
def test_grad_fn_name_matches_pytorch(case):
    torch = require_torch()
    ours, theirs = CASES[case](ag, F), CASES[case](torch, torch.nn.functional)
    assert ours.requires_grad and theirs.requires_grad
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
    assert _shown_name(ours) == _shown_name(theirs)


def test_copysign_gives_its_sign_source_a_zero_gradient():
    torch = require_torch()
    grads = []
    for lib in (ag, torch):
        a = lib.tensor([1.0, -2.0, 0.0, 3.0], requires_grad=True)
        b = lib.tensor([-1.0, 2.0, -3.0, math.nan], requires_grad=True)
        y = lib.copysign(a, b)
        (y * lib.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
        grads.append((y.detach().numpy(), a.grad.numpy(), b.grad))
    (y0, a0, b0), (y1, a1, b1) = grads
    np.testing.assert_array_equal(y0, y1)
    np.testing.assert_array_equal(a0, a1)
    assert b0 is not None
    np.testing.assert_array_equal(b0.numpy(), b1.numpy())


@pytest.mark.parametrize("base", ["python", "scalar_tensor", "tensor"])
def test_zero_base_power_at_negative_exponents(base):
    torch = require_torch()
    results = []
    for lib in (ag, torch):
        x = lib.tensor([-2.0, -0.5, 0.0, 1.0, 2.5], dtype=lib.float64, requires_grad=True)
        b = {"python": 0.0, "scalar_tensor": lib.tensor(0.0, dtype=lib.float64),
             "tensor": lib.zeros(5, dtype=lib.float64)}[base]
        y = b ** x
        (y * lib.tensor([1.0, -2.0, 3.0, 1.0, 1.0], dtype=lib.float64)).sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy(), type(y.grad_fn).__name__))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])   # -inf, +inf (a negative weight), then 0s
    assert results[0][2] == results[1][2]


def test_zero_base_power_keeps_a_float32_exponent_gradient_float32():
    torch = require_torch()
    grads = []
    for lib in (ag, torch):
        x = lib.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        (0.0 ** x).sum().backward()
        grads.append(x.grad)
    assert str(grads[0].dtype) == "float32" == str(grads[1].dtype).replace("torch.", "")
    np.testing.assert_array_equal(grads[0].numpy(), grads[1].numpy())


@pytest.mark.parametrize("fn", ["var", "std", "var_mean", "std_mean"])
@pytest.mark.parametrize("dim", [None, 1])
@pytest.mark.parametrize("correction", [1, 2.5, 3, 4, 7])
def test_var_std_with_correction_at_or_past_the_count(fn, dim, correction):
    torch = require_torch()
    results = []
    for lib in (ag, torch):
        x = lib.tensor([[1.0, 2.0, 4.0], [3.0, 3.0, 3.0]], dtype=lib.float64, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # PyTorch warns that the degrees of freedom are <= 0
            out = getattr(lib, fn)(x, correction=correction) if dim is None else getattr(lib, fn)(
                x, dim, correction=correction)
        outs = out if isinstance(out, tuple) else (out,)
        sum(o.sum() * (k + 1) for k, o in enumerate(outs)).backward()
        results.append(([o.detach().numpy() for o in outs], x.grad.numpy()))
    (ours, g0), (theirs, g1) = results
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=0, equal_nan=True)
    np.testing.assert_allclose(g0, g1, rtol=1e-12, atol=1e-15, equal_nan=True)


def test_cdist_inf_gives_every_tied_coordinate_the_full_sign():
    torch = require_torch()
    grads = []
    for lib in (ag, torch):
        x = lib.tensor([[1.0, 2.0, 0.0], [0.0, 0.0, 0.0], [1.0, -1.0, 3.0]], requires_grad=True)
        y = lib.tensor([[0.0, 1.0, 1.0], [1.0, -1.0, 3.0]], requires_grad=True)
        d = lib.cdist(x, y, p=math.inf)
        (d * lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
        grads.append((d.detach().numpy(), x.grad.numpy(), y.grad.numpy()))
    for a, b in zip(*grads):
        np.testing.assert_array_equal(a, b)


def _one_cycle(lib_optim, params, optimizer, **kw):
    opt = getattr(lib_optim, optimizer)(params, lr=0.1, **({"momentum": 0.9} if optimizer == "SGD" else {}))
    return opt, lib_optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10, **kw)


@pytest.mark.parametrize("optimizer, kw", [("SGD", {}), ("Adam", {"three_phase": True, "anneal_strategy": "linear"}),
                                           ("SGD", {"cycle_momentum": False})])
def test_one_cycle_state_dict_has_pytorchs_keys_and_loads_theirs(optimizer, kw):
    torch = require_torch()
    t_opt, theirs = _one_cycle(torch.optim, [torch.nn.Parameter(torch.zeros(2))], optimizer, **kw)
    a_opt, ours = _one_cycle(nn.optim, [nn.Parameter(ag.zeros(2))], optimizer, **kw)
    for _ in range(3):
        t_opt.step(), theirs.step(), a_opt.step(), ours.step()
    assert ours.state_dict() == theirs.state_dict()
    _, fresh = _one_cycle(nn.optim, [nn.Parameter(ag.zeros(2))], optimizer)   # other settings: the dict wins
    fresh.load_state_dict(theirs.state_dict())
    for _ in range(4):
        theirs.optimizer.step(), theirs.step(), fresh.optimizer.step(), fresh.step()
    assert fresh.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12)


def test_one_cycle_loads_a_dict_saved_with_the_old_names():
    _, ours = _one_cycle(nn.optim, [nn.Parameter(ag.zeros(2))], "SGD", anneal_strategy="linear")
    for _ in range(3):
        ours.optimizer.step(), ours.step()
    old = ours.state_dict()
    old["_phases"] = [tuple(p.values()) for p in old.pop("_schedule_phases")]
    old["_beta1"], old["anneal_strategy"] = old.pop("use_beta1"), old.pop("_anneal_func_type")
    _, fresh = _one_cycle(nn.optim, [nn.Parameter(ag.zeros(2))], "SGD")
    fresh.load_state_dict(old)
    assert fresh.state_dict() == ours.state_dict()
