"""A Keras program, written for Keras 3, after keras.io's "Sequence to sequence learning for performing number
addition" example: questions such as "12+7" one-hot encoded character by character (reversed, as the example
does), an LSTM encoder, RepeatVector, an LSTM decoder returning sequences and a softmax Dense over the characters,
trained with fit and validation_data; it prints the summary, the History, decoded guesses, then saves the model to
a .keras file, loads it back, and prints the reloaded model's predictions, configs and evaluate. Weights are set
from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers

DIGITS = 2
MAXLEN = DIGITS + 1 + DIGITS
CHARS = "0123456789+ "


class CharacterTable:
    """Encodes strings as one-hot rows and decodes probability rows back to strings."""

    def __init__(self, chars):
        self.chars = sorted(set(chars))
        self.char_indices = {c: i for i, c in enumerate(self.chars)}
        self.indices_char = {i: c for i, c in enumerate(self.chars)}

    def encode(self, text, num_rows):
        x = np.zeros((num_rows, len(self.chars)), "float32")
        for i, c in enumerate(text):
            x[i, self.char_indices[c]] = 1
        return x

    def decode(self, x, calc_argmax=True):
        if calc_argmax:
            x = x.argmax(axis=-1)
        return "".join(self.indices_char[int(i)] for i in x)


def make_data(rng, n, ctable):
    questions, answers = [], []
    for _ in range(n):
        a, b = (int(v) for v in rng.integers(0, 10 ** DIGITS, size=2))
        question = f"{a}+{b}"
        query = question + " " * (MAXLEN - len(question))
        answer = str(a + b)
        answer += " " * (DIGITS + 1 - len(answer))
        questions.append(query[::-1])
        answers.append(answer)
    x = np.stack([ctable.encode(q, MAXLEN) for q in questions])
    y = np.stack([ctable.encode(a, DIGITS + 1) for a in answers])
    return questions, answers, x, y


def build(num_chars):
    model = keras.Sequential(name="adder")
    model.add(keras.Input((MAXLEN, num_chars)))
    model.add(layers.LSTM(16, name="encoder"))
    model.add(layers.RepeatVector(DIGITS + 1, name="repeat"))
    model.add(layers.LSTM(16, return_sequences=True, name="decoder"))
    model.add(layers.Dense(num_chars, activation="softmax", name="chars"))
    return model


def main():
    ctable = CharacterTable(CHARS)
    rng = np.random.default_rng(3)
    _, _, x_train, y_train = make_data(rng, 96, ctable)
    questions, answers, x_val, y_val = make_data(rng, 16, ctable)
    print("shapes", x_train.shape, y_train.shape, "chars", "".join(ctable.chars))

    model = build(len(ctable.chars))
    init = np.random.default_rng(4)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.weights])
    model.summary()
    model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.02), metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=4, validation_data=(x_val, y_val), verbose=0,
                        shuffle=False)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])

    predictions = model.predict(x_val[:4], verbose=0)
    print("predictions", predictions.shape, np.round(predictions[0, 0, :4], 5).tolist())
    for q, a, p in zip(questions[:4], answers[:4], predictions):
        print("Q", repr(q[::-1]), "T", repr(a), "guess", repr(ctable.decode(p)))

    model.save("adder.keras")
    restored = keras.models.load_model("adder.keras")
    again = restored.predict(x_val[:4], verbose=0)
    print("reloaded same", bool(np.allclose(again, predictions, atol=1e-6)), restored.name,
          [layer.name for layer in restored.layers])
    print("repeat config", restored.get_layer("repeat").get_config())
    decoder = restored.get_layer("decoder").get_config()
    print("decoder", decoder["units"], decoder["return_sequences"], decoder["activation"],
          decoder["recurrent_activation"])
    print("optimizer", type(restored.optimizer).__name__, int(restored.optimizer.iterations.numpy()),
          "%.4f" % float(restored.optimizer.learning_rate.numpy()))
    print("evaluate reloaded", ["%.5f" % v for v in restored.evaluate(x_val, y_val, batch_size=8, verbose=0)])
    restored.fit(x_train[:32], y_train[:32], batch_size=16, epochs=1, verbose=0, shuffle=False)
    print("after one more epoch", int(restored.optimizer.iterations.numpy()),
          np.round(restored.predict(x_val[:2], verbose=0)[:, 0, :3], 5).tolist())


if __name__ == "__main__":
    main()
