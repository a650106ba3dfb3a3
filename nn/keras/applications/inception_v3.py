"""keras.applications.inception_v3: InceptionV3 (Szegedy et al., 2016) as Keras builds it, with Keras's layer
names (its conv/BN/ReLU units keep automatic names, so a fresh session numbers them as Keras does)."""
from .. import backend
from .. import layers
from . import imagenet_utils
from .building import dense_top
from .common import check_weights, functional, image_input, load_weights, pooled
from .imagenet_utils import decode_predictions, preprocess_tf as preprocess_input  # noqa: F401 (public names)

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
WEIGHTS = ("inception_v3_weights_tf_dim_ordering_tf_kernels.h5", "9a0d58056eeedaa3f26cb7ebd46da564")
WEIGHTS_NO_TOP = ("inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5", "bcbd6486424b2319ff4ef7d526e38f63")


def _axis():
    return 1 if backend.image_data_format() == "channels_first" else 3


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """Conv (no bias) -> BatchNorm (no scale) -> ReLU; named '{name}_conv', '{name}_bn', `name` when given."""
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding, use_bias=False,
                      name=None if name is None else f"{name}_conv")(x)
    x = layers.BatchNormalization(axis=_axis(), scale=False, name=None if name is None else f"{name}_bn")(x)
    return layers.Activation("relu", name=name)(x)


def _avg_branch(x, filters):
    return conv2d_bn(layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x), filters, 1, 1)


def _block_35(x, pool_filters, name):
    """Inception-A: 1x1, 5x5, double 3x3 and pooled branches."""
    b1 = conv2d_bn(x, 64, 1, 1)
    b5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
    b3 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
    return layers.concatenate([b1, b5, b3, _avg_branch(x, pool_filters)], axis=_axis(), name=name)


def _block_17(x, width, name):
    """Inception-B with factorised 7x7 convolutions of `width` channels inside."""
    b1 = conv2d_bn(x, 192, 1, 1)
    b7 = conv2d_bn(conv2d_bn(conv2d_bn(x, width, 1, 1), width, 1, 7), 192, 7, 1)
    d7 = conv2d_bn(x, width, 1, 1)
    for filters, rows, cols in ((width, 7, 1), (width, 1, 7), (width, 7, 1), (192, 1, 7)):
        d7 = conv2d_bn(d7, filters, rows, cols)
    return layers.concatenate([b1, b7, d7, _avg_branch(x, 192)], axis=_axis(), name=name)


def _block_8(x, i):
    """Inception-C: expanded 1x3/3x1 branches."""
    b1 = conv2d_bn(x, 320, 1, 1)
    b3 = conv2d_bn(x, 384, 1, 1)
    b3 = layers.concatenate([conv2d_bn(b3, 384, 1, 3), conv2d_bn(b3, 384, 3, 1)], axis=_axis(),
                            name=f"mixed9_{i}")
    d3 = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3)
    d3 = layers.concatenate([conv2d_bn(d3, 384, 1, 3), conv2d_bn(d3, 384, 3, 1)], axis=_axis())
    return layers.concatenate([b1, b3, d3, _avg_branch(x, 192)], axis=_axis(), name=f"mixed{9 + i}")


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="inception_v3"):
    """InceptionV3 for 299x299 images by default (at least 75x75); inputs scaled to [-1, 1] by preprocess_input."""
    check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=299, min_size=75,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _block_35(x, 32, "mixed0")
    x = _block_35(x, 64, "mixed1")
    x = _block_35(x, 64, "mixed2")
    b3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    d3 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, strides=(2, 2), padding="valid")
    x = layers.concatenate([b3, d3, layers.MaxPooling2D((3, 3), strides=(2, 2))(x)], axis=_axis(), name="mixed3")
    x = _block_17(x, 128, "mixed4")
    x = _block_17(x, 160, "mixed5")
    x = _block_17(x, 160, "mixed6")
    x = _block_17(x, 192, "mixed7")
    b3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    b7 = conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1)
    b7 = conv2d_bn(b7, 192, 3, 3, strides=(2, 2), padding="valid")
    x = layers.concatenate([b3, b7, layers.MaxPooling2D((3, 3), strides=(2, 2))(x)], axis=_axis(), name="mixed8")
    x = _block_8(x, 0)
    x = _block_8(x, 1)
    x = dense_top(x, include_top, pooling, classes, classifier_activation, weights, pooled)
    model = functional(input_tensor, img_input, x, name)
    fname, file_hash = WEIGHTS if include_top else WEIGHTS_NO_TOP
    return load_weights(model, weights, (fname, _BASE + fname, file_hash), name)
