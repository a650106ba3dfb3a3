"""A Keras program, written for Keras 3: a small sequence tagger whose normalization layers and recurrent cell
carry weight constraints — BatchNormalization and GroupNormalization with gamma/beta constraints, an RNN over an
LSTMCell with kernel / recurrent / bias constraints — trained with fit, with the padding class left out of the
SparseCategoricalCrossentropy metric through ignore_class (with and without sample weights), the wrapped
metrics' options read back, and the constraints checked on the trained weights and in the configs."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(keras.ops.convert_to_numpy(values), "float64"), digits).tolist()


def main():
    keras.utils.set_random_seed(21)
    rng = np.random.default_rng(21)
    x = rng.normal(size=(48, 7, 4)).astype("float32")
    lengths = rng.integers(3, 8, 48)
    labels = np.where(x[:, :, 0] > 0, 1, 2)
    for row, n in zip(labels, lengths):
        row[n:] = 0   # class 0: padding
    weights = (labels > 0).astype("float32") * 0.5 + 0.5

    inputs = keras.Input((7, 4))
    h = layers.BatchNormalization(gamma_constraint=keras.constraints.MaxNorm(1.2, axis=0),
                                  beta_constraint="non_neg", name="bn")(inputs)
    cell = layers.LSTMCell(6, kernel_constraint=keras.constraints.MaxNorm(0.8),
                           recurrent_constraint=keras.constraints.UnitNorm(axis=0),
                           bias_constraint=keras.constraints.NonNeg(), name="cell")
    h = layers.RNN(cell, return_sequences=True, name="rnn")(h)
    h = layers.GroupNormalization(groups=3, gamma_constraint=keras.constraints.MinMaxNorm(0.2, 0.9, axis=0),
                                  name="gn")(h)
    outputs = layers.Dense(3, activation="softmax", name="tags")(h)
    model = keras.Model(inputs, outputs)

    ignore = keras.metrics.SparseCategoricalCrossentropy(ignore_class=0, name="xent_no_pad")
    plain = keras.metrics.SparseCategoricalCrossentropy(name="xent")
    accuracy = keras.metrics.SparseTopKCategoricalAccuracy(k=2, name="top2")
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy",
                  metrics=[ignore, plain, accuracy], weighted_metrics=[
                      keras.metrics.SparseCategoricalCrossentropy(ignore_class=0, name="w_xent_no_pad")])
    history = model.fit(x, labels, sample_weight=weights, batch_size=12, epochs=4, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, r(history.history[key]))

    bn, gn = model.get_layer("bn"), model.get_layer("gn")
    print("bn gamma max", r(np.abs(keras.ops.convert_to_numpy(bn.gamma)).max()), "beta min",
          r(keras.ops.convert_to_numpy(bn.beta).min()))
    gamma = keras.ops.convert_to_numpy(gn.gamma)
    print("gn gamma range", r(gamma.min()), r(gamma.max()))
    kernel = keras.ops.convert_to_numpy(cell.kernel)
    recurrent = keras.ops.convert_to_numpy(cell.recurrent_kernel)
    print("cell kernel norms <= 0.8", bool(np.sqrt((kernel ** 2).sum(axis=0)).max() <= 0.8 + 1e-5))
    print("cell recurrent unit norm", r(np.sqrt((recurrent ** 2).sum(axis=0))[:4]))
    print("cell bias min", r(keras.ops.convert_to_numpy(cell.bias).min()))
    print("configs", bn.get_config()["gamma_constraint"]["class_name"], gn.get_config()["gamma_constraint"]["config"],
          cell.get_config()["recurrent_constraint"]["class_name"])
    print("attributes", type(bn.gamma_constraint).__name__, type(cell.bias_constraint).__name__,
          type(cell.kernel_initializer).__name__, ignore.ignore_class, accuracy.k, plain.from_logits)

    ignore.reset_state()
    ignore.update_state(labels[:6], model.predict(x[:6], verbose=0), sample_weight=weights[:6])
    plain.reset_state()
    plain.update_state(labels[:6], model.predict(x[:6], verbose=0), sample_weight=weights[:6])
    print("by hand", r(ignore.result()), r(plain.result()))
    print("evaluate", r(model.evaluate(x, labels, verbose=0)))


if __name__ == "__main__":
    main()
