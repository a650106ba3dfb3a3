"""A Keras program, written for Keras 3, after keras.io's "Timeseries classification with a Transformer model"
example: univariate series of shape (length, 1), transformer encoder blocks written as a function (LayerNormalization
with epsilon 1e-6, MultiHeadAttention with dropout, a residual, then a Conv1D kernel_size=1 feed-forward pair and a
second residual), GlobalAveragePooling1D(data_format="channels_first"), an MLP head with Dropout and a softmax;
trained with sparse categorical cross-entropy under EarlyStopping and a ModelCheckpoint keeping the best .keras
file, then evaluated, the checkpoint loaded and compared, and the summary printed. Weights are set from NumPy, so
real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers

LENGTH = 12
CLASSES = 2


def transformer_encoder(inputs, head_size, num_heads, ff_dim, dropout=0):
    x = layers.LayerNormalization(epsilon=1e-6)(inputs)
    x = layers.MultiHeadAttention(key_dim=head_size, num_heads=num_heads, dropout=dropout, seed=5)(x, x)
    x = layers.Dropout(dropout, seed=6)(x)
    res = x + inputs
    x = layers.LayerNormalization(epsilon=1e-6)(res)
    x = layers.Conv1D(filters=ff_dim, kernel_size=1, activation="relu")(x)
    x = layers.Dropout(dropout, seed=7)(x)
    x = layers.Conv1D(filters=inputs.shape[-1], kernel_size=1)(x)
    return x + res


def build_model(input_shape, head_size, num_heads, ff_dim, num_transformer_blocks, mlp_units, dropout=0,
                mlp_dropout=0):
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for _ in range(num_transformer_blocks):
        x = transformer_encoder(x, head_size, num_heads, ff_dim, dropout)
    x = layers.GlobalAveragePooling1D(data_format="channels_first")(x)
    for dim in mlp_units:
        x = layers.Dense(dim, activation="relu")(x)
        x = layers.Dropout(mlp_dropout, seed=9)(x)
    outputs = layers.Dense(CLASSES, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="ts_transformer")


def make_series(rng, n):
    t = np.linspace(0, 2 * np.pi, LENGTH)
    labels = rng.integers(0, CLASSES, n)
    freq = np.where(labels == 1, 2.0, 1.0)[:, None]
    x = np.sin(freq * t[None, :] + rng.uniform(0, np.pi, (n, 1))) + 0.2 * rng.normal(size=(n, LENGTH))
    return x[..., None].astype("float32"), labels.astype("int64")


def main():
    rng = np.random.default_rng(80)
    x_train, y_train = make_series(rng, 48)
    x_test, y_test = make_series(rng, 16)
    model = build_model(x_train.shape[1:], head_size=4, num_heads=2, ff_dim=4, num_transformer_blocks=2,
                        mlp_units=[8], dropout=0.1, mlp_dropout=0.2)
    init = np.random.default_rng(81)
    model.set_weights([np.ones(w.shape, "float32") if "gamma" in w.path else
                       init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.weights])
    model.summary()
    pooled = model.layers[-4]
    print("pooling", pooled.name, pooled.get_config()["data_format"], pooled.output.shape)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.004),
                  metrics=["sparse_categorical_accuracy"])
    callbacks = [keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True),
                 keras.callbacks.ModelCheckpoint("best.keras", monitor="val_loss", save_best_only=True)]
    history = model.fit(x_train, y_train, validation_split=0.25, epochs=4, batch_size=8, callbacks=callbacks,
                        verbose=0, shuffle=False)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("evaluate", ["%.5f" % v for v in model.evaluate(x_test, y_test, batch_size=8, verbose=0)])
    predictions = model.predict(x_test[:5], verbose=0)
    print("predict", np.round(predictions, 4).tolist())

    best = keras.models.load_model("best.keras")
    best_loss = min(history.history["val_loss"])
    print("best", best.name, "%.5f" % best.evaluate(x_train[-12:], y_train[-12:], batch_size=12, verbose=0)[0],
          "%.5f" % best_loss)
    print("restored best equals model", bool(np.allclose(best.predict(x_test[:5], verbose=0), predictions,
                                                         atol=1e-6)))
    attention = best.get_layer(index=2)
    print("attention", type(attention).__name__, attention.get_config()["dropout"],
          [tuple(w.shape) for w in attention.weights])
    conv = [layer for layer in best.layers if isinstance(layer, layers.Conv1D)][0]
    print("conv", conv.get_config()["kernel_size"], conv.get_config()["filters"], conv.output.shape)


if __name__ == "__main__":
    main()
