"""A Keras program, written for Keras 3: the normalization layers through their options — GroupNormalization with
groups=-1 (instance norm), groups=1 (layer norm over all channels) and channels_first axis=1, with gamma / beta
initializers; RMSNormalization with its axes and epsilon; LayerNormalization with rms_scaling, center=False,
scale=False and a list of axes; UnitNormalization over a tuple of axes; BatchNormalization with momentum,
center / scale off, axis=1 (and synchronized=True's error off TensorFlow), its moving statistics after fit and
predict in inference; every layer's weights, output statistics and config round trip. Weights come from NumPy,
so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits).ravel()[:4].tolist()


def stats(name, value):
    value = np.asarray(ops.convert_to_numpy(value), "float64")
    print(name, value.shape, round(float(value.mean()), 4), round(float(value.std()), 4), r(value))


def main():
    rng = np.random.default_rng(11)
    x = (rng.normal(size=(3, 5, 6)) * 3 + 1).astype("float32")
    img = (rng.normal(size=(2, 4, 4, 6)) * 2).astype("float32")

    stats("group -1", layers.GroupNormalization(groups=-1)(img))
    stats("group 1", layers.GroupNormalization(groups=1, epsilon=0.1)(img))
    stats("group 3 no center", layers.GroupNormalization(groups=3, center=False,
                                                         gamma_initializer=keras.initializers.Constant(2.0))(img))
    first = np.ascontiguousarray(np.transpose(img, (0, 3, 1, 2)))
    stats("group axis 1", layers.GroupNormalization(groups=2, axis=1)(first))
    grouped = layers.GroupNormalization(groups=2, beta_initializer=keras.initializers.Constant(0.5))
    grouped.build(img.shape)
    print("group weights", [tuple(w.shape) for w in grouped.weights], r(grouped.beta))

    stats("rms", layers.RMSNormalization()(x))
    stats("rms axis", layers.RMSNormalization(axis=[1, 2], epsilon=0.5)(x))
    stats("layer rms_scaling", layers.LayerNormalization(rms_scaling=True)(x))
    stats("layer no center", layers.LayerNormalization(center=False)(x))
    stats("layer plain", layers.LayerNormalization(center=False, scale=False, epsilon=1.0)(x))
    two = layers.LayerNormalization(axis=[1, 2])
    stats("layer two axes", two(x))
    print("layer two axes weights", [tuple(w.shape) for w in two.weights])
    stats("unit axis tuple", layers.UnitNormalization(axis=(1, 2))(x))
    stats("unit axis 1", layers.UnitNormalization(axis=1)(x))

    try:
        layers.BatchNormalization(synchronized=True)
    except ValueError as error:
        print("synchronized", str(error))
    bn = layers.BatchNormalization(momentum=0.5, epsilon=0.01, center=False)
    stats("bn train", bn(x.reshape(-1, 6), training=True))
    print("bn moving", r(bn.moving_mean), r(bn.moving_variance), [w.name for w in bn.weights])
    bn_first = layers.BatchNormalization(axis=1, scale=False)
    stats("bn axis 1 train", bn_first(first, training=True))
    print("bn axis 1 moving", r(bn_first.moving_mean), r(bn_first.moving_variance))

    inputs = keras.Input((5, 6))
    h = layers.LayerNormalization(rms_scaling=True)(inputs)
    h = layers.Dense(4, use_bias=False)(h)
    h = layers.BatchNormalization(momentum=0.8)(h)
    h = layers.GroupNormalization(groups=-1)(h)
    h = layers.Flatten()(h)
    outputs = layers.Dense(1)(h)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(5)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") if "moving_variance" not in w.path
                       else np.ones(w.shape, "float32") for w in model.weights])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    y = x.sum(axis=(1, 2))[:, None].astype("float32") / 10
    history = model.fit(x, y, batch_size=3, epochs=3, verbose=0)
    print("losses", [round(v, 4) for v in history.history["loss"]])
    bn_layer = model.layers[3]
    print("fit moving", r(bn_layer.moving_mean, 7), r(bn_layer.moving_variance, 7))
    print("predict plus one", r(model.predict(x, verbose=0) + 1.0, 5))
    print("evaluate", round(float(model.evaluate(x, y, verbose=0)), 4))

    for layer in [layers.GroupNormalization(groups=-1, axis=1), layers.RMSNormalization(axis=[1, 2]),
                  layers.LayerNormalization(rms_scaling=True, center=False),
                  layers.BatchNormalization(momentum=0.9, scale=False)]:
        config = layer.get_config()
        clone = layer.__class__.from_config(config)
        keys = [k for k in ("groups", "axis", "epsilon", "rms_scaling", "center", "scale", "momentum",
                            "synchronized") if k in config]
        print(layer.__class__.__name__, {k: config[k] for k in keys}, clone.get_config() == config)
