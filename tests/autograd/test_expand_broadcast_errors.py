"""Errors of expand, broadcast_to and index_put's values name the op, both shapes and the dim that cannot be
broadcast (expand(1, 3) of a (2, 3) tensor passed NumPy's broadcast_shapes check and failed with a generic
"shapes do not broadcast" from inside; index_put blamed broadcast_to); the valid cases still match PyTorch."""
import numpy as np
import pytest

import autograd as ag


@pytest.mark.parametrize("make,match", [
    (lambda: ag.ones(2, 3).expand(1, 3), r"expand: cannot broadcast the tensor of shape Size\(\[2, 3\]\) to \(1, 3\): "
                                         r"dim 0 has size 2 where the target has 1; only dims of size 1"),
    (lambda: ag.ones(2, 3).expand(4, 3), r"expand: .*dim 0 has size 2 where the target has 4"),
    (lambda: ag.ones(2, 3).broadcast_to((3,)), r"broadcast_to: .*to \(3,\): the target has fewer dims"),
    (lambda: ag.broadcast_to(ag.ones(3), (2, 2)), r"broadcast_to: .*dim 1 has size 3 where the target has 2"),
    (lambda: ag.zeros(3, 2).index_put_((ag.tensor([0, 1]),), ag.ones(3), accumulate=True),
     r"index_put: cannot broadcast values of shape Size\(\[3\]\) to \(2, 2\)"),
])
def test_bad_broadcasts_name_the_op_shapes_and_dim(make, match):
    with pytest.raises(ag.errors.ShapeError, match=match):
        make()


@pytest.mark.parametrize("shape,sizes", [((1, 3), (2, -1, 3)), ((3,), (2, 3)), ((), (2, 2)), ((2, 1), (2, 0))])
def test_valid_expands_match_pytorch_with_gradients(shape, sizes):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal(shape)
    ours, theirs = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    a, b = ours.expand(*sizes), theirs.expand(*sizes)
    assert tuple(a.shape) == tuple(b.shape)
    (a * 2).sum().backward()
    (b * 2).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy())
    if a.numel():
        assert ag.autograd.gradcheck(lambda t: t.expand(*sizes) ** 2, (ag.tensor(x, requires_grad=True),))
