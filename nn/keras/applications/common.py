"""What every application model does around its own layers: check the arguments, make the image input, add the
optional pooling, build the functional model and load 'imagenet' weights or a weights file."""
import os

from . import imagenet_utils
from .downloads import fetch


def check_weights(weights, include_top, classes):
    """Refuse a `weights` that is neither None, 'imagenet' nor an existing file, and 'imagenet' with a top whose
    `classes` is not 1000."""
    if not (weights in {"imagenet", None} or (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))):
        raise ValueError("The `weights` argument should be either `None` (random initialization), 'imagenet' "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded.  Received: "
                         f"weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  "
                         f"Received classes={classes}")


def image_input(input_tensor, input_shape):
    """The model's image input: `input_tensor` when it is a Keras tensor, else a new Input of `input_shape`; as
    Keras, anything else goes to Input(tensor=...), which refuses what is no KerasTensor (a backend tensor or a
    NumPy array) with a ValueError."""
    from .. import backend, layers
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if not backend.is_keras_tensor(input_tensor):
        return layers.Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def pooled(x, pooling):
    """`x` globally average- or max-pooled for pooling='avg'/'max', unchanged otherwise."""
    from .. import layers
    if pooling == "avg":
        return layers.GlobalAveragePooling2D()(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D()(x)
    return x


def functional(input_tensor, img_input, outputs, name):
    """The functional model from the image input (or from whatever inputs `input_tensor` came from) to
    `outputs`."""
    from ..model import Model
    from ..utils import get_source_inputs
    inputs = img_input if input_tensor is None else get_source_inputs(input_tensor)
    return Model(inputs, outputs, name=name)


def load_weights(model, weights, imagenet_file=None, who="application"):
    """Load 'imagenet' weights (`imagenet_file` = (file name, URL, md5 hash), downloaded once) or the weights
    file at path `weights` into `model`; None leaves the initial weights."""
    if weights is None:
        return model
    if weights == "imagenet":
        if imagenet_file is None:
            raise ValueError(f"{who}: no ImageNet weights are published for these arguments; use weights=None")
        fname, url, file_hash = imagenet_file
        weights = fetch(fname, url, file_hash, who, then="pass its local path as weights=")
    load_file(model, os.fspath(weights))
    return model


def load_file(model, path):
    """Weights from a legacy HDF5 file (the published layout) or any file model.load_weights reads."""
    from ..weights_file import is_hdf5
    if is_hdf5(path):
        from .legacy_h5 import is_legacy_h5, load_legacy_h5
        if is_legacy_h5(path):
            load_legacy_h5(model, path)
            return
    model.load_weights(path)


__all__ = ["check_weights", "image_input", "pooled", "functional", "load_weights", "imagenet_utils"]
