"""A Keras program, written for Keras 3: the same small regressor trained under the optimizer options users reach for
when training is unstable or memory is short — clipnorm, clipvalue, global_clipnorm, use_ema with
ema_momentum / ema_overwrite_frequency, gradient_accumulation_steps and loss_scale_factor — on SGD, Adam, AdamW and
RMSprop, printing the weights, the iteration counters and the optimizer's config after each run, and the
apply_gradients path by hand. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=5):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def data():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((64, 4)).astype("float32") * 3.0
    y = (x @ np.array([[1.5], [-2.0], [0.5], [4.0]], "float32") + 1.0).astype("float32")
    return x, y


def model():
    net = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="tanh"), layers.Dense(1)])
    init = np.random.default_rng(2)
    net.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in net.get_weights()])
    return net


def run(label, optimizer, epochs=2):
    x, y = data()
    net = model()
    net.compile(optimizer=optimizer, loss="mse")
    history = net.fit(x, y, batch_size=16, epochs=epochs, shuffle=False, verbose=0)
    kernel = net.layers[-1].kernel
    print(label, "loss", r(history.history["loss"], 4), "out kernel", r(kernel.numpy().ravel(), 4),
          "iterations", int(optimizer.iterations))
    return net, optimizer


def main():
    run("sgd clipnorm", keras.optimizers.SGD(0.05, clipnorm=1.0))
    run("sgd clipvalue", keras.optimizers.SGD(0.05, clipvalue=0.1))
    run("sgd global_clipnorm", keras.optimizers.SGD(0.05, momentum=0.9, global_clipnorm=0.5))
    run("adam plain", keras.optimizers.Adam(0.05))
    _, ema = run("adam ema", keras.optimizers.Adam(0.05, use_ema=True, ema_momentum=0.9), epochs=3)
    print("ema config", {k: ema.get_config()[k] for k in ("use_ema", "ema_momentum", "ema_overwrite_frequency")})
    net, ema3 = run("adam ema overwrite", keras.optimizers.Adam(0.05, use_ema=True, ema_momentum=0.5,
                                                                ema_overwrite_frequency=3), epochs=3)
    net.optimizer.finalize_variable_values(net.trainable_variables)
    print("after finalize", r(net.layers[-1].kernel.numpy().ravel(), 4))
    _, acc = run("adamw accumulate", keras.optimizers.AdamW(0.05, weight_decay=0.01,
                                                            gradient_accumulation_steps=2), epochs=3)
    print("accumulate config", acc.get_config()["gradient_accumulation_steps"])
    run("rmsprop scaled", keras.optimizers.RMSprop(0.01, loss_scale_factor=128.0))
    run("sgd scaled", keras.optimizers.SGD(0.01, loss_scale_factor=4.0))

    # by hand: apply_gradients on two variables with global_clipnorm
    a = keras.Variable(np.array([1.0, -2.0], "float32"), name="a")
    b = keras.Variable(np.array([[0.5]], "float32"), name="b")
    sgd = keras.optimizers.SGD(1.0, global_clipnorm=1.0)
    sgd.apply_gradients([(ops.convert_to_tensor(np.array([3.0, 4.0], "float32")), a),
                         (ops.convert_to_tensor(np.array([[12.0]], "float32")), b)])
    print("by hand", r(a.numpy()), r(b.numpy()), int(sgd.iterations))
    clip = keras.optimizers.SGD(1.0, clipnorm=2.0)
    clip.apply([ops.convert_to_tensor(np.array([3.0, 4.0], "float32")),
                ops.convert_to_tensor(np.array([[12.0]], "float32"))], [a, b])
    print("clipnorm by hand", r(a.numpy()), r(b.numpy()))
    print("configs", {k: clip.get_config()[k] for k in ("clipnorm", "clipvalue", "global_clipnorm",
                                                      "loss_scale_factor")})
    try:
        keras.optimizers.SGD(0.1, clipnorm=1.0, global_clipnorm=1.0)
    except ValueError as error:
        print("both clips refused", "clipnorm" in str(error))


if __name__ == "__main__":
    main()
