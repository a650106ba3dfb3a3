"""autograd.onnx.export on idioms of published models (a UNet's decoder upsampling), each run in ONNX Runtime
against the eager forward and, where PyTorch is installed, against PyTorch's own functional on the same input."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import require_torch

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

RESIZES = [
    dict(scale_factor=2, mode="bilinear", align_corners=False),
    dict(scale_factor=2, mode="bilinear", align_corners=True),
    dict(size=(7, 5), mode="bilinear", align_corners=False),
    dict(size=(7, 5), mode="bicubic", align_corners=True),
    dict(size=(7, 9), mode="nearest"),
    dict(scale_factor=(2, 3), mode="nearest"),
]


class UpBlock(nn.Module):
    """A UNet step: pool, resize the deep features back up, concatenate the skip (resized to fit), convolve."""

    def __init__(self, resize):
        super().__init__()
        self.resize = resize
        self.conv = nn.Conv2d(6, 2, 3, padding=1)

    def forward(self, x):
        deep = F.max_pool2d(x, 2)
        up = F.interpolate(deep, **self.resize)
        return self.conv(ag.cat([up, F.interpolate(x, size=up.shape[-2:], mode="nearest")], 1)), up, deep


@pytest.mark.parametrize("resize", RESIZES, ids=lambda r: "-".join(f"{k}={v}" for k, v in r.items()))
def test_unet_upsampling_matches_eager_and_torch(resize):
    ag.manual_seed(0)
    model = UpBlock(resize).eval()
    x = ag.randn(2, 3, 8, 6)
    with ag.no_grad():
        want_out, want_up, deep = model(x)
    program = ag.onnx.export(model, (x,), input_names=["x"], dynamic_axes={"x": {0: "batch"}})
    session = ort.InferenceSession(program.model_proto.SerializeToString())
    got_out, got_up, _ = session.run(None, {"x": x.numpy()})
    np.testing.assert_allclose(got_up, want_up.numpy(), atol=2e-5)
    np.testing.assert_allclose(got_out, want_out.numpy(), atol=2e-5)
    torch = require_torch()
    np.testing.assert_allclose(got_up, torch.nn.functional.interpolate(torch.from_numpy(deep.numpy().copy()), **resize).numpy(),
                               atol=2e-5)
    x3 = ag.randn(3, 3, 8, 6)
    with ag.no_grad():
        want3 = model(x3)[0].numpy()
    got3 = session.run(None, {"x": x3.numpy()})[0]
    np.testing.assert_allclose(got3, want3, atol=2e-5)


class MaskedFill(nn.Module):
    """EdgeNeXt's idiom: ~ on a bool mask, and ~ on an integer tensor."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(4, 4)

    def forward(self, x):
        y = self.linear(x)
        keep = ~(y > 0)
        return y.masked_fill(keep, 0.0), ~(y > 0).long()


def test_bitwise_not_on_bool_and_integer_matches_eager_and_torch():
    ag.manual_seed(0)
    model = MaskedFill().eval()
    x = ag.randn(3, 4)
    with ag.no_grad():
        want = [w.numpy() for w in model(x)]
    program = ag.onnx.export(model, (x,), input_names=["x"], dynamic_axes={"x": {0: "batch"}})
    session = ort.InferenceSession(program.model_proto.SerializeToString())
    got = session.run(None, {"x": x.numpy()})
    np.testing.assert_allclose(got[0], want[0], atol=1e-6)
    np.testing.assert_array_equal(got[1], want[1])
    torch = require_torch()
    # want[0] is y with its non-positive entries zeroed, so (want[0] > 0) is (y > 0)
    np.testing.assert_array_equal(got[1], (~(torch.from_numpy(want[0].copy()) > 0).long()).numpy())
