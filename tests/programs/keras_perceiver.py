"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Image classification with
Perceiver": a Perceiver subclass of keras.Model that creates, in build(), a trainable latent array (add_weight),
a patcher, a patch encoder, a cross-attention module and a transformer module (functional models with dict inputs),
and a classification head; call() feeds the latent array (batch 1, broadcast against the data batch in Dense,
Attention(use_scale=True) and Add) through the modules iteratively with shared weights. Trained with AdamW
and a ReduceLROnPlateau callback. Images and weights come from NumPy, so real Keras and deepgrad print the same
numbers."""
import numpy as np

import keras
from keras import layers, ops

IMAGE, PATCH, NUM_CLASSES = 8, 2, 3
NUM_PATCHES = (IMAGE // PATCH) ** 2
LATENT_DIM, PROJECTION_DIM = 4, 8


def create_ffn(hidden_units, dropout_rate):
    ffn_layers = []
    for units in hidden_units[:-1]:
        ffn_layers.append(layers.Dense(units, activation="gelu"))
    ffn_layers.append(layers.Dense(units=hidden_units[-1]))
    ffn_layers.append(layers.Dropout(dropout_rate))
    ffn = keras.Sequential(ffn_layers)
    return ffn


class Patches(layers.Layer):
    def __init__(self, patch_size):
        super().__init__()
        self.patch_size = patch_size

    def call(self, images):
        batch_size = ops.shape(images)[0]
        patches = ops.image.extract_patches(images=images, size=(self.patch_size, self.patch_size),
                                            strides=(self.patch_size, self.patch_size), dilation_rate=1,
                                            padding="valid")
        patch_dims = patches.shape[-1]
        patches = ops.reshape(patches, [batch_size, -1, patch_dims])
        return patches


class PatchEncoder(layers.Layer):
    def __init__(self, num_patches, projection_dim):
        super().__init__()
        self.num_patches = num_patches
        self.projection = layers.Dense(units=projection_dim)
        self.position_embedding = layers.Embedding(input_dim=num_patches, output_dim=projection_dim)

    def call(self, patches):
        positions = ops.arange(start=0, stop=self.num_patches, step=1)
        encoded = self.projection(patches) + self.position_embedding(positions)
        return encoded


def create_cross_attention_module(latent_dim, data_dim, projection_dim, ffn_units, dropout_rate):
    inputs = {
        # Recieve the latent array as an input of shape [1, latent_dim, projection_dim].
        "latent_array": layers.Input(shape=(latent_dim, projection_dim), name="latent_array"),
        # Recieve the data_array (encoded image) as an input of shape [batch_size, data_dim, projection_dim].
        "data_array": layers.Input(shape=(data_dim, projection_dim), name="data_array"),
    }
    # Apply layer norm to the inputs
    latent_array = layers.LayerNormalization(epsilon=1e-6)(inputs["latent_array"])
    data_array = layers.LayerNormalization(epsilon=1e-6)(inputs["data_array"])
    # Create query tensor: [1, latent_dim, projection_dim].
    query = layers.Dense(units=projection_dim)(latent_array)
    # Create key tensor: [batch_size, data_dim, projection_dim].
    key = layers.Dense(units=projection_dim)(data_array)
    # Create value tensor: [batch_size, data_dim, projection_dim].
    value = layers.Dense(units=projection_dim)(data_array)
    # Generate cross-attention outputs: [batch_size, latent_dim, projection_dim].
    attention_output = layers.Attention(use_scale=True, dropout=0.0)([query, key, value],
                                                                      return_attention_scores=False)
    # Skip connection 1.
    attention_output = layers.Add()([attention_output, latent_array])
    # Apply layer norm.
    attention_output = layers.LayerNormalization(epsilon=1e-6)(attention_output)
    # Apply Feedforward network.
    ffn = create_ffn(hidden_units=ffn_units, dropout_rate=dropout_rate)
    outputs = ffn(attention_output)
    # Skip connection 2.
    outputs = layers.Add()([outputs, attention_output])
    # Create the Keras model.
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


def create_transformer_module(latent_dim, projection_dim, num_heads, num_transformer_blocks, ffn_units,
                              dropout_rate):
    # input_shape: [1, latent_dim, projection_dim]
    inputs = layers.Input(shape=(latent_dim, projection_dim))
    x0 = inputs
    # Create multiple layers of the Transformer block.
    for _ in range(num_transformer_blocks):
        # Apply layer normalization 1.
        x1 = layers.LayerNormalization(epsilon=1e-6)(x0)
        # Create a multi-head self-attention layer.
        attention_output = layers.MultiHeadAttention(num_heads=num_heads, key_dim=projection_dim,
                                                     dropout=0.0)(x1, x1)
        # Skip connection 1.
        x2 = layers.Add()([attention_output, x0])
        # Apply layer normalization 2.
        x3 = layers.LayerNormalization(epsilon=1e-6)(x2)
        # Apply Feedforward network.
        ffn = create_ffn(hidden_units=ffn_units, dropout_rate=dropout_rate)
        x3 = ffn(x3)
        # Skip connection 2.
        x0 = layers.Add()([x3, x2])
    # Create the Keras model.
    model = keras.Model(inputs=inputs, outputs=x0)
    return model


class Perceiver(keras.Model):
    def __init__(self, patch_size, data_dim, latent_dim, projection_dim, num_heads, num_transformer_blocks,
                 ffn_units, dropout_rate, num_iterations, classifier_units):
        super().__init__()
        self.latent_dim = latent_dim
        self.data_dim = data_dim
        self.patch_size = patch_size
        self.projection_dim = projection_dim
        self.num_heads = num_heads
        self.num_transformer_blocks = num_transformer_blocks
        self.ffn_units = ffn_units
        self.dropout_rate = dropout_rate
        self.num_iterations = num_iterations
        self.classifier_units = classifier_units

    def build(self, input_shape):
        # Create latent array.
        self.latent_array = self.add_weight(shape=(self.latent_dim, self.projection_dim),
                                            initializer="random_normal", trainable=True)
        # Create patching module.
        self.patcher = Patches(self.patch_size)
        # Create patch encoder.
        self.patch_encoder = PatchEncoder(self.data_dim, self.projection_dim)
        # Create cross-attenion module.
        self.cross_attention = create_cross_attention_module(self.latent_dim, self.data_dim, self.projection_dim,
                                                             self.ffn_units, self.dropout_rate)
        # Create Transformer module.
        self.transformer = create_transformer_module(self.latent_dim, self.projection_dim, self.num_heads,
                                                     self.num_transformer_blocks, self.ffn_units,
                                                     self.dropout_rate)
        # Create global average pooling layer.
        self.global_average_pooling = layers.GlobalAveragePooling1D()
        # Create a classification head.
        self.classification_head = create_ffn(hidden_units=self.classifier_units, dropout_rate=self.dropout_rate)
        super().build(input_shape)

    def call(self, inputs):
        # Create patches.
        patches = self.patcher(inputs)
        # Encode patches.
        encoded_patches = self.patch_encoder(patches)
        # Prepare cross-attention inputs.
        cross_attention_inputs = {"latent_array": ops.expand_dims(self.latent_array, 0),
                                  "data_array": encoded_patches}
        # Apply the cross-attention and the Transformer modules iteratively.
        for _ in range(self.num_iterations):
            # Apply cross-attention from the latent array to the data array.
            latent_array = self.cross_attention(cross_attention_inputs)
            # Apply self-attention Transformer to the latent array.
            latent_array = self.transformer(latent_array)
            # Set the latent array of the next iteration.
            cross_attention_inputs["latent_array"] = latent_array
        # Apply global average pooling to generate a [batch_size, projection_dim] repesentation tensor.
        representation = self.global_average_pooling(latent_array)
        # Generate logits.
        logits = self.classification_head(representation)
        return logits


def main():
    rng = np.random.default_rng(31)
    labels = rng.integers(0, NUM_CLASSES, 40)
    images = rng.normal(0, 1, (40, IMAGE, IMAGE, 3)).astype("float32")
    images[:, :4, :4, :] += (labels[:, None, None, None] - 1.0)

    model = Perceiver(patch_size=PATCH, data_dim=NUM_PATCHES, latent_dim=LATENT_DIM, projection_dim=PROJECTION_DIM,
                      num_heads=2, num_transformer_blocks=1, ffn_units=[PROJECTION_DIM, PROJECTION_DIM],
                      dropout_rate=0.0, num_iterations=2, classifier_units=[PROJECTION_DIM, NUM_CLASSES])
    model.build((None, IMAGE, IMAGE, 3))
    print("built", model.built, "weights", len(model.weights), "params", model.count_params())
    print("first weights", [w.path for w in model.weights][:3])
    model(images[:1])
    print("after a call", len(model.weights), "params", model.count_params(), [w.path for w in model.weights][-3:])
    init = np.random.default_rng(8)
    model.set_weights([init.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    print("cross attention inputs", sorted(model.cross_attention.input_names if hasattr(model.cross_attention,
                                                                                        "input_names") else
                                           [t.name for t in model.cross_attention.inputs]))
    print("logits", np.round(ops.convert_to_numpy(model(images[:2])).astype("float64"), 4).tolist())

    model.compile(optimizer=keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.0001),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")])
    reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=1, min_delta=0.01)
    history = model.fit(images[:32], labels[:32], batch_size=8, epochs=5, validation_data=(images[32:], labels[32:]),
                        callbacks=[reduce_lr], shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 5).tolist())
    print("latent array", np.round(ops.convert_to_numpy(model.latent_array)[0, :4].astype("float64"), 4).tolist())
    loss, accuracy = model.evaluate(images[32:], labels[32:], verbose=0)
    print("evaluate", round(loss, 4), round(accuracy, 4))
    print("predict", np.round(model.predict(images[32:34], verbose=0).astype("float64"), 4).tolist())
    single = model.cross_attention({"latent_array": ops.zeros((1, LATENT_DIM, PROJECTION_DIM)),
                                    "data_array": ops.ones((3, NUM_PATCHES, PROJECTION_DIM))})
    print("broadcast cross attention", tuple(single.shape),
          np.round(ops.convert_to_numpy(single)[2, 0, :3].astype("float64"), 4).tolist())


if __name__ == "__main__":
    main()
