"""Regression tests for the bugs found by the thirteenth round of ported Keras programs
(tests/keras/test_keras_programs_round13.py), each compared with real Keras 3 (torch backend)."""
import numpy as np

from .oracle import fresh_sessions


def _started_high_metric(K):
    class Peak(K.metrics.Metric):
        def __init__(self, name="peak", **kwargs):
            super().__init__(name=name, **kwargs)
            self.low = self.add_variable(shape=(), initializer=K.initializers.Constant(5.0), name="low")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.low.assign(K.ops.minimum(self.low, K.ops.min(y_pred)))

        def result(self):
            return self.low

    return Peak()


def _first_epoch_results(K):
    x = np.linspace(0.1, 0.8, 8, dtype="float32").reshape(8, 1)
    y = np.zeros((8, 1), "float32")
    results = []
    for run in ("fit", "evaluate", "train_on_batch", "test_on_batch"):
        model = K.Sequential([K.Input((1,)), K.layers.Dense(1, kernel_initializer="ones")])
        model.compile(optimizer="sgd", loss="mse", metrics=[_started_high_metric(K)])
        if run == "fit":
            results.append(model.fit(x, y, epochs=1, verbose=0).history["peak"])
        elif run == "evaluate":
            results.append(model.evaluate(x, y, verbose=0))
        else:
            results.append(getattr(model, run)(x, y))
    return [np.round(np.asarray(r, "float64"), 4).tolist() for r in results]


def test_compiled_metric_objects_start_from_reset_state_as_keras():
    """A Metric given to compile kept its add_variable initializers for the first epoch (a running minimum
    started at 5.0 of positive predictions
    reported 0.1 where Keras, which resets the built metrics before the loop, reports 0.0)."""
    K, ours = fresh_sessions()
    assert _first_epoch_results(ours) == _first_epoch_results(K)
