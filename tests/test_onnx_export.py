"""autograd.onnx.export (torch.onnx.export's surface): a module's forward traced on example inputs, written as ONNX;
ONNX Runtime's results equal the eager forward for every op export writes; clear refusals for the rest."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def _check(model, args, tmp_path, atol=2e-5, **options):
    args = args if isinstance(args, tuple) else (args,)
    model.eval()
    with ag.no_grad():
        expected = model(*args)
    program = ag.onnx.export(model, args, tmp_path / "m.onnx", **options)
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    feeds = {i.name: a.numpy() for i, a in zip(session.get_inputs(), args)}
    got = session.run(None, feeds)
    expected = expected if isinstance(expected, (tuple, list)) else [expected]
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e.numpy(), rtol=1e-5, atol=atol)
    return program, session


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 6, 3, stride=2, dilation=1, groups=2)
        self.up = nn.ConvTranspose2d(6, 4, 2, stride=2)
        self.fc = nn.Linear(4 * 2 * 2, 5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv1(x))), 2)
        x = F.avg_pool2d(F.leaky_relu(self.conv2(x), 0.1), 2, stride=1, padding=1, count_include_pad=False)
        x = F.adaptive_avg_pool2d(self.up(x), 2)
        return F.log_softmax(self.fc(x.view(x.size(0), -1)), dim=1)


def test_a_convolutional_classifier_in_eval_mode(tmp_path):
    ag.manual_seed(0)
    model = ConvNet()
    model.train()
    model(ag.randn(4, 3, 12, 12))   # running statistics away from their initial values
    program, session = _check(model, ag.randn(2, 3, 12, 12), tmp_path)
    model.train()   # export traces in eval mode (TrainingMode.EVAL) and gives the modules their flags back
    again = ag.onnx.export(model, (ag.randn(2, 3, 12, 12),))
    assert model.training and model.bn.training
    assert again.model_proto.SerializeToString() == program.model_proto.SerializeToString()
    assert [i.name for i in session.get_inputs()] == ["x"] and session.get_inputs()[0].shape == [2, 3, 12, 12]
    assert "ONNXProgram" in repr(program)


class Block(nn.Module):
    def __init__(self, width=16, heads=2):
        super().__init__()
        self.embed = nn.Embedding(50, width)
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width), nn.Dropout(0.1))
        self.heads = heads
        self.head = nn.Linear(width, 7)

    def forward(self, tokens):
        x = self.embed(tokens)
        b, t, c = x.shape
        q, k, v = self.qkv(self.norm1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).contiguous().view(b, t, c))
        x = x + self.mlp(self.norm2(x))
        return self.head(x[:, -1, :])


def test_a_causal_transformer_block(tmp_path):
    ag.manual_seed(1)
    _check(Block(), ag.randint(0, 50, (3, 6)), tmp_path)


class Pieces(nn.Module):
    def forward(self, x, y):
        z = ag.cat([x, y], dim=1) * 2.0 - 1
        z = z / (z.abs() + 1) + z.pow(2).mean(dim=-1, keepdim=True)
        w = ag.stack([z.sum(1), z.amax(1)], dim=0)
        u = F.silu(z).tanh() + ag.sigmoid(z).sqrt() + z.clamp(-0.5, 0.5) + F.hardtanh(z) + F.elu(z, 0.5)
        v = F.normalize(u, dim=-1) + u.exp().log() + u.repeat(1, 1, 1)
        return v[:, 1:3, ...].permute(0, 2, 1).flatten(1), w.unsqueeze(0).squeeze(0), F.softmax(x, -1)


def test_elementwise_reductions_and_shapes(tmp_path):
    ag.manual_seed(2)
    _check(Pieces(), (ag.randn(2, 3, 4), ag.randn(2, 2, 4)), tmp_path, input_names=["a", "b"],
           output_names=["v", "w", "p"])
    names = [o.name for o in onnx.load(str(tmp_path / "m.onnx")).graph.output]
    assert names == ["v", "w", "p"]


def test_opset_conversion_and_is_in_onnx_export(tmp_path):
    seen = []

    class Probe(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 2)

        def forward(self, x):
            seen.append(ag.onnx.is_in_onnx_export())
            return F.relu(self.fc(x))

    program, _ = _check(Probe(), ag.randn(4, 3), tmp_path, opset_version=17)
    assert program.model_proto.opset_import[0].version == 17
    assert seen[-1] is True and ag.onnx.is_in_onnx_export() is False


def test_refusals_name_the_cause(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2))
    with pytest.raises(ag.onnx.OnnxExporterError, match="dynamic_axes"):
        ag.onnx.export(model, (ag.randn(2, 3),), tmp_path / "d.onnx", dynamic_shapes={"x": {0: "batch"}})

    class Unknown(nn.Module):
        def forward(self, x):
            return ag.atan2(x, x + 1)

    with pytest.raises(ValueError, match="no ONNX form here for the op"):
        ag.onnx.export(Unknown(), (ag.randn(2, 3),), tmp_path / "u.onnx")
    assert not (tmp_path / "u.onnx").exists()

    class Reads(nn.Module):
        def forward(self, x):
            return x * 2 if x.sum().item() > 0 else x

    with pytest.raises(Exception, match="item"):
        ag.onnx.export(Reads(), (ag.randn(2, 3),), tmp_path / "r.onnx")


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(4, 4, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(4)

    def forward(self, x):   # torchvision's BasicBlock: in-place ReLU and `out += identity`
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)


def test_in_place_writes_of_a_residual_block(tmp_path):
    ag.manual_seed(3)
    _check(Residual(), ag.randn(2, 4, 6, 6), tmp_path)


def test_a_view_read_after_an_in_place_change_is_refused(tmp_path):
    class Stale(nn.Module):
        def forward(self, x):
            x = x * 1
            flat = x.view(-1)
            x.add_(1)
            return flat * 2

    with pytest.raises(ValueError, match="view of a tensor the forward changed in place"):
        ag.onnx.export(Stale(), (ag.randn(2, 3),), tmp_path / "s.onnx")


class Shapes(nn.Module):
    def __init__(self):
        super().__init__()
        self.same = nn.Conv2d(3, 4, 4, padding="same")          # an even kernel: one more row/column at the end
        self.depthwise = nn.Conv2d(4, 4, 3, groups=4, padding=1)
        self.line = nn.Conv1d(4, 2, 3, padding=2, dilation=2)    # run as a 2-D convolution with an axis put in

    def forward(self, x):
        y = self.depthwise(self.same(x))
        y = F.avg_pool2d(F.max_pool2d(y, 3, stride=2, ceil_mode=True, padding=1), 2, ceil_mode=True)
        return self.line(y.flatten(2)), y.amax(dim=(2, 3)), self.depthwise(x[0, :1].repeat(4, 1, 1))


def test_same_padding_one_dimensional_and_unbatched_convolutions(tmp_path):
    ag.manual_seed(4)
    _check(Shapes(), ag.randn(2, 3, 9, 7), tmp_path)


class Gates(nn.Module):
    """MobileNetV3's and EfficientNet's activations, a ViT's unbind of q, k, v, and broadcasts."""

    def forward(self, x, m):
        y = F.hardswish(x) + F.hardsigmoid(x) + F.mish(x) + F.softplus(x, beta=2.0) + ag.erf(x)
        q, k, v = ag.stack([y, 2 * y, 3 * y]).unbind(0)
        z = ag.where(m > 0, q * k, v) + x[:, :1].expand(-1, 4)
        return z, F.softplus(x)


def test_gates_unbind_where_and_expand(tmp_path):
    ag.manual_seed(5)
    _check(Gates(), (ag.randn(3, 4), ag.randn(3, 4)), tmp_path)


def _run_at(path, name, x):
    session = ort.InferenceSession(str(path))
    return session.run(None, {name: x.numpy()})[0], session


@pytest.mark.parametrize("make, example, axes, others", [
    (ConvNet, (2, 3, 12, 12), {0: "batch"}, [(5, 3, 12, 12), (1, 3, 12, 12)]),
    (Residual, (2, 4, 6, 6), {0: "b", 2: "h", 3: "w"}, [(3, 4, 9, 5)]),
])
def test_dynamic_axes_run_at_other_sizes(make, example, axes, others, tmp_path):
    ag.manual_seed(6)
    model = make().eval()
    ag.onnx.export(model, (ag.randn(*example),), tmp_path / "d.onnx", dynamic_axes={"x": axes})
    for shape in others:
        x = ag.randn(*shape)
        got, session = _run_at(tmp_path / "d.onnx", "x", x)
        with ag.no_grad():
            np.testing.assert_allclose(got, model(x).numpy(), rtol=1e-5, atol=2e-5)
    dims = session.get_inputs()[0].shape
    assert [dims[a] for a in axes] == list(axes.values())


def test_dynamic_reshapes_of_products_and_output_labels(tmp_path):
    class Flat(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 3)

        def forward(self, x):
            b, t, c = x.shape
            return self.fc(x.reshape(b * t, c)).view(b, t, 3).mean(1)

    model = Flat()
    ag.onnx.export(model, (ag.randn(2, 5, 4),), tmp_path / "f.onnx", dynamic_axes={"x": {0: "batch", 1: "steps"}})
    x = ag.randn(6, 3, 4)
    got, session = _run_at(tmp_path / "f.onnx", "x", x)
    with ag.no_grad():
        np.testing.assert_allclose(got, model(x).numpy(), rtol=1e-5, atol=1e-6)
    assert session.get_outputs()[0].shape == ["batch", 3]


def test_dynamic_axes_refuse_what_depends_on_a_size(tmp_path):
    with pytest.raises(ValueError, match="depends on a dynamic size"):   # the causal mask is T x T
        ag.onnx.export(Block().eval(), (ag.randint(0, 50, (3, 6)),), tmp_path / "b.onnx",
                       dynamic_axes={"tokens": {0: "batch", 1: "steps"}})

    class Zeros(nn.Module):
        def forward(self, x):
            return x + ag.zeros(x.size(0), 1)

    with pytest.raises(ValueError, match="shape follows a dynamic size"):
        ag.onnx.export(Zeros(), (ag.randn(2, 3),), tmp_path / "z.onnx", dynamic_axes={"x": {0: "batch"}})
