"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Image classification with EANet
(External Attention Transformer)" and the gMLP model of "Image classification with modern MLP models": patch
extraction by a strided Conv2D, a PatchEmbedding layer (Dense + Embedding of positions), external attention built
functionally from keras.ops on symbolic tensors (reshape, transpose, a Softmax over axis 2 and a Lambda double
normalization), a gMLP layer with a spatial gating unit (ops.split, a Dense over the patch axis with
bias_initializer="Ones", ops.transpose), both trained with AdamW and label-smoothed CategoricalCrossentropy on
one-hot labels. Images and weights come from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

NUM_CLASSES, IMAGE, PATCH, DIM = 3, 8, 2, 8
NUM_PATCHES = (IMAGE // PATCH) ** 2


class PatchEmbedding(layers.Layer):
    def __init__(self, num_patch, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.num_patch = num_patch
        self.proj = layers.Dense(embed_dim)
        self.pos_embed = layers.Embedding(input_dim=num_patch, output_dim=embed_dim)

    def call(self, patch):
        pos = ops.arange(start=0, stop=self.num_patch, step=1)
        return self.proj(patch) + self.pos_embed(pos)


def external_attention(x, dim, num_heads, dim_coefficient=4, attention_dropout=0, projection_dropout=0):
    _, num_patch, channel = x.shape
    assert dim % num_heads == 0
    num_heads = num_heads * dim_coefficient

    x = layers.Dense(dim * dim_coefficient)(x)
    # create tensor [batch_size, num_patches, num_heads, dim*dim_coefficient//num_heads]
    x = ops.reshape(x, (-1, num_patch, num_heads, dim * dim_coefficient // num_heads))
    x = ops.transpose(x, axes=[0, 2, 1, 3])
    # a linear layer M_k
    attn = layers.Dense(dim // dim_coefficient)(x)
    # normalize attention map
    attn = layers.Softmax(axis=2)(attn)
    # dobule-normalization
    attn = layers.Lambda(
        lambda attn: ops.divide(attn, ops.convert_to_tensor(1e-9) + ops.sum(attn, axis=-1, keepdims=True)))(attn)
    attn = layers.Dropout(attention_dropout)(attn)
    # a linear layer M_v
    x = layers.Dense(dim * dim_coefficient // num_heads)(attn)
    x = ops.transpose(x, axes=[0, 2, 1, 3])
    x = ops.reshape(x, [-1, num_patch, dim * dim_coefficient])
    # a linear layer to project original dim
    x = layers.Dense(dim)(x)
    x = layers.Dropout(projection_dropout)(x)
    return x


def mlp(x, embedding_dim, mlp_dim, drop_rate=0.0):
    x = layers.Dense(mlp_dim, activation=ops.gelu)(x)
    x = layers.Dropout(drop_rate)(x)
    x = layers.Dense(embedding_dim)(x)
    x = layers.Dropout(drop_rate)(x)
    return x


def transformer_encoder(x, embedding_dim, mlp_dim, num_heads, dim_coefficient):
    residual_1 = x
    x = layers.LayerNormalization(epsilon=1e-5)(x)
    x = external_attention(x, embedding_dim, num_heads, dim_coefficient)
    x = layers.add([x, residual_1])
    residual_2 = x
    x = layers.LayerNormalization(epsilon=1e-5)(x)
    x = mlp(x, embedding_dim, mlp_dim)
    x = layers.add([x, residual_2])
    return x


class gMLPLayer(layers.Layer):
    def __init__(self, num_patches, embedding_dim, dropout_rate, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel_projection1 = keras.Sequential([layers.Dense(units=embedding_dim * 2, activation="gelu"),
                                                     layers.Dropout(rate=dropout_rate)])
        self.channel_projection2 = layers.Dense(units=embedding_dim)
        self.spatial_projection = layers.Dense(units=num_patches, bias_initializer="Ones")
        self.normalize1 = layers.LayerNormalization(epsilon=1e-6)
        self.normalize2 = layers.LayerNormalization(epsilon=1e-6)

    def spatial_gating_unit(self, x):
        # Split x along the channel dimensions.
        u, v = keras.ops.split(x, indices_or_sections=2, axis=2)
        v = self.normalize2(v)
        v_channels = keras.ops.transpose(v, axes=(0, 2, 1))
        v_projected = self.spatial_projection(v_channels)
        v_projected = keras.ops.transpose(v_projected, axes=(0, 2, 1))
        return u * v_projected

    def call(self, inputs):
        x = self.normalize1(inputs)
        x_projected = self.channel_projection1(x)
        x_spatial = self.spatial_gating_unit(x_projected)
        x_projected = self.channel_projection2(x_spatial)
        return x + x_projected


def patches_of(inputs):
    x = layers.Conv2D(DIM, PATCH, strides=PATCH)(inputs)
    return layers.Reshape((NUM_PATCHES, DIM))(x)


def get_eanet():
    inputs = layers.Input(shape=(IMAGE, IMAGE, 3))
    x = PatchEmbedding(NUM_PATCHES, DIM)(patches_of(inputs))
    for _ in range(2):
        x = transformer_encoder(x, DIM, 16, num_heads=2, dim_coefficient=2)
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="eanet")


def get_gmlp():
    inputs = layers.Input(shape=(IMAGE, IMAGE, 3))
    x = patches_of(inputs)
    x = keras.Sequential([gMLPLayer(NUM_PATCHES, DIM, 0.0) for _ in range(2)], name="gmlp_blocks")(x)
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="gmlp")


def main():
    rng = np.random.default_rng(12)
    labels = rng.integers(0, NUM_CLASSES, 48)
    images = rng.normal(0, 1, (48, IMAGE, IMAGE, 3)).astype("float32")
    images[..., 0] += (labels[:, None, None] - 1) * 0.8
    one_hot = keras.utils.to_categorical(labels, NUM_CLASSES)
    print("one hot", one_hot[:3].tolist())

    for build, seed in ((get_eanet, 21), (get_gmlp, 22)):
        model = build()
        init = np.random.default_rng(seed)
        model.set_weights([init.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()])
        print(model.name, "params", model.count_params(), "layers", len(model.layers))
        model.compile(optimizer=keras.optimizers.AdamW(learning_rate=0.005, weight_decay=0.01),
                      loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
                      metrics=[keras.metrics.CategoricalAccuracy(name="accuracy"),
                               keras.metrics.TopKCategoricalAccuracy(2, name="top-2-accuracy")])
        history = model.fit(images[:36], one_hot[:36], validation_data=(images[36:], one_hot[36:]), batch_size=12,
                            epochs=4, shuffle=False, verbose=0)
        for key in sorted(history.history):
            print(model.name, key, np.round(history.history[key], 4).tolist())
        print(model.name, "predict", np.round(model.predict(images[36:39], verbose=0).astype("float64"), 4).tolist())

    layer = gMLPLayer(4, 6, 0.0)
    sample = ops.convert_to_tensor(np.linspace(-2, 2, 2 * 4 * 6).reshape(2, 4, 6).astype("float32"))
    out = layer(sample)
    print("spatial projection bias", ops.convert_to_numpy(layer.spatial_projection.bias).tolist())
    print("gmlp layer", tuple(out.shape), [w.path for w in layer.weights][:3])


if __name__ == "__main__":
    main()
