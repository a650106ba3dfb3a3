"""A Keras program, written for Keras 3: optimizers driven by hand with apply_gradients on fixed gradients, option
by option — gradient_accumulation_steps together with use_ema, global_clipnorm, clipnorm and clipvalue; Adafactor
with beta_2_decay, epsilon_1 / epsilon_2, clip_threshold and relative_step off; Lamb and Lion with weight_decay;
Ftrl with beta, l2_shrinkage_regularization_strength and a non-default learning_rate_power; AdamW with amsgrad;
LossScaleOptimizer with a dynamic scale that halves on an inf gradient, skips that step, and grows after
dynamic_growth_steps; the iteration counters, the optimizer variables' names and shapes, and the weights after
each run. Every number is fixed, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import optimizers


def r(value, digits=5):
    return np.round(np.asarray(keras.ops.convert_to_numpy(value), "float64"), digits).ravel().tolist()


def run(name, optimizer, steps=4, show_variables=False):
    kernel = keras.Variable(np.array([[0.5, -1.0, 0.25], [2.0, 0.1, -0.3]], "float32"), name="kernel")
    bias = keras.Variable(np.array([0.1, -0.2, 0.3], "float32"), name="bias")
    for step in range(steps):
        g_kernel = keras.ops.convert_to_tensor(np.array([[0.3, -0.6, 1.2], [0.05, 2.0, -0.4]], "float32")
                                               * (1 + 0.5 * step))
        g_bias = keras.ops.convert_to_tensor(np.array([-0.2, 0.4, 0.1], "float32") * (step - 1.5))
        optimizer.apply_gradients([(g_kernel, kernel), (g_bias, bias)])
    print(name, "iterations", int(optimizer.iterations.numpy()), "kernel", r(kernel), "bias", r(bias))
    if show_variables:
        print("  variables", [(v.name, tuple(v.shape)) for v in optimizer.variables])
    return kernel, bias


def main():
    run("sgd accumulate ema", optimizers.SGD(0.1, momentum=0.5, gradient_accumulation_steps=2, use_ema=True,
                                             ema_momentum=0.5), steps=6, show_variables=True)
    opt = optimizers.Adam(0.05, gradient_accumulation_steps=3)
    run("adam accumulate 3", opt, steps=7)
    print("  variables", [(v.name, tuple(v.shape)) for v in opt.variables])
    run("sgd global_clipnorm", optimizers.SGD(0.1, global_clipnorm=1.0))
    run("sgd clipnorm", optimizers.SGD(0.1, clipnorm=0.5))
    run("rmsprop clipvalue", optimizers.RMSprop(0.01, clipvalue=0.3, momentum=0.2, centered=True))
    run("adafactor options", optimizers.Adafactor(0.1, beta_2_decay=-0.5, epsilon_1=1e-20, epsilon_2=1e-2,
                                                  clip_threshold=0.5, relative_step=False), show_variables=True)
    run("adafactor relative", optimizers.Adafactor(0.1))
    run("lamb decay", optimizers.Lamb(0.01, weight_decay=0.1, beta_1=0.8))
    run("lion decay", optimizers.Lion(0.01, weight_decay=0.2, beta_1=0.8, beta_2=0.95))
    run("ftrl options", optimizers.Ftrl(0.3, learning_rate_power=-0.3, initial_accumulator_value=0.5,
                                        l1_regularization_strength=0.02, l2_regularization_strength=0.01,
                                        l2_shrinkage_regularization_strength=0.05, beta=0.5), show_variables=True)
    run("adamw amsgrad", optimizers.AdamW(0.02, weight_decay=0.05, amsgrad=True), show_variables=True)
    run("nadam ema overwrite", optimizers.Nadam(0.02, use_ema=True, ema_momentum=0.8, ema_overwrite_frequency=2))

    scaled = optimizers.LossScaleOptimizer(optimizers.SGD(0.1), initial_scale=32.0, dynamic_growth_steps=2)
    weight = keras.Variable(np.array([1.0, 2.0], "float32"), name="w")
    for step, grad in enumerate([[0.5, 1.0], [np.inf, 1.0], [1.0, 1.0], [2.0, -1.0], [1.0, 0.0], [np.nan, 0.0]]):
        scaled.apply_gradients([(keras.ops.convert_to_tensor(np.array(grad, "float32") * float(scaled.scale_loss(1.0))),
                                 weight)])
        print("loss scale step", step, float(scaled.dynamic_scale.numpy()) if hasattr(scaled, "dynamic_scale")
              else float(scaled.scale_loss(1.0)), r(weight), int(scaled.iterations.numpy()))
    config = scaled.get_config()
    print("loss scale config", config["initial_scale"], config["dynamic_growth_steps"],
          config["inner_optimizer"]["class_name"])

    for optimizer in [optimizers.Adafactor(0.1, beta_2_decay=-0.5, clip_threshold=0.5),
                      optimizers.Ftrl(0.3, beta=0.5, l2_shrinkage_regularization_strength=0.05),
                      optimizers.Lion(0.01, weight_decay=0.2), optimizers.Lamb(0.01, weight_decay=0.1),
                      optimizers.SGD(0.1, global_clipnorm=1.0, gradient_accumulation_steps=2, use_ema=True)]:
        config = optimizer.get_config()
        twin = optimizer.__class__.from_config(config)
        print(optimizer.__class__.__name__, twin.get_config() == config,
              {k: config[k] for k in ("global_clipnorm", "gradient_accumulation_steps", "use_ema", "weight_decay")})
