"""Real Keras's applications as an oracle, with its answers recorded: building a Keras application and running
it costs 10-30 s on two cores, so what a test compares (the model's name, layers, output shapes, weight paths and
shapes, parameter count, and its output on a seeded input with seeded weights) is kept in
tests/keras/applications_records/<case>.json under the Keras version and the case's arguments.

The flags of tests/oracle_records.py apply: DEEPGRAD_RECORD_ORACLE=1 writes missing or stale records,
DEEPGRAD_LIVE_ORACLE=1 ignores them and runs Keras. Without a current record the test runs Keras itself.
"""
import json
import os
import pathlib

import numpy as np

from tests.oracle_records import _flag, oracle_version

RECORDS = pathlib.Path(__file__).parent / "applications_records"


def seeded_weights(model, seed=0):
    """Weights for `model` drawn from `seed` by shape and role: kernels scaled by their fan-in, BatchNorm
    statistics and scales near 1, the rest small; the same arrays for Keras's model and ours."""
    rng = np.random.default_rng(seed)
    values = []
    for w in model.weights:
        shape, leaf = tuple(w.shape), w.path.split("/")[-1]
        if len(shape) == 0:
            values.append(np.array(1, dtype=np.dtype(w.dtype)))
        elif len(shape) == 1 and leaf in ("gamma", "moving_variance", "variance"):
            values.append(rng.uniform(0.5, 1.5, shape).astype("float32"))
        elif len(shape) == 1:
            values.append(rng.normal(0.0, 0.1, shape).astype("float32"))
        else:
            fan_in = int(np.prod(shape[:-1])) if leaf != "depthwise_kernel" else int(np.prod(shape[:2]))
            values.append((rng.standard_normal(shape) / np.sqrt(fan_in)).astype("float32"))
    return values


def describe(model):
    """What the tests compare about a built model's structure (JSON-ready)."""
    return {"name": model.name,
            "layers": [[layer.name, type(layer).__name__, list(layer.output.shape)] for layer in model.layers],
            "weights": [[w.path, list(w.shape)] for w in model.weights],
            "trainable": [w.path for w in model.trainable_weights],
            "count_params": int(model.count_params())}


def images(shape, seed=0):
    """Seeded pixels in 0..255."""
    return np.random.default_rng(seed).uniform(0, 255, shape).astype("float32")


def _keras_answer(builder, kwargs, batch):
    from tests.keras.oracle import fresh_sessions
    theirs, _ = fresh_sessions()
    import torch
    model = _build(theirs.applications, builder, kwargs)
    answer = describe(model)
    if batch:
        model.set_weights(seeded_weights(model))
        shape = [batch] + [d or 32 for d in model.input_shape[1:]]
        with torch.no_grad():
            answer["output"] = model(torch.tensor(images(shape)), training=False).numpy().tolist()
    return answer


def _build(applications, builder, kwargs):
    module, name = builder.split(".")
    if builder == "nasnet.NASNetMobile" and applications.__name__ == "keras.applications":
        return _keras_nasnet_mobile(**kwargs)
    return getattr(getattr(applications, module), name)(**kwargs)


def _keras_nasnet_mobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                         classes=1000, classifier_activation="softmax", name="nasnet_mobile"):
    """Keras's NASNetMobile through its backend-independent builder: Keras 3.15's NASNetMobile itself refuses
    the torch backend."""
    from keras.src.applications.nasnet import NASNet
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32, skip_reduction=False,
                  filter_multiplier=2, include_top=include_top, weights=weights, input_tensor=input_tensor,
                  pooling=pooling, classes=classes, default_size=224, classifier_activation=classifier_activation,
                  name=name)


def keras_answer(case, builder, kwargs, batch=2):
    """Real Keras's answer for application `builder` ('module.Function') built with `kwargs`: its describe()
    and, for batch > 0, its output on images((batch, ...)) under seeded_weights; from the record when current."""
    key = f"{oracle_version('keras')}; {builder}({sorted(kwargs.items())}); batch {batch}"
    path = RECORDS / f"{case}.json"
    if path.exists() and not _flag("DEEPGRAD_LIVE_ORACLE"):
        stored = json.loads(path.read_text())
        if stored.get("key") == key:
            return stored["answer"]
    answer = _keras_answer(builder, kwargs, batch)
    if _flag("DEEPGRAD_RECORD_ORACLE"):
        RECORDS.mkdir(exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"key": key, "answer": answer}, separators=(",", ":")))
        os.replace(temporary, path)
    return answer


def check_against_keras(case, builder, kwargs, batch=2, rtol=1e-4):
    """Build ours like Keras's, compare the structure and (batch > 0) the outputs; returns our model."""
    from tests.keras.oracle import fresh_sessions
    want = keras_answer(case, builder, kwargs, batch)
    _, ours = fresh_sessions()
    model = _build(ours.applications, builder, kwargs)
    got = describe(model)
    for field in ("name", "layers", "weights", "trainable", "count_params"):
        assert got[field] == want[field], f"{builder}: {field} differs from Keras's"
    if batch:
        model.set_weights(seeded_weights(model))
        shape = [batch] + [d or 32 for d in model.input_shape[1:]]
        expected = np.asarray(want["output"], dtype="float32")
        out = model.predict(images(shape), verbose=0)
        scale = max(1.0, float(np.abs(expected).max()))
        np.testing.assert_allclose(out, expected, rtol=rtol, atol=rtol * scale)
    return model
