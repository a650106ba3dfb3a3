"""keras.ops against real Keras 3's keras.ops on the torch backend: same values (and dtypes' kinds), and gradients
flowing through the differentiable ones."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(3)
A = RNG.standard_normal((3, 4)).astype(np.float32)
B = RNG.standard_normal((4, 5)).astype(np.float32)
C = RNG.standard_normal((3, 4)).astype(np.float32)
P = np.abs(A) + 0.5
T3 = RNG.standard_normal((2, 3, 4)).astype(np.float32)
T3B = RNG.standard_normal((5, 4, 2)).astype(np.float32)
IDX = np.array([[0, 3, -1], [2, 2, 1]])
LABELS = np.array([0, 2, 1, -1, 3])

CASES = {
    "matmul": lambda o: o.matmul(A, B),
    "erf": lambda o: o.erf(A),
    "dot_2d": lambda o: o.dot(A, B),
    "dot_vector": lambda o: o.dot(A, B[:, 0]),
    "add": lambda o: o.add(A, C),
    "add_scalar": lambda o: o.add(A, 2.0),
    "subtract": lambda o: o.subtract(A, C[0]),
    "multiply": lambda o: o.multiply(A, C),
    "divide": lambda o: o.divide(A, P),
    "divide_ints": lambda o: o.divide(np.array([3, 4]), np.array([2, 8])),
    "power": lambda o: o.power(P, 1.5),
    "sqrt": lambda o: o.sqrt(P),
    "exp": lambda o: o.exp(A),
    "log": lambda o: o.log(P),
    "abs": lambda o: o.abs(A),
    "square": lambda o: o.square(A),
    "mean_axis": lambda o: o.mean(T3, axis=(0, 2)),
    "mean_all": lambda o: o.mean(A),
    "sum_keepdims": lambda o: o.sum(T3, axis=1, keepdims=True),
    "max": lambda o: o.max(A, axis=0),
    "min_all": lambda o: o.min(A),
    "argmax": lambda o: o.argmax(A, axis=1),
    "argmax_flat": lambda o: o.argmax(A),
    "argmin": lambda o: o.argmin(A, axis=0),
    "clip": lambda o: o.clip(A, -0.5, 0.5),
    "where": lambda o: o.where(A > 0, A, C),
    "where_scalar": lambda o: o.where(A > 0, A, 0.0),
    "concatenate": lambda o: o.concatenate([A, C], axis=1),
    "stack": lambda o: o.stack([A, C], axis=1),
    "reshape": lambda o: o.reshape(T3, (4, -1)),
    "transpose": lambda o: o.transpose(T3),
    "transpose_axes": lambda o: o.transpose(T3, (1, 0, 2)),
    "expand_dims": lambda o: o.expand_dims(A, 1),
    "expand_dims_negative": lambda o: o.expand_dims(A, -1),
    "squeeze": lambda o: o.squeeze(A[:, None, :1]),
    "squeeze_axis": lambda o: o.squeeze(A[:, None, :], axis=1),
    "cast": lambda o: o.cast(A * 3, "int32"),
    "ones": lambda o: o.ones((2, 3)),
    "zeros": lambda o: o.zeros((2,), dtype="int32"),
    "ones_like": lambda o: o.ones_like(A),
    "zeros_like": lambda o: o.zeros_like(A, dtype="float32"),
    "softmax": lambda o: o.softmax(A),
    "softmax_axis": lambda o: o.softmax(T3, axis=1),
    "sigmoid": lambda o: o.sigmoid(A),
    "relu": lambda o: o.relu(A),
    "tanh": lambda o: o.tanh(A),
    "log_softmax": lambda o: o.log_softmax(A, axis=0),
    "logsumexp": lambda o: o.logsumexp(A * 30, axis=1),
    "logsumexp_all": lambda o: o.logsumexp(A),
    "maximum": lambda o: o.maximum(A, C),
    "minimum_scalar": lambda o: o.minimum(A, 0.1),
    "equal": lambda o: o.equal(np.array([1, 2, 3]), np.array([1, 0, 3])),
    "not_equal": lambda o: o.not_equal(A, 0),
    "greater": lambda o: o.greater(A, C),
    "less": lambda o: o.less(A, 0.2),
    "one_hot": lambda o: o.one_hot(LABELS, 4),
    "one_hot_axis": lambda o: o.one_hot(LABELS[:4], 4, axis=0),
    "take": lambda o: o.take(A, IDX, axis=1),
    "take_flat": lambda o: o.take(A, np.abs(IDX) * 3),
    "take_along_axis": lambda o: o.take_along_axis(A, np.array([[0], [3], [-1]]), axis=1),
    "norm": lambda o: o.norm(A),
    "norm_axis": lambda o: o.norm(A, axis=1),
    "norm_ord1": lambda o: o.norm(A, ord=1, axis=0),
    "norm_inf": lambda o: o.norm(A[0], ord=np.inf),
    "cumsum": lambda o: o.cumsum(A, axis=1),
    "cumsum_flat": lambda o: o.cumsum(A),
    "flip": lambda o: o.flip(A, axis=0),
    "flip_all": lambda o: o.flip(T3),
    "tile": lambda o: o.tile(A, (2, 1)),
    "tile_short": lambda o: o.tile(A, 2),
    "tile_long": lambda o: o.tile(A, (2, 1, 3)),
    "repeat": lambda o: o.repeat(A, 2, axis=0),
    "repeat_flat": lambda o: o.repeat(A, 2),
    "arange": lambda o: o.arange(5),
    "arange_float": lambda o: o.arange(0.5, 3.0, 0.5),
    "linspace": lambda o: o.linspace(0.0, 1.0, 5),
    "linspace_open": lambda o: o.linspace(0.0, 1.0, 4, endpoint=False),
    "stop_gradient": lambda o: o.stop_gradient(o.convert_to_tensor(A)),
    "shape": lambda o: o.shape(T3),
    "convert_to_numpy": lambda o: o.convert_to_numpy(o.convert_to_tensor(A)),
    "sort": lambda o: o.sort(A),
    "sort_axis": lambda o: o.sort(T3, axis=0),
    "argsort": lambda o: o.argsort(A, axis=0),
    "top_k_values": lambda o: o.top_k(A, 2)[0],
    "top_k_indices": lambda o: o.top_k(A, 3)[1],
    "tril": lambda o: o.tril(A),
    "triu_k": lambda o: o.triu(T3, k=1),
    "eye": lambda o: o.eye(3),
    "eye_rect": lambda o: o.eye(3, 4, k=1, dtype="int32"),
    "identity": lambda o: o.identity(3),
    "full": lambda o: o.full((2, 3), 1.5),
    "full_int": lambda o: o.full((2,), 7),
    "full_like": lambda o: o.full_like(A, 2.0),
    "round": lambda o: o.round(A * 3),
    "round_decimals": lambda o: o.round(A, decimals=2),
    "mod": lambda o: o.mod(A * 3, P),
    "mod_ints": lambda o: o.mod(np.array([7, -7, 5]), 3),
    "floor_divide": lambda o: o.floor_divide(A * 3, P),
    "floor_divide_ints": lambda o: o.floor_divide(np.array([7, -7, 5]), np.array([2, 2, -3])),
    "sign": lambda o: o.sign(A),
    "nan_to_num": lambda o: o.nan_to_num(np.array([1.0, np.nan, np.inf, -np.inf], np.float32), posinf=9.0),
    "isinf": lambda o: o.isinf(np.array([1.0, np.nan, np.inf, -np.inf], np.float32)),
    "logical_and": lambda o: o.logical_and(A > 0, C > 0),
    "logical_or": lambda o: o.logical_or(A > 0, C > 0),
    "logical_not": lambda o: o.logical_not(A > 0),
    "any": lambda o: o.any(A > 1, axis=0),
    "all_keepdims": lambda o: o.all(A > -2, axis=1, keepdims=True),
    "count_nonzero": lambda o: o.count_nonzero(np.array([[0, 1, 2], [0, 0, 3]])),
    "count_nonzero_axis": lambda o: o.count_nonzero(np.array([[0, 1, 2], [0, 0, 3]]), axis=0),
    "diag_vector": lambda o: o.diag(A[0], k=1),
    "diag_matrix": lambda o: o.diag(A, k=-1),
    "diagonal": lambda o: o.diagonal(T3, offset=1, axis1=1, axis2=2),
    "trace": lambda o: o.trace(A),
    "outer": lambda o: o.outer(A[0], C[:, 1]),
    "vstack": lambda o: o.vstack([A, C]),
    "hstack": lambda o: o.hstack([A, C]),
    "split": lambda o: o.stack(o.split(A, 2, axis=1)),
    "split_indices": lambda o: o.split(T3, [1, 3], axis=2)[1],
    "unstack": lambda o: o.unstack(o.convert_to_tensor(T3), axis=1)[2],
    "roll": lambda o: o.roll(A, 2, axis=1),
    "roll_flat": lambda o: o.roll(A, -3),
    "pad": lambda o: o.pad(A, ((1, 0), (0, 2))),
    "pad_value": lambda o: o.pad(T3, ((1, 1), (0, 0), (2, 0)), constant_values=2.5),
    "clip_ints": lambda o: o.clip(np.array([1, 5, 9]), 2, 6),
    "average": lambda o: o.average(A, axis=1),
    "average_weights": lambda o: o.average(A, axis=1, weights=np.array([1.0, 2.0, 3.0, 0.5], np.float32)),
    "average_all": lambda o: o.average(A),
    "cumprod": lambda o: o.cumprod(A, axis=0),
    "cumprod_flat": lambda o: o.cumprod(P),
    "prod": lambda o: o.prod(P, axis=1),
    "max_keepdims": lambda o: o.max(T3, axis=(0, 2), keepdims=True),
    "min_keepdims": lambda o: o.min(A, axis=1, keepdims=True),
    "matmul_batched": lambda o: o.matmul(T3, T3B.transpose(0, 1, 2)[:2, :, :]),
    "matmul_broadcast": lambda o: o.matmul(T3, B),
    "segment_sum": lambda o: o.segment_sum(A, np.array([0, 2, 0])),
    "segment_sum_num": lambda o: o.segment_sum(A, np.array([1, 1, 0]), num_segments=3),
    "size": lambda o: o.size(T3),               # a custom metric's count, e.g. ops.cast(ops.size(x), "float32")
    "ndim": lambda o: o.ndim(T3),
}


def _numpy(value):
    if isinstance(value, tuple):
        return np.asarray(value)
    if isinstance(value, ag.Tensor):
        return value.numpy()
    import torch
    return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_matches_keras_ops(name):
    keras = real_keras()
    theirs, mine = _numpy(CASES[name](keras.ops)), _numpy(CASES[name](ours.ops))
    assert mine.shape == theirs.shape, name
    assert mine.dtype.kind == theirs.dtype.kind, (name, mine.dtype, theirs.dtype)
    np.testing.assert_allclose(mine.astype(np.float64), theirs.astype(np.float64), rtol=1e-5, atol=1e-6,
                               err_msg=name)


def test_dot_of_n_d_operands_is_numpys():
    # Keras documents NumPy's dot; its torch backend runs torch.matmul, which refuses these shapes
    np.testing.assert_allclose(ours.ops.dot(T3, T3B).numpy(), np.dot(T3, T3B), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.ops.dot(2.0, A).numpy(), 2 * A)


def test_take_of_the_flattened_tensor_counts_negative_indices_from_its_end():
    # NumPy's (and Keras's JAX backend's) meaning; Keras's torch backend shifts by the first axis's size instead
    np.testing.assert_allclose(ours.ops.take(A, IDX).numpy(), np.take(A, IDX))


def test_gradients_flow_through_ops_as_in_keras():
    keras = real_keras()
    import torch

    def loss(o, x, y):
        h = o.tanh(o.matmul(x, y))
        h = o.concatenate([o.softmax(h), o.square(o.take(h, np.array([0, 2]), axis=1))], axis=1)
        return o.mean(o.logsumexp(h, axis=1)) + o.sum(o.norm(o.clip(h, -0.3, 0.3), axis=0))
    xt, yt = torch.tensor(A, requires_grad=True), torch.tensor(B, requires_grad=True)
    loss(keras.ops, xt, yt).backward()
    xo, yo = ag.tensor(A, requires_grad=True), ag.tensor(B, requires_grad=True)
    loss(ours.ops, xo, yo).backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(yo.grad.numpy(), yt.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_ops_in_a_custom_layer_and_loss_train_as_keras():
    keras = real_keras()

    def build(K):
        class Gate(K.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(shape=(input_shape[-1], 2), initializer="glorot_uniform", name="w")

            def call(self, inputs):
                scores = K.ops.matmul(inputs, self.w)
                return K.ops.sigmoid(scores) * K.ops.expand_dims(K.ops.max(inputs, axis=-1), -1)

        def loss(y_true, y_pred):
            return K.ops.mean(K.ops.square(K.ops.subtract(y_true, y_pred)), axis=-1)
        model = K.Sequential([K.Input((4,)), Gate(), K.layers.Dense(1)])
        model.compile(optimizer=K.optimizers.SGD(0.05), loss=loss)
        return model
    x, y = RNG.standard_normal((16, 4)).astype(np.float32), RNG.standard_normal((16, 1)).astype(np.float32)
    theirs, mine = build(keras), build(ours)
    mine.set_weights(theirs.get_weights())
    kw = dict(epochs=3, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_allclose(mine.fit(x, y, **kw).history["loss"], theirs.fit(x, y, **kw).history["loss"],
                               rtol=1e-5)


def test_average_with_weights_shaped_like_x_is_numpys():
    # Keras's torch backend mis-broadcasts these weights; NumPy (and Keras's JAX backend) give these values
    np.testing.assert_allclose(ours.ops.average(A, weights=P).numpy(), np.average(A, weights=P), rtol=1e-5)
    np.testing.assert_allclose(ours.ops.average(A, axis=0, weights=P).numpy(), np.average(A, axis=0, weights=P),
                               rtol=1e-5)


def test_pad_with_an_int_pads_every_axis_as_numpy():
    np.testing.assert_allclose(ours.ops.pad(T3, 1, constant_values=2.5).numpy(),
                               np.pad(T3, 1, constant_values=2.5))
