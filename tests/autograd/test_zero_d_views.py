"""0-d op results share memory with their views, as PyTorch's do: NumPy gives a 0-d result as a scalar,
which no view can share, so `loss.detach().mul_(2)`, `s.view(1).add_(1)` or a write into `s.numpy()` left
`s` unchanged; as_strided of any 0-d tensor viewed a copy, or failed."""
import numpy as np
import pytest

import autograd as ag

CHANGES = {
    "unsqueeze(0).mul_": lambda s: s.unsqueeze(0).mul_(2),
    "view(1).add_": lambda s: s.view(1).add_(1),
    "reshape(1, 1).fill_": lambda s: s.reshape(1, 1).fill_(3),
    "view(()).mul_": lambda s: s.view(()).mul_(5),
    "view(1)[0] =": lambda s: s.view(1).__setitem__(0, 7.0),
    "flatten().zero_": lambda s: s.flatten().zero_(),
    "as_strided((1,), (1,)).mul_": lambda s: s.as_strided((1,), (1,)).mul_(2),
    "detach().mul_": lambda s: s.detach().mul_(2),
    "[None].sub_": lambda s: s[None].sub_(1),
    "[...].mul_": lambda s: s[...].mul_(3),
    "expand(1).add_": lambda s: s.expand(1).add_(1),
    "squeeze().mul_": lambda s: s.squeeze().mul_(2),
    "numpy() written": lambda s: s.numpy().__setitem__((), 11.0),
    "unsqueeze(0).index_fill_": lambda s: s.unsqueeze(0).index_fill_(0, ag.tensor([0]), 4.0),
}
EXPECTED = {"unsqueeze(0).mul_": 12.0, "view(1).add_": 7.0, "reshape(1, 1).fill_": 3.0, "view(()).mul_": 30.0,
            "view(1)[0] =": 7.0, "flatten().zero_": 0.0, "as_strided((1,), (1,)).mul_": 12.0, "detach().mul_": 12.0,
            "[None].sub_": 5.0, "[...].mul_": 18.0, "expand(1).add_": 7.0, "squeeze().mul_": 12.0,
            "numpy() written": 11.0, "unsqueeze(0).index_fill_": 4.0}   # PyTorch 2.13's values


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_change_through_a_view_of_a_0d_result_reaches_it(name, device):
    s = ag.tensor(2.0, device=device) * 3
    if name == "numpy() written" and not s.device.host_memory:
        pytest.skip("numpy() copies from a GPU")
    if name.startswith("as_strided") and not s.device.host_memory:
        pytest.skip("as_strided works in host memory")
    CHANGES[name](s)
    assert float(s) == EXPECTED[name]


@pytest.mark.parametrize("name", [n for n in CHANGES if "index_fill_" not in n])
def test_the_expected_values_are_torchs(name):
    torch = pytest.importorskip("torch")
    theirs = torch.tensor(2.0) * 3
    CHANGES[name](theirs)
    assert float(theirs) == EXPECTED[name]


def test_as_strided_views_a_0d_leaf_and_its_gradient_sums_the_repeats(device):
    if not ag.device(device).host_memory:
        pytest.skip("as_strided works in host memory")
    x = ag.tensor(6.0, device=device)
    x.as_strided((1,), (1,)).mul_(2)
    assert float(x) == 12.0
    assert x.as_strided((3,), (0,)).tolist() == [12.0, 12.0, 12.0]
    leaf = ag.tensor(3.0, device=device, requires_grad=True)
    leaf.as_strided((3,), (0,)).sum().backward()
    assert float(leaf.grad) == 3.0


def test_0d_results_hold_arrays_not_scalars(device):
    """The invariant behind the views: every op result's values are an array (a 0-d one for 0-d)."""
    x = ag.tensor([1.0, 2.0], device=device)
    for result in (x.sum(), x[0] * 2, x.mean().exp(), (x > 1).any(), x.max()):
        assert result.shape == () and hasattr(result.numpy(), "shape")
        assert not isinstance(result.numpy(), np.generic)
