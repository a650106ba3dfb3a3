"""A Keras program, written for Keras 3: `keras.config`'s session knobs in a training program. `set_epsilon`
reaching the losses, metrics and `Adam`; `set_image_data_format("channels_first")` for the convolution, pooling,
upsampling and flatten layers of a trained model (its summary and outputs); `set_max_epochs` and
`set_max_steps_per_epoch` capping `fit`; `set_floatx("float64")` for the layers, weights and outputs made after it;
the dtype helpers `backend.is_float_dtype`/`is_int_dtype`/`standardize_dtype`/`result_type`. Every knob is put back
at the end."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=5):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    rng = np.random.default_rng(2702)
    print("defaults", keras.config.floatx(), keras.config.epsilon(), keras.config.image_data_format(),
          keras.config.max_epochs(), keras.config.max_steps_per_epoch())
    y_true = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], "float32")
    y_pred = np.array([[0.0, 1.0, 0.0], [0.3, 0.0, 0.7]], "float32")
    try:
        for eps in (1e-7, 1e-3, 0.05):
            keras.config.set_epsilon(eps)
            cce = keras.losses.CategoricalCrossentropy()(y_true, y_pred)
            bce = keras.losses.BinaryCrossentropy()(y_true, y_pred)
            kld = keras.losses.KLDivergence()(y_true, y_pred)
            msle = keras.losses.MeanSquaredLogarithmicError()(y_true, y_pred)
            metric = keras.metrics.BinaryCrossentropy()
            metric.update_state(y_true, y_pred)
            print("epsilon", keras.config.epsilon(), r(cce, 4), r(bce, 4), r(kld, 4), r(msle, 5), r(metric.result(), 4),
                  keras.optimizers.Adam().epsilon, keras.optimizers.Adagrad().epsilon)
    finally:
        keras.config.set_epsilon(1e-7)

    images = rng.uniform(size=(12, 2, 8, 8)).astype("float32")
    labels = (images[:, 0].mean(axis=(1, 2)) > images[:, 1].mean(axis=(1, 2))).astype("int32")
    keras.config.set_image_data_format("channels_first")
    try:
        keras.utils.set_random_seed(2702)
        model = keras.Sequential([keras.Input((2, 8, 8)), layers.Conv2D(3, 3, padding="same", activation="relu"),
                                  layers.MaxPooling2D(2), layers.UpSampling2D(2), layers.Conv2D(2, 1),
                                  layers.AveragePooling2D(4), layers.Flatten(), layers.Dense(2)], name="first")
        print("channels_first formats", [getattr(layer, "data_format", None) for layer in model.layers])
        print("channels_first shapes", [tuple(layer.output.shape) for layer in model.layers])
        model.compile(optimizer=keras.optimizers.SGD(0.1),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
        history = model.fit(images, labels, batch_size=4, epochs=3, verbose=0, shuffle=False)
        print("channels_first loss", r(history.history["loss"], 4), "accuracy", r(history.history["accuracy"], 4))
        print("channels_first global pool", tuple(layers.GlobalAveragePooling2D()(images).shape),
              r(layers.GlobalMaxPooling2D()(images)[0], 4))
    finally:
        keras.config.set_image_data_format("channels_last")
    print("channels_last again", layers.Conv2D(1, 1).data_format)

    x = rng.normal(size=(40, 3)).astype("float32")
    y = x @ np.array([[1.0], [-1.0], [0.5]], "float32")
    seen = []
    keras.config.set_max_epochs(2)
    keras.config.set_max_steps_per_epoch(3)
    try:
        keras.utils.set_random_seed(2702)
        capped = keras.Sequential([keras.Input((3,)), layers.Dense(1)], name="capped")
        capped.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
        history = capped.fit(x, y, batch_size=5, epochs=6, verbose=0, shuffle=False,
                             callbacks=[keras.callbacks.LambdaCallback(
                                 on_train_batch_end=lambda batch, logs: seen.append(batch))])
        print("capped epochs", len(history.history["loss"]), "batches", seen, "loss", r(history.history["loss"], 4),
              "iterations", int(capped.optimizer.iterations))
    finally:
        keras.config.set_max_epochs(None)
        keras.config.set_max_steps_per_epoch(None)
    print("caps cleared", keras.config.max_epochs(), keras.config.max_steps_per_epoch())

    keras.config.set_floatx("float64")
    try:
        keras.utils.set_random_seed(2702)
        wide = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(1)],
                                name="wide")
        print("float64 floatx", keras.config.floatx(), keras.backend.floatx(),
              [w.dtype for w in wide.weights], wide.layers[0].dtype, wide.layers[0].compute_dtype)
        wide.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
        history = wide.fit(x.astype("float64"), y.astype("float64"), batch_size=10, epochs=2, verbose=0,
                           shuffle=False)
        out = wide.predict(x[:3], verbose=0)
        print("float64 fit", r(history.history["loss"], 5), out.dtype, r(out[:, 0], 5))
        made = [ops.ones((2,)), ops.convert_to_tensor(1.5), keras.random.normal((2,), seed=1), ops.zeros((1,)) + 1]
        print("float64 ops", [keras.backend.standardize_dtype(t.dtype) for t in made],
              keras.Variable(np.zeros(2)).dtype, keras.Variable(np.zeros(2, "float32")).dtype)
    finally:
        keras.config.set_floatx("float32")
    print("floatx back", keras.config.floatx(), layers.Dense(2).dtype)

    for dtype in ("float16", "bfloat16", "int8", "uint32", "bool", "float64", "int64"):
        print("dtype", dtype, keras.backend.is_float_dtype(dtype), keras.backend.is_int_dtype(dtype),
              keras.backend.standardize_dtype(dtype), keras.backend.result_type(dtype, "float32"),
              keras.backend.result_type(dtype, "int32"))
    print("standardize", keras.backend.standardize_dtype(np.float32), keras.backend.standardize_dtype(float),
          keras.backend.standardize_dtype(int), keras.backend.standardize_dtype(bool))


if __name__ == "__main__":
    main()
