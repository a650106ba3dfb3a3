"""The include_top=False pooling head with the layer names ('avg_pool', 'max_pool') the DenseNet, EfficientNet,
Inception, Xception and ConvNeXt builders of Keras give it (common.pooled leaves the names automatic)."""
from .. import layers


def named_pooled(x, pooling):
    """`x` after global average ('avg') or max ('max') pooling named as Keras names it, unchanged otherwise."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x
