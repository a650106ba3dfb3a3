"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Vector-Quantized Variational
Autoencoders": a VectorQuantizer layer (a codebook made with add_weight, code indices by ops.argmin of the
distances, ops.one_hot and a matmul with the transposed codebook, the commitment and codebook losses added with
add_loss and ops.stop_gradient, the straight-through estimator x + stop_gradient(quantized - x)) between a
strided Conv2D encoder and a Conv2DTranspose decoder; a VQVAETrainer model whose train_step adds the
quantizer's losses to the variance-scaled reconstruction loss, with total / reconstruction / vq Mean trackers;
then the codes of test images, their codebook usage, and images decoded from chosen codes. The images and weights
come from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np
import torch

import keras
from keras import layers, ops

LATENT_DIM = 4
NUM_EMBEDDINGS = 6


class VectorQuantizer(layers.Layer):
    def __init__(self, num_embeddings, embedding_dim, beta=0.25, **kwargs):
        super().__init__(**kwargs)
        self.embedding_dim = embedding_dim
        self.num_embeddings = num_embeddings
        # The `beta` parameter is best kept between [0.25, 2] as per the paper.
        self.beta = beta
        self.embeddings = self.add_weight(shape=(self.embedding_dim, self.num_embeddings),
                                          initializer="random_uniform", trainable=True, name="embeddings_vqvae")

    def call(self, x):
        # Calculate the input shape of the inputs and then flatten the inputs keeping `embedding_dim` intact.
        input_shape = ops.shape(x)
        flattened = ops.reshape(x, [-1, self.embedding_dim])

        # Quantization.
        encoding_indices = self.get_code_indices(flattened)
        encodings = ops.one_hot(encoding_indices, self.num_embeddings)
        quantized = ops.matmul(encodings, ops.transpose(self.embeddings))

        # Reshape the quantized values back to the original input shape
        quantized = ops.reshape(quantized, input_shape)

        # Calculate vector quantization loss and add that to the layer.
        commitment_loss = ops.mean((ops.stop_gradient(quantized) - x) ** 2)
        codebook_loss = ops.mean((quantized - ops.stop_gradient(x)) ** 2)
        self.add_loss(self.beta * commitment_loss + codebook_loss)

        # Straight-through estimator.
        quantized = x + ops.stop_gradient(quantized - x)
        return quantized

    def get_code_indices(self, flattened_inputs):
        # Calculate L2-normalized distance between the inputs and the codes.
        similarity = ops.matmul(flattened_inputs, self.embeddings)
        distances = (ops.sum(flattened_inputs**2, axis=1, keepdims=True) + ops.sum(self.embeddings**2, axis=0)
                     - 2 * similarity)

        # Derive the indices for minimum distances.
        encoding_indices = ops.argmin(distances, axis=1)
        return encoding_indices


def get_encoder(latent_dim=LATENT_DIM):
    encoder_inputs = keras.Input(shape=(8, 8, 1))
    x = layers.Conv2D(8, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Conv2D(8, 3, activation="relu", strides=2, padding="same")(x)
    encoder_outputs = layers.Conv2D(latent_dim, 1, padding="same")(x)
    return keras.Model(encoder_inputs, encoder_outputs, name="encoder")


def get_decoder(latent_dim=LATENT_DIM):
    latent_inputs = keras.Input(shape=get_encoder(latent_dim).output.shape[1:])
    x = layers.Conv2DTranspose(8, 3, activation="relu", strides=2, padding="same")(latent_inputs)
    x = layers.Conv2DTranspose(8, 3, activation="relu", strides=2, padding="same")(x)
    decoder_outputs = layers.Conv2DTranspose(1, 3, padding="same")(x)
    return keras.Model(latent_inputs, decoder_outputs, name="decoder")


def get_vqvae(latent_dim=LATENT_DIM, num_embeddings=NUM_EMBEDDINGS):
    vq_layer = VectorQuantizer(num_embeddings, latent_dim, name="vector_quantizer")
    encoder = get_encoder(latent_dim)
    decoder = get_decoder(latent_dim)
    inputs = keras.Input(shape=(8, 8, 1))
    encoder_outputs = encoder(inputs)
    quantized_latents = vq_layer(encoder_outputs)
    reconstructions = decoder(quantized_latents)
    return keras.Model(inputs, reconstructions, name="vq_vae")


class VQVAETrainer(keras.models.Model):
    def __init__(self, train_variance, latent_dim=LATENT_DIM, num_embeddings=NUM_EMBEDDINGS, **kwargs):
        super().__init__(**kwargs)
        self.train_variance = train_variance
        self.latent_dim = latent_dim
        self.num_embeddings = num_embeddings

        self.vqvae = get_vqvae(self.latent_dim, self.num_embeddings)

        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.vq_loss_tracker = keras.metrics.Mean(name="vq_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.vq_loss_tracker]

    def call(self, x):
        return self.vqvae(x)

    def train_step(self, x):
        if isinstance(x, tuple):
            x = x[0]
        self.zero_grad()
        # Outputs from the VQ-VAE.
        reconstructions = self.vqvae(x)

        # Calculate the losses.
        reconstruction_loss = ops.mean((x - reconstructions) ** 2) / self.train_variance
        total_loss = reconstruction_loss + sum(self.vqvae.losses)

        # Backpropagation.
        total_loss.backward()
        trainable_weights = self.vqvae.trainable_weights
        grads = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(grads, trainable_weights)

        # Loss tracking.
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.vq_loss_tracker.update_state(sum(self.vqvae.losses))

        # Log results.
        return {"loss": self.total_loss_tracker.result(),
                "reconstruction_loss": self.reconstruction_loss_tracker.result(),
                "vqvae_loss": self.vq_loss_tracker.result()}


def main():
    rng = np.random.default_rng(8)
    strokes = np.zeros((48, 8, 8, 1), "float32")
    for k in range(48):
        row, col = rng.integers(1, 7, 2)
        strokes[k, row, :, 0] = 1.0 if k % 2 else 0.0
        strokes[k, :, col, 0] = 1.0 if k % 3 else 0.0
    images = np.clip(strokes + rng.normal(0, 0.1, strokes.shape), 0, 1).astype("float32")
    x_train, x_test = images[:40], images[40:]
    x_train_scaled = x_train - 0.5
    x_test_scaled = x_test - 0.5
    data_variance = float(np.var(x_train))
    print("variance", round(data_variance, 4))

    vqvae_trainer = VQVAETrainer(data_variance, latent_dim=LATENT_DIM, num_embeddings=NUM_EMBEDDINGS)
    vqvae_trainer(x_train_scaled[:2])
    init = np.random.default_rng(3)
    vqvae_trainer.vqvae.set_weights([init.normal(0.0, 0.4, w.shape).astype("float32")
                                     for w in vqvae_trainer.vqvae.get_weights()])
    print("vqvae", [layer.name for layer in vqvae_trainer.vqvae.layers], vqvae_trainer.vqvae.count_params())
    print("codebook", [w.path for w in vqvae_trainer.vqvae.get_layer("vector_quantizer").weights])
    vqvae_trainer.compile(optimizer=keras.optimizers.Adam(0.01))
    history = vqvae_trainer.fit(x_train_scaled, epochs=5, batch_size=8, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())

    trained_vqvae_model = vqvae_trainer.vqvae
    reconstructions_test = trained_vqvae_model.predict(x_test_scaled, verbose=0)
    print("test reconstruction mse", round(float(np.mean((reconstructions_test - x_test_scaled) ** 2)), 4))

    encoder = vqvae_trainer.vqvae.get_layer("encoder")
    quantizer = vqvae_trainer.vqvae.get_layer("vector_quantizer")
    encoded_outputs = encoder.predict(x_test_scaled, verbose=0)
    flat_enc_outputs = encoded_outputs.reshape(-1, encoded_outputs.shape[-1])
    codebook_indices = ops.convert_to_numpy(quantizer.get_code_indices(flat_enc_outputs))
    codebook_indices = codebook_indices.reshape(encoded_outputs.shape[:-1])
    print("codes", codebook_indices[0].tolist(), codebook_indices[1].tolist())
    print("codebook usage", np.bincount(codebook_indices.ravel(), minlength=NUM_EMBEDDINGS).tolist())

    decoder = vqvae_trainer.vqvae.get_layer("decoder")
    codes = np.array([[[0, 1], [2, 3]]])
    one_hot = ops.one_hot(codes, NUM_EMBEDDINGS)
    quantized = ops.matmul(one_hot, ops.transpose(quantizer.embeddings))
    generated = decoder.predict(ops.convert_to_numpy(quantized), verbose=0)
    trained_vqvae_model(x_test_scaled[:2])
    print("quantizer loss on two test images",
          np.round([float(ops.convert_to_numpy(v)) for v in trained_vqvae_model.losses], 4).tolist())
    straight = ops.convert_to_numpy(quantizer(ops.convert_to_tensor(encoded_outputs[:1])))
    print("straight-through values", np.round(straight[0, 0, 0].astype("float64"), 4).tolist())
    print("decoded from codes", generated.shape, np.round(generated[0, :2, :4, 0].astype("float64"), 4).tolist())


if __name__ == "__main__":
    main()
