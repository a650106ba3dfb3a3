"""A Keras program, written for Keras 3, after keras.io's "Character-level recurrent sequence-to-sequence model"
example: an LSTM encoder returning its states, an LSTM decoder started from them (initial_state) under teacher
forcing, and a softmax Dense, trained with fit on one-hot strings (here: words to their reversal, framed by tab
and newline); the model is saved to a .keras file and reloaded, and, as the example does, the encoder and
step-by-step decoder inference models are rebuilt from the reloaded model's inputs, layers and layer outputs, then
used for greedy decoding. Weights are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers

WORDS = ["cab", "bad", "dab", "ace", "bed", "fed", "cafe", "face", "bead", "deaf", "dace", "fade"]
LATENT = 12


def vectorize(words):
    targets = ["\t" + w[::-1] + "\n" for w in words]
    input_chars = sorted(set("".join(words)))
    target_chars = sorted(set("".join(targets)))
    max_in = max(len(w) for w in words)
    max_out = max(len(t) for t in targets)
    enc = np.zeros((len(words), max_in, len(input_chars)), "float32")
    dec = np.zeros((len(words), max_out, len(target_chars)), "float32")
    dec_target = np.zeros((len(words), max_out, len(target_chars)), "float32")
    for i, (w, t) in enumerate(zip(words, targets)):
        for k, c in enumerate(w):
            enc[i, k, input_chars.index(c)] = 1.0
        for k, c in enumerate(t):
            dec[i, k, target_chars.index(c)] = 1.0
            if k > 0:
                dec_target[i, k - 1, target_chars.index(c)] = 1.0
    return input_chars, target_chars, enc, dec, dec_target


def build(num_encoder_tokens, num_decoder_tokens):
    encoder_inputs = keras.Input(shape=(None, num_encoder_tokens), name="encoder_inputs")
    encoder = layers.LSTM(LATENT, return_state=True, name="encoder_lstm")
    _, state_h, state_c = encoder(encoder_inputs)
    decoder_inputs = keras.Input(shape=(None, num_decoder_tokens), name="decoder_inputs")
    decoder_lstm = layers.LSTM(LATENT, return_sequences=True, return_state=True, name="decoder_lstm")
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=[state_h, state_c])
    decoder_outputs = layers.Dense(num_decoder_tokens, activation="softmax", name="decoder_dense")(decoder_outputs)
    return keras.Model([encoder_inputs, decoder_inputs], decoder_outputs, name="s2s")


def inference_models(model):
    encoder_inputs = model.input[0]
    _, state_h_enc, state_c_enc = model.layers[2].output
    encoder_model = keras.Model(encoder_inputs, [state_h_enc, state_c_enc], name="encoder_model")
    decoder_inputs = model.input[1]
    state_inputs = [keras.Input(shape=(LATENT,), name="h_in"), keras.Input(shape=(LATENT,), name="c_in")]
    decoder_lstm = model.layers[3]
    decoder_outputs, state_h_dec, state_c_dec = decoder_lstm(decoder_inputs, initial_state=state_inputs)
    decoder_outputs = model.layers[4](decoder_outputs)
    decoder_model = keras.Model([decoder_inputs] + state_inputs, [decoder_outputs, state_h_dec, state_c_dec],
                                name="decoder_model")
    return encoder_model, decoder_model


def decode_sequence(encoder_model, decoder_model, input_seq, target_chars, max_len):
    states = encoder_model.predict(input_seq, verbose=0)
    target_seq = np.zeros((1, 1, len(target_chars)), "float32")
    target_seq[0, 0, target_chars.index("\t")] = 1.0
    decoded, probabilities = "", []
    while True:
        output_tokens, h, c = decoder_model.predict([target_seq] + states, verbose=0)
        index = int(np.argmax(output_tokens[0, -1, :]))
        probabilities.append(round(float(output_tokens[0, -1, index]), 4))
        char = target_chars[index]
        if char == "\n" or len(decoded) >= max_len:
            break
        decoded += char
        target_seq = np.zeros((1, 1, len(target_chars)), "float32")
        target_seq[0, 0, index] = 1.0
        states = [h, c]
    return decoded, probabilities


def main():
    input_chars, target_chars, enc, dec, dec_target = vectorize(WORDS)
    print("tokens", len(input_chars), len(target_chars), "shapes", enc.shape, dec.shape)
    model = build(len(input_chars), len(target_chars))
    init = np.random.default_rng(12)
    model.set_weights([init.uniform(-0.35, 0.35, w.shape).astype("float32") for w in model.weights])
    print("layers", [layer.name for layer in model.layers])
    print("outputs of encoder_lstm", len(model.layers[2].output), [tuple(t.shape) for t in model.layers[2].output])
    model.compile(optimizer=keras.optimizers.RMSprop(0.02), loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit([enc, dec], dec_target, batch_size=4, epochs=5, validation_split=0.25, verbose=0,
                        shuffle=False)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])

    model.save("s2s.keras")
    model = keras.models.load_model("s2s.keras")
    print("reloaded", model.name, [tuple(t.shape) for t in model.inputs], model.output.shape)
    encoder_model, decoder_model = inference_models(model)
    print("encoder model", [t.shape for t in encoder_model.outputs])
    print("decoder model inputs", [t.name for t in decoder_model.inputs], len(decoder_model.weights))
    for k in (0, 5, 9):
        decoded, probabilities = decode_sequence(encoder_model, decoder_model, enc[k:k + 1], target_chars, 5)
        print("word", WORDS[k], "decoded", repr(decoded), probabilities)
    states = encoder_model.predict(enc[:3], verbose=0)
    print("states", [s.shape for s in states], np.round(states[0][:, :4], 5).tolist())


if __name__ == "__main__":
    main()
