"""Initialisers: bounds and statistics follow PyTorch's formulas; manual_seed makes them reproducible."""
import math

import numpy as np
import pytest

import autograd as ag
from nn import init


def test_gains():
    assert init.calculate_gain("relu") == math.sqrt(2) and init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    with pytest.raises(ValueError, match="unknown nonlinearity"):
        init.calculate_gain("swishy")
    with pytest.raises(ValueError, match="negative slope must be a number"):
        init.calculate_gain("leaky_relu", "0.2")


def test_linear_gains_are_the_int_one_as_pytorchs():
    for name in ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                 "conv_transpose3d", "sigmoid"):
        gain = init.calculate_gain(name)
        assert gain == 1 and type(gain) is int and str(gain) == "1", name


@pytest.mark.parametrize("fn,expected_std", [
    (lambda t: init.xavier_uniform_(t), math.sqrt(2 / (300 + 200))),
    (lambda t: init.xavier_normal_(t), math.sqrt(2 / (300 + 200))),
    (lambda t: init.kaiming_uniform_(t, nonlinearity="relu"), math.sqrt(2 / 300)),
    (lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"), math.sqrt(2 / 200)),
    (lambda t: init.normal_(t, 1.0, 0.5), 0.5),
    (lambda t: init.uniform_(t, -2, 2), 4 / math.sqrt(12)),
])
def test_statistics(device, fn, expected_std):
    t = ag.zeros(200, 300, device=device)
    fn(t)
    assert abs(t.numpy().std() - expected_std) < 0.03 * expected_std


def test_uniform_bounds_constants_and_seed(device):
    t = ag.zeros(50, 40, 3, 3, device=device)
    init.kaiming_uniform_(t, a=math.sqrt(5))
    bound = 1 / math.sqrt(40 * 9)
    assert np.abs(t.numpy()).max() <= bound
    init.zeros_(t)
    assert not t.numpy().any()
    init.ones_(t)
    assert (t.numpy() == 1).all()
    ag.manual_seed(3)
    a = init.normal_(ag.zeros(5, device=device)).numpy().copy()
    ag.manual_seed(3)
    b = init.normal_(ag.zeros(5, device=device)).numpy()
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.xavier_uniform_(ag.zeros(3))


def test_calculate_fan_in_and_fan_out_as_pytorchs_helper():
    torch = pytest.importorskip("torch")
    for shape in [(8, 4), (8, 4, 3, 3), (6, 2, 5)]:
        assert init._calculate_fan_in_and_fan_out(ag.zeros(*shape)) == \
            torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(*shape))
