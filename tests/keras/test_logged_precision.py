"""Metric values in fit's logs and evaluate's results are rounded to the metric's dtype (float32 unless set), as
Keras keeps its running totals in it, so a program printing them in full prints Keras's digits."""
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
    assert seen[1]["mae"] == seen[0]["mae"]
    assert seen[1]["loss"] == seen[0]["loss"]
    np.testing.assert_allclose(seen[1]["mape"], seen[0]["mape"], rtol=1e-6)
