"""A Keras program, written for Keras 3, after keras.io's "Image classification with modern MLP models"
(MLP-Mixer): a Patches layer over keras.ops.image.extract_patches, MLPMixerLayer blocks (LayerNormalization shared
by the token- and channel-mixing MLPs, ops.transpose between them, residuals) stacked in a keras.Sequential,
GlobalAveragePooling1D and a logits head, preceded by a Normalization layer adapted to the data and Resizing;
trained with AdamW, sparse cross-entropy from logits, SparseCategoricalAccuracy and
SparseTopKCategoricalAccuracy, ReduceLROnPlateau and EarlyStopping, then evaluated. The images are small random
16x16 RGB arrays from NumPy, dropout is 0 and the weights are set from NumPy arrays, so real Keras and deepgrad
print the same numbers."""
import numpy as np

import keras
from keras import layers

NUM_CLASSES = 4
INPUT_SHAPE = (16, 16, 3)
IMAGE_SIZE = 12
PATCH_SIZE = 4
NUM_PATCHES = (IMAGE_SIZE // PATCH_SIZE) ** 2
EMBEDDING_DIM = 16
NUM_BLOCKS = 2
DROPOUT_RATE = 0.0


class Patches(layers.Layer):
    def __init__(self, patch_size, **kwargs):
        super().__init__(**kwargs)
        self.patch_size = patch_size

    def call(self, x):
        patches = keras.ops.image.extract_patches(x, self.patch_size)
        batch_size = keras.ops.shape(patches)[0]
        num_patches = keras.ops.shape(patches)[1] * keras.ops.shape(patches)[2]
        patch_dim = keras.ops.shape(patches)[3]
        out = keras.ops.reshape(patches, (batch_size, num_patches, patch_dim))
        return out


class MLPMixerLayer(layers.Layer):
    def __init__(self, num_patches, hidden_units, dropout_rate, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mlp1 = keras.Sequential([layers.Dense(units=num_patches, activation="gelu"),
                                      layers.Dense(units=num_patches), layers.Dropout(rate=dropout_rate)])
        self.mlp2 = keras.Sequential([layers.Dense(units=num_patches, activation="gelu"),
                                      layers.Dense(units=hidden_units), layers.Dropout(rate=dropout_rate)])
        self.normalize = layers.LayerNormalization(epsilon=1e-6)

    def build(self, input_shape):
        return super().build(input_shape)

    def call(self, inputs):
        x = self.normalize(inputs)
        x_channels = keras.ops.transpose(x, axes=(0, 2, 1))
        mlp1_outputs = self.mlp1(x_channels)
        mlp1_outputs = keras.ops.transpose(mlp1_outputs, axes=(0, 2, 1))
        x = mlp1_outputs + inputs
        x_patches = self.normalize(x)
        mlp2_outputs = self.mlp2(x_patches)
        x = x + mlp2_outputs
        return x


def build_classifier(blocks, augmentation):
    inputs = layers.Input(shape=INPUT_SHAPE)
    augmented = augmentation(inputs)
    patches = Patches(PATCH_SIZE)(augmented)
    x = layers.Dense(units=EMBEDDING_DIM)(patches)
    x = blocks(x)
    representation = layers.GlobalAveragePooling1D()(x)
    representation = layers.Dropout(rate=DROPOUT_RATE)(representation)
    logits = layers.Dense(NUM_CLASSES)(representation)
    return keras.Model(inputs=inputs, outputs=logits)


def main():
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 255, (64,) + INPUT_SHAPE).astype("float32")
    y = (x[:, :8, :8, 0].mean(axis=(1, 2)) > x[:, 8:, 8:, 1].mean(axis=(1, 2))).astype("int64") * 2 + \
        (x[:, :, :, 2].mean(axis=(1, 2)) > 127.5).astype("int64")
    x_train, y_train, x_test, y_test = x[:48], y[:48], x[48:], y[48:]
    print("classes", np.bincount(y, minlength=NUM_CLASSES).tolist())

    augmentation = keras.Sequential([layers.Normalization(), layers.Resizing(IMAGE_SIZE, IMAGE_SIZE)],
                                    name="data_augmentation")
    augmentation.layers[0].adapt(x_train)
    print("mean", np.round(np.asarray(augmentation.layers[0].mean).ravel().astype("float64"), 3).tolist())

    blocks = keras.Sequential([MLPMixerLayer(NUM_PATCHES, EMBEDDING_DIM, DROPOUT_RATE)
                               for _ in range(NUM_BLOCKS)])
    model = build_classifier(blocks, augmentation)
    rng_w = np.random.default_rng(3)
    model.set_weights([rng_w.normal(0.0, 0.2, value.shape).astype("float32") if w.trainable else value
                       for w, value in zip(model.weights, model.get_weights())])
    print("patches", tuple(Patches(PATCH_SIZE)(x[:2]).shape), "blocks", len(blocks.layers))
    print("trainable weights", len(model.trainable_weights), "params", model.count_params())

    optimizer = keras.optimizers.AdamW(learning_rate=0.005, weight_decay=0.0001)
    model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc"),
                           keras.metrics.SparseTopKCategoricalAccuracy(2, name="top2-acc")])
    reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1)
    early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    history = model.fit(x_train, y_train, batch_size=16, epochs=6, validation_split=0.25, shuffle=False,
                        callbacks=[early_stopping, reduce_lr], verbose=0)
    for key in ("loss", "acc", "top2-acc", "val_loss", "learning_rate"):
        print(key, np.round(history.history[key], 4).tolist())
    _, accuracy, top_2_accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test accuracy: {round(accuracy * 100, 2)}%")
    print(f"Test top 2 accuracy: {round(top_2_accuracy * 100, 2)}%")
    logits = model.predict(x_test[:3], verbose=0)
    print("logits", np.round(logits.astype("float64"), 4).tolist())


if __name__ == "__main__":
    main()
