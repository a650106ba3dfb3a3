"""Regression tests for the bugs found by the twenty-sixth round of ported Keras programs
(tests/keras/test_keras_programs_round26.py), each compared with real Keras 3 (torch backend)."""
import random

import numpy as np

from .oracle import fresh_sessions


def _growing_dataset_run(K, shuffle):
    class Growing(K.utils.PyDataset):
        def __init__(self, x, y, name, log):
            super().__init__()
            self.x, self.y, self.name, self.log, self.batches = x, y, name, log, 2

        def __len__(self):
            return self.batches

        def __getitem__(self, index):
            self.log.append((self.name, index))
            return self.x[index * 4:(index + 1) * 4], self.y[index * 4:(index + 1) * 4]

        def on_epoch_end(self):
            self.batches = min(self.batches + 1, 5)

    x = np.linspace(-1, 1, 60, dtype="float32").reshape(20, 3)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    model = K.Sequential([K.Input((3,)), K.layers.Dense(1)])
    model.set_weights([np.full((3, 1), 0.1, "float32"), np.zeros(1, "float32")])
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    log = []
    random.seed(7)
    history = model.fit(Growing(x, y, "train", log), validation_data=Growing(x, y, "val", log), epochs=3,
                        shuffle=shuffle, verbose=0)
    evaluated = model.evaluate(Growing(x, y, "eval", log), verbose=0)
    predicted = model.predict(Growing(x, y, "predict", log), verbose=0)
    return (log, [round(v, 6) for v in history.history["loss"]], [round(v, 6) for v in history.history["val_loss"]],
            round(evaluated, 6), predicted.shape)


def test_pydataset_keeps_the_batch_count_read_when_reading_starts():
    """Keras's epoch iterator reads a PyDataset's length when fit/evaluate start (and at each reset of validation
    data) and keeps it for every pass, even when `on_epoch_end` changes `__len__`; nn.keras read it before every
    pass, so a dataset growing by one batch per epoch trained on 3, 4, 5 batches where Keras trains on 2, 2, 2
    (keras_r26_utils_sequences_data printed losses 7.65, 5.41, ... for Keras's 8.22, 7.59, ...)."""
    K, ours = fresh_sessions()
    for shuffle in (False, True):
        assert _growing_dataset_run(ours, shuffle) == _growing_dataset_run(K, shuffle)
