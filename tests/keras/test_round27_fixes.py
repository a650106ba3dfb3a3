"""Regression tests for the bugs found by the twenty-seventh round of ported Keras programs
(tests/keras/test_keras_programs_round27.py), each compared with real Keras 3 (torch backend)."""
import numpy as np
import pytest

from .oracle import fresh_sessions

CONFIGS = [
    {"class_name": "VarianceScaling", "config": {"scale": 2.0, "mode": "fan_out", "distribution": "uniform",
                                                  "seed": 5}},
    {"class_name": "RandomNormal", "config": {"mean": 0.5, "stddev": 0.2, "seed": 3}},
    {"class_name": "TruncatedNormal", "config": {"stddev": 0.3, "seed": 4}},
    {"class_name": "Orthogonal", "config": {"gain": 0.5, "seed": 6}},
    {"class_name": "Constant", "config": {"value": 0.25}},
    {"class_name": "GlorotUniform", "config": {"seed": 1}},
    {"class_name": "HeNormal"},
]


@pytest.mark.parametrize("config", CONFIGS, ids=[c["class_name"] for c in CONFIGS])
def test_initializers_get_takes_a_config_dict_without_module(config):
    """`keras.initializers.get({'class_name': ..., 'config': ...})` (no 'module' key, as users write it) makes the
    keras.initializers class with those arguments, as Keras's get does; deepgrad raised 'Could not locate class'."""
    theirs, ours = fresh_sessions()
    made = [K.initializers.get(dict(config)) for K in (theirs, ours)]
    assert type(made[1]).__name__ == type(made[0]).__name__
    if "seed" in config.get("config", {}) or config["class_name"] == "Constant":
        values = [np.asarray(K.ops.convert_to_numpy(init((8, 6)))) for K, init in zip((theirs, ours), made)]
        np.testing.assert_allclose(values[1], values[0], rtol=1e-6, atol=1e-6)
    assert made[1].get_config() == made[0].get_config()


def test_initializers_get_of_an_unknown_class_name_is_refused_by_both():
    """An unknown class name in such a dict stays refused with Keras's ValueError."""
    theirs, ours = fresh_sessions()
    for K in (theirs, ours):
        with pytest.raises(ValueError):
            K.initializers.get({"class_name": "NoSuchInitializer", "config": {}})


def test_layer_takes_an_initializer_config_dict():
    """A layer given such a dict as `kernel_initializer` builds the same kernel as Keras's."""
    theirs, ours = fresh_sessions()
    kernels = []
    for K in (theirs, ours):
        layer = K.layers.Dense(4, kernel_initializer={"class_name": "RandomUniform",
                                                      "config": {"minval": -0.1, "maxval": 0.3, "seed": 9}})
        layer.build((None, 3))
        kernels.append(np.asarray(K.ops.convert_to_numpy(layer.kernel)))
    np.testing.assert_allclose(kernels[1], kernels[0], rtol=1e-6, atol=1e-7)
