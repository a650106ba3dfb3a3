"""A Keras program, written for Keras 3, after keras.io's "Masked image modeling with Autoencoders" example, made
small: a Patches layer on keras.ops.image.extract_patches, a PatchEncoder that adds learned position embeddings,
shuffles the patches with an argsort of keras.random.uniform drawn from its own SeedGenerator and keeps a fraction
unmasked (gathers with ops.take), a mask token weight, a MultiHeadAttention + LayerNormalization encoder and a
Dense decoder, and a Model subclass whose train_step / test_step compute the loss on the masked patches only and
track it with a Mean metric; fit with validation_data, then the reconstruction of one image. Weights are set from
NumPy and the masks drawn from seeded generators, so real Keras and deepgrad print the same numbers."""
import numpy as np
import torch

import keras
from keras import layers, ops

IMAGE, PATCH, DIM = 8, 4, 8
NUM_PATCHES = (IMAGE // PATCH) ** 2


class Patches(layers.Layer):
    def call(self, images):
        patches = ops.image.extract_patches(images, PATCH)
        batch = ops.shape(patches)[0]
        return ops.reshape(patches, (batch, NUM_PATCHES, PATCH * PATCH * 3))


class PatchEncoder(layers.Layer):
    def __init__(self, mask_proportion=0.5, **kwargs):
        super().__init__(**kwargs)
        self.num_mask = int(mask_proportion * NUM_PATCHES)
        self.projection = layers.Dense(DIM)
        self.position_embedding = layers.Embedding(NUM_PATCHES, DIM)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def build(self, input_shape):
        self.mask_token = self.add_weight(shape=(1, PATCH * PATCH * 3), initializer="random_normal",
                                          name="mask_token")
        self.projection.build(input_shape)
        self.position_embedding.build((NUM_PATCHES,))

    def call(self, patches):
        batch = ops.shape(patches)[0]
        positions = self.position_embedding(ops.arange(NUM_PATCHES))[None]
        embeddings = self.projection(patches) + positions
        order = ops.argsort(keras.random.uniform((batch, NUM_PATCHES), seed=self.seed_generator), axis=-1)
        mask_idx, keep_idx = order[:, :self.num_mask], order[:, self.num_mask:]
        unmasked = ops.take_along_axis(embeddings, keep_idx[..., None], axis=1)
        masked_positions = ops.take_along_axis(ops.tile(positions, (batch, 1, 1)), mask_idx[..., None], axis=1)
        tokens = ops.tile(self.mask_token[None], (batch, self.num_mask, 1))
        masked = self.projection(tokens) + masked_positions
        return unmasked, masked, mask_idx, keep_idx


class MaskedAutoencoder(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.patches = Patches()
        self.encoder_patch = PatchEncoder()
        self.attention = layers.MultiHeadAttention(num_heads=2, key_dim=4)
        self.norm = layers.LayerNormalization(epsilon=1e-6)
        self.decoder = layers.Dense(PATCH * PATCH * 3)
        self.loss_tracker = keras.metrics.Mean(name="loss")

    @property
    def metrics(self):
        return [self.loss_tracker]

    def call(self, images):
        patches = self.patches(images)
        unmasked, masked, mask_idx, keep_idx = self.encoder_patch(patches)
        encoded = self.norm(unmasked + self.attention(unmasked, unmasked))
        decoded = self.decoder(ops.concatenate([encoded, masked], axis=1))
        order = ops.concatenate([keep_idx, mask_idx], axis=1)
        restored = ops.take_along_axis(decoded, ops.argsort(order, axis=1)[..., None], axis=1)
        return patches, restored, mask_idx

    def masked_loss(self, images):
        patches, restored, mask_idx = self(images)
        target = ops.take_along_axis(patches, mask_idx[..., None], axis=1)
        guess = ops.take_along_axis(restored, mask_idx[..., None], axis=1)
        return ops.mean(ops.square(target - guess))

    def train_step(self, data):
        images, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        self.zero_grad()
        loss = self.masked_loss(images)
        loss.backward()
        grads = [v.value.grad for v in self.trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(grads, self.trainable_weights)
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}

    def test_step(self, data):
        images, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        self.loss_tracker.update_state(self.masked_loss(images))
        return {"loss": self.loss_tracker.result()}


def main():
    rng = np.random.default_rng(3)
    base = np.linspace(0, 1, IMAGE, dtype="float32")
    images = (base[None, :, None, None] * rng.uniform(0.5, 1.5, (24, 1, 1, 3))
              + base[None, None, :, None] * rng.uniform(-0.5, 0.5, (24, 1, 1, 3))).astype("float32")
    model = MaskedAutoencoder(name="mae")
    model(images[:2])
    init = np.random.default_rng(4)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") if w.name != "gamma"
                       else np.ones(w.shape, "float32") for w in model.weights])
    print("weights", [w.path for w in model.weights][:4], len(model.weights), model.count_params())
    patches, restored, mask_idx = model(images[:2])
    print("shapes", tuple(patches.shape), tuple(restored.shape), tuple(mask_idx.shape))
    print("masked patches", ops.convert_to_numpy(mask_idx).tolist())
    print("seed state", ops.convert_to_numpy(model.encoder_patch.seed_generator.state).tolist())
    model.compile(optimizer=keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.05))
    history = model.fit(images[:16], batch_size=4, epochs=3, shuffle=False, verbose=0,
                        validation_data=(images[16:],))
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    print("val_loss", ["%.5f" % v for v in history.history["val_loss"]])
    print("seed state after fit", ops.convert_to_numpy(model.encoder_patch.seed_generator.state).tolist())
    patches, restored, mask_idx = model(images[:1])
    print("mask", ops.convert_to_numpy(mask_idx).tolist(),
          "restored", np.round(ops.convert_to_numpy(restored)[0, :, :3], 4).tolist())
    print("evaluate", "%.5f" % model.evaluate(images[16:], batch_size=4, verbose=0))


if __name__ == "__main__":
    main()
