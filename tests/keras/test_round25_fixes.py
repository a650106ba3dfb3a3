"""Regression tests for the bugs found by the twenty-fifth round of ported Keras programs
(tests/keras/test_keras_programs_round25.py), each compared with real Keras 3 (torch backend)."""
import numpy as np

from .oracle import fresh_sessions


def _method_named_layers(K, folder):
    x = np.linspace(-1, 1, 24, dtype="float32").reshape(8, 3)
    y = x.sum(axis=1, keepdims=True)
    model = K.Sequential([K.Input((3,)), K.layers.Dense(2, name="fit"), K.layers.Dense(1, name="predict")])
    model.set_weights([np.full((3, 2), 0.1, "float32"), np.zeros(2, "float32"), np.full((2, 1), 0.2, "float32"),
                       np.zeros(1, "float32")])
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    losses = model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False).history["loss"]
    inputs = K.Input((3,))
    outputs = K.layers.Dense(1, name="call")(K.layers.Dense(2, name="evaluate")(inputs))
    functional = K.Model(inputs, outputs)
    functional.set_weights(model.get_weights())
    functional.compile(optimizer="sgd", loss="mse")
    path = str(folder / "named.keras")
    functional.save(path)
    again = K.models.load_model(path)
    return ([round(v, 6) for v in losses], np.round(model.predict(x[:2], verbose=0), 6).tolist(),
            round(functional.evaluate(x, y, verbose=0), 6), round(again.evaluate(x, y, verbose=0), 6),
            np.round(K.ops.convert_to_numpy(again(x[:2])), 6).tolist(),
            model.get_layer("fit").name, [w.path for w in functional.weights])


def test_layers_named_after_model_methods_do_not_hide_them(tmp_path):
    """A layer named "fit", "predict", "evaluate" or "call" works in Keras (layers are not model attributes);
    nn.keras mirrored each registered layer into the model's attributes, so `model.fit(...)` called the Dense
    layer named "fit" (TypeError: Dense.call() got an unexpected keyword argument 'batch_size')."""
    K, ours = fresh_sessions()
    (tmp_path / "k").mkdir()
    (tmp_path / "o").mkdir()
    theirs = _method_named_layers(K, tmp_path / "k")
    mine = _method_named_layers(ours, tmp_path / "o")
    assert mine == theirs
