"""keras.initializers.STFT computes its kernel in the kernel's dtype, step by step as Keras does: in float32 the
Nyquist bin's sine kernel holds Keras's ~1e-7 residues (not float64's ~1e-16), with Keras's signs, so
STFTSpectrogram(mode='angle') gives Keras's +pi or -pi there (it gave -pi on most signals, Keras +pi)."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import real_keras


#: (frame_length, bins, window, scaling) of the kernels compared
KERNELS = [(16, 9, "hamming", "density"), (20, 11, "hann", "spectrum"), (12, 17, "blackman", None),
           (8, 5, None, "density")]


@pytest.mark.parametrize("frame_length,bins,window,scaling", KERNELS)
@pytest.mark.parametrize("side", ["real", "imag"])
def test_stft_kernel_rounds_as_kerass_float32_kernel(frame_length, bins, window, scaling, side):
    keras = real_keras()
    shape = (frame_length, 1, bins)
    theirs = keras.ops.convert_to_numpy(keras.initializers.STFT(side, window, scaling)(shape))
    mine = ours.initializers.STFT(side, window, scaling)(shape)
    assert mine.dtype == theirs.dtype == np.float32
    # torch's float32 sum of the window (the scaling) may differ from NumPy's by one unit in the last place
    np.testing.assert_allclose(mine, theirs, rtol=3e-7, atol=1e-7)
    assert np.array_equal(np.sign(mine), np.sign(theirs))   # the residues where the exact value is 0 included


def test_stft_kernel_in_float64_keeps_float64_values():
    kernel = ours.initializers.STFT("imag", "hann", None)((16, 1, 9), dtype="float64")
    assert kernel.dtype == np.float64
    assert np.abs(kernel[:, 0, -1]).max() < 1e-14   # sin(-2 pi t) rounded in float64


def test_angle_mode_gives_kerass_sign_at_the_nyquist_bin():
    keras = real_keras()
    import torch
    args = dict(mode="angle", frame_length=16, window="hamming")
    theirs, mine = keras.layers.STFTSpectrogram(**args), ours.layers.STFTSpectrogram(**args)
    rng = np.random.default_rng(3)
    for _ in range(20):
        signal = rng.standard_normal((1, 40, 1)).astype(np.float32)
        expected = theirs(torch.tensor(signal)).detach().numpy()
        np.testing.assert_allclose(mine(ag.tensor(signal)).numpy(), expected, rtol=1e-4, atol=1e-4)
