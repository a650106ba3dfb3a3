"""keras.utils.audio_dataset_from_directory: a labelled dataset of WAV files from a folder with one sub-folder per
class, decoded with the standard library's `wave` module as tf.audio.decode_wav decodes them."""
import wave

import numpy as np

from .batched_dataset import BatchedDataset, _stack
from .utils_directory import _check_labels, _datasets

ALLOWED_FORMATS = (".wav",)
_PCM_SCALE = {1: 128.0, 2: 32768.0, 3: 8388608.0, 4: 2147483648.0}


def read_wav(path, desired_samples=-1):
    """The samples of the PCM WAV file at `path` as float32 (samples, channels) in [-1, 1), cut or zero-padded to
    `desired_samples` (-1: all of them)."""
    try:
        with wave.open(str(path), "rb") as f:
            channels, width, count = f.getnchannels(), f.getsampwidth(), f.getnframes()
            raw = f.readframes(count)
    except (wave.Error, EOFError) as error:
        raise ValueError(f"audio_dataset_from_directory: cannot decode {path} as a PCM WAV file ({error}); the "
                         "files must be uncompressed 8, 16, 24 or 32-bit integer PCM") from None
    data = np.frombuffer(raw, dtype=np.uint8).reshape(-1, width)
    if width == 1:   # 8-bit WAV samples are unsigned, centred on 128
        values = data[:, 0].astype(np.float32) - 128.0
    else:   # little-endian signed integers of `width` bytes, read through int32 (sign from the top byte)
        padded = np.zeros((len(data), 4), np.uint8)
        padded[:, 4 - width:] = data
        values = padded.view("<i4")[:, 0].astype(np.float64) / (1 << (8 * (4 - width)))
    audio = (values / _PCM_SCALE[width]).astype(np.float32).reshape(-1, channels)
    if desired_samples is not None and desired_samples >= 0:
        if len(audio) >= desired_samples:
            audio = audio[:desired_samples]
        else:
            audio = np.concatenate([audio, np.zeros((desired_samples - len(audio), channels), np.float32)])
    return audio


class PaddedAudioBatches(BatchedDataset):
    """Batches of (samples, channels) audio zero-padded at the end to the longest clip of each batch (Keras's
    padded_batch), with their labels."""

    def __getitem__(self, index):
        if self.batch_size is None:
            return super().__getitem__(index)
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for a dataset of {len(self)} batches")
        examples = [self._example(k) for k in range(index * self.batch_size,
                                                     min((index + 1) * self.batch_size, self._count))]
        clips = [e[0] if isinstance(e, tuple) else e for e in examples]
        longest = max(len(c) for c in clips)
        clips = [np.pad(c, ((0, longest - len(c)), (0, 0))) for c in clips]
        if isinstance(examples[0], tuple):
            return np.stack(clips), _stack([e[1] for e in examples])
        return np.stack(clips)


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                 sampling_rate=None, output_sequence_length=None, ragged=False, shuffle=True,
                                 seed=None, validation_split=None, subset=None, follow_links=False, verbose=True):
    """A dataset of (audio, labels) batches from `directory`/<class>/<name>.wav (audio alone when labels or
    label_mode is None): float32 audio (batch, samples, channels), every clip cut or zero-padded to
    output_sequence_length samples, or (when it is None) zero-padded to the longest clip of its batch; labels
    int32 ('int'), float32 one-hot ('categorical') or float32 (batch, 1) ('binary'). The result has `class_names`
    and `file_paths`; subset='both' gives [training, validation].

    Keras returns a tf.data.Dataset; deepgrad returns a BatchedDataset (a keras.utils.PyDataset) that fit, evaluate
    and predict take, with the same files in the same order (TensorFlow's extra buffer shuffle is not repeated).
    Resampling (sampling_rate, which Keras does with tensorflow-io) and ragged batches are not available."""
    _check_labels(labels, label_mode, class_names, "audio files")
    if ragged and output_sequence_length is not None:
        raise ValueError("Cannot set both `ragged` and `output_sequence_length`")
    if sampling_rate is not None:
        if not isinstance(sampling_rate, int):
            raise ValueError(f"`sampling_rate` should have an integer value. Received: sampling_rate={sampling_rate}")
        if sampling_rate <= 0:
            raise ValueError(f"`sampling_rate` should be higher than 0. Received: sampling_rate={sampling_rate}")
        # Keras resamples through tensorflow-io and raises this ImportError where that is not installed
        raise ImportError("audio_dataset_from_directory: sampling_rate= resamples the clips, which Keras does with "
                          "tensorflow-io and nn.keras does not do; leave sampling_rate=None and resample the files "
                          "beforehand")
    if ragged:
        raise ValueError("audio_dataset_from_directory: ragged=True needs ragged tensors, which nn.keras does not have; "
                         "leave ragged=False (clips are zero-padded to the longest of their batch) or set "
                         "output_sequence_length")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    length = -1 if output_sequence_length is None else output_sequence_length

    def load(path):
        return read_wav(path, length)

    batches = PaddedAudioBatches if output_sequence_length is None else BatchedDataset
    return _datasets(directory, labels, label_mode, class_names, batch_size, shuffle, seed, validation_split, subset,
                     follow_links, verbose, ALLOWED_FORMATS, "audio files", load, batches)
