"""Regression tests for the bugs found by the sixteenth round of ported Keras programs
(tests/keras/test_keras_programs_round16.py), each compared with real Keras 3 (torch backend)."""
import warnings

import numpy as np
import pytest

from .oracle import fresh_sessions


def _build_warnings(K):
    class Block(K.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = K.layers.Dense(3)

        def call(self, x):
            return self.dense(x)

    seen = []
    x = np.ones((2, 4), "float32")
    for make in (Block, lambda: K.layers.Pipeline([K.layers.Dense(3)])):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            layer = make()
            layer(x)
        seen.append(sum("unbuilt state" in str(w.message) for w in caught))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            make().build((None, 4))
        seen.append(sum("unbuilt state" in str(w.message) for w in caught))
    return seen


def test_first_call_build_does_not_warn_about_unbuilt_state():
    """Keras warns about a layer without build() whose sub-layers are unbuilt only when build() is called
    explicitly; nn.keras also warned on the automatic build of every first call (a Pipeline, a custom block)."""
    K, ours = fresh_sessions()
    assert _build_warnings(ours) == _build_warnings(K)
