"""A Keras program, written for Keras 3: model.summary read closely on models users build in layers — a
functional model holding a Sequential block twice (shared) and a nested functional encoder, a subclassed model
around a Sequential, and a Sequential of Sequentials — with expand_nested, show_trainable after freezing part of
it, layer_range by names, line_length and positions, collected through print_fn; plus count_params and the
weights' paths. Weights come from NumPy, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def block(name):
    return keras.Sequential([layers.Dense(6, activation="relu", name=f"{name}_dense"),
                             layers.LayerNormalization(name=f"{name}_norm")], name=name)


def encoder():
    inputs = keras.Input((5,), name="enc_in")
    h = layers.Dense(8, name="enc_dense")(inputs)
    h = layers.Dropout(0.1, name="enc_drop")(h)
    return keras.Model(inputs, layers.Dense(6, name="enc_out")(h), name="encoder")


class Wrapper(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.body = block("wrapped")
        self.head = layers.Dense(2, name="wrapped_head")

    def call(self, x):
        return self.head(self.body(x))


def main():
    left, right = keras.Input((5,), name="left"), keras.Input((6,), name="right")
    shared = block("shared")
    enc = encoder()
    a = shared(enc(left))
    b = shared(right)
    merged = layers.Concatenate(name="merge")([a, b])
    out = layers.Dense(1, name="score")(merged)
    model = keras.Model([left, right], out, name="two_towers")
    enc.trainable = False

    lines = []
    model.summary(print_fn=lambda line, **kwargs: lines.append(line))
    print("\n".join(lines))
    lines.clear()
    model.summary(expand_nested=True, show_trainable=True, print_fn=lambda line, **kwargs: lines.append(line))
    print("\n".join(lines))
    lines.clear()
    model.summary(layer_range=["shared", "merge"], line_length=90, positions=[0.4, 0.7, 0.85, 1.0],
                  print_fn=lambda line, **kwargs: lines.append(line))
    print("\n".join(lines))
    print("count", model.count_params(), len(model.trainable_weights), len(model.non_trainable_weights))
    print("paths", [w.path for w in model.weights][:6])

    wrapper = Wrapper(name="wrapper")
    wrapper(np.zeros((2, 4), "float32"))
    lines.clear()
    wrapper.summary(expand_nested=True, print_fn=lambda line, **kwargs: lines.append(line))
    print("\n".join(lines))

    stacked = keras.Sequential([keras.Input((3,)), block("first"), block("second"), layers.Dense(1, name="out")],
                               name="stacked")
    stacked.layers[1].trainable = False
    lines.clear()
    stacked.summary(expand_nested=True, show_trainable=True, line_length=100,
                    print_fn=lambda line, **kwargs: lines.append(line))
    print("\n".join(lines))
    print("stacked count", stacked.count_params(), [layer.name for layer in stacked.layers])
