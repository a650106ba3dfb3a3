"""A Keras program, written for Keras 3, after keras.io's "Classification with Gated Residual and Variable
Selection Networks" example: a dict of named inputs (numeric columns and integer-coded categorical columns),
Embedding encoders, a GatedLinearUnit and GatedResidualNetwork (ELU Dense, Dropout, gating, a projection when the
widths differ, LayerNormalization) built as Layer subclasses holding sub-layers, a VariableSelection layer that
weighs each feature with a softmax over a GRN of the concatenation, and a sigmoid head trained with fit on a
dict of arrays with class_weight and validation_data; it prints the layer weights' paths, the History, evaluate,
the selection weights a sub-model reads out and the predictions. Weights are set from NumPy, so real Keras and
deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

NUMERIC = ["age", "hours", "gain"]
CATEGORICAL = {"work": 5, "edu": 7}


class GatedLinearUnit(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.linear = layers.Dense(units)
        self.sigmoid = layers.Dense(units, activation="sigmoid")

    def call(self, inputs):
        return self.linear(inputs) * self.sigmoid(inputs)


class GatedResidualNetwork(layers.Layer):
    def __init__(self, units, dropout_rate, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.elu_dense = layers.Dense(units, activation="elu")
        self.linear_dense = layers.Dense(units)
        self.dropout = layers.Dropout(dropout_rate)
        self.gated_linear_unit = GatedLinearUnit(units)
        self.layer_norm = layers.LayerNormalization()
        self.project = layers.Dense(units)

    def call(self, inputs):
        x = self.elu_dense(inputs)
        x = self.linear_dense(x)
        x = self.dropout(x)
        if inputs.shape[-1] != self.units:
            inputs = self.project(inputs)
        x = inputs + self.gated_linear_unit(x)
        return self.layer_norm(x)


class VariableSelection(layers.Layer):
    def __init__(self, num_features, units, dropout_rate, **kwargs):
        super().__init__(**kwargs)
        self.grns = [GatedResidualNetwork(units, dropout_rate) for _ in range(num_features)]
        self.grn_concat = GatedResidualNetwork(units, dropout_rate)
        self.softmax = layers.Dense(num_features, activation="softmax")

    def call(self, inputs, return_weights=False):
        v = ops.concatenate(inputs, axis=-1)
        v = self.grn_concat(v)
        v = ops.expand_dims(self.softmax(v), axis=-1)
        x = ops.stack([grn(inputs[i]) for i, grn in enumerate(self.grns)], axis=1)
        if return_weights:
            return v[..., 0]
        return ops.squeeze(ops.matmul(ops.transpose(v, (0, 2, 1)), x), axis=1)


def build(encoding_size=6, dropout_rate=0.1):
    inputs = {name: keras.Input((1,), name=name) for name in NUMERIC}
    inputs.update({name: keras.Input((1,), name=name, dtype="int32") for name in CATEGORICAL})
    encoded = []
    for name in NUMERIC:
        encoded.append(inputs[name])
    for name, size in CATEGORICAL.items():
        embedded = layers.Embedding(size, encoding_size, name=f"{name}_embedding")(inputs[name])
        encoded.append(ops.squeeze(embedded, axis=1))
    selection = VariableSelection(len(encoded), encoding_size, dropout_rate, name="selection")
    features = selection(encoded)
    outputs = layers.Dense(1, activation="sigmoid", name="income")(features)
    weights_out = selection(encoded, return_weights=True)
    return keras.Model(inputs, outputs, name="grn_vsn"), keras.Model(inputs, weights_out, name="selector")


def data(rng, n):
    columns = {name: rng.normal(size=(n, 1)).astype("float32") for name in NUMERIC}
    columns.update({name: rng.integers(0, size, size=(n, 1)).astype("int32") for name, size in CATEGORICAL.items()})
    score = columns["age"][:, 0] + 0.5 * columns["gain"][:, 0] + (columns["work"][:, 0] == 2) - 0.3
    return columns, (score > 0).astype("float32").reshape(n, 1)


def main():
    rng = np.random.default_rng(9)
    x_train, y_train = data(rng, 48)
    x_val, y_val = data(rng, 16)
    keras.utils.set_random_seed(1)
    model, selector = build()
    init = np.random.default_rng(10)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") if "gamma" not in w.path
                       else np.ones(w.shape, "float32") for w in model.weights])
    paths = [w.path for w in model.weights]
    print("weights", len(paths), paths[:3], paths[-4:])
    print("inputs", [t.name for t in model.inputs], "params", model.count_params())
    print("selector shares weights", len(selector.weights) == len(model.weights) - 2)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.BinaryCrossentropy(),
                  metrics=[keras.metrics.BinaryAccuracy(name="acc"), keras.metrics.AUC(num_thresholds=50,
                                                                                           name="auc")])
    history = model.fit(x_train, y_train, batch_size=16, epochs=3, shuffle=False, verbose=0,
                        class_weight={0: 1.0, 1: 2.0}, validation_data=(x_val, y_val))
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("evaluate", ["%.5f" % v for v in model.evaluate(x_val, y_val, batch_size=8, verbose=0)])
    chosen = selector.predict(x_val, verbose=0)
    print("selection weights", chosen.shape, np.round(chosen[:2], 4).tolist())
    print("rows sum to one", bool(np.allclose(chosen.sum(axis=1), 1.0, atol=1e-5)))
    print("predict", np.round(model.predict(x_val, verbose=0)[:5, 0], 4).tolist())


if __name__ == "__main__":
    main()
