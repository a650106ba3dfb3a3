"""Keras's trainer runs a subclassed model once with training=False before its first fit, evaluate,
train_on_batch or test_on_batch after compile (nn/keras/symbolic_build.py): a keras.Sequential defined outside the
model and first called there records its preprocessing layers with that flag, and its later calls pass it on, so
a model whose `call` takes no `training` trains with its dropout off, as keras-io's Perceiver does under Keras.
Compared with real Keras 3 on its torch backend."""
import numpy as np
import pytest

from .oracle import fresh_sessions


def _perceiver_like_losses(K, fit):
    """Losses of a small subclassed model (no `training` in call) built in build(), behind a global
    Normalization + Resizing block, with a functional sub-model holding Attention and MultiHeadAttention dropout."""
    K.utils.set_random_seed(5)
    layers = K.layers
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, (24, 6, 6, 3)).astype("uint8")
    y = rng.integers(0, 5, (24, 1)).astype("int64")
    augmentation = K.Sequential([layers.Normalization(), layers.Resizing(4, 4)], name="augmentation")
    augmentation.layers[0].adapt(x)

    def block():
        inputs = layers.Input((16, 8))
        q = layers.Dense(8)(inputs)
        attended = layers.Attention(use_scale=True, dropout=0.5)([q, inputs, inputs])
        mixed = layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.5)(attended, attended)
        return K.Model(inputs, layers.Dropout(0.5)(mixed))

    class Model(K.Model):
        def build(self, input_shape):
            self.project = layers.Dense(8)
            self.block = block()
            self.pool = layers.GlobalAveragePooling1D()
            self.head = layers.Dense(5)
            super().build(input_shape)

        def call(self, inputs):
            patches = K.ops.reshape(augmentation(inputs), (-1, 16, 3))
            return self.head(self.pool(self.block(self.project(patches))))

    model = Model()
    model.compile(optimizer="adam", loss=K.losses.SparseCategoricalCrossentropy(from_logits=True))
    if fit:
        history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
        return history.history["loss"]
    return [float(model.train_on_batch(x[:8], y[:8])), float(model.test_on_batch(x[8:16], y[8:16]))]


@pytest.mark.parametrize("fit", [False, True], ids=["on_batch", "fit"])
def test_model_without_training_argument_trains_as_keras(fit):
    theirs, ours = fresh_sessions()
    np.testing.assert_allclose(_perceiver_like_losses(ours, fit), _perceiver_like_losses(theirs, fit), rtol=2e-6)
