"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Writing a training loop from
scratch": the optimizer built by hand on model.trainable_variables (its variables' names and paths listed),
batches sliced from NumPy, grads read from each variable's .value.grad after loss.backward(),
optimizer.apply_gradients(zip(grads, weights)), model.zero_grad(), a BatchNormalization's moving statistics
updated by training=True calls, train and validation metrics updated, read and reset by hand, a loss function
passed sample weights, model.stateless_call for an evaluation with given variables, and the metrics' stateless
API. Weights are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np
import torch

import keras
from keras import layers, ops


def main():
    rng = np.random.default_rng(21)
    x = rng.standard_normal((48, 5)).astype("float32")
    labels = ((x[:, 0] > 0).astype(int) + (x[:, 1] + x[:, 2] > 0).astype(int)).astype("int32")
    x_train, y_train, x_val, y_val = x[:36], labels[:36], x[36:], labels[36:]

    inputs = keras.Input((5,))
    h = layers.Dense(8, use_bias=False)(inputs)
    h = layers.BatchNormalization(momentum=0.8)(h)
    h = layers.Activation("relu")(h)
    outputs = layers.Dense(3)(h)
    model = keras.Model(inputs, outputs)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") if w.ndim == 2 else w
                       for w in model.get_weights()])
    optimizer = keras.optimizers.RMSprop(learning_rate=0.01, rho=0.8, momentum=0.5, centered=True)
    optimizer.build(model.trainable_variables)
    print("optimizer variables", [v.path for v in optimizer.variables])
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    train_acc = keras.metrics.SparseCategoricalAccuracy()
    val_acc = keras.metrics.SparseCategoricalAccuracy()
    val_loss = keras.metrics.Mean(name="val_loss")
    weights = np.where(y_train == 2, 2.0, 1.0).astype("float32")

    for epoch in range(3):
        for step, start in enumerate(range(0, 36, 12)):
            xb, yb, wb = x_train[start:start + 12], y_train[start:start + 12], weights[start:start + 12]
            logits = model(xb, training=True)
            loss = loss_fn(yb, logits, sample_weight=wb)
            model.zero_grad()
            loss.backward()
            trainable = model.trainable_weights
            grads = [v.value.grad for v in trainable]
            with torch.no_grad():
                optimizer.apply_gradients(zip(grads, trainable))
            train_acc.update_state(yb, logits)
            print("epoch", epoch, "step", step, "loss %.5f" % float(loss.detach().cpu().numpy()))
        for start in range(0, 12, 6):
            logits = model(x_val[start:start + 6], training=False)
            val_acc.update_state(y_val[start:start + 6], logits)
            val_loss.update_state(loss_fn(y_val[start:start + 6], logits))
        print("epoch", epoch, "train acc %.4f" % float(train_acc.result()), "val acc %.4f" % float(val_acc.result()),
              "val loss %.5f" % float(val_loss.result()))
        train_acc.reset_state()
        val_acc.reset_state()
        val_loss.reset_state()

    bn = model.layers[2]
    print("moving mean", np.round(ops.convert_to_numpy(bn.moving_mean), 4).tolist())
    print("moving variance", np.round(ops.convert_to_numpy(bn.moving_variance), 4).tolist())
    print("iterations", int(ops.convert_to_numpy(optimizer.iterations)))

    trainable = [ops.convert_to_numpy(v) for v in model.trainable_variables]
    shrunk = [0.5 * v for v in trainable]
    non_trainable = [ops.convert_to_numpy(v) for v in model.non_trainable_variables]
    out, new_non_trainable = model.stateless_call(shrunk, non_trainable, x_val[:4], training=False)
    print("stateless", np.round(ops.convert_to_numpy(out), 4).tolist())
    print("unchanged", bool(np.allclose(ops.convert_to_numpy(model.trainable_variables[0]), trainable[0])),
          len(new_non_trainable))
    out, new_non_trainable = model.stateless_call(trainable, non_trainable, x_val[:4], training=True)
    print("training stateless moved", np.round(ops.convert_to_numpy(new_non_trainable[0]), 4).tolist()[:4])

    metric = keras.metrics.SparseCategoricalAccuracy()
    state = [ops.convert_to_numpy(v) for v in metric.variables]
    state = metric.stateless_update_state(state, y_val, model.predict(x_val, verbose=0))
    print("stateless metric", [float(ops.convert_to_numpy(v)) for v in state],
          round(float(ops.convert_to_numpy(metric.stateless_result(state))), 4), float(metric.result()))
