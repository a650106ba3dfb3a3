"""The NCHW -> channels-last copy used by the cpu device's F(4x4) input transform."""
import numpy as np
import pytest

from backends.numpy_kernels import layout


@pytest.mark.parametrize("dtype", (np.float32, np.float64))
@pytest.mark.parametrize("shape", [(2, 12, 32, 32), (1, 20, 32, 32), (3, 8, 32, 32), (2, 9, 64, 64),
                                   (2, 33, 28, 28), (1, 3, 5, 7), (0, 16, 32, 32)])
def test_copy_to_channels_last_equals_the_transpose(dtype, shape):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    out = np.full((shape[0], shape[2], shape[3], shape[1]), np.nan, dtype)
    assert layout.copy_to_channels_last(out, x) is out
    np.testing.assert_array_equal(out, x.transpose(0, 2, 3, 1))


def test_copy_into_a_view_of_a_padded_block_leaves_the_border():
    x = np.random.default_rng(1).standard_normal((2, 17, 32, 32)).astype(np.float32)
    padded = np.zeros((2, 34, 34, 17), np.float32)
    layout.copy_to_channels_last(padded[:, 1:33, 1:33], x)
    np.testing.assert_array_equal(padded[:, 1:33, 1:33], x.transpose(0, 2, 3, 1))
    assert not padded[:, 0].any() and not padded[:, 33].any() and not padded[:, :, 0].any()


def test_aliasing_planes_are_copied_in_channel_blocks(monkeypatch):
    """A 4 KB plane takes the blocked copy, a 28x28 plane the single one."""
    calls = []
    original = np.ndarray.transpose

    class Spy(np.ndarray):
        def transpose(self, *axes):
            calls.append(self.shape)
            return original(np.asarray(self), *axes)

    for shape, expected in (((1, 20, 32, 32), [(1, 8, 32, 32), (1, 8, 32, 32), (1, 4, 32, 32)]),
                            ((1, 20, 28, 28), [(1, 20, 28, 28)])):
        calls.clear()
        x = np.zeros(shape, np.float32).view(Spy)
        layout.copy_to_channels_last(np.empty((1, shape[2], shape[3], shape[1]), np.float32), x)
        assert calls == expected
