"""Symbolic calls take a layer's output shape from its class's shape rule (nn/keras/static_shapes.py) instead of
running it on zeros. Each rule must give what running the layer gives (shape and dtype, mixed policies included),
Keras's compute_output_shape for inputs with unknown sizes, and models built with the rules must equal models
built by running every layer (same summary, same weights)."""
import numpy as np
import pytest

import autograd as ag
from nn import keras
from nn.keras import static_shapes
from nn.keras.symbolic import KerasTensor, flatten

from .oracle import real_keras

L = keras.layers

# (layer class name, constructor arguments, input shape without the batch axis); a None size is unknown
CASES = [
    ("Conv2D", dict(filters=4, kernel_size=3), (9, 10, 3)),
    ("Conv2D", dict(filters=4, kernel_size=(3, 2), strides=2, padding="same"), (9, 10, 3)),
    ("Conv2D", dict(filters=4, kernel_size=3, strides=(2, 3)), (11, 10, 3)),
    ("Conv2D", dict(filters=4, kernel_size=3, dilation_rate=2, padding="same"), (9, 10, 3)),
    ("Conv2D", dict(filters=4, kernel_size=3, dilation_rate=(2, 1)), (9, 10, 3)),
    ("Conv2D", dict(filters=4, kernel_size=3, strides=2, data_format="channels_first"), (3, 9, 10)),
    ("Conv2D", dict(filters=6, kernel_size=1, groups=3, activation="relu"), (5, 5, 6)),
    ("Conv2D", dict(filters=4, kernel_size=3, strides=2, padding="same"), (None, None, 3)),
    ("Conv1D", dict(filters=4, kernel_size=3, strides=2), (11, 3)),
    ("Conv1D", dict(filters=4, kernel_size=3, padding="causal", dilation_rate=2), (11, 3)),
    ("Conv1D", dict(filters=4, kernel_size=4, strides=3, padding="same", data_format="channels_first"), (3, 11)),
    ("Conv1D", dict(filters=4, kernel_size=3), (None, 3)),
    ("Conv3D", dict(filters=2, kernel_size=2, strides=(1, 2, 2), padding="same"), (4, 5, 6, 2)),
    ("Conv3D", dict(filters=2, kernel_size=(2, 3, 1), data_format="channels_first"), (2, 4, 5, 6)),
    ("Conv2DTranspose", dict(filters=3, kernel_size=3, strides=2), (4, 5, 2)),
    ("Conv2DTranspose", dict(filters=3, kernel_size=3, strides=2, padding="same"), (4, 5, 2)),
    ("Conv2DTranspose", dict(filters=3, kernel_size=4, strides=2, padding="same", output_padding=1), (4, 5, 2)),
    ("Conv2DTranspose", dict(filters=3, kernel_size=3, dilation_rate=2, data_format="channels_first"), (2, 4, 5)),
    ("Conv2DTranspose", dict(filters=3, kernel_size=2, strides=2), (None, None, 2)),
    ("Conv1DTranspose", dict(filters=3, kernel_size=3, strides=3, padding="valid", output_padding=1), (6, 2)),
    ("Conv3DTranspose", dict(filters=2, kernel_size=2, strides=2, padding="same"), (2, 3, 4, 2)),
    ("DepthwiseConv2D", dict(kernel_size=3, strides=2, depth_multiplier=2), (9, 8, 3)),
    ("DepthwiseConv2D", dict(kernel_size=3, padding="same", data_format="channels_first"), (3, 9, 8)),
    ("DepthwiseConv2D", dict(kernel_size=3, dilation_rate=2), (None, None, 3)),
    ("DepthwiseConv1D", dict(kernel_size=3, strides=2, padding="same"), (9, 3)),
    ("SeparableConv2D", dict(filters=5, kernel_size=3, strides=2, padding="same", depth_multiplier=2), (9, 8, 3)),
    ("SeparableConv1D", dict(filters=5, kernel_size=2, dilation_rate=3), (12, 3)),
    ("MaxPooling2D", dict(), (9, 8, 3)),
    ("MaxPooling2D", dict(pool_size=3, strides=2, padding="same"), (9, 8, 3)),
    ("AveragePooling2D", dict(pool_size=(2, 3), strides=1, data_format="channels_first"), (3, 9, 8)),
    ("AveragePooling2D", dict(pool_size=2), (None, None, 3)),
    ("MaxPooling1D", dict(pool_size=3, padding="same"), (10, 4)),
    ("AveragePooling1D", dict(pool_size=2, strides=1), (10, 4)),
    ("MaxPooling3D", dict(pool_size=2, padding="same"), (3, 5, 4, 2)),
    ("AveragePooling3D", dict(pool_size=(1, 2, 2), data_format="channels_first"), (2, 3, 5, 4)),
    ("GlobalAveragePooling2D", dict(), (5, 6, 3)),
    ("GlobalMaxPooling2D", dict(keepdims=True, data_format="channels_first"), (3, 5, 6)),
    ("GlobalAveragePooling2D", dict(keepdims=True), (None, None, 3)),
    ("GlobalAveragePooling1D", dict(), (7, 3)),
    ("GlobalMaxPooling1D", dict(keepdims=True), (None, 3)),
    ("GlobalAveragePooling3D", dict(keepdims=True), (2, 3, 4, 5)),
    ("GlobalMaxPooling3D", dict(data_format="channels_first"), (2, 3, 4, 5)),
    ("AdaptiveAveragePooling2D", dict(output_size=(2, 3)), (8, 9, 3)),
    ("AdaptiveMaxPooling1D", dict(output_size=3, data_format="channels_first"), (3, 9)),
    ("ZeroPadding2D", dict(padding=((1, 2), (0, 3))), (4, 5, 3)),
    ("ZeroPadding2D", dict(padding=2, data_format="channels_first"), (3, 4, 5)),
    ("ZeroPadding1D", dict(padding=(2, 1)), (None, 3)),
    ("ZeroPadding3D", dict(padding=1), (2, 3, 4, 2)),
    ("Cropping2D", dict(cropping=((1, 0), (2, 1))), (6, 7, 3)),
    ("Cropping1D", dict(cropping=(1, 2)), (8, 3)),
    ("Cropping3D", dict(cropping=1, data_format="channels_first"), (2, 4, 5, 6)),
    ("UpSampling2D", dict(size=(2, 3)), (4, 5, 3)),
    ("UpSampling2D", dict(size=2, interpolation="bilinear", data_format="channels_first"), (3, 4, 5)),
    ("UpSampling1D", dict(size=3), (None, 3)),
    ("UpSampling3D", dict(size=2), (2, 3, 4, 2)),
    ("Dense", dict(units=7, activation="softmax"), (5,)),
    ("Dense", dict(units=7), (4, 5)),
    ("Dense", dict(units=7), (None, 5)),
    ("EinsumDense", dict(equation="ab,bc->ac", output_shape=6, bias_axes="c"), (5,)),
    ("EinsumDense", dict(equation="abc,cd->abd", output_shape=(None, 6)), (4, 5)),
    ("BatchNormalization", dict(), (4, 5, 3)),
    ("BatchNormalization", dict(axis=1), (3, None)),
    ("LayerNormalization", dict(axis=(1, 2)), (4, 5)),
    ("GroupNormalization", dict(groups=2), (4, 6)),
    ("UnitNormalization", dict(axis=1), (4, 5)),
    ("RMSNormalization", dict(), (4, 5)),
    ("Normalization", dict(mean=2.0, variance=4.0), (4, 5)),
    ("Activation", dict(activation="tanh"), (4, 5)),
    ("ReLU", dict(max_value=6.0), (None, 5)),
    ("LeakyReLU", dict(), (4, 5)),
    ("ELU", dict(), (4,)),
    ("PReLU", dict(shared_axes=[1]), (4, 5)),
    ("Softmax", dict(axis=1), (4, 5)),
    ("Dropout", dict(rate=0.5), (4, 5)),
    ("SpatialDropout2D", dict(rate=0.5), (4, 5, 3)),
    ("GaussianNoise", dict(stddev=0.1), (4,)),
    ("GaussianDropout", dict(rate=0.1), (4,)),
    ("AlphaDropout", dict(rate=0.1), (4,)),
    ("ActivityRegularization", dict(l1=0.1), (4,)),
    ("Rescaling", dict(scale=1 / 255, offset=-1.0), (4, 5, 3)),
    ("Identity", dict(), (4, 5)),
    ("Flatten", dict(), (4, 5, 3)),
    ("Flatten", dict(data_format="channels_first"), (3, 4, 5)),
    ("Flatten", dict(), (None, 3)),
    ("Reshape", dict(target_shape=(5, -1)), (4, 5, 3)),
    ("Reshape", dict(target_shape=(60,)), (4, 5, 3)),
    ("Reshape", dict(target_shape=(-1, 2)), (None, 4)),
    ("Permute", dict(dims=(2, 1)), (4, 5)),
    ("Permute", dict(dims=(3, 1, 2)), (4, None, 6)),
    ("RepeatVector", dict(n=3), (5,)),
]

# the merges take two inputs: (class name, arguments, first input shape, second input shape)
MERGE_CASES = [
    ("Add", dict(), (4, 5), (4, 5)),
    ("Add", dict(), (4, 5), (1, 5)),
    ("Subtract", dict(), (None, 5), (None, 5)),
    ("Multiply", dict(), (4, 1), (4, 5)),
    ("Average", dict(), (3, 4, 5), (3, 4, 5)),
    ("Maximum", dict(), (None, 1), (None, 6)),
    ("Minimum", dict(), (4, 5), (4, 5)),
    ("Concatenate", dict(), (4, 5), (4, 3)),
    ("Concatenate", dict(axis=1), (4, 5), (2, 5)),
    ("Concatenate", dict(axis=1), (None, 5), (2, 5)),
    ("Dot", dict(axes=(2, 1)), (3, 4), (4, 5)),
    ("Dot", dict(axes=-1, normalize=True), (6,), (6,)),
    ("Dot", dict(axes=(1, 1)), (3, None), (3, 2)),
]


def _layer(name, arguments, **extra):
    return getattr(L, name)(**arguments, **extra)


def _symbolic(name, arguments, shapes, probe=False, dtype=None):
    """(output KerasTensor, layer) of a fresh layer called on Inputs of `shapes` (a list for several inputs)."""
    keras.utils.set_random_seed(3)
    layer = _layer(name, arguments, **({"dtype": dtype} if dtype else {}))
    inputs = [keras.Input(s) for s in shapes]
    called = inputs if len(inputs) > 1 else inputs[0]
    if probe:
        with static_shapes.probe_only():
            return layer(called), layer
    return layer(called), layer


def _filled(shape, size):
    return tuple(size if n is None else n for n in shape)


def _ran(layer, shapes, size):
    """The output shape of running `layer` on arrays of `shapes` (None sizes filled with `size`), batch 2."""
    arrays = [ag.tensor(np.random.default_rng(0).uniform(0.5, 1.5, (2,) + _filled(s, size)).astype(np.float32))
              for s in shapes]
    out = layer(arrays if len(arrays) > 1 else arrays[0])
    return (None,) + tuple(out.shape[1:])


def _check(name, arguments, shapes):
    out, layer = _symbolic(name, arguments, shapes)
    assert static_shapes.rule_for(type(layer)) is not None
    if all(None not in s for s in shapes):
        probed, _ = _symbolic(name, arguments, shapes, probe=True)
        assert (out.shape, out.dtype, out.mask_shape) == (probed.shape, probed.dtype, probed.mask_shape)
    # every size the rule knows is the size running the layer gives, whatever the unknown sizes are (a None may
    # also be Keras's answer for a known input: EinsumDense's output_shape entry None)
    for size in (12, 13, 17):
        ran = _ran(layer, shapes, size)
        assert len(ran) == len(out.shape)
        assert all(a is None or a == b for a, b in zip(out.shape, ran)), (out.shape, ran)
        if all(None not in s for s in shapes):
            break
    return out


@pytest.mark.parametrize("name,arguments,shape", CASES, ids=[f"{c[0]}-{k}" for k, c in enumerate(CASES)])
def test_rule_gives_the_shape_running_the_layer_gives(name, arguments, shape):
    out = _check(name, arguments, [shape])
    theirs = real_keras() if _keras_importable() else None
    if theirs is not None:
        assert out.shape == tuple(_layer_of(theirs, name, arguments).compute_output_shape((None,) + shape))


@pytest.mark.parametrize("name,arguments,first,second", MERGE_CASES,
                         ids=[f"{c[0]}-{k}" for k, c in enumerate(MERGE_CASES)])
def test_merge_rule_gives_the_shape_running_the_layer_gives(name, arguments, first, second):
    out = _check(name, arguments, [first, second])
    if _keras_importable():
        theirs = _layer_of(real_keras(), name, arguments)
        assert out.shape == tuple(theirs.compute_output_shape([(None,) + first, (None,) + second]))


def _keras_importable():
    try:
        real_keras()
    except pytest.skip.Exception:
        return False
    return True


def _layer_of(keras_module, name, arguments):
    layer = getattr(keras_module.layers, name)(**arguments)
    return layer


def test_unknown_sizes_stay_unknown_where_the_probe_guessed_one():
    # running on zeros at two sizes (32, 33) found 16 for both after a 2x2 pooling; Keras's answer is None
    out = keras.layers.MaxPooling2D()(keras.Input((None, None, 3)))
    assert out.shape == (None, None, None, 3)


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16", "float64"])
@pytest.mark.parametrize("name,arguments,shape", [
    ("Conv2D", dict(filters=4, kernel_size=3), (9, 10, 3)),
    ("Dense", dict(units=3), (5,)),
    ("BatchNormalization", dict(), (4, 3)),
    ("LayerNormalization", dict(), (4, 3)),
    ("Normalization", dict(mean=2.0, variance=4.0), (4, 5)),
    ("Rescaling", dict(scale=0.5), (4, 3)),
    ("Softmax", dict(), (4, 3)),
    ("Flatten", dict(), (4, 3)),
    ("GlobalAveragePooling2D", dict(), (5, 6, 3)),
    ("Dropout", dict(rate=0.2), (4,)),
])
def test_rule_outputs_have_the_dtype_running_gives(policy, name, arguments, shape):
    out, layer = _symbolic(name, arguments, [shape], dtype=policy)
    probed, _ = _symbolic(name, arguments, [shape], probe=True, dtype=policy)
    assert (out.shape, out.dtype) == (probed.shape, probed.dtype)
    x = ag.tensor(np.ones((2,) + shape, np.float32))
    assert out.dtype == keras.backend.standardize_dtype(layer(x).dtype)


def test_embedding_ids_and_masks():
    ids = keras.Input((5,), dtype="int32")
    out = L.Embedding(10, 4)(ids)
    with static_shapes.probe_only():
        probed = L.Embedding(10, 4)(ids)
    assert (out.shape, out.dtype, out.mask_shape) == (probed.shape, probed.dtype, probed.mask_shape) == \
        ((None, 5, 4), "float32", None)
    masked = L.Embedding(10, 4, mask_zero=True)(ids)   # a mask: the layer runs, as before
    assert masked.mask_shape == (None, 5)
    assert L.Dense(3)(masked).mask_shape == (None, 5)


def test_lambda_takes_its_output_shape_as_keras():
    x = keras.Input((4, 6))
    assert L.Lambda(lambda t: t[:, 0], output_shape=(6,))(x).shape == (None, 6)
    assert L.Lambda(lambda t: t[:, 0], output_shape=lambda s: (s[0], s[2]))(x).shape == (None, 6)
    assert L.Lambda(lambda t: t[:, 0])(x).shape == (None, 6)   # no output_shape: the function runs

    def unrunnable(t):
        raise RuntimeError("a symbolic call with an output_shape does not run the function")
    assert L.Lambda(unrunnable, output_shape=(3,))(x).shape == (None, 3)
    if _keras_importable():
        assert real_keras().layers.Lambda(unrunnable, output_shape=(3,))(real_keras().Input((4, 6))).shape == \
            (None, 3)


def test_a_subclass_and_a_user_activation_run_the_layer():
    class Doubled(L.Dense):
        def call(self, inputs):
            return ag.cat([super().call(inputs)] * 2, dim=-1)

    x = keras.Input((5,))
    assert Doubled(3)(x).shape == (None, 6)
    assert L.Dense(3, activation=lambda t: t.sum(dim=-1, keepdim=True))(x).shape == (None, 1)


def test_bad_inputs_raise_the_layers_own_errors():
    with pytest.raises(Exception) as expected:
        with static_shapes.probe_only():
            L.Conv2D(2, 5)(keras.Input((3, 3, 1)))
    with pytest.raises(type(expected.value)):
        L.Conv2D(2, 5)(keras.Input((3, 3, 1)))
    conv = L.Conv2D(2, 3)
    conv(keras.Input((8, 8, 3)))
    with pytest.raises(ValueError):
        conv(keras.Input((8, 8, 4)))
    with pytest.raises(ValueError):
        L.Add()([keras.Input((4,)), keras.Input((5,))])
    with pytest.raises(ValueError):
        L.Reshape((7,))(keras.Input((4,)))


def _summary(model):
    lines = []
    model.summary(print_fn=lambda text, **kwargs: lines.append(text))
    return "\n".join(lines)


def _built_twice(build):
    """(summary, weights, output shapes) of the model `build` makes, with the rules and with the probe only."""
    found = []
    for probe in (False, True):
        keras.backend.clear_session()
        keras.utils.set_random_seed(7)
        if probe:
            with static_shapes.probe_only():
                model = build()
        else:
            model = build()
        found.append((_summary(model), [w.name for w in model.weights], [np.asarray(w) for w in model.weights],
                      [[(k.shape, k.dtype) for k in flatten(layer.output)] for layer in model.layers]))
    return found


def _small_cnn():
    inputs = keras.Input((24, 24, 3))
    x = L.Rescaling(1 / 255)(inputs)
    x = L.Conv2D(8, 3, strides=2, padding="same", use_bias=False)(x)
    x = L.BatchNormalization()(x)
    x = L.ReLU(6.0)(x)
    y = L.DepthwiseConv2D(3, padding="same")(x)
    y = L.SeparableConv2D(8, 3, padding="same", activation="swish")(y)
    x = L.Add()([x, y])
    x = L.ZeroPadding2D(1)(x)
    x = L.MaxPooling2D(3, strides=2)(x)
    z = L.Conv2DTranspose(4, 2, strides=2)(x)
    z = L.Cropping2D(1)(z)
    x = L.Concatenate()([L.GlobalAveragePooling2D()(z), L.GlobalMaxPooling2D()(x)])
    x = L.Dropout(0.2)(x)
    x = L.Reshape((3, 4))(x)
    x = L.LayerNormalization()(x)
    x = L.Flatten()(x)
    return keras.Model(inputs, L.Dense(5, activation="softmax")(x))


def _small_cnn_mixed():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        return _small_cnn()
    finally:
        keras.mixed_precision.set_global_policy("float32")


def _transfer():
    base = keras.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3), alpha=0.35, include_top=False)
    inputs = keras.Input((32, 32, 3))
    x = base(inputs, training=False)   # a functional model on inputs shaped as its own: its outputs' shapes
    return keras.Model(inputs, L.Dense(2)(L.GlobalAveragePooling2D()(x)))


def _nested_outputs():
    inner_inputs = [keras.Input((6,)), keras.Input((4,))]
    joined = L.Concatenate()(inner_inputs)
    inner = keras.Model(inner_inputs, {"b": L.Dense(3, dtype="mixed_float16")(joined), "a": L.Dense(2)(joined)})
    outer_inputs = [keras.Input((6,)), keras.Input((4,))]
    outs = inner(outer_inputs)
    other = inner([outer_inputs[0], L.Dense(4)(outer_inputs[1])])
    return keras.Model(outer_inputs, [outs["a"], L.Add()([outs["b"], other["b"]])])


@pytest.mark.parametrize("build", [
    _small_cnn,
    _small_cnn_mixed,
    _transfer,
    _nested_outputs,
    lambda: keras.Sequential([keras.Input((20, 3)), L.Conv1D(4, 3, padding="causal"), L.MaxPooling1D(),
                              L.Conv1D(4, 3), L.GlobalAveragePooling1D(), L.Dense(3)]),
    lambda: keras.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3), alpha=0.35, classes=4),
    lambda: keras.Sequential([keras.Input((8, 8, 3), batch_size=4), L.Conv2D(2, 3), L.UpSampling2D(),
                              L.Permute((3, 1, 2)), L.Flatten(), L.RepeatVector(2), L.Dense(3)]),
], ids=["cnn", "cnn-mixed-float16", "transfer", "nested", "sequential-1d", "mobilenetv2", "fixed-batch"])
def test_models_built_with_rules_equal_models_built_by_running_layers(build):
    (summary, names, weights, shapes), (probed_summary, probed_names, probed_weights, probed_shapes) = \
        _built_twice(build)
    assert summary == probed_summary
    assert names == probed_names and shapes == probed_shapes
    for ours, probed in zip(weights, probed_weights):
        np.testing.assert_array_equal(ours, probed)


def test_a_functional_model_on_other_inputs_runs_its_layers():
    inner_input = keras.Input((None, 3))
    inner = keras.Model(inner_input, L.GlobalMaxPooling1D()(L.Conv1D(4, 3)(inner_input)))
    assert static_shapes.static_outputs(inner, (keras.Input((None, 3)),), {}).shape == (None, 4)
    assert static_shapes.static_outputs(inner, (keras.Input((8, 3)),), {}) is None
    assert inner(keras.Input((8, 3))).shape == (None, 4)
    assert static_shapes.static_outputs(inner, (keras.Input((None, 3), dtype="float64"),), {}) is None


def test_compute_output_shape_uses_the_rule():
    layer = L.Conv2D(4, 3, strides=2)
    assert layer.compute_output_shape((None, 9, 9, 3)) == (None, 4, 4, 4)
    assert isinstance(layer(keras.Input((9, 9, 3))), KerasTensor)


def test_the_applications_own_layers_have_rules():
    from nn.keras.applications.convnext import LayerScale
    from nn.keras.applications.inception_resnet_v2 import CustomScaleLayer
    x, y = keras.Input((5, 6, 4)), keras.Input((5, 6, 4))
    for make, inputs in [(lambda: CustomScaleLayer(0.2), [x, y]), (lambda: LayerScale(1e-6, 4), x)]:
        out = make()(inputs)
        with static_shapes.probe_only():
            probed = make()(inputs)
        assert static_shapes.rule_for(type(out.node.layer)) is not None
        assert (out.shape, out.dtype) == (probed.shape, probed.dtype) == ((None, 5, 6, 4), "float32")
