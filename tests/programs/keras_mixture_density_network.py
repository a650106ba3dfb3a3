"""A Keras program, written for Keras 3, after keras.io's "Mixture Density Networks" example: the inverted
sinusoid (one x, several y), a registered MixtureDensityOutput layer holding three Dense heads (means, scales
through an elu + 1 + epsilon activation function, mixture logits) joined with keras.ops, and a mixture negative
log-likelihood loss written with keras.ops (split, log_softmax, logsumexp); fit with EarlyStopping and a
validation split, then samples drawn from the predicted mixtures with NumPy, the layer's config, and the model
saved to a .keras file and loaded back with custom_objects. Weights are set from NumPy, so real Keras and deepgrad
print the same numbers."""
import math

import numpy as np

import keras
from keras import layers, ops

OUTPUT_DIM = 1
MIXES = 3


def elu_plus_one_plus_epsilon(x):
    """ELU activation with a very small addition to help prevent NaN in the loss."""
    return keras.activations.elu(x) + 1 + keras.backend.epsilon()


@keras.saving.register_keras_serializable(package="mdn")
class MixtureDensityOutput(layers.Layer):
    def __init__(self, output_dimension, num_mixtures, **kwargs):
        super().__init__(**kwargs)
        self.output_dim = output_dimension
        self.num_mix = num_mixtures
        self.mdn_mus = layers.Dense(num_mixtures * output_dimension, name="mdn_mus")
        self.mdn_sigmas = layers.Dense(num_mixtures * output_dimension, activation=elu_plus_one_plus_epsilon,
                                       name="mdn_sigmas")
        self.mdn_pi = layers.Dense(num_mixtures, name="mdn_pi")

    def build(self, input_shape):
        self.mdn_mus.build(input_shape)
        self.mdn_sigmas.build(input_shape)
        self.mdn_pi.build(input_shape)
        super().build(input_shape)

    def call(self, x):
        return ops.concatenate([self.mdn_mus(x), self.mdn_sigmas(x), self.mdn_pi(x)], axis=-1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + ((2 * self.output_dim + 1) * self.num_mix,)

    def get_config(self):
        config = super().get_config()
        config.update({"output_dimension": self.output_dim, "num_mixtures": self.num_mix})
        return config


def get_mixture_loss_func(output_dim, num_mixes):
    def mdn_loss_func(y_true, y_pred):
        y_pred = ops.reshape(y_pred, [-1, (2 * num_mixes * output_dim) + num_mixes])
        y_true = ops.reshape(y_true, [-1, output_dim])
        out_mu, out_sigma, out_pi = ops.split(y_pred, [num_mixes * output_dim, 2 * num_mixes * output_dim],
                                              axis=-1)
        mus = ops.reshape(out_mu, (-1, num_mixes, output_dim))
        sigmas = ops.reshape(out_sigma, (-1, num_mixes, output_dim))
        log_pi = ops.log_softmax(out_pi, axis=-1)
        z = (ops.expand_dims(y_true, 1) - mus) / sigmas
        log_prob = -0.5 * ops.sum(ops.square(z) + 2.0 * ops.log(sigmas) + math.log(2 * math.pi), axis=-1)
        return -ops.mean(ops.logsumexp(log_pi + log_prob, axis=-1))

    return mdn_loss_func


def split_mixture_params(params, output_dim, num_mixes):
    mus = params[: num_mixes * output_dim]
    sigs = params[num_mixes * output_dim: 2 * num_mixes * output_dim]
    pi_logits = params[-num_mixes:]
    return mus, sigs, pi_logits


def softmax(w, t=1.0):
    e = np.array(w) / t
    e -= e.max()
    e = np.exp(e)
    return e / e.sum()


def sample_from_output(params, output_dim, num_mixes, rng, temp=1.0, sigma_temp=1.0):
    mus, sigs, pi_logits = split_mixture_params(params, output_dim, num_mixes)
    pis = softmax(pi_logits, t=temp)
    m = rng.choice(range(len(pis)), p=pis)
    mus_vector = mus[m * output_dim: (m + 1) * output_dim]
    sig_vector = sigs[m * output_dim: (m + 1) * output_dim]
    scale_matrix = np.identity(output_dim) * sig_vector
    cov_matrix = np.matmul(scale_matrix, scale_matrix.T) * sigma_temp
    return rng.multivariate_normal(mus_vector, cov_matrix, 1)


def main():
    rng = np.random.default_rng(8)
    y_data = rng.uniform(-10.5, 10.5, 160).astype("float32")
    x_data = (7.0 * np.sin(0.75 * y_data) + 0.5 * y_data + rng.normal(0.0, 1.0, 160)).astype("float32")
    x_data, y_data = x_data.reshape(-1, 1) / 10.0, y_data.reshape(-1, 1) / 10.0

    model = keras.Sequential([keras.Input((1,)), layers.Dense(16, activation="relu", name="hidden_1"),
                              layers.Dense(16, activation="relu", name="hidden_2"),
                              MixtureDensityOutput(OUTPUT_DIM, MIXES, name="mdn_outputs")], name="mdn")
    init = np.random.default_rng(9)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.weights])
    print("weights", [w.path for w in model.weights])
    print("output shape", model.output_shape, "params", model.count_params())
    loss = get_mixture_loss_func(OUTPUT_DIM, MIXES)
    model.compile(loss=loss, optimizer=keras.optimizers.Adam(learning_rate=0.01))
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True, verbose=0)
    history = model.fit(x_data, y_data, batch_size=32, epochs=6, validation_split=0.2, callbacks=[stop],
                        verbose=0, shuffle=False)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("stopped", stop.stopped_epoch, "best", "%.5f" % stop.best)

    x_test = np.linspace(-1.0, 1.0, 7, dtype="float32").reshape(-1, 1)
    params = model.predict(x_test, verbose=0)
    print("params", params.shape, np.round(params[:2], 4).tolist())
    draw = np.random.default_rng(2)
    samples = [sample_from_output(p, OUTPUT_DIM, MIXES, draw, temp=1.0)[0, 0] for p in params]
    print("samples", np.round(samples, 4).tolist())
    print("sigmas positive", bool((params[:, MIXES:2 * MIXES] > 0).all()))
    print("loss on test", "%.5f" % float(loss(ops.convert_to_tensor(y_data[:7]), ops.convert_to_tensor(params))))

    config = model.get_layer("mdn_outputs").get_config()
    print("config", {k: config[k] for k in ("name", "output_dimension", "num_mixtures", "trainable")})
    print("registered", keras.saving.get_registered_name(MixtureDensityOutput))
    model.save("mdn.keras")
    restored = keras.models.load_model("mdn.keras", custom_objects={
        "mdn_loss_func": loss, "elu_plus_one_plus_epsilon": elu_plus_one_plus_epsilon})
    print("reloaded", type(restored.layers[-1]).__name__, bool(np.allclose(
        restored.predict(x_test, verbose=0), params, atol=1e-6)))
    print("evaluate", "%.5f" % restored.evaluate(x_data, y_data, batch_size=40, verbose=0))


if __name__ == "__main__":
    main()
