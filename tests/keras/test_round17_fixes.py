"""Regression tests for the bugs found by the seventeenth round of ported Keras programs
(tests/keras/test_keras_programs_round17.py), each compared with real Keras 3 (torch backend)."""
import numpy as np

from .oracle import fresh_sessions


def _history_keys(K):
    seen = []

    class Keys(K.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(list(logs))

    model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", K.metrics.MeanSquaredError(name="wmse")])
    x, y = np.ones((4, 2), "float32"), np.ones((4, 1), "float32")
    history = model.fit(x, y, batch_size=2, epochs=1, verbose=0, validation_data=(x, y), callbacks=[Keys()])
    return list(history.history), seen


def test_epoch_logs_with_validation_are_sorted_by_name():
    """Keras hands callbacks each epoch's logs sorted by name, the 'val_' ones included (so 'val_loss' comes
    before a metric named 'wacc'); nn.keras appended the 'val_' logs after the training ones."""
    K, ours = fresh_sessions()
    assert _history_keys(ours) == _history_keys(K)
