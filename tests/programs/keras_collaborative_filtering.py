"""A Keras program, written for Keras 3, after keras.io's "Collaborative Filtering for Movie Recommendations": a
subclassed keras.Model (RecommenderNet) with user and movie Embedding tables (he_normal, an L2 regularizer), bias
embeddings, a tensordot of the two vectors (axes=2, as the example writes it) and a sigmoid, trained with binary
cross-entropy on ratings scaled to [0, 1]; then top-k recommendations for a user (ops.top_k, ops.argsort), a
second model scoring with a batched dot product (layers.Dot), and the weights after a save_weights round trip.
Ratings come from NumPy and the weights are set from NumPy arrays, so real Keras and deepgrad print the same
numbers."""
import numpy as np

import keras
from keras import layers, ops

USERS, MOVIES, EMBEDDING_SIZE = 12, 15, 6


class RecommenderNet(keras.Model):
    def __init__(self, num_users, num_movies, embedding_size, **kwargs):
        super().__init__(**kwargs)
        self.num_users = num_users
        self.num_movies = num_movies
        self.embedding_size = embedding_size
        self.user_embedding = layers.Embedding(num_users, embedding_size, embeddings_initializer="he_normal",
                                               embeddings_regularizer=keras.regularizers.l2(1e-4))
        self.user_bias = layers.Embedding(num_users, 1)
        self.movie_embedding = layers.Embedding(num_movies, embedding_size, embeddings_initializer="he_normal",
                                                embeddings_regularizer=keras.regularizers.l2(1e-4))
        self.movie_bias = layers.Embedding(num_movies, 1)

    def call(self, inputs):
        user_vector = self.user_embedding(inputs[:, 0])
        user_bias = self.user_bias(inputs[:, 0])
        movie_vector = self.movie_embedding(inputs[:, 1])
        movie_bias = self.movie_bias(inputs[:, 1])
        dot_user_movie = ops.tensordot(user_vector, movie_vector, 2)
        x = dot_user_movie + user_bias + movie_bias
        return ops.nn.sigmoid(x)


class DotRecommender(keras.Model):
    """The same tables, scored per example: sum(user * movie) through layers.Dot."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.users = layers.Embedding(USERS, EMBEDDING_SIZE, name="users")
        self.movies = layers.Embedding(MOVIES, EMBEDDING_SIZE, name="movies")
        self.dot = layers.Dot(axes=1, name="score")

    def call(self, inputs):
        return ops.sigmoid(self.dot([self.users(inputs[:, 0]), self.movies(inputs[:, 1])]))


def numpy_weights(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()])


def main():
    rng = np.random.default_rng(42)
    taste = rng.normal(size=(USERS, 3))
    kind = rng.normal(size=(MOVIES, 3))
    pairs = np.array([(u, m) for u in range(USERS) for m in range(MOVIES) if rng.random() < 0.6], dtype="int64")
    scores = np.sum(taste[pairs[:, 0]] * kind[pairs[:, 1]], axis=1)
    ratings = np.clip(np.round(3 + scores), 1, 5)
    y = ((ratings - 1) / 4).astype("float32")
    order = rng.permutation(len(pairs))
    pairs, y = pairs[order], y[order]
    split = int(0.8 * len(pairs))
    x_train, x_val, y_train, y_val = pairs[:split], pairs[split:], y[:split], y[split:]
    print("ratings", len(pairs), "train", len(x_train), "mean", round(float(y.mean()), 4))

    model = RecommenderNet(USERS, MOVIES, EMBEDDING_SIZE)
    model(x_train[:2])
    numpy_weights(model, 1)
    print("weights", [(w.path, tuple(w.shape)) for w in model.weights])
    model.compile(loss=keras.losses.BinaryCrossentropy(), optimizer=keras.optimizers.Adam(learning_rate=0.01))
    history = model.fit(x=x_train, y=y_train, batch_size=16, epochs=5, verbose=0, shuffle=False,
                        validation_data=(x_val, y_val))
    print("loss", np.round(history.history["loss"], 4).tolist())
    print("val_loss", np.round(history.history["val_loss"], 4).tolist())
    print("regularization", np.round([float(ops.convert_to_numpy(v)) for v in model.losses], 5).tolist())

    user = 3
    seen = set(pairs[pairs[:, 0] == user][:, 1].tolist())
    unseen = np.array([m for m in range(MOVIES) if m not in seen], dtype="int64")
    candidates = np.stack([np.full_like(unseen, user), unseen], axis=1)
    predicted = model.predict(candidates, verbose=0).flatten()
    print("unseen", unseen.tolist(), "scores", np.round(predicted.astype("float64"), 4).tolist())
    values, indices = ops.top_k(predicted, k=3)
    print("top 3", unseen[ops.convert_to_numpy(indices)].tolist(),
          np.round(ops.convert_to_numpy(values).astype("float64"), 4).tolist())
    ranked = ops.convert_to_numpy(ops.argsort(-predicted))
    print("ranking", unseen[ranked].tolist())

    dot_model = DotRecommender()
    dot_model(x_train[:2])
    numpy_weights(dot_model, 2)
    dot_model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(0.5, momentum=0.5),
                      metrics=[keras.metrics.RootMeanSquaredError(name="rmse"), keras.metrics.MeanAbsoluteError()])
    history = dot_model.fit(x_train, y_train, batch_size=32, epochs=4, verbose=0, shuffle=False)
    print("dot loss", np.round(history.history["loss"], 4).tolist())
    print("dot rmse", np.round(history.history["rmse"], 4).tolist())
    print("dot evaluate", np.round(dot_model.evaluate(x_val, y_val, verbose=0), 4).tolist())
    dot_model.save_weights("recommender.weights.h5")
    restored = DotRecommender()
    restored(x_train[:2])
    restored.load_weights("recommender.weights.h5")
    print("restored", bool(np.allclose(restored.predict(x_val, verbose=0), dot_model.predict(x_val, verbose=0))))
    user_table = ops.convert_to_numpy(dot_model.users.embeddings)
    similar = np.argsort(-(user_table @ user_table[user]))[:4]
    print("users like", user, similar.tolist())


if __name__ == "__main__":
    main()
