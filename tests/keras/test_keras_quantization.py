"""Post-training int8 quantization (nn/keras/layers/quantized.py, int8_ops.py, the quantized dtype policies) and
Dense's int4 (int4.py) against real Keras 3 (torch backend) on the same weights: the quantized variables and their
scales, outputs and input gradients, training after quantization (LoRA included), configs and policies, saving and
loading (files real Keras wrote included), and the errors Keras raises."""
import json
import warnings

import numpy as np
import pytest

from nn import keras

from .oracle import keras_forward_and_grads, our_forward_and_grads, real_keras

# (name, factory(layers), input shape with the batch); the einsum equations cover Keras's scale layouts: expanded,
# transposed, and squeezed when the output has too few new axes
CASES = [("Dense", lambda L: L.Dense(7, activation="relu"), (4, 6)),
         ("Dense3d", lambda L: L.Dense(5, use_bias=False), (3, 4, 6)),
         ("ab,bc->ac", lambda L: L.EinsumDense("ab,bc->ac", 5, bias_axes="c"), (3, 4)),
         ("abc,cde->abde", lambda L: L.EinsumDense("abc,cde->abde", (2, 3, 5), bias_axes="de"), (3, 2, 4)),
         ("abcd,cde->abe", lambda L: L.EinsumDense("abcd,cde->abe", (2, 5)), (3, 2, 3, 4)),
         ("abc,cd->abd", lambda L: L.EinsumDense("abc,cd->abd", (2, 5), bias_axes="d"), (3, 2, 4)),
         ("abcd,dbe->acbe", lambda L: L.EinsumDense("abcd,dbe->acbe", (3, 2, 5)), (3, 2, 3, 4)),
         ("Embedding", lambda L: L.Embedding(10, 4), (3, 5))]


def _inputs(name, shape, seed=1):
    rng = np.random.default_rng(seed)
    if name == "Embedding":
        return rng.integers(0, 10, shape)
    return (rng.standard_normal(shape) * 3).astype("float32")


def _quantized_pair(make, shape):
    """A Keras layer and ours, built with the same float weights, then both quantized to int8."""
    K = real_keras()
    theirs, mine = make(K.layers), make(keras.layers)
    build = None if shape is None else (None,) + shape[1:]
    theirs.build(build)
    mine.build(build)
    mine.set_weights([w.numpy() for w in theirs.weights])
    theirs.quantize("int8")
    mine.quantize("int8")
    return theirs, mine


@pytest.mark.parametrize("name, make, shape", CASES, ids=[c[0] for c in CASES])
def test_int8_variables_and_outputs_match_keras(name, make, shape):
    """Same variables (names, paths, dtypes, shapes, trainability, values: abs-max quantization is defined
    arithmetic), the same outputs and the same input gradients (through the dequantized kernel)."""
    theirs, mine = _quantized_pair(make, None if name == "Embedding" else shape)
    assert [(w.path, np.dtype(w.dtype).name, tuple(w.shape), w.trainable) for w in mine.weights] == \
        [(w.path, w.dtype, tuple(w.shape), w.trainable) for w in theirs.weights]
    for ours, keras_weight in zip(mine.weights, theirs.weights):
        np.testing.assert_array_equal(ours.numpy(), keras_weight.numpy(), err_msg=keras_weight.path)
    assert mine.dtype_policy.name == theirs.dtype_policy.name == "int8_from_float32"
    assert mine.quantization_mode == theirs.quantization_mode == "int8"
    x = _inputs(name, shape)
    if name == "Embedding":
        np.testing.assert_array_equal(mine(x).numpy(), theirs(x).detach().numpy())
        return
    cotangent = [np.random.default_rng(2).standard_normal(tuple(theirs(x).shape)).astype("float32")]
    k_out, k_grads = keras_forward_and_grads(theirs, x, cotangent)
    o_out, o_grads = our_forward_and_grads(mine, x, cotangent)
    np.testing.assert_allclose(o_out[0], k_out[0], rtol=0, atol=1e-6)
    for ours, keras_grad in zip(o_grads, k_grads):
        np.testing.assert_allclose(ours, keras_grad, rtol=1e-5, atol=1e-5)


def test_layer_built_from_a_quantized_policy_has_keras_variables():
    """dtype='int8_from_float32' builds the int8 variables directly (what loading a quantized model does)."""
    K = real_keras()
    for make in (lambda L: L.Dense(3, dtype="int8_from_float32"),
                 lambda L: L.EinsumDense("abc,cd->abd", (2, 5), bias_axes="d", dtype="int8_from_float32"),
                 lambda L: L.Embedding(6, 3, dtype="int8_from_float32")):
        theirs, mine = make(K.layers), make(keras.layers)
        shape = None if isinstance(mine, keras.layers.Embedding) else (None, 2, 4)
        theirs.build(shape)
        mine.build(shape)
        assert [(w.name, np.dtype(w.dtype).name, tuple(w.shape), w.trainable) for w in mine.weights] == \
            [(w.name, w.dtype, tuple(w.shape), w.trainable) for w in theirs.weights]
        assert mine.get_config()["dtype"] == theirs.get_config()["dtype"]
        with pytest.raises(ValueError, match="already quantized"):
            mine.quantize("int8")


def test_model_quantize_matches_keras_and_warns_for_other_layers():
    """model.quantize quantizes the Dense layers, warns for the others (as Keras), and predicts as Keras."""
    K = real_keras()

    def build(k):
        inputs = k.Input((6,))
        hidden = k.layers.Dense(8, activation="relu")(inputs)
        hidden = k.layers.Dropout(0.2)(hidden)
        return k.Model(inputs, k.layers.Dense(3)(hidden))
    theirs, mine = build(K), build(keras)
    mine.set_weights(theirs.get_weights())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mine.quantize("int8")
    assert any("Dropout does not have a `quantize` method" in str(w.message) for w in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.quantize("int8")
    assert [(w.path, w.trainable) for w in mine.weights] == [(w.path, w.trainable) for w in theirs.weights]
    x = _inputs("Dense", (9, 6))
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=0, atol=1e-6)


def test_quantize_filters_pick_layers_by_name():
    """filters= (a regex here) quantizes only the layers whose name matches."""
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="keep_float"),
                              keras.layers.Dense(2, name="to_int8")])
    model.quantize("int8", filters="int8")
    assert [layer.quantization_mode for layer in model.layers] == [None, "int8"]


def test_multi_head_attention_quantizes_its_projections_as_keras():
    """A model with MultiHeadAttention: its four EinsumDense projections become int8, outputs as Keras's."""
    K = real_keras()

    def build(k):
        inputs = k.Input((4, 8))
        return k.Model(inputs, k.layers.MultiHeadAttention(2, 4)(inputs, inputs))
    theirs, mine = build(K), build(keras)
    mine.set_weights(theirs.get_weights())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.quantize("int8")
        mine.quantize("int8")
    assert [(w.path, np.dtype(w.dtype).name) for w in mine.weights] == \
        [(w.path, w.dtype) for w in theirs.weights]
    x = _inputs("Dense", (3, 4, 8))
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-5)


def _mlp(k):
    return k.Sequential([k.Input((6,)), k.layers.Dense(8, activation="relu"), k.layers.Dense(2)])


@pytest.mark.parametrize("lora", [False, True], ids=["bias_only", "lora"])
def test_training_after_quantization_matches_keras(lora):
    """After quantize, only the biases (and LoRA's A and B) train; fit's losses and the trained weights match."""
    K = real_keras()
    theirs, mine = _mlp(K), _mlp(keras)
    mine.set_weights(theirs.get_weights())
    theirs.quantize("int8")
    mine.quantize("int8")
    if lora:
        theirs.layers[0].enable_lora(2)
        mine.layers[0].enable_lora(2)
        mine.layers[0].lora_kernel_a.assign(theirs.layers[0].lora_kernel_a.numpy())
    assert [w.path for w in mine.trainable_weights] == [w.path for w in theirs.trainable_weights]
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((16, 6)).astype("float32"), rng.standard_normal((16, 2)).astype("float32")
    for model, k in ((theirs, K), (mine, keras)):
        model.compile(optimizer=k.optimizers.SGD(0.1), loss="mse")
    k_loss = theirs.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history["loss"]
    o_loss = mine.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(o_loss, k_loss, rtol=1e-5)
    assert k_loss[-1] < k_loss[0]
    for ours, keras_weight in zip(mine.weights, theirs.weights):
        np.testing.assert_allclose(ours.numpy(), keras_weight.numpy(), rtol=1e-5, atol=1e-6)


def test_saving_round_trips_and_reads_files_real_keras_wrote(tmp_path):
    """model.save / load_model and save_weights / load_weights keep the int8 variables (LoRA merged into the
    kernel and quantized again, as Keras); .keras and .weights.h5 files real Keras wrote load into ours."""
    K = real_keras()
    theirs, mine = _mlp(K), _mlp(keras)
    mine.set_weights(theirs.get_weights())
    for model in (theirs, mine):
        model.quantize("int8")
        model.layers[0].enable_lora(2)
    mine.layers[0].lora_kernel_a.assign(theirs.layers[0].lora_kernel_a.numpy())
    b = np.random.default_rng(4).uniform(-0.5, 0.5, (2, 8)).astype("float32")
    theirs.layers[0].lora_kernel_b.assign(b)
    mine.layers[0].lora_kernel_b.assign(b)
    x = _inputs("Dense", (5, 6))
    theirs.save(tmp_path / "keras.keras")
    theirs.save_weights(tmp_path / "keras.weights.h5")
    mine.save(tmp_path / "ours.keras")
    mine.save_weights(tmp_path / "ours.weights.h5")
    reference = K.models.load_model(tmp_path / "keras.keras").predict(x, verbose=0)
    from_keras = keras.models.load_model(tmp_path / "keras.keras")
    from_ours = keras.models.load_model(tmp_path / "ours.keras")
    for loaded in (from_keras, from_ours):
        assert loaded.layers[0].dtype_policy.name == "int8_from_float32"
        assert np.dtype(loaded.layers[0].kernel_scale.dtype) == np.float32
        np.testing.assert_allclose(loaded.predict(x, verbose=0), reference, rtol=0, atol=1e-6)
    for path in ("keras.weights.h5", "ours.weights.h5"):
        fresh = _mlp(keras)
        fresh.quantize("int8")
        fresh.load_weights(tmp_path / path)
        np.testing.assert_allclose(fresh.predict(x, verbose=0), reference, rtol=0, atol=1e-6)
    store = {}
    mine.layers[0].save_own_variables(store)
    k_store = {}
    theirs.layers[0].save_own_variables(k_store)
    assert sorted(store) == sorted(k_store) == ["0", "1", "2"]
    for key in store:
        np.testing.assert_allclose(store[key], np.asarray(k_store[key]), rtol=1e-6, atol=1e-6)


def test_quantized_policies_as_keras():
    """QuantizedDTypePolicy's names, dtypes, config and serialized form, and DTypePolicyMap's lookups and config."""
    K = real_keras()
    for name in ("int8_from_float32", "int8_from_mixed_bfloat16", "int8_from_bfloat16"):
        theirs, mine = K.dtype_policies.get(name), keras.dtype_policies.get(name)
        assert isinstance(mine, keras.dtype_policies.QuantizedDTypePolicy)
        assert (mine.name, mine.compute_dtype, mine.variable_dtype, mine.quantization_mode, repr(mine)) == \
            (theirs.name, theirs.compute_dtype, theirs.variable_dtype, theirs.quantization_mode, repr(theirs))
        assert keras.dtype_policies.serialize(mine) == K.dtype_policies.serialize(theirs)
        assert keras.dtype_policies.deserialize(K.dtype_policies.serialize(theirs)) == mine
    assert keras.DTypePolicy("float32").quantization_mode is None
    assert keras.dtype_policies.get("int8_from_float32") != keras.DTypePolicy("float32")
    mine, theirs = keras.dtype_policies.DTypePolicyMap(), K.dtype_policies.DTypePolicyMap()
    for policy_map in (mine, theirs):
        policy_map["encoder/dense"] = "int8_from_float32"
        policy_map["decoder/.*"] = "bfloat16"
    assert mine.name == theirs.name == "map_float32"
    for path in ("encoder/dense", "decoder/attention", "other"):
        assert mine[path].name == theirs[path].name
    assert json.dumps(mine.get_config(), sort_keys=True) == json.dumps(theirs.get_config(), sort_keys=True)
    again = keras.dtype_policies.DTypePolicyMap.from_config(mine.get_config())
    assert sorted(again) == ["decoder/.*", "encoder/dense"] and again["encoder/dense"].quantization_mode == "int8"
    with pytest.raises(ValueError, match="already exist"):
        mine["encoder/dense"] = "float32"
    mine["decoder/a.*"] = "float16"
    with pytest.raises(ValueError, match="matches multiple"):
        mine["decoder/attention"]


def test_setting_a_quantized_policy_quantizes_a_built_layer():
    """As Keras: layer.dtype_policy = 'int8_from_float32' on a built layer quantizes it."""
    layer = keras.layers.Dense(3)
    layer.build((None, 4))
    layer.dtype_policy = "int8_from_float32"
    assert np.dtype(layer.kernel.dtype) == np.int8 and layer.quantization_mode == "int8"


def test_bad_quantize_calls_raise_as_keras():
    """Unknown or missing mode, an unbuilt layer or model, quantizing twice, float16 compute, a layer that cannot
    be quantized, and Keras's modes nn.keras lacks: each error as Keras's (or a NotImplementedError naming int8)."""
    K = real_keras()
    for lib in (K, keras):
        layer = lib.layers.Dense(3)
        with pytest.raises(ValueError, match="isn't yet built"):
            layer.quantize("int8")
        layer.build((None, 4))
        with pytest.raises(ValueError, match="Invalid quantization mode.*mode=int3"):
            layer.quantize("int3")
        with pytest.raises(ValueError, match="You must provide either `mode` or `config`"):
            layer.quantize(None)
        layer.quantize("int8")
        with pytest.raises(ValueError, match="already quantized with dtype_policy='int8_from_float32'"):
            layer.quantize("int8")
        half = lib.layers.Dense(3, dtype="mixed_float16")
        half.build((None, 4))
        with pytest.raises(ValueError, match="doesn't work well with compute_dtype='float16'"):
            half.quantize("int8")
        conv = lib.layers.Conv1D(2, 2)
        conv.build((None, 5, 3))
        with pytest.raises(NotImplementedError, match="Conv1D does not have a `quantize` method"):
            conv.quantize("int8")
        with pytest.raises(ValueError, match="isn't yet built"):
            lib.Sequential([lib.layers.Dense(2)]).quantize("int8")
    with pytest.raises(NotImplementedError, match="'float8' is not implemented in nn.keras"):
        _mlp(keras).quantize("float8")
    projection = keras.layers.EinsumDense("ab,bc->ac", 3)
    projection.build((None, 4))
    with pytest.raises(NotImplementedError, match="'int4' is not implemented in nn.keras for EinsumDense"):
        projection.quantize("int4")
    dense = keras.layers.Dense(3)
    dense.build((None, 4))
    dense.quantize("int4")
    dense.enable_lora(2)
    with pytest.raises(ValueError, match="lora is already enabled"):
        dense.enable_lora(2)
    with pytest.raises(ValueError, match="doesn't work well"):
        keras.dtype_policies.get("int8_from_float16")
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        _mlp(keras).quantize("int8", block_size=4)


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "bfloat16"])
def test_bfloat16_policies_round_as_keras(policy):
    """Under a bfloat16 compute dtype the inputs' quantization and the rescaling round in bfloat16 step by step,
    as Keras's ops do: outputs equal, and the input gradients agree to bfloat16 precision."""
    pytest.importorskip("ml_dtypes")
    import torch
    K = real_keras()
    for make, shape in ((lambda L: L.Dense(8, activation="relu", dtype=policy), (16, 6)),
                        (lambda L: L.EinsumDense("abc,cde->abde", (2, 3, 5), bias_axes="de", dtype=policy),
                         (4, 2, 6))):
        theirs, mine = _quantized_pair(make, shape)
        assert mine.dtype_policy.name == theirs.dtype_policy.name == f"int8_from_{policy}"
        x = _inputs("Dense", shape)
        k_in = torch.tensor(x, requires_grad=True)
        k_out = theirs(k_in)
        k_out.float().sum().backward()
        o_in = keras.ops.convert_to_tensor(x)
        o_in.requires_grad_(True)
        o_out = mine(o_in)
        o_out.float().sum().backward()
        np.testing.assert_array_equal(o_out.float().numpy(), k_out.float().detach().numpy())
        np.testing.assert_allclose(o_in.grad.numpy(), k_in.grad.numpy(), rtol=1e-2, atol=1e-2)


INT4_CASES = [("blocks_of_128", 200, None), ("blocks_of_64", 150, "int4/64_from_float32"),
              ("per_channel", 7, "int4/-1_from_float32"), ("plain_policy", 7, "int4_from_float32")]


@pytest.mark.parametrize("name, features, policy", INT4_CASES, ids=[c[0] for c in INT4_CASES])
def test_dense_int4_matches_keras(name, features, policy):
    """quantize("int4") (Keras's default: asymmetric groups of 128 input rows) and int4 policies on a built Dense
    (per channel with block size -1): packed kernel, scales, zero points and g_idx equal Keras's; outputs and
    input gradients agree; a layer built from the policy has the same variables."""
    K = real_keras()
    make = lambda L: L.Dense(5, activation="relu")   # noqa: E731
    theirs, mine = make(K.layers), make(keras.layers)
    theirs.build((None, features))
    mine.build((None, features))
    mine.set_weights([w.numpy() for w in theirs.weights])
    for layer in (theirs, mine):
        if policy is None:
            layer.quantize("int4")
        else:
            layer.dtype_policy = policy
    assert mine.dtype_policy.name == theirs.dtype_policy.name
    assert [(w.path, np.dtype(w.dtype).name, tuple(w.shape), w.trainable) for w in mine.weights] == \
        [(w.path, w.dtype, tuple(w.shape), w.trainable) for w in theirs.weights]
    for ours, keras_weight in zip(mine.weights, theirs.weights):
        np.testing.assert_array_equal(ours.numpy(), keras_weight.numpy(), err_msg=keras_weight.path)
    x = _inputs("Dense", (4, features))
    cotangent = [np.random.default_rng(2).standard_normal((4, 5)).astype("float32")]
    k_out, k_grads = keras_forward_and_grads(theirs, x, cotangent)
    o_out, o_grads = our_forward_and_grads(mine, x, cotangent)
    np.testing.assert_allclose(o_out[0], k_out[0], rtol=1e-5, atol=1e-5)
    for ours, keras_grad in zip(o_grads, k_grads):
        np.testing.assert_allclose(ours, keras_grad, rtol=1e-5, atol=1e-5)
    # (setting an int4 policy quantizes with Keras's default config, 128-row blocks, whatever the policy's name
    # says, in Keras too; a layer built from the policy follows the name)
    built = [lib.layers.Dense(5, dtype=mine.dtype_policy.name) for lib in (K, keras)]
    for layer in built:
        layer.build((None, features))
    assert [(w.name, tuple(w.shape)) for w in built[1].weights] == [(w.name, tuple(w.shape)) for w in built[0].weights]


def test_int4_model_trains_saves_and_loads_as_keras(tmp_path):
    """model.quantize("int4"): fit trains the biases with Keras's losses; Keras's .keras and .weights.h5 files of
    it load into ours, and ours round-trips, all predicting as Keras's reloaded model."""
    K = real_keras()

    def build(k):
        return k.Sequential([k.Input((140,)), k.layers.Dense(8, activation="relu"), k.layers.Dense(3)])
    theirs, mine = build(K), build(keras)
    mine.set_weights(theirs.get_weights())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.quantize("int4")
        mine.quantize("int4")
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((16, 140)).astype("float32"), rng.standard_normal((16, 3)).astype("float32")
    for model, k in ((theirs, K), (mine, keras)):
        model.compile(optimizer=k.optimizers.SGD(0.05), loss="mse")
    k_loss = theirs.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history["loss"]
    o_loss = mine.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(o_loss, k_loss, rtol=1e-5)
    theirs.save(tmp_path / "keras.keras")
    theirs.save_weights(tmp_path / "keras.weights.h5")
    mine.save(tmp_path / "ours.keras")
    reference = K.models.load_model(tmp_path / "keras.keras").predict(x, verbose=0)
    for path in ("keras.keras", "ours.keras"):
        loaded = keras.models.load_model(tmp_path / path)
        assert loaded.layers[0].dtype_policy.name == "int4/128_from_float32"
        np.testing.assert_allclose(loaded.predict(x, verbose=0), reference, rtol=1e-5, atol=1e-5)
    fresh = build(keras)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fresh.quantize("int4")
    fresh.load_weights(tmp_path / "keras.weights.h5")
    np.testing.assert_allclose(fresh.predict(x, verbose=0), reference, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("vocabulary, width, policy", [(10, 300, None), (6, 130, "int4/64_from_float32"),
                                                       (10, 7, "int4/-1_from_float32")])
def test_embedding_int4_matches_keras(tmp_path, vocabulary, width, policy):
    """Embedding's int4 (groups along the output columns, or one scale per row): variables and lookups equal
    Keras's, and a model of it saved by real Keras loads into ours."""
    K = real_keras()
    theirs, mine = K.layers.Embedding(vocabulary, width), keras.layers.Embedding(vocabulary, width)
    theirs.build()
    mine.build()
    mine.set_weights([w.numpy() for w in theirs.weights])
    for layer in (theirs, mine):
        if policy is None:
            layer.quantize("int4")
        else:
            layer.dtype_policy = policy
    assert [(w.path, np.dtype(w.dtype).name, tuple(w.shape)) for w in mine.weights] == \
        [(w.path, w.dtype, tuple(w.shape)) for w in theirs.weights]
    for ours, keras_weight in zip(mine.weights, theirs.weights):
        np.testing.assert_array_equal(ours.numpy(), keras_weight.numpy(), err_msg=keras_weight.path)
    ids = np.random.default_rng(6).integers(0, vocabulary, (3, 4))
    np.testing.assert_array_equal(mine(ids).numpy(), theirs(ids).detach().numpy())
    if policy is None:
        inputs = K.Input((4,), dtype="int32")
        model = K.Model(inputs, K.layers.Dense(2)(theirs(inputs)))
        model.save(tmp_path / "embedding.keras")
        loaded = keras.models.load_model(tmp_path / "embedding.keras")
        np.testing.assert_allclose(loaded.predict(ids, verbose=0), model.predict(ids, verbose=0), rtol=1e-6,
                                   atol=1e-6)


LORA_CASES = [("Dense-int8", lambda L: L.Dense(5), (3, 140), "int8"),
              ("Dense-int4", lambda L: L.Dense(5), (3, 140), "int4"),
              ("Dense-int4-per-channel", lambda L: L.Dense(5, dtype="int4/-1_from_float32"), (3, 140), None),
              ("EinsumDense-int8", lambda L: L.EinsumDense("abc,cd->abd", (2, 5), bias_axes="d"), (3, 2, 6), "int8"),
              ("Embedding-int8", lambda L: L.Embedding(10, 6), (3, 4), "int8"),
              ("Embedding-int4", lambda L: L.Embedding(10, 150), (3, 4), "int4")]


@pytest.mark.parametrize("name, make, shape, mode", LORA_CASES, ids=[c[0] for c in LORA_CASES])
def test_lora_on_quantized_layers_matches_keras(name, make, shape, mode):
    """enable_lora on a quantized layer: A and B shaped for the unpacked weight, the call adds their float
    update, the gradients reach A, B and the bias only, and save_own_variables merges the update into the
    quantized weight and quantizes again, all as Keras."""
    K = real_keras()
    theirs, mine = make(K.layers), make(keras.layers)
    embedding = name.startswith("Embedding")
    build = None if embedding else (None,) + shape[1:]
    theirs.build(build)
    mine.build(build)
    if mode is not None:
        mine.set_weights([w.numpy() for w in theirs.weights])
    rng = np.random.default_rng(7)
    for layer in (theirs, mine):
        if mode is not None:
            layer.quantize(mode)
        layer.enable_lora(2)
    if mode is None:   # built from the policy: give both the same random packed values, scales and biases
        values = [rng.integers(-128, 128, tuple(w.shape)).astype("int8") if w.dtype == "int8"
                  else rng.uniform(1, 5, tuple(w.shape)).astype("float32") for w in theirs.weights]
        theirs.set_weights(values)
        mine.set_weights(values)
    a_name, b_name = mine._lora_names
    a = getattr(theirs, a_name).numpy()
    b = rng.uniform(-0.3, 0.3, tuple(getattr(mine, b_name).shape)).astype("float32")
    for layer in (theirs, mine):
        getattr(layer, a_name).assign(a)
        getattr(layer, b_name).assign(b)
    assert [(w.path, tuple(w.shape), w.trainable) for w in mine.weights] == \
        [(w.path, tuple(w.shape), w.trainable) for w in theirs.weights]
    x = rng.integers(0, 10, shape) if embedding else rng.standard_normal(shape).astype("float32")
    cotangent = [rng.standard_normal(tuple(theirs(x).shape)).astype("float32")]
    k_out, k_grads = keras_forward_and_grads(theirs, x, cotangent)
    o_out, o_grads = our_forward_and_grads(mine, x, cotangent)
    np.testing.assert_allclose(o_out[0], k_out[0], rtol=1e-5, atol=1e-5)
    for ours, keras_grad in zip(o_grads, k_grads):
        np.testing.assert_allclose(ours, keras_grad, rtol=1e-4, atol=1e-5)
    store, k_store = {}, {}
    mine.save_own_variables(store)
    theirs.save_own_variables(k_store)
    assert sorted(store) == sorted(k_store)
    for key in store:
        np.testing.assert_allclose(store[key], np.asarray(k_store[key]), rtol=1e-6, atol=1e-6, err_msg=key)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_quantizing_a_trained_compiled_model_keeps_training_as_keras(jit_compile):
    """compile, fit, quantize, fit again: the optimizer and the compiled (jit) steps drop the float kernels, as
    Keras drops its train function, so the losses after quantizing are Keras's."""
    K = real_keras()
    theirs, mine = _mlp(K), _mlp(keras)
    mine.set_weights(theirs.get_weights())
    theirs.compile(optimizer=K.optimizers.Adam(0.01), loss="mse")
    mine.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", jit_compile=jit_compile)
    rng = np.random.default_rng(8)
    x, y = rng.standard_normal((16, 6)).astype("float32"), rng.standard_normal((16, 2)).astype("float32")
    histories = []
    for model in (theirs, mine):
        model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
        model.quantize("int8")
        histories.append(model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-5)
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("config_name, arguments", [("Int4QuantizationConfig", {"block_size": 64}),
                                                    ("Int4QuantizationConfig", {"block_size": None}),
                                                    ("Int8QuantizationConfig", {})])
def test_quantization_config_objects_as_keras(config_name, arguments):
    """quantize(config=...) with Keras's default quantizers: the int4 block size (None: per channel) picks the
    variables and the policy, as in Keras."""
    K = real_keras()
    theirs, mine = K.layers.Dense(5), keras.layers.Dense(5)
    theirs.build((None, 150))
    mine.build((None, 150))
    mine.set_weights(theirs.get_weights())
    theirs.quantize(config=getattr(K.quantizers, config_name)(**arguments))
    mine.quantize(config=getattr(keras.quantizers, config_name)(**arguments))
    assert mine.dtype_policy.name == theirs.dtype_policy.name
    for ours, keras_weight in zip(mine.weights, theirs.weights):
        np.testing.assert_array_equal(ours.numpy(), keras_weight.numpy(), err_msg=keras_weight.path)
    x = _inputs("Dense", (3, 150))
    np.testing.assert_allclose(mine(x).numpy(), theirs(x).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_bad_quantization_configs_raise_as_keras():
    """A config contradicting the mode, a config that is no QuantizationConfig, and (nn.keras only) quantizers
    other than Keras's defaults, such as weight-only int8."""
    K = real_keras()
    for lib in (K, keras):
        layer = lib.layers.Dense(3)
        layer.build((None, 4))
        with pytest.raises(ValueError, match="Contradictory arguments: mode='int4' but config.mode='int8'"):
            layer.quantize("int4", config=lib.quantizers.Int8QuantizationConfig())
        with pytest.raises(ValueError, match="must be an instance of `QuantizationConfig`"):
            layer.quantize(config=3)
        with pytest.raises(ValueError, match="block_size must be None, -1, or a positive integer"):
            lib.quantizers.Int4QuantizationConfig(block_size=0)
    layer = keras.layers.Dense(3)
    layer.build((None, 4))
    with pytest.raises(NotImplementedError, match="default quantizers only"):
        layer.quantize(config=keras.quantizers.Int8QuantizationConfig(activation_quantizer=None))
    with pytest.raises(NotImplementedError, match="default quantizers only"):
        layer.quantize(config=keras.quantizers.Int8QuantizationConfig(
            weight_quantizer=keras.quantizers.AbsMaxQuantizer(axis=0)))
