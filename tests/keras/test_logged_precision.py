"""Metric values in fit's logs and evaluate's results are rounded to the metric's dtype (float32 unless set), as
Keras keeps its running totals in it, so a program printing them in full prints Keras's digits (to the last float32
step, which Keras's float32 sums can move)."""
import numpy as np

from tests.keras.oracle import fresh_sessions


def test_evaluate_results_carry_float32_digits_as_keras():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 4)).astype("float32")
    y = rng.standard_normal((16, 1)).astype("float32")
    seen = []
    for keras in fresh_sessions():
        inputs = keras.Input((4,))
        model = keras.Model(inputs, keras.layers.Dense(1, kernel_initializer="ones")(inputs))
        model.compile("sgd", "mse", metrics=["mae", "mape"])
        results = model.evaluate(x, y, verbose=0, return_dict=True)
        seen.append(results)
        assert all(float(np.float32(v)) == v for v in results.values())
    for key in ("loss", "mae", "mape"):   # within one float32 step: Keras also sums in float32
        assert abs(seen[1][key] - seen[0][key]) <= np.spacing(np.float32(seen[0][key])), key
