"""keras.applications.xception: Xception (Chollet, 2017) as Keras builds it: depthwise-separable convolutions
with residual shortcuts (the shortcut convs and their BatchNorms keep automatic names, as in Keras)."""
from .. import backend
from .. import layers
from . import imagenet_utils
from .building import dense_top
from .common import check_weights, functional, image_input, load_weights, pooled
from .imagenet_utils import decode_predictions, preprocess_tf as preprocess_input  # noqa: F401 (public names)

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
WEIGHTS = ("xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6")
WEIGHTS_NO_TOP = ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5", "b0042744bf5b25fce3cb969f33bebb97")


def _axis():
    return 1 if backend.image_data_format() == "channels_first" else -1


def _sep_bn(x, filters, name):
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=_axis(), name=f"{name}_bn")(x)


def _downsampling_block(x, filters, block, first_relu=True):
    """Two separable convs and a strided max-pool, added to a strided 1x1 conv shortcut."""
    residual = layers.Conv2D(filters[1], (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    residual = layers.BatchNormalization(axis=_axis())(residual)
    if first_relu:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _sep_bn(x, filters[0], f"block{block}_sepconv1")
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _sep_bn(x, filters[1], f"block{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="xception"):
    """Xception for 299x299 images by default (at least 71x71); inputs scaled to [-1, 1] by preprocess_input."""
    check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=299, min_size=71,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=_axis(), name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=_axis(), name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    # Keras starts block 2 without a ReLU (block1 ended with one) and names its middle ReLU 'sepconv2_act'
    x = _downsampling_block(x, (128, 128), 2, first_relu=False)
    x = _downsampling_block(x, (256, 256), 3)
    x = _downsampling_block(x, (728, 728), 4)
    for block in range(5, 13):
        residual = x
        for k in (1, 2, 3):
            x = layers.Activation("relu", name=f"block{block}_sepconv{k}_act")(x)
            x = _sep_bn(x, 728, f"block{block}_sepconv{k}")
        x = layers.add([x, residual])
    x = _downsampling_block(x, (728, 1024), 13)
    x = _sep_bn(x, 1536, "block14_sepconv1")
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = _sep_bn(x, 2048, "block14_sepconv2")
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    x = dense_top(x, include_top, pooling, classes, classifier_activation, weights, pooled)
    model = functional(input_tensor, img_input, x, name)
    fname, file_hash = WEIGHTS if include_top else WEIGHTS_NO_TOP
    return load_weights(model, weights, (fname, _BASE + fname, file_hash), name)
