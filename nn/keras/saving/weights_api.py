"""keras.saving.save_weights / load_weights: the functional forms of model.save_weights / model.load_weights, and
the checks of load_weights' legacy keywords."""
import numpy as np


def save_weights(model, filepath, overwrite=True, max_shard_size=None, **kwargs):
    """model.save_weights(filepath, overwrite, max_shard_size)."""
    if kwargs:
        raise TypeError(f"save_weights() got unexpected keyword arguments: {sorted(kwargs)}")
    model.save_weights(filepath, overwrite=overwrite, max_shard_size=max_shard_size)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """model.load_weights(filepath, skip_mismatch, **kwargs) (Keras's objects_to_skip and by_name)."""
    model.load_weights(filepath, skip_mismatch=skip_mismatch, **kwargs)


def checked_load_options(filepath, kwargs):
    """Keras's legacy load_weights keywords from `kwargs`: the objects_to_skip ('.weights.h5' files only) and
    by_name ('.h5' / '.hdf5' files only) given, refused as Keras refuses them (ValueError for any other keyword
    and for a keyword that the file's kind does not take)."""
    kwargs = dict(kwargs)
    objects_to_skip, by_name = kwargs.pop("objects_to_skip", None), kwargs.pop("by_name", None)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    path = str(filepath)
    legacy = path.endswith((".h5", ".hdf5")) and not path.endswith(".weights.h5")
    if objects_to_skip is not None and not path.endswith((".weights.h5", ".weights.json")):
        raise ValueError(f"`objects_to_skip` only supports loading '.weights.h5' files.Received: {filepath}")
    if by_name is not None and not legacy:
        raise ValueError(f"`by_name` only supports loading legacy '.h5' or '.hdf5' files. Received: {filepath}")
    return objects_to_skip


def keep_values(objects):
    """A function that puts back the current values of the variables of `objects` (layers, models, optimizers):
    load_weights' objects_to_skip keep theirs."""
    variables = [v for o in objects or () for v in (getattr(o, "weights", None) or getattr(o, "variables", ()))]
    saved = [np.array(np.asarray(v.numpy()), copy=True) for v in variables]

    def restore():
        for variable, value in zip(variables, saved):
            variable.assign(value)
    return restore
