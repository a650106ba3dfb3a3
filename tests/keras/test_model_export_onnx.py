"""Model.export(format="onnx"): the file ONNX Runtime runs gives what model.predict gives, for every layer the
exporter converts; Keras's argument checks; clear refusals for what it cannot write."""
import numpy as np
import pytest

from nn import keras
from nn.keras import layers as L

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def _run(path, *arrays):
    session = ort.InferenceSession(str(path))
    feeds = {spec.name: a for spec, a in zip(session.get_inputs(), arrays)}
    return session.run(None, feeds), session


def _check(model, arrays, tmp_path, atol=2e-5):
    """Export `model`, run the file on `arrays` (a batch size other than the first call's) and compare."""
    arrays = arrays if isinstance(arrays, list) else [arrays]
    model.predict(arrays if len(arrays) > 1 else arrays[0], verbose=0)
    path = tmp_path / "model.onnx"
    model.export(path, format="onnx", verbose=False)
    outs, session = _run(path, *arrays)
    expected = model.predict(arrays if len(arrays) > 1 else arrays[0], verbose=0)
    expected = expected if isinstance(expected, list) else [expected]
    for got, want in zip(outs, expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=atol)
    return session


def test_a_functional_mlp_keeps_keras_input_name_and_a_free_batch(tmp_path, capsys):
    keras.utils.set_random_seed(1)
    inp = keras.Input((6,), name="feats")
    out = L.Dense(2, activation="softmax")(L.Dense(4, activation="relu")(inp))
    model = keras.Model(inp, out)
    model(np.ones((2, 6), "float32"))
    model.export(tmp_path / "m.onnx", format="onnx")
    assert capsys.readouterr().out == f"Saved artifact at '{tmp_path / 'm.onnx'}'.\n"
    x = np.random.default_rng(0).normal(size=(7, 6)).astype("float32")
    outs, session = _run(tmp_path / "m.onnx", x)
    assert [(i.name, i.shape) for i in session.get_inputs()] == [("feats", ["batch", 6])]
    np.testing.assert_allclose(outs[0], model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_a_trained_cnn_with_strides_padding_pools_and_batch_norm(tmp_path):
    keras.utils.set_random_seed(2)
    rng = np.random.default_rng(2)
    inp = keras.Input((13, 11, 3))
    y = L.Conv2D(8, 3, padding="same", activation="relu")(inp)
    y = L.BatchNormalization()(y)
    y = L.Conv2D(6, 3, strides=2, padding="same", dilation_rate=1)(y)
    y = L.MaxPooling2D(padding="same")(y)
    y = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", activation="swish")(y)
    y = L.Conv2D(5, 2, dilation_rate=2, padding="valid")(y)
    y = L.AveragePooling2D(2, strides=1, padding="same")(y)
    a = L.GlobalAveragePooling2D()(y)
    b = L.GlobalMaxPooling2D()(y)
    y = L.Concatenate()([a, b])
    y = L.Dropout(0.3)(y)
    model = keras.Model(inp, L.Dense(3)(y))
    model.compile("adam", "mse")
    x = rng.normal(size=(16, 13, 11, 3)).astype("float32")
    model.fit(x, rng.normal(size=(16, 3)).astype("float32"), epochs=2, batch_size=8, verbose=0)
    _check(model, x[:5], tmp_path)


def test_sequences_embeddings_merges_and_a_nested_sequential(tmp_path):
    keras.utils.set_random_seed(3)
    rng = np.random.default_rng(3)
    tokens = keras.Input((9,), dtype="int32", name="tokens")
    series = keras.Input((9, 4), name="series")
    e = L.Embedding(20, 4)(tokens)
    c = L.Conv1D(4, 3, padding="causal", activation="tanh")(series)
    c = L.ZeroPadding1D((1, 2))(c)
    c = L.Cropping1D((2, 1))(c)
    merged = [L.Add()([e, c]), L.Subtract()([e, c]), L.Multiply()([e, c]), L.Average()([e, c]),
              L.Maximum()([e, c]), L.Minimum()([e, c])]
    y = L.Concatenate(axis=-1)(merged)
    y = L.LayerNormalization()(y)
    inner = keras.Sequential([L.Dense(8, activation="gelu"), L.Dense(4)])
    y = L.GlobalAveragePooling1D()(inner(y))
    model = keras.Model([tokens, series], L.Dense(2, activation="sigmoid")(y))
    arrays = [rng.integers(0, 20, size=(3, 9)).astype("int32"), rng.normal(size=(3, 9, 4)).astype("float32")]
    _check(model, arrays, tmp_path)


@pytest.mark.parametrize("name", ["relu", "relu6", "sigmoid", "hard_sigmoid", "tanh", "softmax", "log_softmax",
                                  "elu", "selu", "celu", "softplus", "softsign", "silu", "hard_silu", "gelu",
                                  "mish", "exponential", "leaky_relu", "linear"])
def test_each_built_in_activation(name, tmp_path):
    keras.utils.set_random_seed(4)
    model = keras.Sequential([keras.Input((5,)), L.Dense(6), L.Activation(name)])
    x = np.random.default_rng(4).normal(size=(4, 5)).astype("float32")
    _check(model, x, tmp_path)


def test_image_preprocessing_reshaping_and_activation_layers(tmp_path):
    keras.utils.set_random_seed(5)
    rng = np.random.default_rng(5)
    data = rng.normal(2.0, 3.0, size=(20, 6, 6, 2)).astype("float32")
    norm = L.Normalization()
    norm.adapt(data)
    model = keras.Sequential([
        keras.Input((6, 6, 2)), norm, L.Rescaling(0.5, offset=0.1), L.ZeroPadding2D(((1, 0), (2, 1))),
        L.Cropping2D(((0, 1), (1, 1))), L.UpSampling2D((2, 1)), L.Conv2D(3, 3), L.ReLU(max_value=2.0),
        L.LeakyReLU(negative_slope=0.1), L.PReLU(), L.ELU(alpha=0.7), L.Permute((2, 1, 3)),
        L.Reshape((-1, 3)), L.Softmax(axis=1), L.Flatten()])
    _check(model, data[:3], tmp_path)


def test_an_input_signature_fixes_the_batch(tmp_path):
    model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
    model(np.ones((1, 3), "float32"))
    model.export(tmp_path / "f.onnx", format="onnx", verbose=False,
                 input_signature=[keras.InputSpec(shape=(4, 3), dtype="float32")])
    session = ort.InferenceSession(str(tmp_path / "f.onnx"))
    assert session.get_inputs()[0].shape == [4, 3]


def test_keras_argument_checks_and_refusals(tmp_path):
    model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
    model(np.ones((1, 3), "float32"))
    with pytest.raises(ValueError, match=r"Unrecognized format=saved\. Supported formats are"):
        model.export(tmp_path / "x", format="saved")
    with pytest.raises(ValueError, match="OpenVINO export requires the filepath to end with '.xml'"):
        model.export(tmp_path / "x", format="openvino")
    with pytest.raises(ValueError, match="LiteRT export requires the filepath to end with '.tflite'"):
        model.export(tmp_path / "x", format="litert")
    with pytest.raises(ValueError, match="format='onnx'"):
        model.export(tmp_path / "x")   # tf_saved_model, Keras's default, needs TensorFlow
    with pytest.raises(ValueError, match="never called"):
        keras.Sequential([L.Dense(2)]).export(tmp_path / "u.onnx", format="onnx")
    masked = keras.Sequential([keras.Input((4, 3)), L.Masking(), L.GlobalAveragePooling1D()])
    masked(np.ones((1, 4, 3), "float32"))
    with pytest.raises(ValueError, match=r"no ONNX form for masking.*\(Masking\)"):
        masked.export(tmp_path / "r.onnx", format="onnx")
    assert not (tmp_path / "r.onnx").exists()
    backwards = keras.Sequential([keras.Input((4, 3)), L.LSTM(2, go_backwards=True)])
    backwards(np.ones((1, 4, 3), "float32"))
    with pytest.raises(ValueError, match="go_backwards=True"):
        backwards.export(tmp_path / "b.onnx", format="onnx")

    class Sub(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = L.Dense(2)

        def call(self, x):
            return self.dense(x)

    with pytest.raises(ValueError, match="never called"):
        Sub().export(tmp_path / "s.onnx", format="onnx")


def test_keras_writes_the_same_input_names_and_dims(tmp_path):
    from tests.keras.oracle import real_keras
    theirs = real_keras()
    for lib, name in ((theirs, "k.onnx"), (keras, "d.onnx")):
        inp = lib.Input((6,), name="feats")
        model = lib.Model(inp, lib.layers.Dense(2)(inp))
        model(np.ones((2, 6), "float32"))
        model.export(str(tmp_path / name), format="onnx", verbose=False)
    shown = []
    for name in ("k.onnx", "d.onnx"):
        graph = onnx.load(str(tmp_path / name)).graph
        shown.append([(i.name, [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim])
                      for i in graph.input])
    assert shown[0] == shown[1] == [("feats", ["batch", 6])]


@pytest.mark.parametrize("make", [
    lambda: L.LSTM(5), lambda: L.LSTM(5, return_sequences=True), lambda: L.GRU(4),
    lambda: L.GRU(4, reset_after=False, return_sequences=True), lambda: L.SimpleRNN(3, activation="relu"),
    lambda: L.Bidirectional(L.LSTM(3, return_sequences=True)), lambda: L.Bidirectional(L.GRU(3), merge_mode="sum"),
    lambda: L.Bidirectional(L.SimpleRNN(2), merge_mode="ave")])
def test_recurrent_layers(make, tmp_path):
    keras.utils.set_random_seed(6)
    rng = np.random.default_rng(6)
    layer = make()
    model = keras.Sequential([keras.Input((7, 4)), layer, L.Dense(2)])
    model.compile("adam", "mse")
    model.fit(rng.normal(size=(8, 7, 4)).astype("float32"), rng.normal(size=(8, 2) if not
              layer.get_config().get("return_sequences", getattr(getattr(layer, "forward_layer", None), "return_sequences", False))
              else (8, 7, 2)).astype("float32"), epochs=1, verbose=0)   # biases away from their initial values
    _check(model, rng.normal(size=(3, 7, 4)).astype("float32"), tmp_path)


def test_a_masked_embedding_is_refused(tmp_path):
    model = keras.Sequential([keras.Input((5,), dtype="int32"), L.Embedding(9, 3, mask_zero=True), L.LSTM(2)])
    model(np.ones((1, 5), "int32"))
    with pytest.raises(ValueError, match="mask_zero=True"):
        model.export(tmp_path / "m.onnx", format="onnx")


def test_quantized_layers_are_refused_and_lora_is_merged(tmp_path):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(3, 6)).astype("float32")
    model = keras.Sequential([keras.Input((6,)), L.Dense(4), L.Dense(3)])
    model(x)
    model.layers[0].enable_lora(2)
    model.layers[0].lora_kernel_b.assign(rng.normal(size=(2, 4)).astype("float32"))
    _check(model, x, tmp_path)
    model = keras.Sequential([keras.Input((6,)), L.Dense(4)])
    model(x)
    model.quantize("int8")
    with pytest.raises(ValueError, match="quantized"):
        model.export(tmp_path / "q.onnx", format="onnx")


def test_a_mixed_precision_model_is_refused(tmp_path):
    model = keras.Sequential([keras.Input((6,)), L.Dense(4, dtype="mixed_float16")])
    model(np.ones((1, 6), "float32"))
    with pytest.raises(ValueError, match="float16.*'float32'"):
        model.export(tmp_path / "h.onnx", format="onnx")


@pytest.mark.parametrize("causal", [False, True])
def test_a_transformer_block_with_multi_head_attention(causal, tmp_path):
    keras.utils.set_random_seed(8)
    rng = np.random.default_rng(8)
    tokens = keras.Input((6,), dtype="int32")
    x = L.Embedding(30, 8)(tokens)
    attended = L.MultiHeadAttention(2, 4, value_dim=3)(x, x, use_causal_mask=causal)
    x = L.LayerNormalization(epsilon=1e-6)(L.Add()([x, attended]))
    ff = L.EinsumDense("abc,cd->abd", output_shape=(None, 8), bias_axes="d", activation="relu")(x)
    x = L.LayerNormalization()(L.Add()([x, ff]))
    model = keras.Model(tokens, L.Dense(3)(L.GlobalAveragePooling1D()(x)))
    model.compile("adam", "mse")
    model.fit(rng.integers(0, 30, size=(8, 6)).astype("int32"), rng.normal(size=(8, 3)).astype("float32"),
              epochs=1, verbose=0)
    _check(model, rng.integers(0, 30, size=(5, 6)).astype("int32"), tmp_path)


def test_attention_with_a_mask_tensor_is_refused(tmp_path):
    q = keras.Input((4, 6))
    mask = keras.Input((4, 4), dtype="bool")
    model = keras.Model([q, mask], L.MultiHeadAttention(2, 3)(q, q, attention_mask=mask))
    model([np.ones((1, 4, 6), "float32"), np.ones((1, 4, 4), bool)])
    with pytest.raises(ValueError, match="by keyword"):
        model.export(tmp_path / "a.onnx", format="onnx")


def test_a_subclassed_model_is_traced_with_a_free_batch(tmp_path):
    class Sub(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = L.Dense(3, activation="relu")
            self.drop = L.Dropout(0.5)
            self.norm = L.LayerNormalization()

        def call(self, x, training=None):
            return self.norm(self.dense(self.drop(x, training=training))) * 2.0

    keras.utils.set_random_seed(9)
    model = Sub()
    model(np.ones((4, 5), "float32"))
    model.export(tmp_path / "s.onnx", format="onnx", verbose=False)
    x = np.random.default_rng(9).normal(size=(7, 5)).astype("float32")
    outs, session = _run(tmp_path / "s.onnx", x)
    assert [(i.name, i.shape) for i in session.get_inputs()] == [("input_0", ["batch", 5])]
    np.testing.assert_allclose(outs[0], model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
