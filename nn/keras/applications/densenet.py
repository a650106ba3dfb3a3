"""keras.applications.densenet: DenseNet121, DenseNet169 and DenseNet201 (Huang et al., 2017), with Keras's
layer names, so Keras's published ImageNet weights and real Keras models' weights load unchanged."""
from .. import backend
from .. import layers
from . import imagenet_utils
from .building import dense_top
from .common import check_weights, functional, image_input, load_weights
from .imagenet_utils import decode_predictions, preprocess_torch as preprocess_input  # noqa: F401 (public names)

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
# blocks per stage -> (file stem, md5 with the top, md5 without it)
_FILES = {
    (6, 12, 24, 16): ("densenet121", "9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"),
    (6, 12, 32, 32): ("densenet169", "d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"),
    (6, 12, 48, 32): ("densenet201", "1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"),
}
_EPS = 1.001e-5


def _bn(x, name):
    return layers.BatchNormalization(axis=3, epsilon=_EPS, name=name)(x)


def conv_block(x, growth_rate, name):
    """One dense layer: BN-ReLU-1x1 conv (4*growth_rate) then BN-ReLU-3x3 conv (growth_rate), its output
    concatenated to `x`."""
    y = layers.Activation("relu", name=f"{name}_0_relu")(_bn(x, f"{name}_0_bn"))
    y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(_bn(y, f"{name}_1_bn"))
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    return layers.Concatenate(axis=3, name=f"{name}_concat")([x, y])


def dense_block(x, blocks, name):
    """`blocks` conv_blocks of growth rate 32, named '{name}_block1', ..."""
    for i in range(blocks):
        x = conv_block(x, 32, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction, name):
    """BN-ReLU, a 1x1 conv keeping `reduction` of the channels, and 2x2 average pooling."""
    x = layers.Activation("relu", name=f"{name}_relu")(_bn(x, f"{name}_bn"))
    x = layers.Conv2D(int(x.shape[3] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="densenet"):
    """A DenseNet with `blocks` conv_blocks in its four dense blocks (channels_last only, as Keras)."""
    who = name
    if backend.image_data_format() == "channels_first":
        raise ValueError(f"{who}: DenseNet does not support the `channels_first` image data format; switch to "
                         "`channels_last` (keras.config.set_image_data_format or ~/.keras/keras.json)")
    check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = layers.Activation("relu", name="conv1_relu")(_bn(x, "conv1_bn"))
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks[:3]):
        x = dense_block(x, count, name=f"conv{stage + 2}")
        x = transition_block(x, 0.5, name=f"pool{stage + 2}")
    x = dense_block(x, blocks[3], name="conv5")
    x = layers.Activation("relu", name="relu")(_bn(x, "bn"))
    x = dense_top(x, include_top, pooling, classes, classifier_activation, weights)
    model = functional(input_tensor, img_input, x, name)
    imagenet_file = None
    if weights == "imagenet" and tuple(blocks) in _FILES:
        stem, top_hash, notop_hash = _FILES[tuple(blocks)]
        fname = f"{stem}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
        imagenet_file = (fname, _BASE + fname, top_hash if include_top else notop_hash)
    load_weights(model, weights, imagenet_file, who)
    return model


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet121"):
    """DenseNet121: dense blocks of 6, 12, 24 and 16 layers."""
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet169"):
    """DenseNet169: dense blocks of 6, 12, 32 and 32 layers."""
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet201"):
    """DenseNet201: dense blocks of 6, 12, 48 and 32 layers."""
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)
