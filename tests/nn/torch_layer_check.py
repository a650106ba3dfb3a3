"""One check for a layer against its PyTorch twin: torch's state_dict copied into ours, then forward, input
gradients (tests/helpers.check_against_torch) and every parameter's gradient compared."""
import numpy as np

from ..helpers import check_against_torch


def check_layer(ours, theirs, arrays, device="cpu", atol=1e-5, rtol=1e-4, requires_grad=None):
    """Load theirs' weights into ours (on `device`), run both on `arrays`, compare outputs and gradients."""
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    ours.to(device)
    check_against_torch(ours, theirs, arrays, device, requires_grad=requires_grad, atol=atol, rtol=rtol)
    theirs_params = dict(theirs.named_parameters())
    ours_params = dict(ours.named_parameters())
    assert sorted(ours_params) == sorted(theirs_params)
    for name, p in ours_params.items():
        tp = theirs_params[name]
        if tp.grad is None:
            assert p.grad is None or not np.any(p.grad.numpy()), f"{name}: torch has no gradient"
            continue
        assert p.grad is not None, f"{name}: no gradient, torch has one"
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), atol=atol, rtol=rtol,
                                   err_msg=f"gradient of parameter {name} differs from torch")
