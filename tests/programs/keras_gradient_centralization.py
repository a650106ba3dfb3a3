"""A Keras program, written for Keras 3, after keras.io's "Gradient Centralization for Better Training
Performance" and its guide to writing optimizers: gradient centralization (each kernel gradient minus its mean
over all axes but the last) as an RMSprop subclass overriding `apply`, which fit calls with the gradients; the
same model trained with and without it from the same starting weights (a TimeHistory callback counting the
epochs); a momentum SGD written from scratch on keras.optimizers.Optimizer (build with
add_variable_from_reference, update_step with keras.ops and self.assign / assign_add, _get_variable_index,
get_config); and a training loop on the torch backend whose gradients go through apply_gradients. The data and
weights come from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np
import torch

import keras
from keras import layers, ops


class GCRMSprop(keras.optimizers.RMSprop):
    """RMSprop on centralized gradients."""

    def apply(self, grads, trainable_variables=None):
        centralized = []
        for grad in grads:
            grad_len = len(grad.shape)
            if grad_len > 1:
                axis = list(range(grad_len - 1))
                grad = grad - ops.mean(grad, axis=axis, keepdims=True)
            centralized.append(grad)
        return super().apply(centralized, trainable_variables)


class MomentumSGD(keras.optimizers.Optimizer):
    """v = momentum * v - lr * g; w += v, written the way Keras's own optimizers are."""

    def __init__(self, learning_rate=0.01, momentum=0.9, name="momentum_sgd", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = momentum

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.velocities = [self.add_variable_from_reference(reference_variable=var, name="velocity")
                           for var in var_list]

    def update_step(self, gradient, variable, learning_rate):
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        velocity = self.velocities[self._get_variable_index(variable)]
        self.assign(velocity, ops.subtract(ops.multiply(velocity, self.momentum),
                                           ops.multiply(gradient, learning_rate)))
        self.assign_add(variable, velocity)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum})
        return config


class TimeHistory(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.times = []

    def on_epoch_end(self, batch, logs=None):
        self.times.append(len(self.times) + 1)


def make_model():
    return keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(8, (3, 3), activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(8, (3, 3), activation="relu"),
        layers.Flatten(),
        layers.Dropout(0.0),
        layers.Dense(3, activation="softmax"),
    ])


def main():
    rng = np.random.default_rng(17)
    x = rng.normal(size=(60, 8, 8, 1)).astype("float32")
    y = np.argmax(np.stack([x[:, :4, :4, 0].mean((1, 2)), x[:, 4:, 4:, 0].mean((1, 2)),
                            x[:, :4, 4:, 0].mean((1, 2))], axis=1), axis=1)
    y_onehot = keras.utils.to_categorical(y, 3)
    base = make_model()
    start = [np.random.default_rng(2).normal(0.0, 0.3, w.shape).astype("float32") for w in base.get_weights()]

    histories = {}
    for name, optimizer in (("plain", keras.optimizers.RMSprop(learning_rate=1e-2)),
                            ("centralized", GCRMSprop(learning_rate=1e-2))):
        model = make_model()
        model.set_weights(start)
        model.compile(loss="categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
        time_callback = TimeHistory()
        history = model.fit(x, y_onehot, batch_size=12, epochs=4, verbose=0, shuffle=False,
                            callbacks=[time_callback])
        histories[name] = history.history
        print(name, "loss", np.round(history.history["loss"], 4).tolist())
        print(name, "accuracy", np.round(history.history["accuracy"], 4).tolist(), "epochs", time_callback.times)
        print(name, "iterations", int(ops.convert_to_numpy(model.optimizer.iterations)))
    gap = np.array(histories["plain"]["loss"]) - np.array(histories["centralized"]["loss"])
    print("loss gap", np.round(gap, 4).tolist())

    model = make_model()
    model.set_weights(start)
    optimizer = MomentumSGD(learning_rate=0.05, momentum=0.8)
    model.compile(loss="categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    history = model.fit(x, y_onehot, batch_size=12, epochs=3, verbose=0, shuffle=False)
    print("momentum sgd loss", np.round(history.history["loss"], 4).tolist())
    print("velocities", len(optimizer.velocities), [v.path for v in optimizer.velocities[:2]],
          tuple(optimizer.velocities[0].shape))
    velocity = ops.convert_to_numpy(optimizer.velocities[-1])
    print("last velocity", np.round(velocity.astype("float64"), 5).tolist())
    config = optimizer.get_config()
    print("config", {k: config[k] for k in ("name", "learning_rate", "momentum", "weight_decay")})
    again = MomentumSGD.from_config(config)
    print("from_config", again.momentum, round(float(ops.convert_to_numpy(again.learning_rate)), 4))

    model = make_model()
    model.set_weights(start)
    loss_fn = keras.losses.CategoricalCrossentropy()
    optimizer = GCRMSprop(learning_rate=1e-2)
    losses = []
    for step in range(5):
        xb, yb = x[step * 12:(step + 1) * 12], y_onehot[step * 12:(step + 1) * 12]
        model.zero_grad()
        loss = loss_fn(yb, model(xb, training=True))
        loss.backward()
        trainable_weights = model.trainable_weights
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            optimizer.apply_gradients(zip(gradients, trainable_weights))
        losses.append(float(ops.convert_to_numpy(loss)))
    print("loop losses", np.round(losses, 4).tolist())
    kernel = ops.convert_to_numpy(model.layers[-1].kernel)
    print("head kernel", np.round(kernel[:2].astype("float64"), 4).tolist())


if __name__ == "__main__":
    main()
