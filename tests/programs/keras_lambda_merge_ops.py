"""A Keras program, written for Keras 3: a functional model glued together with Lambda layers and merge layers as
older keras.io examples write it — Lambda with keras.ops math (a log-ratio, a gated product, a normalization),
Lambda with `arguments=` and an explicit output_shape, a Lambda taking a list of tensors, the merge layers
Add / Subtract / Multiply / Average / Maximum / Minimum / Concatenate(axis=1) and Dot(axes, normalize), their
functional forms (layers.add, layers.multiply, ...), keras.ops called directly on KerasTensors, and a registered
function used inside a Lambda surviving get_config and a .keras round trip (saved by its registered name). The
weights start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="round6")
def scaled_softsign(x, scale=2.0):
    """scale * x / (1 + |x|)."""
    return scale * x / (1.0 + ops.abs(x))


def arr(value):
    return np.round(np.asarray(ops.convert_to_numpy(value), "float64"), 5).tolist()


def build():
    left = keras.Input((4,), name="left")
    right = keras.Input((4,), name="right")
    a = layers.Dense(4, name="proj_a")(left)
    b = layers.Dense(4, name="proj_b")(right)
    ratio = layers.Lambda(lambda t: ops.log1p(ops.abs(t[0])) - ops.log1p(ops.abs(t[1])), name="log_ratio")([a, b])
    gated = layers.Lambda(lambda t, k: ops.sigmoid(k * t), arguments={"k": 1.5}, output_shape=(4,), name="gate")(a)
    soft = layers.Lambda(scaled_softsign, arguments={"scale": 3.0}, name="softsign")(b)
    merged = [layers.Add()([a, b]), layers.Subtract()([a, b]), layers.Multiply()([gated, soft]),
              layers.Average()([a, b, ratio]), layers.Maximum()([a, soft]), layers.Minimum()([b, ratio])]
    functional = [layers.add([a, ratio]), layers.multiply([a, b]), layers.maximum([gated, soft])]
    dot = layers.Dot(axes=1, normalize=True, name="cosine")([a, b])
    dot_plain = layers.Dot(axes=(1, 1), name="inner")([gated, soft])
    normed = ops.divide(a, ops.sqrt(ops.sum(ops.square(a), axis=-1, keepdims=True)) + 1e-3)
    stacked = layers.Concatenate(axis=1, name="joined")(merged + functional + [dot, dot_plain, normed])
    outputs = layers.Dense(1, name="head")(stacked)
    return keras.Model([left, right], outputs, name="glued")


def main():
    rng = np.random.default_rng(52)
    xl = rng.standard_normal((24, 4)).astype("float32")
    xr = rng.standard_normal((24, 4)).astype("float32")
    y = (np.sum(xl * xr, axis=1, keepdims=True) > 0).astype("float32")
    model = build()
    init = np.random.default_rng(5)
    model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    print("layers", [type(l).__name__ for l in model.layers])
    print("merges", [l.name for l in model.layers if isinstance(l, (layers.Add, layers.Multiply, layers.Maximum))])
    print("shapes", [tuple(l.output.shape) for l in model.layers if isinstance(l, (layers.Lambda, layers.Dot))])
    print("joined", tuple(model.get_layer("joined").output.shape), [w.path for w in model.weights][:4],
          model.count_params(), model.get_layer("joined").get_config()["axis"])
    print("predict", arr(model.predict([xl[:3], xr[:3]], verbose=0).ravel()))
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)])
    history = model.fit({"left": xl, "right": xr}, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    cosine = keras.Model(model.inputs, model.get_layer("cosine").output)
    print("cosine", arr(cosine.predict([xl[:4], xr[:4]], verbose=0).ravel()))
    config = model.get_layer("softsign").get_config()
    print("lambda config", config["function"]["class_name"] if isinstance(config["function"], dict) else "?",
          config["arguments"], config.get("output_shape"))
    dot_config = model.get_layer("cosine").get_config()
    print("dot config", dot_config["axes"], dot_config["normalize"], model.get_layer("inner").get_config()["axes"])
    branch = keras.Model(model.get_layer("right").output, model.get_layer("softsign").output, name="branch")
    branch.save("branch.keras")   # Python lambdas store bytecode; a registered function saves by name
    again = keras.models.load_model("branch.keras")
    print("reloaded", np.allclose(again.predict(xr, verbose=0), branch.predict(xr, verbose=0), atol=1e-6),
          [l.name for l in again.layers if isinstance(l, layers.Lambda)], again.get_layer("softsign").arguments)
    print("direct", arr(scaled_softsign(ops.convert_to_tensor(np.array([-2.0, 0.5], "float32")), 1.0)),
          arr(layers.Lambda(lambda t: ops.cumsum(t, axis=1))(xl[:1])))


if __name__ == "__main__":
    main()
