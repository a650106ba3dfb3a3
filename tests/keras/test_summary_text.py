"""model.summary() prints Keras 3's text: its column widths at any terminal width (and `line_length`), long names
cut with '…', and the optimizer's variables once fit or evaluate has built them. Found by a two-input Keras
program whose summary came out wider than Keras's, with long names wrapped where Keras cuts them."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

X = np.random.default_rng(0).standard_normal((8, 12)).astype(np.float32)


def _text(model, **kwargs):
    lines = []
    model.summary(print_fn=lambda text, *a, **k: lines.append(text), **kwargs)
    return "\n".join(lines).rstrip("\n")


def _two_inputs(K):
    words, meta = K.Input((12,), name="words"), K.Input((5,), name="meta")
    x = K.layers.GlobalAveragePooling1D()(K.layers.Embedding(50, 8)(words))
    h = K.layers.concatenate([x, K.layers.Dense(8, activation="relu")(meta)])
    return K.Model([words, meta], [K.layers.Dense(1, name="a_rather_long_output_layer_name")(h),
                                   K.layers.Dense(4, name="department")(h)])


def _chain(K):
    return K.Sequential([K.Input((12,)), K.layers.Dense(6), K.layers.BatchNormalization(),
                         K.layers.Dense(2, activation="softmax")])


@pytest.mark.parametrize("columns", [200, 100, 80, 60])
@pytest.mark.parametrize("build", [_two_inputs, _chain])
def test_summary_text_is_keras_at_each_terminal_width(build, columns, monkeypatch):
    keras = real_keras()
    monkeypatch.setenv("COLUMNS", str(columns))
    texts = []
    for K in (keras, ours):
        K.backend.clear_session()
        texts.append(_text(build(K)))
    assert texts[1] == texts[0]


def test_line_length_and_positions_as_keras(monkeypatch):
    keras = real_keras()
    monkeypatch.setenv("COLUMNS", "200")   # Keras's console crops lines wider than the terminal; ours never does
    texts = []
    for K in (keras, ours):
        K.backend.clear_session()
        texts.append((_text(_two_inputs(K), line_length=90), _text(_chain(K), line_length=70, positions=[0.5, 0.7, 1])))
    assert texts[1] == texts[0]


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "nadam", "adafactor", "ftrl", "schedule", "rmsprop_centered",
                                       "sgd_momentum", "adam_amsgrad"])
def test_optimizer_params_count_once_fit_or_evaluate_builds_them(optimizer, monkeypatch):
    keras = real_keras()
    monkeypatch.setenv("COLUMNS", "120")
    texts = []
    for K in (keras, ours):
        K.backend.clear_session()
        make = {"schedule": lambda: K.optimizers.Adam(K.optimizers.schedules.ExponentialDecay(0.1, 3, 0.5)),
                "rmsprop_centered": lambda: K.optimizers.RMSprop(momentum=0.5, centered=True),
                "sgd_momentum": lambda: K.optimizers.SGD(momentum=0.9),
                "adam_amsgrad": lambda: K.optimizers.Adam(amsgrad=True)}.get(optimizer, lambda: optimizer)
        model = _chain(K)
        model.compile(make(), "sparse_categorical_crossentropy")
        compiled = _text(model)
        model.evaluate(X, np.zeros(8), verbose=0)
        evaluated = _text(model)
        model.fit(X, np.zeros(8), epochs=1, verbose=0)
        texts.append((compiled, evaluated, _text(model)))
    assert "Optimizer params" not in texts[1][0] and "Optimizer params" in texts[1][1]
    assert texts[1] == texts[0]
