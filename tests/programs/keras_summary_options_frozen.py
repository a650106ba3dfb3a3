"""A Keras program, written for Keras 3: model.summary's options on a model with a frozen nested backbone —
expand_nested, show_trainable, layer_range, print_fn collecting the lines, positions and line_length — next to
count_params, the trainable / non-trainable weight counts as layers are frozen and unfrozen, a frozen
BatchNormalization running in inference mode inside fit, and get_layer by name and index. Weights are set from
NumPy, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def backbone():
    inputs = keras.Input((6,), name="features")
    h = layers.Dense(5, name="bb_dense")(inputs)
    h = layers.BatchNormalization(name="bb_norm")(h)
    h = layers.Activation("relu", name="bb_relu")(h)
    return keras.Model(inputs, h, name="backbone")


def main():
    keras.utils.set_random_seed(5)
    base = backbone()
    inputs = keras.Input((6,), name="input")
    h = base(inputs)
    h = layers.Dropout(0.2, name="drop")(h)
    outputs = layers.Dense(2, name="head")(h)
    model = keras.Model(inputs, outputs, name="classifier")
    rng = np.random.default_rng(9)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") if w.ndim == 2 else w
                       for w in model.get_weights()])

    lines = []
    model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line))
    print("summary lines", len(lines), "first", lines[0].strip() if lines else None)
    model.summary(expand_nested=True, show_trainable=True, line_length=110)
    base.trainable = False
    print("frozen", len(model.trainable_weights), len(model.non_trainable_weights), model.count_params())
    model.summary(show_trainable=True, line_length=100)
    model.summary(layer_range=["backbone", "head"], line_length=90, positions=[0.4, 0.7, 1.0])

    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    x = rng.standard_normal((16, 6)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    before = [w.copy() for w in base.get_weights()]
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    print("fit", np.round(history.history["loss"], 4).tolist())
    print("backbone unchanged", all(np.array_equal(a, b) for a, b in zip(before, base.get_weights())))
    base.trainable = True
    base.get_layer("bb_norm").trainable = False
    print("unfrozen but norm", len(model.trainable_weights), len(model.non_trainable_weights))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    print("fine-tune", np.round(history.history["loss"], 4).tolist())
    print("moving mean kept", np.round(base.get_layer("bb_norm").moving_mean.numpy(), 4).tolist())
    print("by index", model.get_layer(index=1).name, model.get_layer(index=-1).name, model.layers[2].name)
    print("weights", [(w.path, tuple(w.shape)) for w in model.weights][:4])
