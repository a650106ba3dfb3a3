"""keras.callbacks.BackupAndRestore (an interrupted fit resumes exactly where the last backup left it; atomic
backups in Keras's files, or safetensors without h5py; double_checkpoint falls back on a damaged file) and
ProgbarLogger (replaces fit's own progress output, follows fit's verbose)."""
import os

import numpy as np
import pytest

from nn import keras

RNG = np.random.default_rng(51)
try:
    import h5py  # noqa: F401
    LATEST = ["latest.weights.h5", "training_metadata.json"]   # Keras's own backup files
except ImportError:
    LATEST = ["latest.safetensors"]
X = RNG.standard_normal((64, 5)).astype(np.float32)
Y = (X[:, 0] > 0).astype(np.int64)


def _model(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    return model


class _Interrupt(keras.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("simulated crash")


def test_interrupted_fit_resumes_from_the_backup_exactly(tmp_path):
    backup_dir = tmp_path / "backup"
    kw = dict(epochs=4, batch_size=16, shuffle=False, verbose=0)
    reference = _model()
    start = reference.get_weights()
    full = reference.fit(X, Y, **kw)

    model = _model()
    model.set_weights(start)
    backup = keras.callbacks.BackupAndRestore(backup_dir)
    with pytest.raises(RuntimeError, match="simulated crash"):
        model.fit(X, Y, callbacks=[backup, _Interrupt(1)], **kw)   # the backup after epoch 2 is kept
    assert sorted(os.listdir(backup_dir)) == LATEST

    again = _model(seed=99)   # a new process: other initial weights, a fresh optimizer
    resumed = again.fit(X, Y, callbacks=[keras.callbacks.BackupAndRestore(backup_dir)], **kw)
    assert resumed.epoch == [2, 3]
    np.testing.assert_allclose(resumed.history["loss"], full.history["loss"][2:], rtol=1e-6)
    for a, b in zip(again.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert again.optimizer.iterations == reference.optimizer.iterations
    assert not backup_dir.exists()   # delete_checkpoint after a finished fit


def test_batch_backups_double_checkpoint_and_damaged_files(tmp_path):
    backup_dir = tmp_path / "b"
    model = _model()
    backup = keras.callbacks.BackupAndRestore(backup_dir, save_freq=3, double_checkpoint=True,
                                              delete_checkpoint=False)
    model.fit(X, Y, epochs=2, batch_size=16, verbose=0, callbacks=[backup])
    assert sorted(os.listdir(backup_dir)) == sorted(LATEST + [name + ".bkp" for name in LATEST])
    # 4 batches an epoch, a backup every 3: after batch 3 (epoch 0) and batch 6 (epoch 1, which restarts)
    assert backup.resume_epoch() == 1
    (backup_dir / LATEST[0]).write_bytes(b"damaged")
    assert backup.resume_epoch() == 0   # read from the kept previous backup
    for name in LATEST:
        os.remove(backup_dir / (name + ".bkp"))
    single = keras.callbacks.BackupAndRestore(backup_dir)
    with pytest.raises((OSError, ValueError), match="not a valid safetensors file|not a readable HDF5"):
        single.resume_epoch()
    with pytest.raises(ValueError, match="save_freq"):
        keras.callbacks.BackupAndRestore(backup_dir, save_freq="batch")
    with pytest.raises(ValueError, match="backup_dir is empty"):
        keras.callbacks.BackupAndRestore("")


def test_progbar_logger_replaces_fits_output_and_follows_verbose(capsys):
    model = _model()
    model.fit(X, Y, epochs=2, batch_size=16, verbose=2, callbacks=[keras.callbacks.ProgbarLogger()])
    out = capsys.readouterr().out
    assert out.count("Epoch 1/2") == 1 and out.count("4/4 - ") == 2   # one logger, not two
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[keras.callbacks.ProgbarLogger()])
    assert capsys.readouterr().out == ""
