"""keras.applications.convnext: ConvNeXt Tiny, Small, Base, Large and XLarge (Liu et al., 2022) as Keras builds
them: a patchify stem and downsampling steps as nested Sequential models, blocks of a 7x7 depthwise conv,
LayerNorm, an MLP, LayerScale and (when training with drop_path_rate) stochastic depth."""
import numpy as np

from .. import backend
from .. import layers
from .. import ops
from .. import random
from ..initializers import Constant
from ..layer import Layer
from ..sequential import Sequential
from ..static_shapes import register
from . import imagenet_utils
from .building import file_named_after_model
from .common import check_weights, functional, image_input, load_weights
from .imagenet_utils import decode_predictions  # noqa: F401 (public names)

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
# variant -> (sha256 with the top, sha256 without it)
_HASHES = {
    "convnext_tiny": ("8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
                      "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"),
    "convnext_small": ("ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
                       "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"),
    "convnext_base": ("52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
                      "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"),
    "convnext_large": ("070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
                       "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"),
    "convnext_xlarge": ("c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
                        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05"),
}
_DEEP = [3, 3, 27, 3]
MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "small": {"depths": _DEEP, "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "base": {"depths": _DEEP, "projection_dims": [128, 256, 512, 1024], "default_size": 224},
    "large": {"depths": _DEEP, "projection_dims": [192, 384, 768, 1536], "default_size": 224},
    "xlarge": {"depths": _DEEP, "projection_dims": [256, 512, 1024, 2048], "default_size": 224},
}


class StochasticDepth(Layer):
    """Drops the whole residual branch of a sample with probability `drop_path_rate` while training (scaling
    the kept ones by 1 / (1 - rate)); the identity at inference."""

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        self.drop_path_rate = drop_path_rate

    def call(self, x, training=None):
        if not training:
            return x
        keep = 1 - self.drop_path_rate
        shape = (ops.shape(x)[0],) + (1,) * (len(ops.shape(x)) - 1)
        return (x / keep) * ops.floor(keep + random.uniform(shape, 0, 1))

    def get_config(self):
        return {**super().get_config(), "drop_path_rate": self.drop_path_rate}


class LayerScale(Layer):
    """Multiplies the last axis by a learned per-channel `gamma` (initialised to `init_values`)."""

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, _):
        self.gamma = self.add_weight(shape=(self.projection_dim,), initializer=Constant(self.init_values),
                                     trainable=True)

    def call(self, x):
        return x * self.gamma

    def get_config(self):
        return {**super().get_config(), "init_values": self.init_values, "projection_dim": self.projection_dim}


@register(LayerScale)
def _layer_scale_shape(layer, shape):
    """The output shape of a functional call: the input's, for inputs of projection_dim channels (static_shapes.py)."""
    return shape if shape[-1] == layer.projection_dim else None


def ConvNeXtBlock(projection_dim, drop_path_rate=0.0, layer_scale_init_value=1e-6, name=None):
    """A function applying one ConvNeXt block (with its residual) to a tensor."""
    name = f"prestem{backend.get_uid('prestem')}" if name is None else name

    def apply(inputs):
        x = layers.Conv2D(projection_dim, kernel_size=7, padding="same", groups=projection_dim,
                          name=f"{name}_depthwise_conv")(inputs)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
        x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
        x = layers.Activation("gelu", name=f"{name}_gelu")(x)
        x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(layer_scale_init_value, projection_dim, name=f"{name}_layer_scale")(x)
        if drop_path_rate:
            last = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
        else:
            last = layers.Activation("linear", name=f"{name}_identity")
        return inputs + last(x)   # a plain op, not an Add layer, as in Keras
    return apply


def PreStem(name=None):
    """A function normalising 0..255 pixels with ImageNet's per-channel mean and std."""
    name = f"prestem{backend.get_uid('prestem')}" if name is None else name

    def apply(x):
        return layers.Normalization(mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
                                    variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
                                    name=f"{name}_prestem_normalization")(x)
    return apply


def Head(num_classes=1000, classifier_activation=None, name=None):
    """A function applying the classifier: global average pooling, LayerNorm, Dense."""
    name = str(backend.get_uid("head")) if name is None else name

    def apply(x):
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        return layers.Dense(num_classes, activation=classifier_activation, name=f"{name}_head_dense")(x)
    return apply


def _check_imagenet_variant(depths, projection_dims, name, weights_name):
    expected = MODEL_CONFIGS[weights_name.split("convnext_")[-1]]
    if depths != expected["depths"] or projection_dims != expected["projection_dims"]:
        raise ValueError(f"Architecture configuration does not match {weights_name} variant: the pretrained weights "
                         f"need depths {expected['depths']} (got {depths}) and projection_dims "
                         f"{expected['projection_dims']} (got {projection_dims}); pass weights=None for others")
    if weights_name not in name:
        raise ValueError(f'Model name "{name}" does not match weights variant "{weights_name}": with imagenet '
                         f'weights the name must contain "{weights_name}" (Keras derives the weight file from it)')


def ConvNeXt(depths, projection_dims, drop_path_rate=0.0, layer_scale_init_value=1e-6, default_size=224,
             name="convnext", include_preprocessing=True, include_top=True, weights=None, input_tensor=None,
             input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", weights_name=None):
    """A ConvNeXt with `depths` blocks in its four stages of `projection_dims` channels (channels_last only)."""
    if backend.image_data_format() == "channels_first":
        raise ValueError(f"{name}: ConvNeXt does not support the `channels_first` image data format; switch to "
                         "`channels_last` (keras.config.set_image_data_format or ~/.keras/keras.json)")
    check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)
    x = img_input
    if include_preprocessing and input_shape[2] == 3:
        x = PreStem(name=name)(x)
    downsampling = [Sequential([layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
                                layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm")],
                               name=f"{name}_stem")]
    for i in range(3):
        downsampling.append(Sequential(
            [layers.LayerNormalization(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"),
             layers.Conv2D(projection_dims[i + 1], kernel_size=2, strides=2, name=f"{name}_downsampling_conv_{i}")],
            name=f"{name}_downsampling_block_{i}"))
    rates = [float(r) for r in np.linspace(0.0, drop_path_rate, sum(depths))]
    done = 0
    for i in range(4):
        x = downsampling[i](x)
        for j in range(depths[i]):
            x = ConvNeXtBlock(projection_dims[i], drop_path_rate=rates[done + j],
                              layer_scale_init_value=layer_scale_init_value, name=f"{name}_stage_{i}_block_{j}")(x)
        done += depths[i]
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Head(num_classes=classes, classifier_activation=classifier_activation, name=name)(x)
    else:
        if pooling == "avg":
            x = layers.GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = layers.GlobalMaxPooling2D()(x)
        x = layers.LayerNormalization(epsilon=1e-6)(x)   # Keras normalises the features even unpooled
    model = functional(input_tensor, img_input, x, name)
    imagenet_file = None
    if weights == "imagenet":
        _check_imagenet_variant(depths, projection_dims, name, weights_name)
        imagenet_file = file_named_after_model(name, include_top, _BASE, _HASHES[weights_name])
    return load_weights(model, weights, imagenet_file, name)


def _variant(label, size):
    config = MODEL_CONFIGS[size]

    def build(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name=f"convnext_{size}"):
        return ConvNeXt(weights_name=f"convnext_{size}", depths=config["depths"],
                        projection_dims=config["projection_dims"], drop_path_rate=0.0, layer_scale_init_value=1e-6,
                        default_size=config["default_size"], name=name, include_top=include_top,
                        include_preprocessing=include_preprocessing, weights=weights, input_tensor=input_tensor,
                        input_shape=input_shape, pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation)
    build.__name__ = build.__qualname__ = label
    build.__doc__ = (f"{label}: stages of {config['depths']} blocks with {config['projection_dims']} channels; takes "
                     "pixels in 0..255 and normalises them inside unless include_preprocessing=False.")
    return build


ConvNeXtTiny = _variant("ConvNeXtTiny", "tiny")
ConvNeXtSmall = _variant("ConvNeXtSmall", "small")
ConvNeXtBase = _variant("ConvNeXtBase", "base")
ConvNeXtLarge = _variant("ConvNeXtLarge", "large")
ConvNeXtXLarge = _variant("ConvNeXtXLarge", "xlarge")


def preprocess_input(x, data_format=None):
    """`x` unchanged: ConvNeXt models normalise inside (a placeholder kept for API parity)."""
    return x
