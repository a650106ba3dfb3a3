"""keras.applications.mobilenet_v3: MobileNetV3Small and MobileNetV3Large (Howard et al., 2019) as Keras 3
builds them (with `alpha`, `minimalistic` and the built-in Rescaling of `include_preprocessing`); their
preprocess_input passes images through unchanged."""
import os
import warnings

from . import common, imagenet_utils
from .mobilenet_v2 import make_divisible
from .imagenet_utils import decode_predictions  # noqa: F401 (public names)

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
WEIGHTS_HASHES = {   # (with top, without top), md5 as Keras lists them
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb", "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c", "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7", "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37", "cde8136e733e811080d9fcd8a252f7e4"),
}


def relu(x):
    """ReLU as an unnamed layer (Keras numbers them re_lu, re_lu_1, ...)."""
    from .. import layers
    return layers.ReLU()(x)


def hard_sigmoid(x):
    """relu6(x + 3) / 6, written as Keras's graph has it (two ops around a ReLU layer)."""
    from .. import layers
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    """The hard-swish activation as an unnamed Activation layer."""
    from .. import layers
    return layers.Activation("hard_swish")(x)


def _check_arguments(weights, include_top, classes, input_shape, input_tensor):
    from .. import backend
    if not (weights in {"imagenet", None} or (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))):
        raise ValueError("The `weights` argument should be either `None` (random initialization), `imagenet` "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded.  "
                         f"Received weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000.  '
                         f"Received classes={classes}")
    if input_shape is not None and input_tensor is not None:
        if not backend.is_keras_tensor(input_tensor):
            raise ValueError(f"input_tensor specified: {input_tensor!r} is not a keras tensor (pass the output of "
                             "keras.Input, or only input_shape)")
        first = backend.image_data_format() == "channels_first"
        if input_tensor.shape[1 if first else 2] != input_shape[1]:
            raise ValueError(f"input_shape[1] must equal input_tensor.shape[{1 if first else 2}].  Received "
                             f"input_shape={input_shape}, input_tensor.shape={input_tensor.shape}")


def MobileNetV3(stack_fn, last_point_ch, input_shape=None, alpha=1.0, model_type="large", minimalistic=False,
                include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, name=None):
    """A MobileNetV3 around `stack_fn`'s inverted residual blocks: optional Rescaling to [-1, 1], the stem,
    the blocks, the last 1x1 convolution, then the classifier (1x1 convolutions on pooled features) or the
    optional pooling."""
    from .. import backend, layers
    _check_arguments(weights, include_top, classes, input_shape, input_tensor)
    first = backend.image_data_format() == "channels_first"
    if input_shape is None and input_tensor is not None and backend.is_keras_tensor(input_tensor):
        # Keras takes (cols, rows) in this order here; the same for the square inputs that matter
        rows, cols = (input_tensor.shape[2], input_tensor.shape[3]) if first else tuple(input_tensor.shape[1:3])
        input_shape = (3, cols, rows) if first else (cols, rows, 3)
    if input_shape is None:
        input_shape = (3, None, None) if first else (None, None, 3)
    rows, cols = (input_shape[1], input_shape[2]) if first else (input_shape[0], input_shape[1])
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape={input_shape}`")
    if weights == "imagenet":
        if (not minimalistic and alpha not in [0.75, 1.0]) or (minimalistic and alpha != 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for non "
                             f"minimalistic or `1.0` for minimalistic only. Received alpha={alpha}, "
                             f"minimalistic={minimalistic}")
        if rows != cols or rows != 224:
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not 224. Weights for input shape "
                          "(224, 224) will be loaded as the default.", stacklevel=3)
    img_input = common.image_input(input_tensor, input_shape)
    channel_axis = 1 if first else -1
    kernel, activation, se_ratio = (3, relu, None) if minimalistic else (5, hard_swish, 0.25)

    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name="conv_bn")(x)
    x = activation(x)
    x = stack_fn(x, kernel, activation, se_ratio)
    last_conv_ch = make_divisible(x.shape[channel_axis] * 6, 8)
    if alpha > 1.0:
        last_point_ch = make_divisible(last_point_ch * alpha, 8)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name="conv_1_bn")(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True, name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = common.functional(input_tensor, img_input, x, name)
    published = None
    key = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
    if key in WEIGHTS_HASHES:
        fname = f"weights_mobilenet_v3_{key}{'' if include_top else '_no_top_v2'}.h5"
        published = (fname, BASE_WEIGHT_PATH + fname, WEIGHTS_HASHES[key][0 if include_top else 1])
    return common.load_weights(model, weights, published, name)


def _se_block(inputs, filters, se_ratio, prefix):
    """Squeeze-and-excite: channel weights from the pooled features (1x1 convolutions, ReLU, hard sigmoid)."""
    from .. import layers
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(make_divisible(filters * se_ratio, 8), kernel_size=1, padding="same",
                      name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    x = hard_sigmoid(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id):
    """Expand (not in block 0), depthwise, optional squeeze-and-excite, project, plus the input when the shapes
    allow."""
    from .. import backend, layers
    channel_axis = 1 if backend.image_data_format() == "channels_first" else -1
    shortcut = x
    prefix = "expanded_conv_"
    infilters = x.shape[channel_axis]
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(make_divisible(infilters * expansion, 8), kernel_size=1, padding="same", use_bias=False,
                          name=f"{prefix}expand")(x)
        x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}expand_bn")(x)
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size), name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid",
                               use_bias=False, name=f"{prefix}depthwise")(x)
    x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}depthwise_bn")(x)
    x = activation(x)
    if se_ratio:
        x = _se_block(x, make_divisible(infilters * expansion, 8), se_ratio, prefix)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}project_bn")(x)
    if stride == 1 and infilters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


# (expansion, filters, kernel ('k' = the model's kernel), stride, squeeze-excite?, activation ('a' = the model's))
_SMALL = [(1, 16, 3, 2, True, relu), (72.0 / 16, 24, 3, 2, False, relu), (88.0 / 24, 24, 3, 1, False, relu),
          (4, 40, "k", 2, True, "a"), (6, 40, "k", 1, True, "a"), (6, 40, "k", 1, True, "a"),
          (3, 48, "k", 1, True, "a"), (3, 48, "k", 1, True, "a"), (6, 96, "k", 2, True, "a"),
          (6, 96, "k", 1, True, "a"), (6, 96, "k", 1, True, "a")]
_LARGE = [(1, 16, 3, 1, False, relu), (4, 24, 3, 2, False, relu), (3, 24, 3, 1, False, relu),
          (3, 40, "k", 2, True, relu), (3, 40, "k", 1, True, relu), (3, 40, "k", 1, True, relu),
          (6, 80, 3, 2, False, "a"), (2.5, 80, 3, 1, False, "a"), (2.3, 80, 3, 1, False, "a"),
          (2.3, 80, 3, 1, False, "a"), (6, 112, 3, 1, True, "a"), (6, 112, 3, 1, True, "a"),
          (6, 160, "k", 2, True, "a"), (6, 160, "k", 1, True, "a"), (6, 160, "k", 1, True, "a")]


def _stack(table, alpha):
    def stack_fn(x, kernel, activation, se_ratio):
        for block_id, (expansion, filters, k, stride, se, act) in enumerate(table):
            x = _inverted_res_block(x, expansion, make_divisible(filters * alpha, 8), kernel if k == "k" else k,
                                    stride, se_ratio if se else None, activation if act == "a" else act, block_id)
        return x
    return stack_fn


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Small"):
    """The MobileNetV3Small model (inputs in [0, 255] with include_preprocessing, else [-1, 1]; at least 32x32);
    weights None, 'imagenet' or a file path."""
    return MobileNetV3(_stack(_SMALL, alpha), 1024, input_shape, alpha, "small", minimalistic, include_top, weights,
                       input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing,
                       name=name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Large"):
    """The MobileNetV3Large model (inputs in [0, 255] with include_preprocessing, else [-1, 1]; at least 32x32);
    weights None, 'imagenet' or a file path."""
    return MobileNetV3(_stack(_LARGE, alpha), 1280, input_shape, alpha, "large", minimalistic, include_top, weights,
                       input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing,
                       name=name)


def preprocess_input(x, data_format=None):
    """`x` unchanged: MobileNetV3 models rescale their inputs themselves (include_preprocessing=True)."""
    return x



__all__ = ["MobileNetV3Small", "MobileNetV3Large", "preprocess_input", "decode_predictions"]
