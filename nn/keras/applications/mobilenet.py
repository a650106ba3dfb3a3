"""keras.applications.mobilenet: MobileNet (Howard et al., 2017) as Keras 3 builds it, with the width
multiplier `alpha` and the depthwise `depth_multiplier`, and its preprocessing ('tf' mode)."""
import os

from . import common, imagenet_utils
from .mobilenet_v2 import imagenet_rows
from .imagenet_utils import decode_predictions, preprocess_tf as preprocess_input  # noqa: F401 (public names)

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
_SIZES = (128, 160, 192, 224)
_ALPHA_TEXT = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True, weights="imagenet",
              input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", name=None):
    """The MobileNet model (default input 224x224x3, or the square published size given; at least 32x32);
    weights None, 'imagenet' or a file path. The default name is 'mobilenet_<alpha>_<rows>'."""
    from .. import backend, layers
    if not (weights in {"imagenet", None} or (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))):
        raise ValueError("The `weights` argument should be either `None` (random initialization), 'imagenet' "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded. "
                         f"Received weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  "
                         f"Received classes={classes}")
    first = backend.image_data_format() == "channels_first"
    size = 224
    if input_shape is not None:
        rows, cols = (input_shape[1], input_shape[2]) if first else (input_shape[0], input_shape[1])
        size = rows if rows == cols and rows in _SIZES else 224
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=size, min_size=32,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    rows = input_shape[1] if first else input_shape[0]
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError("If imagenet weights are being loaded, depth multiplier must be 1.  "
                             f"Received depth_multiplier={depth_multiplier}")
        if alpha not in [0.25, 0.50, 0.75, 1.0]:
            raise ValueError("If imagenet weights are being loaded, alpha can be one of`0.25`, `0.50`, `0.75` or "
                             f"`1.0` only.  Received alpha={alpha}")
        rows = imagenet_rows(input_shape, _SIZES)
    img_input = common.image_input(input_tensor, input_shape)
    channel_axis = 1 if first else -1

    x = layers.Conv2D(int(32 * alpha), (3, 3), padding="same", use_bias=False, strides=(2, 2), name="conv1")(img_input)
    x = layers.BatchNormalization(axis=channel_axis, name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1),
              (512, 1), (1024, 2), (1024, 1)]   # (pointwise filters, stride) of blocks 1..13
    for block_id, (filters, stride) in enumerate(blocks, start=1):
        x = _depthwise_conv_block(x, int(filters * alpha), depth_multiplier, stride, block_id, channel_axis)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = common.pooled(x, pooling)
    name = f"mobilenet_{alpha:0.2f}_{rows}" if name is None else name
    model = common.functional(input_tensor, img_input, x, name)
    fname = f"mobilenet_{_ALPHA_TEXT.get(alpha, '2_5')}_{rows}_tf{'' if include_top else '_no_top'}.h5"
    return common.load_weights(model, weights, (fname, BASE_WEIGHT_PATH + fname, None), "MobileNet")


def _depthwise_conv_block(x, filters, depth_multiplier, stride, block_id, channel_axis):
    """Depthwise 3x3 (padded bottom/right when strided), batch norm, ReLU6, then pointwise 1x1, batch norm,
    ReLU6."""
    from .. import layers
    if stride != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if stride == 1 else "valid", depth_multiplier=depth_multiplier,
                               strides=(stride, stride), use_bias=False, name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(axis=channel_axis, name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(filters, (1, 1), padding="same", use_bias=False, strides=(1, 1), name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(axis=channel_axis, name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)




__all__ = ["MobileNet", "preprocess_input", "decode_predictions"]
