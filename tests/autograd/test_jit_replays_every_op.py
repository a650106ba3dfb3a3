"""ag.jit replays equal eager mode for every op the PyTorch oracle tests cover: each registry entry runs as a
compiled step on four different inputs (eager, capture, two replays), with backward of a fixed cotangent
for the differentiable ones, and outputs and input gradients must match eager mode bit for bit. A value an
op's wrapper computed on the host and baked into the capture would replay the capture step's numbers."""
import numpy as np
import pytest

import autograd as ag
from tests.autograd.test_discrete_ops import CALLS as DISCRETE
from tests.autograd.test_einsum import CASES as EINSUM
from tests.autograd.test_elementwise import BINARY, SCALAR_OPS, UNARY
from tests.autograd import test_jit_step_indices as step_indices
from tests.autograd.test_indexing import INDEXES, TAKES
from tests.autograd.test_reductions import REDUCTIONS
from tests.autograd.test_shape import JOIN, ONE_INPUT
from tests.autograd.test_torch_ops_batch3 import DIFFERENTIABLE, INTS, NO_GRADIENT
from tests.autograd.test_torch_semantics import CASES as SEMANTICS
from tests.autograd.test_trig_hyperbolic_ops import UNARY as TRIG_UNARY
from tests.helpers import rand
from tests.jit_replay import assert_replays_equal_eager

STEP_INDEX_OPS = step_indices.OPS

# Entries that read tensor values on the host by nature: their capture refuses with CaptureError (a replay
# could not follow the values), and the audit asserts that it does, and nothing else. (unique, nonzero and
# argwhere also have value-dependent shapes, but run as one kernel that replays on new values: they replay.)
READS_VALUES = {
    "masked_select", "masked_select int",   # a mask computed in the step: as many values as it has True
    "bincount", "bincount weights",         # the output length is max(x) + 1, read with int()
    "bincount float32 weights", "bincount int weights",
    "quantile dim",                         # a q tensor: its values are checked to lie in [0, 1] on the host
}


def _audit(name, call, arrays, device="cpu", grad=True):
    if name in READS_VALUES:
        with pytest.raises(ag.CaptureError):
            assert_replays_equal_eager(call, arrays, device, grad)
        return
    assert_replays_equal_eager(call, arrays, device, grad)


def _module_call(call):
    return lambda *ts: call(ag, *ts)


@pytest.mark.parametrize("name,call,arrays", DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
def test_batch3_differentiable(name, call, arrays):
    _audit(name, _module_call(call), arrays)


@pytest.mark.parametrize("name,call", NO_GRADIENT, ids=[c[0] for c in NO_GRADIENT])
def test_batch3_integer_results(name, call):
    _audit(name, _module_call(call), [INTS], grad=False)


DISCRETE_DATA = np.array([[3, 0, 2], [1, 0, 2], [3, 0, 2], [0, 5, 1]], dtype=np.int64)


@pytest.mark.parametrize("name,call", DISCRETE, ids=[c[0] for c in DISCRETE])
def test_discrete(name, call):
    _audit(name, _module_call(call), [DISCRETE_DATA], grad=False)


def test_value_dependent_shapes_follow_each_replay():
    """unique, nonzero, argwhere... on inputs with a different number of distinct and non-zero values each
    call: every replay has the new call's shape and values."""
    rng = np.random.default_rng(1)
    datas = [rng.integers(0, k + 2, (4, 3)) for k in range(5)]
    for name, call in DISCRETE:
        if name in READS_VALUES:
            continue
        step = ag.jit(lambda x: call(ag, x))
        for data in datas:
            eager, jit = call(ag, ag.tensor(data)), step(ag.tensor(data))
            eager, jit = (eager, jit) if isinstance(eager, tuple) else ((eager,), (jit,))
            for e, j in zip(eager, jit):
                np.testing.assert_array_equal(e.numpy(), j.numpy(), err_msg=name)
        assert step.replays == len(datas) - 2, name


@pytest.mark.parametrize("name,ours,theirs,domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary(name, ours, theirs, domain):
    _audit(name, ours, [rand((2, 3), np.float64, *domain, seed=3)])


@pytest.mark.parametrize("name,ours,theirs,dom_a,dom_b", BINARY, ids=[b[0] for b in BINARY])
def test_binary(name, ours, theirs, dom_a, dom_b):
    _audit(name, ours, [rand((2, 3), np.float64, *dom_a, seed=5), rand((3,), np.float64, *dom_b, seed=6)])


@pytest.mark.parametrize("name,ours,theirs,domain", TRIG_UNARY, ids=[u[0] for u in TRIG_UNARY])
def test_trig_hyperbolic_unary(name, ours, theirs, domain):
    _audit(name, ours, [rand((2, 3), np.float64, *domain, seed=3)])


@pytest.mark.parametrize("name,ours,theirs", SCALAR_OPS, ids=[s[0] for s in SCALAR_OPS])
def test_python_scalar_operand(name, ours, theirs):
    _audit(name, ours, [rand((2, 3), np.float64, 0.3, 1.5, seed=9)])


@pytest.mark.parametrize("name,shape,ours,theirs", ONE_INPUT, ids=[o[0] for o in ONE_INPUT])
def test_shape_ops(name, shape, ours, theirs):
    _audit(name, ours, [rand(shape, seed=1)])


@pytest.mark.parametrize("name,shapes,ours,theirs", JOIN, ids=[j[0] for j in JOIN])
def test_joins(name, shapes, ours, theirs):
    _audit(name, ours, [rand(s, seed=k) for k, s in enumerate(shapes)])


@pytest.mark.parametrize("axis", [None, 1, (0, 2)], ids=str)
@pytest.mark.parametrize("name,ours,theirs,empty_ok", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reductions(name, ours, theirs, empty_ok, axis):
    _audit(name, lambda t: ours(t, axis, axis == 1), [rand((2, 3, 4), seed=2)])


@pytest.mark.parametrize("name,shapes,ours,theirs", SEMANTICS, ids=[c[0] for c in SEMANTICS])
def test_torch_semantics(name, shapes, ours, theirs):
    _audit(name, ours, [rand(s, seed=i + 3) for i, s in enumerate(shapes)])


@pytest.mark.parametrize("name,shape,index,theirs", INDEXES, ids=[i[0] for i in INDEXES])
def test_getitem(name, shape, index, theirs):
    _audit(name, lambda t: t[index], [rand(shape, seed=1)])


@pytest.mark.parametrize("shape,indices,axis", TAKES, ids=str)
def test_take_along_axis(shape, indices, axis):
    _audit("take_along_axis", lambda t: ag.take_along_axis(t, indices, axis), [rand(shape, seed=1)])


@pytest.mark.parametrize("equation,shapes", EINSUM, ids=[c[0] for c in EINSUM])
def test_einsum(equation, shapes):
    _audit(equation, lambda *ts: ag.einsum(equation, *ts), [rand(s, np.float32, seed=k) for k, s in enumerate(shapes)])


def test_named_tuple_results_replay_as_named_tuples():
    step = ag.jit(lambda x: x.max(1))
    for k in range(4):
        x = ag.tensor(np.random.default_rng(k).standard_normal((3, 4)))
        out = step(x)
        assert type(out).__name__ == "max" and out.indices.dtype == np.int64
        np.testing.assert_array_equal(out.values.numpy(), x.numpy().max(1))
        np.testing.assert_array_equal(out.indices.numpy(), x.numpy().argmax(1))


def test_grads_cleared_through_a_list_of_parameters_are_replaced_on_replay():
    """`for p in params: p.grad = None` in the step, params only reachable through a list: a replay starts
    .grad afresh as eager mode does (it used to add each replay's gradient to the previous one)."""
    def make():
        params = [ag.ones(3, dtype=ag.float64, requires_grad=True)]

        def step(x):
            for p in params:
                p.grad = None
            ag.exp(x * params[0]).sum().backward()
            return x * 1
        return params, step

    params, step = make()
    compiled = ag.jit(step)
    for k in range(4):
        x = np.arange(3.0) + k
        compiled(ag.tensor(x))
        np.testing.assert_array_equal(params[0].grad.numpy(), x * np.exp(x))
    assert compiled.replays == 2


# On the other devices, a sample of each registry (the cpu tests above cover every entry; numba replays
# fuse elementwise chains into generated kernels, which the sample exercises, forward and backward)
DEVICE_SAMPLE = {"erf", "logit eps", "xlogy", "lerp tensor", "logaddexp", "remainder", "nan_to_num", "roll",
                 "diag matrix", "take_along_dim", "addmm", "cdist", "median dim", "quantile", "cummax",
                 "logcumsumexp", "nanmean", "var_mean", "index_add", "index_fill", "masked_select"}


@pytest.mark.parametrize("name,call,arrays", [c for c in DIFFERENTIABLE if c[0] in DEVICE_SAMPLE],
                         ids=[c[0] for c in DIFFERENTIABLE if c[0] in DEVICE_SAMPLE])
def test_sample_on_each_device(device, name, call, arrays):
    if device == "cpu":
        pytest.skip("every entry runs on cpu in the tests above")
    _audit(name, _module_call(call), arrays, device)


TRIG_SAMPLE = [u for u in TRIG_UNARY if u[0] in ("tan", "acosh", "atanh", "sinc", "deg2rad", "clamp_min")]


@pytest.mark.parametrize("name,ours,theirs,domain", TRIG_SAMPLE, ids=[u[0] for u in TRIG_SAMPLE])
def test_trig_sample_on_each_device(device, name, ours, theirs, domain):
    if device == "cpu":
        pytest.skip("every entry runs on cpu in the tests above")
    _audit(name, lambda x: ours(x) * 2.0 + x, [rand((2, 3), np.float64, *domain, seed=3)], device)
    _audit(name, lambda a, b: ag.logaddexp2(ours(a), b) + ag.float_power(a.abs(), b),
           [rand((2, 3), np.float64, *domain, seed=5), rand((3,), np.float64, 0.5, 1.5, seed=6)], device)


@pytest.mark.parametrize("name,ours,theirs,dom_a,dom_b", BINARY[:6], ids=[b[0] for b in BINARY[:6]])
def test_fusable_chains_on_each_device(device, name, ours, theirs, dom_a, dom_b):
    """Elementwise chains forward and backward (what numba replays fuse), with a 0-d operand too."""
    if device == "cpu":
        pytest.skip("every entry runs on cpu in the tests above")
    arrays = [rand((2, 3), np.float64, *dom_a, seed=5), rand((), np.float64, *dom_b, seed=6)]
    _audit(name, lambda a, b: ag.sigmoid(ours(a, b) * 2.0 + a).sqrt() - ours(a, b).mean(), arrays, device)


# PyTorch refuses int32 indices to these (index_copy and index_fill take int64, class targets int64 or uint8)
INT64_ONLY = {"index_copy", "index_fill", "cross_entropy"}


@pytest.mark.parametrize("name", sorted(set(STEP_INDEX_OPS) - INT64_ONLY))
def test_int32_indices_computed_in_the_step(monkeypatch, name):
    """The index ops of test_jit_step_indices with int32 indices: a wrapper's int64 copy of the index must
    not be what the capture keeps (gather's was: replays gathered at the capture step's index)."""
    int64_index = step_indices._index
    monkeypatch.setattr(step_indices, "_index", lambda keys, n: int64_index(keys, n).int())
    rng = np.random.default_rng(0)
    assert_replays_equal_eager(STEP_INDEX_OPS[name], [rng.standard_normal((3, 4)), rng.standard_normal((3, 4))],
                               grad=False)

