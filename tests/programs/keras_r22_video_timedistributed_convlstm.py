"""A Keras program, written for Keras 3: a tiny video classifier — TimeDistributed over a Conv2D and a
MaxPooling2D per frame, a ConvLSTM2D with return_sequences and return_state, a ConvLSTM1D over the frames'
rows reshaped by a Lambda layer with an explicit output_shape, GaussianNoise and a custom layer that jitters
frames with keras.random.normal from its own SeedGenerator during training only; keras.utils.set_random_seed
before the model is built (so the default initializers draw Keras's weights) and before fit (the noise), then
evaluate, predict, the state shapes and a .keras round trip (safe_mode=False for the Lambda)."""
import numpy as np

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="r22")
class FrameJitter(layers.Layer):
    """Adds scaled Gaussian noise to every frame while training; the identity in inference."""

    def __init__(self, scale=0.1, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.seed = seed
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=False):
        if training:
            return x + self.scale * keras.random.normal(ops.shape(x), seed=self.generator)
        return x

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "seed": self.seed}


def rows_to_sequence(t):
    return ops.reshape(t, (-1, 3, 4, 3))


def main():
    rng = np.random.default_rng(7)
    frames = rng.uniform(size=(20, 3, 8, 8, 1)).astype("float32")
    labels = (frames[:, :, 2:6, 2:6].mean(axis=(1, 2, 3, 4)) > frames.mean(axis=(1, 2, 3, 4))).astype("int32")
    print("labels", labels.tolist())

    keras.utils.set_random_seed(1234)
    inputs = keras.Input((3, 8, 8, 1), name="video")
    x = FrameJitter(0.05, seed=9, name="jitter")(inputs)
    x = layers.TimeDistributed(layers.Conv2D(2, 3, padding="same", activation="relu"), name="td_conv")(x)
    x = layers.TimeDistributed(layers.MaxPooling2D(2), name="td_pool")(x)
    x = layers.GaussianNoise(0.02, seed=3, name="noise")(x)
    seq, h, c = layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True, return_state=True,
                                  name="conv_lstm")(x)
    pooled = layers.TimeDistributed(layers.MaxPooling2D(2), name="td_pool2")(seq)
    rows = layers.Lambda(rows_to_sequence, output_shape=(3, 4, 3), name="rows")(
        layers.TimeDistributed(layers.Flatten(), name="td_flat")(pooled))
    rows_out = layers.ConvLSTM1D(2, 2, padding="valid", name="conv_lstm_1d")(rows)
    summary = layers.Concatenate(name="joined")([layers.GlobalAveragePooling2D(name="gap")(h),
                                                 layers.Flatten(name="flat_rows")(rows_out)])
    outputs = layers.Dense(2, activation="softmax", name="out")(summary)
    model = keras.Model(inputs, outputs, name="video_net")
    print("shapes", [(layer.name, keras.tree.map_structure(lambda t: tuple(t.shape), layer.output))
                     for layer in model.layers[1:]])
    print("states", tuple(h.shape), tuple(c.shape))
    print("initial kernel", np.round(model.get_layer("conv_lstm").get_weights()[0][0, 0, 0], 4).tolist())
    print("initial dense", np.round(model.get_layer("out").get_weights()[0][:3], 4).tolist())
    print("eager", np.round(ops.convert_to_numpy(model(frames[:2])), 5).tolist())

    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    keras.utils.set_random_seed(55)
    history = model.fit(frames, labels, batch_size=5, epochs=3, verbose=0, shuffle=True)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("evaluate", ["%.5f" % v for v in model.evaluate(frames, labels, batch_size=10, verbose=0)])
    probs = model.predict(frames[:4], verbose=0)
    print("predict", np.round(probs, 4).tolist())
    jittered = model.get_layer("jitter")(frames[:1], training=True)
    print("jitter mean shift", "%.5f" % float(ops.mean(jittered - frames[:1])))
    print("seed state", ops.convert_to_numpy(model.get_layer("jitter").generator.state).tolist())

    model.save("video.keras")
    again = keras.models.load_model("video.keras", safe_mode=False,
                                    custom_objects={"rows_to_sequence": rows_to_sequence})
    print("reloaded", again.get_layer("rows").get_config()["output_shape"],
          bool(np.allclose(again.predict(frames[:4], verbose=0), probs, atol=1e-6)))


if __name__ == "__main__":
    main()
