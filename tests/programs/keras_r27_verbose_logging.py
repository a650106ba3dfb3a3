"""A Keras program, written for Keras 3: what `fit`, `evaluate` and `predict` print with `verbose=2` (one line per
epoch, with validation and several metrics, `initial_epoch`, `steps_per_epoch`, `validation_freq`, and the
messages of verbose callbacks between its lines), an explicit `ProgbarLogger`
beside `verbose=0`, `keras.utils.Progbar` driven by hand (`update`, `add`, `stateful_metrics`, an unknown target,
`unit_name`, `interval`), and `keras.config`'s interactive-logging switch. Timings are masked before printing."""
import contextlib
import io
import re

import numpy as np

import keras
from keras import callbacks, layers

TIMING = re.compile(r"\d+(?:\.\d+)?(?:ms|us|s)(?:/\w+)?")
STYLE = re.compile(r"\x1b\[[0-9;]*m")


def captured(run):
    """What `run()` printed, one entry per finished line, timings masked and terminal styling removed."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        result = run()
    lines = []
    for line in buffer.getvalue().split("\n"):
        last = STYLE.sub("", line.split("\r")[-1]).replace("\b", "").rstrip()
        if last:
            lines.append(TIMING.sub("T", last))
    return result, lines


def main():
    rng = np.random.default_rng(2701)
    x = rng.normal(size=(36, 4)).astype("float32")
    y = (x @ np.array([[0.5], [-1.0], [0.25], [0.0]], "float32") > 0).astype("float32")
    keras.utils.set_random_seed(27)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(6, activation="relu"),
                              layers.Dense(1, activation="sigmoid")], name="logged")
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc"), keras.metrics.MeanSquaredError(name="mse")])
    _, lines = captured(lambda: model.fit(x, y, batch_size=8, epochs=3, verbose=2, shuffle=False,
                                          validation_data=(x[:10], y[:10])))
    print("fit verbose=2", len(lines), "lines")
    for line in lines:
        print(" ", line)
    _, lines = captured(lambda: model.fit(x, y, batch_size=8, epochs=5, initial_epoch=3, steps_per_epoch=2,
                                          verbose=2, shuffle=False))
    for line in lines:
        print("resumed", line)
    _, lines = captured(lambda: model.evaluate(x, y, batch_size=12, verbose=2))
    print("evaluate", lines)
    _, lines = captured(lambda: model.evaluate(x, y, batch_size=12, verbose=2, return_dict=True))
    print("evaluate dict", lines)
    predictions, lines = captured(lambda: model.predict(x, batch_size=16, verbose=2))
    print("predict", lines, predictions.shape)
    _, lines = captured(lambda: model.fit(x, y, batch_size=12, epochs=2, verbose=0, shuffle=False,
                                          callbacks=[callbacks.ProgbarLogger()]))
    print("progbar logger", lines)
    _, lines = captured(lambda: model.fit(x, y, batch_size=8, epochs=4, verbose=2, shuffle=False,
                                          validation_data=(x[:10], y[:10]), validation_freq=2))
    for line in lines:
        print("validation_freq", line)
    watchers = [callbacks.EarlyStopping("loss", patience=0, min_delta=10, verbose=1),
                callbacks.ReduceLROnPlateau("loss", patience=0, min_delta=10, verbose=1),
                callbacks.ModelCheckpoint("logged.weights.h5", "loss", verbose=1, save_weights_only=True),
                callbacks.LearningRateScheduler(lambda epoch, rate: rate * 0.5, verbose=1)]
    _, lines = captured(lambda: model.fit(x, y, batch_size=8, epochs=3, verbose=2, shuffle=False,
                                          callbacks=watchers))
    for line in lines:
        print("verbose callbacks", line)

    bar = keras.utils.Progbar(4, stateful_metrics=["acc"], verbose=2)
    _, lines = captured(lambda: [bar.update(k + 1, values=[("loss", 0.5 * k), ("acc", k / 8)]) for k in range(4)])
    print("progbar verbose=2", lines)
    bar = keras.utils.Progbar(3, width=10, verbose=1, interval=0.0)
    _, lines = captured(lambda: [bar.add(1, values=[("loss", 1.0 / (k + 1))]) for k in range(3)])
    print("progbar verbose=1", lines[-1:])
    bar = keras.utils.Progbar(None, verbose=1, unit_name="sample", interval=0.0)
    _, lines = captured(lambda: [bar.add(5, values=[("err", 0.1 * k)]) for k in range(3)] +
                        [bar.update(15, finalize=True)])
    print("progbar unknown", lines)

    print("interactive", keras.config.is_interactive_logging_enabled())
    keras.config.disable_interactive_logging()
    try:
        print("interactive after disable", keras.utils.is_interactive_logging_enabled())
    finally:
        keras.config.enable_interactive_logging()
    print("interactive restored", keras.config.is_interactive_logging_enabled())


if __name__ == "__main__":
    main()
