"""Regressions for what widely copied PyTorch code (kuangliu's pytorch-cifar, eriklindernoren's PyTorch-GAN,
lucidrains' vit-pytorch, cloneofsimo's minDiffusion) found when run with only its imports, data and step counts
changed. Each test runs the code's idiom under PyTorch and under deepgrad and compares them; the PyTorch side skips
cleanly when torch is not installed."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch


def _cast_to_default_type(lib, default):
    lib.set_default_dtype(default)
    try:
        x = lib.tensor(np.array([[0, 1], [2, 3]], dtype=np.uint8))
        out = [x.type(lib.Tensor), x.type("torch.Tensor"), lib.tensor([1.5], dtype=lib.float16).type(lib.Tensor)]
        return [(str(t.dtype).replace("torch.", ""), t.tolist()) for t in out]
    finally:
        lib.set_default_dtype(lib.float32)


@pytest.mark.parametrize("default", ["float32", "float64"])
def test_type_of_the_tensor_class_casts_to_the_default_dtype(default):
    """PyTorch-GAN's cyclegan (and unit, munit, ...) set `Tensor = torch.Tensor` off the GPU and convert each batch
    with `batch["A"].type(Tensor)`: deepgrad took the class for a dtype and raised UnsupportedDataError (object
    data); PyTorch casts to the default floating dtype, as it does for the name 'torch.Tensor'."""
    torch = require_torch()
    ours = _cast_to_default_type(ag, getattr(ag, default))
    assert ours == _cast_to_default_type(torch, getattr(torch, default))
    assert [dtype for dtype, _ in ours] == [default] * 3


def test_cuda_legacy_type_without_cuda_is_a_type_error():
    """PyTorch-GAN's clustergan sets `Tensor = torch.cuda.FloatTensor` unconditionally: where CUDA is missing,
    PyTorch refuses the call with a TypeError ('type torch.cuda.FloatTensor not available'), which deepgrad
    reported as its DeviceUnavailableError (a RuntimeError). The CPU legacy types still construct."""
    torch = require_torch()
    if ag.cuda.is_available():
        pytest.skip("a CUDA device is present: the cuda legacy types construct")
    for name in ("FloatTensor", "LongTensor"):
        with pytest.raises(TypeError, match=f"type torch.cuda.{name} not available") as ours:
            getattr(ag.cuda, name)(np.zeros((2, 3)))
        assert "Available on this machine" in str(ours.value)
        if not torch.cuda.is_available():
            with pytest.raises(TypeError, match=f"type torch.cuda.{name} not available"):
                getattr(torch.cuda, name)(np.zeros((2, 3)))
    assert ag.FloatTensor(np.zeros((2, 3))).tolist() == torch.FloatTensor(np.zeros((2, 3))).tolist()
    assert not isinstance(ag.zeros(2), ag.cuda.FloatTensor)


_EMPTY_WEIGHTS = [
    ("conv1d", (1, 2, 4), (0, 2, 1)), ("conv2d", (1, 2, 4, 4), (0, 2, 1, 1)), ("conv2d", (2, 4, 4), (0, 2, 1, 1)),
    ("conv3d", (1, 2, 4, 4, 4), (0, 2, 1, 1, 1)), ("conv_transpose1d", (1, 2, 4), (2, 0, 1)),
    ("conv_transpose2d", (1, 2, 4, 4), (2, 0, 1, 1)), ("conv_transpose2d", (1, 0, 4, 4), (0, 3, 1, 1)),
    ("conv_transpose3d", (1, 2, 4, 4, 4), (2, 0, 1, 1, 1)),
]


@pytest.mark.parametrize("op,x_shape,w_shape", _EMPTY_WEIGHTS)
def test_convolution_with_an_empty_weight_is_refused_as_pytorch(op, x_shape, w_shape):
    """vit-pytorch's CrossFormer built with too few channels for its kernel sizes gets a Conv2d with 0 output
    channels: PyTorch's forward raises RuntimeError ('expected weight to be at least 1 at dimension 0'), deepgrad
    returned an empty output that a later einops call divided by (ZeroDivisionError far from the cause)."""
    torch = require_torch()
    import nn.functional as F
    x, w = np.zeros(x_shape, np.float32), np.zeros(w_shape, np.float32)
    with pytest.raises(RuntimeError):
        getattr(torch.nn.functional, op)(torch.tensor(x), torch.tensor(w))
    with pytest.raises(RuntimeError, match=f"{op}: Given groups=1, expected weight to be at least 1 at dimension"):
        getattr(F, op)(ag.tensor(x), ag.tensor(w))


def test_convolution_of_an_empty_batch_still_runs():
    """An empty batch (or no input channels on a non-transposed weight) is no empty weight: both libraries run."""
    torch = require_torch()
    import nn.functional as F
    x, w = np.zeros((0, 2, 4, 4), np.float32), np.ones((3, 2, 1, 1), np.float32)
    assert tuple(F.conv2d(ag.tensor(x), ag.tensor(w)).shape) == tuple(
        torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w)).shape) == (0, 3, 4, 4)


def _einops_refusal(lib):
    einops = pytest.importorskip("einops")
    with pytest.raises(einops.EinopsError) as caught:
        einops.rearrange(lib.zeros(2, 64, 1, 1), "b d (h s1) (w s2) -> (b h w) d s1 s2", s1=2, s2=2)
    return str(caught.value).replace("torch.Size", "Size")


def test_einops_error_prints_the_shape_as_a_size():
    """vit-pytorch's CrossFormer on too small an image: einops's message shows the input shape as the backend
    gives it, `torch.Size([2, 64, 1, 1])` under PyTorch; deepgrad's backend gave a plain tuple, `(2, 64, 1, 1)`. It
    now gives the tensor's Size (a tuple), so the message reads as PyTorch's up to the module name."""
    torch = require_torch()
    ours = _einops_refusal(ag)
    assert "Input tensor shape: Size([2, 64, 1, 1])" in ours
    assert ours == _einops_refusal(torch)
