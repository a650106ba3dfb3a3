"""Every built-in Keras layer family under 'mixed_float16' / 'mixed_bfloat16' (and 16-bit `dtype=` layers) against
real Keras 3 on torch: output and weight dtypes, output values, and the float32 gradients of the trainable weights,
with Keras's weights copied into ours; plus a small model per family trained with fit under 'mixed_float16'."""
import numpy as np
import pytest

import autograd as ag
import nn.keras as ours

from .oracle import real_keras

POLICIES = ("mixed_float16", "mixed_bfloat16")
SIXTEEN_BITS = ("float16", "bfloat16")   # plain policies: weights and computation both in 16 bits


@pytest.fixture
def policy(request):
    """Sets both libraries' global policy to the parameter, and back to float32 after the test."""
    keras = real_keras()
    for lib in (keras, ours):
        lib.mixed_precision.set_global_policy(request.param)
    yield request.param
    for lib in (keras, ours):
        lib.mixed_precision.set_global_policy("float32")


def _dtype(value):
    return str(getattr(value, "dtype", value)).replace("torch.", "")


def _rng():
    return np.random.default_rng(11)


def _plain(value):
    return np.asarray(value.detach().float().numpy() if hasattr(value, "detach") else value.float().numpy())


def _converted(value, convert):
    if isinstance(value, list):
        return [_converted(v, convert) for v in value]
    return convert(value) if isinstance(value, np.ndarray) else value


def _run(lib, layer, inputs, cotangent, kwargs, positional=False):
    """Outputs (as they are), and the gradients of sum(float32(out) * cotangent) w.r.t. the trainable weights."""
    convert = ag.tensor if lib is ours else __import__("torch").tensor
    kwargs = {k: _converted(v, convert) for k, v in kwargs.items()}
    if lib is ours:
        tensors = [ag.tensor(a) for a in inputs]
        out = layer(*tensors, **kwargs) if positional else layer(tensors[0] if len(tensors) == 1 else tensors,
                                                                  **kwargs)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        weights = layer.trainable_weights
        if weights:
            total = None
            for o, c in zip(outs, cotangent):
                term = (o.float() * ag.tensor(c)).sum()
                total = term if total is None else total + term
            total.backward()
        return outs, [w.grad for w in weights]
    import torch
    tensors = [torch.tensor(a) for a in inputs]
    out = layer(*tensors, **kwargs) if positional else layer(tensors[0] if len(tensors) == 1 else tensors, **kwargs)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    weights = [w.value for w in layer.trainable_weights]
    grads = []
    if weights and cotangent is not None:
        total = sum((o.float() * torch.tensor(c)).sum() for o, c in zip(outs, cotangent))
        grads = torch.autograd.grad(total, weights, allow_unused=True)
    return outs, grads


def compare(factory, inputs, rtol=2e-2, atol=2e-2, grad_rtol=3e-2, grad_atol=3e-2, exact=False, kwargs=None,
            weights=None):
    """Builds factory(lib) in both libraries (global policy already set), copies Keras's weights into ours and
    compares dtypes, outputs and trainable-weight gradients. Returns both layers."""
    keras = real_keras()
    positional = isinstance(inputs, tuple)   # several call arguments (query, value) rather than one list
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    kwargs = kwargs or {}
    layers = {lib: factory(lib) for lib in (keras, ours)}
    # a first call builds both; then Keras's (or the given) weights go into both
    for lib, layer in layers.items():
        convert = ag.tensor if lib is ours else __import__("torch").tensor
        args = [convert(a) for a in inputs]
        call_kwargs = {k: _converted(v, convert) for k, v in kwargs.items()}
        try:
            if positional:
                layer(*args, **call_kwargs)
            else:
                layer(args if len(args) > 1 else args[0], **call_kwargs)
        except NotImplementedError as error:   # e.g. torch's QR (orthogonal initializer) has no float16 on the CPU
            if lib is ours:
                raise
            pytest.skip(f"Keras itself fails here: {error}")
    values = (weights or _seeded_weights)(layers[keras])
    layers[keras].set_weights(values)
    layers[ours].set_weights(values)
    assert [_dtype(w) for w in layers[ours].weights] == [_dtype(w.value) for w in layers[keras].weights], \
        "weight dtypes"
    k_outs, k_grads = _run(keras, layers[keras], inputs, None, kwargs, positional)
    cot = [_rng().standard_normal(tuple(o.shape)).astype(np.float32) for o in k_outs]
    k_outs, k_grads = _run(keras, layers[keras], inputs, cot, kwargs, positional)
    o_outs, o_grads = _run(ours, layers[ours], inputs, cot, kwargs, positional)
    assert [_dtype(o) for o in o_outs] == [_dtype(o) for o in k_outs], "output dtypes"
    for k, (a, b) in enumerate(zip(o_outs, k_outs)):
        a, b = _plain(a), _plain(b)
        if exact:
            np.testing.assert_array_equal(a, b, err_msg=f"output {k}")
        else:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"output {k}")
    assert len(o_grads) == len(k_grads)
    for k, (a, b) in enumerate(zip(o_grads, k_grads)):
        if b is None:
            assert a is None or np.allclose(_plain(a), 0), f"gradient {k}"
            continue
        assert a is not None, f"gradient {k}: ours has none"
        assert _dtype(a) == _dtype(b), f"gradient {k} dtype"
        np.testing.assert_allclose(_plain(a), _plain(b), rtol=grad_rtol, atol=grad_atol, err_msg=f"gradient {k}")
    return layers[keras], layers[ours]


def _x(*shape, scale=1.0):
    return (_rng().standard_normal(shape) * scale).astype(np.float32)


mixed = pytest.mark.parametrize("policy", POLICIES, indirect=True)
# float32 too: the same layers as plain Keras, to 1e-4 (the changes for 16 bits must not move them)
every = pytest.mark.parametrize("policy", POLICIES + SIXTEEN_BITS + ("float32",), indirect=True)


def _tolerances(policy):
    return {} if policy != "float32" else dict(rtol=1e-4, atol=1e-5, grad_rtol=1e-4, grad_atol=1e-5)


def _seeded_weights(layer):
    """Seeded random weights (the same in every run, unlike Keras's initializers) with gamma / variance / scale
    around 1 (positive variances); integer weights as they are."""
    out = []
    for w, v in zip(layer.get_weights(), layer.weights):
        if np.dtype(w.dtype).kind in "iub":
            out.append(w)
            continue
        value = _rng().standard_normal(w.shape) * 0.3
        if any(k in v.path for k in ("gamma", "variance", "scale")):
            value = np.abs(value) + 1.0
        out.append(value.astype(np.float32))
    return out


def _adapted(layer):
    """The statistics adapt computed (the same data in both libraries)."""
    return layer.get_weights()


_RI = "glorot_uniform"   # torch's QR (the orthogonal default) has no float16 on the CPU: Keras fails with it
CASES = {
    "Dense": (lambda k: k.layers.Dense(5, activation="relu"), lambda: _x(4, 6)),
    "EinsumDense": (lambda k: k.layers.EinsumDense("ab,bc->ac", output_shape=5, bias_axes="c"), lambda: _x(4, 6)),
    "Embedding": (lambda k: k.layers.Embedding(10, 4), lambda: np.array([[1, 2, 9], [0, 3, 3]], np.int32)),
    "Conv1D": (lambda k: k.layers.Conv1D(4, 3, padding="same", activation="tanh"), lambda: _x(2, 7, 3)),
    "Conv2D": (lambda k: k.layers.Conv2D(4, 3, strides=2), lambda: _x(2, 7, 7, 3)),
    "Conv3D": (lambda k: k.layers.Conv3D(2, 2), lambda: _x(2, 4, 4, 4, 2)),
    "Conv2DTranspose": (lambda k: k.layers.Conv2DTranspose(3, 3, strides=2), lambda: _x(2, 4, 4, 2)),
    "DepthwiseConv2D": (lambda k: k.layers.DepthwiseConv2D(3, depth_multiplier=2), lambda: _x(2, 5, 5, 3)),
    "SeparableConv2D": (lambda k: k.layers.SeparableConv2D(4, 3, padding="same"), lambda: _x(2, 5, 5, 3)),
    "MaxPooling2D": (lambda k: k.layers.MaxPooling2D(2), lambda: _x(2, 4, 4, 3)),
    "AveragePooling1D": (lambda k: k.layers.AveragePooling1D(2), lambda: _x(2, 6, 3)),
    "AveragePooling2D": (lambda k: k.layers.AveragePooling2D(2, padding="same"), lambda: _x(2, 5, 5, 3)),
    "GlobalAveragePooling2D": (lambda k: k.layers.GlobalAveragePooling2D(), lambda: _x(2, 5, 5, 3)),
    "GlobalMaxPooling1D": (lambda k: k.layers.GlobalMaxPooling1D(), lambda: _x(2, 5, 3)),
    "Dropout": (lambda k: k.layers.Dropout(0.5), lambda: _x(3, 4)),
    "Flatten": (lambda k: k.layers.Flatten(), lambda: _x(2, 3, 4)),
    "Reshape": (lambda k: k.layers.Reshape((4, 3)), lambda: _x(2, 3, 4)),
    "Activation": (lambda k: k.layers.Activation("gelu"), lambda: _x(3, 5)),
    "ReLU": (lambda k: k.layers.ReLU(max_value=1.0, negative_slope=0.1), lambda: _x(3, 5)),
    "Softmax": (lambda k: k.layers.Softmax(), lambda: _x(3, 5, scale=3)),
    "LeakyReLU": (lambda k: k.layers.LeakyReLU(0.2), lambda: _x(3, 5)),
    "PReLU": (lambda k: k.layers.PReLU(), lambda: _x(3, 5)),
    "ELU": (lambda k: k.layers.ELU(), lambda: _x(3, 5)),
    "BatchNormalization": (lambda k: k.layers.BatchNormalization(), lambda: _x(8, 5, scale=3)),
    "LayerNormalization": (lambda k: k.layers.LayerNormalization(), lambda: _x(4, 6, scale=3)),
    "GroupNormalization": (lambda k: k.layers.GroupNormalization(2), lambda: _x(3, 4, 6)),
    "RMSNormalization": (lambda k: k.layers.RMSNormalization(), lambda: _x(4, 6, scale=3)),
    "UnitNormalization": (lambda k: k.layers.UnitNormalization(), lambda: _x(4, 6, scale=3)),
    "SimpleRNN": (lambda k: k.layers.SimpleRNN(4, recurrent_initializer=_RI), lambda: _x(2, 5, 3)),
    "LSTM": (lambda k: k.layers.LSTM(4, return_sequences=True, recurrent_initializer=_RI), lambda: _x(2, 5, 3)),
    "GRU": (lambda k: k.layers.GRU(4, recurrent_initializer=_RI), lambda: _x(2, 5, 3)),
    "Bidirectional": (lambda k: k.layers.Bidirectional(k.layers.LSTM(3, recurrent_initializer=_RI)),
                      lambda: _x(2, 4, 3)),
    "ConvLSTM2D": (lambda k: k.layers.ConvLSTM2D(2, 3, padding="same", recurrent_initializer=_RI),
                   lambda: _x(2, 3, 5, 5, 2)),
    "MultiHeadAttention": (lambda k: k.layers.MultiHeadAttention(2, 4), lambda: (_x(2, 5, 6), _x(2, 4, 6))),
    "GroupQueryAttention": (lambda k: k.layers.GroupQueryAttention(4, 4, 2),
                            lambda: (_x(2, 5, 6), _x(2, 4, 6))),
    "Attention": (lambda k: k.layers.Attention(use_scale=True), lambda: [_x(2, 5, 4), _x(2, 3, 4)]),
    "AdditiveAttention": (lambda k: k.layers.AdditiveAttention(), lambda: [_x(2, 5, 4), _x(2, 3, 4)]),
    "TimeDistributed": (lambda k: k.layers.TimeDistributed(k.layers.Dense(3)), lambda: _x(2, 4, 5)),
    "Add": (lambda k: k.layers.Add(), lambda: [_x(2, 4), _x(2, 4)]),
    "Concatenate": (lambda k: k.layers.Concatenate(), lambda: [_x(2, 4), _x(2, 3)]),
    "Multiply": (lambda k: k.layers.Multiply(), lambda: [_x(2, 4), _x(2, 4)]),
    "Dot": (lambda k: k.layers.Dot(axes=1, normalize=True), lambda: [_x(2, 4), _x(2, 4)]),
    "Rescaling": (lambda k: k.layers.Rescaling(1 / 255.0, offset=-0.5),
                  lambda: (_rng().integers(0, 255, (2, 4, 4, 3))).astype(np.float32)),
    "Resizing": (lambda k: k.layers.Resizing(6, 5), lambda: _x(2, 4, 4, 3)),
    "CenterCrop": (lambda k: k.layers.CenterCrop(2, 3), lambda: _x(2, 4, 5, 3)),
    "Discretization": (lambda k: k.layers.Discretization(bin_boundaries=[-0.5, 0.0, 0.5]), lambda: _x(3, 4)),
    "CategoryEncoding": (lambda k: k.layers.CategoryEncoding(5, output_mode="multi_hot"),
                         lambda: np.array([[0, 1], [3, 4]], np.int32)),
    "Masking": (lambda k: k.layers.Masking(0.0), lambda: np.where(_x(2, 4, 3) > 0.5, 0.0, 1.5).astype(np.float32)),
}
# outputs that round exactly as Keras's in 16 bits (one rounding of the same float32 result, or none)
EXACT = {"Activation", "Add", "AveragePooling1D", "BatchNormalization", "CategoryEncoding", "CenterCrop",
         "Concatenate", "Discretization", "Dropout", "ELU", "Embedding", "Flatten", "GlobalAveragePooling2D",
         "GlobalMaxPooling1D", "Masking", "MaxPooling2D", "Multiply", "PReLU", "Rescaling", "Reshape"}
# sums of products: a float32 sum in another order may round the other way (one float16 ulp; bfloat16 two);
# and rsqrt (Dot's normalize, UnitNormalization): PyTorch's half-precision rsqrt rounds once from float32 in its
# vectorised loop, as deepgrad's does, but rounds the square root first in its scalar loop, which a tensor of
# fewer elements than a vector (these inputs) takes
ONE_ULP = {"Conv1D", "Conv2D", "Conv2DTranspose", "Conv3D", "Dense", "DepthwiseConv2D", "SeparableConv2D", "Dot",
           "UnitNormalization"}


@every
@pytest.mark.parametrize("case", sorted(CASES))
def test_each_layer_family_matches_keras_under_each_policy(policy, case):
    factory, make = CASES[case]
    tolerances = _tolerances(policy)
    if case in ONE_ULP and policy != "float32":
        bf16 = "bfloat16" in policy   # and torch's bfloat16 depthwise kernel loses ~1e-3 where sums cancel
        # atol: one float16 ulp at 1, the scale of these layers' terms (an output near 0 where terms cancel
        # carries their rounding, not its own)
        tolerances.update(rtol=2.0 ** -6 if bf16 else 2.0 ** -10, atol=2e-3 if bf16 else 2.0 ** -10)
        if case == "Dot":   # a dot product of two such unit vectors: their element roundings add up
            tolerances["rtol"] *= 4
    compare(factory, make(),
            exact=case in EXACT and policy != "float32",
            kwargs={"training": True} if case == "BatchNormalization" else None, **tolerances)


def _normalization(k):
    layer = k.layers.Normalization()
    layer.adapt(_x(20, 4, scale=3) + 1.0)
    return layer


_MASK = np.array([[True, True, True, False, False], [True, True, True, True, True]])
_KEYS_MASK = np.array([[True, True, False], [True, True, True]])
# (factory, inputs, call kwargs)
MORE_CASES = {
    "Softmax-mask": (lambda k: k.layers.Softmax(), lambda: _x(2, 5, scale=3), {"mask": _MASK}),
    "Softmax-axes": (lambda k: k.layers.Softmax(axis=(1, 2)), lambda: _x(2, 3, 4, scale=3), {}),
    "Normalization": (_normalization, lambda: _x(3, 4, scale=3), {}),
    "Normalization-invert": (lambda k: k.layers.Normalization(mean=1.0, variance=4.0, invert=True),
                             lambda: _x(3, 4), {}),
    "BatchNormalization-inference": (lambda k: k.layers.BatchNormalization(), lambda: _x(8, 5, scale=3), {}),
    "BatchNormalization-masked": (lambda k: k.layers.BatchNormalization(), lambda: _x(2, 5, 3, scale=3),
                                  {"mask": _MASK, "training": True}),
    "LayerNormalization-axes": (lambda k: k.layers.LayerNormalization(axis=(1, 2)), lambda: _x(2, 3, 4, scale=3), {}),
    "RNN-LSTMCell": (lambda k: k.layers.RNN(k.layers.LSTMCell(4, recurrent_initializer=_RI), return_sequences=True),
                     lambda: _x(2, 5, 3), {}),
    "RNN-cells-stack": (lambda k: k.layers.RNN([k.layers.GRUCell(3, recurrent_initializer=_RI),
                                                    k.layers.SimpleRNNCell(2, recurrent_initializer=_RI)]),
                        lambda: _x(2, 5, 3), {}),
    "LSTM-mask": (lambda k: k.layers.LSTM(4, return_sequences=True, return_state=True, recurrent_initializer=_RI),
                  lambda: _x(2, 5, 3), {"mask": _MASK}),
    "GRU-reset_after-false": (lambda k: k.layers.GRU(4, reset_after=False, go_backwards=True,
                                                     recurrent_initializer=_RI), lambda: _x(2, 5, 3), {}),
    "Bidirectional-GRU-sum": (lambda k: k.layers.Bidirectional(
        k.layers.GRU(3, return_sequences=True, recurrent_initializer=_RI), merge_mode="sum"), lambda: _x(2, 4, 3), {}),
    "MultiHeadAttention-masks": (lambda k: k.layers.MultiHeadAttention(2, 4, value_dim=3, output_shape=5),
                                 lambda: (_x(2, 3, 6), _x(2, 3, 6)),
                                 {"use_causal_mask": True,
                                  "attention_mask": np.array([[[1, 1, 0]] * 3, [[1, 1, 1]] * 3], bool)}),
    "MultiHeadAttention-row-masked": (lambda k: k.layers.MultiHeadAttention(2, 4), lambda: (_x(2, 3, 6), _x(2, 3, 6)),
                                      {"attention_mask": np.array([[[1, 1, 0], [0, 0, 0], [1, 0, 0]]] * 2, bool)}),
    "GroupQueryAttention-causal": (lambda k: k.layers.GroupQueryAttention(4, 4, 2),
                                   lambda: (_x(2, 3, 6), _x(2, 3, 6)), {"use_causal_mask": True}),
    "Attention-mask": (lambda k: k.layers.Attention(score_mode="concat"), lambda: [_x(2, 5, 4), _x(2, 3, 4)],
                       {"mask": [None, _KEYS_MASK], "use_causal_mask": False}),
    "Attention-causal": (lambda k: k.layers.Attention(), lambda: [_x(2, 3, 4), _x(2, 3, 4)],
                         {"use_causal_mask": True}),
    "Embedding-mask_zero": (lambda k: k.layers.Embedding(10, 4, mask_zero=True),
                            lambda: np.array([[1, 2, 0], [0, 3, 3]], np.int32), {}),
    "Discretization-one_hot": (lambda k: k.layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot"),
                               lambda: _x(3), {}),
    "CategoryEncoding-count": (lambda k: k.layers.CategoryEncoding(4, output_mode="count"),
                               lambda: np.array([[0, 1, 1], [3, 3, 3]], np.int32), {}),
    "Rescaling-int-vector": (lambda k: k.layers.Rescaling([0.5, 0.25, 2.0], offset=1.0),
                             lambda: _rng().integers(0, 255, (2, 3, 3)).astype(np.int32), {}),
    "CenterCrop-upsize": (lambda k: k.layers.CenterCrop(6, 6), lambda: _x(2, 4, 5, 3), {}),
    "Resizing-nearest-crop": (lambda k: k.layers.Resizing(3, 3, interpolation="nearest",
                                                          crop_to_aspect_ratio=True), lambda: _x(2, 4, 6, 3), {}),
    "Dense-3d": (lambda k: k.layers.Dense(3, activation="softmax"), lambda: _x(2, 4, 5), {}),
    "Conv1D-causal-dilated": (lambda k: k.layers.Conv1D(3, 2, padding="causal", dilation_rate=2),
                              lambda: _x(2, 7, 3), {}),
    "Conv2D-groups": (lambda k: k.layers.Conv2D(4, 3, groups=2, padding="same"), lambda: _x(2, 5, 5, 4), {}),
    "MaxPooling1D": (lambda k: k.layers.MaxPooling1D(2, padding="same"), lambda: _x(2, 5, 3), {}),
    "GlobalAveragePooling1D-mask": (lambda k: k.layers.GlobalAveragePooling1D(), lambda: _x(2, 5, 3),
                                    {"mask": _MASK}),
    "Conv1DTranspose": (lambda k: k.layers.Conv1DTranspose(2, 3, strides=2), lambda: _x(2, 4, 3), {}),
    "Conv3DTranspose": (lambda k: k.layers.Conv3DTranspose(2, 2), lambda: _x(2, 3, 3, 3, 2), {}),
    "ZeroPadding2D-Cropping": (lambda k: k.layers.ZeroPadding2D(1), lambda: _x(2, 3, 3, 2), {}),
    "Cropping1D": (lambda k: k.layers.Cropping1D(1), lambda: _x(2, 4, 2), {}),
    "UpSampling2D-bilinear": (lambda k: k.layers.UpSampling2D(2, interpolation="bilinear"), lambda: _x(2, 3, 3, 2),
                              {}),
    "RepeatVector": (lambda k: k.layers.RepeatVector(3), lambda: _x(2, 4), {}),
    "Permute": (lambda k: k.layers.Permute((2, 1)), lambda: _x(2, 3, 4), {}),
    "Subtract": (lambda k: k.layers.Subtract(), lambda: [_x(2, 4), _x(2, 4)], {}),
    "Minimum": (lambda k: k.layers.Minimum(), lambda: [_x(2, 4), _x(2, 4)], {}),
    "GaussianNoise-inference": (lambda k: k.layers.GaussianNoise(0.3), lambda: _x(2, 4), {}),
    "SpatialDropout1D-inference": (lambda k: k.layers.SpatialDropout1D(0.3), lambda: _x(2, 4, 3), {}),
    "Identity": (lambda k: k.layers.Identity(), lambda: _x(2, 4), {}),
    "GlobalMaxPooling3D": (lambda k: k.layers.GlobalMaxPooling3D(), lambda: _x(2, 3, 3, 3, 2), {}),
    "Activation-softplus-selu": (lambda k: k.layers.Activation("selu"), lambda: _x(3, 5, scale=3), {}),
    "Activation-log_softmax": (lambda k: k.layers.Activation("log_softmax"), lambda: _x(3, 5, scale=3), {}),
    "MaxPooling3D": (lambda k: k.layers.MaxPooling3D(2), lambda: _x(2, 4, 4, 4, 2), {}),
    "Subtract-Average-Maximum": (lambda k: k.layers.Average(), lambda: [_x(2, 4), _x(2, 4), _x(2, 4)], {}),
    "Dot-axes": (lambda k: k.layers.Dot(axes=(2, 2)), lambda: [_x(2, 3, 4), _x(2, 5, 4)], {}),
    "LayerNormalization-no-center": (lambda k: k.layers.LayerNormalization(center=False, rms_scaling=True),
                                     lambda: _x(4, 6, scale=3), {}),
    "Activation-softmax": (lambda k: k.layers.Activation("softmax"), lambda: _x(3, 5, scale=4), {}),
    "Activation-swish-sigmoid": (lambda k: k.layers.Activation("swish"), lambda: _x(3, 5, scale=4), {}),
    "TimeDistributed-Conv2D": (lambda k: k.layers.TimeDistributed(k.layers.Conv2D(2, 2)),
                               lambda: _x(2, 3, 4, 4, 2), {}),
}
TRAINING_CASES = {"BatchNormalization-inference": False}


@every
@pytest.mark.parametrize("case", sorted(MORE_CASES))
def test_more_layer_settings_match_keras_under_each_policy(policy, case):
    factory, make, kwargs = MORE_CASES[case]
    kwargs = dict(kwargs)
    # the key bias's gradient is zero but for rounding (softmax ignores a shift): bfloat16 noise of a few 1e-2
    tolerances = _tolerances(policy)
    if "Attention" in case and policy == "bfloat16":
        tolerances["grad_atol"] = 6e-2
    compare(factory, make(), kwargs=kwargs, **tolerances,
            weights=_adapted if case.startswith("Normalization") else None)


_M = {"dtype": "mixed_float16"}
# a policy given to one layer (no global policy): composite layers pass it on, or not, as Keras's do
LAYER_POLICY_CASES = {
    "MultiHeadAttention": (lambda k: k.layers.MultiHeadAttention(2, 3, **_M), lambda: (_x(2, 4, 3), _x(2, 4, 3))),
    "GroupQueryAttention": (lambda k: k.layers.GroupQueryAttention(2, 4, 2, **_M),
                            lambda: (_x(2, 4, 3), _x(2, 4, 3))),
    "RNN-cell-float32": (lambda k: k.layers.RNN(k.layers.LSTMCell(3, recurrent_initializer=_RI), **_M),
                         lambda: _x(2, 4, 3)),
    "RNN-cell-mixed": (lambda k: k.layers.RNN(k.layers.LSTMCell(3, recurrent_initializer=_RI, **_M)),
                       lambda: _x(2, 4, 3)),
    "ConvLSTM2D": (lambda k: k.layers.ConvLSTM2D(2, 3, recurrent_initializer=_RI, **_M), lambda: _x(2, 3, 5, 5, 2)),
    "Bidirectional-wrapper": (lambda k: k.layers.Bidirectional(k.layers.LSTM(3, recurrent_initializer=_RI), **_M),
                              lambda: _x(2, 4, 3)),
    "Bidirectional-inner": (lambda k: k.layers.Bidirectional(k.layers.GRU(3, recurrent_initializer=_RI, **_M)),
                            lambda: _x(2, 4, 3)),
    "TimeDistributed-wrapper": (lambda k: k.layers.TimeDistributed(k.layers.Dense(2), **_M), lambda: _x(2, 4, 3)),
    "TimeDistributed-inner": (lambda k: k.layers.TimeDistributed(k.layers.Dense(2, **_M)), lambda: _x(2, 4, 3)),
    "SeparableConv2D": (lambda k: k.layers.SeparableConv2D(2, 3, **_M), lambda: _x(2, 5, 5, 3)),
    "BatchNormalization": (lambda k: k.layers.BatchNormalization(**_M), lambda: _x(6, 3, scale=3)),
}


@pytest.mark.parametrize("case", sorted(LAYER_POLICY_CASES))
def test_a_policy_given_to_one_layer_matches_keras(case):
    factory, make = LAYER_POLICY_CASES[case]
    compare(factory, make())


@mixed
@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "RNN-GRUCell"])
def test_stateful_recurrent_layers_keep_float32_states_and_run_in_16_bits(policy, kind):
    """The first chunk matches Keras; the states are float32 Variables and the second chunk equals the last
    step of one run over both chunks. (Keras 3.15 itself never updates the states of a stateful RNN under a
    mixed policy: its second chunk starts from zeros again, a bug not copied here.)"""
    keras = real_keras()
    import torch
    x = _x(2, 4, 3)

    def make(lib, stateful):
        if kind == "RNN-GRUCell":
            return lib.layers.RNN(lib.layers.GRUCell(3), stateful=stateful)
        return getattr(lib.layers, kind)(3, stateful=stateful)
    theirs, mine, whole = make(keras, True), make(ours, True), make(ours, False)
    theirs(torch.tensor(x))
    mine(ag.tensor(x))
    whole(ag.tensor(x))
    values = _seeded_weights(theirs)
    for layer in (theirs, mine, whole):
        layer.set_weights(values)
    theirs.reset_state()
    mine.reset_state()
    first = mine(ag.tensor(x))
    assert _dtype(first) == policy[6:]
    np.testing.assert_allclose(_plain(first), _plain(theirs(torch.tensor(x))), rtol=2e-2, atol=2e-2)
    assert [_dtype(state) for state in mine.states] == ["float32"] * len(mine.states)
    second = mine(ag.tensor(x))
    # the same in float16; within a bfloat16 rounding (the whole-sequence matmul blocks its sums otherwise)
    np.testing.assert_allclose(_plain(second), _plain(whole(ag.tensor(np.concatenate([x, x], axis=1)))),
                               rtol=0 if policy == "mixed_float16" else 1e-2, atol=0)


def _model_dense(k):
    inputs = k.Input((6,))
    h = k.layers.Dense(8, activation="relu")(inputs)
    h = k.layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c", activation="tanh")(h)
    return inputs, k.layers.PReLU()(h)


def _model_conv2d(k):
    inputs = k.Input((8, 8, 2))
    h = k.layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    h = k.layers.BatchNormalization()(h)
    h = k.layers.MaxPooling2D(2)(h)
    h = k.layers.SeparableConv2D(4, 3, padding="same")(h)
    h = k.layers.DepthwiseConv2D(3, padding="same")(h)
    h = k.layers.Conv2DTranspose(2, 2, strides=2)(h)
    h = k.layers.AveragePooling2D(2)(h)
    return inputs, k.layers.GlobalAveragePooling2D()(h)


def _model_conv_1d_3d(k):
    inputs = k.Input((4, 4, 4, 1))
    h = k.layers.Conv3D(2, 2, activation="elu")(inputs)
    h = k.layers.Reshape((9, 6))(h)
    h = k.layers.Conv1D(3, 2)(h)
    h = k.layers.GroupNormalization(3)(h)
    return inputs, k.layers.Flatten()(h)


def _model_recurrent(k):
    inputs = k.Input((5, 3))
    h = k.layers.LSTM(4, return_sequences=True, recurrent_initializer=_RI)(inputs)
    h = k.layers.Bidirectional(k.layers.GRU(3, return_sequences=True, recurrent_initializer=_RI))(h)
    h = k.layers.TimeDistributed(k.layers.Dense(2))(h)
    return inputs, k.layers.SimpleRNN(3, recurrent_initializer=_RI)(h)


def _model_conv_lstm(k):
    inputs = k.Input((3, 5, 5, 1))
    h = k.layers.ConvLSTM2D(2, 3, padding="same", recurrent_initializer=_RI)(inputs)
    return inputs, k.layers.GlobalMaxPooling2D()(h)


def _model_attention(k):
    inputs = k.Input((5,), dtype="int32")
    h = k.layers.Embedding(12, 6)(inputs)
    h = k.layers.Add()([h, k.layers.MultiHeadAttention(2, 3)(h, h)])
    h = k.layers.LayerNormalization()(h)
    g = k.layers.GroupQueryAttention(2, 4, 1)(h, h)
    a = k.layers.Attention()([h, g])
    b = k.layers.AdditiveAttention()([h, g])
    h = k.layers.Concatenate()([k.layers.Multiply()([a, b]), k.layers.RMSNormalization()(h)])
    h = k.layers.Softmax()(h)
    return inputs, k.layers.GlobalAveragePooling1D()(h)


def _model_preprocessing(k):
    inputs = k.Input((6, 6, 2))
    h = k.layers.Rescaling(0.5, offset=0.1)(inputs)
    h = k.layers.Resizing(4, 4)(h)
    h = k.layers.CenterCrop(3, 3)(h)
    h = k.layers.Flatten()(h)
    h = k.layers.UnitNormalization()(h)
    h = k.layers.Dense(4, activation="softmax")(h)
    h = k.layers.Dot(axes=1)([h, h])
    return inputs, k.layers.Activation("gelu")(k.layers.LeakyReLU(0.1)(k.layers.ReLU(max_value=2.0)(h)))


MODELS = {"dense": (_model_dense, (6,)), "conv2d": (_model_conv2d, (8, 8, 2)),
          "conv1d-conv3d": (_model_conv_1d_3d, (4, 4, 4, 1)), "recurrent": (_model_recurrent, (5, 3)),
          "conv_lstm": (_model_conv_lstm, (3, 5, 5, 1)), "attention": (_model_attention, "tokens"),
          "preprocessing": (_model_preprocessing, (6, 6, 2))}


def _model_weights(model):
    values = []
    for w, v in zip(model.get_weights(), model.weights):
        value = _rng().standard_normal(w.shape) * 0.3
        if "gamma" in v.path or "variance" in v.path or v.path.endswith("scale"):
            value = np.abs(value) + 1.0
        values.append(value.astype(w.dtype) if w.dtype.kind != "f" else value.astype(np.float32))
    return values


@pytest.mark.parametrize("policy, optimizer", [("mixed_float16", "sgd"), ("mixed_float16", "adam"),
                                               ("mixed_bfloat16", "sgd")], indirect=["policy"])
@pytest.mark.parametrize("family", sorted(MODELS))
def test_a_small_model_per_family_fits_as_keras_under_a_mixed_policy(policy, family, optimizer):
    """Losses per epoch, evaluate, the dynamic loss scale (mixed_float16: some families overflow float16 and
    halve it) and predictions, from the same starting weights."""
    keras = real_keras()
    build, shape = MODELS[family]
    x = (_rng().integers(0, 12, (32, 5)).astype(np.int32) if shape == "tokens" else _x(32, *shape))
    y = _x(32, 1)
    models = {}
    for lib in (keras, ours):
        inputs, h = build(lib)
        outputs = lib.layers.Dense(1, dtype="float32")(h)   # the usual float32 output layer
        models[lib] = lib.Model(inputs, outputs)
    values = _model_weights(models[keras])
    history = {}
    for lib, model in models.items():
        model.set_weights(values)
        opt = lib.optimizers.SGD(0.05) if optimizer == "sgd" else lib.optimizers.Adam(1e-3)
        model.compile(opt, "mse")
        scaled = policy == "mixed_float16"
        assert (type(model.optimizer).__name__ == "LossScaleOptimizer") == scaled
        history[lib] = model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False).history["loss"]
        history[lib].append(model.evaluate(x, y, verbose=0))
        if scaled:
            history[lib].append(float(np.asarray(model.optimizer.dynamic_scale.numpy())))
        predicted = model.predict(x[:8], verbose=0)
        assert predicted.dtype == np.float32
        history[lib].extend(predicted.ravel().tolist())
    np.testing.assert_allclose(history[ours], history[keras], rtol=2e-2, atol=2e-2)
