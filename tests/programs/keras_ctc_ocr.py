"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "OCR model for reading Captchas":
a CTCLayer (a layer whose call adds keras.ops.ctc_loss, averaged, with add_loss and returns the predictions), a
functional model with two inputs (image and padded label) made of Conv2D, MaxPooling2D, a Reshape to a sequence,
Dense, a Bidirectional LSTM and a softmax over the characters plus the blank, compiled with no loss and trained with
Adam; a prediction model cut from it by layer name, greedy and beam-search keras.ops.ctc_decode of its outputs, and
keras.losses.CTC on the same batch. Images and weights come from NumPy, so real Keras and deepgrad print the same
numbers."""
import numpy as np

import keras
from keras import layers, ops

WIDTH, HEIGHT, MAX_LENGTH, NUM_CHARS = 16, 8, 3, 4   # characters 1..4, 0 is the blank / padding


class CTCLayer(layers.Layer):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = ops.ctc_loss

    def call(self, y_true, y_pred):
        batch_len = ops.shape(y_true)[0]
        input_length = ops.shape(y_pred)[1]
        label_length = ops.sum(ops.cast(ops.not_equal(y_true, 0), "int32"), axis=1)
        input_length = input_length * ops.ones(shape=(batch_len,), dtype="int32")
        loss = self.loss_fn(y_true, y_pred, label_length, input_length, mask_index=0)
        self.add_loss(ops.mean(loss))
        # At test time, just return the computed predictions
        return y_pred


def build_model():
    input_img = layers.Input(shape=(WIDTH, HEIGHT, 1), name="image", dtype="float32")
    labels = layers.Input(name="label", shape=(MAX_LENGTH,), dtype="int32")
    x = layers.Conv2D(4, (3, 3), activation="relu", kernel_initializer="he_normal", padding="same", name="Conv1")(
        input_img)
    x = layers.MaxPooling2D((2, 2), name="pool1")(x)
    x = layers.Conv2D(8, (3, 3), activation="relu", kernel_initializer="he_normal", padding="same", name="Conv2")(x)
    x = layers.MaxPooling2D((1, 2), name="pool2")(x)
    new_shape = ((WIDTH // 2), (HEIGHT // 4) * 8)
    x = layers.Reshape(target_shape=new_shape, name="reshape")(x)
    x = layers.Dense(12, activation="relu", name="dense1")(x)
    x = layers.Bidirectional(layers.LSTM(8, return_sequences=True))(x)
    x = layers.Dense(NUM_CHARS + 1, activation="softmax", name="dense2")(x)
    output = CTCLayer(name="ctc_loss")(labels, x)
    model = keras.models.Model(inputs=[input_img, labels], outputs=output, name="ocr_model_v1")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01))
    return model


def main():
    rng = np.random.default_rng(2024)
    n = 24
    lengths = rng.integers(1, MAX_LENGTH + 1, n)
    label_array = np.zeros((n, MAX_LENGTH), "int32")
    images = rng.normal(0, 0.1, (n, WIDTH, HEIGHT, 1)).astype("float32")
    for i in range(n):
        label_array[i, :lengths[i]] = rng.integers(1, NUM_CHARS + 1, lengths[i])
        for j, char in enumerate(label_array[i, :lengths[i]]):
            images[i, 5 * j:5 * j + 4, 2 * (char - 1):2 * char, 0] += 1.0
    print("labels", label_array[:4].tolist())

    model = build_model()
    init = np.random.default_rng(3)
    model.set_weights([init.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    print("inputs", [t.name for t in model.inputs], "outputs", tuple(model.outputs[0].shape))
    history = model.fit({"image": images[:16], "label": label_array[:16]}, batch_size=8, epochs=6, shuffle=False,
                        validation_data={"image": images[16:], "label": label_array[16:]}, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())

    prediction_model = keras.models.Model(model.input[0], model.get_layer(name="dense2").output)
    print("prediction model", len(prediction_model.layers), prediction_model.output.shape)
    preds = prediction_model.predict(images[16:20], verbose=0)
    print("probabilities", np.round(preds[0, :3].astype("float64"), 4).tolist())
    input_len = np.ones(preds.shape[0]) * preds.shape[1]
    decoded, log_probs = ops.ctc_decode(preds, sequence_lengths=input_len, strategy="greedy")
    print("greedy", ops.convert_to_numpy(decoded)[0][:, :MAX_LENGTH].tolist(),
          np.round(ops.convert_to_numpy(log_probs).ravel().astype("float64"), 4).tolist())
    decoded, log_probs = ops.ctc_decode(preds, sequence_lengths=input_len, strategy="beam_search", beam_width=4,
                                        top_paths=2)
    print("beam paths", ops.convert_to_numpy(decoded).shape[0],
          ops.convert_to_numpy(decoded)[1][:2, :MAX_LENGTH].tolist())
    print("beam log probs", np.round(ops.convert_to_numpy(log_probs).astype("float64"), 4).tolist())
    ctc = keras.losses.CTC()
    print("CTC loss", round(float(ops.convert_to_numpy(ctc(label_array[16:20], preds))), 4))
    per_sample = ops.ctc_loss(label_array[16:20], preds, np.array([1, 1, 1, 1], "int32"),
                              np.full(4, preds.shape[1], "int32"), mask_index=0)
    print("first-label loss", np.round(ops.convert_to_numpy(per_sample).astype("float64"), 4).tolist())
    print("evaluate", round(model.evaluate({"image": images[16:], "label": label_array[16:]}, verbose=0), 4))


if __name__ == "__main__":
    main()
