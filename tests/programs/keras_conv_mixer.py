"""A Keras program, written for Keras 3, after keras.io's "Image classification with ConvMixer": Rescaling, a
patch-embedding Conv2D stem (strides = patch size) with gelu and BatchNormalization, ConvMixer blocks (a
DepthwiseConv2D with 'same' padding and a residual Add, then a pointwise Conv2D), GlobalAvgPool2D and a softmax
head; trained with AdamW and a ModelCheckpoint (save_best_only, save_weights_only) whose best weights are
loaded back for evaluation; then the patch embeddings' shapes and the depthwise kernels are inspected. The
images are small random 16x16 RGB arrays from NumPy and the weights are set from NumPy arrays, so real Keras and
deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers

IMAGE_SIZE = 16
NUM_CLASSES = 3


def activation_block(x):
    x = layers.Activation("gelu")(x)
    return layers.BatchNormalization()(x)


def conv_stem(x, filters: int, patch_size: int):
    x = layers.Conv2D(filters, kernel_size=patch_size, strides=patch_size)(x)
    return activation_block(x)


def conv_mixer_block(x, filters: int, kernel_size: int):
    # Depthwise convolution.
    x0 = x
    x = layers.DepthwiseConv2D(kernel_size=kernel_size, padding="same")(x)
    x = layers.Add()([activation_block(x), x0])  # Residual.

    # Pointwise convolution.
    x = layers.Conv2D(filters, kernel_size=1)(x)
    x = activation_block(x)

    return x


def get_conv_mixer(image_size=IMAGE_SIZE, filters=12, depth=2, kernel_size=3, patch_size=2,
                   num_classes=NUM_CLASSES):
    """ConvMixer-12/2 (the example's 256/8, made small)."""
    inputs = keras.Input((image_size, image_size, 3))
    x = layers.Rescaling(scale=1.0 / 255)(inputs)

    # Extract patch embeddings.
    x = conv_stem(x, filters, patch_size)

    # ConvMixer blocks.
    for _ in range(depth):
        x = conv_mixer_block(x, filters, kernel_size)

    # Classification block.
    x = layers.GlobalAvgPool2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)

    return keras.Model(inputs, outputs)


def run_experiment(model, train, val, test):
    optimizer = keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.0001)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    checkpoint_filepath = "checkpoint.weights.h5"
    checkpoint_callback = keras.callbacks.ModelCheckpoint(checkpoint_filepath, monitor="val_loss",
                                                          save_best_only=True, save_weights_only=True)
    history = model.fit(train[0], train[1], validation_data=val, epochs=6, batch_size=12, shuffle=False,
                        callbacks=[checkpoint_callback], verbose=0)
    model.load_weights(checkpoint_filepath)
    loss, accuracy = model.evaluate(test[0], test[1], verbose=0)
    print(f"Test loss: {round(loss, 4)}")
    return history, model


def main():
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 255, (60, IMAGE_SIZE, IMAGE_SIZE, 3)).astype("float32")
    x[:20, 4:12, 4:12, 0] = 255.0
    x[20:40, :, :8, 1] *= 0.2
    y = np.repeat(np.arange(3), 20)
    order = rng.permutation(60)
    x, y = x[order], y[order]
    train, val, test = (x[:36], y[:36]), (x[36:48], y[36:48]), (x[48:], y[48:])

    conv_mixer_model = get_conv_mixer()
    init = np.random.default_rng(8)
    conv_mixer_model.set_weights([init.normal(0.0, 0.3, value.shape).astype("float32") if w.trainable else value
                                  for w, value in zip(conv_mixer_model.weights, conv_mixer_model.get_weights())])
    print("layers", [type(layer).__name__ for layer in conv_mixer_model.layers][:9])
    print("params", conv_mixer_model.count_params(), "trainable", len(conv_mixer_model.trainable_weights),
          "non-trainable", len(conv_mixer_model.non_trainable_weights))
    print("stem output", conv_mixer_model.layers[2].output.shape)
    history, conv_mixer_model = run_experiment(conv_mixer_model, train, val, test)
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        print(key, np.round(history.history[key], 4).tolist())
    print("best epoch", int(np.argmin(history.history["val_loss"])) + 1)
    probabilities = conv_mixer_model.predict(test[0][:4], verbose=0)
    print("probabilities", np.round(probabilities.astype("float64"), 4).tolist())

    depthwise = [layer for layer in conv_mixer_model.layers if isinstance(layer, layers.DepthwiseConv2D)]
    kernel = keras.ops.convert_to_numpy(depthwise[0].kernel)
    print("depthwise kernel", kernel.shape, np.round(kernel[:, :, 0, 0].astype("float64"), 3).tolist())
    moving = keras.ops.convert_to_numpy(conv_mixer_model.layers[4].moving_variance)
    print("stem moving variance", np.round(moving[:4].astype("float64"), 4).tolist())


if __name__ == "__main__":
    main()
