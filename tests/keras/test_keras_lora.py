"""LoRA on Dense, EinsumDense and Embedding (nn/keras/layers/lora.py) against real Keras 3 (torch backend):
the adapters' names, shapes, trainability and initializers, the effective kernel and its gradients, configs,
errors, regularizer losses, save_own_variables / load_own_variables, and the merging of the adapters into the
kernel when a model is saved (model.save, save_weights, a .keras file written by real Keras)."""
import json

import numpy as np
import pytest

from nn import keras

from .oracle import (assert_close_lists, keras_forward_and_grads, our_forward_and_grads, real_keras)

CASES = [("Dense", lambda L, **kw: L.Dense(5, activation="tanh", **kw), (3, 4), "float32"),
         ("EinsumDense", lambda L, **kw: L.EinsumDense("abc,cde->abde", (2, 3, 5), bias_axes="e", **kw), (3, 2, 4),
          "float32"),
         ("Embedding", lambda L, **kw: L.Embedding(7, 4, **kw), (3, 5), "int64")]


def _inputs(shape, dtype, rng):
    return rng.integers(0, 7, shape) if dtype == "int64" else rng.standard_normal(shape).astype("float32")


def _pair(make, shape, **kwargs):
    """A built Keras layer with LoRA and ours with the same weights (A and B random, so the update shows)."""
    K = real_keras()
    theirs, mine = make(K.layers, **kwargs), make(keras.layers, **kwargs)
    build_shape = (None,) + shape[1:]
    theirs.build(build_shape)
    mine.build(build_shape)
    theirs.enable_lora(2, lora_alpha=3)
    mine.enable_lora(2, lora_alpha=3)
    rng = np.random.default_rng(0)
    values = [rng.uniform(-0.5, 0.5, tuple(w.shape)).astype("float32") for w in theirs.weights]
    theirs.set_weights(values)
    mine.set_weights(values)
    return theirs, mine


@pytest.mark.parametrize("name, make, shape, dtype", CASES)
def test_lora_forward_and_gradients_as_keras(name, make, shape, dtype):
    """The call uses W + alpha/rank * A @ B; the gradients reach A, B and the bias, not the frozen W."""
    theirs, mine = _pair(make, shape)
    assert [(w.path, tuple(w.shape), w.trainable) for w in mine.weights] == \
        [(w.path, tuple(w.shape), w.trainable) for w in theirs.weights]
    assert [w.path for w in mine.trainable_weights] == [w.path for w in theirs.trainable_weights]
    assert [w.path for w in mine.non_trainable_weights] == [w.path for w in theirs.non_trainable_weights]
    rng = np.random.default_rng(1)
    x = _inputs(shape, dtype, rng)
    out_shape = tuple(theirs.compute_output_shape(shape))
    cotangent = [rng.standard_normal(out_shape).astype("float32")]
    k_out, k_grads = keras_forward_and_grads(theirs, x, cotangent)
    o_out, o_grads = our_forward_and_grads(mine, x, cotangent)
    assert_close_lists(o_out, k_out, rtol=1e-5, atol=1e-5)
    assert_close_lists(o_grads, k_grads, rtol=1e-4, atol=1e-5, what="gradient")
    target = "embeddings" if name == "Embedding" else "kernel"
    import torch
    with torch.no_grad():
        k_merged = getattr(theirs, target).detach().numpy()
    np.testing.assert_allclose(getattr(mine, target).detach().numpy(), k_merged, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(getattr(mine, "_" + target).numpy(), getattr(theirs, "_" + target).numpy())


@pytest.mark.parametrize("name, make, shape, dtype", CASES)
def test_lora_config_as_keras_and_rank_in_the_constructor(name, make, shape, dtype):
    """lora_rank and lora_alpha are listed last once a rank is set; a layer made from the config enables LoRA when
    built, with Keras's alpha (Dense and Embedding enable it with alpha = rank, EinsumDense keeps lora_alpha)."""
    theirs, mine = _pair(make, shape)
    k_config, o_config = theirs.get_config(), mine.get_config()
    k_config.pop("dtype"), o_config.pop("dtype")
    assert list(o_config) == list(k_config)
    assert json.loads(json.dumps(o_config)) == json.loads(json.dumps(k_config))
    build_shape = (None,) + shape[1:]
    rebuilt_theirs, rebuilt_mine = type(theirs).from_config(k_config), type(mine).from_config(o_config)
    assert (rebuilt_mine.lora_enabled, rebuilt_mine.lora_rank, rebuilt_mine.lora_alpha) == \
        (rebuilt_theirs.lora_enabled, rebuilt_theirs.lora_rank, rebuilt_theirs.lora_alpha) == (False, 2, 3)
    rebuilt_theirs.build(build_shape)
    rebuilt_mine.build(build_shape)
    assert (rebuilt_mine.lora_enabled, rebuilt_mine.lora_rank, rebuilt_mine.lora_alpha) == \
        (rebuilt_theirs.lora_enabled, rebuilt_theirs.lora_rank, rebuilt_theirs.lora_alpha)
    assert [w.path.split("/")[-1] for w in rebuilt_mine.trainable_weights] == \
        [w.path.split("/")[-1] for w in rebuilt_theirs.trainable_weights]


def test_lora_errors_as_keras():
    """Unbuilt layer, a second enable_lora and a weight constraint raise Keras's ValueErrors."""
    K = real_keras()
    for L in (K.layers, keras.layers):
        with pytest.raises(ValueError, match="Cannot enable lora on a layer that isn't yet built"):
            L.Dense(3).enable_lora(2)
        layer = L.EinsumDense("ab,bc->ac", 3)
        layer.build((None, 4))
        layer.enable_lora(1)
        with pytest.raises(ValueError, match="lora is already enabled. This can only be done once per layer."):
            layer.enable_lora(1)
        dense = L.Dense(3, kernel_constraint="non_neg")
        dense.build((None, 2))
        with pytest.raises(ValueError, match="Lora is incompatible with kernel constraints.*`kernel_constraint`"):
            dense.enable_lora(2)
        with pytest.raises(AttributeError, match="'Dense' object has no attribute 'kernel'"):
            L.Dense(2).kernel
        table = L.Embedding(5, 2, embeddings_constraint="unit_norm")
        table.build()
        with pytest.raises(ValueError, match="Lora is incompatible with embedding constraints.*`embeddings_constr"):
            table.enable_lora(2)


def test_lora_adapter_initializers_and_regularizer_losses_as_keras():
    """A is drawn from a_initializer (he_uniform: within sqrt(6 / fan_in)), B from b_initializer (zeros); the
    kernel regularizer applies to A and B, not to the frozen kernel."""
    K = real_keras()
    for L in (K.layers, keras.layers):
        layer = L.Dense(6, kernel_regularizer=K.regularizers.L2(0.1) if L is K.layers else keras.regularizers.L2(0.1))
        layer.build((None, 24))
        layer.enable_lora(3)
        a, b = np.asarray(layer.lora_kernel_a.numpy()), np.asarray(layer.lora_kernel_b.numpy())
        assert a.dtype == np.float32 and np.abs(a).max() <= np.sqrt(6 / 24) and a.std() > 0.1
        assert not b.any()
    theirs, mine = _pair(lambda L, **kw: L.Dense(4, **kw), (2, 3),
                         kernel_regularizer="l2")
    k_losses = [float(v.detach().numpy()) for v in theirs.losses]
    o_losses = [float(v.detach().numpy()) for v in mine.losses]
    np.testing.assert_allclose(o_losses, k_losses, rtol=1e-6)
    assert len(o_losses) == 2
    other = keras.layers.Dense(2)
    other.build((None, 3))
    other.enable_lora(2, a_initializer="ones", b_initializer="ones")
    np.testing.assert_array_equal(other.lora_kernel_b.numpy(), np.ones((2, 2)))


@pytest.mark.parametrize("name, make, shape, dtype", CASES)
def test_save_and_load_own_variables_merge_as_keras(name, make, shape, dtype):
    """save_own_variables stores the merged kernel (and the bias), not A and B; load_own_variables puts a store
    into the kernel and zeroes A and B, taking stores with extra entries; without LoRA a wrong count fails."""
    theirs, mine = _pair(make, shape)
    k_store, o_store = {}, {}
    theirs.save_own_variables(k_store)
    mine.save_own_variables(o_store)
    assert sorted(o_store) == sorted(k_store)
    for key in k_store:
        np.testing.assert_allclose(np.asarray(o_store[key]), real_keras().ops.convert_to_numpy(k_store[key]),
                                   rtol=1e-6, atol=1e-6)
    extra = {**{k: np.asarray(v) for k, v in o_store.items()}, str(len(o_store)): np.zeros(1)}
    mine.load_own_variables(extra)
    assert all(not np.any(w.numpy()) for w in mine.lora_adapters())
    target = "embeddings" if name == "Embedding" else "kernel"
    np.testing.assert_allclose(getattr(mine, target).detach().numpy(), np.asarray(o_store["0"]), atol=1e-6)
    plain = make(keras.layers)
    plain.build((None,) + shape[1:])
    with pytest.raises(ValueError, match=r"expected \d variables, but received \d variables during loading"):
        plain.load_own_variables(extra)
    plain.load_own_variables(o_store)
    np.testing.assert_allclose(getattr(plain, target).numpy(), np.asarray(o_store["0"]), atol=1e-6)


def _build(K, lora):
    """A small functional model over token ids with an Embedding, an EinsumDense and two Dense layers."""
    ids = K.Input((5,), dtype="int32")
    x = K.layers.Embedding(9, 4, name="tok")(ids)
    x = K.layers.EinsumDense("abc,cd->abd", (5, 6), bias_axes="d", name="proj")(x)
    x = K.layers.GlobalAveragePooling1D()(x)
    x = K.layers.Dense(7, activation="relu", name="hidden")(x)
    model = K.Model(ids, K.layers.Dense(2, name="head")(x))
    rng = np.random.default_rng(4)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    if lora:
        for name, rank in (("tok", 2), ("proj", 3), ("hidden", 2)):
            layer = model.get_layer(name)
            layer.enable_lora(rank, lora_alpha=4)
            for w in [w for w in layer.trainable_weights if "lora" in w.path]:
                w.assign(rng.uniform(-0.5, 0.5, tuple(w.shape)).astype("float32"))
    return model


def test_model_save_merges_adapters_and_loads_them_as_zeros(tmp_path):
    """model.save / load_model: the loaded model predicts as the saved one, its LoRA layers are enabled again (by
    their config) with zero adapters and the merged kernels; save_weights loads into a model without LoRA, and a
    file saved without LoRA into a model with it; training resumes with the optimizer state."""
    real_keras()
    model = _build(keras, lora=True)
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(5).integers(0, 9, (8, 5)).astype("int32")
    y = np.random.default_rng(6).standard_normal((8, 2)).astype("float32")
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    predictions = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), predictions, rtol=1e-5, atol=1e-6)
    for name in ("tok", "proj", "hidden"):
        layer = loaded.get_layer(name)
        assert layer.lora_enabled and all(not np.any(w.numpy()) for w in layer.lora_adapters())
    assert [w.path for w in loaded.trainable_weights] == [w.path for w in model.trainable_weights]
    np.testing.assert_allclose(loaded.get_layer("hidden")._kernel.numpy(),
                               model.get_layer("hidden").kernel.detach().numpy(), atol=1e-6)
    loaded.fit(x, y, epochs=1, batch_size=4, verbose=0)   # the optimizer's slots fit the trainable weights
    model.save_weights(tmp_path / "m.weights.h5")
    plain = _build(keras, lora=False)
    plain.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_allclose(plain.predict(x, verbose=0), predictions, rtol=1e-5, atol=1e-6)
    plain.save_weights(tmp_path / "plain.weights.h5")
    again = _build(keras, lora=True)
    again.load_weights(tmp_path / "plain.weights.h5")
    np.testing.assert_allclose(again.predict(x, verbose=0), predictions, rtol=1e-5, atol=1e-6)


def test_keras_written_lora_model_loads(tmp_path):
    """A .keras file real Keras wrote for a model with LoRA (merged kernels in its HDF5 weights) loads into
    nn.keras with the same predictions and zero adapters."""
    K = real_keras()
    pytest.importorskip("h5py")
    theirs = _build(K, lora=True)
    x = np.random.default_rng(7).integers(0, 9, (6, 5)).astype("int32")
    expected = theirs.predict(x, verbose=0)
    theirs.save(tmp_path / "k.keras")
    mine = keras.saving.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(mine.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert [(w.path, w.trainable) for w in mine.weights] == [(w.path, w.trainable) for w in
                                                             K.saving.load_model(tmp_path / "k.keras").weights]
    assert all(not np.any(w.numpy()) for w in mine.get_layer("proj").lora_adapters())
    plain = _build(keras, lora=False)
    plain.load_weights(tmp_path / "k.keras")
    np.testing.assert_allclose(plain.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_lora_on_attention_projections_as_keras():
    """LoRA through MultiHeadAttention's private projections (`mha._query_dense.enable_lora(...)`, as LoRA
    fine-tuning code reaches them; they were missing): same trainable weights and outputs as Keras."""
    K = real_keras()
    import torch
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 3, 4)).astype("float32")
    layers = []
    for L in (K.layers, keras.layers):
        mha = L.MultiHeadAttention(num_heads=2, key_dim=3)
        mha(x, x)
        mha._query_dense.enable_lora(2)
        mha._value_dense.enable_lora(1, lora_alpha=2)
        layers.append(mha)
    theirs, mine = layers
    values = [rng.uniform(-0.5, 0.5, tuple(w.shape)).astype("float32") for w in theirs.weights]
    theirs.set_weights(values)
    mine.set_weights(values)
    assert [w.path for w in mine.trainable_weights] == [w.path for w in theirs.trainable_weights]
    with torch.no_grad():
        expected = theirs(torch.tensor(x), torch.tensor(x)).numpy()
    np.testing.assert_allclose(mine(x, x).detach().numpy(), expected, rtol=1e-5, atol=1e-6)
