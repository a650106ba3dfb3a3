"""Regression tests for the bugs found by the eighteenth round of ported Keras programs
(tests/keras/test_keras_programs_round18.py), each compared with real Keras 3 (torch backend)."""
import collections

import numpy as np

from .oracle import fresh_sessions

Pair = collections.namedtuple("Pair", ["scores", "extras"])


def _namedtuple_outputs(K):
    class TwoHeads(K.layers.Layer):
        def call(self, x):
            return Pair(scores=x * 2, extras={"sum": K.ops.sum(x, axis=-1), "max": K.ops.max(x, axis=-1)})

    symbolic = TwoHeads()(K.Input((3,)))
    inputs = K.Input((3,))
    out = TwoHeads()(inputs)
    model = K.Model(inputs, {"s": out.scores, "m": out.extras["max"], "t": out.extras["sum"]})
    predicted = model.predict(np.arange(6, dtype="float32").reshape(2, 3), verbose=0)
    return (type(symbolic).__name__, list(symbolic.extras), [tuple(t.shape) for t in K.tree.flatten(symbolic)],
            {k: np.asarray(v).tolist() for k, v in predicted.items()})


def test_a_layer_returning_a_namedtuple_is_called_on_symbolic_inputs_and_its_dicts_come_back_sorted():
    """A layer returning a namedtuple failed on a keras.Input (the symbolic probe rebuilt the namedtuple from one
    generator); and Keras gives a symbolic call's dict outputs in sorted key order, where nn.keras kept the
    layer's order."""
    K, ours = fresh_sessions()
    assert _namedtuple_outputs(ours) == _namedtuple_outputs(K)
