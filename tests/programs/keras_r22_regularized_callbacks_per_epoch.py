"""A Keras program, written for Keras 3: a regression model whose layers carry kernel, bias and activity
regularizers (L1, L2, L1L2, an OrthogonalRegularizer) and constraints (MaxNorm, NonNeg, MinMaxNorm, UnitNorm);
model.losses printed before training and after each epoch by a LambdaCallback, with the learning rate and the
largest kernel column norm; fit with a LearningRateScheduler (verbose), ReduceLROnPlateau (verbose, cooldown,
min_lr) and EarlyStopping(restore_best_weights=True, start_from_epoch) watching val_loss from a shuffled
validation_split; the constraints checked after training, evaluate and the restored epoch's weights compared."""
import numpy as np

import keras
from keras import layers, ops, regularizers, constraints


def schedule(epoch, lr):
    return lr * 0.5 if epoch == 2 else lr


def main():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(120, 6)).astype("float32")
    y = (x @ rng.normal(size=(6, 2)) + 0.3 * np.sin(3 * x[:, :2])).astype("float32")

    model = keras.Sequential([
        keras.Input((6,)),
        layers.Dense(8, activation="relu", kernel_regularizer=regularizers.L1L2(l1=0.001, l2=0.01),
                     bias_regularizer=regularizers.L2(0.02), kernel_constraint=constraints.MaxNorm(0.9),
                     name="hidden"),
        layers.Dense(6, activation="tanh", kernel_regularizer=regularizers.OrthogonalRegularizer(0.05, mode="columns"),
                     activity_regularizer=regularizers.L1(0.001), kernel_constraint=constraints.MinMaxNorm(0.2, 0.8, rate=0.5),
                     bias_constraint=constraints.NonNeg(), name="mixer"),
        layers.Dense(2, kernel_constraint=constraints.UnitNorm(axis=0), name="out"),
    ], name="regularized")
    init = np.random.default_rng(3)
    model.set_weights([init.uniform(-0.6, 0.6, w.shape).astype("float32") for w in model.weights])
    model(x[:4])
    print("losses before", ["%.5f" % float(v) for v in model.losses])
    print("regularizer configs", model.get_layer("hidden").kernel_regularizer.get_config(),
          model.get_layer("mixer").kernel_regularizer.get_config())
    print("constraint configs", model.get_layer("mixer").kernel_constraint.get_config(),
          model.get_layer("out").kernel_constraint.get_config())

    def report(epoch, logs):
        kernel = ops.convert_to_numpy(model.get_layer("hidden").kernel)
        print("epoch", epoch, "lr %.6f" % float(ops.convert_to_numpy(model.optimizer.learning_rate)),
              "max col norm %.5f" % np.sqrt((kernel ** 2).sum(0)).max(),
              "losses", ["%.5f" % float(v) for v in model.losses],
              {k: "%.5f" % logs[k] for k in sorted(logs)})

    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss="mse",
                  metrics=[keras.metrics.MeanAbsoluteError(name="mae")])
    callbacks = [
        keras.callbacks.LearningRateScheduler(schedule, verbose=1),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, cooldown=1, min_lr=0.004,
                                          verbose=1),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True, start_from_epoch=1,
                                      verbose=1),
        keras.callbacks.LambdaCallback(on_epoch_end=report),
    ]
    keras.utils.set_random_seed(8)
    history = model.fit(x, y, batch_size=16, epochs=9, validation_split=0.2, shuffle=True, callbacks=callbacks,
                        verbose=0)
    print("epochs run", len(history.history["loss"]), "stopped", callbacks[2].stopped_epoch,
          "best", "%.5f" % callbacks[2].best, "best epoch", callbacks[2].best_epoch)
    print("lr history", ["%.6f" % v for v in history.history["learning_rate"]])
    mixer = ops.convert_to_numpy(model.get_layer("mixer").kernel)
    out = ops.convert_to_numpy(model.get_layer("out").kernel)
    print("mixer norms", np.round(np.sqrt((mixer ** 2).sum(0)), 4).tolist())
    print("out norms", np.round(np.sqrt((out ** 2).sum(0)), 5).tolist())
    print("mixer bias min", "%.5f" % ops.convert_to_numpy(model.get_layer("mixer").bias).min())
    print("evaluate", ["%.5f" % v for v in model.evaluate(x, y, batch_size=60, verbose=0)])
    print("predict", np.round(model.predict(x[:3], verbose=0), 4).tolist())
    print("losses after", ["%.5f" % float(v) for v in model.losses])


if __name__ == "__main__":
    main()
