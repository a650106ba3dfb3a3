"""A Keras program, written for Keras 3, after keras.io's "Timeseries forecasting for weather prediction" without
TensorFlow: a synthetic multi-feature hourly series, standardized with the training split's mean and std, cut
into windows by a keras.utils.PyDataset that does what timeseries_dataset_from_array does (sequence_length,
sampling_rate, sequence_stride, a target `delay` steps ahead, batch_size with a partial last batch), an LSTM
forecaster seeded by keras.utils.set_random_seed, fit with a validation PyDataset, EarlyStopping
(restore_best_weights) and ModelCheckpoint (save_best_only, weights only), load_weights, and the predictions
mapped back to the original units. Real Keras and deepgrad print the same."""
import math

import numpy as np

import keras
from keras import layers


class Windows(keras.utils.PyDataset):
    def __init__(self, data, targets, sequence_length, sampling_rate, sequence_stride, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.data, self.targets = data, targets
        self.span = (sequence_length - 1) * sampling_rate + 1
        self.sequence_length, self.sampling_rate = sequence_length, sampling_rate
        self.starts = np.arange(0, len(data) - self.span + 1, sequence_stride)
        if targets is not None:
            self.starts = self.starts[self.starts < len(targets)]
        self.batch_size = batch_size

    def __len__(self):
        return math.ceil(len(self.starts) / self.batch_size)

    def __getitem__(self, index):
        starts = self.starts[index * self.batch_size:(index + 1) * self.batch_size]
        steps = starts[:, None] + np.arange(self.sequence_length) * self.sampling_rate
        x = self.data[steps]
        if self.targets is None:
            return (x,)
        return x, self.targets[starts]


def main():
    rng = np.random.default_rng(12)
    hours = np.arange(900)
    temperature = 10 + 6 * np.sin(2 * np.pi * hours / 24) + 0.01 * hours + rng.normal(0, 0.6, hours.shape)
    pressure = 1000 + 3 * np.cos(2 * np.pi * hours / 120) + rng.normal(0, 0.3, hours.shape)
    humidity = 60 - 2 * (temperature - 10) + rng.normal(0, 1.0, hours.shape)
    features = np.stack([temperature, pressure, humidity], axis=1).astype("float32")
    split = 600
    mean, std = features[:split].mean(axis=0), features[:split].std(axis=0)
    scaled = (features - mean) / std
    print("mean", np.round(mean.astype("float64"), 3).tolist(), "std", np.round(std.astype("float64"), 3).tolist())

    past, future, step = 48, 12, 4
    delay = past + future
    train = Windows(scaled[:split], scaled[delay:split + delay, 0], past // step, step, 2, 32)
    val = Windows(scaled[split:-delay], scaled[split + delay:, 0], past // step, step, 6, 16)
    x0, y0 = train[0]
    print("windows", len(train.starts), len(train), len(val.starts), len(val), x0.shape, y0.shape)
    print("first target", round(float(y0[0]), 5), "last batch", train[len(train) - 1][0].shape)

    keras.utils.set_random_seed(5)
    inputs = keras.Input(shape=(x0.shape[1], x0.shape[2]))
    lstm_out = layers.LSTM(12)(inputs)
    outputs = layers.Dense(1)(lstm_out)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005), loss="mse", metrics=["mae"])
    callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0, patience=2, restore_best_weights=True),
                 keras.callbacks.ModelCheckpoint("model_checkpoint.weights.h5", monitor="val_loss",
                                                 save_weights_only=True, save_best_only=True)]
    history = model.fit(train, epochs=6, validation_data=val, callbacks=callbacks, verbose=0, shuffle=False)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    print("epochs run", len(history.epoch), "stopped", callbacks[0].stopped_epoch, "best",
          round(float(callbacks[0].best), 4))

    restored = model.evaluate(val, verbose=0)
    copy = keras.Model(inputs, outputs)
    copy.load_weights("model_checkpoint.weights.h5")
    copy.compile(loss="mse", metrics=["mae"])
    print("restored", np.round(restored, 4).tolist(), "checkpoint", np.round(copy.evaluate(val, verbose=0), 4).tolist())
    xs = val[0][0][:3]
    predicted = model.predict(xs, verbose=0)[:, 0] * std[0] + mean[0]
    truth = val[0][1][:3] * std[0] + mean[0]
    print("forecast", np.round(predicted.astype("float64"), 3).tolist(), "truth", np.round(truth.astype("float64"), 3).tolist())
    unlabeled = Windows(scaled[split:], None, past // step, step, 50, 4)
    print("unlabeled", len(unlabeled), model.predict(unlabeled, verbose=0).shape)


if __name__ == "__main__":
    main()
