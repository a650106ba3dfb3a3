"""Regression tests for the bugs found by the twenty-ninth round of ported Keras programs
(tests/keras/test_keras_programs_round29.py), each compared with real Keras 3 (torch backend) where Keras runs it."""
import numpy as np
import pytest

from .oracle import fresh_sessions

CONVS = [("Conv1D", (None, 6, 2)), ("Conv2D", (None, 5, 5, 2)), ("Conv3D", (None, 4, 4, 4, 2))]


def _fill(K, layer, seed):
    rng = np.random.default_rng(seed)
    for w in layer.weights:
        w.assign(rng.normal(size=tuple(w.shape)).astype("float32"))


def _numpy(K, value):
    return np.asarray(K.ops.convert_to_numpy(value), "float64")


@pytest.mark.parametrize("name,shape", CONVS, ids=[n for n, _ in CONVS])
def test_conv_layers_take_lora(name, shape):
    """Keras's Conv1D/2D/3D take `lora_rank=`/`lora_alpha=` and `enable_lora` (deepgrad refused the keyword and
    had no enable_lora): the same weights, trainable flags, config, merged kernel, outputs and stored variables."""
    theirs, ours = fresh_sessions()
    seen = []
    for K in (theirs, ours):
        layer = getattr(K.layers, name)(3, 2, padding="same", lora_rank=2, lora_alpha=5.0, name="c")
        layer.build(shape)
        _fill(K, layer, 7)
        x = np.random.default_rng(8).normal(size=(2,) + shape[1:]).astype("float32")
        store = {}
        layer.save_own_variables(store)
        config = layer.get_config()
        seen.append(dict(weights=[(w.path, tuple(w.shape), w.trainable) for w in layer.weights],
                         config=(config["lora_rank"], config["lora_alpha"]), out=_numpy(K, layer(x)),
                         kernel=_numpy(K, layer.kernel), stored=_numpy(K, store["0"]), keys=sorted(store)))
    assert seen[1]["weights"] == seen[0]["weights"]
    assert seen[1]["config"] == seen[0]["config"] and seen[1]["keys"] == seen[0]["keys"]
    for key in ("out", "kernel", "stored"):
        np.testing.assert_allclose(seen[1][key], seen[0][key], rtol=1e-5, atol=1e-5)


def test_conv_lora_trains_only_the_adapters_and_saves_merged(tmp_path):
    """A Conv2D with `enable_lora` trains A, B and the bias (its kernel stays), and `.keras` / `save_weights`
    store the merged kernel so that a plain model loads it, as Keras."""
    theirs, ours = fresh_sessions()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 6, 6, 2)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    seen = []
    for K in (theirs, ours):
        def make():
            return K.Sequential([K.Input((6, 6, 2)), K.layers.Conv2D(4, 3, name="c"),
                                 K.layers.GlobalAveragePooling2D(), K.layers.Dense(1, name="d")])
        model = make()
        _fill(K, model, 1)
        model.get_layer("c").enable_lora(2)
        _fill(K, model.get_layer("c"), 2)
        before = _numpy(K, model.get_layer("c")._kernel)
        model.compile(K.optimizers.SGD(0.01), "mse")
        losses = model.fit(x, y, epochs=2, batch_size=4, verbose=0, shuffle=False).history["loss"]
        path = str(tmp_path / f"{K.__name__}.weights.h5")
        model.save_weights(path)
        plain = make()
        plain.load_weights(path)
        seen.append(dict(losses=losses, kept=np.array_equal(before, _numpy(K, model.get_layer("c")._kernel)),
                         trainable=[w.path for w in model.trainable_weights], out=_numpy(K, model.predict(x, verbose=0)),
                         plain=_numpy(K, plain.predict(x, verbose=0))))
    assert seen[1]["trainable"] == seen[0]["trainable"] and seen[1]["kept"] and seen[0]["kept"]
    np.testing.assert_allclose(seen[1]["losses"], seen[0]["losses"], rtol=1e-4)
    np.testing.assert_allclose(seen[1]["out"], seen[0]["out"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(seen[1]["plain"], seen[1]["out"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("interpolation,fill_mode,data_format", [
    ("bilinear", "constant", "channels_last"), ("nearest", "wrap", "channels_last"),
    ("bilinear", "reflect", "channels_first")])
def test_affine_transform_with_c0_c1_as_keras_torch_backend(interpolation, fill_mode, data_format):
    """`ops.image.affine_transform` with nonzero c0, c1 (the projective slots) runs as on Keras's torch backend,
    which shifts channel k by k * (c1, c0); deepgrad refused such transforms with a ValueError."""
    theirs, ours = fresh_sessions()
    rng = np.random.default_rng(3)
    shape = (2, 6, 7, 3) if data_format == "channels_last" else (2, 3, 6, 7)
    x = rng.uniform(size=shape).astype("float32")
    t = np.array([[0.9, 0.2, 0.5, -0.1, 1.1, 0.3, 0.4, -0.3], [1.0, 0, 0, 0, 1.0, 0, 0.7, 1.3]], "float32")
    out = [_numpy(K, K.ops.image.affine_transform(x, t, interpolation=interpolation, fill_mode=fill_mode,
                                                  fill_value=0.5, data_format=data_format))
           for K in (theirs, ours)]
    np.testing.assert_allclose(out[1], out[0], rtol=1e-5, atol=1e-5)


def test_layer_compute_output_spec():
    """`layer.compute_output_spec(KerasTensor)` (Keras's public Layer method) gives Keras's shapes and dtypes for
    a user layer, a recurrent layer with states and a merge layer; deepgrad's layers had no such method
    (AttributeError)."""
    theirs, ours = fresh_sessions()
    seen = []
    for K in (theirs, ours):
        class Halves(K.layers.Layer):
            def call(self, x):
                return {"b": K.ops.cast(x, "int32")[:, :2], "a": K.ops.concatenate([x, x], -1)}

        specs = [K.layers.LSTM(4, return_sequences=True, return_state=True).compute_output_spec(
                     K.KerasTensor((2, 5, 3))),
                 K.layers.Concatenate().compute_output_spec([K.KerasTensor((None, 3)), K.KerasTensor((None, 2))]),
                 K.layers.Dense(4, dtype="mixed_float16").compute_output_spec(K.KerasTensor((None, 3))),
                 Halves().compute_output_spec(K.KerasTensor((None, 3)))]
        flat = K.tree.flatten(specs)
        seen.append([(tuple(s.shape), str(s.dtype), type(s).__name__) for s in flat])
    assert seen[1] == seen[0]


NAN_PROBABILITIES = [
    ("BinaryCrossentropy", lambda K, y, p: K.losses.BinaryCrossentropy()(y, p)),
    ("binary_crossentropy", lambda K, y, p: K.losses.binary_crossentropy(y, p)),
    ("ops.binary_crossentropy", lambda K, y, p: K.ops.binary_crossentropy(y, p)),
    ("BinaryFocalCrossentropy", lambda K, y, p: K.losses.BinaryFocalCrossentropy()(y, p)),
    ("metrics.BinaryCrossentropy", lambda K, y, p: K.metrics.BinaryCrossentropy()(y, p)),
]


@pytest.mark.parametrize("name,call", NAN_PROBABILITIES, ids=[n for n, _ in NAN_PROBABILITIES])
def test_binary_cross_entropy_refuses_nan_probabilities(name, call):
    """A NaN probability (a diverged sigmoid) makes Keras's torch backend raise RuntimeError ("all elements of input
    should be between 0 and 1"); deepgrad returned a NaN loss silently."""
    theirs, ours = fresh_sessions()
    y = np.array([[1.0], [0.0]], "float32")
    p = np.array([[np.nan], [0.3]], "float32")
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        call(theirs, y, p)
    with pytest.raises(RuntimeError, match=r"between 0 and 1.*1 NaN.*\(2, 1\)"):
        call(ours, y, p)


def test_torch_binary_cross_entropy_refuses_nan_as_pytorch():
    """nn.functional.binary_cross_entropy refuses NaN inputs and targets with a RuntimeError, as PyTorch's
    (its range check let NaN through)."""
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn.functional as F
    for p, t in [([np.nan, 0.5], [1.0, 0.0]), ([0.5], [np.nan])]:
        with pytest.raises(RuntimeError, match="between 0 and 1"):
            torch.nn.functional.binary_cross_entropy(torch.tensor(p), torch.tensor(t))
        with pytest.raises(RuntimeError, match=r"\[0, 1\].*NaN"):
            F.binary_cross_entropy(ag.tensor(p), ag.tensor(t))
