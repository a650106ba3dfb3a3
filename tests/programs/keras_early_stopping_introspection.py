"""A Keras program, written for Keras 3: a sequence regressor trained with EarlyStopping(restore_best_weights)
and then inspected the way users inspect things — the callback's stopped_epoch, wait, best and best_weights
(copied into a second model with set_weights), the recurrent layers' settings read back from the layer
(activation, recurrent_activation, initializers, regularizers, recurrent_dropout, unroll, state_size,
get_initial_state), the loss object's options, and initializers cloned to rebuild the model the same way."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(keras.ops.convert_to_numpy(values), "float64"), digits).tolist()


def build(kernel_init, recurrent_init):
    inputs = keras.Input((6, 2))
    h = layers.LSTM(5, return_sequences=True, kernel_initializer=kernel_init, recurrent_initializer=recurrent_init,
                    kernel_regularizer=keras.regularizers.L2(1e-3), name="lstm")(inputs)
    h = layers.GRU(3, reset_after=False, kernel_initializer=kernel_init.clone(), recurrent_initializer="orthogonal",
                   recurrent_dropout=0.0, unroll=True, name="gru")(h)
    outputs = layers.Dense(1, name="head")(h)
    return keras.Model(inputs, outputs)


def main():
    rng = np.random.default_rng(17)
    x = rng.normal(size=(64, 6, 2)).astype("float32")
    y = (x[:, :, 0].sum(axis=1, keepdims=True) * 0.3 - x[:, -1, 1:] * 0.5).astype("float32")
    x_val, y_val = x[48:], y[48:] + rng.normal(0, 0.8, (16, 1)).astype("float32")

    keras.utils.set_random_seed(3)
    kernel_init = keras.initializers.GlorotUniform(seed=4)
    recurrent_init = keras.initializers.Orthogonal(gain=0.9, seed=5)
    model = build(kernel_init, recurrent_init)
    loss = keras.losses.Huber(delta=0.5)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=loss, metrics=["mae"])

    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True,
                                            min_delta=1e-4)
    print("before fit", stopper.wait, stopper.stopped_epoch, stopper.best, stopper.best_weights)
    history = model.fit(x[:48], y[:48], validation_data=(x_val, y_val), batch_size=16, epochs=30,
                        shuffle=False, verbose=0, callbacks=[stopper])
    print("epochs run", len(history.history["loss"]), "stopped_epoch", stopper.stopped_epoch, "wait", stopper.wait)
    print("val_loss", r(history.history["val_loss"]))
    print("best", round(float(stopper.best), 4), "best epoch val", round(min(history.history["val_loss"]), 4))
    print("best_weights", type(stopper.best_weights).__name__, [tuple(np.shape(w)) for w in stopper.best_weights][:3])
    print("restored", r(model.evaluate(x_val, y_val, verbose=0)))

    twin = build(kernel_init, recurrent_init)
    twin.set_weights(stopper.best_weights)
    print("twin predicts the same", bool(np.allclose(twin.predict(x_val, verbose=0), model.predict(x_val, verbose=0),
                                                     atol=1e-5)))

    lstm, gru = model.get_layer("lstm"), model.get_layer("gru")
    print("lstm", lstm.units, lstm.activation.__name__, lstm.recurrent_activation.__name__, lstm.unroll,
          lstm.recurrent_dropout, lstm.state_size)
    print("lstm inits", type(lstm.kernel_initializer).__name__, lstm.recurrent_initializer.get_config(),
          type(lstm.bias_initializer).__name__, lstm.kernel_regularizer.get_config())
    print("gru", gru.reset_after, gru.unroll, gru.state_size, type(gru.recurrent_initializer).__name__,
          gru.kernel_regularizer, gru.use_bias)
    print("initial states", [tuple(s.shape) for s in lstm.get_initial_state(4)],
          [tuple(s.shape) for s in gru.get_initial_state(2)])

    print("loss", model.loss.name, model.loss.reduction, model.loss.get_config())
    for item in (keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2),
                 keras.losses.SparseCategoricalCrossentropy(ignore_class=-1),
                 keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=1.5)):
        print(item.name, item.from_logits, [(k, getattr(item, k)) for k in sorted(item.get_config())
                                             if k not in ("name", "reduction", "dtype")])
    clone = recurrent_init.clone()
    print("clone", type(clone).__name__, clone.get_config(), bool(np.allclose(clone((4, 4)), recurrent_init((4, 4)))))
    print("regularizer from_config", keras.regularizers.L1L2.from_config({"l1": 0.01, "l2": 0.0}).get_config())


if __name__ == "__main__":
    main()
