"""The include_top=False pooling head with the layer names ('avg_pool', 'max_pool') the DenseNet, EfficientNet,
Inception, Xception and ConvNeXt builders of Keras give it (common.pooled leaves the names automatic), and the
classifier top those families share."""
from .. import layers
from . import imagenet_utils


def named_pooled(x, pooling):
    """`x` after global average ('avg') or max ('max') pooling named as Keras names it, unchanged otherwise."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def dense_top(x, include_top, pooling, classes, classifier_activation, weights, pool=named_pooled):
    """With include_top, global average pooling named 'avg_pool' and a Dense named 'predictions' (the activation
    checked against the weights first, as Keras does); otherwise `pool(x, pooling)`."""
    if not include_top:
        return pool(x, pooling)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    imagenet_utils.validate_activation(classifier_activation, weights)
    return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)


def file_named_after_model(name, include_top, base, hashes):
    """(file name, URL, md5) of published weights that Keras names after the model (EfficientNet, EfficientNetV2,
    ConvNeXt): `<name>.h5`, or `<name>_notop.h5` without the top; `hashes` = (top hash, no-top hash)."""
    fname = name + (".h5" if include_top else "_notop.h5")
    return fname, base + fname, hashes[0 if include_top else 1]
