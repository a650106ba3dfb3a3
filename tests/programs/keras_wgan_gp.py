"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "WGAN-GP overriding
Model.train_step": a WGAN subclass of keras.Model holding a critic and a generator (Sequential models), a
compile(d_optimizer, g_optimizer, d_loss_fn, g_loss_fn) override, a train_step that trains the critic d_steps times
per generator step with a gradient penalty (the gradient of the critic's output with respect to interpolated
samples, taken with backward(create_graph=True) on a tensor that requires grad, then differentiated again), two
Adam optimizers applied to their own models' trainable_weights under torch.no_grad, and Mean metrics for both
losses. The latent points and interpolation weights come with the data, so both libraries see the same numbers."""
import numpy as np
import torch

import keras
from keras import layers, ops


def discriminator_loss(real_img, fake_img):
    real_loss = ops.mean(real_img)
    fake_loss = ops.mean(fake_img)
    return fake_loss - real_loss


def generator_loss(fake_img):
    return -ops.mean(fake_img)


class WGAN(keras.Model):
    def __init__(self, discriminator, generator, discriminator_extra_steps=2, gp_weight=10.0):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.d_steps = discriminator_extra_steps
        self.gp_weight = gp_weight
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.gp_tracker = keras.metrics.Mean(name="gp")

    def compile(self, d_optimizer, g_optimizer, d_loss_fn, g_loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.d_loss_fn = d_loss_fn
        self.g_loss_fn = g_loss_fn

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker, self.gp_tracker]

    def call(self, latent):
        return self.generator(latent)

    def gradient_penalty(self, real_images, fake_images, alpha):
        """Calculates the gradient penalty on an interpolated image."""
        diff = fake_images - real_images
        interpolated = ops.stop_gradient(real_images + alpha * diff)
        interpolated.requires_grad_(True)
        # 1. Get the discriminator output for this interpolated image.
        pred = self.discriminator(interpolated, training=True)
        # 2. Calculate the gradients w.r.t to this interpolated image.
        ops.sum(pred).backward(create_graph=True)
        grads = interpolated.grad
        # 3. Calculate the norm of the gradients.
        norm = ops.sqrt(ops.sum(ops.square(grads), axis=1) + 1e-12)
        return ops.mean((norm - 1.0) ** 2)

    def train_step(self, data):
        real_images, latents, alphas = data[0]   # fit(x) hands train_step the tuple (x,)
        for i in range(self.d_steps):
            random_latent_vectors = latents[:, i]
            fake_images = self.generator(random_latent_vectors, training=True)
            self.zero_grad()
            gp = self.gradient_penalty(real_images, ops.stop_gradient(fake_images), alphas[:, i:i + 1])
            self.zero_grad()
            fake_logits = self.discriminator(ops.stop_gradient(fake_images), training=True)
            real_logits = self.discriminator(real_images, training=True)
            d_cost = self.d_loss_fn(real_img=real_logits, fake_img=fake_logits)
            d_loss = d_cost + gp * self.gp_weight
            d_loss.backward()
            weights = self.discriminator.trainable_weights
            gradients = [v.value.grad for v in weights]
            with torch.no_grad():
                self.d_optimizer.apply(gradients, weights)

        self.zero_grad()
        generated_images = self.generator(latents[:, -1], training=True)
        gen_img_logits = self.discriminator(generated_images, training=True)
        g_loss = self.g_loss_fn(gen_img_logits)
        g_loss.backward()
        weights = self.generator.trainable_weights
        gradients = [v.value.grad for v in weights]
        with torch.no_grad():
            self.g_optimizer.apply(gradients, weights)

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.gp_tracker.update_state(gp)
        return {m.name: m.result() for m in self.metrics}


def main():
    rng = np.random.default_rng(55)
    n, dim, latent_dim = 32, 4, 3
    real = (rng.normal(0, 0.3, (n, dim)) + np.array([1.0, -1.0, 0.5, 0.0])).astype("float32")
    latents = rng.normal(size=(n, 3, latent_dim)).astype("float32")
    alphas = rng.uniform(size=(n, 2)).astype("float32")

    critic = keras.Sequential([keras.Input((dim,)), layers.Dense(16), layers.LeakyReLU(0.2), layers.Dense(8,
                               activation="tanh"), layers.Dense(1)], name="critic")
    generator = keras.Sequential([keras.Input((latent_dim,)), layers.Dense(16, activation="relu"), layers.Dense(dim)],
                                 name="generator")
    init = np.random.default_rng(6)
    for model in (critic, generator):
        model.set_weights([init.normal(0, 0.4, w.shape).astype("float32") for w in model.get_weights()])

    wgan = WGAN(discriminator=critic, generator=generator, discriminator_extra_steps=2)
    wgan.compile(d_optimizer=keras.optimizers.Adam(learning_rate=0.002, beta_1=0.5, beta_2=0.9),
                 g_optimizer=keras.optimizers.Adam(learning_rate=0.002, beta_1=0.5, beta_2=0.9),
                 g_loss_fn=generator_loss, d_loss_fn=discriminator_loss)

    first = wgan.gradient_penalty(ops.convert_to_tensor(real[:8]), generator(latents[:8, 0]),
                                  ops.convert_to_tensor(alphas[:8, :1]))
    print("first gradient penalty", round(float(ops.convert_to_numpy(first)), 5))
    wgan(latents[:2, 0])   # build it, so fit does not try to build it from the data
    history = wgan.fit([real, latents, alphas], batch_size=8, epochs=5, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    samples = ops.convert_to_numpy(wgan.generator(latents[:4, 0]))
    print("samples", np.round(samples.astype("float64"), 4).tolist())
    print("sample mean", np.round(samples.mean(0).astype("float64"), 4).tolist())
    print("critic on real", np.round(ops.convert_to_numpy(critic(real[:4])).ravel().astype("float64"), 4).tolist())
    print("critic iterations", int(ops.convert_to_numpy(wgan.d_optimizer.iterations)),
          "generator iterations", int(ops.convert_to_numpy(wgan.g_optimizer.iterations)))
    print("metrics", [m.name for m in wgan.metrics])
    last = wgan.gradient_penalty(ops.convert_to_tensor(real[:8]), generator(latents[:8, 1]),
                                 ops.convert_to_tensor(alphas[:8, 1:]))
    print("final gradient penalty", round(float(ops.convert_to_numpy(last)), 5))
    points = ops.convert_to_tensor(real[:4])
    points.requires_grad_(True)
    ops.sum(critic(points)).backward(create_graph=True)
    slopes = ops.sqrt(ops.sum(ops.square(points.grad), axis=1))
    print("critic slopes", np.round(ops.convert_to_numpy(ops.stop_gradient(slopes)).astype("float64"), 4).tolist())
    critic.zero_grad()
    ops.sum(slopes).backward()
    kernel = critic.layers[0].kernel
    print("second-order gradient", np.round(ops.convert_to_numpy(kernel.value.grad)[0, :4].astype("float64"),
                                            4).tolist())
    print("critic kernel norm", round(float(np.linalg.norm(ops.convert_to_numpy(kernel))), 4))


if __name__ == "__main__":
    main()
