"""A Keras program, written for Keras 3: weights with kernel / bias / activity regularizers (L1, L2, L1L2,
OrthogonalRegularizer) and constraints (MaxNorm, NonNeg, UnitNorm, MinMaxNorm) trained with fit; model.losses
before and after a call, the regularization inside the reported loss (evaluate against a plain loss), the
constraints holding on the weights after every epoch (checked in a callback), and the objects' get_config and
their values on fixed matrices. Weights are set from NumPy, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(values), "float64"), digits).tolist()


class ConstraintCheck(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        kernel = ops.convert_to_numpy(self.model.get_layer("nonneg").kernel)
        unit = ops.convert_to_numpy(self.model.get_layer("unit").kernel)
        capped = ops.convert_to_numpy(self.model.get_layer("capped").kernel)
        print("epoch", epoch, "min nonneg", round(float(kernel.min()), 4),
              "unit norms", r(np.linalg.norm(unit, axis=0), 3),
              "max norm", round(float(np.linalg.norm(capped, axis=0).max()), 4), "loss", round(logs["loss"], 4))


def main():
    matrix = np.array([[0.5, -1.0, 0.2], [1.5, 0.3, -0.4], [-0.2, 0.8, 1.1]], "float32")
    for reg in (keras.regularizers.L1(0.1), keras.regularizers.L2(0.05), keras.regularizers.L1L2(0.01, 0.02),
                keras.regularizers.OrthogonalRegularizer(0.1, mode="rows"),
                keras.regularizers.OrthogonalRegularizer(0.2, mode="columns")):
        print(type(reg).__name__, sorted(reg.get_config().items()), r(reg(ops.convert_to_tensor(matrix))))
    for con in (keras.constraints.MaxNorm(1.0), keras.constraints.NonNeg(), keras.constraints.UnitNorm(axis=0),
                keras.constraints.MinMaxNorm(0.5, 1.0, rate=0.5)):
        print(type(con).__name__, sorted(con.get_config().items()), r(con(matrix)[0]))

    inputs = keras.Input((4,))
    h = layers.Dense(3, name="nonneg", kernel_constraint=keras.constraints.NonNeg(),
                     kernel_regularizer=keras.regularizers.L1L2(0.01, 0.01))(inputs)
    h = layers.Dense(3, name="unit", kernel_constraint=keras.constraints.UnitNorm(axis=0),
                     activity_regularizer=keras.regularizers.L2(0.01))(h)
    h = layers.Dense(3, name="capped", kernel_constraint=keras.constraints.MaxNorm(0.6),
                     kernel_regularizer=keras.regularizers.OrthogonalRegularizer(0.05),
                     bias_regularizer=keras.regularizers.L2(0.1))(h)
    outputs = layers.Dense(1, name="head")(h)
    model = keras.Model(inputs, outputs)
    for k, w in enumerate(model.weights):
        w.assign((np.sin(np.arange(int(np.prod(w.shape))) * 0.61 + k) * 0.5).reshape(w.shape).astype("float32"))
    print("losses before a call", len(model.losses), r(model.losses))
    x = np.stack([np.linspace(-1, 1, 16), np.cos(np.arange(16.0)), np.sin(np.arange(16.0) * 0.5),
                  np.linspace(0, 1, 16) ** 2], 1).astype("float32")
    y = (x[:, :1] - 0.5 * x[:, 2:3] + 0.2).astype("float32")
    model(x[:4])
    print("losses after a call", len(model.losses), r(model.losses))
    model.compile(optimizer=keras.optimizers.SGD(0.2), loss="mse", metrics=["mse"])
    history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0, callbacks=[ConstraintCheck()])
    print("loss minus mse", r(np.array(history.history["loss"]) - np.array(history.history["mse"])))
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    print("evaluate", {k: round(float(v), 4) for k, v in result.items()})
    print("kernel config", model.get_layer("capped").get_config()["kernel_regularizer"]["class_name"],
          model.get_layer("capped").get_config()["kernel_constraint"]["config"])
    print("head", r(model.get_layer("head").kernel[:, 0]))


if __name__ == "__main__":
    main()
