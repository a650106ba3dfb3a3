"""A Keras program, written for Keras 3: optimizers driven by hand in a training loop with `apply_gradients` on
`keras.Variable`s and a layer's weights (gradients from `loss.backward()`): `AdamW` with
`exclude_from_weight_decay`, `Lion` and `Adamax` inside a `LossScaleOptimizer` (dynamic scale, a step with an
infinite gradient skipped) or with a fixed `loss_scale_factor`, `Muon` on a matrix next to a vector, `ScheduleFreeAdamW`, each optimizer's
`variables` (names and shapes) after `build`, `iterations`, the learning rate read back, and `get_config`."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=5):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def loss_of(layer, x, y):
    return ops.mean(ops.square(ops.subtract(layer(x), y)))


def run(name, optimizer, layer, x, y, steps=5, poison_step=None):
    optimizer.build(layer.trainable_weights)
    print(name, "variables", [(v.path if hasattr(v, "path") else v.name, tuple(v.shape))
                              for v in optimizer.variables][:8], len(optimizer.variables))
    for step in range(steps):
        for w in layer.trainable_weights:
            w.value.grad = None
        loss = loss_of(layer, x, y)
        optimizer.scale_loss(loss).backward()   # multiplied by the loss scale, where the optimizer has one
        grads = [w.value.grad for w in layer.trainable_weights]
        if step == poison_step:
            grads = [ops.where(ops.ones_like(g) > 0, np.inf, g) for g in grads]
        optimizer.apply_gradients(zip(grads, layer.trainable_weights))
        print(name, "step", step, r(loss), "iterations", int(optimizer.iterations))
    print(name, "weights", [r(w) for w in layer.trainable_weights])


def main():
    rng = np.random.default_rng(2510)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = (x @ np.array([[1.0, -1.0], [0.5, 0.0], [0.0, 2.0], [-1.5, 0.5]], "float32")).astype("float32")
    initial = [rng.uniform(-0.5, 0.5, (4, 2)).astype("float32"), np.zeros(2, "float32")]

    def dense(name):
        layer = layers.Dense(2, name=name)
        layer.build((None, 4))
        layer.set_weights(initial)
        return layer

    adamw = keras.optimizers.AdamW(learning_rate=0.05, weight_decay=0.1)
    layer = dense("decayed")
    adamw.exclude_from_weight_decay(var_names=["bias"])
    run("adamw", adamw, layer, x, y)
    print("adamw config", sorted((k, v) for k, v in adamw.get_config().items() if isinstance(v, (int, float, str))))

    lion = keras.optimizers.LossScaleOptimizer(keras.optimizers.Lion(0.02), initial_scale=2.0 ** 10,
                                               dynamic_growth_steps=2)
    run("scaled_lion", lion, dense("lion_dense"), x, y, steps=6, poison_step=2)
    print("scaled_lion scale", float(ops.convert_to_numpy(lion.dynamic_scale)),
          "inner iterations", int(lion.inner_optimizer.iterations))

    try:
        keras.optimizers.LossScaleOptimizer(keras.optimizers.Adamax(0.1), dynamic=False)
    except ValueError as error:
        print("dynamic=False refused", type(error).__name__)
    adamax = keras.optimizers.Adamax(0.1, loss_scale_factor=64.0)
    run("fixed_adamax", adamax, dense("adamax_dense"), x, y, steps=4)

    muon = keras.optimizers.Muon(learning_rate=0.05, adam_lr_ratio=0.5)
    run("muon", muon, dense("muon_dense"), x, y, steps=4)

    schedule_free = keras.optimizers.ScheduleFreeAdamW(learning_rate=0.05, warmup_steps=2)
    run("schedule_free", schedule_free, dense("sf_dense"), x, y, steps=4)

    v = keras.Variable(np.array([2.0, -3.0], "float32"), name="point")
    sgd = keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.ExponentialDecay(0.2, 2, 0.5),
                               momentum=0.5)
    for step in range(4):
        v.value.grad = None
        value = ops.sum(ops.square(v.value))
        value.backward()
        sgd.apply_gradients([(v.value.grad, v)])
        print("point step", step, r(v), "lr", round(float(sgd.learning_rate), 5))


if __name__ == "__main__":
    main()
