"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Denoising Diffusion Implicit
Models": a sinusoidal embedding of the noise variance (a registered function in a Lambda layer, UpSampling2D to
the image size), a small U-Net of residual blocks (BatchNormalization without center/scale, swish convolutions,
AveragePooling2D down, bilinear UpSampling2D up, skip Concatenates), a DiffusionModel with a cosine diffusion
schedule, a Normalization layer adapted to the images, an EMA copy of the network made with
keras.models.clone_model, a custom train_step (noise loss backward, optimizer.apply, EMA update, Mean trackers),
a test_step, and deterministic DDIM sampling (reverse diffusion from given initial noise) with denormalization.
The noises and diffusion times come with the data from NumPy (the example draws them with keras.random), and the
weights are set from NumPy arrays, so real Keras and deepgrad print the same numbers."""
import math

import numpy as np
import torch

import keras
from keras import layers, ops

IMAGE_SIZE = 8
EMBEDDING_DIMS = 8
EMBEDDING_MAX_FREQUENCY = 1000.0
WIDTHS = [8, 12]
BLOCK_DEPTH = 1
MIN_SIGNAL_RATE = 0.02
MAX_SIGNAL_RATE = 0.95
EMA = 0.9


@keras.saving.register_keras_serializable()
def sinusoidal_embedding(x):
    embedding_min_frequency = 1.0
    frequencies = ops.exp(ops.linspace(ops.log(embedding_min_frequency), ops.log(EMBEDDING_MAX_FREQUENCY),
                                       EMBEDDING_DIMS // 2))
    angular_speeds = ops.cast(2.0 * math.pi * frequencies, "float32")
    embeddings = ops.concatenate([ops.sin(angular_speeds * x), ops.cos(angular_speeds * x)], axis=3)
    return embeddings


def ResidualBlock(width):
    def apply(x):
        input_width = x.shape[3]
        if input_width == width:
            residual = x
        else:
            residual = layers.Conv2D(width, kernel_size=1)(x)
        x = layers.BatchNormalization(center=False, scale=False)(x)
        x = layers.Conv2D(width, kernel_size=3, padding="same", activation="swish")(x)
        x = layers.Conv2D(width, kernel_size=3, padding="same")(x)
        x = layers.Add()([x, residual])
        return x
    return apply


def DownBlock(width, block_depth):
    def apply(x):
        x, skips = x
        for _ in range(block_depth):
            x = ResidualBlock(width)(x)
            skips.append(x)
        x = layers.AveragePooling2D(pool_size=2)(x)
        return x
    return apply


def UpBlock(width, block_depth):
    def apply(x):
        x, skips = x
        x = layers.UpSampling2D(size=2, interpolation="bilinear")(x)
        for _ in range(block_depth):
            x = layers.Concatenate()([x, skips.pop()])
            x = ResidualBlock(width)(x)
        return x
    return apply


def get_network(image_size, widths, block_depth):
    noisy_images = keras.Input(shape=(image_size, image_size, 3))
    noise_variances = keras.Input(shape=(1, 1, 1))

    e = layers.Lambda(sinusoidal_embedding, output_shape=(1, 1, EMBEDDING_DIMS))(noise_variances)
    e = layers.UpSampling2D(size=image_size, interpolation="nearest")(e)

    x = layers.Conv2D(widths[0], kernel_size=1)(noisy_images)
    x = layers.Concatenate()([x, e])

    skips = []
    for width in widths[:-1]:
        x = DownBlock(width, block_depth)([x, skips])

    for _ in range(block_depth):
        x = ResidualBlock(widths[-1])(x)

    for width in reversed(widths[:-1]):
        x = UpBlock(width, block_depth)([x, skips])

    x = layers.Conv2D(3, kernel_size=1, kernel_initializer="zeros")(x)

    return keras.Model([noisy_images, noise_variances], x, name="residual_unet")


class DiffusionModel(keras.Model):
    def __init__(self, image_size, widths, block_depth):
        super().__init__()
        self.normalizer = layers.Normalization()
        self.network = get_network(image_size, widths, block_depth)
        self.ema_network = keras.models.clone_model(self.network)
        self.image_size = image_size

    def compile(self, loss, **kwargs):
        super().compile(**kwargs)
        self.loss_fn = loss
        self.noise_loss_tracker = keras.metrics.Mean(name="n_loss")
        self.image_loss_tracker = keras.metrics.Mean(name="i_loss")

    @property
    def metrics(self):
        return [self.noise_loss_tracker, self.image_loss_tracker]

    def denormalize(self, images):
        images = self.normalizer.mean + images * self.normalizer.variance**0.5
        return ops.clip(images, 0.0, 1.0)

    def diffusion_schedule(self, diffusion_times):
        start_angle = ops.cast(ops.arccos(MAX_SIGNAL_RATE), "float32")
        end_angle = ops.cast(ops.arccos(MIN_SIGNAL_RATE), "float32")
        diffusion_angles = start_angle + diffusion_times * (end_angle - start_angle)
        signal_rates = ops.cos(diffusion_angles)
        noise_rates = ops.sin(diffusion_angles)
        return noise_rates, signal_rates

    def denoise(self, noisy_images, noise_rates, signal_rates, training):
        if training:
            network = self.network
        else:
            network = self.ema_network
        pred_noises = network([noisy_images, noise_rates**2], training=training)
        pred_images = (noisy_images - noise_rates * pred_noises) / signal_rates
        return pred_noises, pred_images

    def reverse_diffusion(self, initial_noise, diffusion_steps):
        num_images = initial_noise.shape[0]
        step_size = 1.0 / diffusion_steps
        next_noisy_images = initial_noise
        for step in range(diffusion_steps):
            noisy_images = next_noisy_images
            diffusion_times = ops.ones((num_images, 1, 1, 1)) - step * step_size
            noise_rates, signal_rates = self.diffusion_schedule(diffusion_times)
            pred_noises, pred_images = self.denoise(noisy_images, noise_rates, signal_rates, training=False)
            next_diffusion_times = diffusion_times - step_size
            next_noise_rates, next_signal_rates = self.diffusion_schedule(next_diffusion_times)
            next_noisy_images = next_signal_rates * pred_images + next_noise_rates * pred_noises
        return pred_images

    def generate(self, initial_noise, diffusion_steps):
        generated_images = self.reverse_diffusion(initial_noise, diffusion_steps)
        generated_images = self.denormalize(generated_images)
        return generated_images

    def call(self, inputs):
        images, noises, diffusion_times = inputs
        noise_rates, signal_rates = self.diffusion_schedule(diffusion_times)
        noisy_images = signal_rates * self.normalizer(images) + noise_rates * noises
        return self.denoise(noisy_images, noise_rates, signal_rates, training=False)[0]

    def train_step(self, data):
        images, noises, diffusion_times = data[0]
        images = self.normalizer(images, training=True)
        noise_rates, signal_rates = self.diffusion_schedule(diffusion_times)
        noisy_images = signal_rates * images + noise_rates * noises

        self.zero_grad()
        pred_noises, pred_images = self.denoise(noisy_images, noise_rates, signal_rates, training=True)
        noise_loss = self.loss_fn(noises, pred_noises)
        image_loss = self.loss_fn(images, pred_images)
        ops.mean(noise_loss).backward()
        trainable_weights = self.network.trainable_weights
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)

        self.noise_loss_tracker.update_state(noise_loss)
        self.image_loss_tracker.update_state(image_loss)

        for weight, ema_weight in zip(self.network.weights, self.ema_network.weights):
            ema_weight.assign(EMA * ema_weight + (1 - EMA) * weight)

        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        images, noises, diffusion_times = data[0]
        images = self.normalizer(images, training=False)
        noise_rates, signal_rates = self.diffusion_schedule(diffusion_times)
        noisy_images = signal_rates * images + noise_rates * noises
        pred_noises, pred_images = self.denoise(noisy_images, noise_rates, signal_rates, training=False)
        self.noise_loss_tracker.update_state(self.loss_fn(noises, pred_noises))
        self.image_loss_tracker.update_state(self.loss_fn(images, pred_images))
        return {m.name: m.result() for m in self.metrics}


def main():
    rng = np.random.default_rng(2)
    base = rng.uniform(0.2, 0.8, (40, 1, 1, 3))
    ramp = np.linspace(0.0, 0.3, IMAGE_SIZE)[None, :, None, None]
    images = np.clip(base + ramp + 0.05 * rng.normal(size=(40, IMAGE_SIZE, IMAGE_SIZE, 3)), 0, 1).astype("float32")
    noises = rng.normal(size=images.shape).astype("float32")
    times = rng.uniform(0.0, 1.0, (40, 1, 1, 1)).astype("float32")

    model = DiffusionModel(IMAGE_SIZE, WIDTHS, BLOCK_DEPTH)
    model.compile(optimizer=keras.optimizers.AdamW(learning_rate=2e-3, weight_decay=1e-4),
                  loss=keras.losses.mean_absolute_error)
    model.normalizer.adapt(images)
    model([images[:2], noises[:2], times[:2]])
    print("mean", np.round(ops.convert_to_numpy(model.normalizer.mean).ravel().astype("float64"), 4).tolist())
    init = np.random.default_rng(6)
    start = [init.normal(0.0, 0.2, value.shape).astype("float32") if w.trainable else value
             for w, value in zip(model.network.weights, model.network.get_weights())]
    model.network.set_weights(start)
    model.ema_network.set_weights(start)
    print("network", model.network.name, "layers", len(model.network.layers), "params",
          model.network.count_params(), "ema params", model.ema_network.count_params())
    embedding = sinusoidal_embedding(ops.convert_to_tensor(np.full((2, 1, 1, 1), 0.3, "float32")))
    print("embedding", np.round(ops.convert_to_numpy(embedding)[0, 0, 0].astype("float64"), 3).tolist())
    noise_rates, signal_rates = model.diffusion_schedule(ops.convert_to_tensor(
        np.array([0.0, 0.5, 1.0], "float32").reshape(3, 1, 1, 1)))
    print("schedule", np.round(ops.convert_to_numpy(noise_rates).ravel().astype("float64"), 4).tolist(),
          np.round(ops.convert_to_numpy(signal_rates).ravel().astype("float64"), 4).tolist())

    history = model.fit([images[:32], noises[:32], times[:32]], epochs=3, batch_size=8, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    print("evaluate", np.round(model.evaluate([images[32:], noises[32:], times[32:]], verbose=0), 4).tolist())
    ema_kernel = ops.convert_to_numpy(model.ema_network.layers[-1].kernel)
    print("ema output kernel", np.round(ema_kernel.ravel()[:5].astype("float64"), 5).tolist())

    initial_noise = ops.convert_to_tensor(np.random.default_rng(8).normal(
        size=(2, IMAGE_SIZE, IMAGE_SIZE, 3)).astype("float32"))
    generated = ops.convert_to_numpy(model.generate(initial_noise, diffusion_steps=5))
    print("generated", generated.shape, round(float(generated.mean()), 4), round(float(generated.std()), 4))
    print("generated pixel", np.round(generated[0, 0, 0].astype("float64"), 4).tolist())
    finer = ops.convert_to_numpy(model.generate(initial_noise, diffusion_steps=10))
    print("10 steps", round(float(finer.mean()), 4), "max change", round(float(np.abs(finer - generated).max()), 4))
    print("variance", np.round(ops.convert_to_numpy(model.normalizer.variance).ravel().astype("float64"), 4).tolist(),
          "ema weights", len(model.ema_network.weights), [w.path for w in model.ema_network.weights[:2]])


if __name__ == "__main__":
    main()
