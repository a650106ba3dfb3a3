"""Audio spectrogram layers with Keras's arguments, defaults and numbers: MelSpectrogram (STFT power on the mel
scale, in decibels by default) and STFTSpectrogram (a convolution with trainable windowed DFT kernels, as Keras
builds it)."""
import math

import numpy as np

import autograd as ag

from ..initializers import STFT
from ..layer import Layer, as_tensor
from ..ops_conv import conv
from ..ops_fft import stft
from .conv import _data_format

_MEL_BREAK_HZ, _MEL_HIGH_Q = 700.0, 1127.0


def _hertz_to_mel(hertz):
    return _MEL_HIGH_Q * np.log(1.0 + hertz / _MEL_BREAK_HZ)


def linear_to_mel_weight_matrix(num_mel_bins, num_spectrogram_bins, sampling_rate, lower_edge_hertz,
                                upper_edge_hertz):
    """(num_spectrogram_bins, num_mel_bins) triangular filters (peak 1, HTK mel scale) from linear frequency bins
    over [0, sampling_rate / 2] to mel bands over [lower_edge_hertz, upper_edge_hertz]; the 0 Hz bin gets 0."""
    bins_mel = _hertz_to_mel(np.linspace(0.0, sampling_rate / 2.0, num_spectrogram_bins)[1:])[:, None]
    edges = np.linspace(_hertz_to_mel(lower_edge_hertz), _hertz_to_mel(upper_edge_hertz), num_mel_bins + 2)
    lower, center, upper = edges[:-2][None, :], edges[1:-1][None, :], edges[2:][None, :]
    rising, falling = (bins_mel - lower) / (center - lower), (upper - bins_mel) / (upper - center)
    return np.pad(np.maximum(0.0, np.minimum(rising, falling)), ((1, 0), (0, 0)))


class MelSpectrogram(Layer):
    """Mel spectrogram of audio (batch, samples) or (samples,): |STFT|^mag_exp (centred frames of
    sequence_length every sequence_stride, fft_length bins), mapped to num_mel_bins mel bands over
    [min_freq, max_freq], and with power_to_db in decibels relative to ref_power, floored at min_power and
    at top_db below the largest value of the batch; returns (batch, num_mel_bins, frames)."""

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None, window="hann", sampling_rate=16000,
                 num_mel_bins=128, min_freq=20.0, max_freq=None, power_to_db=True, top_db=80.0, mag_exp=2.0,
                 min_power=1e-10, ref_power=1.0, **kwargs):
        if fft_length < (sequence_length or fft_length):
            raise ValueError(f"MelSpectrogram: fft_length ({fft_length}) must be at least sequence_length "
                             f"({sequence_length})")
        if window not in ("hann", "hamming", None):
            raise ValueError(f"MelSpectrogram: window must be 'hann', 'hamming' or None, got {window!r}")
        super().__init__(**kwargs)
        self.fft_length, self.sequence_stride = fft_length, sequence_stride
        self.sequence_length = sequence_length or fft_length
        self.window, self.sampling_rate, self.num_mel_bins = window, sampling_rate, num_mel_bins
        self.min_freq, self.max_freq = min_freq, max_freq or int(sampling_rate / 2)
        self.power_to_db, self.top_db, self.mag_exp = power_to_db, top_db, mag_exp
        self.min_power, self.ref_power = min_power, ref_power

    def linear_to_mel_weight_matrix(self, num_mel_bins=20, num_spectrogram_bins=129, sampling_rate=8000,
                                    lower_edge_hertz=125.0, upper_edge_hertz=3800.0, dtype="float32"):
        """Keras's method: the (num_spectrogram_bins, num_mel_bins) mel filter matrix as a Tensor."""
        return ag.tensor(linear_to_mel_weight_matrix(num_mel_bins, num_spectrogram_bins, float(sampling_rate),
                                                     lower_edge_hertz, upper_edge_hertz).astype(dtype))

    def call(self, inputs):
        x = as_tensor(inputs)
        if x.ndim not in (1, 2):
            raise ValueError(f"{self.name}: expects audio of shape (batch, samples) or (samples,), got shape "
                             f"{tuple(x.shape)}")
        dtype = self.compute_dtype if self.compute_dtype in ("float32", "float64") else "float32"
        x = x.to(np.dtype(dtype)) if x.dtype != np.dtype(dtype) else x
        real, imag = stft(x, self.sequence_length, self.sequence_stride, self.fft_length, self.window, center=True)
        spectrum = (real * real + imag * imag).sqrt() ** self.mag_exp
        matrix = self.linear_to_mel_weight_matrix(self.num_mel_bins, spectrum.shape[-1], self.sampling_rate,
                                                  self.min_freq, self.max_freq, dtype)
        out = spectrum @ matrix
        if self.power_to_db:
            out = 10.0 * ag.log10(ag.clamp(out, min=self.min_power))
            out = out - 10.0 * math.log10(max(abs(self.ref_power), self.min_power))
            out = ag.maximum(out, out.max() - self.top_db)
        return out.transpose(-1, -2).to(np.dtype(self.compute_dtype))

    def get_config(self):
        """The constructor's arguments, sequence_length and max_freq resolved to their values, as Keras."""
        config = super().get_config()
        config.update({k: getattr(self, k) for k in (
            "fft_length", "sequence_stride", "sequence_length", "window", "sampling_rate", "num_mel_bins",
            "min_freq", "max_freq", "power_to_db", "top_db", "mag_exp", "min_power", "ref_power")})
        return config

    def compute_output_shape(self, input_shape):
        """(batch, num_mel_bins, frames) for (batch, samples); (num_mel_bins, frames) for (samples,)."""
        samples = input_shape[-1]
        frames = None if samples is None else (samples + self.sequence_stride + 1) // self.sequence_stride
        return tuple(input_shape[:-1]) + (self.num_mel_bins, frames)


_STFT_MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


class STFTSpectrogram(Layer):
    """Spectrogram of signals (batch, time, channels) (channels_last) by convolving each channel with windowed
    DFT kernels `real_kernel` / `imag_kernel` (frame_length, 1, fft_length // 2 + 1), trainable as in Keras,
    every frame_step (default frame_length // 2) samples. mode: 'log' (log magnitude), 'magnitude', 'psd',
    'real', 'imag', 'angle' or 'stft' (real and imaginary parts stacked). Returns (batch, frames, channels *
    bins), or with expand_dims (batch, frames, bins, channels); channels_first puts channels before time."""
    _init_input_spec = {"ndim": 3}

    def __init__(self, mode="log", frame_length=256, frame_step=None, fft_length=None, window="hann", periodic=False,
                 scaling="density", padding="valid", expand_dims=False, data_format=None, **kwargs):
        if frame_step is not None and not 1 <= frame_step <= frame_length:
            raise ValueError(f"STFTSpectrogram: frame_step must be a positive integer not greater than "
                             f"frame_length ({frame_length}), got {frame_step}")
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(f"STFTSpectrogram: fft_length ({fft_length}) must be at least frame_length "
                             f"({frame_length})")
        if mode not in _STFT_MODES:
            raise ValueError(f"STFTSpectrogram: mode must be one of {', '.join(_STFT_MODES)}, got {mode!r}")
        if padding not in ("valid", "same"):
            raise ValueError(f"STFTSpectrogram: padding must be 'valid' or 'same', got {padding!r}")
        STFT("real", window, scaling, periodic)   # checks the window and scaling
        super().__init__(**kwargs)
        self.mode, self.frame_length, self.frame_step, self.fft_length = mode, frame_length, frame_step, fft_length
        self._frame_step = frame_step or frame_length // 2
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window, self.periodic, self.scaling, self.padding = window, periodic, scaling, padding
        self.expand_dims, self.data_format = expand_dims, _data_format(data_format)

    def get_config(self):
        """The constructor's arguments (frame_step and fft_length as given, data_format resolved), as Keras."""
        config = super().get_config()
        config.update({k: getattr(self, k) for k in (
            "mode", "frame_length", "frame_step", "fft_length", "window", "periodic", "scaling", "padding",
            "data_format", "expand_dims")})
        return config

    def build(self, input_shape):
        """Make the DFT kernels (only the real one for mode='real', the imaginary one for 'imag')."""
        if len(input_shape) != 3:
            raise ValueError(f"{self.name}: expects 3-D input (batch, time, channels), got shape {tuple(input_shape)}")
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(shape=shape, name="real_kernel",
                                               initializer=STFT("real", self.window, self.scaling, self.periodic))
        if self.mode != "real":
            self.imag_kernel = self.add_weight(shape=shape, name="imag_kernel",
                                               initializer=STFT("imag", self.window, self.scaling, self.periodic))

    def _convolve(self, x, kernel):
        """(batch, channels, bins, frames) for x in (batch, channels, time)."""
        batch, channels, time = x.shape
        out = conv(x.reshape(batch * channels, 1, time), kernel.to(x.dtype), strides=self._frame_step,
                   padding=self.padding, data_format="channels_first")
        return out.reshape(batch, channels, out.shape[-2], out.shape[-1])

    def _arrange(self, out):
        batch, channels, bins, frames = out.shape
        if self.data_format == "channels_last":
            return out.permute(0, 3, 2, 1) if self.expand_dims else \
                out.reshape(batch, channels * bins, frames).transpose(1, 2)
        return out.permute(0, 1, 3, 2) if self.expand_dims else out.reshape(batch, channels * bins, frames)

    def call(self, inputs):
        x = as_tensor(inputs)
        if x.dtype not in (np.float16, np.float32, np.float64):
            raise TypeError(f"{self.name}: expects float16, float32 or float64 input, got {x.dtype}; cast it first")
        if x.ndim != 3:
            raise ValueError(f"{self.name}: expects 3-D input (batch, time, channels), got shape {tuple(x.shape)}")
        if self.data_format == "channels_last":
            x = x.transpose(1, 2)
        real = self._convolve(x, self.real_kernel) if self.mode != "imag" else None
        imag = self._convolve(x, self.imag_kernel) if self.mode != "real" else None
        if self.mode in ("real", "imag"):
            return self._arrange(real if self.mode == "real" else imag)
        if self.mode == "angle":
            return self._arrange(ag.atan2(imag, real))
        if self.mode == "stft":
            return self._arrange(ag.cat([real, imag], dim=2))
        power = real * real + imag * imag
        if self.mode == "psd":   # the one-sided spectrum: every bin but the first and last counted twice
            inner = ag.zeros_like(power)
            inner[:, :, 1:-1] = power[:, :, 1:-1]
            return self._arrange(power + inner)
        magnitude = self._arrange(ag.clamp(power, min=1e-7).sqrt())
        return magnitude if self.mode == "magnitude" else ag.clamp(magnitude, min=1e-7).log()
