"""Regressions for what an eighth round of keras.io examples found when run with only their import changed, each
compared with real Keras 3 on its torch backend."""
import numpy as np

from .oracle import fresh_sessions


def _received_masks(K):
    """The mask arguments five custom layers receive, eager and in a functional model, from two masked
    embeddings: a call taking two tensors and `mask`, one declaring `a_mask`/`b_mask`, one taking a list, and
    one with an optional second tensor given or not."""
    seen = []

    def record(*masks):
        seen.append([None if m is None else (np.asarray(K.ops.convert_to_numpy(m)).astype(int).tolist()
                                             if not isinstance(m, (list, tuple)) else
                                             [np.asarray(K.ops.convert_to_numpy(k)).astype(int).tolist() for k in m])
                     for m in masks])

    class Two(K.layers.Layer):
        def call(self, inputs, other, mask=None):
            record(mask)
            return inputs + other

    class Named(K.layers.Layer):
        def call(self, a, b, a_mask=None, b_mask=None):
            record(a_mask, b_mask)
            return a + b

    class Listed(K.layers.Layer):
        def call(self, inputs, mask=None):
            record(mask)
            return inputs[0] + inputs[1]

    class Optional(K.layers.Layer):
        def call(self, inputs, other=None, mask=None):
            record(mask)
            return inputs if other is None else inputs + other

    first, second = np.array([[1, 2, 0], [3, 0, 0]]), np.array([[1, 0, 0], [3, 4, 0]])
    embedding = K.layers.Embedding(5, 2, mask_zero=True)
    e, f = embedding(first), embedding(second)
    Two()(e, f), Named()(e, f), Listed()([e, f]), Optional()(e), Optional()(e, other=f), Optional()(e, f)
    eager = list(seen)
    i1, i2 = K.Input((3,), dtype="int32"), K.Input((3,), dtype="int32")
    embedding = K.layers.Embedding(5, 2, mask_zero=True)
    a, b = embedding(i1), embedding(i2)
    model = K.Model([i1, i2], [Two()(a, b), Named()(a, b), Listed()([a, b]), Optional()(a, other=b)])
    seen.clear()
    model([first, second])
    return eager, sorted(map(repr, seen))


def test_a_call_with_several_tensor_arguments_gets_keras_mask_arguments():
    """Keras fills `mask` only for a call with one tensor argument, and `<name>_mask` for each tensor argument of a
    call with several; deepgrad gave `mask` the first input's mask whatever the count and never filled
    `<name>_mask` (keras-io's Transformer translator, whose decoder is called as `decoder(x, encoder_outputs)`,
    attended with a padding mask Keras does not use: first loss 4.0408 where Keras prints 4.0237)."""
    theirs, ours = fresh_sessions()
    assert _received_masks(ours) == _received_masks(theirs)


def _lstm_with_initial_state(K):
    K.utils.set_random_seed(0)
    ids = np.array([[1, 2, 0, 0], [3, 1, 4, 0]])
    embedded = K.layers.Embedding(5, 3, mask_zero=True)(ids)
    lstm = K.layers.LSTM(2, return_sequences=True)
    state = np.full((2, 2), 0.5, "float32")
    return [K.ops.convert_to_numpy(lstm(embedded)), K.ops.convert_to_numpy(lstm(embedded, initial_state=[state, state]))]


def test_an_rnn_given_an_initial_state_runs_as_keras_over_a_masked_input():
    """With `initial_state` the RNN's call has two tensor arguments, so Keras passes it no mask and it steps through
    the padding; without one it keeps the last unmasked output."""
    theirs, ours = fresh_sessions()
    for a, b in zip(_lstm_with_initial_state(ours), _lstm_with_initial_state(theirs)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _translator_losses(K):
    """keras-io's English-to-Spanish Transformer at toy sizes (masks from its PositionalEmbedding), two epochs."""
    ops, layers = K.ops, K.layers
    K.utils.set_random_seed(1)

    class Embed(layers.Layer):
        def __init__(self, length, vocab, dim, **kwargs):
            super().__init__(**kwargs)
            self.tokens = layers.Embedding(vocab, dim)
            self.positions = layers.Embedding(length, dim)

        def call(self, inputs):
            return self.tokens(inputs) + self.positions(ops.arange(0, ops.shape(inputs)[-1], 1))

        def compute_mask(self, inputs, mask=None):
            return ops.not_equal(inputs, 0)

    class Decoder(layers.Layer):
        def __init__(self, dim, heads, **kwargs):
            super().__init__(**kwargs)
            self.attention_1 = layers.MultiHeadAttention(num_heads=heads, key_dim=dim)
            self.attention_2 = layers.MultiHeadAttention(num_heads=heads, key_dim=dim)
            self.norm_1, self.norm_2 = layers.LayerNormalization(), layers.LayerNormalization()
            self.supports_masking = True

        def call(self, inputs, encoder_outputs, mask=None):
            n = ops.shape(inputs)[1]
            causal = ops.tile(ops.cast(ops.arange(n)[:, None] >= ops.arange(n), "int32")[None],
                              (ops.shape(inputs)[0], 1, 1))
            padding = None if mask is None else ops.minimum(ops.cast(mask[:, None, :], "int32"), causal)
            out = self.norm_1(inputs + self.attention_1(inputs, inputs, attention_mask=causal))
            return self.norm_2(out + self.attention_2(out, encoder_outputs, attention_mask=padding))

    rng = np.random.default_rng(0)
    source = rng.integers(1, 12, (32, 6)) * (np.arange(6) < rng.integers(2, 6, (32, 1)))
    target = np.roll(source, 1, axis=1)
    encoder_inputs, decoder_inputs = K.Input((None,), dtype="int64"), K.Input((None,), dtype="int64")
    encoded = Embed(6, 12, 8)(encoder_inputs)
    decoded = Decoder(8, 2)(Embed(6, 12, 8)(decoder_inputs), encoded)
    model = K.Model([encoder_inputs, decoder_inputs], layers.Dense(12, activation="softmax")(decoded))
    model.compile("rmsprop", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit([source, target], target, batch_size=8, epochs=2, verbose=0)
    return history.history


def test_the_translator_trains_as_keras():
    theirs, ours = fresh_sessions()
    mine, keras_history = _translator_losses(ours), _translator_losses(theirs)
    for key in keras_history:
        np.testing.assert_allclose(mine[key], keras_history[key], rtol=2e-5, err_msg=key)


def _loader_draws(torch, loaders):
    """Global-stream draws made between iter() and the first next() of a shuffling DataLoader, and the batches."""
    torch.manual_seed(0)
    data = loaders.TensorDataset(torch.arange(10))
    loader = loaders.DataLoader(data, batch_size=3, shuffle=True)
    iterator = iter(loader)
    drawn = float(torch.rand(1))
    batches = [b[0].tolist() for b in iterator]
    sampled = loaders.DataLoader(data, batch_size=4, sampler=loaders.RandomSampler(data))
    iterator = iter(sampled)
    return drawn, batches, float(torch.rand(1)), [b[0].tolist() for b in iterator]


def test_a_single_process_loader_draws_its_order_at_the_first_batch_as_pytorch():
    """PyTorch's single-process DataLoader iterator reads its sampler (a shuffle draws its seed from the global
    stream) at the first next(); deepgrad drew it at iter(), so a draw in between (Keras's validation pass between
    an epoch that used the data up and the next) saw another stream and the next epoch another order."""
    from .oracle import real_keras
    real_keras()
    import torch
    import torch.utils.data as torch_data

    import autograd as ag
    import nn.data as our_data
    assert _loader_draws(ag, our_data) == _loader_draws(torch, torch_data)


def _steps_per_epoch_batches(K, steps):
    """The first target of every batch fit reads over arrays with steps_per_epoch, validation and Dropout."""
    import warnings
    K.utils.set_random_seed(3)
    seen = []

    class Recording(K.Model):
        def train_step(self, data):
            seen.append(int(round(float(K.ops.convert_to_numpy(data[1])[0]) * 20)))
            return super().train_step(data)

    inputs = K.Input((2,))
    model = Recording(inputs, K.layers.Dense(1)(K.layers.Dropout(0.5)(K.layers.Dense(8)(inputs))))
    model.compile("sgd", "mse")
    x, y = np.arange(40, dtype="float32").reshape(20, 2) / 40, np.arange(20, dtype="float32") / 20
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(x, y, epochs=4, batch_size=4, verbose=0, steps_per_epoch=steps,
                            validation_data=(x[:8], y[:8]))
        evaluated = model.evaluate(x, y, batch_size=4, steps=3, verbose=0)
    return seen, history.history, evaluated


def test_fit_with_steps_per_epoch_reads_arrays_in_keras_order():
    """keras-io's debugging tips fit with steps_per_epoch: deepgrad took none of the draws of the batch Keras reads
    to build the model, so the first batch already differed ([1, 6, 9, ...] where Keras reads [6, 5, 1, ...]), and
    it made the next pass's iterator at the next epoch rather than when the data ran out."""
    for steps in (3, 7):
        theirs, ours = fresh_sessions()
        (seen_ours, history_ours, eval_ours), (seen, history, evaluated) = (
            _steps_per_epoch_batches(ours, steps), _steps_per_epoch_batches(theirs, steps))
        assert seen_ours == seen
        for key in history:
            np.testing.assert_allclose(history_ours[key], history[key], rtol=1e-5, err_msg=key)
        np.testing.assert_allclose(eval_ours, evaluated, rtol=1e-5)


def _activations_on_symbolic_tensors(K):
    """A functional model built by calling keras.activations on KerasTensors (keras-io's MobileViT calls
    `keras.activations.swish(m)` between layers): its operation names, predictions, and mish's refusal."""
    K.utils.set_random_seed(0)
    inputs = K.Input((4, 6))
    x = K.activations.swish(K.layers.Dense(6)(inputs))
    x = K.activations.exponential(K.activations.leaky_relu(x, negative_slope=0.3)) + K.activations.celu(x)
    x = K.activations.softmax(K.activations.gelu(x), axis=1) + K.activations.threshold(x, 0.5, 0.0)
    model = K.Model(inputs, K.activations.linear(K.layers.Dense(2)(x)))
    names = [op.name for op in model.operations]
    refused = []
    for name in ("mish", "hard_silu", "sparsemax"):
        try:
            getattr(K.activations, name)(inputs)
        except ValueError:
            refused.append(name)
    data = np.random.default_rng(0).normal(size=(3, 4, 6)).astype("float32")
    return names, refused, model.predict(data, verbose=0)


def test_keras_activations_build_graph_nodes_from_symbolic_tensors():
    """deepgrad's keras.activations converted their argument to an array, so calling one on a KerasTensor while
    building a functional model raised SymbolicValueError (keras-io's MobileViT could not be built)."""
    theirs, ours = fresh_sessions()
    (names, refused, predicted), (k_names, k_refused, k_predicted) = (
        _activations_on_symbolic_tensors(ours), _activations_on_symbolic_tensors(theirs))
    assert refused == k_refused == ["mish", "hard_silu", "sparsemax"]
    assert names == k_names
    np.testing.assert_allclose(predicted, k_predicted, rtol=1e-5, atol=1e-6)


_WARNING_PROGRAM = """
import os, sys, warnings
import numpy as np
if sys.argv[1] == "keras":
    os.environ["KERAS_BACKEND"] = "torch"
    import keras
else:
    from nn import keras
class Noisy(keras.layers.Layer):
    def call(self, x):
        warnings.warn("noisy layer called")
        return x
class Decoder(keras.layers.Layer):
    def call(self, inputs, other, mask=None):
        return inputs + other
ids = keras.Input((None,), dtype="int32")
embedded = keras.layers.Embedding(5, 4, mask_zero=True)(ids)
inner_in = [keras.Input((None, 4)), keras.Input((None, 4))]
inner = keras.Model(inner_in, Decoder()(*inner_in))
model = keras.Model(ids, keras.layers.Dense(1)(Noisy()(inner([embedded, embedded]))))
model.compile("sgd", "mse")
x = np.array([[1, 2, 0], [3, 0, 0]] * 2)
model.fit(x, np.ones((4, 3, 1), "float32"), verbose=0, epochs=2)
model.predict(x, verbose=0)
"""


def _shown_warnings(which):
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", _WARNING_PROGRAM, which], capture_output=True, text=True,
                          timeout=300, env={k: v for k, v in __import__("os").environ.items()
                                            if k != "PYTHONWARNINGS"})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stderr.count("noisy layer called"), done.stderr.count("does not support masking")


def test_a_warning_shown_while_building_is_not_shown_again_at_fit():
    """Python shows a warning once per place, but forgets that whenever the warnings filters change: the shape
    probe's warnings.catch_warnings and autograd's NumPy filter, moved back in front of the filter scipy adds when
    imported, both changed them at the first fit, so a layer's warning (Keras's masking warning in the
    translator) was shown again there."""
    from .oracle import real_keras
    real_keras()
    assert _shown_warnings("ours") == _shown_warnings("keras")
