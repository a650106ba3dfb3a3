"""keras.ops' control flow (cond, switch, while_loop, fori_loop, scan, map, vectorized_map, associative_scan,
custom_gradient), rearrange and the sub-namespaces against real Keras 3 on the torch backend: the same results and
gradients through the user's functions."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import real_keras
from .ops_compare import check_against_keras

RNG = np.random.default_rng(7)


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


X, W, SEQ = rand(3, 4), rand(4, 4), rand(5, 2, 3)

CASES = {
    "cond_true": (lambda o, x: o.cond(o.sum(x) > -100, lambda: o.tanh(x), lambda: x * 2), [X]),
    "cond_false_tensor": (lambda o, x: o.cond(o.max(x) > 100, lambda: o.tanh(x), lambda: x * 2), [X]),
    "switch": (lambda o, x: o.switch(1, [lambda v: v * 3, lambda v: o.exp(v)], x), [X]),
    "switch_clipped": (lambda o, x: o.switch(7, [lambda v: v * 3, lambda v: o.sin(v)], x), [X]),
    "while_loop": (lambda o, x: o.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, o.tanh(o.matmul(v, W))),
                                             (0, x))[1], [X]),
    "while_loop_single_max": (lambda o, x: o.while_loop(lambda v: o.sum(v) < 1e9, lambda v: v * 1.5, x,
                                                        maximum_iterations=4), [X]),
    "fori_loop": (lambda o, x: o.fori_loop(0, 4, lambda i, v: v * 0.5 + o.sin(v) * i, x), [X]),
    "scan": (lambda o, x: o.scan(lambda c, v: (c + v, c * v), o.zeros((2, 3)), x), [SEQ]),
    "scan_reverse_structures": (
        lambda o, x: o.scan(lambda c, v: ((c[0] * v["a"], c[1] + 1.0), {"y": o.tanh(c[0])}),
                            (o.ones((2, 3)), o.zeros(())), {"a": x}, reverse=True), [SEQ]),
    "scan_length": (lambda o, x: o.scan(lambda c, _: (c * 0.9, c), x, length=3), [X]),
    "map": (lambda o, x: o.map(lambda v: o.sum(v * v, axis=-1), x), [SEQ]),
    "map_structure": (lambda o, x: o.map(lambda d: d["p"] * d["q"], {"p": x, "q": o.tanh(x)}), [SEQ]),
    "vectorized_map": (lambda o, x: o.vectorized_map(lambda v: o.matmul(v, W[:3]), x), [SEQ]),
    "associative_scan_sum": (lambda o, x: o.associative_scan(lambda a, b: a + b, x), [SEQ]),
    "associative_scan_max_axis1": (lambda o, x: o.associative_scan(lambda a, b: o.maximum(a, b), x, axis=1),
                                   [SEQ]),
    "associative_scan_reverse_product": (lambda o, x: o.associative_scan(lambda a, b: a * b, x, reverse=True),
                                         [SEQ]),
    "associative_scan_pairs": (
        lambda o, a, b: o.associative_scan(lambda p, q: (p[0] * q[0], p[1] * q[0] + q[1]), (a, b)),
        [rand(6, 2), rand(6, 2)]),
    "rearrange_merge": (lambda o, x: o.rearrange(x, "b h w c -> b (h w) c"), [rand(2, 3, 4, 5)]),
    "rearrange_split": (lambda o, x: o.rearrange(x, "b (h1 h2) w c -> b h1 h2 w c", h1=2), [rand(2, 6, 4, 3)]),
    "rearrange_transpose": (lambda o, x: o.rearrange(x, "b h w c -> c b w h"), [rand(2, 3, 4, 5)]),
    "rearrange_patches": (lambda o, x: o.rearrange(x, "b (h p1) (w p2) c -> b h w (p1 p2 c)", p1=2, p2=2),
                          [rand(1, 4, 6, 3)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras_values_and_gradients(name):
    fn, inputs = CASES[name]
    check_against_keras(fn, inputs)


def _log1pexp(o):
    @o.custom_gradient
    def log1pexp(x):
        e = o.exp(x)

        def grad(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            return o.multiply(upstream, 1.0 - 1.0 / o.add(1, e))
        return o.log(1 + e), grad
    return log1pexp


def test_custom_gradient_matches_keras():
    check_against_keras(lambda o, x: _log1pexp(o)(x * 30), [X])


def test_custom_gradient_replaces_the_backward():
    @ours.ops.custom_gradient
    def doubled_grad(x, y):
        def grad(*args, upstream=None):
            return upstream * 2.0, None
        return x * y, grad
    x, y = ag.tensor(X, requires_grad=True), ag.tensor(W[:3], requires_grad=True)
    doubled_grad(x, y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2.0)
    assert y.grad is None


def test_rearrange_with_an_ellipsis_and_unit_axes():
    # einops's meaning; Keras 3's rearrange refuses '...' and '1'
    x = rand(2, 6, 4, 3)
    np.testing.assert_allclose(ours.ops.rearrange(x, "b ... c -> b c ...").numpy(), x.transpose(0, 3, 1, 2))
    assert tuple(ours.ops.rearrange(x, "... c -> (...) c").shape) == (48, 3)
    assert tuple(ours.ops.rearrange(x, "b h w c -> b h w c 1").shape) == (2, 6, 4, 3, 1)
    assert tuple(ours.ops.rearrange(x[:, :1], "b 1 w c -> b w c").shape) == (2, 4, 3)


def test_namespaces_hold_keras_names():
    keras = real_keras()
    for name in ("nn", "linalg", "image", "numpy"):
        theirs = {n for n in dir(getattr(keras.ops, name)) if not n.startswith("_")}
        mine = set(dir(getattr(ours.ops, name)))
        missing = theirs - mine - {"jvp", "vectorize", "elastic_transform", "extract_patches",
                                   "extract_patches_3d", "gaussian_blur", "map_coordinates", "perspective_transform",
                                   "scale_and_translate", "sobel_edges", "ssim"}
        assert not missing, f"keras.ops.{name} lacks {sorted(missing)}"
        if name == "numpy":
            assert not mine - theirs - {"slogdet"}, f"keras.ops.numpy has extra {sorted(mine - theirs)}"
    assert ours.ops.core.scan is ours.ops.scan and ours.ops.numpy.add is ours.ops.add
    with pytest.raises(AttributeError, match="keras.ops.numpy has no function 'relu'"):
        ours.ops.numpy.relu


def test_numpy_namespace_sees_functions_added_to_ops_later():
    def late_function(x):
        """A function added to keras.ops after import."""
        return x
    late_function.__module__ = ours.ops.__name__
    ours.ops.late_function = late_function
    try:
        assert ours.ops.numpy.late_function is late_function
    finally:
        del ours.ops.late_function


BAD = {
    "cond on many values": (lambda: ours.ops.cond(np.ones(3), lambda: 1, lambda: 2), "single value"),
    "switch without branches": (lambda: ours.ops.switch(0, []), "at least one"),
    "scan without xs or length": (lambda: ours.ops.scan(lambda c, x: (c, x), 0.0), "xs to scan over"),
    "scan unroll": (lambda: ours.ops.scan(lambda c, x: (c, x), 0.0, X, unroll=0), "unroll"),
    "scan not callable": (lambda: ours.ops.scan(3, 0.0, X), "f must be callable"),
    "associative_scan sizes": (lambda: ours.ops.associative_scan(lambda a, b: a, (X, W)), "same size"),
    "custom_gradient result": (lambda: ours.ops.custom_gradient(lambda x: x)(X), "return \\(output, grad_fn\\)"),
    "rearrange arrow": (lambda: ours.ops.rearrange(X, "a b c"), "one '->'"),
    "rearrange names": (lambda: ours.ops.rearrange(X, "a b -> a c"), "same axes"),
    "rearrange split": (lambda: ours.ops.rearrange(X, "(a b) c -> a b c"), "more than one unknown"),
    "rearrange size": (lambda: ours.ops.rearrange(X, "(a b) c -> a b c", a=2), "does not split"),
    "rearrange rank": (lambda: ours.ops.rearrange(X, "a b c -> c b a"), "names 3 axes"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_gets_a_clear_error(name):
    fn, message = BAD[name]
    with pytest.raises((ValueError, TypeError), match=message):
        fn()
