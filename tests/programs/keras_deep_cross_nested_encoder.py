"""A Keras program, written for Keras 3, after keras.io's "Structured data learning with Wide, Deep, and Cross networks"
example: a dict of numeric and integer-coded inputs, a nested functional "encoder" model (Embedding per categorical
column, one of them frozen, concatenated with the numeric columns), a cross branch of registered CrossLayer layers
called with two tensors (x0 * Dense(x) + x), a deep branch (Dense without a bias, BatchNormalization, ReLU, seeded
Dropout), and a sigmoid head; it prints summary(expand_nested=True, show_trainable=True), trains with
validation_split, EarlyStopping(restore_best_weights) and ReduceLROnPlateau, saves to a .keras file and reloads, and
rebuilds the model with get_config / from_config and set_weights. Weights are set from NumPy, so real Keras and
deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers

NUMERIC = ["temperature", "humidity", "wind"]
CATEGORICAL = {"season": 4, "region": 6}


@keras.saving.register_keras_serializable(package="dcn")
class CrossLayer(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def build(self, x0_shape, x_shape):
        self.dense = layers.Dense(x_shape[-1], name="cross_dense")
        self.dense.build(x_shape)

    def call(self, x0, x):
        return x0 * self.dense(x) + x

    def compute_output_shape(self, x0_shape, x_shape):
        return x_shape


def build_encoder():
    inputs = {name: keras.Input((1,), name=name) for name in NUMERIC}
    inputs.update({name: keras.Input((1,), name=name, dtype="int32") for name in CATEGORICAL})
    parts = [inputs[name] for name in NUMERIC]
    for name, size in CATEGORICAL.items():
        embedded = layers.Embedding(size, 3, name=f"{name}_embedding")(inputs[name])
        parts.append(layers.Flatten(name=f"{name}_flat")(embedded))
    encoded = layers.Concatenate(name="encoded")(parts)
    encoder = keras.Model(inputs, encoded, name="encoder")
    encoder.get_layer("region_embedding").trainable = False
    return encoder


def build():
    encoder = build_encoder()
    inputs = {name: keras.Input((1,), name=name) for name in NUMERIC}
    inputs.update({name: keras.Input((1,), name=name, dtype="int32") for name in CATEGORICAL})
    x0 = encoder(inputs)
    cross = x0
    for k in range(2):
        cross = CrossLayer(name=f"cross_{k}")(x0, cross)
    # no bias before the batch norm: its gradient is rounding noise, which Adam turns into lr-sized steps
    deep = layers.Dense(8, use_bias=False, name="deep_dense")(x0)
    deep = layers.BatchNormalization(name="deep_bn")(deep)
    deep = layers.ReLU(name="deep_relu")(deep)
    deep = layers.Dropout(0.2, seed=3, name="deep_dropout")(deep)
    merged = layers.concatenate([cross, deep], name="merged")
    outputs = layers.Dense(1, activation="sigmoid", name="rain")(merged)
    return keras.Model(inputs, outputs, name="deep_cross")


def data(rng, n):
    columns = {name: rng.normal(size=(n, 1)).astype("float32") for name in NUMERIC}
    columns.update({name: rng.integers(0, size, size=(n, 1)).astype("int32") for name, size in CATEGORICAL.items()})
    score = columns["humidity"][:, 0] - 0.5 * columns["temperature"][:, 0] + 0.8 * (columns["season"][:, 0] == 1)
    return columns, (score > 0.2).astype("float32").reshape(n, 1)


def set_numpy_weights(model):
    init = np.random.default_rng(51)
    values = []
    for w in model.weights:
        if "moving_variance" in w.path or "gamma" in w.path:
            values.append(np.ones(w.shape, "float32"))
        elif "moving_mean" in w.path or "beta" in w.path:
            values.append(np.zeros(w.shape, "float32"))
        else:
            values.append(init.uniform(-0.4, 0.4, w.shape).astype("float32"))
    model.set_weights(values)


def main():
    rng = np.random.default_rng(50)
    x_train, y_train = data(rng, 64)
    x_test, y_test = data(rng, 16)
    model = build()
    set_numpy_weights(model)
    model.summary(expand_nested=True, show_trainable=True)
    print("trainable", len(model.trainable_weights), "non-trainable", len(model.non_trainable_weights))
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=[keras.metrics.BinaryAccuracy(name="acc"), keras.metrics.Precision(name="precision")])
    callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True),
                 keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=0.001)]
    history = model.fit(x_train, y_train, batch_size=16, epochs=6, validation_split=0.25, callbacks=callbacks,
                        verbose=0, shuffle=False)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("evaluate", ["%.5f" % v for v in model.evaluate(x_test, y_test, batch_size=8, verbose=0)])
    predictions = model.predict(x_test, verbose=0)
    print("predict", np.round(predictions[:6, 0], 4).tolist())
    region = model.get_layer("encoder").get_layer("region_embedding")
    print("frozen region unchanged", region.trainable,
          np.round(region.embeddings.numpy()[0], 4).tolist())

    model.save("deep_cross.keras")
    restored = keras.models.load_model("deep_cross.keras")
    print("reloaded", [type(layer).__name__ for layer in restored.layers])
    print("reloaded same", bool(np.allclose(restored.predict(x_test, verbose=0), predictions, atol=1e-6)),
          restored.get_layer("encoder").get_layer("region_embedding").trainable)
    print("reloaded lr", "%.5f" % float(restored.optimizer.learning_rate.numpy()))
    restored.summary(expand_nested=True, show_trainable=True)

    config = model.get_config()
    print("config layers", [entry["class_name"] for entry in config["layers"]])
    cross_entry = [entry for entry in config["layers"] if entry["name"] == "cross_1"][0]
    print("cross inbound", cross_entry["inbound_nodes"])
    rebuilt = keras.Model.from_config(config)
    rebuilt.set_weights(model.get_weights())
    print("from_config same", bool(np.allclose(rebuilt.predict(x_test, verbose=0), predictions, atol=1e-6)),
          rebuilt.count_params(), model.count_params())


if __name__ == "__main__":
    main()
