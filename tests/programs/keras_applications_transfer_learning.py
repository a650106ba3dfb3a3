"""A Keras program, written for Keras 3, following the transfer-learning guide: a MobileNetV2 base without its
top (weights=None here, then filled from a seeded generator as pretrained weights would be), frozen, under a new
head (preprocess_input, the base called with training=False, pooling, a Dense classifier), trained a few steps on
random images; then the top of the base unfrozen and fine-tuned with a small learning rate. It prints the model
summaries' counts, the losses of each phase, evaluation and predictions. Real Keras and deepgrad print the same."""
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
        if w.path.endswith(("moving_variance", "gamma")):
            values.append(rng.uniform(0.5, 1.5, w.shape))
        elif w.path.endswith(("moving_mean", "beta", "bias")):
            values.append(rng.uniform(-0.1, 0.1, w.shape))
        else:
            fan_in = int(np.prod(w.shape[:-1])) if "depthwise" not in w.path else int(np.prod(w.shape[:2]))
            values.append(rng.normal(0.0, np.sqrt(2.0 / fan_in), w.shape))
    model.set_weights([v.astype("float32") for v in values])


def main():
    base = keras.applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, include_top=False, weights=None)
    pretend_pretrained(base, 0)
    print("base:", base.name, len(base.layers), "layers", base.count_params(), "params")
    print("base output:", base.output.shape)
    base.trainable = False

    inputs = keras.Input((32, 32, 3))
    x = keras.applications.mobilenet_v2.preprocess_input(inputs)
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(3, name="head")(x)
    model = keras.Model(inputs, outputs)
    head = model.get_layer("head")
    rng = np.random.default_rng(1)
    head.set_weights([rng.normal(0, 0.1, w.shape).astype("float32") for w in head.get_weights()])
    print("trainable weights (frozen base):", len(model.trainable_weights))
    print("non-trainable weights:", len(model.non_trainable_weights))

    images = rng.uniform(0, 255, (16, 32, 32, 3)).astype("float32")
    labels = rng.integers(0, 3, 16)
    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(images, labels, batch_size=8, epochs=3, shuffle=False, verbose=0)
    print("frozen losses:", r(history.history["loss"]))
    print("frozen accuracy:", r(history.history["accuracy"]))

    base.trainable = True
    for layer in base.layers[:-12]:
        layer.trainable = False
    print("unfrozen layers:", [layer.name for layer in base.layers if layer.trainable and layer.weights])
    print("trainable weights (fine-tuning):", len(model.trainable_weights))
    model.compile(optimizer=keras.optimizers.Adam(1e-4),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(images, labels, batch_size=8, epochs=3, shuffle=False, verbose=0)
    print("fine-tuning losses:", r(history.history["loss"]))
    loss, accuracy = model.evaluate(images, labels, verbose=0)
    print("evaluate:", r(loss), r(accuracy))
    print("predictions:", r(model.predict(images[:2], verbose=0)))
    print("last conv kernel sum:", r(float(np.sum(base.get_layer("Conv_1").get_weights()[0]))))
    print("moving mean unchanged (inference-mode BN):", r(float(np.sum(base.get_layer("Conv_1_bn").get_weights()[2]))))


if __name__ == "__main__":
    main()
