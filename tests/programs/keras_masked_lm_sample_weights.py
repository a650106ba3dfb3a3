"""A Keras program, written for Keras 3, after keras.io's "End-to-end Masked Language Modeling with BERT"
example at toy size: token ids masked by NumPy (a mask token, random replacements, sample weights marking the
positions to predict), a BERT-style encoder (token plus position Embedding, MultiHeadAttention, Dropout,
LayerNormalization with epsilon 1e-6, a feed-forward pair) ending in a softmax over the vocabulary, built as a
registered functional subclass MaskedLanguageModel whose compute_loss uses a reduction=None loss object and a Mean
tracker taking the sample weights, and whose compute_metrics returns the tracker; fit on (x, y, sample_weight)
with a callback printing top-k predictions at each epoch end, then the model saved to a .keras file and loaded
back. Weights are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

VOCAB = 16
MASK_ID = 1
LENGTH = 8
DIM = 8

loss_fn = keras.losses.SparseCategoricalCrossentropy(reduction=None)
loss_tracker = keras.metrics.Mean(name="loss")


@keras.saving.register_keras_serializable(package="mlm")
class MaskedLanguageModel(keras.Model):
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = loss_fn(y, y_pred, sample_weight)
        loss_tracker.update_state(loss, sample_weight=sample_weight)
        return ops.sum(loss)

    def compute_metrics(self, x, y, y_pred, sample_weight):
        return {"loss": loss_tracker.result()}

    @property
    def metrics(self):
        return [loss_tracker]


def bert_module(query, key, value, i):
    attention_output = layers.MultiHeadAttention(num_heads=2, key_dim=DIM // 2,
                                                 name=f"encoder_{i}_multiheadattention")(query, key, value)
    attention_output = layers.Dropout(0.1, seed=7, name=f"encoder_{i}_att_dropout")(attention_output)
    attention_output = layers.LayerNormalization(epsilon=1e-6, name=f"encoder_{i}_att_layernormalization")(
        query + attention_output)
    ffn = keras.Sequential([layers.Dense(2 * DIM, activation="relu"), layers.Dense(DIM)], name=f"encoder_{i}_ffn")
    ffn_output = ffn(attention_output)
    ffn_output = layers.Dropout(0.1, seed=8, name=f"encoder_{i}_ffn_dropout")(ffn_output)
    return layers.LayerNormalization(epsilon=1e-6, name=f"encoder_{i}_ffn_layernormalization")(
        attention_output + ffn_output)


@keras.saving.register_keras_serializable(package="mlm")
class PositionEmbedding(layers.Layer):
    def __init__(self, length, dim, **kwargs):
        super().__init__(**kwargs)
        self.length, self.dim = length, dim
        self.embedding = layers.Embedding(length, dim, name="table")

    def get_config(self):
        config = super().get_config()
        config.update({"length": self.length, "dim": self.dim})
        return config

    def call(self, tokens):
        positions = ops.arange(0, ops.shape(tokens)[1])
        return self.embedding(positions)


def create_masked_language_bert_model():
    inputs = layers.Input((LENGTH,), dtype="int64")
    word_embeddings = layers.Embedding(VOCAB, DIM, name="word_embedding")(inputs)
    position_embeddings = PositionEmbedding(LENGTH, DIM, name="position_embedding")(inputs)
    embeddings = word_embeddings + position_embeddings
    encoder_output = bert_module(embeddings, embeddings, embeddings, 0)
    mlm_output = layers.Dense(VOCAB, name="mlm_cls", activation="softmax")(encoder_output)
    return MaskedLanguageModel(inputs, mlm_output, name="masked_bert_model")


def get_masked_input_and_labels(rng, encoded_texts):
    inp_mask = rng.random(encoded_texts.shape) < 0.3
    inp_mask[encoded_texts <= 2] = False
    labels = -1 * np.ones(encoded_texts.shape, dtype=int)
    labels[inp_mask] = encoded_texts[inp_mask]
    encoded_texts_masked = np.copy(encoded_texts)
    inp_mask_2mask = inp_mask & (rng.random(encoded_texts.shape) < 0.90)
    encoded_texts_masked[inp_mask_2mask] = MASK_ID
    inp_mask_2random = inp_mask_2mask & (rng.random(encoded_texts.shape) < 1 / 9)
    encoded_texts_masked[inp_mask_2random] = rng.integers(3, VOCAB, inp_mask_2random.sum())
    sample_weights = np.ones(labels.shape, "float32")
    sample_weights[labels == -1] = 0
    y_labels = np.copy(encoded_texts)
    return encoded_texts_masked, y_labels, sample_weights


class MaskedTextGenerator(keras.callbacks.Callback):
    def __init__(self, sample_tokens, top_k=3):
        super().__init__()
        self.sample_tokens = sample_tokens
        self.k = top_k

    def on_epoch_end(self, epoch, logs=None):
        prediction = self.model.predict(self.sample_tokens, verbose=0)
        masked_index = np.where(self.sample_tokens == MASK_ID)[1]
        mask_prediction = prediction[0][masked_index[0]]
        top_indices = mask_prediction.argsort()[-self.k:][::-1]
        values = mask_prediction[top_indices]
        print("epoch", epoch, "loss %.5f" % logs["loss"], "top", top_indices.tolist(),
              np.round(values, 4).tolist())


def main():
    rng = np.random.default_rng(70)
    texts = np.stack([(np.arange(LENGTH) * (k % 3 + 1) + k) % (VOCAB - 3) + 3 for k in range(48)]).astype("int64")
    x_masked, y_masked, sample_weights = get_masked_input_and_labels(rng, texts)
    print("masked", int((x_masked == MASK_ID).sum()), "weights", float(sample_weights.sum()))
    sample = np.copy(texts[:1])
    sample[0, 3] = MASK_ID

    model = create_masked_language_bert_model()
    init = np.random.default_rng(71)
    model.set_weights([np.ones(w.shape, "float32") if "gamma" in w.path else
                       init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.weights])
    print("model", type(model).__name__, len(model.layers), model.count_params())
    print("paths", [w.path for w in model.weights][:6])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01))
    history = model.fit(x_masked, y_masked, sample_weight=sample_weights, batch_size=16, epochs=3, verbose=0,
                        shuffle=False, callbacks=[MaskedTextGenerator(sample)])
    print("history", {k: ["%.5f" % v for v in vals] for k, vals in sorted(history.history.items())})
    results = model.evaluate(x_masked, y_masked, sample_weight=sample_weights, batch_size=24, verbose=0,
                             return_dict=True)
    print("evaluate", {k: "%.5f" % v for k, v in results.items()})
    print("tracker", "%.5f" % float(loss_tracker.result()), "%.3f" % float(loss_tracker.count.numpy()))
    probabilities = model.predict(texts[:2], verbose=0)
    print("predict", probabilities.shape, probabilities.argmax(axis=-1).tolist())

    model.save("bert_mlm.keras")
    restored = keras.models.load_model("bert_mlm.keras")
    print("reloaded", type(restored).__name__, restored.name,
          bool(np.allclose(restored.predict(texts[:2], verbose=0), probabilities, atol=1e-6)))
    print("reloaded layers", [layer.name for layer in restored.layers])
    restored.fit(x_masked[:16], y_masked[:16], sample_weight=sample_weights[:16], batch_size=16, epochs=1,
                 verbose=0, shuffle=False)
    print("after", "%.5f" % float(loss_tracker.result()),
          np.round(restored.predict(sample, verbose=0)[0, 3, :4], 5).tolist())


if __name__ == "__main__":
    main()
