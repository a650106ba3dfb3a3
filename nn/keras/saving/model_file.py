""".keras files: a zip holding `metadata.json` (version and date), `config.json` (the model's
serialize_keras_object description, with its build and compile configs) and `model.weights.safetensors`
(the weights as save_weights stores them, plus the optimizer's variables). Real Keras stores its weights as
`model.weights.h5` (HDF5) instead: load_model and load_weights read such files too (keras_archive.py, with
h5py installed), and with h5py nn.keras writes that member as well (keras_h5_write.py), for real Keras to read.
With zipped=False the same members are files in a folder (model_folder.py), which load_model reads too.
Names ending in '.h5' / '.hdf5' are Keras's legacy HDF5 whole-model files (legacy_h5_model.py). Files are written to a temporary file in the target's folder and moved into place, so a failed save
leaves any previous file intact.
"""
import datetime
import io
import json
import os
import warnings
import zipfile

from autograd.errors import IdentifierError

from ...serialization import load as load_tensors
from ...serialization import load_metadata
from ...serialization import save as save_tensors
from ...serialization.atomic_file import write_atomically
from .. import weights_file
from . import registration
from .keras_archive import load_keras_model, load_keras_weights
from .keras_h5_write import keras_weights_h5
from .layer_assets import asset_members, restore_assets, stored_assets
from .legacy_h5_model import load_legacy_h5_model, save_legacy_h5
from .model_folder import ModelFolder, is_model_folder, write_model_folder
from .optimizer_state import optimizer_arrays, restore_optimizer
from .own_variables import PREFIX as OWN_PREFIX
from .serialization import deserialize_keras_object, serialize_keras_object

CONFIG, METADATA, WEIGHTS = "config.json", "metadata.json", "model.weights.safetensors"
KERAS_WEIGHTS = "model.weights.h5"


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Write `model` (architecture, weights, compile settings and optimizer state) to a `.keras` file, to a folder
    of the same files with zipped=False (a name not ending in '.keras', as Keras), or to Keras's legacy HDF5 file
    for a name ending in '.h5' / '.hdf5' (include_optimizer=False leaves out the compile settings and optimizer
    state there, as Keras)."""
    filepath = os.fspath(filepath)
    include_optimizer = kwargs.pop("include_optimizer", True)
    if kwargs.pop("save_format", None):
        if not filepath.endswith((".h5", ".hdf5", ".keras")):
            raise ValueError("save_model: save_format is not supported by Keras 3; the format follows the file name "
                             f"(use a name ending in '.keras' or '.h5'). Received: filepath={filepath!r}")
        warnings.warn("The `save_format` argument is deprecated in Keras 3; the format follows the file name",
                      stacklevel=3)
    if kwargs:
        raise ValueError(f"save_model: unexpected keyword arguments {sorted(kwargs)}")
    if zipped is False and filepath.endswith(".keras"):
        raise ValueError("When using `zipped=False`, the `filepath` argument should not end in `.keras`. "
                         f"Received: filepath={filepath}")
    if zipped is not False and filepath.endswith((".h5", ".hdf5")):   # Keras's legacy whole-model HDF5 file
        if not overwrite and os.path.exists(filepath):
            raise FileExistsError(f"save_model: {filepath} exists and overwrite=False")
        save_legacy_h5(model, filepath, include_optimizer)
        return
    if zipped is not False and not filepath.endswith(".keras"):
        raise ValueError(f"Invalid filepath extension for saving: {filepath!r}. Use a name ending in '.keras' "
                         "(nn.keras's whole-model format), or zipped=False for a folder; save_weights writes "
                         "'.weights.h5' weight files")
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"save_model: {filepath} exists and overwrite=False")
    config = serialize_keras_object(model)
    metadata = {"keras_version": _version(), "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
                "weights_format": "safetensors"}
    tensors, weights_metadata = weights_file.weight_arrays(model)
    optimizer = getattr(model, "optimizer", None) if getattr(model, "_compiled", None) is not None else None
    if optimizer is not None:
        tensors.update(optimizer_arrays(optimizer, model))
    weights = io.BytesIO()
    save_tensors(tensors, weights, metadata=weights_metadata)
    members = [(METADATA, json.dumps(metadata).encode()), (CONFIG, json.dumps(config).encode()),
               (WEIGHTS, weights.getvalue())]
    keras_weights = keras_weights_h5(model)   # None without h5py, or for a model Keras's layout cannot carry
    if keras_weights is not None:
        members.append((KERAS_WEIGHTS, keras_weights))
    members += asset_members(model)   # the files of layers defining save_assets
    if zipped is False:   # as Keras: the archive's members as files in a folder
        write_model_folder(filepath, members)
        return
    _write_zip_atomically(filepath, members)


def _version():
    from ..version import __version__
    return __version__


def _write_zip_atomically(filepath, members):
    def write(raw):
        with zipfile.ZipFile(raw, "w") as archive:
            for name, data in members:
                archive.writestr(name, data)
    write_atomically(filepath, write)


class MissingFileError(FileNotFoundError, ValueError):
    """A model file that is not there: a FileNotFoundError as Keras raises for a missing '.h5', and a ValueError
    as nn.keras raised before (and Keras raises for a missing '.keras')."""


class NotAZipError(ValueError, zipfile.BadZipFile):
    """A '.keras' path that is not a zip archive: a ValueError (as Keras's load_model raises), and the
    zipfile.BadZipFile Keras's load_weights lets through."""


def _open_archive(filepath, who):
    """The zip of a .keras file (written by nn.keras or by real Keras), or a folder saved with zipped=False;
    clear errors for other files."""
    if is_model_folder(filepath):
        return _checked_members(ModelFolder(filepath), filepath, who)
    if filepath.endswith((".h5", ".hdf5")) and not os.path.exists(filepath):
        raise MissingFileError(f"{who}({filepath!r}): no such file (a legacy HDF5 name); check the path")
    if filepath.endswith((".h5", ".hdf5")):
        raise ValueError(f"{who}({filepath!r}): a legacy HDF5 file holds a whole model; load it with "
                         "keras.models.load_model (model.load_weights reads '.weights.h5' and '.keras' files)")
    if not filepath.endswith(".keras"):
        raise ValueError(f"File format not supported: filepath={filepath}. nn.keras loads '.keras' files written by "
                         "model.save")
    if not os.path.exists(filepath):
        raise ValueError(f"File not found: filepath={filepath}. Please ensure the file is an accessible '.keras' zip "
                         "file.")
    if not zipfile.is_zipfile(filepath):
        raise NotAZipError(f"{who}({filepath!r}): not a zip archive, so not a .keras file; write one with "
                           "model.save('....keras')")
    return _checked_members(zipfile.ZipFile(filepath), filepath, who)


def _checked_members(archive, filepath, who):
    """`archive`, once it is known to hold a config and weights."""
    names = archive.namelist()
    weights = KERAS_WEIGHTS if KERAS_WEIGHTS in names and WEIGHTS not in names else WEIGHTS
    missing = [n for n in (CONFIG, weights) if n not in names]
    if missing:
        archive.close()
        raise ValueError(f"{who}({filepath!r}): the archive lacks {missing}; it is not a .keras file from model.save")
    return archive


def _written_by_keras(archive):
    """Whether a .keras archive holds real Keras's HDF5 weights rather than nn.keras's safetensors."""
    return WEIGHTS not in archive.namelist()


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model saved in a `.keras` file by model.save (nn.keras's or real Keras's), or in a legacy '.h5' file
    (legacy_h5_model.py): same class, config and weights; compiled with the saved loss, metrics and optimizer (its state included) when compile=True and
    it was compiled.
    custom_objects maps class and function names to the user's own; safe_mode is accepted for Keras's API
    (nn.keras never runs code stored in a file)."""
    if not isinstance(filepath, (str, os.PathLike)):   # Keras finds no format it reads: its ValueError
        raise IdentifierError(f"File format not supported: filepath={filepath!r}. keras.saving.load_model takes the "
                              f"path (str or os.PathLike) of a '.keras' or legacy '.h5' file, got "
                              f"{type(filepath).__name__}")
    filepath = os.fspath(filepath)
    if filepath.endswith((".h5", ".hdf5")) and os.path.exists(filepath):
        return load_legacy_h5_model(filepath, custom_objects, compile, safe_mode)
    with _open_archive(filepath, "load_model") as archive:
        if _written_by_keras(archive):
            return load_keras_model(archive, filepath, custom_objects, compile, safe_mode)
        config = json.loads(archive.read(CONFIG))
        stored, names = _read_weights(archive)
        assets = stored_assets(archive)
    compile_config = config.pop("compile_config", None)
    with registration.CustomObjectScope(custom_objects):
        model = deserialize_keras_object(config, custom_objects, safe_mode)
        if any(name.startswith(("weight_", OWN_PREFIX)) for name in stored):
            weights_file.assign(model, stored, filepath, names=names)
        restore_assets(model, assets)
        if compile and compile_config:
            model.compile_from_config(compile_config)
            if model.compiled:   # a model with a custom compile() may leave itself uncompiled, as in Keras
                restore_optimizer(model.optimizer, model, stored, weights_file.trainable_position(model, names))
    return model


def load_weights_from_archive(model, filepath, skip_mismatch=False):
    """Set `model`'s weights from the weights member of a .keras file (model.load_weights('m.keras'))."""
    with _open_archive(filepath, "load_weights") as archive:
        # Keras's HDF5 member, ours too when we wrote one: Keras matches its layers by their place in the model,
        # not by name, and skips a mismatched layer whole
        if _written_by_keras(archive) or KERAS_WEIGHTS in archive.namelist():
            load_keras_weights(model, None, filepath, skip_mismatch, archive=archive)
            return
        stored, names = _read_weights(archive)
    weights_file.assign(model, stored, filepath, skip_mismatch, names)


def _read_weights(archive):
    """(tensors, the weight names its metadata lists or None) of a .keras archive's weights member."""
    raw = archive.read(WEIGHTS)
    return load_tensors(io.BytesIO(raw)), weights_file.stored_names(load_metadata(io.BytesIO(raw)))
