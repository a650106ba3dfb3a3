"""A Keras program, written for Keras 3: ModelCheckpoint the way the keras.io guides use it — a filepath with
"{epoch:02d}-{val_loss:.3f}" formatting into .keras and .weights.h5 files, save_freq as a number of batches,
save_best_only with mode and initial_value_threshold, monitor on a metric — with the files it leaves listed,
the best one reloaded with load_model / load_weights and compared with the History, and a multi-label model
trained with F1Score / FBetaScore / AUC(multi_label=True) metrics and BinaryFocalCrossentropy with
apply_class_balancing. Real Keras and deepgrad print the same."""
import os

import numpy as np

import keras
from keras import callbacks, layers, metrics


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


def make(seed):
    model = keras.Sequential([keras.Input((6,)), layers.Dense(10, activation="relu"),
                              layers.Dense(3, activation="sigmoid")], name="tagger")
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.03),
                  loss=keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3, gamma=1.5),
                  metrics=[metrics.F1Score(average="macro", threshold=0.5, name="f1"),
                           metrics.FBetaScore(beta=2.0, average="weighted", threshold=0.4, name="f2"),
                           metrics.AUC(multi_label=True, num_labels=3, name="auc"),
                           metrics.BinaryAccuracy(name="acc")])
    return model


def main():
    rng = np.random.default_rng(44)
    x = rng.standard_normal((100, 6)).astype("float32")
    y = np.stack([x[:, 0] > 0.3, x[:, 1] + x[:, 2] > 0, (x[:, 3] * x[:, 4]) > 0.2], axis=1).astype("float32")
    print("label rates", r(y.mean(axis=0)))
    os.makedirs("ckpt", exist_ok=True)

    model = make(1)
    every = callbacks.ModelCheckpoint("ckpt/model-{epoch:02d}-{val_loss:.3f}.keras", monitor="val_loss")
    best = callbacks.ModelCheckpoint("ckpt/best.weights.h5", monitor="val_f1", mode="max", save_best_only=True,
                                     save_weights_only=True, initial_value_threshold=0.3, verbose=1)
    batches = callbacks.ModelCheckpoint("ckpt/batch-{epoch}-{batch}.weights.h5", save_weights_only=True,
                                        save_freq=7)
    history = model.fit(x[:80], y[:80], batch_size=10, epochs=5, shuffle=False, verbose=0,
                        validation_data=(x[80:], y[80:]), callbacks=[every, best, batches])
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("files", sorted(os.listdir("ckpt")))
    print("best recorded", r(best.best))

    third = sorted(name for name in os.listdir("ckpt") if name.startswith("model-03"))[0]
    reloaded = keras.models.load_model(os.path.join("ckpt", third))
    print("reloaded", third, reloaded.name, r(reloaded.evaluate(x[80:], y[80:], verbose=0)))
    fresh = make(9)
    fresh.load_weights("ckpt/best.weights.h5")
    scores = fresh.evaluate(x[80:], y[80:], return_dict=True, verbose=0)
    print("best weights", r(scores["f1"]), "matches history", bool(np.isclose(scores["f1"], best.best, atol=1e-5)))

    f1 = metrics.F1Score(average=None, threshold=0.5)
    f1.update_state(y[80:], fresh.predict(x[80:], verbose=0))
    print("per label f1", r(f1.result()))
    f_micro = metrics.FBetaScore(beta=0.5, average="micro")
    f_micro.update_state(y[80:], fresh.predict(x[80:], verbose=0))
    print("f0.5 micro top-1", r(f_micro.result()))


if __name__ == "__main__":
    main()
