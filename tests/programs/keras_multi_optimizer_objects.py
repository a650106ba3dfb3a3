"""A Keras program, written for Keras 3: a two-tower model trained with keras.optimizers.MultiOptimizer — an
OptimizerMap with exact and regex keys (Adam for the encoder's layers, SGD with momentum for one named layer,
RMSprop as the default) and a callable selector — printing which optimizer each variable went to, the
iterations of every sub-optimizer, their variables, the losses, and what reading learning_rate on the
MultiOptimizer does; the weights carry the rarer objects: an orthogonal_regularizer on a kernel, a min_max_norm
constraint, seeded HeNormal / LecunNormal / GlorotNormal / Orthogonal / VarianceScaling initializers (their
configs), and keras.tree helpers (map_structure_up_to, assert_same_paths, MAP_TO_NONE). Real Keras and deepgrad
print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits).tolist()


def build():
    inputs = keras.Input((6,), name="features")
    h = layers.Dense(8, activation="relu", name="enc_1",
                     kernel_regularizer=keras.regularizers.orthogonal_regularizer(factor=0.05, mode="rows"))(inputs)
    h = layers.Dense(4, activation="tanh", name="enc_2",
                     kernel_constraint=keras.constraints.min_max_norm(min_value=0.5, max_value=1.0, rate=0.5))(h)
    side = layers.Dense(3, name="side")(inputs)
    outputs = layers.Dense(1, name="head")(layers.Concatenate()([h, side]))
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(11)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    return model


def main():
    rng = np.random.default_rng(1706)
    x = rng.normal(size=(64, 6)).astype("float32")
    y = (np.sin(x[:, :1]) + 0.5 * x[:, 1:2] * x[:, 2:3]).astype("float32")

    adam, sgd, rms = keras.optimizers.Adam(0.01), keras.optimizers.SGD(0.05, momentum=0.9), \
        keras.optimizers.RMSprop(0.005)
    mapping = keras.optimizers.OptimizerMap(default_optimizer=rms)
    mapping["enc_.*"] = adam
    mapping["side/kernel"] = sgd
    print("map", len(mapping), sorted(mapping), type(mapping.default_optimizer).__name__)
    optimizer = keras.optimizers.MultiOptimizer(mapping)
    print("optimizers", [type(o).__name__ for o in optimizer.optimizers])
    try:
        optimizer.learning_rate
    except AttributeError:
        print("learning_rate: AttributeError")

    model = build()
    model.compile(optimizer=optimizer, loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    print("loss", r(history.history["loss"]))
    print("routes", [(w.path, type(mapping[w.path]).__name__) for w in model.trainable_weights])
    print("iterations", int(optimizer.iterations), [int(o.iterations) for o in optimizer.optimizers])
    print("sub-optimizer variables", [len(o.variables) for o in optimizer.optimizers], len(optimizer.variables))
    print("regularization", r(model.losses[0]), len(model.losses))
    norms = np.linalg.norm(ops.convert_to_numpy(model.get_layer("enc_2").kernel), axis=0)
    print("constrained norms", r(norms), bool(np.all(norms <= 1.0 + 1e-5)))

    def selector(variable):
        return sgd2 if "bias" in variable.path else adam2

    adam2, sgd2 = keras.optimizers.Adam(0.02), keras.optimizers.SGD(0.1)
    model = build()
    model.compile(optimizer=keras.optimizers.MultiOptimizer(selector), loss="mse")
    print("callable loss", r(model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0).history["loss"]))
    print("callable iterations", int(adam2.iterations), int(sgd2.iterations))
    print("head bias", r(model.get_layer("head").bias))

    for init in (keras.initializers.HeNormal(seed=3), keras.initializers.LecunNormal(seed=3),
                 keras.initializers.GlorotNormal(seed=3), keras.initializers.LecunUniform(seed=4),
                 keras.initializers.HeUniform(seed=4),
                 keras.initializers.VarianceScaling(scale=2.0, mode="fan_avg", distribution="uniform", seed=5),
                 keras.initializers.OrthogonalInitializer(gain=0.5, seed=6), keras.initializers.IdentityInitializer(2.0)):
        values = ops.convert_to_numpy(init((4, 3)))
        print(type(init).__name__, sorted(init.get_config().items()), r(np.std(values) if "Identity" not in
                                                                        type(init).__name__ else values.sum()))
    ortho = ops.convert_to_numpy(keras.initializers.Orthogonal(seed=1)((5, 3)))
    print("orthogonal columns", r(ortho.T @ ortho))
    reg = keras.regularizers.OrthogonalRegularizer(factor=0.1, mode="columns")
    print("orthogonal regularizer", r(reg(ops.eye(3))), r(reg(ops.ones((3, 2)))),
          sorted(reg.get_config().items()))
    constraint = keras.constraints.MinMaxNorm(min_value=1.0, max_value=2.0, rate=1.0, axis=1)
    print("min_max_norm", r(constraint(np.array([[3.0, 4.0], [0.3, 0.4]], "float32"))),
          sorted(constraint.get_config().items()))

    tree = keras.tree
    shallow = {"a": None, "b": [None, None]}
    deep = {"a": (1, 2), "b": [3, {"c": 4}]}
    print("map_structure_up_to", tree.map_structure_up_to(shallow, lambda v: str(v), deep))
    tree.assert_same_paths({"x": 1, "y": [2]}, {"x": 5, "y": [6]})
    try:
        tree.assert_same_paths({"x": 1}, {"z": 1})
    except ValueError:
        print("assert_same_paths: ValueError")
    print("traverse MAP_TO_NONE", tree.traverse(lambda v: tree.MAP_TO_NONE if isinstance(v, int) and v > 2 else None,
                                                [1, (2, 3), {"k": 4}]))
    print("traverse bottom up", tree.traverse(lambda v: v * 10 if isinstance(v, int) else None, [1, (2, 3)],
                                              top_down=False))


if __name__ == "__main__":
    main()
