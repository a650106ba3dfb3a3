"""A Keras program, written for Keras 3, following the fine-tuning examples: a DenseNet121 base without its top
(weights=None, then given seeded values as pretrained weights would be), frozen and called with training=False,
after densenet.preprocess_input, with a new head (pooling, BatchNormalization, Dense); trained a few steps on random
images; then the base's last 20 layers unfrozen except the BatchNormalization ones and fine-tuned. (DenseNet has
no Dropout inside: EfficientNet's drop-connect layers would draw masks, and the two libraries draw differently.)
It prints the layer counts, the losses of each phase, evaluation and predictions. Real Keras and deepgrad print
the same."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def pretend_pretrained(model, seed):
    """Values a trained network could hold: positive variances and scales, small kernels and means."""
    rng = np.random.default_rng(seed)
    values = []
    for w in model.weights:
        shape = tuple(w.shape)
        if len(shape) == 0:
            values.append(np.array(1, dtype=w.dtype))
        elif w.path.endswith(("moving_variance", "gamma", "variance")):
            values.append(rng.uniform(0.5, 1.5, shape).astype("float32"))
        elif len(shape) == 1:
            values.append(rng.uniform(-0.1, 0.1, shape).astype("float32"))
        else:
            fan_in = int(np.prod(shape[:-1])) if "depthwise" not in w.path else int(np.prod(shape[:2]))
            values.append(rng.normal(0.0, np.sqrt(1.0 / fan_in), shape).astype("float32"))
    model.set_weights(values)


def main():
    base = keras.applications.DenseNet121(include_top=False, input_shape=(32, 32, 3), weights=None)
    pretend_pretrained(base, 0)
    base.trainable = False
    print("base:", base.name, len(base.layers), "layers", base.count_params(), "params")

    inputs = keras.Input((32, 32, 3))
    x = keras.applications.densenet.preprocess_input(inputs)
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = layers.BatchNormalization(name="head_bn")(x)
    outputs = layers.Dense(4, activation="softmax", name="pred")(x)
    model = keras.Model(inputs, outputs, name="transfer")
    rng = np.random.default_rng(1)
    head = model.get_layer("pred")
    head.set_weights([rng.normal(0, 0.1, w.shape).astype("float32") for w in head.get_weights()])
    print("trainable weights (frozen base):", len(model.trainable_weights))

    images = rng.uniform(0, 255, (16, 32, 32, 3)).astype("float32")
    labels = keras.utils.to_categorical(rng.integers(0, 4, 16), 4)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(images, labels, batch_size=8, epochs=2, shuffle=False, verbose=0)
    print("frozen losses:", r(history.history["loss"]))

    base.trainable = True
    for layer in base.layers[:-20]:
        layer.trainable = False
    for layer in base.layers[-20:]:
        if isinstance(layer, layers.BatchNormalization):
            layer.trainable = False
    print("unfrozen:", [layer.name for layer in base.layers if layer.trainable and layer.weights])
    print("trainable weights (fine-tuning):", len(model.trainable_weights))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(images, labels, batch_size=8, epochs=2, shuffle=False, verbose=0)
    print("fine-tuning losses:", r(history.history["loss"]))
    loss, accuracy = model.evaluate(images, labels, verbose=0)
    print("evaluate:", r(loss), r(accuracy))
    print("predictions:", r(model.predict(images[:2], verbose=0)))
    print("last conv kernel sum:", r(float(np.sum(base.get_layer("conv5_block16_2_conv").get_weights()[0]))))
    print("bn moving mean sum (frozen):", r(float(np.sum(base.get_layer("bn").get_weights()[2]))))


if __name__ == "__main__":
    main()
