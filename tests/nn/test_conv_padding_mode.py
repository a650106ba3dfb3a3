"""Conv1d/2d/3d padding_mode ('reflect', 'replicate', 'circular') against PyTorch: outputs and gradients."""
import numpy as np
import pytest

import autograd as ag
import nn

pytestmark = pytest.mark.filterwarnings("ignore:Using padding=.same.")

CASES = [
    (nn.Conv1d, "Conv1d", (2, 3, 9), dict(kernel_size=3, padding=2)),
    (nn.Conv2d, "Conv2d", (2, 3, 6, 7), dict(kernel_size=3, padding=1)),
    (nn.Conv2d, "Conv2d", (2, 4, 6, 7), dict(kernel_size=(3, 2), padding=(2, 1), stride=2, groups=2)),
    (nn.Conv2d, "Conv2d", (3, 6, 7), dict(kernel_size=(3, 4), padding="same", dilation=(2, 1))),   # unbatched
    (nn.Conv2d, "Conv2d", (2, 3, 6, 7), dict(kernel_size=3, padding="valid")),
    (nn.Conv3d, "Conv3d", (1, 2, 4, 5, 4), dict(kernel_size=3, padding=(1, 2, 1))),
]


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular", "zeros"])
@pytest.mark.parametrize("layer, torch_name, shape, kwargs", CASES)
def test_conv_padding_mode_matches_torch(device, mode, layer, torch_name, shape, kwargs):
    torch = pytest.importorskip("torch")
    channels = shape[1] if len(shape) == {"Conv1d": 3, "Conv2d": 4, "Conv3d": 5}[torch_name] else shape[0]
    reference = getattr(torch.nn, torch_name)(channels, 4, padding_mode=mode, **kwargs).double()
    ours = layer(channels, 4, padding_mode=mode, **kwargs).to(device).double()
    ours.load_state_dict({k: ag.tensor(v.detach().numpy(), device=device) for k, v in reference.state_dict().items()})
    x = np.random.RandomState(3).randn(*shape)
    x_ref = torch.tensor(x, requires_grad=True)
    x_ours = ag.tensor(x, device=device, requires_grad=True)
    out_ref, out_ours = reference(x_ref), ours(x_ours)
    np.testing.assert_allclose(out_ours.numpy(), out_ref.detach().numpy(), rtol=1e-10, atol=1e-10)
    upstream = np.random.RandomState(4).randn(*out_ref.shape)
    out_ref.backward(torch.tensor(upstream))
    out_ours.backward(ag.tensor(upstream, device=device))
    np.testing.assert_allclose(x_ours.grad.numpy(), x_ref.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ours.weight.grad.numpy(), reference.weight.grad.numpy(), rtol=1e-10, atol=1e-10)
    assert repr(ours) == repr(reference)


def test_conv_padding_mode_errors():
    with pytest.raises(ValueError, match="Conv2d: padding_mode must be one of"):
        nn.Conv2d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="ConvTranspose2d: only padding_mode='zeros'"):
        nn.ConvTranspose2d(3, 4, 3, padding_mode="reflect")
