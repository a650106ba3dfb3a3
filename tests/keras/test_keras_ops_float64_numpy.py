"""keras.ops called on NumPy float64 arrays compute and return float64, as on Keras's torch backend (deepgrad
turned such arrays into floatx() before, so every op's result was float32 and its digits float32's)."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

keras = real_keras()   # sets KERAS_BACKEND=torch before the first import (else Keras picks TensorFlow)

X = np.linspace(-1.5, 2.0, 12).reshape(3, 4)
CALLS = {
    "abs": lambda ops: ops.abs(X), "exp": lambda ops: ops.exp(X), "flip": lambda ops: ops.flip(X, 0),
    "reshape": lambda ops: ops.reshape(X, (4, 3)), "tile": lambda ops: ops.tile(X, 2),
    "add_number": lambda ops: ops.add(X, 1.5), "matmul": lambda ops: ops.matmul(X, X.T),
    "mean": lambda ops: ops.mean(X, axis=0), "sum": lambda ops: ops.sum(X), "concat": lambda ops: ops.concatenate([X, X]),
    "where": lambda ops: ops.where(X > 0, X, 0.0), "softmax": lambda ops: ops.softmax(X),
    "sqrt_abs": lambda ops: ops.sqrt(ops.abs(X)), "pad": lambda ops: ops.pad(X, [[1, 0], [0, 2]]),
    "cumsum": lambda ops: ops.cumsum(X, axis=1), "norm": lambda ops: ops.norm(X),
}


#: Keras's torch backend computes these two through float32 and returns float64 (deepgrad does the same)
FLOAT32_INSIDE = {"matmul", "mean"}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_float64_numpy_data_stays_float64(name):
    got, want = CALLS[name](ours.ops), CALLS[name](keras.ops)
    assert str(got.dtype) == str(want.dtype).replace("torch.", "")
    rtol = 1e-6 if name in FLOAT32_INSIDE else 1e-14
    np.testing.assert_allclose(np.asarray(got), np.asarray(want.cpu()), rtol=rtol, atol=1e-15)
