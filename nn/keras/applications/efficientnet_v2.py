"""keras.applications.efficientnet_v2: EfficientNetV2B0..B3, S, M and L (Tan & Le, 2021) as Keras builds them
(fused and plain MBConv blocks, optional preprocessing inside the model), with Keras's layer names."""
import math

from .. import backend
from .. import layers
from ..initializers import Constant, VarianceScaling
from . import imagenet_utils
from .building import file_named_after_model, named_pooled
from .common import check_weights, functional, image_input, load_weights
from .imagenet_utils import decode_predictions  # noqa: F401 (public names)

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}
_KEYS = ("kernel_size", "num_repeat", "input_filters", "output_filters", "expand_ratio", "se_ratio", "strides",
         "conv_type")


def _stages(*rows):
    return [dict(zip(_KEYS, (3,) + row)) for row in rows]


# rows: (repeats, filters in, filters out, expand ratio, se ratio, strides, 1 = fused / 0 = plain MBConv)
_B = _stages((1, 32, 16, 1, 0, 1, 1), (2, 16, 32, 4, 0, 2, 1), (2, 32, 48, 4, 0, 2, 1),
             (3, 48, 96, 4, 0.25, 2, 0), (5, 96, 112, 6, 0.25, 1, 0), (8, 112, 192, 6, 0.25, 2, 0))
DEFAULT_BLOCKS_ARGS = {
    "efficientnetv2-s": _stages((2, 24, 24, 1, 0, 1, 1), (4, 24, 48, 4, 0, 2, 1), (4, 48, 64, 4, 0, 2, 1),
                                (6, 64, 128, 4, 0.25, 2, 0), (9, 128, 160, 6, 0.25, 1, 0),
                                (15, 160, 256, 6, 0.25, 2, 0)),
    "efficientnetv2-m": _stages((3, 24, 24, 1, 0, 1, 1), (5, 24, 48, 4, 0, 2, 1), (5, 48, 80, 4, 0, 2, 1),
                                (7, 80, 160, 4, 0.25, 2, 0), (14, 160, 176, 6, 0.25, 1, 0),
                                (18, 176, 304, 6, 0.25, 2, 0), (5, 304, 512, 6, 0.25, 1, 0)),
    "efficientnetv2-l": _stages((4, 32, 32, 1, 0, 1, 1), (7, 32, 64, 4, 0, 2, 1), (7, 64, 96, 4, 0, 2, 1),
                                (10, 96, 192, 4, 0.25, 2, 0), (19, 192, 224, 6, 0.25, 1, 0),
                                (25, 224, 384, 6, 0.25, 2, 0), (7, 384, 640, 6, 0.25, 1, 0)),
    "efficientnetv2-b0": _B, "efficientnetv2-b1": _B, "efficientnetv2-b2": _B, "efficientnetv2-b3": _B,
}


def _conv_init():
    return VarianceScaling(scale=2.0, mode="fan_out", distribution="truncated_normal")


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    """`filters` scaled by the width and rounded to a multiple of `depth_divisor` (at least `min_depth`)."""
    filters *= width_coefficient
    return int(max(min_depth or depth_divisor, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def round_repeats(repeats, depth_coefficient):
    """`repeats` scaled by the depth, rounded up."""
    return int(math.ceil(depth_coefficient * repeats))


def _squeeze_excite(x, filters, input_filters, se_ratio, activation, name):
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    se = layers.Reshape((1, 1, filters), name=f"{name}se_reshape")(se)
    se = layers.Conv2D(max(1, int(input_filters * se_ratio)), 1, padding="same", activation=activation,
                       kernel_initializer=_conv_init(), name=f"{name}se_reduce")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid", kernel_initializer=_conv_init(),
                       name=f"{name}se_expand")(se)
    return layers.multiply([x, se], name=f"{name}se_excite")


def _residual(x, inputs, drop_rate, name):
    if drop_rate:   # Keras passes the drop-connect rate as this argument and skips it when it is 0
        x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
    return layers.add([x, inputs], name=f"{name}add")


def MBConvBlock(input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1, se_ratio=0.0,
                bn_momentum=0.9, activation="swish", survival_probability=0.8, name=None):
    """A function applying one MBConv block: 1x1 expansion, depthwise conv, squeeze-excitation, 1x1 projection."""
    name = backend.get_uid("block0") if name is None else name

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = layers.Conv2D(filters, 1, strides=1, kernel_initializer=_conv_init(), padding="same",
                              use_bias=False, name=f"{name}expand_conv")(x)
            x = layers.BatchNormalization(axis=3, momentum=bn_momentum, name=f"{name}expand_bn")(x)
            x = layers.Activation(activation, name=f"{name}expand_activation")(x)
        x = layers.DepthwiseConv2D(kernel_size, strides=strides, depthwise_initializer=_conv_init(), padding="same",
                                   use_bias=False, name=f"{name}dwconv2")(x)
        x = layers.BatchNormalization(axis=3, momentum=bn_momentum, name=f"{name}bn")(x)
        x = layers.Activation(activation, name=f"{name}activation")(x)
        if 0 < se_ratio <= 1:
            x = _squeeze_excite(x, filters, input_filters, se_ratio, activation, name)
        x = layers.Conv2D(output_filters, 1, strides=1, kernel_initializer=_conv_init(), padding="same",
                          use_bias=False, name=f"{name}project_conv")(x)
        x = layers.BatchNormalization(axis=3, momentum=bn_momentum, name=f"{name}project_bn")(x)
        if strides == 1 and input_filters == output_filters:
            x = _residual(x, inputs, survival_probability, name)
        return x
    return apply


def FusedMBConvBlock(input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1, se_ratio=0.0,
                     bn_momentum=0.9, activation="swish", survival_probability=0.8, name=None):
    """A function applying one fused MBConv block: a full kxk expansion conv in place of 1x1 + depthwise."""
    name = backend.get_uid("block0") if name is None else name

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = layers.Conv2D(filters, kernel_size, strides=strides, kernel_initializer=_conv_init(),
                              padding="same", use_bias=False, name=f"{name}expand_conv")(x)
            x = layers.BatchNormalization(axis=3, momentum=bn_momentum, name=f"{name}expand_bn")(x)
            x = layers.Activation(activation, name=f"{name}expand_activation")(x)
        if 0 < se_ratio <= 1:
            x = _squeeze_excite(x, filters, input_filters, se_ratio, activation, name)
        expanded = expand_ratio != 1
        x = layers.Conv2D(output_filters, 1 if expanded else kernel_size, strides=1 if expanded else strides,
                          kernel_initializer=_conv_init(), padding="same", use_bias=False,
                          name=f"{name}project_conv")(x)
        x = layers.BatchNormalization(axis=3, momentum=bn_momentum, name=f"{name}project_bn")(x)
        if not expanded:
            x = layers.Activation(activation, name=f"{name}project_activation")(x)
        if strides == 1 and input_filters == output_filters:
            x = _residual(x, inputs, survival_probability, name)
        return x
    return apply


def EfficientNetV2(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2, drop_connect_rate=0.2,
                   depth_divisor=8, min_depth=8, bn_momentum=0.9, activation="swish", blocks_args="default",
                   name="efficientnetv2", include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True,
                   weights_name=None):
    """An EfficientNetV2 from its stage table `blocks_args` (default: the one for `name`)."""
    who = name
    if blocks_args == "default":
        if name not in DEFAULT_BLOCKS_ARGS:
            raise KeyError(f"{who}: no default blocks_args for the model name {name!r} (Keras picks them by name: "
                           f"one of {sorted(DEFAULT_BLOCKS_ARGS)}); pass blocks_args= explicitly")
        blocks_args = DEFAULT_BLOCKS_ARGS[name]
    check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)
    x = img_input
    if include_preprocessing:
        # Keras tells the B variants (ImageNet normalisation) from S/M/L ([-1, 1] scaling) by the name
        if name.split("-")[-1].startswith("b") and input_shape[2] == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2],
                                     axis=3)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)

    def rounded(filters):
        return round_filters(filters, width_coefficient, min_depth, depth_divisor)

    x = layers.Conv2D(rounded(blocks_args[0]["input_filters"]), 3, strides=2, kernel_initializer=_conv_init(),
                      padding="same", use_bias=False, name="stem_conv")(x)
    x = layers.BatchNormalization(axis=3, momentum=bn_momentum, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    total = float(sum(args["num_repeat"] for args in blocks_args))
    done = 0
    for i, stage in enumerate(blocks_args):
        if stage["num_repeat"] <= 0:
            raise ValueError(f"{who}: the number of repeats in `EfficientNetV2` must be > 0; received "
                             f"num_repeat={stage['num_repeat']} in blocks_args[{i}]")
        args = {k: v for k, v in stage.items() if k not in ("num_repeat", "conv_type")}
        args["input_filters"] = rounded(args["input_filters"])
        args["output_filters"] = rounded(args["output_filters"])
        make = FusedMBConvBlock if stage["conv_type"] == 1 else MBConvBlock
        for j in range(round_repeats(stage["num_repeat"], depth_coefficient)):
            if j > 0:
                args["strides"] = 1
                args["input_filters"] = args["output_filters"]
            x = make(activation=activation, bn_momentum=bn_momentum,
                     survival_probability=drop_connect_rate * done / total, name=f"block{i + 1}{chr(j + 97)}_",
                     **args)(x)
            done += 1
    x = layers.Conv2D(rounded(1280), 1, strides=1, kernel_initializer=_conv_init(), padding="same",
                      use_bias=False, name="top_conv")(x)
    x = layers.BatchNormalization(axis=3, momentum=bn_momentum, name="top_bn")(x)
    x = layers.Activation(activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation,
                         kernel_initializer=VarianceScaling(scale=1.0 / 3.0, mode="fan_out", distribution="uniform"),
                         bias_initializer=Constant(0.0), name="predictions")(x)
    else:
        x = named_pooled(x, pooling)
    model = functional(input_tensor, img_input, x, name)
    imagenet_file = None
    if weights == "imagenet" and weights_name in _HASHES:
        imagenet_file = file_named_after_model(name, include_top, _BASE, _HASHES[weights_name])
    load_weights(model, weights, imagenet_file, who)
    return model


def _variant(label, tag, width, depth, size):
    def build(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
              classes=1000, classifier_activation="softmax", include_preprocessing=True,
              name=f"efficientnetv2-{tag.lstrip('-')}"):
        return EfficientNetV2(width_coefficient=width, depth_coefficient=depth, default_size=size, name=name,
                              include_top=include_top, weights=weights, input_tensor=input_tensor,
                              input_shape=input_shape, pooling=pooling, classes=classes,
                              classifier_activation=classifier_activation,
                              include_preprocessing=include_preprocessing, weights_name=tag)
    build.__name__ = build.__qualname__ = label
    build.__doc__ = (f"{label}: {size}x{size} images by default; takes pixels in 0..255 and rescales them inside "
                     "unless include_preprocessing=False.")
    return build


EfficientNetV2B0 = _variant("EfficientNetV2B0", "b0", 1.0, 1.0, 224)
EfficientNetV2B1 = _variant("EfficientNetV2B1", "b1", 1.0, 1.1, 240)
EfficientNetV2B2 = _variant("EfficientNetV2B2", "b2", 1.1, 1.2, 260)
EfficientNetV2B3 = _variant("EfficientNetV2B3", "b3", 1.2, 1.4, 300)
EfficientNetV2S = _variant("EfficientNetV2S", "-s", 1.0, 1.0, 384)
EfficientNetV2M = _variant("EfficientNetV2M", "-m", 1.0, 1.0, 480)
EfficientNetV2L = _variant("EfficientNetV2L", "-l", 1.0, 1.0, 480)


def preprocess_input(x, data_format=None):
    """`x` unchanged: EfficientNetV2 models preprocess inside (a placeholder kept for API parity)."""
    return x
