"""A Keras program, written for Keras 3: a regression trained under `ReduceLROnPlateau` (cooldown, min_lr),
`EarlyStopping(restore_best_weights=True, start_from_epoch=)`, `ModelCheckpoint(save_best_only=True)` writing
`.keras` files by epoch name, `LearningRateScheduler` and a `LambdaCallback`; what each recorded is printed, and the
best checkpoint is reloaded and evaluated."""
import os

import numpy as np

import keras
from keras import callbacks, layers


def main():
    keras.utils.set_random_seed(2805)
    rng = np.random.default_rng(2805)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (np.sin(x[:, :1]) + 0.5 * x[:, 1:2] * x[:, 2:3] + 0.1 * rng.normal(size=(64, 1))).astype("float32")
    model = keras.Sequential([keras.Input((3,)), layers.Dense(8, activation="tanh", name="hidden"),
                              layers.Dense(1, name="out")], name="plateau")
    model.compile(optimizer=keras.optimizers.SGD(0.2, momentum=0.5), loss="mse", metrics=["mae"])
    seen = []
    plateau = callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, cooldown=1, min_lr=0.02,
                                          min_delta=1e-3)
    stopper = callbacks.EarlyStopping(monitor="val_mae", patience=3, restore_best_weights=True, start_from_epoch=2)
    checkpoint = callbacks.ModelCheckpoint("best_{epoch:02d}.keras", monitor="val_loss", save_best_only=True)
    scheduler = callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch < 4 else lr * 0.9)
    lam = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(
        (epoch, round(float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)), 5),
         round(logs["val_loss"], 4))))
    history = model.fit(x[:48], y[:48], validation_data=(x[48:], y[48:]), batch_size=16, epochs=14, verbose=0,
                        shuffle=False, callbacks=[scheduler, plateau, stopper, checkpoint, lam])
    print("epochs run", len(history.history["loss"]), "stopped", stopper.stopped_epoch, "best", round(stopper.best, 4))
    for key in sorted(history.history):
        print(key, [round(float(v), 4) for v in history.history[key]])
    print("seen", seen)
    print("plateau", round(float(plateau.best), 4), plateau.wait, plateau.cooldown_counter)
    files = sorted(name for name in os.listdir(".") if name.startswith("best_"))
    print("checkpoints", files)
    restored = keras.saving.load_model(files[-1])
    print("restored", [round(v, 4) for v in restored.evaluate(x[48:], y[48:], verbose=0)])
    print("current", [round(v, 4) for v in model.evaluate(x[48:], y[48:], verbose=0)])


if __name__ == "__main__":
    main()
