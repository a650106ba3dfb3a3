"""keras.callbacks.BackupAndRestore: a fit interrupted (a crash, a preempted job) resumes from the last backup
when fit runs again with the same callback.

The backup folder holds Keras 3's files: 'latest.weights.h5' (the weights and the optimizer's variables, laid
out as Keras's save_weights writes them) and 'training_metadata.json' ({"epoch": epochs done, "batch": the
last batch seen}), so a folder written by real Keras resumes here and one written here resumes in Keras. That
needs h5py and a model whose weights Keras's layout carries (saving/keras_h5_write.py); otherwise the backup is
one safetensors file, 'latest.safetensors', holding the epoch too. Every file is written to a temporary name
and renamed into place, so that a backup is never half written.
"""
import json
import os
import shutil
import warnings

import numpy as np

from ..callbacks import Callback
from ..serialization import load as load_file
from ..serialization import save as save_file
from . import weights_file
from .saving.keras_h5_write import keras_weights_h5
from .saving.optimizer_state import optimizer_arrays, restore_optimizer
from .saving.own_variables import own_arrays

_EPOCH, _BATCH = "backup/epoch", "backup/batch"
_WEIGHTS, _METADATA, _SAFETENSORS = "latest.weights.h5", "training_metadata.json", "latest.safetensors"


class BackupAndRestore(Callback):
    """Back the training up into `backup_dir` at the end of every epoch (save_freq='epoch') or every
    `save_freq` batches; at the start of fit, restore the last backup and continue from the epoch after it.
    double_checkpoint keeps the previous backup too (used when the latest cannot be read);
    delete_checkpoint removes backup_dir when fit finishes normally."""

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore: backup_dir is empty; give the folder to keep the backup in")
        if save_freq != "epoch" and not isinstance(save_freq, int):   # Keras's check: any int passes
            raise ValueError(f"Invalid value for argument `save_freq`. Received: save_freq={save_freq!r}. Expected "
                             "either 'epoch' or an integer value.")
        self.backup_dir, self.save_freq = os.fspath(backup_dir), save_freq
        self.double_checkpoint, self.delete_checkpoint = double_checkpoint, delete_checkpoint
        self._weights = os.path.join(self.backup_dir, _WEIGHTS)
        self._metadata = os.path.join(self.backup_dir, _METADATA)
        self._path = os.path.join(self.backup_dir, _SAFETENSORS)
        self._epoch, self._batches_since_save = 0, 0

    # reading

    def _keras_files(self):
        """(weights path, metadata path) of the Keras-format backup to read, falling back on the kept previous
        one (double_checkpoint, as Keras) when the latest cannot be read; None when there is none."""
        if not os.path.exists(self._weights):
            return None
        try:
            _read_metadata(self._metadata)
            _check_hdf5(self._weights)
            return self._weights, self._metadata
        except (OSError, ValueError):   # damaged (e.g. the disk filled up): the previous backup, if kept
            if not os.path.exists(self._weights + ".bkp"):
                raise
            return self._weights + ".bkp", self._metadata + ".bkp"

    def _read_safetensors(self):
        """The stored dict of the latest readable safetensors backup, or None when there is none."""
        previous = self._path + ".bkp"
        kept = previous if self.double_checkpoint and os.path.exists(previous) else None
        if not os.path.exists(self._path):
            return None if kept is None else load_file(kept)
        try:
            return load_file(self._path)
        except (OSError, ValueError):
            if kept is None:
                raise
            return load_file(kept)

    def resume_epoch(self):
        """The epoch fit should start from (0 without a backup); fit asks before its first epoch."""
        files = self._keras_files()
        if files is not None:
            return int(_read_metadata(files[1]).get("epoch", 0))
        stored = self._read_safetensors()
        return 0 if stored is None else int(np.asarray(stored[_EPOCH]))

    def on_train_begin(self, logs=None):
        """Restore the weights and the optimizer's state from the backup, if there is one."""
        files = self._keras_files()
        stored = self._read_safetensors() if files is None else None
        if files is None and stored is None:
            return
        if not self.model.built:
            raise ValueError("BackupAndRestore: build the model (call it on data, or give it an Input) before fit "
                             "so the backup has weights to restore into")
        optimizer = getattr(self.model, "optimizer", None)
        if files is not None:
            if optimizer is not None and hasattr(optimizer, "build") and not optimizer.built:
                optimizer.build(self.model.trainable_weights)   # as Keras: so that its variables load too
            from .saving.keras_archive import load_keras_weights
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")   # an optimizer saved before its first step: nothing to restore
                load_keras_weights(self.model, files[0], files[0])
            self._epoch = int(_read_metadata(files[1]).get("epoch", 0))
            return
        weights_file.assign(self.model, stored, self._path)
        if optimizer is not None and hasattr(optimizer, "iterations"):
            restore_optimizer(optimizer, self.model, stored)
        self._epoch = int(np.asarray(stored[_EPOCH]))

    # writing

    def on_epoch_begin(self, epoch, logs=None):
        """Note the epoch (saved with batch backups)."""
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        """Back up every `save_freq` batches when save_freq is a number."""
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._epoch, batch)

    def on_epoch_end(self, epoch, logs=None):
        """Back up at the end of the epoch (save_freq='epoch')."""
        if self.save_freq == "epoch":
            self._save(epoch + 1, 0)

    def on_train_end(self, logs=None):
        """Remove the backup folder (delete_checkpoint): the training finished."""
        if self.delete_checkpoint and os.path.isdir(self.backup_dir):
            shutil.rmtree(self.backup_dir)

    def _save(self, epoch, batch):
        """Write the backup: Keras's two files when the model's weights fit Keras's layout (and h5py is there),
        else the safetensors file; the other kind, left from an earlier backup, is removed."""
        os.makedirs(self.backup_dir, exist_ok=True)
        weights = keras_weights_h5(self.model, with_optimizer=True) if not own_arrays(self.model) else None
        if weights is not None:
            metadata = json.dumps({"epoch": int(epoch), "batch": int(batch)}).encode()
            self._replace(self._weights, weights)
            self._replace(self._metadata, metadata)
            stale = [self._path, self._path + ".bkp"]
        else:
            tensors, metadata = weights_file.weight_arrays(self.model)
            optimizer = getattr(self.model, "optimizer", None)
            if optimizer is not None and hasattr(optimizer, "iterations"):
                tensors.update(optimizer_arrays(optimizer, self.model))
            tensors[_EPOCH] = np.asarray(epoch, np.int64)
            tensors[_BATCH] = np.asarray(batch, np.int64)
            partial = self._path + ".partial"
            save_file(tensors, partial, metadata=metadata)
            if self.double_checkpoint and os.path.exists(self._path):
                os.replace(self._path, self._path + ".bkp")
            os.replace(partial, self._path)
            stale = [self._weights, self._weights + ".bkp", self._metadata, self._metadata + ".bkp"]
        for path in stale:
            if os.path.exists(path):
                os.remove(path)

    def _replace(self, path, data):
        """Write `data` to `path` atomically, the file it replaces kept as '<path>.bkp' with double_checkpoint."""
        partial = path + ".partial"
        with open(partial, "wb") as f:
            f.write(data)
        if self.double_checkpoint and os.path.exists(path):
            os.replace(path, path + ".bkp")
        os.replace(partial, path)   # atomic: a reader sees the old file or the new one, never a part


def _read_metadata(path):
    """training_metadata.json as a dict ({} when the file is missing, as Keras then keeps the epoch)."""
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        text = f.read()
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"BackupAndRestore: {path} is not valid JSON ({error})") from error


def _check_hdf5(path):
    """An OSError when `path` is not an HDF5 file (a damaged backup)."""
    if not weights_file.is_hdf5(path):
        raise OSError(f"BackupAndRestore: {path} is not a readable HDF5 weights file (damaged?)")
