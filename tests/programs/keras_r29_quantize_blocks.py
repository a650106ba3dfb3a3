"""A Keras program, written for Keras 3: weight quantization by config objects — `Int4QuantizationConfig` with
per-channel (`block_size=-1`) and grouped (`block_size=4`) int4 kernels on Dense layers, `Int8QuantizationConfig()`
on an Embedding and a Dense, `filters=` picking layers, the variables each leaves (shapes and dtypes), the
largest prediction gap to the float model, a fine-tuning step, a `.keras` round trip of each quantized model; and
the `keras.quantizers` functions (`abs_max_quantize`, `pack_int4`/`unpack_int4`, the grouped zero-point quantizer,
`fake_quant_with_min_max_vars`, the float8 scale helpers). Weights are set from NumPy."""
import numpy as np

import keras
from keras import layers, ops, quantizers


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def dense_model(name):
    model = keras.Sequential([keras.Input((8,)), layers.Dense(12, activation="relu", name="a"),
                              layers.Dense(6, name="b"), layers.Dense(2, name="c")], name=name)
    rng = np.random.default_rng(2934)
    for w in model.weights:
        w.assign((rng.normal(size=tuple(w.shape)) * 0.4).astype("float32"))
    return model


def main():
    rng = np.random.default_rng(2934)
    x = rng.normal(size=(16, 8)).astype("float32")
    y = rng.normal(size=(16, 2)).astype("float32")
    reference = dense_model("ref").predict(x, verbose=0)
    for block_size in (-1, 4):
        model = dense_model(f"int4_{block_size}".replace("-", "m"))
        model.quantize(config=quantizers.Int4QuantizationConfig(block_size=block_size), filters="a|b")
        print("int4", block_size, [(w.path.split("/", 1)[1], str(w.dtype), tuple(w.shape)) for w in model.weights])
        print("policies", [l.dtype_policy.name for l in model.layers])
        predicted = model.predict(x, verbose=0)
        print("gap", r(np.abs(predicted - reference).max(), 3))
        model.compile(keras.optimizers.SGD(0.05), "mse")
        print("finetune", r(model.train_on_batch(x, y), 4), [w.path.split("/", 1)[1] for w in model.trainable_weights])
        path = f"int4_{block_size}.keras"
        model.save(path)
        again = keras.models.load_model(path)
        print("reloaded", r(np.abs(again.predict(x, verbose=0) - model.predict(x, verbose=0)).max(), 6),
              [l.dtype_policy.name for l in again.layers])

    tokens = rng.integers(0, 20, size=(16, 5))
    embed_model = keras.Sequential([keras.Input((5,), dtype="int32"), layers.Embedding(20, 6, name="emb"),
                                    layers.GlobalAveragePooling1D(), layers.Dense(3, name="out")], name="emb_model")
    for w in embed_model.weights:
        w.assign((rng.normal(size=tuple(w.shape)) * 0.5).astype("float32"))
    before = embed_model.predict(tokens, verbose=0)
    embed_model.quantize(config=quantizers.Int8QuantizationConfig())
    print("int8", [(w.path.split("/", 1)[1], str(w.dtype), tuple(w.shape)) for w in embed_model.weights])
    print("int8 gap", r(np.abs(embed_model.predict(tokens, verbose=0) - before).max(), 3))
    embed_model.save("int8.keras")
    again = keras.models.load_model("int8.keras")
    print("int8 reloaded", r(np.abs(again.predict(tokens, verbose=0) - embed_model.predict(tokens, verbose=0)).max(), 6))

    w = rng.normal(size=(6, 4)).astype("float32")
    values, scale = quantizers.abs_max_quantize(w, axis=0)
    print("abs max", r(values[:2]), r(scale))
    small = np.clip(np.round(w * 3), -8, 7).astype("int8")
    packed, shape, orig = quantizers.pack_int4(small, axis=0)
    print("pack", tuple(packed.shape), r(packed[:, 0]), tuple(shape), orig,
          bool(np.array_equal(ops.convert_to_numpy(quantizers.unpack_int4(packed, orig, axis=0)), small)))
    q, s, z = quantizers.abs_max_quantize_grouped_with_zero_point(w, block_size=3)
    print("grouped", tuple(q.shape), r(s), r(z))
    print("fake quant", r(quantizers.fake_quant_with_min_max_vars(w[:2], -1.0, 1.5, num_bits=4, narrow_range=True)))
    print("float8 scale", r(quantizers.compute_float8_scale(np.float32(6.0), np.float32(2.0), np.float32(448.0))),
          r(quantizers.compute_float8_amax_history(w[0], np.zeros(3, "float32"))))
    print("qdq", r(quantizers.quantize_and_dequantize(w[:1], np.float32(2.0), "float8_e4m3fn", "float32")))


if __name__ == "__main__":
    main()
