"""Loading what real Keras 3 writes: `.keras` files whose weights are the HDF5 member 'model.weights.h5', and
'.weights.h5' files from `model.save_weights`. The config is rewritten into nn.keras's spellings
(keras_config_compat), the model rebuilt by the ordinary deserializer, and the weights and optimizer variables
matched to it by where Keras saved them (keras_h5_assign)."""
import io
import json
import warnings

from . import registration
from .keras_config_compat import from_keras_config
from .keras_h5_assign import assign_model_weights, restore_keras_optimizer
from .keras_h5_weights import read_weights_h5
from .keras_operations import operation_objects
from .serialization import deserialize_keras_object, is_object_config

KERAS_CONFIG, KERAS_WEIGHTS = "config.json", "model.weights.h5"


def _tree_of_archive(archive, filepath, who):
    """The WeightGroup tree of a Keras-written .keras zip's weights member."""
    return read_weights_h5(io.BytesIO(archive.read(KERAS_WEIGHTS)), who, f"{filepath}/{KERAS_WEIGHTS}")


def load_keras_model(archive, filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model in a .keras zip written by real Keras (`archive`, open): rebuilt from its config.json, with its
    weights, and compiled with its loss, metrics and optimizer state when compile=True and it was compiled."""
    config = from_keras_config(json.loads(archive.read(KERAS_CONFIG)))
    tree = _tree_of_archive(archive, filepath, "load_model")
    if not is_object_config(config):
        raise ValueError(f"load_model({filepath!r}): its {KERAS_CONFIG} does not describe a model (no 'class_name' "
                         "and 'config'); the file is damaged or not a .keras file")
    compile_config = config.pop("compile_config", None)
    custom_objects = {**operation_objects(config), **(custom_objects or {})}
    with registration.CustomObjectScope(custom_objects):
        model = deserialize_keras_object(config, custom_objects, safe_mode)
        if not model.built:
            raise ValueError(f"load_model({filepath!r}): the model {model.name!r} could not be built from its config "
                             "(a subclassed model needs build_from_config or a build_config with its input shape)")
        assign_model_weights(model, tree, filepath, "load_model")
        if compile and compile_config:
            model.compile_from_config(compile_config)
            if model.compiled:   # a model with a custom compile() may leave itself uncompiled, as in Keras
                _restore_optimizer(model, tree, filepath, "load_model")
    return model


def load_keras_weights(model, source, filepath, skip_mismatch=False, archive=None, tree=None):
    """Set `model`'s weights (and, when its optimizer is built, the optimizer's state) from a Keras
    '.weights.h5' file (`source`: a path), from the weights member of a Keras-written .keras `archive`, or from
    a WeightGroup `tree` already read (sharded files). As Keras, an optimizer that is not built yet, or whose
    variables do not match the file's, is left as it is with a warning."""
    if tree is None:
        tree = _tree_of_archive(archive, filepath, "load_weights") if archive is not None \
            else read_weights_h5(source, "load_weights", filepath)
    assign_model_weights(model, tree, filepath, "load_weights", skip_mismatch)
    optimizer = getattr(model, "optimizer", None) if getattr(model, "_compiled", None) is not None else None
    group = tree.children.get("optimizer")
    if optimizer is None or group is None or not group.vars:
        return
    if not optimizer.built:
        warnings.warn(f"load_weights({filepath!r}): skipping the optimizer's saved variables, because "
                      f"{model.name}'s optimizer is not built yet (as Keras; load_model restores them, or build "
                      "it first with model.optimizer.build(model.trainable_weights))", stacklevel=3)
        return
    try:
        restore_keras_optimizer(optimizer, model, group, filepath, "load_weights")
    except ValueError as error:
        warnings.warn(f"{error}; skipping the optimizer's variables, as Keras does", stacklevel=3)


def _restore_optimizer(model, tree, filepath, who):
    group = tree.children.get("optimizer")
    if group is not None and group.vars:
        try:
            restore_keras_optimizer(model.optimizer, model, group, filepath, who)
        except ValueError as error:   # as Keras's load_model: a state that does not fit is skipped with a warning
            warnings.warn(f"{error}; skipping the optimizer's variables, as Keras does", stacklevel=3)
