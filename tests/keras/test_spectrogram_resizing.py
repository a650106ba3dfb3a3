"""MelSpectrogram, STFTSpectrogram (and keras.initializers.STFT) and Resizing's pad_to_aspect_ratio / fill_value
against real Keras 3 (torch backend): outputs, gradients where the layer has them, weights and configs."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(11)


def _np(value):
    """A torch tensor (Keras's output) or one of ours as NumPy."""
    if type(value).__module__.startswith("torch"):
        return value.detach().cpu().numpy()
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def _config(layer):
    config = dict(layer.get_config())
    config.pop("dtype", None)
    return config


MEL_CASES = [
    ("defaults_small_fft", dict(fft_length=256, sequence_stride=64, num_mel_bins=16), (2, 1000)),
    ("no_db_hamming", dict(fft_length=128, sequence_stride=32, sequence_length=100, window="hamming",
                           num_mel_bins=8, power_to_db=False, mag_exp=1.0), (3, 500)),
    ("one_signal_ref_top_db", dict(fft_length=64, sequence_stride=16, sampling_rate=8000, num_mel_bins=10,
                                   min_freq=100.0, max_freq=3000, top_db=30.0, ref_power=2.0), (400,)),
    ("no_window", dict(fft_length=64, sequence_stride=20, window=None, num_mel_bins=6), (2, 300)),
]


@pytest.mark.parametrize("name,args,shape", MEL_CASES, ids=[c[0] for c in MEL_CASES])
def test_mel_spectrogram_matches_keras(name, args, shape):
    keras = real_keras()
    audio = RNG.standard_normal(shape).astype(np.float32)
    theirs, mine = keras.layers.MelSpectrogram(**args), ours.layers.MelSpectrogram(**args)
    expected, got = _np(theirs(audio)), mine(audio).numpy()
    assert got.shape == expected.shape and got.dtype == expected.dtype
    if args.get("power_to_db", True):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=2e-3)   # decibels
    else:
        np.testing.assert_allclose(got, expected, rtol=2e-4, atol=1e-4 * np.abs(expected).max())
    assert _config(mine) == _config(theirs)
    assert tuple(mine.compute_output_shape(shape)) == tuple(theirs.compute_output_shape(shape))
    again = ours.layers.MelSpectrogram.from_config(mine.get_config())
    np.testing.assert_array_equal(again(audio).numpy(), got)


def test_mel_weight_matrix_matches_keras():
    keras = real_keras()
    args = dict(num_mel_bins=12, num_spectrogram_bins=65, sampling_rate=16000, lower_edge_hertz=50.0,
                upper_edge_hertz=7000.0)
    expected = _np(keras.layers.MelSpectrogram().linear_to_mel_weight_matrix(**args))
    np.testing.assert_allclose(ours.layers.MelSpectrogram().linear_to_mel_weight_matrix(**args).numpy(), expected,
                               rtol=1e-4, atol=1e-5)


def test_mel_spectrogram_gradient_is_finite_and_checked():
    audio = ag.tensor(RNG.standard_normal((1, 200)), requires_grad=True)
    layer = ours.layers.MelSpectrogram(fft_length=32, sequence_stride=16, num_mel_bins=4, power_to_db=False,
                                       dtype="float64")
    assert ag.autograd.gradcheck(lambda x: layer(x), (audio,))


STFT_CASES = [
    ("log", dict(frame_length=16), (2, 40, 3)),
    ("magnitude_same_step", dict(mode="magnitude", frame_length=20, frame_step=7, padding="same"), (2, 50, 2)),
    ("psd_fft_length_spectrum", dict(mode="psd", frame_length=12, fft_length=32, scaling="spectrum"), (1, 40, 1)),
    ("real_periodic_expand", dict(mode="real", frame_length=16, periodic=True, expand_dims=True), (2, 33, 2)),
    ("imag_channels_first", dict(mode="imag", frame_length=8, data_format="channels_first"), (2, 3, 30)),
    ("angle_hamming", dict(mode="angle", frame_length=16, window="hamming"), (1, 40, 1)),
    ("stft_blackman_first_expand", dict(mode="stft", frame_length=16, window="blackman", expand_dims=True,
                                        data_format="channels_first", scaling=None), (2, 2, 40)),
]


@pytest.mark.parametrize("name,args,shape", STFT_CASES, ids=[c[0] for c in STFT_CASES])
def test_stft_spectrogram_matches_keras(name, args, shape):
    keras = real_keras()
    import torch
    signal = RNG.standard_normal(shape).astype(np.float32)
    theirs, mine = keras.layers.STFTSpectrogram(**args), ours.layers.STFTSpectrogram(**args)
    x_theirs = torch.tensor(signal, requires_grad=True)
    out_theirs = theirs(x_theirs)
    x_mine = ag.tensor(signal, requires_grad=True)
    out_mine = mine(x_mine)
    assert [(w.path, tuple(w.shape), w.trainable) for w in mine.weights] == \
        [(w.path, tuple(w.shape), w.trainable) for w in theirs.weights]
    for a, b in zip(mine.get_weights(), theirs.get_weights()):   # Keras's are float32 sums: zeros off by ~1e-6
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    expected = out_theirs.detach().numpy()
    assert tuple(out_mine.shape) == expected.shape
    np.testing.assert_allclose(out_mine.numpy(), expected, rtol=1e-4, atol=1e-4)
    if name != "angle_hamming":   # atan2's gradient is unstable where both parts are tiny
        cotangent = RNG.standard_normal(expected.shape).astype(np.float32)
        (out_theirs * torch.tensor(cotangent)).sum().backward()
        (out_mine * ag.tensor(cotangent)).sum().backward()
        np.testing.assert_allclose(x_mine.grad.numpy(), x_theirs.grad.numpy(), rtol=1e-3, atol=1e-4)
    assert _config(mine) == _config(theirs)
    assert tuple(mine.compute_output_shape(shape)) == tuple(theirs.compute_output_shape(shape))


def test_stft_initializer_matches_keras_and_round_trips():
    keras = real_keras()
    for args in (dict(), dict(side="imag", window="hamming", periodic=True), dict(window=None, scaling=None),
                 dict(window="bartlett", scaling="spectrum")):
        expected = _np(keras.initializers.STFT(**args)((9, 1, 5)))
        mine = ours.initializers.STFT(**args)
        np.testing.assert_allclose(mine((9, 1, 5)), expected, rtol=1e-5, atol=1e-6)
        assert mine.get_config() == keras.initializers.STFT(**args).get_config()
        assert ours.initializers.deserialize(ours.initializers.serialize(mine)).get_config() == mine.get_config()


def test_spectrogram_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"fft_length \(64\) must be at least sequence_length \(100\)"):
        ours.layers.MelSpectrogram(fft_length=64, sequence_length=100)
    with pytest.raises(ValueError, match="mode must be one of"):
        ours.layers.STFTSpectrogram(mode="power")
    with pytest.raises(ValueError, match=r"frame_step must be a positive integer not greater than frame_length"):
        ours.layers.STFTSpectrogram(frame_length=8, frame_step=9)
    with pytest.raises(TypeError, match="expects float16, float32 or float64 input, got int64"):
        ours.layers.STFTSpectrogram(frame_length=8)(np.ones((1, 20, 1), np.int64))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        ours.layers.STFTSpectrogram(frame_length=8)(np.ones((20, 1), np.float32))
    with pytest.raises(ValueError, match="side must be 'real' or 'imag'"):
        ours.initializers.STFT(side="both")


RESIZE_CASES = [
    ("pad_wide_to_square", dict(height=8, width=8, pad_to_aspect_ratio=True, fill_value=0.5), (2, 6, 10, 3)),
    ("pad_tall_to_wide_nearest", dict(height=4, width=9, pad_to_aspect_ratio=True, interpolation="nearest",
                                      fill_value=-2.0), (1, 9, 5, 2)),
    ("pad_bicubic_odd", dict(height=7, width=5, pad_to_aspect_ratio=True, interpolation="bicubic"), (2, 5, 9, 1)),
    ("pad_channels_first", dict(height=6, width=12, pad_to_aspect_ratio=True, fill_value=3.0,
                                data_format="channels_first"), (2, 3, 7, 7)),
    ("pad_single_image", dict(height=5, width=5, pad_to_aspect_ratio=True, fill_value=1.0), (4, 8, 3)),
    ("pad_already_right_ratio", dict(height=4, width=8, pad_to_aspect_ratio=True, fill_value=9.0), (1, 6, 12, 1)),
    ("crop_ratio", dict(height=6, width=6, crop_to_aspect_ratio=True), (2, 8, 11, 2)),
]


@pytest.mark.parametrize("name,args,shape", RESIZE_CASES, ids=[c[0] for c in RESIZE_CASES])
def test_resizing_aspect_ratio_matches_keras(name, args, shape):
    keras = real_keras()
    images = RNG.uniform(0, 10, shape).astype(np.float32)
    theirs, mine = keras.layers.Resizing(**args), ours.layers.Resizing(**args)
    expected = _np(theirs(images))
    got = mine(images).numpy()
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-4)
    assert _config(mine) == _config(theirs)


def test_resizing_pads_integer_images_as_keras():
    keras = real_keras()
    images = RNG.integers(0, 255, (2, 5, 8, 3)).astype(np.uint8)
    args = dict(height=6, width=6, pad_to_aspect_ratio=True, fill_value=7)
    expected = _np(keras.layers.Resizing(**args)(images))
    got = ours.layers.Resizing(**args)(images).numpy()
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, atol=1.0)


def test_resizing_fill_mode_other_than_constant_is_refused():
    with pytest.raises(ValueError, match="fill_mode must be 'constant'"):
        ours.layers.Resizing(4, 4, pad_to_aspect_ratio=True, fill_mode="reflect")
