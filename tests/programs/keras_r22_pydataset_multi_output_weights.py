"""A Keras program, written for Keras 3: a two-headed functional model (a 4-class "kind" softmax head and a
3-label "tags" sigmoid head) fed by a keras.utils.PyDataset subclass with workers=1 and use_multiprocessing=False
that yields (inputs, targets dict, sample weights) batches and shuffles its order on_epoch_end with its own
NumPy generator; compile with losses, loss_weights and metrics given as dicts keyed by output name
(TopKCategoricalAccuracy(k=2), Precision/Recall with thresholds and class_id, BinaryAccuracy(threshold=0.3)),
fit (which shuffles the batch order) with a validation PyDataset, evaluate with return_dict, predict on a PyDataset without targets, and
train_on_batch/test_on_batch with the same dicts. Weights are set from NumPy."""
import numpy as np

import keras
from keras import layers


class Batches(keras.utils.PyDataset):
    def __init__(self, x, kind, tags, batch_size, shuffle_seed=None, with_targets=True, **kwargs):
        super().__init__(**kwargs)
        self.x, self.kind, self.tags = x, kind, tags
        self.batch_size = batch_size
        self.with_targets = with_targets
        self.order = np.arange(len(x))
        self.rng = None if shuffle_seed is None else np.random.default_rng(shuffle_seed)
        self.epochs_seen = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, index):
        rows = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        if not self.with_targets:
            return (self.x[rows],)
        weights = np.where(self.kind[rows, 3] == 1, 2.0, 1.0).astype("float32")
        return self.x[rows], {"kind": self.kind[rows], "tags": self.tags[rows]}, weights

    def on_epoch_end(self):
        self.epochs_seen += 1
        if self.rng is not None:
            self.order = self.rng.permutation(len(self.x))


def main():
    rng = np.random.default_rng(14)
    x = rng.normal(size=(70, 5)).astype("float32")
    kind_index = np.argmax(x[:, :4] + 0.5 * x[:, 4:5], axis=1)
    kind = np.eye(4, dtype="float32")[kind_index]
    tags = (x[:, [0, 2, 4]] > 0.2).astype("float32")
    train = Batches(x[:56], kind[:56], tags[:56], 12, shuffle_seed=5, workers=1, use_multiprocessing=False,
                    max_queue_size=4)
    valid = Batches(x[56:], kind[56:], tags[56:], 7, workers=1, use_multiprocessing=False)
    print("batches", len(train), len(valid), "workers", train.workers, train.use_multiprocessing,
          train.max_queue_size)

    inputs = keras.Input((5,), name="features")
    trunk = layers.Dense(10, activation="relu", name="trunk")(inputs)
    kind_out = layers.Dense(4, activation="softmax", name="kind")(trunk)
    tags_out = layers.Dense(3, activation="sigmoid", name="tags")(layers.Concatenate(name="skip")([trunk, inputs]))
    model = keras.Model(inputs, {"kind": kind_out, "tags": tags_out}, name="two_heads")
    init = np.random.default_rng(1)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.weights])
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.03),
        loss={"kind": "categorical_crossentropy", "tags": keras.losses.BinaryCrossentropy(label_smoothing=0.1)},
        loss_weights={"kind": 1.0, "tags": 0.5},
        metrics={"kind": [keras.metrics.TopKCategoricalAccuracy(k=2, name="top2"),
                          keras.metrics.Precision(class_id=3, name="p3")],
                 "tags": [keras.metrics.BinaryAccuracy(threshold=0.3, name="acc30"),
                          keras.metrics.Precision(thresholds=[0.3, 0.6], name="prec"),
                          keras.metrics.Recall(thresholds=0.6, name="rec")]})
    keras.utils.set_random_seed(21)   # fit shuffles a PyDataset's batch order with Python's random
    history = model.fit(train, validation_data=valid, epochs=3, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v if np.ndim(v) == 0 else np.round(v, 5).tolist() for v in history.history[key]])
    print("epochs seen", train.epochs_seen, valid.epochs_seen, "order head", train.order[:6].tolist())
    print("metrics names", model.metrics_names)
    results = model.evaluate(valid, verbose=0, return_dict=True)
    print("evaluate", {k: np.round(v, 5).tolist() for k, v in sorted(results.items())})
    predicted = model.predict(Batches(x[:9], None, None, 4, with_targets=False), verbose=0)
    print("predict keys", sorted(predicted), {k: v.shape for k, v in sorted(predicted.items())})
    print("kind", np.round(predicted["kind"][:3], 4).tolist())
    print("tags", np.round(predicted["tags"][:3], 4).tolist())
    logs = model.train_on_batch(x[:8], {"kind": kind[:8], "tags": tags[:8]},
                                sample_weight={"kind": np.linspace(0.5, 1.5, 8).astype("float32"),
                                               "tags": np.ones(8, "float32")}, return_dict=True)
    print("train_on_batch", {k: np.round(v, 5).tolist() for k, v in sorted(logs.items())})
    tested = model.test_on_batch(x[8:20], {"kind": kind[8:20], "tags": tags[8:20]})
    print("test_on_batch", [np.round(v, 5).tolist() for v in tested])


if __name__ == "__main__":
    main()
