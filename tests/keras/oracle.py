"""Real Keras 3 (torch backend) as an oracle: import it, copy weights into ours, compare values and gradients."""
import os

import numpy as np
import pytest

import autograd as ag


def real_keras():
    """The real keras package on the torch backend; the test is skipped when keras is not installed."""
    os.environ["KERAS_BACKEND"] = "torch"
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "torch":
        pytest.skip(f"keras runs on {keras.backend.backend()}, not torch (import it after setting KERAS_BACKEND)")
    return keras


def fresh_sessions():
    """(real keras, nn.keras), each with a cleared session, so that automatic layer names count from zero in both."""
    from nn import keras as ours
    theirs = real_keras()
    theirs.backend.clear_session(free_memory=False)
    ours.backend.clear_session(free_memory=False)
    return theirs, ours


def keras_forward_and_grads(layer, inputs, cotangent, training=False, **kwargs):
    """Keras `layer` on `inputs` (NumPy, a list for several): outputs and the gradients of sum(out * cotangent)
    with respect to the float inputs and the layer's trainable weights, as NumPy."""
    import torch
    single = not isinstance(inputs, list)
    tensors = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in ([inputs] if single else inputs)]
    out = layer(tensors[0] if single else tensors, training=training, **kwargs)
    outs = out if isinstance(out, (list, tuple)) else [out]
    total = sum((o * torch.tensor(c)).sum() for o, c in zip(outs, cotangent))
    wanted = [t for t in tensors if t.requires_grad] + [w.value for w in layer.trainable_weights]
    grads = torch.autograd.grad(total, wanted, allow_unused=True)
    return [o.detach().numpy() for o in outs], [None if g is None else g.numpy() for g in grads]


def our_forward_and_grads(layer, inputs, cotangent, training=False, **kwargs):
    """The same for one of our layers."""
    single = not isinstance(inputs, list)
    tensors = [ag.tensor(a, requires_grad=a.dtype.kind == "f") for a in ([inputs] if single else inputs)]
    out = layer(tensors[0] if single else tensors, training=training, **kwargs)
    outs = out if isinstance(out, (list, tuple)) else [out]
    total = None
    for o, c in zip(outs, cotangent):
        term = (o * ag.tensor(c)).sum()
        total = term if total is None else total + term
    total.backward()
    wanted = [t for t in tensors if t.requires_grad] + layer.trainable_weights
    return [o.detach().numpy() for o in outs], [None if t.grad is None else t.grad.numpy() for t in wanted]


def assert_close_lists(ours, theirs, rtol=1e-4, atol=1e-5, what="value"):
    """Elementwise comparison of two lists of arrays (None for 'no gradient')."""
    assert len(ours) == len(theirs), f"{what}: {len(ours)} arrays vs Keras's {len(theirs)}"
    for k, (a, b) in enumerate(zip(ours, theirs)):
        if b is None:
            assert a is None or np.allclose(a, 0), f"{what} {k}: Keras has no gradient, ours is nonzero"
            continue
        assert a is not None, f"{what} {k}: Keras has a gradient, ours has none"
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"{what} {k}")


def assert_config_round_trip(factory, keras_layers, our_layers):
    """factory(layers) makes one layer: ours survives a JSON get_config/from_config round trip, and real
    Keras's config of the same layer (less name and dtype) builds one of ours."""
    import json
    layer = factory(our_layers)
    config = json.loads(json.dumps(layer.get_config()))
    assert json.loads(json.dumps(type(layer).from_config(config).get_config())) == config
    k_config = factory(keras_layers).get_config()
    for key in ("name", "dtype"):
        k_config.pop(key)
    assert isinstance(type(layer).from_config(k_config), type(layer))
