"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Zero-DCE for low-light image
enhancement" example: a DCE-net of Conv2D layers with concatenated skips returning tanh curve parameters, the
image enhanced by iterated light-enhancement curves, and the four reference-free losses written with keras.ops
(colour constancy, exposure through ops.nn.average_pool, illumination smoothness, and a spatial-consistency
keras.losses.Loss subclass using ops.nn.conv with fixed kernels and reduction="none"); a ZeroDCE Model with its
own compile(learning_rate), Mean trackers, train_step (backward, optimizer.apply under torch.no_grad), test_step
and save_weights / load_weights delegated to the inner network. Weights are set from NumPy, so real Keras and
deepgrad print the same numbers."""
import numpy as np
import torch

import keras
from keras import layers, ops

CURVES = 3


def build_dce_net():
    input_img = keras.Input(shape=[None, None, 3])
    conv1 = layers.Conv2D(8, (3, 3), strides=(1, 1), activation="relu", padding="same")(input_img)
    conv2 = layers.Conv2D(8, (3, 3), strides=(1, 1), activation="relu", padding="same")(conv1)
    conv3 = layers.Conv2D(8, (3, 3), strides=(1, 1), activation="relu", padding="same")(conv2)
    int_con1 = layers.Concatenate(axis=-1)([conv3, conv2])
    conv4 = layers.Conv2D(8, (3, 3), strides=(1, 1), activation="relu", padding="same")(int_con1)
    int_con2 = layers.Concatenate(axis=-1)([conv4, conv1])
    x_r = layers.Conv2D(3 * CURVES, (3, 3), strides=(1, 1), activation="tanh", padding="same")(int_con2)
    return keras.Model(inputs=input_img, outputs=x_r, name="dce_net")


def color_constancy_loss(x):
    mean_rgb = ops.mean(x, axis=(1, 2), keepdims=True)
    mr, mg, mb = mean_rgb[:, :, :, 0], mean_rgb[:, :, :, 1], mean_rgb[:, :, :, 2]
    d_rg = ops.square(mr - mg)
    d_rb = ops.square(mr - mb)
    d_gb = ops.square(mb - mg)
    return ops.sqrt(ops.square(d_rg) + ops.square(d_rb) + ops.square(d_gb))


def exposure_loss(x, mean_val=0.6):
    x = ops.mean(x, axis=3, keepdims=True)
    mean = ops.nn.average_pool(x, pool_size=4, strides=4, padding="valid")
    return ops.mean(ops.square(mean - mean_val))


def illumination_smoothness_loss(x):
    batch_size = ops.shape(x)[0]
    h_x = ops.shape(x)[1]
    w_x = ops.shape(x)[2]
    count_h = (ops.shape(x)[2] - 1) * ops.shape(x)[3]
    count_w = ops.shape(x)[2] * (ops.shape(x)[3] - 1)
    h_tv = ops.sum(ops.square((x[:, 1:, :, :] - x[:, : h_x - 1, :, :])))
    w_tv = ops.sum(ops.square((x[:, :, 1:, :] - x[:, :, : w_x - 1, :])))
    batch_size = ops.cast(batch_size, dtype="float32")
    count_h = ops.cast(count_h, dtype="float32")
    count_w = ops.cast(count_w, dtype="float32")
    return 2 * (h_tv / count_h + w_tv / count_w) / batch_size


def direction_kernel(row, col):
    kernel = np.zeros((3, 3, 1, 1), "float32")
    kernel[1, 1, 0, 0] = 1.0
    kernel[row, col, 0, 0] = -1.0
    return ops.convert_to_tensor(kernel)


class SpatialConsistencyLoss(keras.losses.Loss):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.left_kernel = direction_kernel(1, 0)
        self.right_kernel = direction_kernel(1, 2)
        self.up_kernel = direction_kernel(0, 1)
        self.down_kernel = direction_kernel(2, 1)

    def call(self, y_true, y_pred):
        original_mean = ops.mean(y_true, 3, keepdims=True)
        enhanced_mean = ops.mean(y_pred, 3, keepdims=True)
        original_pool = ops.nn.average_pool(original_mean, pool_size=2, strides=2, padding="valid")
        enhanced_pool = ops.nn.average_pool(enhanced_mean, pool_size=2, strides=2, padding="valid")
        total = 0.0
        for kernel in (self.left_kernel, self.right_kernel, self.up_kernel, self.down_kernel):
            d_original = ops.nn.conv(original_pool, kernel, strides=1, padding="same")
            d_enhanced = ops.nn.conv(enhanced_pool, kernel, strides=1, padding="same")
            total = total + ops.square(d_original - d_enhanced)
        return total


class ZeroDCE(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dce_model = build_dce_net()

    def compile(self, learning_rate, **kwargs):
        super().compile(**kwargs)
        self.optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
        self.spatial_constancy_loss = SpatialConsistencyLoss(reduction="none")
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.illumination_smoothness_loss_tracker = keras.metrics.Mean(name="illumination_smoothness_loss")
        self.spatial_constancy_loss_tracker = keras.metrics.Mean(name="spatial_constancy_loss")
        self.color_constancy_loss_tracker = keras.metrics.Mean(name="color_constancy_loss")
        self.exposure_loss_tracker = keras.metrics.Mean(name="exposure_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.illumination_smoothness_loss_tracker,
                self.spatial_constancy_loss_tracker, self.color_constancy_loss_tracker, self.exposure_loss_tracker]

    def get_enhanced_image(self, data, output):
        x = data
        for k in range(CURVES):
            r = output[:, :, :, 3 * k: 3 * k + 3]
            x = x + r * (ops.square(x) - x)
        return x

    def call(self, data):
        dce_net_output = self.dce_model(data)
        return self.get_enhanced_image(data, dce_net_output)

    def compute_losses(self, data, output):
        enhanced_image = self.get_enhanced_image(data, output)
        loss_illumination = 200 * illumination_smoothness_loss(output)
        loss_spatial_constancy = ops.mean(self.spatial_constancy_loss(enhanced_image, data))
        loss_color_constancy = 5 * ops.mean(color_constancy_loss(enhanced_image))
        loss_exposure = 10 * ops.mean(exposure_loss(enhanced_image))
        total_loss = loss_illumination + loss_spatial_constancy + loss_color_constancy + loss_exposure
        return {"total_loss": total_loss, "illumination_smoothness_loss": loss_illumination,
                "spatial_constancy_loss": loss_spatial_constancy, "color_constancy_loss": loss_color_constancy,
                "exposure_loss": loss_exposure}

    def track(self, losses):
        self.total_loss_tracker.update_state(losses["total_loss"])
        self.illumination_smoothness_loss_tracker.update_state(losses["illumination_smoothness_loss"])
        self.spatial_constancy_loss_tracker.update_state(losses["spatial_constancy_loss"])
        self.color_constancy_loss_tracker.update_state(losses["color_constancy_loss"])
        self.exposure_loss_tracker.update_state(losses["exposure_loss"])
        return {metric.name: metric.result() for metric in self.metrics}

    def train_step(self, data):
        self.zero_grad()
        output = self.dce_model(data)
        losses = self.compute_losses(data, output)
        losses["total_loss"].backward()
        weights = self.dce_model.trainable_weights
        gradients = [v.value.grad for v in weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, weights)
        return self.track(losses)

    def test_step(self, data):
        output = self.dce_model(data)
        return self.track(self.compute_losses(data, output))

    def save_weights(self, filepath, overwrite=True):
        self.dce_model.save_weights(filepath, overwrite=overwrite)

    def load_weights(self, filepath):
        self.dce_model.load_weights(filepath)


def main():
    rng = np.random.default_rng(60)
    scenes = rng.random((40, 8, 8, 3)).astype("float32")
    low_light = (scenes * rng.uniform(0.05, 0.3, size=(40, 1, 1, 3))).astype("float32")
    train, val = low_light[:32], low_light[32:]

    model = ZeroDCE(name="zero_dce")
    init = np.random.default_rng(61)
    model.dce_model.set_weights([init.uniform(-0.2, 0.2, w.shape).astype("float32")
                                 for w in model.dce_model.weights])
    print("dce weights", len(model.dce_model.weights), [tuple(w.shape) for w in model.dce_model.weights[-4:]])
    print("dce output", model.dce_model.output_shape)
    model.compile(learning_rate=0.002)
    losses = model.compute_losses(ops.convert_to_tensor(val), model.dce_model(val))
    print("initial", {k: "%.5f" % float(v) for k, v in losses.items()})
    history = model.fit(train, validation_data=(val,), batch_size=8, epochs=3, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    results = model.evaluate(val, batch_size=4, verbose=0, return_dict=True)
    print({k: "%.5f" % v for k, v in sorted(results.items())})

    enhanced = model.predict(val[:2], verbose=0)
    print("enhanced", enhanced.shape, np.round(enhanced.mean(axis=(1, 2)), 5).tolist())
    print("brighter", bool(enhanced.mean() > val[:2].mean()), "%.5f" % float(val[:2].mean()))
    print("pixel", np.round(enhanced[0, 0, :3], 5).tolist())
    model.save_weights("dce.weights.h5")
    other = ZeroDCE(name="other")
    other.load_weights("dce.weights.h5")
    print("reloaded", bool(np.allclose(other.predict(val[:2], verbose=0), enhanced, atol=1e-6)),
          other.dce_model.name, len(other.dce_model.weights))


if __name__ == "__main__":
    main()
