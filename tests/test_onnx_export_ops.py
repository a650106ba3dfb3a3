"""autograd.onnx.export's op coverage beyond the layers: elementwise math, casts, reductions, indexing with None and
an integer tensor, reversed slices, gathers, pads, einsum, and the ops without a gradient (argmax, topk, sort,
any/all, `//`, comparisons). Each is exported inside a module and run in ONNX Runtime against the eager forward."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


class Apply(nn.Module):
    """A Linear layer (so the input flows through a traced op) and then the op under test."""

    def __init__(self, fn, features=6):
        super().__init__()
        self.fn = fn
        self.linear = nn.Linear(features, features)

    def forward(self, x):
        return self.fn(self.linear(x))


def _run(fn, shape=(2, 3, 6), seed=0):
    ag.manual_seed(seed)
    model = Apply(fn, shape[-1]).eval()
    x = ag.randn(*shape)
    with ag.no_grad():
        expected = model(x)
    program = ag.onnx.export(model, (x,))
    session = ort.InferenceSession(program.model_proto.SerializeToString())
    got = session.run(None, {session.get_inputs()[0].name: x.numpy()})
    expected = expected if isinstance(expected, (tuple, list)) else (expected,)
    return got, [e.numpy() for e in expected]


def _same(got, expected, atol=2e-5):
    for g, e in zip(got, expected):
        assert g.dtype == e.dtype and g.shape == e.shape, (g.dtype, g.shape, e.dtype, e.shape)
        if e.dtype.kind == "f":
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=atol)
        else:
            np.testing.assert_array_equal(g, e)


ELEMENTWISE = {
    "sin": ag.sin, "cos": ag.cos, "tan": lambda y: ag.tan(y * 0.3), "asin": lambda y: ag.asin(ag.tanh(y)),
    "acos": lambda y: ag.acos(ag.tanh(y)), "atan": ag.atan, "sinh": ag.sinh, "cosh": ag.cosh, "asinh": ag.asinh,
    "acosh": lambda y: ag.acosh(y.abs() + 1), "atanh": lambda y: ag.atanh(ag.tanh(y) * 0.9), "sign": ag.sign,
    "reciprocal": lambda y: ag.reciprocal(y.abs() + 1), "rsqrt": lambda y: (y.abs() + 1).rsqrt(),
    "log1p": lambda y: ag.log1p(y.abs()), "expm1": ag.expm1,
    "floor": ag.floor, "ceil": ag.ceil, "trunc": ag.trunc, "round": lambda y: ag.round(y * 4),
    "round_decimals": lambda y: ag.round(y, decimals=2), "fmod": lambda y: ag.fmod(y, 0.3),
    "remainder": lambda y: y % 0.3, "remainder_tensor": lambda y: ag.remainder(y, y.flip(-1).abs() + 0.5),
    "minimum": lambda y: ag.minimum(y, y.flip(-1)), "maximum": lambda y: ag.maximum(y, 0.2),
    "floor_divide": lambda y: y // 0.3, "div_trunc": lambda y: ag.div(y, 0.3, rounding_mode="trunc"),
    "div_floor_tensor": lambda y: ag.div(y, y.flip(-1), rounding_mode="floor"),
    "hardshrink": F.hardshrink, "softshrink": lambda y: F.softshrink(y, 0.3), "celu": lambda y: F.celu(y, 0.7),
    "glu": lambda y: F.glu(y, -1), "clamp_tensor": lambda y: ag.clamp(y, min=y.flip(-1) - 0.5, max=y.flip(-1)),
    "clamp_min_tensor": lambda y: ag.clamp_min(y, y.flip(0)), "where_mask": lambda y: y.masked_fill(y < 0, 0.0),
    "isnan": lambda y: ag.isnan(ag.log(y)), "logical_xor": lambda y: ag.logical_xor(y > 0, y < 0.5),
    "ne": lambda y: y != y.flip(-1), "to_float64": lambda y: y.double(), "to_int": lambda y: (y * 3).long(),
    "bool_to_float": lambda y: (y > 0).float(),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_ops_export(name):
    _same(*_run(ELEMENTWISE[name]))


REDUCTIONS = {
    "prod": lambda y: y.prod(-1), "prod_all": lambda y: y.prod(), "logsumexp": lambda y: y.logsumexp((1, 2)),
    "var": lambda y: y.var(-1), "var_biased": lambda y: y.var(1, unbiased=False, keepdim=True),
    "var_all": lambda y: y.var(), "std": lambda y: y.std((0, 2)), "std_correction": lambda y: y.std(-1, correction=0),
    "mean_keep": lambda y: y.mean(1, keepdim=True), "sum_all": lambda y: y.sum(),
    "sum_int": lambda y: (y > 0).int().sum(-1), "cumsum": lambda y: y.cumsum(1), "amax": lambda y: y.amax((0, 2)),
    "any": lambda y: (y > 1).any(-1), "all_keep": lambda y: (y > -1).all(1, keepdim=True),
    "any_all": lambda y: (y > 2).any(),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reductions_export(name):
    _same(*_run(REDUCTIONS[name]))


INDEXING = {
    "none_middle": lambda y: y[:, None, 1:], "none_ellipsis": lambda y: y[..., None, 0],
    "int_and_none": lambda y: y[1, None, :, 2], "reversed": lambda y: y[:, ::-1], "reversed_step": lambda y: y[..., 4:0:-2],
    "tensor_index": lambda y: y[:, ag.tensor([2, 0, 2])], "tensor_index_2d": lambda y: y[ag.tensor([[1, 0], [1, 1]])],
    "tensor_index_last": lambda y: y[..., ag.tensor([5, -1, 0])], "tensor_and_int": lambda y: y[1, ag.tensor([0, 2]), 3],
    "index_computed": lambda y: y[0, y[0, :, 0].argsort()],
    "gather": lambda y: y.gather(-1, ag.tensor([[[0, 5], [1, 1], [4, 2]]] * 2)), "flip": lambda y: y.flip((0, 2)),
    "pad": lambda y: F.pad(y, (1, 2, 0, 1), value=0.5), "pad_crop": lambda y: F.pad(y, (-1, 1)),
    "einsum": lambda y: ag.einsum("bij,bkj->bik", y, y), "roll": lambda y: y.roll(2, -1),
    "argmax": lambda y: y.argmax(-1), "argmin_keep": lambda y: y.argmin(1, keepdim=True),
    "argmax_all": lambda y: y.argmax(), "argmax_all_keep": lambda y: y.argmax(keepdim=True),
    "max_dim": lambda y: tuple(y.max(1)), "min_dim": lambda y: tuple(y.min(-1, keepdim=True)),
    "topk": lambda y: tuple(y.topk(3, dim=-1)), "topk_smallest": lambda y: tuple(y.topk(2, dim=1, largest=False)),
    "sort": lambda y: tuple(y.sort(-1)), "sort_descending": lambda y: tuple(ag.sort(y, 0, descending=True)),
    "argsort": lambda y: y.argsort(dim=1),
}


@pytest.mark.parametrize("name", sorted(INDEXING))
def test_indexing_and_index_valued_ops_export(name):
    _same(*_run(INDEXING[name]))


def test_prelu_with_one_slope_per_channel():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(2, 4, 3)
            self.act = nn.PReLU(4, init=0.1)

        def forward(self, x):
            return self.act(self.conv(x))

    model = Net().eval()
    with ag.no_grad():
        model.act.weight.copy_(ag.tensor([0.1, -0.2, 0.3, 0.5]))
    x = ag.randn(2, 2, 5, 5)
    program = ag.onnx.export(model, (x,))
    session = ort.InferenceSession(program.model_proto.SerializeToString())
    np.testing.assert_allclose(session.run(None, {"x": x.numpy()})[0], model(x).detach().numpy(), rtol=1e-5,
                               atol=1e-6)


def test_integer_floor_division_rounds_toward_minus_infinity():
    class Net(nn.Module):
        def forward(self, x):
            return x // 3, x % 3, ag.div(x, -4, rounding_mode="trunc")

    x = ag.tensor([[-7, -6, -1, 0, 1, 5, 8]])
    program = ag.onnx.export(Net(), (x,))
    session = ort.InferenceSession(program.model_proto.SerializeToString())
    for got, want in zip(session.run(None, {"x": x.numpy()}), Net()(x)):
        np.testing.assert_array_equal(got, want.numpy())


def test_floor_division_is_not_written_as_plain_division():
    """`y // 0.3` records an op without a gradient named 'div': it once went out as ONNX Div (wrong numbers)."""
    got, expected = _run(lambda y: y // 0.3)
    _same(got, expected)
    program = ag.onnx.export(Apply(lambda y: y // 0.3).eval(), (ag.randn(2, 6),))
    assert "Floor" in [n.op_type for n in program.model_proto.graph.node]


def test_ops_without_a_form_are_refused_by_name():
    with pytest.raises(ValueError, match=r"no ONNX form here for the op (Atan2|atan2)"):
        ag.onnx.export(Apply(lambda y: ag.atan2(y, y.flip(-1))).eval(), (ag.randn(2, 6),))
    with pytest.raises(ValueError, match="a second tensor"):
        ag.onnx.export(Apply(lambda y: y[ag.tensor([0, 1]), ag.tensor([1, 0])]).eval(), (ag.randn(2, 6),))


def test_dynamic_batch_through_argmax_and_none_indexing(tmp_path):
    model = Apply(lambda y: (y[:, None] * 2).argmax(-1)).eval()
    x = ag.randn(3, 6)
    ag.onnx.export(model, (x,), tmp_path / "m.onnx", dynamic_axes={"x": {0: "batch"}})
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    for batch in (1, 5):
        x = ag.randn(batch, 6)
        np.testing.assert_array_equal(session.run(None, {"x": x.numpy()})[0], model(x).numpy())


def test_a_mask_computed_in_the_forward_is_refused_as_exports_own_error():
    class Net(nn.Module):
        def forward(self, x):
            return x[x > 0]

    with pytest.raises(ValueError, match=r"autograd.onnx.export: the forward cannot be written as a fixed graph.*"
                                         r"boolean mask"):
        ag.onnx.export(Net(), (ag.randn(4),))


def test_a_causal_mask_buffer_sliced_in_the_forward():
    """nanoGPT's attention reads `self.bias[:, :, :T, :T] == 0` from a registered buffer."""
    class Masked(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("bias", ag.tril(ag.ones(8, 8)).view(1, 1, 8, 8))

        def forward(self, att):
            t = att.size(-1)
            return F.softmax(att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf")), dim=-1)

    model = Masked().eval()
    att = ag.randn(2, 3, 5, 5)
    program = ag.onnx.export(model, (att,))
    session = ort.InferenceSession(program.model_proto.SerializeToString())
    np.testing.assert_allclose(session.run(None, {"att": att.numpy()})[0], model(att).numpy(), rtol=1e-5, atol=1e-6)


def test_ops_on_parameters_alone_are_folded_into_constants():
    class Prototypes(nn.Module):
        def __init__(self):
            super().__init__()
            self.proto = nn.Parameter(ag.randn(4, 6))

        def forward(self, x):   # atan2 has no ONNX form, but here it reads parameters only
            return F.normalize(x, dim=-1) @ F.normalize(ag.atan2(self.proto, self.proto + 1), dim=-1).t()

    model = Prototypes().eval()
    x = ag.randn(3, 6)
    program = ag.onnx.export(model, (x,))
    session = ort.InferenceSession(program.model_proto.SerializeToString())
    np.testing.assert_allclose(session.run(None, {"x": x.numpy()})[0], model(x).detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    assert "Atan" not in [n.op_type for n in program.model_proto.graph.node]


def test_one_dynamic_name_on_two_inputs_is_one_size(tmp_path):
    """dynamic_axes naming the batch of two inputs 'batch' grows both together while tracing (each was grown alone,
    and a forward that concatenates them failed in cat); unequal example sizes under one name are refused."""
    class Pair(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(6, 2)

        def forward(self, x, mask):
            return self.fc(ag.cat([x, mask], dim=1).view(x.size(0), -1))

    model = Pair().eval()
    axes = {"x": {0: "batch"}, "mask": {0: "batch"}}
    ag.onnx.export(model, (ag.randn(2, 4), ag.randn(2, 2)), tmp_path / "m.onnx", dynamic_axes=axes)
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    assert [i.shape[0] for i in session.get_inputs()] == ["batch", "batch"]
    x, mask = ag.randn(5, 4), ag.randn(5, 2)
    np.testing.assert_allclose(session.run(None, {"x": x.numpy(), "mask": mask.numpy()})[0],
                               model(x, mask).detach().numpy(), rtol=1e-5, atol=1e-6)
    class Sums(nn.Module):
        def forward(self, x, mask):
            return x.sum(0) + mask.sum()

    with pytest.raises(ValueError, match="one name is one size"):
        ag.onnx.export(Sums(), (ag.randn(2, 4), ag.randn(3, 2)), tmp_path / "n.onnx", dynamic_axes=axes)
