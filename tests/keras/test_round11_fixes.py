"""Regression tests for the bugs found by the eleventh round of ported Keras programs
(tests/keras/test_keras_programs_round11.py), each compared with real Keras 3 (torch backend)."""
import numpy as np
import pytest

from .oracle import fresh_sessions


def _optimizer_names(K):
    names = [K.optimizers.Adam().name, K.optimizers.Adam().name, K.optimizers.SGD(name="mine").name,
             K.optimizers.SGD(name="mine").name, K.optimizers.SGD().name]
    wrapped = [K.optimizers.LossScaleOptimizer(K.optimizers.RMSprop()) for _ in range(2)]
    return names + [w.name for w in wrapped] + [w.inner_optimizer.name for w in wrapped]


def test_automatic_optimizer_names_count_up_as_keras():
    """Every unnamed Adam was 'adam': Keras names the second 'adam_1' (the mixed-precision guide prints it)."""
    K, ours = fresh_sessions()
    assert _optimizer_names(ours) == _optimizer_names(K)
