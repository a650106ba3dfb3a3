"""A Keras program, written for Keras 3 on the torch backend, after keras.io's self-supervised examples ("Self-
supervised contrastive learning with SimSiam" and "Barlow Twins for contrastive SSL"): the two augmented views come
with the data (fixed NumPy noise) so both libraries see the same numbers. SimSiam is a keras.Model subclass whose
call returns (z1, z2, p1, p2) and which overrides compute_loss (a negative cosine similarity with ops.stop_gradient
on the targets) and the metrics property (Mean trackers for the loss and the output standard deviation); the
default train_step runs it (compile has no metrics, and call takes no `training`, so, as in Keras, its
BatchNormalization layers run in inference mode). Barlow Twins overrides train_step (zero_grad, backward,
optimizer.apply under torch.no_grad) with its own BarlowLoss subclass of keras.losses.Loss (batch-normalized
cross-correlation, on- and off-diagonal terms via ops.eye and ops.diagonal). Both use an encoder of Dense and
BatchNormalization layers."""
import numpy as np
import torch

import keras
from keras import layers, ops

DIM, LATENT, PRED = 6, 8, 4


def encoder_model(name):
    inputs = keras.Input((DIM,))
    x = layers.Dense(12, use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    outputs = layers.Dense(LATENT)(x)
    return keras.Model(inputs, outputs, name=name)


def predictor_model():
    return keras.Sequential([keras.Input((LATENT,)), layers.Dense(PRED, use_bias=False), layers.BatchNormalization(),
                             layers.ReLU(), layers.Dense(LATENT)], name="predictor")


def negative_cosine(p, z):
    # The authors of SimSiam emphasize the impact of the `stop_gradient` operator in the paper as it
    # has an important role in the overall optimization.
    z = ops.stop_gradient(z)
    p = ops.normalize(p, axis=1)
    z = ops.normalize(z, axis=1)
    # Negative cosine similarity (minimizing this is equivalent to maximizing the similarity).
    return -ops.mean(ops.sum((p * z), axis=1))


class SimSiam(keras.Model):
    def __init__(self, encoder, predictor):
        super().__init__()
        self.encoder = encoder
        self.predictor = predictor
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.std_tracker = keras.metrics.Mean(name="output_std")

    @property
    def metrics(self):
        return [self.loss_tracker, self.std_tracker]

    def call(self, views):
        ds_one, ds_two = views
        z1, z2 = self.encoder(ds_one), self.encoder(ds_two)
        p1, p2 = self.predictor(z1), self.predictor(z2)
        return z1, z2, p1, p2

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        z1, z2, p1, p2 = y_pred
        loss = negative_cosine(p1, z2) / 2 + negative_cosine(p2, z1) / 2
        self.loss_tracker.update_state(loss)
        self.std_tracker.update_state(ops.mean(ops.std(ops.normalize(z1, axis=1), axis=0)))
        return loss


class BarlowLoss(keras.losses.Loss):
    def __init__(self, batch_size, lambda_amt=0.05, **kwargs):
        super().__init__(**kwargs)
        self.lambda_amt = lambda_amt
        self.batch_size = batch_size

    def get_off_diag(self, c):
        off_diag = ops.ones_like(c) - ops.eye(ops.shape(c)[0])
        return c * off_diag

    def normalize(self, output):
        return (output - ops.mean(output, axis=0)) / ops.std(output, axis=0)

    def call(self, z_a, z_b):
        z_a_norm, z_b_norm = self.normalize(z_a), self.normalize(z_b)
        c = ops.matmul(ops.transpose(z_a_norm), z_b_norm) / self.batch_size
        on_diag = ops.sum(ops.square(ops.diagonal(c) - 1))
        off_diag = ops.sum(ops.square(self.get_off_diag(c)))
        return on_diag + self.lambda_amt * off_diag


class BarlowModel(keras.Model):
    def __init__(self, encoder, loss_fn):
        super().__init__()
        self.model = encoder
        self.loss_fn = loss_fn
        self.loss_tracker = keras.metrics.Mean(name="loss")

    @property
    def metrics(self):
        return [self.loss_tracker]

    def call(self, inputs):
        return self.model(inputs)

    def train_step(self, batch):
        y_a, y_b = batch[0]
        self.zero_grad()
        z_a, z_b = self.model(y_a, training=True), self.model(y_b, training=True)
        loss = self.loss_fn(z_a, z_b)
        loss.backward()
        weights = self.model.trainable_weights
        gradients = [v.value.grad for v in weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, weights)
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}


def initial_weights(model, init):
    """Random kernels, biases and BatchNormalization scales and offsets; moving statistics as they are."""
    return [value if "moving" in w.path else init.normal(0.5 if "gamma" in w.path else 0.0, 0.4, value.shape)
            .astype("float32") for w, value in zip(model.weights, model.get_weights())]


def main():
    rng = np.random.default_rng(7)
    base = rng.normal(size=(40, DIM)).astype("float32")
    view_one = (base + rng.normal(0, 0.3, base.shape)).astype("float32")
    view_two = (base * rng.uniform(0.8, 1.2, (40, 1)) + rng.normal(0, 0.3, base.shape)).astype("float32")
    print("views", np.round(view_one[0, :3].astype("float64"), 4).tolist(),
          np.round(view_two[0, :3].astype("float64"), 4).tolist())

    init = np.random.default_rng(21)
    simsiam = SimSiam(encoder_model("simsiam_encoder"), predictor_model())
    for part in (simsiam.encoder, simsiam.predictor):   # (a zero bias could make a zero vector to normalize)
        part.set_weights(initial_weights(part, init))
    simsiam([view_one[:2], view_two[:2]])
    print("simsiam metrics", [m.name for m in simsiam.metrics])
    simsiam.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.6))
    history = simsiam.fit([view_one, view_two], epochs=5, batch_size=10, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print("simsiam", key, np.round(history.history[key], 4).tolist())
    z1, z2, p1, p2 = simsiam([view_one[:4], view_two[:4]])
    print("simsiam z1", np.round(ops.convert_to_numpy(z1)[0, :4].astype("float64"), 4).tolist())
    print("simsiam loss now", round(float(ops.convert_to_numpy(negative_cosine(p1, z2))), 4))

    loss = BarlowLoss(batch_size=10)
    barlow = BarlowModel(encoder_model("barlow_encoder"), loss)
    barlow.model.set_weights(initial_weights(barlow.model, init))
    barlow(view_one[:2])
    start = loss(barlow.model(view_one[:10]), barlow.model(view_two[:10]))
    print("barlow loss at start", round(float(ops.convert_to_numpy(start)), 4))
    barlow.compile(optimizer=keras.optimizers.Adam(0.01))
    history = barlow.fit([view_one, view_two], epochs=5, batch_size=10, shuffle=False, verbose=0)
    print("barlow loss", np.round(history.history["loss"], 4).tolist())
    c = ops.matmul(ops.transpose(loss.normalize(barlow.model(view_one))), loss.normalize(barlow.model(view_two))) / 40
    print("cross-correlation diagonal", np.round(ops.convert_to_numpy(ops.diagonal(c)).astype("float64"), 3).tolist())
    print("off diagonal", round(float(ops.convert_to_numpy(ops.sum(ops.square(loss.get_off_diag(c))))), 4))
    bn = barlow.model.layers[2]
    print("barlow moving variance", np.round(ops.convert_to_numpy(bn.moving_variance)[:4].astype("float64"),
                                             4).tolist())
    print("iterations", int(ops.convert_to_numpy(simsiam.optimizer.iterations)),
          int(ops.convert_to_numpy(barlow.optimizer.iterations)))


if __name__ == "__main__":
    main()
