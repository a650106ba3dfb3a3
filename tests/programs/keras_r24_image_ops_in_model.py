"""A Keras program, written for Keras 3: `keras.ops.image` inside custom layers of a trained model — a layer
that pads with `pad_images` and crops back with `crop_images` (target sizes and offsets), one that warps the
batch with `affine_transform` (bilinear, "reflect" and "constant" fill) by a fixed shear and shift, one that resizes
(bilinear with antialias, nearest, bicubic) and one that cuts `extract_patches` into tokens for a Dense
classifier; the pieces' outputs are printed standalone, then the model is fitted, evaluated, predicted and reloaded
from .keras with its registered layers. Weights are set from NumPy, so real Keras and deepgrad print the same
numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=5):
    return np.round(ops.convert_to_numpy(value).astype("float64"), digits).tolist()


@keras.saving.register_keras_serializable(package="r24")
class PadCrop(layers.Layer):
    def call(self, x):
        padded = ops.image.pad_images(x, top_padding=2, left_padding=1, target_height=14, target_width=13)
        return ops.image.crop_images(padded, top_cropping=1, left_cropping=0, target_height=12, target_width=12)


@keras.saving.register_keras_serializable(package="r24")
class Shear(layers.Layer):
    def __init__(self, fill_mode="reflect", **kwargs):
        super().__init__(**kwargs)
        self.fill_mode = fill_mode

    def call(self, x):
        transform = ops.convert_to_tensor([[1.0, 0.2, -1.0, 0.1, 1.0, 0.5, 0.0, 0.0]], dtype="float32")
        transform = ops.tile(transform, [ops.shape(x)[0], 1])
        return ops.image.affine_transform(x, transform, interpolation="bilinear", fill_mode=self.fill_mode,
                                          fill_value=0.25)

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode}


@keras.saving.register_keras_serializable(package="r24")
class Patches(layers.Layer):
    def call(self, x):
        small = ops.image.resize(x, (8, 8), interpolation="bilinear", antialias=True)
        patches = ops.image.extract_patches(small, 4, strides=4, padding="valid")
        return ops.reshape(patches, (-1, 4, patches.shape[-1]))


def main():
    rng = np.random.default_rng(2407)
    images = rng.uniform(size=(20, 12, 12, 2)).astype("float32")
    images[:10, 3:9, 3:9, 0] += 1.0
    labels = np.array([1] * 10 + [0] * 10, "int32")

    print("pad crop", tuple(PadCrop()(images[:1]).shape), r(PadCrop()(images[:1])[0, :3, :3, 0]))
    print("reflect", r(Shear()(images[:1])[0, 0, :5, 0]))
    print("constant", r(Shear(fill_mode="constant")(images[:1])[0, -1, :5, 1]))
    print("nearest", r(ops.image.resize(images[:1], (5, 7), interpolation="nearest")[0, :, 0, 0]))
    print("bicubic", r(ops.image.resize(images[:1], (18, 18), interpolation="bicubic")[0, 0, :4, 1]))
    print("patches", tuple(Patches()(images[:2]).shape), r(ops.sum(Patches()(images[:2]), axis=-1)))
    print("crop only", tuple(ops.image.crop_images(images[:1], 2, 3, 8, 6).shape),
          "pad only", tuple(ops.image.pad_images(images[:1], 1, 2, 1, 0).shape))

    inp = keras.Input((12, 12, 2))
    h = PadCrop(name="pad_crop")(inp)
    h = Shear(name="shear")(h)
    h = layers.Conv2D(3, 3, padding="same", activation="relu", name="conv")(h)
    h = Patches(name="patches")(h)
    h = layers.Dense(6, activation="relu", name="token")(h)
    h = layers.GlobalAveragePooling1D(name="pool")(h)
    out = layers.Dense(2, activation="softmax", name="out")(h)
    model = keras.Model(inp, out, name="image_ops")
    init = np.random.default_rng(8)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    print("shapes", [tuple(l.output.shape) for l in model.layers[1:]])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(images, labels, batch_size=5, epochs=4, verbose=0, shuffle=False)
    print("loss", r(history.history["loss"]), "accuracy", r(history.history["accuracy"]))
    print("evaluate", r(model.evaluate(images, labels, verbose=0)))
    print("predict", r(model.predict(images[8:12], verbose=0)))
    model.save("image_ops.keras")
    back = keras.models.load_model("image_ops.keras")
    print("reloaded", [type(l).__name__ for l in back.layers], back.get_layer("shear").fill_mode,
          bool(np.allclose(back.predict(images[:4], verbose=0), model.predict(images[:4], verbose=0), atol=1e-6)))


if __name__ == "__main__":
    main()
