"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Image classification with Swin
Transformers": window_partition / window_reverse with ops.reshape and ops.transpose, a WindowAttention layer with a
relative position bias table (add_weight) indexed by a non-trainable keras.Variable of relative position indices
(ops.take), a shifted-window SwinTransformer layer (ops.roll, an attention mask built in NumPy and held as a
non-trainable keras.Variable, DropPath as identity), PatchExtract by a strided Conv2D, PatchEmbedding and
PatchMerging (strided slicing of the token grid and ops.concatenate). Trained with AdamW. Images and weights come
from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

IMAGE, PATCH, EMBED_DIM, NUM_CLASSES = 8, 2, 8, 3
NUM_PATCH_X = NUM_PATCH_Y = IMAGE // PATCH
WINDOW_SIZE, SHIFT_SIZE, NUM_HEADS = 2, 1, 2


def window_partition(x, window_size):
    _, height, width, channels = x.shape
    patch_num_y = height // window_size
    patch_num_x = width // window_size
    x = ops.reshape(x, (-1, patch_num_y, window_size, patch_num_x, window_size, channels))
    x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
    windows = ops.reshape(x, (-1, window_size, window_size, channels))
    return windows


def window_reverse(windows, window_size, height, width, channels):
    patch_num_y = height // window_size
    patch_num_x = width // window_size
    x = ops.reshape(windows, (-1, patch_num_y, patch_num_x, window_size, window_size, channels))
    x = ops.transpose(x, axes=(0, 1, 3, 2, 4, 5))
    x = ops.reshape(x, (-1, height, width, channels))
    return x


class WindowAttention(layers.Layer):
    def __init__(self, dim, window_size, num_heads, qkv_bias=True, dropout_rate=0.0, **kwargs):
        super().__init__(**kwargs)
        self.dim = dim
        self.window_size = window_size
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = layers.Dense(dim * 3, use_bias=qkv_bias)
        self.dropout = layers.Dropout(dropout_rate)
        self.proj = layers.Dense(dim)

        num_window_elements = (2 * self.window_size[0] - 1) * (2 * self.window_size[1] - 1)
        self.relative_position_bias_table = self.add_weight(shape=(num_window_elements, self.num_heads),
                                                            initializer=keras.initializers.Zeros(), trainable=True)
        coords_h = np.arange(self.window_size[0])
        coords_w = np.arange(self.window_size[1])
        coords_matrix = np.meshgrid(coords_h, coords_w, indexing="ij")
        coords = np.stack(coords_matrix)
        coords_flatten = coords.reshape(2, -1)
        relative_coords = coords_flatten[:, :, None] - coords_flatten[:, None, :]
        relative_coords = relative_coords.transpose([1, 2, 0])
        relative_coords[:, :, 0] += self.window_size[0] - 1
        relative_coords[:, :, 1] += self.window_size[1] - 1
        relative_coords[:, :, 0] *= 2 * self.window_size[1] - 1
        relative_position_index = relative_coords.sum(-1)

        self.relative_position_index = keras.Variable(initializer=relative_position_index,
                                                      shape=relative_position_index.shape, dtype="int",
                                                      trainable=False)

    def call(self, x, mask=None):
        _, size, channels = x.shape
        head_dim = channels // self.num_heads
        x_qkv = self.qkv(x)
        x_qkv = ops.reshape(x_qkv, (-1, size, 3, self.num_heads, head_dim))
        x_qkv = ops.transpose(x_qkv, (2, 0, 3, 1, 4))
        q, k, v = x_qkv[0], x_qkv[1], x_qkv[2]
        q = q * self.scale
        k = ops.transpose(k, (0, 1, 3, 2))
        attn = q @ k

        num_window_elements = self.window_size[0] * self.window_size[1]
        relative_position_index_flat = ops.reshape(self.relative_position_index, (-1,))
        relative_position_bias = ops.take(self.relative_position_bias_table, relative_position_index_flat, axis=0)
        relative_position_bias = ops.reshape(relative_position_bias, (num_window_elements, num_window_elements, -1))
        relative_position_bias = ops.transpose(relative_position_bias, (2, 0, 1))
        attn = attn + ops.expand_dims(relative_position_bias, axis=0)

        if mask is not None:
            nW = mask.shape[0]
            mask_float = ops.cast(ops.expand_dims(ops.expand_dims(mask, axis=1), axis=0), "float32")
            attn = ops.reshape(attn, (-1, nW, self.num_heads, size, size)) + mask_float
            attn = ops.reshape(attn, (-1, self.num_heads, size, size))
            attn = keras.activations.softmax(attn, axis=-1)
        else:
            attn = keras.activations.softmax(attn, axis=-1)
        attn = self.dropout(attn)

        x_qkv = attn @ v
        x_qkv = ops.transpose(x_qkv, (0, 2, 1, 3))
        x_qkv = ops.reshape(x_qkv, (-1, size, channels))
        x_qkv = self.proj(x_qkv)
        x_qkv = self.dropout(x_qkv)
        return x_qkv


class SwinTransformer(layers.Layer):
    def __init__(self, dim, num_patch, num_heads, window_size=7, shift_size=0, num_mlp=1024, qkv_bias=True,
                 dropout_rate=0.0, **kwargs):
        super().__init__(**kwargs)
        self.dim = dim
        self.num_patch = num_patch
        self.num_heads = num_heads
        self.window_size = window_size
        self.shift_size = shift_size
        self.num_mlp = num_mlp

        self.norm1 = layers.LayerNormalization(epsilon=1e-5)
        self.attn = WindowAttention(dim, window_size=(self.window_size, self.window_size), num_heads=num_heads,
                                    qkv_bias=qkv_bias, dropout_rate=dropout_rate)
        self.drop_path = layers.Dropout(dropout_rate)
        self.norm2 = layers.LayerNormalization(epsilon=1e-5)

        self.mlp = keras.Sequential([layers.Dense(num_mlp), layers.Activation(keras.activations.gelu),
                                     layers.Dropout(dropout_rate), layers.Dense(dim), layers.Dropout(dropout_rate)])

        if min(self.num_patch) < self.window_size:
            self.shift_size = 0
            self.window_size = min(self.num_patch)

    def build(self, input_shape):
        if self.shift_size == 0:
            self.attn_mask = None
        else:
            height, width = self.num_patch
            h_slices = (slice(0, -self.window_size), slice(-self.window_size, -self.shift_size),
                        slice(-self.shift_size, None))
            w_slices = (slice(0, -self.window_size), slice(-self.window_size, -self.shift_size),
                        slice(-self.shift_size, None))
            mask_array = np.zeros((1, height, width, 1))
            count = 0
            for h in h_slices:
                for w in w_slices:
                    mask_array[:, h, w, :] = count
                    count += 1
            mask_array = ops.convert_to_tensor(mask_array)

            # mask array to windows
            mask_windows = window_partition(mask_array, self.window_size)
            mask_windows = ops.reshape(mask_windows, [-1, self.window_size * self.window_size])
            attn_mask = ops.expand_dims(mask_windows, axis=1) - ops.expand_dims(mask_windows, axis=2)
            attn_mask = ops.where(attn_mask != 0, -100.0, attn_mask)
            attn_mask = ops.where(attn_mask == 0, 0.0, attn_mask)
            self.attn_mask = keras.Variable(initializer=attn_mask, shape=attn_mask.shape, dtype=attn_mask.dtype,
                                            trainable=False)

    def call(self, x, training=False):
        height, width = self.num_patch
        _, num_patches_before, channels = x.shape
        x_skip = x
        x = self.norm1(x)
        x = ops.reshape(x, (-1, height, width, channels))
        if self.shift_size > 0:
            shifted_x = ops.roll(x, shift=[-self.shift_size, -self.shift_size], axis=[1, 2])
        else:
            shifted_x = x

        x_windows = window_partition(shifted_x, self.window_size)
        x_windows = ops.reshape(x_windows, (-1, self.window_size * self.window_size, channels))
        attn_windows = self.attn(x_windows, mask=self.attn_mask)

        attn_windows = ops.reshape(attn_windows, (-1, self.window_size, self.window_size, channels))
        shifted_x = window_reverse(attn_windows, self.window_size, height, width, channels)
        if self.shift_size > 0:
            x = ops.roll(shifted_x, shift=[self.shift_size, self.shift_size], axis=[1, 2])
        else:
            x = shifted_x

        x = ops.reshape(x, (-1, height * width, channels))
        x = self.drop_path(x, training=training)
        x = x_skip + x
        x_skip = x
        x = self.norm2(x)
        x = self.mlp(x)
        x = self.drop_path(x)
        x = x_skip + x
        return x


class PatchEmbedding(layers.Layer):
    def __init__(self, num_patch, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.num_patch = num_patch
        self.proj = layers.Dense(embed_dim)
        self.pos_embed = layers.Embedding(input_dim=num_patch, output_dim=embed_dim)

    def call(self, patch):
        pos = ops.arange(start=0, stop=self.num_patch)
        return self.proj(patch) + self.pos_embed(pos)


class PatchMerging(keras.layers.Layer):
    def __init__(self, num_patch, embed_dim):
        super().__init__()
        self.num_patch = num_patch
        self.embed_dim = embed_dim
        self.linear_trans = layers.Dense(2 * embed_dim, use_bias=False)

    def call(self, x):
        height, width = self.num_patch
        _, _, C = x.shape
        x = ops.reshape(x, (-1, height, width, C))
        x0 = x[:, 0::2, 0::2, :]
        x1 = x[:, 1::2, 0::2, :]
        x2 = x[:, 0::2, 1::2, :]
        x3 = x[:, 1::2, 1::2, :]
        x = ops.concatenate((x0, x1, x2, x3), axis=-1)
        x = ops.reshape(x, (-1, (height // 2) * (width // 2), 4 * C))
        return self.linear_trans(x)


def build_model():
    input = layers.Input(shape=(IMAGE, IMAGE, 3))
    x = layers.Conv2D(12, PATCH, strides=PATCH)(input)
    x = layers.Reshape((NUM_PATCH_X * NUM_PATCH_Y, 12))(x)
    x = PatchEmbedding(NUM_PATCH_X * NUM_PATCH_Y, EMBED_DIM)(x)
    x = SwinTransformer(dim=EMBED_DIM, num_patch=(NUM_PATCH_X, NUM_PATCH_Y), num_heads=NUM_HEADS,
                        window_size=WINDOW_SIZE, shift_size=0, num_mlp=16, qkv_bias=True, dropout_rate=0.0)(x)
    x = SwinTransformer(dim=EMBED_DIM, num_patch=(NUM_PATCH_X, NUM_PATCH_Y), num_heads=NUM_HEADS,
                        window_size=WINDOW_SIZE, shift_size=SHIFT_SIZE, num_mlp=16, qkv_bias=True,
                        dropout_rate=0.0)(x)
    x = PatchMerging((NUM_PATCH_X, NUM_PATCH_Y), embed_dim=EMBED_DIM)(x)
    x = layers.GlobalAveragePooling1D()(x)
    output = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    return keras.Model(input, output)


def main():
    grid = ops.convert_to_tensor(np.arange(2 * 4 * 4 * 1, dtype="float32").reshape(2, 4, 4, 1))
    windows = window_partition(grid, 2)
    print("windows", tuple(windows.shape), ops.convert_to_numpy(windows)[1, :, :, 0].tolist())
    back = window_reverse(windows, 2, 4, 4, 1)
    print("reverse is identity", bool(np.array_equal(ops.convert_to_numpy(back), ops.convert_to_numpy(grid))))

    rng = np.random.default_rng(61)
    labels = rng.integers(0, NUM_CLASSES, 36)
    images = rng.normal(0, 1, (36, IMAGE, IMAGE, 3)).astype("float32")
    images[:, ::2, ::2, 1] += labels[:, None, None] - 1.0

    model = build_model()
    shifted = model.layers[5]
    print("relative position index", ops.convert_to_numpy(shifted.attn.relative_position_index).tolist())
    print("attention mask", tuple(shifted.attn_mask.shape), ops.convert_to_numpy(shifted.attn_mask)[3].tolist())
    print("trainable", len(model.trainable_weights), "non-trainable", len(model.non_trainable_weights))
    print("weight paths", [w.path for w in shifted.weights][4:11])
    init = np.random.default_rng(4)
    model.set_weights([init.normal(0.0, 0.3, value.shape).astype("float32") if w.trainable and value.ndim >= 2
                       else value for w, value in zip(model.weights, model.get_weights())])
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(),
                  optimizer=keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.0001),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    history = model.fit(images[:28], labels[:28], batch_size=7, epochs=4, validation_data=(images[28:], labels[28:]),
                        shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    table = shifted.attn.relative_position_bias_table
    print("bias table", tuple(table.shape), np.round(ops.convert_to_numpy(table)[:3].astype("float64"), 4).tolist())
    print("predict", np.round(model.predict(images[28:31], verbose=0).astype("float64"), 4).tolist())
    print("evaluate", np.round(model.evaluate(images[28:], labels[28:], verbose=0), 4).tolist())


if __name__ == "__main__":
    main()
