"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "writing a training loop from
scratch in PyTorch": batches from a torch DataLoader, logits = model(x, training=True), a Loss object,
model.zero_grad(), loss.backward(), gradients read from v.value.grad, optimizer.apply(gradients, weights)
under torch.no_grad(), an ExponentialDecay schedule, metrics updated by hand and reset each epoch, a
validation loop, the losses a layer adds (ActivityRegularization, a kernel regularizer) added to the loss
by hand, and the optimizer's own variables and iterations. The weights start from the same NumPy arrays, so
real Keras and deepgrad print the same numbers."""
import numpy as np
import torch

import keras
from keras import layers


def get_model():
    inputs = keras.Input(shape=(6,), name="digits")
    x = layers.Dense(16, activation="relu", kernel_regularizer=keras.regularizers.L1L2(l1=1e-3, l2=1e-3))(inputs)
    x = layers.ActivityRegularization(l2=1e-3)(x)
    x = layers.Dense(8, activation="relu")(x)
    outputs = layers.Dense(4, name="predictions")(x)
    return keras.Model(inputs=inputs, outputs=outputs)


def main():
    rng = np.random.default_rng(31)
    x = rng.standard_normal((72, 6)).astype("float32")
    y = keras.utils.to_categorical((x[:, 0] > 0) * 2 + (x[:, 1] > 0), num_classes=4).astype("float32")
    train = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(x[:56]),
                                                                       torch.from_numpy(y[:56])), batch_size=16)
    val = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(x[56:]),
                                                                     torch.from_numpy(y[56:])), batch_size=16)

    model = get_model()
    init = np.random.default_rng(9)
    model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    schedule = keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=4, decay_rate=0.8)
    optimizer = keras.optimizers.Adam(learning_rate=schedule, beta_1=0.8)
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)
    train_acc = keras.metrics.CategoricalAccuracy()
    val_acc = keras.metrics.CategoricalAccuracy()
    train_loss = keras.metrics.Mean(name="loss")

    for epoch in range(4):
        for step, (inputs, targets) in enumerate(train):
            logits = model(inputs, training=True)
            loss = loss_fn(targets, logits)
            loss = loss + sum(model.losses)
            model.zero_grad()
            trainable_weights = [v for v in model.trainable_weights]
            loss.backward()
            gradients = [v.value.grad for v in trainable_weights]
            with torch.no_grad():
                optimizer.apply(gradients, trainable_weights)
            train_acc.update_state(targets, logits)
            train_loss.update_state(loss)
            if step % 2 == 0:
                print(epoch, step, "%.5f" % float(loss.detach().cpu().numpy()), len(model.losses))
        print("epoch", epoch, "loss %.5f" % float(train_loss.result()), "acc %.5f" % float(train_acc.result()))
        train_acc.reset_state()
        train_loss.reset_state()
        for inputs, targets in val:
            val_acc.update_state(targets, model(inputs, training=False))
        print("val acc %.5f" % float(val_acc.result()), "iterations",
              int(keras.ops.convert_to_numpy(optimizer.iterations)),
              "lr %.6f" % float(keras.ops.convert_to_numpy(optimizer.learning_rate)))
        val_acc.reset_state()

    print("optimizer variables", len(optimizer.variables), sorted({v.name for v in optimizer.variables})[:4])
    print("kernel", np.round(model.get_weights()[0][:2, :4], 5).tolist())
    logits = model.predict(x[56:60], verbose=0)
    print("predict", np.round(logits, 5).tolist())
    probabilities = keras.ops.convert_to_numpy(keras.ops.softmax(logits))
    print("classes", np.argmax(probabilities, axis=-1).tolist(), np.argmax(y[56:60], axis=-1).tolist())


if __name__ == "__main__":
    main()
