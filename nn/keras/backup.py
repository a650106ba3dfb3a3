"""keras.callbacks.BackupAndRestore: a fit interrupted (a crash, a preempted job) resumes from the last backup
when fit runs again with the same callback: the weights, the optimizer's state and the epoch reached are in
one safetensors file, written to a temporary name and renamed into place so that a backup is never half
written."""
import os
import shutil

import numpy as np

from ..callbacks import Callback
from ..serialization import load as load_file
from ..serialization import save as save_file
from . import weights_file
from .saving.optimizer_state import optimizer_arrays, restore_optimizer

_EPOCH, _BATCH = "backup/epoch", "backup/batch"


class BackupAndRestore(Callback):
    """Back the training up into `backup_dir` at the end of every epoch (save_freq='epoch') or every
    `save_freq` batches; at the start of fit, restore the last backup and continue from the epoch after it.
    double_checkpoint keeps the previous backup too (used when the latest cannot be read);
    delete_checkpoint removes backup_dir when fit finishes normally."""

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore: backup_dir is empty; give the folder to keep the backup in")
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool) or save_freq < 1):
            raise ValueError(f"BackupAndRestore: save_freq must be 'epoch' or a positive number of batches, "
                             f"got {save_freq!r}")
        self.backup_dir, self.save_freq = os.fspath(backup_dir), save_freq
        self.double_checkpoint, self.delete_checkpoint = double_checkpoint, delete_checkpoint
        self._path = os.path.join(self.backup_dir, "latest.safetensors")
        self._previous = self._path + ".bkp"
        self._epoch, self._batches_since_save = 0, 0

    def _read(self):
        """The stored dict of the latest readable backup, or None when there is none."""
        kept = self._previous if self.double_checkpoint and os.path.exists(self._previous) else None
        if not os.path.exists(self._path):
            return None if kept is None else load_file(kept)
        try:
            return load_file(self._path)
        except (OSError, ValueError):   # damaged (e.g. the disk filled up): the previous backup, if kept
            if kept is None:
                raise
            return load_file(kept)

    def resume_epoch(self):
        """The epoch fit should start from (0 without a backup); fit asks before its first epoch."""
        stored = self._read()
        return 0 if stored is None else int(np.asarray(stored[_EPOCH]))

    def on_train_begin(self, logs=None):
        """Restore the weights and the optimizer's state from the backup, if there is one."""
        stored = self._read()
        if stored is None:
            return
        if not self.model.built:
            raise ValueError("BackupAndRestore: build the model (call it on data, or give it an Input) before fit "
                             "so the backup has weights to restore into")
        weights_file.assign(self.model, stored, self._path)
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "iterations"):
            restore_optimizer(optimizer, self.model, stored)
        self._epoch = int(np.asarray(stored[_EPOCH]))

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
            self._save(self._epoch, batch + 1)

    def on_epoch_end(self, epoch, logs=None):
        """Back up at the end of the epoch (save_freq='epoch')."""
        if self.save_freq == "epoch":
            self._save(epoch + 1, 0)

    def on_train_end(self, logs=None):
        """Remove the backup folder (delete_checkpoint): the training finished."""
        if self.delete_checkpoint and os.path.isdir(self.backup_dir):
            shutil.rmtree(self.backup_dir)

    def _save(self, epoch, batch):
        os.makedirs(self.backup_dir, exist_ok=True)
        tensors, metadata = weights_file.weight_arrays(self.model)
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "iterations"):
            tensors.update(optimizer_arrays(optimizer, self.model))
        tensors[_EPOCH] = np.asarray(epoch, np.int64)
        tensors[_BATCH] = np.asarray(batch, np.int64)
        partial = self._path + ".partial"
        save_file(tensors, partial, metadata=metadata)
        if self.double_checkpoint and os.path.exists(self._path):
            os.replace(self._path, self._previous)
        os.replace(partial, self._path)   # atomic: a reader sees the old backup or the new one, never a part
