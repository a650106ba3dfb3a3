"""A Keras program, written for Keras 3, on an imbalanced three-class problem as users meet it after
keras.io's "Imbalanced classification" example: class weights computed from the label counts and passed to fit
with one-hot targets (Keras reads the class from the argmax), sample weights in a three-element validation_data
tuple, weighted_metrics next to plain metrics, per-class Precision / Recall (class_id) and a macro F1Score, a
model seeded by keras.utils.set_random_seed with its output bias set from the class priors, and a confusion
matrix of the predictions. deepgrad draws Keras's own numbers, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def main():
    rng = np.random.default_rng(23)
    n = 240
    labels = rng.choice(3, size=n, p=[0.75, 0.2, 0.05])
    centers = np.array([[0.0, 0.0, 0.0, 0.0], [1.2, -0.8, 0.5, 0.0], [-0.5, 1.5, -1.0, 1.0]])
    x = (centers[labels] + rng.normal(0, 0.9, (n, 4))).astype("float32")
    y = keras.utils.to_categorical(labels, 3)
    counts = np.bincount(labels[:180], minlength=3)
    class_weight = {k: float(180 / (3 * counts[k])) for k in range(3)}
    print("counts", counts.tolist(), "class_weight", {k: round(v, 4) for k, v in class_weight.items()})
    priors = counts / counts.sum()

    keras.utils.set_random_seed(99)
    model = keras.Sequential([
        keras.Input((4,)),
        layers.Dense(16, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(3, activation="softmax",
                     bias_initializer=keras.initializers.Constant(np.log(priors).tolist())),
    ])
    print("bias", r(model.layers[-1].bias.numpy()))
    metrics = ["accuracy", keras.metrics.Precision(class_id=2, name="precision_rare"),
               keras.metrics.Recall(class_id=2, name="recall_rare"),
               keras.metrics.F1Score(average="macro", name="f1"),
               keras.metrics.AUC(multi_label=True, num_labels=3, name="auc")]
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=metrics,
                  weighted_metrics=[keras.metrics.CategoricalAccuracy(name="wacc")])
    val_weight = np.where(labels[180:] == 2, 5.0, 1.0).astype("float32")
    history = model.fit(x[:180], y[:180], batch_size=30, epochs=5, verbose=0, class_weight=class_weight,
                        validation_data=(x[180:], y[180:], val_weight))
    for key in sorted(history.history):
        print(key, r(history.history[key]))

    unweighted = model.evaluate(x[180:], y[180:], verbose=0, return_dict=True)
    print("evaluate", {k: round(v, 4) for k, v in sorted(unweighted.items())})
    probabilities = model.predict(x[180:], verbose=0)
    predicted = probabilities.argmax(axis=1)
    matrix = np.zeros((3, 3), int)
    for truth, guess in zip(labels[180:], predicted):
        matrix[truth, guess] += 1
    print("confusion", matrix.tolist())
    print("probabilities", r(probabilities[:2]))

    keras.utils.set_random_seed(99)
    plain = keras.models.clone_model(model)
    plain.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
    history = plain.fit(x[:180], y[:180], batch_size=30, epochs=5, verbose=0)
    print("without class_weight", r(history.history["loss"]), r(history.history["accuracy"]))
    print("rare recall", round(float(np.mean(plain.predict(x[180:], verbose=0).argmax(1)[labels[180:] == 2] == 2)), 4))


if __name__ == "__main__":
    main()
