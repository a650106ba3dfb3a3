"""keras.applications.vgg16: VGG16 (Simonyan & Zisserman, 2015) as Keras 3 builds it, and its preprocessing
('caffe' mode)."""
from . import common, imagenet_utils
from .imagenet_utils import decode_predictions, preprocess_caffe as preprocess_input  # noqa: F401 (public names)

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"
WEIGHTS = ("vgg16_weights_tf_dim_ordering_tf_kernels.h5", _BASE + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5",
           "64373286793e3c8b2b4e3219cbf3544b")
WEIGHTS_NO_TOP = ("vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
                  _BASE + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", "6d6bbae143d832006294945121d1f1fc")


def build_vgg(convs_per_block, include_top, weights, input_tensor, input_shape, pooling, classes,
              classifier_activation, name, files):
    """A VGG network with `convs_per_block[b]` 3x3 convolutions in block b+1 (filters 64, 128, 256, 512, 512),
    each block ending in 2x2 max pooling; `files` = (top, no-top) ImageNet weight files."""
    from .. import backend, layers
    common.check_weights(weights, include_top, classes)
    if include_top:   # refused before any layer is built (Keras finds out only at the classifier)
        imagenet_utils.validate_activation(classifier_activation, weights)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = common.image_input(input_tensor, input_shape)
    x = img_input
    for block, (filters, count) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block), start=1):
        for k in range(1, count + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{k}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = common.pooled(x, pooling)
    model = common.functional(input_tensor, img_input, x, name)
    return common.load_weights(model, weights, files[0] if include_top else files[1], name.upper())


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", name="vgg16"):
    """The VGG16 model (default input 224x224x3, at least 32x32); weights None, 'imagenet' or a file path."""
    return build_vgg((2, 2, 3, 3, 3), include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, name, (WEIGHTS, WEIGHTS_NO_TOP))




__all__ = ["VGG16", "preprocess_input", "decode_predictions"]
