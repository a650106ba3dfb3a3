"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Sharpness-Aware Minimization for
Efficient Improvement of Generalization": a SAMModel wrapping a small residual CNN, whose train_step takes two
forward/backward passes (the gradient's norm via ops.norm of ops.stack, the weights moved by rho * g / |g| with
assign_add, the second gradients taken there, the move undone with assign_sub, then optimizer.apply), its own
test_step, compute_loss / compute_metrics (whose 'loss' stays 0 in a custom step: Keras's own train_step
feeds that tracker), a Mean metric of the loss increase at the moved weights, and a BatchNormalization whose moving statistics see both passes;
compared with the same network trained plainly from the same weights. The data and weights come from NumPy, so
real Keras and deepgrad print the same numbers."""
import numpy as np
import torch

import keras
from keras import layers, ops


class SAMModel(keras.Model):
    def __init__(self, resnet_model, rho=0.05):
        super().__init__()
        self.resnet_model = resnet_model
        self.rho = rho
        self.sharpness = keras.metrics.Mean(name="sharpness")

    def train_step(self, data):
        (images, labels) = data
        e_ws = []
        self.zero_grad()
        predictions = self.resnet_model(images, training=True)
        loss = self.compute_loss(y=labels, y_pred=predictions)
        loss.backward()
        trainable_params = self.resnet_model.trainable_variables
        gradients = [param.value.grad for param in trainable_params]
        grad_norm = self._grad_norm(gradients)
        scale = self.rho / (grad_norm + 1e-12)

        with torch.no_grad():
            for (grad, param) in zip(gradients, trainable_params):
                e_w = grad * scale
                param.assign_add(e_w)
                e_ws.append(e_w)

        self.zero_grad()
        predictions = self.resnet_model(images, training=True)
        perturbed_loss = self.compute_loss(y=labels, y_pred=predictions)
        perturbed_loss.backward()
        self.sharpness.update_state(perturbed_loss - loss)
        sam_gradients = [param.value.grad for param in trainable_params]

        with torch.no_grad():
            for (param, e_w) in zip(trainable_params, e_ws):
                param.assign_sub(e_w)
            self.optimizer.apply(sam_gradients, trainable_params)

        return self.compute_metrics(images, labels, predictions, sample_weight=None)

    def test_step(self, data):
        (images, labels) = data
        predictions = self.resnet_model(images, training=False)
        self.compute_loss(y=labels, y_pred=predictions)
        return self.compute_metrics(images, labels, predictions, sample_weight=None)

    def call(self, images):
        return self.resnet_model(images)

    def _grad_norm(self, gradients):
        norm = ops.norm(ops.stack([ops.norm(grad) for grad in gradients if grad is not None]))
        return norm


def get_training_model(num_classes=3):
    inputs = keras.Input((12, 12, 3))
    x = layers.Conv2D(8, 3, padding="same")(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    shortcut = x
    x = layers.Conv2D(8, 3, padding="same", activation="relu")(x)
    x = layers.Conv2D(8, 3, padding="same")(x)
    x = layers.Add()([x, shortcut])
    x = layers.Activation("relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="mini_resnet")


def main():
    rng = np.random.default_rng(21)
    x = rng.normal(size=(72, 12, 12, 3)).astype("float32")
    y = (x[:, :6, :, 0].mean((1, 2)) > 0).astype("int64") + (x[:, :, :6, 1].mean((1, 2)) > 0).astype("int64")
    x_train, y_train, x_val, y_val = x[:48], y[:48], x[48:], y[48:]
    start = [np.random.default_rng(9).normal(0.0, 0.25, w.shape).astype("float32") if "moving_variance" not in w.path
             else np.ones(w.shape, "float32") for w in get_training_model().weights]

    model = SAMModel(get_training_model())
    model.resnet_model.set_weights(start)
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=4, batch_size=12,
                        shuffle=False, verbose=0)
    for key in sorted(history.history):
        print("sam", key, np.round(history.history[key], 3 if "sharpness" in key else 4).tolist())
    bn = model.resnet_model.layers[2]
    print("sam moving mean", np.round(ops.convert_to_numpy(bn.moving_mean)[:4].astype("float64"), 3).tolist())
    print("sam iterations", int(ops.convert_to_numpy(model.optimizer.iterations)))
    sam_weights = model.resnet_model.get_weights()

    plain = get_training_model()
    plain.set_weights(start)
    plain.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = plain.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=4, batch_size=12,
                        shuffle=False, verbose=0)
    for key in sorted(history.history):
        print("plain", key, np.round(history.history[key], 4).tolist())
    difference = [float(np.abs(a - b).max()) for a, b in zip(sam_weights, plain.get_weights())]
    print("weights differ", round(max(difference), 4) > 0)
    print("sam evaluate", np.round(model.evaluate(x_val, y_val, verbose=0), 4).tolist())
    print("sam predictions", np.round(model.predict(x_val[:3], verbose=0).astype("float64"), 4).tolist())


if __name__ == "__main__":
    main()
