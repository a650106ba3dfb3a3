"""A Keras program, written for Keras 3: knowledge distillation as keras.io shows it. A Distiller(keras.Model)
subclass overrides compile(optimizer, metrics, student_loss_fn, distillation_loss_fn, alpha, temperature) and
compute_loss (the Keras 3 way: fit's own train_step calls it with y_pred from call(), the student's logits).
A convolutional teacher is trained first on small synthetic images; then a smaller student learns from the
labels and from the KL divergence (the teacher frozen) between softmax(teacher / T) and softmax(student / T), and a copy of the
student trained from scratch on the labels alone is the baseline. Everything is evaluated and printed. The
weights start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


class Distiller(keras.Model):
    def __init__(self, student, teacher):
        super().__init__()
        self.teacher = teacher
        self.student = student

    def compile(self, optimizer, metrics, student_loss_fn, distillation_loss_fn, alpha=0.1, temperature=3):
        super().compile(optimizer=optimizer, metrics=metrics)
        self.student_loss_fn = student_loss_fn
        self.distillation_loss_fn = distillation_loss_fn
        self.alpha = alpha
        self.temperature = temperature

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
        teacher_pred = self.teacher(x, training=False)
        student_loss = self.student_loss_fn(y, y_pred)
        distillation_loss = self.distillation_loss_fn(
            ops.softmax(teacher_pred / self.temperature, axis=1),
            ops.softmax(y_pred / self.temperature, axis=1),
        ) * (self.temperature ** 2)
        return self.alpha * student_loss + (1 - self.alpha) * distillation_loss

    def call(self, x):
        return self.student(x)


def make_images(rng, n):
    """10x10 grey images of three classes: a horizontal bar, a vertical bar or a diagonal, at random places,
    under noise."""
    images = 0.3 * rng.standard_normal((n, 10, 10, 1))
    labels = rng.integers(0, 3, size=n)
    for image, label in zip(images, labels):
        a, b = rng.integers(1, 9, size=2)
        if label == 0:
            image[a, 1:9, 0] += 1.0
        elif label == 1:
            image[1:9, b, 0] += 1.0
        else:
            image[np.arange(10), (np.arange(10) + b) % 10, 0] += 1.0
    return images.astype("float32"), labels


def seeded(model, seed, scale):
    init = np.random.default_rng(seed)
    model.set_weights([init.normal(0.0, scale, size=w.shape).astype("float32") for w in model.get_weights()])


def main():
    rng = np.random.default_rng(12)
    x_train, y_train = make_images(rng, 120)
    x_test, y_test = make_images(rng, 40)
    print(x_train.shape, np.bincount(y_train).tolist(), np.bincount(y_test).tolist())

    teacher = keras.Sequential(
        [
            keras.Input(shape=(10, 10, 1)),
            layers.Conv2D(8, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.MaxPooling2D(pool_size=(2, 2), strides=(1, 1), padding="same"),
            layers.Conv2D(16, (3, 3), strides=(2, 2), padding="same"),
            layers.Flatten(),
            layers.Dense(3),
        ],
        name="teacher",
    )
    student = keras.Sequential(
        [
            keras.Input(shape=(10, 10, 1)),
            layers.Conv2D(4, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.MaxPooling2D(pool_size=(2, 2), strides=(1, 1), padding="same"),
            layers.Conv2D(4, (3, 3), strides=(2, 2), padding="same"),
            layers.Flatten(),
            layers.Dense(3),
        ],
        name="student",
    )
    seeded(teacher, 1, 0.3)
    seeded(student, 2, 0.3)
    student_scratch = keras.models.clone_model(student)
    student_scratch.set_weights(student.get_weights())
    print("teacher params", teacher.count_params(), "student params", student.count_params())

    teacher.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    history = teacher.fit(x_train, y_train, epochs=4, batch_size=20, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print("teacher", key, ["%.5f" % v for v in history.history[key]])
    print("teacher evaluate", ["%.5f" % v for v in teacher.evaluate(x_test, y_test, verbose=0)])

    teacher.trainable = False   # the distillation loss would otherwise move the teacher too
    distiller = Distiller(student=student, teacher=teacher)
    distiller.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
        student_loss_fn=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        distillation_loss_fn=keras.losses.KLDivergence(),
        alpha=0.1,
        temperature=10,
    )
    history = distiller.fit(x_train, y_train, epochs=5, batch_size=20, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print("distiller", key, ["%.5f" % v for v in history.history[key]])
    results = distiller.evaluate(x_test, y_test, verbose=0, return_dict=True)
    print("distiller evaluate", {k: "%.5f" % v for k, v in sorted(results.items())})
    print("distiller evaluate list", ["%.5f" % v for v in distiller.evaluate(x_test, y_test, verbose=0)])
    print("distiller metrics", [m.name for m in distiller.metrics])
    print("distiller weights", len(distiller.weights), "trainable", len(distiller.trainable_weights))
    print("teacher after distillation", ["%.5f" % v for v in teacher.evaluate(x_test, y_test, verbose=0)])

    student_scratch.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    student_scratch.fit(x_train, y_train, epochs=5, batch_size=20, shuffle=False, verbose=0)
    print("scratch evaluate", ["%.5f" % v for v in student_scratch.evaluate(x_test, y_test, verbose=0)])

    logits = distiller.predict(x_test[:4], verbose=0)
    print(np.round(logits, 4))
    print("student agrees with distiller", np.allclose(student.predict(x_test[:4], verbose=0), logits, atol=1e-6))
    soft = ops.convert_to_numpy(ops.softmax(teacher(x_test[:2]) / 10, axis=1))
    print("teacher soft targets", np.round(soft, 5).tolist())
    print("kl", "%.6f" % float(ops.convert_to_numpy(keras.losses.KLDivergence()(soft[:1], soft[1:]))))


if __name__ == "__main__":
    main()
