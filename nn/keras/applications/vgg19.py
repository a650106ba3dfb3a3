"""keras.applications.vgg19: VGG19 as Keras 3 builds it, and its preprocessing ('caffe' mode)."""
from .vgg16 import build_vgg, decode_predictions, preprocess_input

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"
WEIGHTS = ("vgg19_weights_tf_dim_ordering_tf_kernels.h5", _BASE + "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels.h5",
           "cbe5617147190e668d6c5d5026f83318")
WEIGHTS_NO_TOP = ("vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
                  _BASE + "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", "253f8cb515780f3b799900260a226db6")


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", name="vgg19"):
    """The VGG19 model (default input 224x224x3, at least 32x32); weights None, 'imagenet' or a file path."""
    return build_vgg((2, 2, 4, 4, 4), include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, name, (WEIGHTS, WEIGHTS_NO_TOP))


__all__ = ["VGG19", "preprocess_input", "decode_predictions"]
