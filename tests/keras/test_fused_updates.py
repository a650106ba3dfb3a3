"""nn.keras's scaled in-place additions (its SGD and Adam updates) round as torch's `add_(y, alpha=a)`: once per
element, through the device's fused update where it takes the arrays and a float64 sum where it does not."""
import numpy as np
import pytest

import autograd as ag
from nn.keras.fused_updates import add_scaled_

torch = pytest.importorskip("torch")

SIZES = (1, 7, 16, 17, 33, 1000, 20_011)
ALPHAS = (0.1, -0.001, 1 - 0.999, 1 / 3)


def _pair(n, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n).astype(np.float32), (rng.standard_normal(n) * 1e-3).astype(np.float32)


def _torch_add(x, y, alpha):
    return torch.from_numpy(x.copy()).add_(torch.from_numpy(y), alpha=alpha).numpy()


@pytest.mark.parametrize("n", SIZES)
def test_fused_update_equals_torch_add(device, n):
    place = ag.zeros(1, device=device).device
    for k, alpha in enumerate(ALPHAS):
        x, y = _pair(n, 10 * n + k)
        out = place.asarray(x.copy())
        assert add_scaled_(place, out, place.asarray(y), alpha) is out
        np.testing.assert_array_equal(ag.tensor(out).cpu().numpy(), _torch_add(x, y, alpha))


def test_strided_arrays_take_the_float64_sum():
    place = ag.zeros(1).device
    x, y = _pair(2001, 3)
    out = x.copy()[::3]                     # not contiguous: the fused kernel refuses it
    add_scaled_(place, out, y[::3], 0.1)
    np.testing.assert_array_equal(out, _torch_add(x[::3].copy(), y[::3].copy(), 0.1))


def test_float64_weights():
    place = ag.zeros(1).device
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal(101), rng.standard_normal(101)
    out = x.copy()
    add_scaled_(place, out, y, 0.25)
    np.testing.assert_array_equal(out, torch.from_numpy(x.copy()).add_(torch.from_numpy(y), alpha=0.25).numpy())
