"""A Keras program, written for Keras 3, after keras.io's "Timeseries anomaly detection using an Autoencoder": a
periodic signal with noise, normalized with the training mean and std, cut into overlapping windows; a
convolutional reconstruction autoencoder (Conv1D with strides 2 and 'same' padding down, Conv1DTranspose up, as
the example's Sequential) trained with EarlyStopping on a validation split; the threshold is the largest training
reconstruction MAE, and the windows of a test signal with an injected bump that exceed it mark the anomalous
points. Dropout is 0 (the example's 0.2 draws random masks), and the data and weights come from NumPy, so real
Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers

TIME_STEPS = 24


def create_sequences(values, time_steps=TIME_STEPS):
    output = []
    for i in range(len(values) - time_steps + 1):
        output.append(values[i: (i + time_steps)])
    return np.stack(output)


def main():
    rng = np.random.default_rng(12)
    t = np.arange(480)
    train_values = (np.sin(2 * np.pi * t / 24) + 0.1 * rng.normal(size=t.shape) + 20.0).astype("float32")
    test_values = (np.sin(2 * np.pi * t[:240] / 24) + 0.1 * rng.normal(size=240) + 20.0).astype("float32")
    test_values[150:160] += 2.5

    training_mean = train_values.mean()
    training_std = train_values.std()
    df_training_value = ((train_values - training_mean) / training_std)[:, None]
    print("Number of training samples:", len(df_training_value))
    x_train = create_sequences(df_training_value)
    print("Training input shape: ", x_train.shape)

    model = keras.Sequential([
        layers.Input(shape=(x_train.shape[1], x_train.shape[2])),
        layers.Conv1D(filters=8, kernel_size=7, padding="same", strides=2, activation="relu"),
        layers.Dropout(rate=0.0),
        layers.Conv1D(filters=4, kernel_size=7, padding="same", strides=2, activation="relu"),
        layers.Conv1DTranspose(filters=4, kernel_size=7, padding="same", strides=2, activation="relu"),
        layers.Dropout(rate=0.0),
        layers.Conv1DTranspose(filters=8, kernel_size=7, padding="same", strides=2, activation="relu"),
        layers.Conv1DTranspose(filters=1, kernel_size=7, padding="same"),
    ])
    init = np.random.default_rng(4)
    model.set_weights([init.normal(0.0, 0.25, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    print("shapes", [tuple(layer.output.shape) for layer in model.layers])
    print("params", model.count_params())

    history = model.fit(x_train, x_train, epochs=8, batch_size=64, validation_split=0.1, shuffle=False,
                        callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, mode="min")],
                        verbose=0)
    print("loss", np.round(history.history["loss"], 4).tolist())
    print("val_loss", np.round(history.history["val_loss"], 4).tolist())

    x_train_pred = model.predict(x_train, verbose=0)
    train_mae_loss = np.mean(np.abs(x_train_pred - x_train), axis=1)
    threshold = np.max(train_mae_loss)
    print("Reconstruction error threshold: ", round(float(threshold), 3))
    print("train mae mean", round(float(train_mae_loss.mean()), 3))

    df_test_value = ((test_values - training_mean) / training_std)[:, None]
    x_test = create_sequences(df_test_value)
    print("Test input shape: ", x_test.shape)
    x_test_pred = model.predict(x_test, verbose=0)
    test_mae_loss = np.mean(np.abs(x_test_pred - x_test), axis=1).reshape((-1))
    print("test mae around the bump", np.round(test_mae_loss[140:146].astype("float64"), 4).tolist())
    anomalies = test_mae_loss > threshold
    print("Number of anomaly samples: ", np.sum(anomalies))
    print("Indices of anomaly samples: ", np.where(anomalies)[0][:5].tolist(), "...")

    anomalous_data_indices = []
    for data_idx in range(TIME_STEPS - 1, len(df_test_value) - TIME_STEPS + 1):
        if np.all(anomalies[data_idx - TIME_STEPS + 1: data_idx]):
            anomalous_data_indices.append(data_idx)
    print("anomalous points", anomalous_data_indices)
    reconstruction = x_test_pred[150, :6, 0]
    print("reconstruction", np.round(reconstruction.astype("float64"), 4).tolist())


if __name__ == "__main__":
    main()
