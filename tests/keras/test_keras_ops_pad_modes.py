"""keras.ops.pad's non-constant modes as Keras's torch backend pads: 'reflect', 'circular', 'replicate' and
'symmetric' (which means 'replicate' there), over the trailing padded axes, integers through float32; and its
refusals (modes torch has no padding for, constant_values with another mode, an axis too far from the end)."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

keras = real_keras()   # sets KERAS_BACKEND=torch before the first import (else Keras picks TensorFlow)

CASES = [((3, 4), [[1, 1], [2, 1]]), ((5,), [[2, 3]]), ((2, 3, 4), [[0, 0], [1, 2], [0, 1]]),
         ((2, 3, 4, 5), [[0, 0], [0, 0], [1, 1], [2, 2]])]
MODES = ["reflect", "symmetric", "circular", "replicate"]


def _padded(lib, x, widths, mode, **kwargs):
    return np.asarray(lib.ops.pad(x, widths, mode=mode, **kwargs))


@pytest.mark.parametrize("dtype", ["float32", "int32"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape, widths", CASES, ids=[str(c[0]) for c in CASES])
def test_pad_modes_match_keras(shape, widths, mode, dtype):
    x = (np.random.default_rng(0).standard_normal(shape) * 5).astype(dtype)
    got, want = _padded(ours, x, widths, mode), _padded(keras, x, widths, mode)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def test_pad_mode_gradient_reaches_the_input():
    import autograd as ag
    x = ag.tensor(np.arange(12, dtype=np.float32).reshape(3, 4), requires_grad=True)
    ours.ops.pad(x, [[1, 1], [2, 1]], mode="reflect").sum().backward()
    assert x.grad is not None and float(x.grad.sum()) == 5 * 7


@pytest.mark.parametrize("mode", ["edge", "wrap", "mean"])
def test_modes_torch_cannot_pad_raise_not_implemented(mode):
    x = np.ones((3, 4), np.float32)
    with pytest.raises(NotImplementedError):
        keras.ops.pad(x, [[1, 1], [1, 1]], mode=mode)
    with pytest.raises(NotImplementedError, match=mode):
        ours.ops.pad(x, [[1, 1], [1, 1]], mode=mode)


def test_constant_values_only_with_constant_mode():
    x = np.ones((3, 4), np.float32)
    with pytest.raises(ValueError):
        keras.ops.pad(x, [[1, 1], [1, 1]], mode="reflect", constant_values=2)
    with pytest.raises(ValueError, match="constant_values"):
        ours.ops.pad(x, [[1, 1], [1, 1]], mode="reflect", constant_values=2)


def test_padding_an_axis_too_far_from_the_end_raises_not_implemented():
    x = np.ones((2, 3, 4), np.float32)
    widths = [[1, 0], [0, 0], [0, 0]]
    with pytest.raises(NotImplementedError):
        keras.ops.pad(x, widths, mode="reflect")
    with pytest.raises(NotImplementedError):
        ours.ops.pad(x, widths, mode="reflect")


def test_compile_config_reads_jit_compile_false_for_auto():
    """On the torch backend Keras resolves jit_compile='auto' to False, and get_compile_config says so."""
    for lib in (keras, ours):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2)])
        model.compile("sgd", "mse")
        assert model.get_compile_config()["jit_compile"] is False
