"""save_weights(max_shard_size=) and load_weights('name.weights.json'): Keras's sharded weight files, the same
index and shard split as Keras 3.15 writes, readable by either library."""
import json
import os
import warnings

import numpy as np
import pytest

from nn import keras

pytest.importorskip("h5py")

# the index Keras 3.15.1 writes for _model() after one epoch, at max_shard_size=1e-5 GB (about 10.5 KB a shard)
KERAS_INDEX = {"metadata": {"total_size": 44332.0},
               "weight_map": {"/layers/dense/vars": ["m_00000.weights.h5"],
                              "/layers/batch_normalization/vars": ["m_00000.weights.h5"],
                              "/layers/dense_1/vars": ["m_00001.weights.h5"],
                              "/layers/dense_2/vars": ["m_00001.weights.h5"],
                              "/optimizer/vars": ["m_00001.weights.h5", "m_00002.weights.h5", "m_00003.weights.h5",
                                                  "m_00004.weights.h5"]}}


def _model(lib=keras):
    inputs = lib.Input((20,))
    hidden = lib.layers.Dense(64, name="d1")(inputs)
    hidden = lib.layers.BatchNormalization()(hidden)
    hidden = lib.layers.Dense(32)(hidden)
    model = lib.Model(inputs, lib.layers.Dense(3)(hidden))
    model.compile(optimizer="adam", loss="mse")
    return model


def _trained(lib=keras):
    model = _model(lib)
    x = np.random.default_rng(0).random((16, 20)).astype("float32")
    model.fit(x, np.zeros((16, 3), "float32"), epochs=1, verbose=0)
    return model


def _values(model):
    return [np.asarray(v.numpy()) for v in model.weights], [np.asarray(v.numpy()) for v in model.optimizer.variables]


def _fresh(lib=keras):
    model = _model(lib)
    model.optimizer.build(model.trainable_weights)
    return model


def test_the_index_and_shards_are_the_ones_keras_writes(tmp_path):
    with pytest.warns(UserWarning, match="requires `\\*.json` as the extension"):
        _trained().save_weights(str(tmp_path / "m.weights.h5"), max_shard_size=0.00001)
    assert json.loads((tmp_path / "m.weights.json").read_text()) == KERAS_INDEX
    assert sorted(os.listdir(tmp_path)) == ["m.weights.json"] + [f"m_{k:05}.weights.h5" for k in range(5)]


def test_a_round_trip_restores_weights_and_optimizer_state(tmp_path):
    model = _trained()
    model.save_weights(tmp_path / "m.weights.json", max_shard_size=0.00001)
    other = _fresh()
    other.load_weights(str(tmp_path / "m.weights.json"))
    for saved, loaded in zip(*map(lambda m: sum(_values(m), []), (model, other))):
        np.testing.assert_array_equal(saved, loaded)
    assert int(other.optimizer.iterations.numpy()) == 1


def test_one_shard_when_everything_fits_and_the_functional_form(tmp_path):
    model = _trained()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        keras.saving.save_weights(model, str(tmp_path / "m.weights.json"), max_shard_size=1)
    index = json.loads((tmp_path / "m.weights.json").read_text())
    assert set(sum((v if isinstance(v, list) else [v] for v in index["weight_map"].values()), [])) \
        == {"m_00000.weights.h5"}
    other = _fresh()
    keras.saving.load_weights(other, str(tmp_path / "m.weights.json"))
    for saved, loaded in zip(_values(model)[0], _values(other)[0]):
        np.testing.assert_array_equal(saved, loaded)


def test_mistakes_get_clear_errors(tmp_path):
    model = _trained()
    with pytest.raises(ValueError, match="must end in `.weights.json` when `max_shard_size`"):
        model.save_weights(str(tmp_path / "m.txt"), max_shard_size=1)
    with pytest.raises(ValueError, match="exceeds the maximum shard size"):
        model.save_weights(str(tmp_path / "m.weights.json"), max_shard_size=1e-9)
    with pytest.raises(TypeError, match="max_shard_size is a size in GB"):
        model.save_weights(str(tmp_path / "m.weights.json"), max_shard_size="1GB")
    model.save_weights(str(tmp_path / "m.weights.json"), max_shard_size=0.00001)
    os.remove(tmp_path / "m_00003.weights.h5")
    with pytest.raises(FileNotFoundError, match="m_00003.weights.h5"):
        _fresh().load_weights(str(tmp_path / "m.weights.json"))
    (tmp_path / "evil.weights.json").write_text(json.dumps({"weight_map": {"/vars": "../x.weights.h5"}}))
    with pytest.raises(ValueError, match="not a shard file name beside the index"):
        _fresh().load_weights(str(tmp_path / "evil.weights.json"))
    (tmp_path / "junk.weights.json").write_text("not json")
    with pytest.raises(ValueError, match="not a sharded weights index"):
        _fresh().load_weights(str(tmp_path / "junk.weights.json"))


def test_keras_reads_ours_and_we_read_keras(tmp_path):
    real = pytest.importorskip("keras")
    ours, theirs = _trained(), _trained(real)
    ours.save_weights(str(tmp_path / "ours.weights.json"), max_shard_size=0.00001)
    theirs.save_weights(str(tmp_path / "theirs.weights.json"), max_shard_size=0.00001)
    into_theirs, into_ours = _fresh(real), _fresh()
    into_theirs.load_weights(str(tmp_path / "ours.weights.json"))
    into_ours.load_weights(str(tmp_path / "theirs.weights.json"))
    for written, read in ((ours, into_theirs), (theirs, into_ours)):
        for saved, loaded in zip(sum(_values(written), []), sum(_values(read), [])):
            np.testing.assert_array_equal(saved, loaded)
