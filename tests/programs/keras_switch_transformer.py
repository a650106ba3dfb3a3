"""A Keras program, written for Keras 3, after keras.io's "Text classification with Switch Transformer": token
and position embeddings, a Switch layer routing each token to one of several feed-forward experts (a Router with
ops.top_k, ops.one_hot, ops.cumsum expert positions cut at the expert capacity, a load-balancing loss added with
add_loss, dispatch and combine tensors applied with ops.einsum, ops.unstack / ops.stack over the experts), inside a
transformer block with MultiHeadAttention, LayerNormalization and residuals, then GlobalAveragePooling1D and a
softmax head (capacity_factor 3: on the torch backend ops.one_hot rejects positions past the capacity, which
TensorFlow turns into zeros); trained with sparse categorical cross-entropy (the auxiliary losses added) and evaluated. The
router's training noise (keras.random.uniform in the example) is left out and dropout is 0, and the data and
weights come from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

VOCAB_SIZE = 20
NUM_TOKENS_PER_EXAMPLE = 6
EMBED_DIM = 8
NUM_HEADS = 2
FF_DIM = 8
NUM_EXPERTS = 2
BATCH_SIZE = 8
NUM_TOKENS_PER_BATCH = BATCH_SIZE * NUM_TOKENS_PER_EXAMPLE
DROPOUT_RATE = 0.0


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim):
        super().__init__()
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = ops.shape(x)[-1]
        positions = ops.arange(start=0, stop=maxlen, step=1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions


def create_feedforward_network(ff_dim, embed_dim, name=None):
    return keras.Sequential([layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)], name=name)


def load_balanced_loss(router_probs, expert_mask):
    num_experts = ops.shape(expert_mask)[-1]
    density = ops.mean(expert_mask, axis=0)
    density_proxy = ops.mean(router_probs, axis=0)
    loss = ops.mean(density_proxy * density) * ops.cast((num_experts**2), "float32")
    return loss


class Router(layers.Layer):
    def __init__(self, num_experts, expert_capacity):
        super().__init__()
        self.num_experts = num_experts
        self.route = layers.Dense(units=num_experts)
        self.expert_capacity = expert_capacity

    def call(self, inputs, training=False):
        router_logits = self.route(inputs)
        router_probs = keras.activations.softmax(router_logits, axis=-1)
        expert_gate, expert_index = ops.top_k(router_probs, k=1)
        expert_mask = ops.one_hot(expert_index, self.num_experts)
        aux_loss = load_balanced_loss(router_probs, expert_mask)
        self.add_loss(aux_loss)
        position_in_expert = ops.cast(ops.cumsum(expert_mask, axis=0) * expert_mask, "int32")
        expert_mask *= ops.cast(ops.less(ops.cast(position_in_expert, "int32"), self.expert_capacity), "float32")
        expert_mask_flat = ops.sum(expert_mask, axis=-1)
        expert_gate *= expert_mask_flat
        combined_tensor = ops.expand_dims(
            expert_gate * expert_mask_flat * ops.squeeze(ops.one_hot(expert_index, self.num_experts), 1), -1
        ) * ops.squeeze(ops.one_hot(position_in_expert, self.expert_capacity), 1)
        dispatch_tensor = ops.cast(combined_tensor, "float32")
        return dispatch_tensor, combined_tensor


class Switch(layers.Layer):
    def __init__(self, num_experts, embed_dim, ff_dim, num_tokens_per_batch, capacity_factor=1):
        super().__init__()
        self.num_experts = num_experts
        self.embed_dim = embed_dim
        self.experts = [create_feedforward_network(ff_dim, embed_dim) for _ in range(num_experts)]
        self.expert_capacity = num_tokens_per_batch // self.num_experts * capacity_factor
        self.router = Router(self.num_experts, self.expert_capacity)

    def call(self, inputs):
        batch_size = ops.shape(inputs)[0]
        num_tokens_per_example = ops.shape(inputs)[1]
        inputs = ops.reshape(inputs, [NUM_TOKENS_PER_BATCH, self.embed_dim])
        dispatch_tensor, combine_tensor = self.router(inputs)
        expert_inputs = ops.einsum("ab,acd->cdb", inputs, dispatch_tensor)
        expert_inputs = ops.reshape(expert_inputs, [self.num_experts, self.expert_capacity, self.embed_dim])
        expert_input_list = ops.unstack(expert_inputs, axis=0)
        expert_output_list = [self.experts[idx](expert_input) for idx, expert_input in enumerate(expert_input_list)]
        expert_outputs = ops.stack(expert_output_list, axis=1)
        expert_outputs_combined = ops.einsum("abc,xba->xc", expert_outputs, combine_tensor)
        outputs = ops.reshape(expert_outputs_combined, [batch_size, num_tokens_per_example, self.embed_dim])
        return outputs


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ffn, dropout_rate=0.1):
        super().__init__()
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = ffn
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(dropout_rate)
        self.dropout2 = layers.Dropout(dropout_rate)

    def call(self, inputs, training=False):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output, training=training)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output, training=training)
        return self.layernorm2(out1 + ffn_output)


def create_classifier():
    switch = Switch(NUM_EXPERTS, EMBED_DIM, FF_DIM, NUM_TOKENS_PER_BATCH, capacity_factor=3)
    transformer_block = TransformerBlock(EMBED_DIM // NUM_HEADS, NUM_HEADS, switch, DROPOUT_RATE)

    inputs = layers.Input(shape=(NUM_TOKENS_PER_EXAMPLE,), batch_size=BATCH_SIZE)
    embedding_layer = TokenAndPositionEmbedding(NUM_TOKENS_PER_EXAMPLE, VOCAB_SIZE, EMBED_DIM)
    x = embedding_layer(inputs)
    x = transformer_block(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(DROPOUT_RATE)(x)
    x = layers.Dense(8, activation="relu")(x)
    x = layers.Dropout(DROPOUT_RATE)(x)
    outputs = layers.Dense(2, activation="softmax")(x)

    classifier = keras.Model(inputs=inputs, outputs=outputs)
    return classifier


def main():
    rng = np.random.default_rng(10)
    x = rng.integers(0, VOCAB_SIZE, (48, NUM_TOKENS_PER_EXAMPLE)).astype("int64")
    y = (np.sum(x < 7, axis=1) > np.sum(x > 13, axis=1)).astype("int64")
    x_train, y_train, x_val, y_val = x[:32], y[:32], x[32:], y[32:]
    print("labels", np.bincount(y).tolist())

    classifier = create_classifier()
    init = np.random.default_rng(4)
    classifier.set_weights([init.normal(0.0, 0.3, value.shape).astype("float32") if w.trainable else value
                            for w, value in zip(classifier.weights, classifier.get_weights())])
    print("weights", len(classifier.weights), "params", classifier.count_params())
    print("expert weights", [w.path for w in classifier.weights if "sequential" in w.path][:2])

    probabilities = classifier(x_train[:BATCH_SIZE])
    print("aux losses", len(classifier.losses),
          np.round([float(ops.convert_to_numpy(v)) for v in classifier.losses], 4).tolist())
    print("first probabilities", np.round(ops.convert_to_numpy(probabilities)[:2].astype("float64"), 4).tolist())

    router = classifier.layers[2].ffn.router
    tokens = ops.convert_to_tensor(init.normal(size=(NUM_TOKENS_PER_BATCH, EMBED_DIM)).astype("float32"))
    dispatch, combine = router(tokens)
    print("dispatch", tuple(dispatch.shape), "tokens routed", int(ops.convert_to_numpy(ops.sum(dispatch > 0))))

    classifier.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                       metrics=["accuracy"])
    history = classifier.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=4, validation_data=(x_val, y_val),
                             shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    print("evaluate", np.round(classifier.evaluate(x_val, y_val, batch_size=BATCH_SIZE, verbose=0), 4).tolist())
    print("predict", np.round(classifier.predict(x_val[:BATCH_SIZE], batch_size=BATCH_SIZE,
                                                 verbose=0)[:2].astype("float64"), 4).tolist())


if __name__ == "__main__":
    main()
