"""Keras 3's StringLookup, IntegerLookup, Hashing and HashedCrossing (TensorFlow is not installed, so Keras's own
layers cannot run here): every example of their Keras 3.15.1 docstrings with its printed output, adapt's
vocabulary order, every output_mode, invert round trips, OOV hashing, configs, saving with a model, and the
errors for bad input. The hashes are checked against FarmHash's own test vectors and SipHash's reference
vectors first."""
import numpy as np
import pytest

import autograd as ag
from nn import keras
from nn.keras.layers.string_hashing import fingerprint64, siphash24

L = keras.layers
VOCAB = ["a", "b", "c", "d"]
DATA = [["a", "c", "d"], ["d", "z", "b"]]
INT_VOCAB = [12, 36, 1138, 42]


def _np(tensor):
    assert isinstance(tensor, ag.Tensor)
    return tensor.numpy()


# ----- the hash functions ---------------------------------------------------------------------------
def _farmhash_self_test_data(size):
    """The pseudo-random bytes FarmHash's self-test hashes (its Setup(): a = 9, b = 777, mixed with k0)."""
    mask, k0 = (1 << 64) - 1, 0xC3A5C85C97CB3127
    a, b, data = 9, 777, bytearray()
    for i in range(size):
        a = (a + b) & mask
        b = (b + a) & mask
        a = ((a ^ (a >> 41)) * k0) & mask
        b = (((b ^ (b >> 41)) * k0) + i) & mask
        data.append((b >> 37) & 0xFF)
    return bytes(data)


# farmhashna's expected Hash64(data + i*i, i) (= Fingerprint64) from FarmHash's self-test, for lengths that reach
# every branch: 0, 1-3, 4-7, 8-16, 17-32, 33-64 and the 64-byte loop
FARMHASH_VECTORS = {0: 11160318154034397263, 1: 6057711933287653014, 3: 17262924617777385131,
                    4: 1287846036432493960, 8: 11597051931199355094, 9: 18126316081798418699,
                    16: 282273162512842838, 17: 7691019942193281883, 20: 4720479581534304053,
                    32: 541269899254986215, 33: 711203541633906104, 50: 9085753703860089273,
                    64: 16066393710399699995, 65: 4381627749513796415, 100: 409043573355470048,
                    128: 17629800649466220701, 129: 15345954539186508726, 200: 4680135810112858625,
                    298: 2319855510833732255}


def test_fingerprint64_matches_farmhash_self_test_vectors():
    data = _farmhash_self_test_data(298 * 298 + 298)
    for length, expected in FARMHASH_VECTORS.items():
        assert fingerprint64(data[length * length:length * length + length]) == expected, length
    assert fingerprint64("") == fingerprint64(b"") == 0x9AE16A3B2F90404F


def test_siphash24_matches_the_reference_vectors():
    key = bytes(range(16))   # the paper's key 00..0f, messages 00, 00 01, ...
    expected = {0: 0x726FDB47DD0E0E31, 1: 0x74F839C593DC67FD, 7: 0xAB0200F58B01D137, 8: 0x93F5F5799A932462,
                15: 0xA129CA6149BE45E5, 16: 0x3F2ACC7F57C29BDB, 63: 0x958A324CEB064572}
    for length, value in expected.items():
        assert siphash24(key, bytes(range(length))) == value, length
    k0, k1 = int.from_bytes(key[:8], "little"), int.from_bytes(key[8:], "little")
    assert siphash24((k0, k1), b"abc") == siphash24(key, b"abc")


# ----- Hashing and HashedCrossing: the docstring examples -------------------------------------------------
LETTERS = [["A"], ["B"], ["C"], ["D"], ["E"]]


@pytest.mark.parametrize("kwargs,data,expected", [
    ({"num_bins": 3}, LETTERS, [1, 0, 1, 1, 2]),
    ({"num_bins": 3, "mask_value": ""}, [["A"], ["B"], [""], ["C"], ["D"]], [1, 1, 0, 2, 2]),
    ({"num_bins": 3, "salt": [133, 137]}, LETTERS, [1, 2, 1, 0, 2]),
    ({"num_bins": 3, "salt": 133}, LETTERS, [0, 0, 2, 1, 0]),
])
def test_hashing_docstring_examples(kwargs, data, expected):
    out = L.Hashing(**kwargs)(data)
    assert out.dtype == np.int64 and tuple(out.shape) == (5, 1)
    assert _np(out).ravel().tolist() == expected


def test_hashing_integers_bytes_modes_and_config():
    layer = L.Hashing(num_bins=3)
    # integers hash as their decimal text; bytes as they are; floats are truncated to integers first
    assert _np(layer(np.array([[1], [22]]))).tolist() == _np(layer([["1"], ["22"]])).tolist()
    assert _np(layer(np.array([[b"A"], [b"B"]]))).ravel().tolist() == [1, 0]
    assert _np(layer(np.array([[1.7], [22.2]], np.float32))).tolist() == _np(layer(np.array([[1], [22]]))).tolist()
    bins = _np(layer(LETTERS)).ravel()
    one_hot = L.Hashing(num_bins=3, output_mode="one_hot")(LETTERS)
    assert one_hot.dtype == np.float32 and _np(one_hot).tolist() == np.eye(3)[bins].tolist()
    multi = _np(L.Hashing(num_bins=3, output_mode="multi_hot")([["A", "B", "C"], ["E", "E", "E"]]))
    assert multi.tolist() == [[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    count = _np(L.Hashing(num_bins=3, output_mode="count")([["A", "B", "C"], ["E", "E", "E"]]))
    assert count.tolist() == [[1.0, 2.0, 0.0], [0.0, 0.0, 3.0]]
    config = L.Hashing(num_bins=4, salt=7, mask_value="", name="h").get_config()
    assert {k: config[k] for k in ("num_bins", "salt", "mask_value", "output_mode", "sparse")} == {
        "num_bins": 4, "salt": [7, 7], "mask_value": "", "output_mode": "int", "sparse": False}
    again = L.Hashing.from_config(config)
    assert _np(again(LETTERS)).tolist() == _np(L.Hashing(num_bins=4, salt=7, mask_value="")(LETTERS)).tolist()


def test_hashed_crossing_docstring_examples():
    feat1, feat2 = np.array(["A", "B", "A", "B", "A"]), np.array([101, 101, 101, 102, 102])
    out = L.HashedCrossing(num_bins=5)((feat1, feat2))
    assert out.dtype == np.int64 and _np(out).tolist() == [1, 4, 1, 1, 3]
    one_hot = L.HashedCrossing(num_bins=5, output_mode="one_hot")((feat1, feat2))
    assert one_hot.dtype == np.float32 and _np(one_hot).tolist() == np.eye(5)[[1, 4, 1, 1, 3]].tolist()
    column = L.HashedCrossing(num_bins=5)((feat1[:, None], feat2[:, None]))
    assert _np(column).tolist() == [[1], [4], [1], [1], [3]]
    with pytest.raises(ValueError, match="at least two"):
        L.HashedCrossing(num_bins=5)((feat1,))
    with pytest.raises(ValueError, match="equal shapes"):
        L.HashedCrossing(num_bins=5)((feat1, feat2[:3]))


# ----- StringLookup: the docstring examples ------------------------------------------------------------
def test_string_lookup_with_a_known_vocabulary_and_adapted():
    out = L.StringLookup(vocabulary=VOCAB)(DATA)
    assert out.dtype == np.int64 and _np(out).tolist() == [[1, 3, 4], [4, 0, 2]]
    layer = L.StringLookup()
    layer.adapt(DATA)
    assert layer.get_vocabulary() == ["[UNK]", "d", "z", "c", "b", "a"]   # by count, ties high to low
    assert _np(layer(DATA)).tolist() == [[5, 3, 1], [1, 2, 4]]
    assert layer.vocabulary_size() == 6 and layer.get_vocabulary(include_special_tokens=False)[0] == "d"


def test_string_lookup_multiple_oov_indices_hash_with_farmhash():
    out = L.StringLookup(vocabulary=VOCAB, num_oov_indices=2)([["a", "c", "d"], ["m", "z", "b"]])
    assert _np(out).tolist() == [[2, 4, 5], [0, 1, 3]]
    salted = L.StringLookup(vocabulary=VOCAB, num_oov_indices=3, salt=[133, 137])(["A", "B", "C", "D", "E"])
    expected = [siphash24((133, 137), s) % 3 for s in "ABCDE"]
    assert _np(salted).tolist() == expected


@pytest.mark.parametrize("mode,data,expected", [
    ("one_hot", ["a", "b", "c", "d", "z"], np.eye(5)[[1, 2, 3, 4, 0]].tolist()),
    ("multi_hot", [["a", "c", "d", "d"], ["d", "z", "b", "z"]], [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]),
    ("count", [["a", "c", "d", "d"], ["d", "z", "b", "z"]], [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]]),
])
def test_string_lookup_encodings(mode, data, expected):
    out = L.StringLookup(vocabulary=VOCAB, output_mode=mode)(data)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(_np(out), np.asarray(expected, np.float32))


def test_string_lookup_tf_idf_with_and_without_an_oov_weight():
    data = [["a", "c", "d", "d"], ["d", "z", "b", "z"]]
    layer = L.StringLookup(output_mode="tf_idf")
    layer.set_vocabulary(VOCAB, idf_weights=[0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(_np(layer(data)), [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]], rtol=1e-6)
    layer = L.StringLookup(output_mode="tf_idf")
    layer.set_vocabulary(["[UNK]"] + VOCAB, idf_weights=[0.9, 0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(_np(layer(data)), [[0, 0.25, 0, 0.6, 0.8], [1.8, 0, 0.75, 0, 0.4]], rtol=1e-6)


def test_string_lookup_adapted_tf_idf_uses_keras_idf_formula():
    docs = [["x", "y"], ["x", "x"], ["z", "x"]]
    layer = L.StringLookup(output_mode="tf_idf")
    layer.adapt(docs)
    assert layer.get_vocabulary() == ["[UNK]", "x", "z", "y"]
    idf = [np.log(1 + 3 / (1 + 3)), np.log(1 + 3 / 2), np.log(1 + 3 / 2)]
    expected = np.array([np.mean(np.float32(idf))] + idf, np.float32) * [0, 2, 0, 0]
    np.testing.assert_allclose(_np(layer(["x", "x"])), expected, rtol=1e-6)


def test_string_lookup_invert_and_round_trip():
    inverse = L.StringLookup(vocabulary=VOCAB, invert=True)
    assert inverse([[1, 3, 4], [4, 0, 2]]) == [["a", "c", "d"], ["d", "[UNK]", "b"]]
    forward = L.StringLookup(vocabulary=VOCAB)
    assert inverse(forward(DATA)) == [["a", "c", "d"], ["d", "[UNK]", "b"]]
    assert inverse(np.array([1, 2])) == ["a", "b"]   # 1-D: a list of str, as Keras's on the torch backend
    masked = L.StringLookup(vocabulary=VOCAB, mask_token="", invert=True)
    assert masked([[0, 1, 2, 9]]) == [["", "[UNK]", "a", "[UNK]"]]


def test_string_lookup_mask_token_in_int_and_count_modes():
    layer = L.StringLookup(vocabulary=VOCAB, mask_token="")
    assert layer.get_vocabulary() == ["", "[UNK]", "a", "b", "c", "d"]
    assert _np(layer([["a", "", "z"]])).tolist() == [[2, 0, 1]]
    counts = L.StringLookup(vocabulary=VOCAB, mask_token="", output_mode="count")
    assert counts.get_vocabulary() == ["[UNK]", "a", "b", "c", "d"]
    assert _np(counts([["a", "", "", "z"]])).tolist() == [[1, 1, 0, 0, 0]]   # the mask is dropped


def test_string_lookup_max_tokens_pad_to_max_tokens_and_bytes():
    layer = L.StringLookup(max_tokens=3)
    layer.adapt(np.array([["b", "b", "a", "c", "c", "c"]]))
    assert layer.get_vocabulary() == ["[UNK]", "c", "b"]
    padded = L.StringLookup(vocabulary=VOCAB, output_mode="multi_hot", max_tokens=8, pad_to_max_tokens=True)
    assert _np(padded([["a", "z"]])).tolist() == [[1, 1, 0, 0, 0, 0, 0, 0]]
    assert _np(L.StringLookup(vocabulary=VOCAB)(np.array([b"c", b"q"]))).tolist() == [3, 0]


def test_string_lookup_vocabulary_file_and_adapt_from_batches(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("a\nb\nc\nd\n")
    assert _np(L.StringLookup(vocabulary=str(path))(DATA)).tolist() == [[1, 3, 4], [4, 0, 2]]

    def batches():
        yield np.array([["a", "b"], ["b", "c"]])
        yield [["c", "c"]]
    layer = L.StringLookup()
    layer.adapt(batches())
    assert layer.get_vocabulary() == ["[UNK]", "c", "b", "a"]
    layer.adapt(batches(), steps=1)
    assert layer.get_vocabulary() == ["[UNK]", "b", "c", "a"]


# ----- IntegerLookup: the docstring examples -------------------------------------------------------------
def test_integer_lookup_docstring_examples():
    data = np.array([[12, 1138, 42], [42, 1000, 36]])
    assert _np(L.IntegerLookup(vocabulary=INT_VOCAB)(data)).tolist() == [[1, 3, 4], [4, 0, 2]]
    layer = L.IntegerLookup()
    layer.adapt(data)
    assert layer.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]
    assert _np(layer(data)).tolist() == [[5, 2, 1], [1, 3, 4]]
    two = L.IntegerLookup(vocabulary=INT_VOCAB, num_oov_indices=2)(np.array([[12, 1138, 42], [37, 1000, 36]]))
    assert _np(two).tolist() == [[2, 4, 5], [1, 0, 3]]   # floormod: 37 -> 1, 1000 -> 0
    oov = np.array([100, 300, 700, 1100, 1700, 2000])
    floormod = L.IntegerLookup(vocabulary=[10, 20, 30], num_oov_indices=4, oov_method="floormod")
    farmhash = L.IntegerLookup(vocabulary=[10, 20, 30], num_oov_indices=4, oov_method="farmhash")
    assert _np(floormod(oov)).tolist() == [0, 0, 0, 0, 0, 0]
    assert _np(farmhash(oov)).tolist() == [3, 3, 2, 2, 0, 1]


def test_integer_lookup_encodings_and_invert():
    np.testing.assert_array_equal(_np(L.IntegerLookup(vocabulary=INT_VOCAB, output_mode="one_hot")(
        np.array([12, 36, 1138, 42, 7]))), np.eye(5, dtype=np.float32)[[1, 2, 3, 4, 0]])
    data = np.array([[12, 1138, 42, 42], [42, 7, 36, 7]])
    assert _np(L.IntegerLookup(vocabulary=INT_VOCAB, output_mode="multi_hot")(data)).tolist() == [
        [0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]
    assert _np(L.IntegerLookup(vocabulary=INT_VOCAB, output_mode="count")(data)).tolist() == [
        [0, 1, 0, 1, 2], [2, 0, 1, 0, 1]]
    tf_idf = L.IntegerLookup(output_mode="tf_idf", vocabulary=INT_VOCAB, idf_weights=[0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(_np(tf_idf(data)), [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]], rtol=1e-6)
    with_oov = L.IntegerLookup(output_mode="tf_idf", vocabulary=[-1] + INT_VOCAB,
                               idf_weights=[0.9, 0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(_np(with_oov(data)), [[0, 0.25, 0, 0.6, 0.8], [1.8, 0, 0.75, 0, 0.4]], rtol=1e-6)
    inverse = L.IntegerLookup(vocabulary=INT_VOCAB, invert=True)
    out = inverse(np.array([[1, 3, 4], [4, 0, 2]]))
    assert out.dtype == np.int64 and _np(out).tolist() == [[12, 1138, 42], [42, -1, 36]]
    forward = L.IntegerLookup(vocabulary=INT_VOCAB)
    round_trip = L.IntegerLookup(vocabulary=forward.get_vocabulary(), invert=True)
    assert _np(round_trip(forward(np.array([[12, 1138, 42], [42, 1000, 36]])))).tolist() == [
        [12, 1138, 42], [42, -1, 36]]


def test_integer_lookup_mask_token_and_adapt_from_a_data_loader():
    layer = L.IntegerLookup(vocabulary=INT_VOCAB, mask_token=0)
    assert layer.get_vocabulary() == [0, -1, 12, 36, 1138, 42]
    assert _np(layer(np.array([[12, 0, 5]]))).tolist() == [[2, 0, 1]]
    from nn.data import DataLoader, TensorDataset
    loader = DataLoader(TensorDataset(np.array([[3, 3], [5, 3], [5, 9]])), batch_size=2)
    adapted = L.IntegerLookup()
    adapted.adapt(loader)
    assert adapted.get_vocabulary() == [-1, 3, 5, 9]


# ----- shapes in models, configs, saving ---------------------------------------------------------------
def test_lookup_layers_in_a_functional_model_and_symbolic_shapes():
    inputs = keras.Input(shape=(3,), dtype="string")
    ids = L.StringLookup(vocabulary=VOCAB)(inputs)
    assert ids.shape == (None, 3) and ids.dtype == "int64"
    multi = L.StringLookup(vocabulary=VOCAB, output_mode="multi_hot")(inputs)
    assert multi.shape == (None, 5) and multi.dtype == "float32"
    model = keras.Model(inputs, [ids, L.Dense(2)(multi)])
    out_ids, dense = model(np.array(DATA))
    assert _np(out_ids).tolist() == [[1, 3, 4], [4, 0, 2]] and tuple(dense.shape) == (2, 2)
    hashed = L.Hashing(num_bins=4, output_mode="one_hot")(keras.Input(shape=(1,), dtype="string"))
    assert hashed.shape == (None, 4)


def test_lookup_config_round_trips_keep_the_vocabulary():
    given = L.StringLookup(vocabulary=VOCAB, num_oov_indices=2, mask_token="", name="given")
    config = given.get_config()
    assert config["vocabulary"] == VOCAB and config["vocabulary_size"] == 7 and config["encoding"] == "utf-8"
    assert "vocabulary_dtype" not in config and config["oov_method"] == "floormod"
    assert _np(L.StringLookup.from_config(config)(DATA)).tolist() == _np(given(DATA)).tolist()
    adapted = L.IntegerLookup(output_mode="tf_idf")
    adapted.adapt(np.array([[1, 2, 2], [2, 3, 3]]))
    again = L.IntegerLookup.from_config(adapted.get_config())
    assert again.get_vocabulary() == adapted.get_vocabulary() == [-1, 2, 3, 1]
    np.testing.assert_allclose(_np(again(np.array([[1, 2, 7]]))), _np(adapted(np.array([[1, 2, 7]]))))
    with pytest.raises(RuntimeError, match=r"vocabulary size cannot change after the layer is called"):
        again.adapt(np.array([[5, 5]]))   # Keras's rule for the vector modes without pad_to_max_tokens
    fresh = L.IntegerLookup.from_config(adapted.get_config())
    fresh.adapt(np.array([[5, 5]]))   # still adaptable: the vocabulary was learned, not given
    assert fresh.get_vocabulary() == [-1, 5]
    assert L.deserialize(L.serialize(given)).get_vocabulary() == given.get_vocabulary()


def test_an_adapted_lookup_is_saved_with_its_model(tmp_path):
    lookup = L.IntegerLookup(output_mode="multi_hot")
    lookup.adapt(np.array([[4, 4, 8], [15, 16, 23]]))
    inputs = keras.Input(shape=(3,), dtype="int64")
    model = keras.Model(inputs, L.Dense(1)(lookup(inputs)))
    model.save(tmp_path / "lookup.keras")
    loaded = keras.models.load_model(tmp_path / "lookup.keras")
    x = np.array([[4, 8, 99], [23, 23, 16]])
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert loaded.layers[1].get_vocabulary() == lookup.get_vocabulary()


# ----- bad input -----------------------------------------------------------------------------------------
def test_bad_arguments_and_inputs_get_clear_errors():
    with pytest.raises(ValueError, match=r"StringLookup: sparse=True is not supported.*sparse=False"):
        L.StringLookup(sparse=True)
    with pytest.raises(ValueError, match=r"Hashing: sparse=True"):
        L.Hashing(num_bins=3, output_mode="count", sparse=True)
    with pytest.raises(ValueError, match=r"string_lookup.*no vocabulary yet.*adapt"):
        L.StringLookup()(DATA)
    with pytest.raises(ValueError, match=r"repeats \['a'\]"):
        L.StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match=r"mask token '' at index 1"):
        L.StringLookup(vocabulary=["a", ""], mask_token="")
    with pytest.raises(ValueError, match=r"OOV token '\[UNK\]' at index 1"):
        L.StringLookup(vocabulary=["a", "[UNK]"], invert=True)
    with pytest.raises(ValueError, match=r"tf_idf.*needs idf_weights"):
        L.StringLookup(vocabulary=VOCAB, output_mode="tf_idf")
    with pytest.raises(ValueError, match=r"idf_weights are only used with output_mode='tf_idf'"):
        L.IntegerLookup(vocabulary=INT_VOCAB, idf_weights=[1.0] * 4)
    with pytest.raises(ValueError, match=r"invert=True needs output_mode='int'"):
        L.StringLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match=r"5 indices.*max_tokens is 3"):
        L.StringLookup(vocabulary=VOCAB, max_tokens=3)
    with pytest.raises(ValueError, match=r"num_oov_indices=0.*\['z'\].*num_oov_indices=1"):
        L.StringLookup(vocabulary=VOCAB, num_oov_indices=0)(DATA)
    with pytest.raises(ValueError, match=r"Cannot adapt layer 'fixed'.*fixed vocabulary"):
        L.StringLookup(vocabulary=VOCAB, name="fixed").adapt(DATA)
    with pytest.raises(TypeError, match=r"expects strings, got an array of int64.*IntegerLookup"):
        L.StringLookup(vocabulary=VOCAB)(np.array([1, 2]))
    with pytest.raises(TypeError, match=r"takes integers, got strings.*StringLookup"):
        L.IntegerLookup(vocabulary=INT_VOCAB)(DATA)
    with pytest.raises(ValueError, match=r"does not exist"):
        L.StringLookup(vocabulary="/no/such/vocabulary.txt")
    with pytest.raises(ValueError, match=r"num_bins must be a positive integer"):
        L.Hashing(num_bins=0)
    with pytest.raises(ValueError, match=r"salt must be an integer or a pair"):
        L.Hashing(num_bins=3, salt=[1, 2, 3])
