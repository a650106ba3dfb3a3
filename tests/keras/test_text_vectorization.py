"""Keras 3's TextVectorization (TensorFlow is not installed, so Keras's own layer cannot run here): the examples
of its Keras 3.15.1 docstring with their printed outputs, adapt's vocabulary order, standardize and split
(built in and callables), n-grams, output_sequence_length, every output_mode, a text classifier that trains
on raw strings (functional and Sequential), saving it with its vocabulary, config round trips and bad input."""
import numpy as np
import pytest

import autograd as ag
from nn import keras

L = keras.layers
REVIEWS = np.array(["Good movie, great fun!", "Bad film; awful.", "great acting - good story", "awful, boring, BAD",
                    "fun and good", "boring and bad plot"] * 4)
LABELS = np.array([1, 0, 1, 0, 1, 0] * 4, dtype="float32")


def _np(tensor):
    assert isinstance(tensor, ag.Tensor)
    return tensor.numpy()


def test_docstring_example_adapt_then_pad_to_output_sequence_length():
    layer = L.TextVectorization(max_tokens=5000, output_mode="int", output_sequence_length=4)
    layer.adapt(["foo bar", "bar baz", "baz bada boom"])
    # by count (bar and baz twice), ties by the token from high to low
    assert layer.get_vocabulary() == ["", "[UNK]", "baz", "bar", "foo", "boom", "bada"]
    out = layer([["foo qux bar"], ["qux baz"]])
    assert out.dtype == np.int64 and _np(out).tolist() == [[4, 1, 3, 0], [1, 2, 0, 0]]


def test_docstring_example_with_a_given_vocabulary():
    layer = L.TextVectorization(max_tokens=5000, output_mode="int", output_sequence_length=4,
                                vocabulary=["earth", "wind", "and", "fire"])
    assert layer.get_vocabulary() == ["", "[UNK]", "earth", "wind", "and", "fire"]
    assert layer.vocabulary_size() == 6
    assert layer.get_vocabulary(include_special_tokens=False) == ["earth", "wind", "and", "fire"]


def test_output_sequence_length_pads_and_truncates_and_none_pads_to_the_longest():
    layer = L.TextVectorization(vocabulary=["a", "b", "c"], output_sequence_length=3)
    assert _np(layer(["a b c a b", "c", ""])).tolist() == [[2, 3, 4], [4, 0, 0], [0, 0, 0]]
    free = L.TextVectorization(vocabulary=["a", "b", "c"])
    assert _np(free(["a b c a b", "c"])).tolist() == [[2, 3, 4, 2, 3], [4, 0, 0, 0, 0]]


@pytest.mark.parametrize("standardize,expected", [
    ("lower_and_strip_punctuation", ["hello", "world", "Éa"]),   # 'É' is not ASCII: it stays upper case
    ("lower", ["hello,", "world!", "Éa"]),
    ("strip_punctuation", ["Hello", "WORLD", "Éa"]),
    (None, ["Hello,", "WORLD!", "Éa"]),
])
def test_standardize_modes_lowercase_ascii_only_as_tensorflow(standardize, expected):
    layer = L.TextVectorization(standardize=standardize)
    layer.adapt(["Hello,  WORLD!\tÉa"])
    assert sorted(layer.get_vocabulary(include_special_tokens=False)) == sorted(expected)


def test_standardize_and_split_callables():
    seen = []

    def upper(texts):
        seen.append(texts)
        return np.char.upper(texts)

    layer = L.TextVectorization(standardize=upper, split=lambda texts: [t.split("-") for t in texts])
    layer.adapt(["a-b", "b-c"])
    assert isinstance(seen[0], np.ndarray) and seen[0].dtype.kind == "U"   # NumPy str, as Keras gives it off TF
    assert layer.get_vocabulary() == ["", "[UNK]", "B", "C", "A"]
    assert _np(layer(["b-a-z"])).tolist() == [[2, 4, 1]]


def test_character_split_and_no_split():
    chars = L.TextVectorization(split="character", standardize=None)
    chars.adapt(["abca"])
    assert chars.get_vocabulary() == ["", "[UNK]", "a", "c", "b"]
    assert _np(chars(["cab", "Ab"])).tolist() == [[3, 2, 4], [1, 4, 0]]
    whole = L.TextVectorization(split=None, standardize="lower")
    whole.adapt(["New York", "paris", "new york"])
    assert whole.get_vocabulary() == ["", "[UNK]", "new york", "paris"]
    assert _np(whole(np.array([["NEW YORK"], ["Rome"]]))).tolist() == [[2], [1]]


def test_ngrams_come_after_the_unigrams_of_each_string():
    layer = L.TextVectorization(ngrams=2)
    layer.adapt(["a b c", "a b"])
    assert layer.get_vocabulary() == ["", "[UNK]", "b", "a b", "a", "c", "b c"]
    assert _np(layer(["a b c d"])).tolist() == [[4, 2, 5, 1, 3, 6, 1]]   # a b c d | a b, b c, c d
    bigrams = L.TextVectorization(ngrams=(2,), vocabulary=["a b", "b c"])
    assert _np(bigrams(["a b c"])).tolist() == [[2, 3]]


@pytest.mark.parametrize("mode,expected", [
    ("multi_hot", [[0, 1, 0, 0, 0, 0, 1], [1, 0, 0, 0, 0, 0, 0]]),
    ("count", [[0, 2, 0, 0, 0, 0, 1], [1, 0, 0, 0, 0, 0, 0]]),
])
def test_vector_output_modes(mode, expected):
    layer = L.TextVectorization(output_mode=mode)
    layer.adapt(["the cat sat", "the dog sat down", "the end"])
    assert layer.get_vocabulary() == ["[UNK]", "the", "sat", "end", "down", "dog", "cat"]
    out = layer(["The the cat", "zebra"])
    assert out.dtype == np.float32 and _np(out).tolist() == expected


def test_tf_idf_and_one_hot_modes():
    layer = L.TextVectorization(output_mode="tf_idf")
    layer.adapt(["the cat sat", "the dog sat down", "the end"])
    idf = {"the": np.log(1 + 3 / 4), "cat": np.log(1 + 3 / 2)}
    out = _np(layer(["the the cat"]))
    np.testing.assert_allclose(out[0, [1, 6]], [2 * idf["the"], idf["cat"]], rtol=1e-6)
    one_hot = L.TextVectorization(output_mode="one_hot", vocabulary=["x", "y"])
    assert _np(one_hot(["y x", "x"])).tolist() == [[[0, 0, 1], [0, 1, 0]], [[0, 1, 0], [0, 0, 0]]]
    padded = L.TextVectorization(output_mode="multi_hot", max_tokens=6, pad_to_max_tokens=True, vocabulary=["x"])
    assert _np(padded(["x q"])).tolist() == [[1, 1, 0, 0, 0, 0]]
    weights = L.TextVectorization(output_mode="tf_idf", vocabulary=["x", "y"], idf_weights=[0.5, 0.25])
    np.testing.assert_allclose(_np(weights(["x x q"])), [[0.375, 1.0, 0.0]])


def test_adapt_from_a_generator_of_batches_and_max_tokens():
    def batches():
        yield np.array(["b b a", "c"])
        yield ["a b", "d d d d"]
    layer = L.TextVectorization(max_tokens=4)
    layer.adapt(batches())
    assert layer.get_vocabulary() == ["", "[UNK]", "d", "b"]


def _classifier_layers(vectorizer):
    return [vectorizer, L.Embedding(vectorizer.vocabulary_size(), 8), L.GlobalAveragePooling1D(),
            L.Dense(1, activation="sigmoid")]


def test_text_classifier_trains_on_raw_strings_and_saves_its_vocabulary(tmp_path):
    keras.utils.set_random_seed(3)
    vectorizer = L.TextVectorization(max_tokens=20, output_sequence_length=6)
    vectorizer.adapt(REVIEWS)
    inputs = keras.Input(shape=(1,), dtype="string")
    x = inputs
    for layer in _classifier_layers(vectorizer):
        x = layer(x)
    model = keras.Model(inputs, x)
    assert model.layers[1].output.shape == (None, 6)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(REVIEWS[:, None], LABELS, epochs=2, batch_size=8, verbose=0)
    assert len(history.history["loss"]) == 2 and history.history["loss"][1] < history.history["loss"][0]
    predictions = model.predict(REVIEWS[:6, None], verbose=0)
    assert predictions.shape == (6, 1)
    model.save(tmp_path / "classifier.keras")
    loaded = keras.models.load_model(tmp_path / "classifier.keras")
    np.testing.assert_allclose(loaded.predict(REVIEWS[:6, None], verbose=0), predictions, rtol=1e-6)
    assert loaded.layers[1].get_vocabulary() == vectorizer.get_vocabulary()


def test_sequential_classifier_built_on_its_first_batch_of_strings():
    keras.utils.set_random_seed(4)
    vectorizer = L.TextVectorization(max_tokens=20, output_sequence_length=5)
    vectorizer.adapt(REVIEWS)
    model = keras.Sequential(_classifier_layers(vectorizer))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    history = model.fit(REVIEWS, LABELS, epochs=2, batch_size=8, verbose=0, validation_split=0.25)
    assert set(history.history) == {"loss", "val_loss"}
    assert model.predict(np.array(["good fun"]), verbose=0).shape == (1, 1)


def test_config_round_trip_keeps_settings_and_the_learned_vocabulary():
    layer = L.TextVectorization(max_tokens=10, ngrams=2, output_mode="count", name="vec")
    layer.adapt(["red fish blue fish", "one fish"])
    config = layer.get_config()
    assert {k: config[k] for k in ("max_tokens", "standardize", "split", "ngrams", "output_mode",
                                   "output_sequence_length", "pad_to_max_tokens", "sparse", "ragged",
                                   "encoding", "vocabulary_size")} == {
        "max_tokens": 10, "standardize": "lower_and_strip_punctuation", "split": "whitespace", "ngrams": 2,
        "output_mode": "count", "output_sequence_length": None, "pad_to_max_tokens": False, "sparse": False,
        "ragged": False, "encoding": "utf-8", "vocabulary_size": 9}
    again = L.TextVectorization.from_config(config)
    assert again.get_vocabulary() == layer.get_vocabulary()
    np.testing.assert_array_equal(_np(again(["one red fish"])), _np(layer(["one red fish"])))
    given = L.TextVectorization(vocabulary=["a", "b"], output_sequence_length=3)
    assert given.get_config()["vocabulary"] == ["a", "b"]
    assert L.deserialize(L.serialize(given)).get_vocabulary() == ["", "[UNK]", "a", "b"]


def test_bad_input_gets_clear_errors():
    with pytest.raises(ValueError, match=r"TextVectorization: sparse=True is not supported.*sparse=False"):
        L.TextVectorization(output_mode="multi_hot", sparse=True)
    with pytest.raises(ValueError, match=r"ragged=True is not supported"):
        L.TextVectorization(ragged=True)
    with pytest.raises(ValueError, match=r"standardize must be one of .*got 'upper'"):
        L.TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match=r"split must be one of"):
        L.TextVectorization(split="comma")
    with pytest.raises(ValueError, match=r"output_sequence_length is only used with output_mode='int'"):
        L.TextVectorization(output_mode="count", output_sequence_length=4)
    with pytest.raises(ValueError, match=r"ngrams must be None, an integer or a tuple"):
        L.TextVectorization(ngrams="2")
    with pytest.raises(ValueError, match=r"tf_idf.*needs idf_weights"):
        L.TextVectorization(output_mode="tf_idf", vocabulary=["a"])
    with pytest.raises(ValueError, match=r"text_vectorization.*no vocabulary yet.*adapt"):
        L.TextVectorization()(["some text"])
    with pytest.raises(ValueError, match=r"repeats \['a'\]"):
        L.TextVectorization(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match=r"last axis of size 1, got shape \(1, 2\)"):
        L.TextVectorization(vocabulary=["a"])([["a", "b"]])
    with pytest.raises(TypeError, match=r"expects strings, got an array of int64"):
        L.TextVectorization(vocabulary=["a"])(np.array([1, 2]))
    with pytest.raises(ValueError, match=r"Cannot adapt layer 'fixed'"):
        L.TextVectorization(vocabulary=["a"], name="fixed").adapt(["a b"])
