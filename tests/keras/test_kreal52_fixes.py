"""Regressions for what a third round of keras.io examples (keras_recipes/mixture_of_experts,
vision/knowledge_distillation, generative/lstm_character_level_text_generation, vision/siamese_contrastive, ...)
found when run with only their import changed, each compared with real Keras 3 on its torch backend."""
import numpy as np

import autograd as ag

from .oracle import fresh_sessions


def _dropout_model(K):
    K.utils.set_random_seed(7)
    inputs = K.Input(shape=(20,))
    hidden = K.layers.Dropout(0.5)(K.layers.Dense(32, activation="relu")(inputs))
    model = K.Model(inputs, K.layers.Dense(10, activation="softmax")(hidden))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _data():
    rng = np.random.default_rng(0)
    return rng.random((64, 20)).astype("float32"), rng.integers(0, 10, (64, 1))


def _on_batch_run(K, draw):
    """Each *_on_batch call, then fit and evaluate, with a draw from the global stream after each."""
    model, (x, y) = _dropout_model(K), _data()
    seen = [model.test_on_batch(x[:4], y[:4]), draw()]
    seen += [model.predict_on_batch(x[:4]), draw()]
    seen += [model.train_on_batch(x[:8], y[:8]), draw()]
    seen += [model.train_on_batch(x[8:16], y[8:16], return_dict=True)["loss"], draw()]
    seen += [model.fit(x, y, batch_size=16, epochs=2, verbose=0).history["loss"], draw()]
    seen += [model.evaluate(x, y, verbose=0), draw()]
    return seen


def test_on_batch_calls_take_no_draw_from_the_global_stream():
    """Keras hands train_on_batch/test_on_batch/predict_on_batch's arrays straight to its step, without a torch
    DataLoader: nothing is drawn from torch's global stream, and the compiled loss and metrics are built from that
    batch, so a later fit reads no batch to build them. deepgrad read the batch through its DataLoader, which drew
    the loader's worker seeds: every unseeded Dropout mask after the first *_on_batch call differed from Keras's."""
    import torch
    theirs_k, ours_k = fresh_sessions()
    theirs = _on_batch_run(theirs_k, lambda: torch.rand(3).numpy())
    ours = _on_batch_run(ours_k, lambda: ag.rand(3).numpy())
    for k, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), rtol=2e-5,
                                   atol=1e-6, err_msg=f"step {k}")


def _two_output_run(K):
    """generative/text_generation_with_miniature_gpt's compile: two outputs, loss=[loss_fn, None], one target."""
    K.utils.set_random_seed(13)
    inputs = K.Input(shape=(6,), dtype="int32")
    hidden = K.layers.Embedding(20, 8)(inputs)
    logits = K.layers.Dense(20)(hidden)
    model = K.Model(inputs, [logits, hidden])
    model.compile("adam", loss=[K.losses.SparseCategoricalCrossentropy(from_logits=True), None])
    rng = np.random.default_rng(13)
    tokens = rng.integers(1, 20, (48, 7))
    x, y = tokens[:, :-1], tokens[:, 1:]
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0).history
    return (history["loss"], model.evaluate(x, y, batch_size=16, verbose=0),
            model.train_on_batch(x[:16], y[:16]), model.test_on_batch(x[:16], y[:16]))


def test_fewer_targets_go_to_the_outputs_that_have_a_loss():
    """compile(loss=[loss_fn, None]) on a two-output model trains on one target y, which Keras gives the output
    with a loss; deepgrad raised 'the model has 2 output(s) ... but the data gives 1 target(s)'."""
    theirs_k, ours_k = fresh_sessions()
    ours, theirs = _two_output_run(ours_k), _two_output_run(theirs_k)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), rtol=2e-5,
                                   err_msg=f"part {k}")


def _input_shape_warnings(K):
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = K.Sequential([K.layers.Conv2D(4, 3, input_shape=(8, 8, 3)), K.layers.Flatten(),
                              K.layers.Dense(2, input_dim=3)])
        K.layers.Dense(2)
    return [(w.category, str(w.message)) for w in caught if "input_shape" in str(w.message)], model.count_params()


def test_input_shape_on_a_layer_warns_as_keras():
    """vision/involution's Sequential(Conv2D(..., input_shape=...)): Keras warns 'Do not pass an
    `input_shape`/`input_dim` argument to a layer...' (a UserWarning per layer given one) and still builds the
    model; deepgrad built it silently."""
    theirs_k, ours_k = fresh_sessions()
    ours, theirs = _input_shape_warnings(ours_k), _input_shape_warnings(theirs_k)
    assert ours == theirs and len(ours[0]) == 2
