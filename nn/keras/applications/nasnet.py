"""keras.applications.nasnet: NASNet-A (Zoph et al., 2018) as Keras builds it: a stem convolution, then reduction
and normal cells whose branches are separable convolutions and poolings; a cell's second input is the previous
cell's input, adjusted to its size and width. Weight paths carry Keras's name scopes (reduction_A_block_...,
normal_A_block_..., adjust_block, block_1 ... block_5), and unnamed layers (the ReLUs, the adjust paddings, some
adds) take automatic names in Keras's order, so a Keras model's weights line up with ours.

Keras 3.15's NASNetMobile refuses its torch backend ("an outstanding bug"); deepgrad builds it, with the layers,
weights and outputs Keras's backend-independent builder gives."""
from .. import backend
from .. import layers
from ..scopes import name_scope
from . import imagenet_utils
from .common import functional, image_input, load_weights
from .imagenet_utils import decode_predictions, preprocess_tf as preprocess_input  # noqa: F401 (public names)

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
_FILES = {(224, True): ("nasnet_mobile.h5", "NASNet-mobile.h5", "020fb642bf7360b370c678b08e0adf61"),
          (224, False): ("nasnet_mobile_no_top.h5", "NASNet-mobile-no-top.h5", "1ed92395b5b598bdda52abe5c0dbfd63"),
          (331, True): ("nasnet_large.h5", "NASNet-large.h5", "11577c9a518f0070763c2b964a382f17"),
          (331, False): ("nasnet_large_no_top.h5", "NASNet-large-no-top.h5", "d81d89dc07e6e56530c4e77faddd61b5")}
_BN = dict(axis=-1, momentum=0.9997, epsilon=1e-3)


def _sep_pair(x, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """Two ReLU -> separable conv -> batch norm stages, the first strided (after Keras's corrective padding)."""
    with name_scope(f"separable_conv_block_{block_id}"):
        x = layers.Activation("relu")(x)
        padding = "same"
        if strides == (2, 2):
            x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                                     name=f"separable_conv_1_pad_{block_id}")(x)
            padding = "valid"
        x = layers.SeparableConv2D(filters, kernel_size, strides=strides, name=f"separable_conv_1_{block_id}",
                                   padding=padding, use_bias=False)(x)
        x = layers.BatchNormalization(name=f"separable_conv_1_bn_{block_id}", **_BN)(x)
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(filters, kernel_size, name=f"separable_conv_2_{block_id}", padding="same",
                                   use_bias=False)(x)
        return layers.BatchNormalization(name=f"separable_conv_2_bn_{block_id}", **_BN)(x)


def _conv1x1(x, filters, name):
    return layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same", use_bias=False, name=name,
                         kernel_initializer="he_normal")(x)


def _adjusted(p, ip, filters, block_id):
    """The previous path `p` brought to `ip`'s spatial size (two strided half-width 1x1 paths, the second shifted
    by one pixel) or to `filters` channels (a 1x1 projection); `ip` itself when there is no previous path."""
    with name_scope("adjust_block"):
        if p is None:
            return ip
        if p.shape[-2] != ip.shape[-2]:
            with name_scope(f"adjust_reduction_block_{block_id}"):
                p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
                p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                             name=f"adjust_avg_pool_1_{block_id}")(p)
                p1 = _conv1x1(p1, filters // 2, f"adjust_conv_1_{block_id}")
                p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
                p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
                p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                             name=f"adjust_avg_pool_2_{block_id}")(p2)
                p2 = _conv1x1(p2, filters // 2, f"adjust_conv_2_{block_id}")
                p = layers.concatenate([p1, p2], axis=-1)
                return layers.BatchNormalization(name=f"adjust_bn_{block_id}", **_BN)(p)
        if p.shape[-1] != filters:
            with name_scope(f"adjust_projection_block_{block_id}"):
                p = layers.Activation("relu")(p)
                p = _conv1x1(p, filters, f"adjust_conv_projection_{block_id}")
                return layers.BatchNormalization(name=f"adjust_bn_{block_id}", **_BN)(p)
        return p


def _squeezed(ip, filters, kind, block_id):
    """ReLU, 1x1 convolution to `filters` channels and batch norm: the cell's view of its main input."""
    h = layers.Activation("relu")(ip)
    h = _conv1x1(h, filters, f"{kind}_conv_1_{block_id}")
    return layers.BatchNormalization(name=f"{kind}_bn_1_{block_id}", **_BN)(h)


def _avg3(x, strides, name):
    return layers.AveragePooling2D((3, 3), strides=strides, padding="same" if strides == (1, 1) else "valid",
                                   name=name)(x)


def _normal_cell(ip, p, filters, block_id):
    """NASNet-A's normal cell: five branch pairs added, concatenated with the adjusted previous path; returns
    (output, the input, which is the next cell's previous path)."""
    with name_scope(f"normal_A_block_{block_id}"):
        p = _adjusted(p, ip, filters, block_id)
        h = _squeezed(ip, filters, "normal", block_id)
        with name_scope("block_1"):
            left = _sep_pair(h, filters, kernel_size=(5, 5), block_id=f"normal_left1_{block_id}")
            right = _sep_pair(p, filters, block_id=f"normal_right1_{block_id}")
            x1 = layers.add([left, right], name=f"normal_add_1_{block_id}")
        with name_scope("block_2"):
            left = _sep_pair(p, filters, (5, 5), block_id=f"normal_left2_{block_id}")
            right = _sep_pair(p, filters, (3, 3), block_id=f"normal_right2_{block_id}")
            x2 = layers.add([left, right], name=f"normal_add_2_{block_id}")
        with name_scope("block_3"):
            x3 = layers.add([_avg3(h, (1, 1), f"normal_left3_{block_id}"), p], name=f"normal_add_3_{block_id}")
        with name_scope("block_4"):
            left = _avg3(p, (1, 1), f"normal_left4_{block_id}")
            right = _avg3(p, (1, 1), f"normal_right4_{block_id}")
            x4 = layers.add([left, right], name=f"normal_add_4_{block_id}")
        with name_scope("block_5"):
            x5 = layers.add([_sep_pair(h, filters, block_id=f"normal_left5_{block_id}"), h],
                            name=f"normal_add_5_{block_id}")
        x = layers.concatenate([p, x1, x2, x3, x4, x5], axis=-1, name=f"normal_concat_{block_id}")
    return x, ip


def _reduction_cell(ip, p, filters, block_id):
    """NASNet-A's reduction cell: strided separable convolutions and poolings, halving the spatial size;
    returns (output, the input)."""
    with name_scope(f"reduction_A_block_{block_id}"):
        p = _adjusted(p, ip, filters, block_id)
        h = _squeezed(ip, filters, "reduction", block_id)
        h3 = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(h, 3), name=f"reduction_pad_1_{block_id}")(h)
        halve = (2, 2)
        with name_scope("block_1"):
            left = _sep_pair(h, filters, (5, 5), strides=halve, block_id=f"reduction_left1_{block_id}")
            right = _sep_pair(p, filters, (7, 7), strides=halve, block_id=f"reduction_right1_{block_id}")
            x1 = layers.add([left, right], name=f"reduction_add_1_{block_id}")
        with name_scope("block_2"):
            left = layers.MaxPooling2D((3, 3), strides=halve, padding="valid", name=f"reduction_left2_{block_id}")(h3)
            right = _sep_pair(p, filters, (7, 7), strides=halve, block_id=f"reduction_right2_{block_id}")
            x2 = layers.add([left, right], name=f"reduction_add_2_{block_id}")
        with name_scope("block_3"):
            left = _avg3(h3, halve, f"reduction_left3_{block_id}")
            right = _sep_pair(p, filters, (5, 5), strides=halve, block_id=f"reduction_right3_{block_id}")
            x3 = layers.add([left, right], name=f"reduction_add3_{block_id}")
        with name_scope("block_4"):
            x4 = layers.add([x2, _avg3(x1, (1, 1), f"reduction_left4_{block_id}")])
        with name_scope("block_5"):
            left = _sep_pair(x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}")
            right = layers.MaxPooling2D((3, 3), strides=halve, padding="valid", name=f"reduction_right5_{block_id}")(h3)
            x5 = layers.add([left, right], name=f"reduction_add4_{block_id}")
        x = layers.concatenate([x2, x3, x4, x5], axis=-1, name=f"reduction_concat_{block_id}")
    return x, ip


def _check_arguments(weights, include_top, classes, input_shape):
    import os
    if backend.image_data_format() == "channels_first":
        raise ValueError("NASNet does not support the `channels_first` image data format. Switch to `channels_last` "
                         "by editing your local config file at ~/.keras/keras.json")
    if not (weights in {"imagenet", None} or (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))):
        raise ValueError("The `weights` argument should be either `None` (random initialization), `imagenet` "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded.")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights` as `"imagenet"` with `include_top` as true, `classes` should be 1000')
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError("When specifying the input shape of a NASNet and loading `ImageNet` weights, the "
                         f"input_shape argument must be static (no None entries). Got: `input_shape={input_shape}`.")


def _nasnet(input_shape, penultimate_filters, num_blocks, stem_block_filters, skip_reduction, filter_multiplier,
            include_top, weights, input_tensor, pooling, classes, default_size, classifier_activation, name):
    """A NASNet-A model: N = num_blocks normal cells per stage, P = penultimate_filters (N @ P)."""
    _check_arguments(weights, include_top, classes, input_shape)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)
    if penultimate_filters % (24 * (filter_multiplier ** 2)) != 0:
        raise ValueError("For NASNet-A models, the `penultimate_filters` must be a multiple of 24 * "
                         f"(`filter_multiplier` ** 2). Current value: {penultimate_filters}")
    filters = penultimate_filters // 24
    x = layers.Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid", use_bias=False,
                      name="stem_conv1", kernel_initializer="he_normal")(img_input)
    x = layers.BatchNormalization(name="stem_bn1", **_BN)(x)
    x, p = _reduction_cell(x, None, filters // (filter_multiplier ** 2), block_id="stem_1")
    x, p = _reduction_cell(x, p, filters // filter_multiplier, block_id="stem_2")
    for stage in range(3):
        width = filters * filter_multiplier ** stage
        if stage:   # a reduction cell before the second and third stages
            x, p_reduced = _reduction_cell(x, p, width, block_id=f"reduce_{stage * num_blocks}")
            p = p if skip_reduction else p_reduced
        for i in range(num_blocks):
            x, p = _normal_cell(x, p, width, block_id=str(stage * num_blocks + i + 1 if stage else i))
    x = layers.Activation("relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    model = functional(input_tensor, img_input, x, name)
    if weights == "imagenet" and (default_size, include_top) not in _FILES:
        raise ValueError("ImageNet weights can only be loaded with NASNetLarge or NASNetMobile")
    fname, remote, file_hash = _FILES.get((default_size, include_top), (None, None, None))
    return load_weights(model, weights, (fname, _BASE + remote, file_hash) if fname else None, name)


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                 classes=1000, classifier_activation="softmax", name="nasnet_mobile"):
    """NASNet-A Mobile (4 @ 1056) for 224x224 images by default (at least 32x32); inputs scaled to [-1, 1] by
    preprocess_input."""
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return _nasnet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32, skip_reduction=False,
                   filter_multiplier=2, include_top=include_top, weights=weights, input_tensor=input_tensor,
                   pooling=pooling, classes=classes, default_size=224, classifier_activation=classifier_activation,
                   name=name)


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="nasnet_large"):
    """NASNet-A Large (6 @ 4032) for 331x331 images by default (at least 32x32); inputs scaled to [-1, 1] by
    preprocess_input."""
    return _nasnet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96, skip_reduction=True,
                   filter_multiplier=2, include_top=include_top, weights=weights, input_tensor=input_tensor,
                   pooling=pooling, classes=classes, default_size=331, classifier_activation=classifier_activation,
                   name=name)
