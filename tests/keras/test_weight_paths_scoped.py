"""Weight paths as Keras 3 writes them (each name scope a layer's call or build opens): a sub-layer's weights
sit under its parents' names ('model/outer/dense/kernel'), a Sequential's under the Sequential's name, a
functional model's layers at the top, recurrent layers' under their cell ('lstm/lstm_cell/kernel');
compared with real Keras 3 (torch backend)."""
import numpy as np

from nn import keras as ours

from .oracle import real_keras


def _paths(K):
    layers = K.layers

    class Outer(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    class BuiltByHand(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(2)

        def build(self, shape):
            self.dense.build(shape)
            self.scale = self.add_weight(shape=(2,), name="scale")

        def call(self, x):
            return self.dense(x) * self.scale

    class Net(K.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.outer, self.first, self.last = Outer(name="outer"), layers.Dense(3, name="first"), BuiltByHand(name="by_hand")

        def call(self, x):
            return self.last(self.outer(self.first(x)))

    found = []
    net = Net(name="net")
    net(np.zeros((1, 4), np.float32))
    found.append([w.path for w in net.weights])
    found.append([w.path for w in K.Sequential([K.Input((4,)), layers.Dense(2, name="d")], name="seq").weights])
    lazy = K.Sequential([layers.Dense(2, name="d")], name="lazy")
    lazy(np.zeros((1, 4), np.float32))
    found.append([w.path for w in lazy.weights])
    inputs = K.Input((5, 3))
    hidden = Outer(name="outer_f")(layers.Bidirectional(layers.LSTM(2, return_sequences=True), name="bi")(inputs))
    found.append([w.path for w in K.Model(inputs, layers.GRU(2, name="gru")(hidden)).weights])
    alone = BuiltByHand(name="alone")
    alone.build((None, 3))
    found.append([w.path for w in alone.weights])
    attention = layers.MultiHeadAttention(2, 3, name="mha")
    attention.build((None, 3, 4), (None, 3, 4))
    found.append([w.path for w in attention.weights])
    return found


def test_weight_paths_follow_keras_name_scopes():
    keras = real_keras()
    assert _paths(ours) == _paths(keras)
