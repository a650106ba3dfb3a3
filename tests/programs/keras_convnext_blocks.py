"""A Keras program, written for Keras 3 on the torch backend, after the ConvNeXt blocks of keras.applications and
keras.io: a stem (Conv2D with stride 2 + LayerNormalization), ConvNeXt blocks (DepthwiseConv2D 5x5, channels-last
LayerNormalization, pointwise Dense expansion with GELU, a LayerScale layer holding its own gamma from add_weight
and a StochasticDepth layer that drops residual paths from keras.random.uniform with a SeedGenerator only in
training; its drop rate is zero in training here and the rate only changes what predict does, so both libraries see
the same numbers), a downsampling layer, GlobalAveragePooling2D, a head; Rescaling and Identity layers; trained
with AdamW and a CosineDecay schedule with warmup. Images and weights come from NumPy."""
import numpy as np

import keras
from keras import layers, ops


class StochasticDepth(layers.Layer):
    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        self.drop_path_rate = drop_path_rate
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, x, training=None):
        if training:
            keep_prob = 1 - self.drop_path_rate
            shape = (ops.shape(x)[0],) + (1,) * (len(ops.shape(x)) - 1)
            random_tensor = keep_prob + keras.random.uniform(shape, 0, 1, seed=self.seed_generator)
            random_tensor = ops.floor(random_tensor)
            return (x / keep_prob) * random_tensor
        return x

    def get_config(self):
        config = super().get_config()
        config.update({"drop_path_rate": self.drop_path_rate})
        return config


class LayerScale(layers.Layer):
    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(self.projection_dim,),
                                     initializer=keras.initializers.Constant(self.init_values), trainable=True,
                                     name="gamma")

    def call(self, x):
        return x * self.gamma

    def get_config(self):
        config = super().get_config()
        config.update({"init_values": self.init_values, "projection_dim": self.projection_dim})
        return config


def ConvNeXtBlock(projection_dim, drop_path_rate=0.0, layer_scale_init_value=1e-6, name=None):
    def apply(inputs):
        x = inputs
        x = layers.DepthwiseConv2D(kernel_size=5, padding="same", use_bias=True, name=name + "_depthwise_conv")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=name + "_layernorm")(x)
        x = layers.Dense(4 * projection_dim, name=name + "_pointwise_conv_1")(x)
        x = layers.Activation("gelu", name=name + "_gelu")(x)
        x = layers.Dense(projection_dim, name=name + "_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(layer_scale_init_value, projection_dim, name=name + "_layer_scale")(x)
        if drop_path_rate:
            layer = StochasticDepth(drop_path_rate, name=name + "_stochastic_depth")
        else:
            layer = layers.Identity(name=name + "_identity")
        return inputs + layer(x)
    return apply


def build_model(drop_path_rate):
    inputs = keras.Input((12, 12, 3))
    x = layers.Rescaling(scale=1.0 / 127.5, offset=-1)(inputs)
    x = layers.Conv2D(8, kernel_size=2, strides=2, name="stem_conv")(x)
    x = layers.LayerNormalization(epsilon=1e-6, name="stem_layernorm")(x)
    x = ConvNeXtBlock(8, drop_path_rate=drop_path_rate, layer_scale_init_value=0.5, name="stage_0_block_0")(x)
    x = layers.LayerNormalization(epsilon=1e-6, name="downsampling_layernorm")(x)
    x = layers.Conv2D(12, kernel_size=2, strides=2, name="downsampling_conv")(x)
    x = ConvNeXtBlock(12, drop_path_rate=drop_path_rate, layer_scale_init_value=0.5, name="stage_1_block_0")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.LayerNormalization(epsilon=1e-6)(x)
    outputs = layers.Dense(4, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="convnext_tiny_toy")


def main():
    rng = np.random.default_rng(404)
    labels = rng.integers(0, 4, 40)
    images = rng.uniform(0, 255, (40, 12, 12, 3)).astype("float32")
    for k in range(4):
        images[labels == k, 3 * k:3 * k + 3, :, k % 3] *= 0.2
    print("images", images.shape, round(float(images.mean()), 3))

    model = build_model(drop_path_rate=0.0)
    init = np.random.default_rng(11)
    model.set_weights([init.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else w
                       for w in model.get_weights()])
    print("layers", [layer.name for layer in model.layers][:8])
    print("params", model.count_params(), "weights", len(model.weights))
    gamma = model.get_layer("stage_0_block_0_layer_scale").gamma
    print("layer scale", gamma.path, np.round(ops.convert_to_numpy(gamma).astype("float64"), 3).tolist()[:3])

    schedule = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=8, warmup_target=0.01, warmup_steps=4,
                                                      alpha=0.1)
    print("schedule", [round(float(schedule(step)), 6) for step in range(0, 14, 2)])
    model.compile(optimizer=keras.optimizers.AdamW(schedule, weight_decay=0.05),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(images[:32], labels[:32], batch_size=8, epochs=3, shuffle=False, verbose=0,
                        validation_data=(images[32:], labels[32:]))
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    print("gamma after", np.round(ops.convert_to_numpy(gamma).astype("float64"), 4).tolist()[:4])
    probabilities = model.predict(images[32:36], verbose=0)
    print("probabilities", np.round(probabilities.astype("float64"), 4).tolist())

    deep = build_model(drop_path_rate=0.3)
    deep.set_weights(model.get_weights())
    same = deep.predict(images[32:36], verbose=0)
    print("stochastic depth at inference", bool(np.allclose(same, probabilities, atol=1e-6)))
    drop = deep.get_layer("stage_1_block_0_stochastic_depth")
    ones = ops.ones((64, 2, 2, 3))
    dropped = ops.convert_to_numpy(drop(ones, training=True))
    print("training drops", sorted(np.unique(np.round(dropped, 4)).tolist()), dropped.shape)
    print("config", drop.get_config()["drop_path_rate"], drop.seed_generator.get_config()["seed"])
    print("identity", model.get_layer("stage_0_block_0_identity").__class__.__name__,
          np.round(ops.convert_to_numpy(model.get_layer("stage_0_block_0_identity")(ones[:1, 0, 0])).tolist(), 1))
    print("evaluate", np.round(model.evaluate(images[32:], labels[32:], verbose=0), 4).tolist())


if __name__ == "__main__":
    main()
