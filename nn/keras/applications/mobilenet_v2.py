"""keras.applications.mobilenet_v2: MobileNetV2 (Sandler et al., 2018) as Keras 3 builds it, with the width
multiplier `alpha`, and its preprocessing ('tf' mode: pixels scaled to [-1, 1])."""
import warnings

from . import common, imagenet_utils
from .imagenet_utils import decode_predictions, preprocess_tf as preprocess_input  # noqa: F401 (public names)

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_SIZES = (96, 128, 160, 192, 224)   # the input sizes with published weights (and the default sizes picked)


def make_divisible(v, divisor, min_value=None):
    """`v` rounded to the nearest multiple of `divisor` (at least `min_value`), never more than 10% below `v`."""
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * v else rounded


def _check_arguments(weights, include_top, classes, input_shape, input_tensor):
    import os
    from .. import backend
    if not (weights in {"imagenet", None} or (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))):
        raise ValueError("The `weights` argument should be either `None` (random initialization), `imagenet` "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded.  Received "
                         f"`weights={weights}`")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000. '
                         f"Received `classes={classes}`")
    if input_shape is not None and input_tensor is not None:
        if not backend.is_keras_tensor(input_tensor):
            raise ValueError(f"input_tensor is not a Keras tensor; Received `input_tensor={input_tensor}`")
        if backend.image_data_format() == "channels_first":
            if input_tensor.shape[1] != input_shape[1]:
                raise ValueError("input_shape[1] must equal shape(input_tensor)[1] when `image_data_format` is "
                                 f"`channels_first`; Received `input_tensor.shape={input_tensor.shape}`, "
                                 f"`input_shape={input_shape}`")
        elif input_tensor.shape[2] != input_shape[1]:
            raise ValueError("input_tensor.shape[2] must equal input_shape[1]; Received "
                             f"`input_tensor.shape={input_tensor.shape}`, `input_shape={input_shape}`")


def default_size(input_shape, input_tensor, sizes=_SIZES):
    """The square size of published weights the given shape (or Keras tensor) has, else 224."""
    from .. import backend
    first = backend.image_data_format() == "channels_first"
    if input_shape is not None:
        rows, cols = (input_shape[1], input_shape[2]) if first else (input_shape[0], input_shape[1])
    elif input_tensor is not None and backend.is_keras_tensor(input_tensor):
        rows, cols = (input_tensor.shape[2], input_tensor.shape[3]) if first else tuple(input_tensor.shape[1:3])
    else:
        return 224
    return rows if rows == cols and rows in sizes else 224


def imagenet_rows(input_shape, sizes=_SIZES):
    """The input size whose ImageNet weights are loaded: the model's when square and published, else 224 (with
    Keras's warning)."""
    from .. import backend
    first = backend.image_data_format() == "channels_first"
    rows, cols = (input_shape[1], input_shape[2]) if first else (input_shape[0], input_shape[1])
    if rows != cols or rows not in sizes:
        warnings.warn(f"`input_shape` is undefined or non-square, or `rows` is not in {list(sizes)}. Weights for "
                      "input shape (224, 224) will be loaded as the default.", stacklevel=3)
        return 224
    return rows


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                classes=1000, classifier_activation="softmax", name=None):
    """The MobileNetV2 model (default input 224x224x3, or the square published size given; at least 32x32)
    with width multiplier `alpha`; weights None, 'imagenet' or a file path. The default name is
    'mobilenetv2_<alpha>_<rows>'."""
    from .. import backend, layers
    _check_arguments(weights, include_top, classes, input_shape, input_tensor)
    size = default_size(input_shape, input_tensor)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=size, min_size=32,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    first = backend.image_data_format() == "channels_first"
    rows = input_shape[1] if first else input_shape[0]
    if weights == "imagenet":
        if alpha not in [0.35, 0.50, 0.75, 1.0, 1.3, 1.4]:
            raise ValueError("If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, `0.75`, "
                             f"`1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`")
        rows = imagenet_rows(input_shape)
    img_input = common.image_input(input_tensor, input_shape)
    channel_axis = 1 if first else -1

    x = layers.Conv2D(make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                      name="Conv1")(img_input)
    x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name="bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    blocks = [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6),
              (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6),
              (320, 1, 6)]   # (filters, stride, expansion) of blocks 0..16
    for block_id, (filters, stride, expansion) in enumerate(blocks):
        x = _inverted_res_block(x, expansion, stride, alpha, filters, block_id)
    last_filters = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name="Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = common.pooled(x, pooling)
    name = f"mobilenetv2_{alpha:0.2f}_{rows}" if name is None else name
    model = common.functional(input_tensor, img_input, x, name)
    suffix = "" if include_top else "_no_top"
    fname = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{suffix}.h5"
    return common.load_weights(model, weights, (fname, BASE_WEIGHT_PATH + fname, None), "MobileNetV2")


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """Expand (1x1, ReLU6; not in block 0), depthwise 3x3 (ReLU6), project (1x1, linear), plus the input when
    the shapes allow."""
    from .. import backend, layers
    channel_axis = 1 if backend.image_data_format() == "channels_first" else -1
    in_channels = inputs.shape[channel_axis]
    pointwise_filters = make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False, activation=None,
                          name=f"{prefix}expand")(x)
        x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid", name=f"{prefix}depthwise")(x)
    x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False, activation=None,
                      name=f"{prefix}project")(x)
    x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x




__all__ = ["MobileNetV2", "preprocess_input", "decode_predictions"]
