"""A Keras program, written for Keras 3, after keras.io's "Point cloud classification with PointNet": point
clouds of three shapes (sphere, cube surface, cylinder) sampled with NumPy and jittered; conv_bn / dense_bn
blocks (pointwise Conv1D, BatchNormalization with momentum 0, relu), T-Net alignment networks whose last Dense
starts at the identity (a Constant bias initializer from np.eye) and carries an activity regularizer written as
a keras.regularizers.Regularizer subclass (OrthogonalRegularizer with ops.tensordot), a Dot(axes=(2, 1))
applying the learned transform, GlobalMaxPooling1D and a softmax head; trained with sparse categorical
cross-entropy (the regularization losses added) by momentum SGD (the example's Adam turns the rounding noise in
the gradients of the biases that BatchNormalization cancels into full-size steps), then evaluated and its
transforms inspected. Dropout is 0 (the example's 0.3 draws random masks) and the weights come from NumPy, so
real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers

NUM_POINTS = 16
NUM_CLASSES = 3


def sample_shape(rng, kind):
    if kind == 0:
        points = rng.normal(size=(NUM_POINTS, 3))
        points /= np.linalg.norm(points, axis=1, keepdims=True)
    elif kind == 1:
        points = rng.uniform(-1, 1, (NUM_POINTS, 3))
        axis = rng.integers(0, 3, NUM_POINTS)
        points[np.arange(NUM_POINTS), axis] = np.sign(points[np.arange(NUM_POINTS), axis])
    else:
        angle = rng.uniform(0, 2 * np.pi, NUM_POINTS)
        points = np.stack([np.cos(angle), np.sin(angle), rng.uniform(-1, 1, NUM_POINTS)], axis=1)
    return points


def conv_bn(x, filters):
    x = layers.Conv1D(filters, kernel_size=1, padding="valid")(x)
    x = layers.BatchNormalization(momentum=0.0)(x)
    return layers.Activation("relu")(x)


def dense_bn(x, filters):
    x = layers.Dense(filters)(x)
    x = layers.BatchNormalization(momentum=0.0)(x)
    return layers.Activation("relu")(x)


class OrthogonalRegularizer(keras.regularizers.Regularizer):
    def __init__(self, num_features, l2reg=0.001):
        self.num_features = num_features
        self.l2reg = l2reg
        self.eye = keras.ops.eye(num_features)

    def __call__(self, x):
        x = keras.ops.reshape(x, (-1, self.num_features, self.num_features))
        xxt = keras.ops.tensordot(x, x, axes=(2, 2))
        xxt = keras.ops.reshape(xxt, (-1, self.num_features, self.num_features))
        return keras.ops.sum(self.l2reg * keras.ops.square(xxt - self.eye))

    def get_config(self):
        config = super().get_config()
        config.update({"num_features": self.num_features, "l2reg_strength": self.l2reg})
        return config


def tnet(inputs, num_features):
    # Initialise bias as the identity matrix
    bias = keras.initializers.Constant(np.eye(num_features).flatten())
    reg = OrthogonalRegularizer(num_features)

    x = conv_bn(inputs, 8)
    x = conv_bn(x, 16)
    x = layers.GlobalMaxPooling1D()(x)
    x = dense_bn(x, 16)
    x = layers.Dense(num_features * num_features, kernel_initializer="zeros", bias_initializer=bias,
                     activity_regularizer=reg)(x)
    feat_T = layers.Reshape((num_features, num_features))(x)
    # Apply affine transformation to input features
    return layers.Dot(axes=(2, 1))([inputs, feat_T])


def main():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(NUM_CLASSES), 20)
    clouds = np.stack([sample_shape(rng, k) for k in labels]).astype("float32")
    clouds += rng.normal(0, 0.02, clouds.shape).astype("float32")
    order = rng.permutation(len(labels))
    clouds, labels = clouds[order], labels[order]
    x_train, y_train, x_test, y_test = clouds[:48], labels[:48], clouds[48:], labels[48:]
    print("train", x_train.shape, "classes", np.bincount(y_train).tolist())

    inputs = keras.Input(shape=(NUM_POINTS, 3))
    x = tnet(inputs, 3)
    x = conv_bn(x, 8)
    x = conv_bn(x, 8)
    x = tnet(x, 8)
    x = conv_bn(x, 8)
    x = conv_bn(x, 16)
    x = layers.GlobalMaxPooling1D()(x)
    x = dense_bn(x, 16)
    x = layers.Dropout(0.0)(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="pointnet")
    init = np.random.default_rng(4)
    model.set_weights([init.normal(0.0, 0.3, value.shape).astype("float32")
                       if w.trainable and w.path.split("/")[0] not in ("dense_1", "dense_3") else value
                       for w, value in zip(model.weights, model.get_weights())])
    print("layers", len(model.layers), "params", model.count_params())
    print("tnet bias", np.round(np.asarray(model.get_layer("dense_1").bias).astype("float64"), 2).tolist())

    transformed = keras.ops.convert_to_numpy(model.layers[13]([x_train[:1], np.eye(3, dtype="float32")[None]]))
    print("identity transform", bool(np.allclose(transformed, x_train[:1], atol=1e-6)))
    model(x_train[:4])
    print("regularization losses", len(model.losses),
          np.round([float(keras.ops.convert_to_numpy(v)) for v in model.losses], 4).tolist())

    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                  metrics=["sparse_categorical_accuracy"])
    history = model.fit(x_train, y_train, epochs=5, batch_size=16, validation_data=(x_test, y_test),
                        shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    probabilities = model.predict(x_test[:4], verbose=0)
    print("probabilities", np.round(probabilities.astype("float64"), 4).tolist())
    transform = keras.Model(inputs, model.get_layer("reshape").output)
    matrix = keras.ops.convert_to_numpy(transform(x_test[:1]))[0]
    print("learned input transform", np.round(matrix.astype("float64"), 3).tolist())
    try:
        OrthogonalRegularizer(3).get_config()
    except NotImplementedError:
        print("Regularizer.get_config is not implemented by the base class")


if __name__ == "__main__":
    main()
