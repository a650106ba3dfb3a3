"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Image classification with Vision
Transformer": images resized (Resizing, bilinear) and normalized (Normalization adapted to the training set), cut
into patches by a Patches layer (keras.ops.image.extract_patches, reshaped to a sequence; its get_config), a
PatchEncoder adding a learned position embedding (Embedding of ops.arange) to a Dense projection, transformer
blocks (LayerNormalization, MultiHeadAttention, Add, a GELU MLP), an MLP head, and AdamW with
SparseCategoricalAccuracy and SparseTopKCategoricalAccuracy. Images and weights come from NumPy, so real Keras and
deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

NUM_CLASSES, SOURCE_SIZE, IMAGE_SIZE, PATCH_SIZE = 3, 8, 12, 4
NUM_PATCHES = (IMAGE_SIZE // PATCH_SIZE) ** 2
PROJECTION_DIM, NUM_HEADS, TRANSFORMER_LAYERS = 8, 2, 2
TRANSFORMER_UNITS = [PROJECTION_DIM * 2, PROJECTION_DIM]
MLP_HEAD_UNITS = [16, 8]


def mlp(x, hidden_units, dropout_rate):
    for units in hidden_units:
        x = layers.Dense(units, activation=keras.activations.gelu)(x)
        x = layers.Dropout(dropout_rate)(x)
    return x


class Patches(layers.Layer):
    def __init__(self, patch_size, **kwargs):
        super().__init__(**kwargs)
        self.patch_size = patch_size

    def call(self, images):
        input_shape = ops.shape(images)
        batch_size = input_shape[0]
        height = input_shape[1]
        width = input_shape[2]
        channels = input_shape[3]
        num_patches_h = height // self.patch_size
        num_patches_w = width // self.patch_size
        patches = keras.ops.image.extract_patches(images, size=self.patch_size)
        patches = ops.reshape(patches, (batch_size, num_patches_h * num_patches_w,
                                        self.patch_size * self.patch_size * channels))
        return patches

    def get_config(self):
        config = super().get_config()
        config.update({"patch_size": self.patch_size})
        return config


class PatchEncoder(layers.Layer):
    def __init__(self, num_patches, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.num_patches = num_patches
        self.projection = layers.Dense(units=projection_dim)
        self.position_embedding = layers.Embedding(input_dim=num_patches, output_dim=projection_dim)

    def call(self, patch):
        positions = ops.expand_dims(ops.arange(start=0, stop=self.num_patches, step=1), axis=0)
        projected_patches = self.projection(patch)
        encoded = projected_patches + self.position_embedding(positions)
        return encoded

    def get_config(self):
        config = super().get_config()
        config.update({"num_patches": self.num_patches})
        return config


def create_vit_classifier(normalization):
    inputs = keras.Input(shape=(SOURCE_SIZE, SOURCE_SIZE, 3))
    augmented = layers.Resizing(IMAGE_SIZE, IMAGE_SIZE)(normalization(inputs))
    patches = Patches(PATCH_SIZE)(augmented)
    encoded_patches = PatchEncoder(NUM_PATCHES, PROJECTION_DIM)(patches)
    for _ in range(TRANSFORMER_LAYERS):
        x1 = layers.LayerNormalization(epsilon=1e-6)(encoded_patches)
        attention_output = layers.MultiHeadAttention(num_heads=NUM_HEADS, key_dim=PROJECTION_DIM, dropout=0.0)(x1, x1)
        x2 = layers.Add()([attention_output, encoded_patches])
        x3 = layers.LayerNormalization(epsilon=1e-6)(x2)
        x3 = mlp(x3, hidden_units=TRANSFORMER_UNITS, dropout_rate=0.0)
        encoded_patches = layers.Add()([x3, x2])
    representation = layers.LayerNormalization(epsilon=1e-6)(encoded_patches)
    representation = layers.Flatten()(representation)
    representation = layers.Dropout(0.0)(representation)
    features = mlp(representation, hidden_units=MLP_HEAD_UNITS, dropout_rate=0.0)
    logits = layers.Dense(NUM_CLASSES)(features)
    return keras.Model(inputs=inputs, outputs=logits)


def main():
    rng = np.random.default_rng(81)
    labels = rng.integers(0, NUM_CLASSES, 60)
    yy, xx = np.mgrid[0:SOURCE_SIZE, 0:SOURCE_SIZE] / SOURCE_SIZE
    patterns = np.stack([np.sin(3 * xx), np.cos(4 * yy), xx * yy], axis=0)
    images = (patterns[labels][..., None] * np.array([1.0, 0.6, -0.4]) * 120 + 128
              + rng.normal(0, 20, (60, SOURCE_SIZE, SOURCE_SIZE, 3))).astype("float32")
    x_train, y_train, x_test, y_test = images[:48], labels[:48], images[48:], labels[48:]
    print("x_train shape:", x_train.shape, "x_test shape:", x_test.shape)

    normalization = layers.Normalization()
    normalization.adapt(x_train)
    print("adapted mean", np.round(ops.convert_to_numpy(normalization.mean).ravel().astype("float64"), 3).tolist())

    patches = Patches(PATCH_SIZE)(layers.Resizing(IMAGE_SIZE, IMAGE_SIZE)(x_train[:2]))
    print(f"Image size: {IMAGE_SIZE} X {IMAGE_SIZE}", f"Patch size: {PATCH_SIZE} X {PATCH_SIZE}",
          f"Patches per image: {patches.shape[1]}", f"Elements per patch: {patches.shape[-1]}")
    print("first patch", np.round(ops.convert_to_numpy(patches)[0, 0, :6].astype("float64"), 3).tolist())
    print("last patch", np.round(ops.convert_to_numpy(patches)[1, -1, -6:].astype("float64"), 3).tolist())
    print("patches config", Patches(PATCH_SIZE, name="p").get_config()["patch_size"])

    model = create_vit_classifier(normalization)
    init = np.random.default_rng(5)
    weights = model.get_weights()
    model.set_weights([w if w.dtype.kind != "f" or i < 3 else init.normal(0.0, 0.25, w.shape).astype("float32")
                       for i, w in enumerate(weights)])
    print("weights", len(model.weights), "trainable", len(model.trainable_weights), "params", model.count_params())

    optimizer = keras.optimizers.AdamW(learning_rate=0.003, weight_decay=0.0001)
    model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
                           keras.metrics.SparseTopKCategoricalAccuracy(2, name="top-2-accuracy")])
    history = model.fit(x=x_train, y=y_train, batch_size=16, epochs=5, validation_split=0.25, shuffle=False,
                        verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    _, accuracy, top_2_accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test accuracy: {round(accuracy * 100, 2)}%", f"Test top 2 accuracy: {round(top_2_accuracy * 100, 2)}%")
    logits = model.predict(x_test[:3], verbose=0)
    print("logits", np.round(logits.astype("float64"), 4).tolist())
    encoder = [layer for layer in model.layers if isinstance(layer, PatchEncoder)][0]
    print("position embedding", np.round(ops.convert_to_numpy(encoder.position_embedding.embeddings)[0, :4]
                                         .astype("float64"), 4).tolist())
    print("encoder weights", [w.path for w in encoder.weights])


if __name__ == "__main__":
    main()
