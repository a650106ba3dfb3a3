"""keras.applications.imagenet_utils: the ImageNet input preprocessing ('caffe', 'tf', 'torch' modes), the
decoding of 1000-class predictions, and the input-shape rules the application models share, as Keras 3 has
them."""
import json
import warnings

import numpy as np

from .downloads import fetch

CLASS_INDEX = None
CLASS_INDEX_PATH = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

_CAFFE_MEAN = (103.939, 116.779, 123.68)      # BGR order, subtracted after the channel flip
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)
_MODES = ("caffe", "tf", "torch")


def _check_format(data_format, who):
    from .. import backend
    if data_format is None:
        return backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"{who}: expected data_format to be one of `channels_first` or `channels_last`. "
                         f"Received: data_format={data_format}")
    return data_format


def preprocess_input(x, data_format=None, mode="caffe"):
    """A batch of images (NumPy array or tensor, 3D or 4D, values in [0, 255]) preprocessed for an ImageNet
    model: 'caffe' flips RGB to BGR and subtracts the ImageNet channel means, 'tf' scales to [-1, 1], 'torch'
    scales to [0, 1] and standardises each channel. A float NumPy array is overwritten in place, as in Keras."""
    if mode not in _MODES:
        raise ValueError("preprocess_input: expected mode to be one of `caffe`, `tf` or `torch`. "
                         f"Received: mode={mode}")
    data_format = _check_format(data_format, "preprocess_input")
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _channel_view(ndim, data_format, k):
    """The index that picks channel k of an array of `ndim` dims."""
    if data_format == "channels_last":
        return (Ellipsis, k)
    return (k,) if ndim == 3 else (slice(None), k)


def _preprocess_numpy(x, data_format, mode):
    from .. import backend
    if not issubclass(x.dtype.type, np.floating):
        x = x.astype(backend.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        axis = -1 if data_format == "channels_last" else (0 if x.ndim == 3 else 1)
        x = np.flip(x, axis=axis)     # a view: the in-place updates below still land in the caller's array
        mean, std = _CAFFE_MEAN, None
    for k in range(3):
        where = _channel_view(x.ndim, data_format, k)
        x[where] -= mean[k]
        if std is not None:
            x[where] /= std[k]
    return x


def _preprocess_tensor(x, data_format, mode):
    from .. import backend, ops
    if not backend.is_keras_tensor(x):
        x = ops.convert_to_tensor(x)
    if not backend.is_float_dtype(x.dtype):
        x = ops.cast(x, backend.floatx())
    ndim = len(x.shape)
    if mode == "tf":
        return x / 127.5 - 1.0
    if mode == "torch":
        x = x / 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        axis = -1 if data_format == "channels_last" else (0 if ndim == 3 else 1)
        x = ops.stack([x[_channel_view(ndim, data_format, k)] for k in (2, 1, 0)], axis=axis)
        mean, std = _CAFFE_MEAN, None
    if data_format == "channels_last":
        shape = (1,) * (ndim - 1) + (3,)
    else:
        shape = (3, 1, 1) if ndim == 3 else (1, 3) + (1,) * (ndim - 2)
    # as Keras: plus the negated means (a functional model records Keras's `add` node, not `subtract`)
    x = x + ops.reshape(ops.convert_to_tensor(-np.array(mean), dtype=x.dtype), shape)
    if std is not None:
        # Keras 3.15 reshapes std to (3, 1, 1) whatever the layout, which fails for channels_last images;
        # here std lines up with the channels like the mean
        x = x / ops.reshape(ops.convert_to_tensor(np.array(std), dtype=x.dtype), shape)
    return x


def decode_predictions(preds, top=5):
    """For each row of `preds` (samples, 1000), the `top` ImageNet classes as (class_name, description, score),
    best first; the class index is downloaded once from Keras's URL into ~/.keras/models."""
    global CLASS_INDEX
    shape = tuple(getattr(preds, "shape", np.shape(preds)))
    if len(shape) != 2 or shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape "
                         f"(samples, 1000)). Received array with shape: {shape}")
    if CLASS_INDEX is None:
        path = fetch("imagenet_class_index.json", CLASS_INDEX_PATH, CLASS_INDEX_HASH, "decode_predictions",
                     "then set keras.applications.imagenet_utils.CLASS_INDEX to json.load of it")
        with open(path) as f:
            CLASS_INDEX = json.load(f)
    preds = np.asarray(preds.numpy() if hasattr(preds, "numpy") else preds)
    results = []
    for row in preds:
        best = row.argsort()[-top:][::-1]
        result = [tuple(CLASS_INDEX[str(i)]) + (row[i],) for i in best]
        result.sort(key=lambda item: item[2], reverse=True)
        results.append(result)
    return results


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten, weights=None):
    """The model's input shape (channels placed by `data_format`, None for free sizes) from the user's
    `input_shape`, checked against `min_size`, the 3 channels ImageNet weights need and, with a flattening top,
    the fixed size it needs."""
    last = data_format != "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[-1] if last else input_shape[0]
        if channels not in {1, 3}:
            warnings.warn("This model usually expects 1 or 3 input channels. However, it was passed an input_shape "
                          f"with {channels} input channels.", stacklevel=3)
        default_shape = (default_size, default_size, channels) if last else (channels, default_size, default_size)
    else:
        default_shape = (default_size, default_size, 3) if last else (3, default_size, default_size)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, `input_shape` should be "
                             f"{default_shape}.  Received: input_shape={input_shape}")
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        channels = input_shape[-1] if last else input_shape[0]
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
        sizes = input_shape[:2] if last else input_shape[1:]
        if any(s is not None and s < min_size for s in sizes):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (None, None, 3) if last else (3, None, None)
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static `input_shape`. "
                         f"Received: input_shape={input_shape}")
    return input_shape


def correct_pad(inputs, kernel_size):
    """The ((top, bottom), (left, right)) zero padding that makes a strided 'valid' convolution of
    `kernel_size` centre on the input as TensorFlow's 'same' padding does."""
    from .. import backend
    first = 2 if backend.image_data_format() == "channels_first" else 1
    size = tuple(inputs.shape[first:first + 2])
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation, weights):
    """Refuse a classifier activation other than None or 'softmax' when pretrained weights are loaded."""
    if weights is None:
        return
    from .. import activations
    chosen = activations.get(classifier_activation)
    if chosen not in (activations.get("softmax"), activations.get(None)):
        raise ValueError("Only `None` and `softmax` activations are allowed for the `classifier_activation` argument "
                         "when using pretrained weights, with `include_top=True`; Received: "
                         f"classifier_activation={classifier_activation}")


def preprocess_caffe(x, data_format=None):
    """Images in [0, 255] converted to BGR and zero-centred per channel with the ImageNet means ('caffe' mode):
    the preprocess_input of the VGG and ResNet families."""
    return preprocess_input(x, data_format=data_format, mode="caffe")


def preprocess_tf(x, data_format=None):
    """Pixels (0..255) scaled to [-1, 1] ('tf' mode): the preprocess_input of the MobileNet, ResNetV2, Inception
    and Xception families."""
    return preprocess_input(x, data_format=data_format, mode="tf")


def preprocess_torch(x, data_format=None):
    """Pixels (0..255) scaled to 0..1 and normalised per channel with ImageNet's mean and std ('torch' mode): the
    preprocess_input of the DenseNet family."""
    return preprocess_input(x, data_format=data_format, mode="torch")


__all__ = ["preprocess_input", "decode_predictions"]
