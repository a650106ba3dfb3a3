"""A Keras program, written for Keras 3: resuming training at initial_epoch from a keras.utils.PyDataset that
yields sample weights (constructed with workers / use_multiprocessing / max_queue_size), a LearningRateScheduler
whose schedule sees the epoch indices and rates of the resumed run, validation on another PyDataset only at the
epochs listed in validation_freq, then fit on arrays with steps_per_epoch, validation_split and an integer
validation_freq; History's epochs and params, evaluate on a PyDataset with and without steps, predict on one that
yields (x, y) pairs, and train_on_batch / test_on_batch with sample weights. Weights are set from NumPy and
nothing is shuffled, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


class WeightedBatches(keras.utils.PyDataset):
    def __init__(self, x, y, batches, weighted=True, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batches, self.weighted = x, y, batches, weighted

    def __len__(self):
        return self.batches

    def __getitem__(self, i):
        part = slice(i * 5, i * 5 + 5)
        if not self.weighted:
            return self.x[part], self.y[part]
        return self.x[part], self.y[part], np.full((5,), 0.5 + i, "float32")


def rounded(history):
    return {key: np.round(values, 5).tolist() for key, values in sorted(history.history.items())}


def main():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 3)).astype("float32")
    y = (x @ np.array([[0.4], [-0.7], [0.2]], "float32") + 0.3).astype("float32")
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2, activation="relu"), layers.Dense(1)])
    model.set_weights([np.full(w.shape, 0.1 * (k + 1), "float32") for k, w in enumerate(model.get_weights())])
    model.compile(keras.optimizers.SGD(0.05), "mse", metrics=["mae"], weighted_metrics=["mse"])

    seen = []

    def schedule(epoch, lr):
        seen.append((epoch, round(float(lr), 5)))
        return 0.05 / (epoch + 1)

    train = WeightedBatches(x, y, 6, workers=1, use_multiprocessing=False, max_queue_size=4)
    history = model.fit(train, epochs=5, initial_epoch=2, validation_data=WeightedBatches(x, y, 2),
                        validation_freq=[3, 5], callbacks=[keras.callbacks.LearningRateScheduler(schedule)],
                        verbose=0, shuffle=False)
    print("resumed", rounded(history))
    print("resumed epochs", history.epoch, "params", history.params)
    print("schedule saw", seen)
    print("iterations", int(model.optimizer.iterations.numpy()),
          "lr", round(float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)), 5))

    history = model.fit(x, y, batch_size=7, epochs=3, steps_per_epoch=2, verbose=0, validation_split=0.2,
                        validation_freq=2, shuffle=False)
    print("arrays", rounded(history))
    print("arrays epochs", history.epoch, "params", history.params)
    print("evaluate all", round(model.evaluate(WeightedBatches(x, y, 3), verbose=0, return_dict=True)["loss"], 5))
    print("evaluate 2 steps", np.round(model.evaluate(WeightedBatches(x, y, 6), steps=2, verbose=0), 5).tolist())
    predicted = model.predict(WeightedBatches(x, y, 2, weighted=False), verbose=0)
    print("predict", predicted.shape, np.round(predicted[:3, 0].astype("float64"), 5).tolist())
    logs = model.train_on_batch(x[:5], y[:5], sample_weight=np.arange(5, dtype="float32"), return_dict=True)
    print("train_on_batch", {k: round(float(v), 5) for k, v in logs.items()})
    print("test_on_batch", np.round(model.test_on_batch(x[:5], y[:5]), 5).tolist(),
          "iterations", int(model.optimizer.iterations.numpy()))


if __name__ == "__main__":
    main()
