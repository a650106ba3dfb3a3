"""keras.config.set_backend: nn.keras always runs on deepgrad, so 'deepgrad' is a no-op, Keras's own backend names
warn that nothing is switched (and nothing is), and an unknown name is a ValueError naming Keras's backends."""
import warnings

import pytest


def test_set_backend_names():
    from nn import keras
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        keras.config.set_backend("deepgrad")
    for name in ("torch", "jax", "tensorflow", "numpy", "openvino"):
        with pytest.warns(UserWarning, match="runs on deepgrad"):
            keras.config.set_backend(name)
        assert keras.config.backend() == "deepgrad" == keras.backend.backend()
    with pytest.raises(ValueError, match="unknown backend 'pytorch'.*'torch'"):
        keras.config.set_backend("pytorch")
