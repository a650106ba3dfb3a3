"""A Keras program, written for Keras 3, after keras.io's "The Functional API" guide end to end: an MNIST-like
MLP with named layers and its summary, a model used like a layer (an encoder and decoder nested in an
autoencoder), an ensemble of models averaged, a toy ResNet with add() skip connections, a multi-input /
multi-output model with losses and loss_weights given as dicts, shared Embedding layers, the nodes of a model
read back through get_layer(...).input / .output, get_config / from_config and to_json / model_from_json round
trips. Weights are set from NumPy, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def seeded(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.4, 0.4, w.shape).astype(w.dtype) for w in model.get_weights()])
    return model


def main():
    inputs = keras.Input(shape=(16,), name="pixels")
    x = layers.Dense(8, activation="relu", name="dense_a")(inputs)
    x = layers.Dense(8, activation="relu", name="dense_b")(x)
    outputs = layers.Dense(3, name="logits")(x)
    mlp = seeded(keras.Model(inputs=inputs, outputs=outputs, name="mnist_model"), 1)
    mlp.summary(line_length=100)
    print("shapes", inputs.shape, inputs.dtype, tuple(mlp.get_layer("dense_b").output.shape))

    encoder_input = keras.Input(shape=(6, 6, 1), name="img")
    h = layers.Conv2D(4, 3, activation="relu")(encoder_input)
    h = layers.Conv2D(2, 3, activation="relu")(h)
    encoder_output = layers.GlobalMaxPooling2D()(h)
    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    decoder_input = keras.Input(shape=(2,), name="encoded_img")
    d = layers.Reshape((1, 1, 2))(decoder_input)
    d = layers.Conv2DTranspose(4, 3, activation="relu")(d)
    decoder_output = layers.Conv2DTranspose(1, 4, activation="relu")(d)
    decoder = keras.Model(decoder_input, decoder_output, name="decoder")
    autoencoder_input = keras.Input(shape=(6, 6, 1), name="img")
    autoencoder = keras.Model(autoencoder_input, decoder(encoder(autoencoder_input)), name="autoencoder")
    seeded(autoencoder, 2)
    autoencoder.summary(line_length=100)
    images = np.linspace(0, 1, 2 * 36, dtype="float32").reshape(2, 6, 6, 1)
    print("autoencoded", tuple(autoencoder(images).shape), round(float(ops.sum(autoencoder(images))), 4))

    def get_model(seed):
        i = keras.Input(shape=(16,))
        return seeded(keras.Model(i, layers.Dense(1)(i)), seed)

    members = [get_model(s) for s in (3, 4, 5)]
    ens_in = keras.Input(shape=(16,))
    ensemble = keras.Model(ens_in, layers.average([m(ens_in) for m in members]))
    data = np.cos(np.arange(32, dtype="float32")).reshape(2, 16)
    print("ensemble", np.round(ensemble.predict(data, verbose=0).ravel(), 5).tolist(), len(ensemble.layers))

    res_in = keras.Input(shape=(8, 8, 2), name="res_img")
    r = layers.Conv2D(4, 3, activation="relu", padding="same")(res_in)
    block_1 = layers.MaxPooling2D(2)(r)
    r = layers.Conv2D(4, 3, activation="relu", padding="same")(block_1)
    block_2 = layers.add([r, block_1])
    r = layers.GlobalAveragePooling2D()(block_2)
    res_out = layers.Dense(3)(layers.Dropout(0.5)(r))
    resnet = seeded(keras.Model(res_in, res_out, name="toy_resnet"), 6)
    resnet.summary(line_length=110)

    title = keras.Input(shape=(None,), name="title", dtype="int32")
    body = keras.Input(shape=(None,), name="body", dtype="int32")
    tags = keras.Input(shape=(4,), name="tags")
    shared = layers.Embedding(20, 4, name="shared_embedding")
    title_features = layers.GlobalAveragePooling1D()(shared(title))
    body_features = layers.GlobalMaxPooling1D()(shared(body))
    merged = layers.concatenate([title_features, body_features, tags])
    priority = layers.Dense(1, name="priority")(merged)
    department = layers.Dense(3, name="department")(merged)
    tickets = seeded(keras.Model(inputs=[title, body, tags], outputs={"priority": priority, "department": department}), 7)
    tickets.compile(optimizer=keras.optimizers.SGD(0.05),
                    loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
                          "department": keras.losses.CategoricalCrossentropy(from_logits=True)},
                    loss_weights={"priority": 1.0, "department": 0.2})
    rng = np.random.default_rng(8)
    feed = {"title": rng.integers(0, 20, (12, 5)), "body": rng.integers(0, 20, (12, 7)),
            "tags": rng.integers(0, 2, (12, 4)).astype("float32")}
    targets = {"priority": rng.random((12, 1)).astype("float32"),
               "department": np.eye(3, dtype="float32")[rng.integers(0, 3, 12)]}
    history = tickets.fit(feed, targets, epochs=2, batch_size=4, shuffle=False, verbose=0)
    print("tickets", sorted(history.history), [np.round(v, 4).tolist() for _, v in sorted(history.history.items())])
    print("predicted", {k: np.round(v[:2], 4).tolist() for k, v in sorted(tickets.predict(feed, verbose=0).items())})
    print("inputs", [t.name for t in tickets.inputs], "outputs", sorted(tickets.output_names)
          if hasattr(tickets, "output_names") else None)

    config = mlp.get_config()
    print("config", config["name"], [l["name"] for l in config["layers"]], config["input_layers"], config["output_layers"])
    clone = keras.Model.from_config(config)
    clone.set_weights(mlp.get_weights())
    print("from_config same", bool(np.allclose(clone.predict(data, verbose=0), mlp.predict(data, verbose=0))))
    again = keras.models.model_from_json(resnet.to_json())
    print("json", again.name, [l.__class__.__name__ for l in again.layers], again.count_params())
