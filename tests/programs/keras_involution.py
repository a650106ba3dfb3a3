"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Involutional neural networks": an
Involution layer that creates its sub-layers in build() from the input shape (an AveragePooling2D for the stride, a
kernel-generating Sequential of 1x1 Conv2D, BatchNormalization and ReLU, three Reshape layers), gathers the input
patches with keras.ops.image.extract_patches (padding "same", strides), multiplies them by the generated kernels and
sums over the kernel positions; it returns (output, kernel), and a functional model stacks it with MaxPooling2D and
a Conv2D. The kernels of a strided involution are printed, and the model trains with SGD and momentum (Adam would
turn the float noise of the zero gradient of a bias before BatchNormalization into steps of full size). Images and
weights come from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


class Involution(keras.layers.Layer):
    def __init__(self, channel, group_number, kernel_size, stride, reduction_ratio, name):
        super().__init__(name=name)
        # Initialize the parameters.
        self.channel = channel
        self.group_number = group_number
        self.kernel_size = kernel_size
        self.stride = stride
        self.reduction_ratio = reduction_ratio

    def build(self, input_shape):
        # Get the shape of the input.
        (_, height, width, num_channels) = input_shape
        # Scale the height and width with respect to the strides.
        height = height // self.stride
        width = width // self.stride
        # Define a layer that average pools the input tensor if stride is more than 1.
        self.stride_layer = (keras.layers.AveragePooling2D(pool_size=self.stride, strides=self.stride,
                                                           padding="same")
                             if self.stride > 1 else keras.layers.Identity())
        # Define the kernel generation layer.
        self.kernel_gen = keras.Sequential([
            keras.layers.Conv2D(filters=self.channel // self.reduction_ratio, kernel_size=1),
            keras.layers.BatchNormalization(),
            keras.layers.ReLU(),
            keras.layers.Conv2D(filters=self.kernel_size * self.kernel_size * self.group_number, kernel_size=1),
        ])
        # Define reshape layers
        self.kernel_reshape = keras.layers.Reshape(
            target_shape=(height, width, self.kernel_size * self.kernel_size, 1, self.group_number))
        self.input_patches_reshape = keras.layers.Reshape(
            target_shape=(height, width, self.kernel_size * self.kernel_size, num_channels // self.group_number,
                          self.group_number))
        self.output_reshape = keras.layers.Reshape(target_shape=(height, width, num_channels))

    def call(self, x):
        # Generate the kernel with respect to the input tensor.
        # B, H, W, K*K*G
        kernel_input = self.stride_layer(x)
        kernel = self.kernel_gen(kernel_input)
        # reshape the kerenl
        # B, H, W, K*K, 1, G
        kernel = self.kernel_reshape(kernel)
        # Extract input patches.
        # B, H, W, K*K*C
        input_patches = keras.ops.image.extract_patches(x, size=self.kernel_size, strides=self.stride,
                                                        dilation_rate=1, padding="same")
        # Reshape the input patches to align with later operations.
        # B, H, W, K*K, C//G, G
        input_patches = self.input_patches_reshape(input_patches)
        # Compute the multiply-add operation of kernels and patches.
        # B, H, W, K*K, C//G, G
        output = ops.multiply(kernel, input_patches)
        # B, H, W, C//G, G
        output = ops.sum(output, axis=3)
        # Reshape the output kernel.
        # B, H, W, C
        output = self.output_reshape(output)
        # Return the output tensor and the kernel.
        return output, kernel


def main():
    rng = np.random.default_rng(17)
    input_tensor = rng.normal(size=(2, 8, 8, 4)).astype("float32")
    for stride, name in ((1, "inv_1"), (2, "inv_2")):
        layer = Involution(channel=4, group_number=2, kernel_size=3, stride=stride, reduction_ratio=2, name=name)
        layer(input_tensor)
        init = np.random.default_rng(stride)
        layer.set_weights([init.normal(0, 0.5, w.shape).astype("float32") if w.ndim > 1 else w
                           for w in layer.get_weights()])
        output_tensor, kernel = layer(input_tensor)
        print(name, "output", tuple(output_tensor.shape), "kernel", tuple(kernel.shape))
        print(name, "values", np.round(ops.convert_to_numpy(ops.mean(output_tensor, axis=(1, 2)))[1]
                                         .astype("float64"), 4).tolist())
        print(name, "kernel values", np.round(ops.convert_to_numpy(ops.sum(kernel, axis=(1, 2)))[0, :4, 0, 1]
                                              .astype("float64"), 4).tolist())
        print(name, "weights", [w.path for w in layer.weights][:4], len(layer.weights))

    labels = rng.integers(0, 3, 40)
    images = rng.normal(0, 1, (40, 8, 8, 3)).astype("float32")
    images[np.arange(40), :, :, labels] += 1.0

    inputs = keras.Input((8, 8, 3))
    x, _ = Involution(channel=3, group_number=1, kernel_size=3, stride=1, reduction_ratio=1, name="inv_a")(inputs)
    x = layers.ReLU()(x)
    x = layers.MaxPooling2D((2, 2))(x)
    x, _ = Involution(channel=3, group_number=1, kernel_size=3, stride=1, reduction_ratio=1, name="inv_b")(x)
    x = layers.ReLU()(x)
    x = layers.Conv2D(4, 3, activation="relu")(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(3)(x)
    model = keras.Model(inputs, outputs, name="inv_model")
    init = np.random.default_rng(5)
    model.set_weights([init.normal(0, 0.4, w.shape).astype("float32") if w.ndim > 1 else w
                       for w in model.get_weights()])
    print("model params", model.count_params(), "non-trainable", len(model.non_trainable_weights))
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(images[:32], labels[:32], epochs=4, batch_size=8, shuffle=False, verbose=0,
                        validation_data=(images[32:], labels[32:]))
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    bn = model.get_layer("inv_a").kernel_gen.layers[1]
    print("moving mean", np.round(ops.convert_to_numpy(bn.moving_mean).astype("float64"), 4).tolist())
    print("logits", np.round(model.predict(images[32:35], verbose=0).astype("float64"), 4).tolist())


if __name__ == "__main__":
    main()
