"""PyTorch fidelity, round 2: grad_fn names, ctx.mark_dirty, legacy Function calls, the per-thread
`with device:` scope and the 0-norm, each checked against PyTorch itself."""
import threading

import numpy as np
import pytest

import autograd as ag
import nn.functional as AF

torch = pytest.importorskip("torch")
TF = pytest.importorskip("torch.nn.functional")

#: expressions written once against (lib, F, x) for a 3x3 float64 x that requires grad
_EXPRESSIONS = {
    "rsub": lambda t, F, x: 1 - x,
    "sub_scalar": lambda t, F, x: x - 1,
    "rdiv": lambda t, F, x: 2 / x,
    "rpow": lambda t, F, x: 2 ** x,
    "clamp": lambda t, F, x: x.clamp(-0.5, 0.5),
    "clamp_min_kw": lambda t, F, x: x.clamp(min=0.1),
    "clamp_max_kw": lambda t, F, x: x.clamp(max=0.1),
    "clamp_min": lambda t, F, x: t.clamp_min(x, 0.1),
    "clamp_max": lambda t, F, x: x.clamp_max(0.1),
    "clamp_tensor": lambda t, F, x: x.clamp(x * 0, x * 0 + 0.5),
    "clip": lambda t, F, x: t.clip(x, -1, 1),
    "mm": lambda t, F, x: x.mm(x.t()),
    "bmm": lambda t, F, x: x[None].bmm(x.t()[None]),
    "mv": lambda t, F, x: x.mv(x[0]),
    "dot": lambda t, F, x: x[0].dot(x[1]),
    "matmul_2_2": lambda t, F, x: x @ x.t(),
    "matmul_2_1": lambda t, F, x: x @ x[0],
    "matmul_1_2": lambda t, F, x: x[0] @ x,
    "matmul_1_1": lambda t, F, x: x[0] @ x[1],
    "matmul_3_3": lambda t, F, x: x[None] @ x.t()[None],
    "matmul_3_2": lambda t, F, x: x[None].expand(2, 3, 3) @ x,
    "matmul_2_3": lambda t, F, x: x @ x[None].expand(2, 3, 3),
    "matmul_3_1": lambda t, F, x: x[None].expand(2, 3, 3) @ x[0],
    "matmul_1_3": lambda t, F, x: x[0] @ x[None].expand(2, 3, 3),
    "conv1d": lambda t, F, x: F.conv1d(x[None], x[:, :, None]),
    "conv2d": lambda t, F, x: F.conv2d(x[None, None], x[None, None, :2, :2]),
    "conv_transpose2d": lambda t, F, x: F.conv_transpose2d(x[None, None], x[None, None, :2, :2]),
    "conv3d": lambda t, F, x: F.conv3d(x[None, None, None].expand(1, 1, 2, 3, 3), x[None, None, None, :2, :2]),
    "logsumexp": lambda t, F, x: x.logsumexp(0),
    "logsumexp_dims": lambda t, F, x: t.logsumexp(x, dim=(0, 1)),
    "pad_constant": lambda t, F, x: F.pad(x, (1, 1)),
    "pad_crop": lambda t, F, x: F.pad(x, (-1, 0)),
    "pad_reflect1d": lambda t, F, x: F.pad(x[None], (1, 1), mode="reflect"),
    "pad_reflect2d": lambda t, F, x: F.pad(x[None, None], (1, 1, 1, 1), mode="reflect"),
    "pad_replicate1d": lambda t, F, x: F.pad(x[None], (1, 2), mode="replicate"),
    "pad_replicate2d": lambda t, F, x: F.pad(x[None, None], (1, 1, 2, 0), mode="replicate"),
    "roll": lambda t, F, x: x.roll(1, 0),
    "roll_flat": lambda t, F, x: x.roll(1),
    "roll_dims": lambda t, F, x: t.roll(x, (1, 2), (0, 1)),
    "tril": lambda t, F, x: x.tril(),
    "triu": lambda t, F, x: x.triu(1),
    "unbind": lambda t, F, x: x.unbind(0)[0],
    "unbind_dim1": lambda t, F, x: x.unbind(1)[2],
    "reshape_same": lambda t, F, x: x.reshape(3, 3),
    "view_same": lambda t, F, x: x.view(3, 3),
    "reshape_other": lambda t, F, x: x.reshape(9),
    "sum": lambda t, F, x: x.sum(),
    "sum_dim": lambda t, F, x: x.sum(0),
    "prod": lambda t, F, x: x.prod(),
    "prod_dim": lambda t, F, x: x.prod(0),
    "trace": lambda t, F, x: x.trace(),
    "T": lambda t, F, x: x.T,
    "split_int": lambda t, F, x: x.split(2)[1],
    "split_sizes": lambda t, F, x: x.split([1, 2])[1],
    "tensor_split": lambda t, F, x: t.tensor_split(x, 2)[0],
    "norm0": lambda t, F, x: x.norm(0),
    "vector_norm0": lambda t, F, x: t.linalg.vector_norm(x, 0),
}


def _x(lib):
    return lib.tensor(np.arange(9.0).reshape(3, 3) / 10 + 0.1, requires_grad=True)


@pytest.mark.parametrize("name", list(_EXPRESSIONS))
def test_grad_fn_names_are_pytorchs(name):
    fn = _EXPRESSIONS[name]
    want, got = fn(torch, TF, _x(torch)), fn(ag, AF, _x(ag))
    assert got.grad_fn.name() == want.grad_fn.name()
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-12)


def test_matmul_names_follow_which_operand_requires_grad():
    shapes = {1: (3,), 2: (3, 3), 3: (2, 3, 3)}
    for ra in (1, 2, 3):
        for rb in (1, 2, 3):
            for grads in ((True, True), (True, False), (False, True)):
                names = []
                for lib in (torch, ag):
                    a = lib.ones(shapes[ra], dtype=lib.float64, requires_grad=grads[0])
                    b = lib.ones(shapes[rb], dtype=lib.float64, requires_grad=grads[1])
                    names.append((a @ b).grad_fn.name())
                assert names[1] == names[0], (ra, rb, grads)


def test_reshape_to_the_same_shape_is_a_new_view_and_flatten_of_1d_is_the_input():
    for lib in (torch, ag):
        x = lib.ones(3, 2)
        same = x.reshape(3, 2)
        assert same is not x and same.shape == x.shape
        same[0, 0] = 5.0
        assert x[0, 0].item() == 5.0
        v = lib.ones(4)
        assert v.flatten() is v


def test_scalar_reflected_ops_keep_their_gradients():
    grads = []
    for lib in (torch, ag):
        x = _x(lib)
        ((1 - x) * (2 / x) + 2 ** x).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12)


def _inplace_classes(lib):
    class Inplace(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            x.mul_(2)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class Two(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.mark_dirty(x)
            x.add_(y)
            return x, y * 2

        @staticmethod
        def backward(ctx, g1, g2):
            return g1, g1 + 2 * g2

    class NotReturned(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            x.add_(1)
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g

    return Inplace, Two, NotReturned


def test_mark_dirty_returns_the_input_itself_as_the_functions_output():
    results = []
    for lib in (torch, ag):
        Inplace, Two, _ = _inplace_classes(lib)
        a = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        b = a * 1
        c = Inplace.apply(b)
        assert c is b
        assert b.grad_fn.name() == "InplaceBackward"
        assert type(b.grad_fn).__name__ == "InplaceBackward"
        (c * c).sum().backward()
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        y = lib.tensor([3.0, 4.0], dtype=lib.float64, requires_grad=True)
        xx = x.clone()
        o1, o2 = Two.apply(xx, y)
        assert o1 is xx and xx.grad_fn.name() == "TwoBackward"
        (o1 * 3 + o2).sum().backward()
        plain = lib.tensor([1.0, 3.0])
        out = Inplace.apply(plain)
        assert out is plain and out.grad_fn is None
        results.append([a.grad.numpy(), c.detach().numpy(), x.grad.numpy(), y.grad.numpy(), plain.numpy()])
    for got, want in zip(results[1], results[0]):
        np.testing.assert_allclose(got, want)


def test_mark_dirty_errors_are_pytorchs():
    for lib in (torch, ag):
        Inplace, _, NotReturned = _inplace_classes(lib)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been used in an in-place"):
            Inplace.apply(lib.tensor([1.0], requires_grad=True))
        with pytest.raises(RuntimeError, match="marked as dirty during the forward method were not returned"):
            NotReturned.apply(lib.tensor([1.0], requires_grad=True) * 1)


def test_calling_an_instance_is_the_legacy_error_and_nodes_are_named_backward():
    for lib in (torch, ag):
        class NewStyle(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

        x = lib.ones(2, requires_grad=True)
        with pytest.warns(DeprecationWarning, match="should not be instantiated"):
            fn = NewStyle()
        with pytest.raises(RuntimeError, match="Legacy autograd function with non-static forward method"):
            fn(x)
        node = NewStyle.apply(x).grad_fn
        assert type(node).__name__ == "NewStyleBackward" and node.name() == "NewStyleBackward"
        assert node._forward_cls is NewStyle


def test_device_scope_is_per_thread():
    for lib in (torch, ag):
        seen = []
        with lib.device("meta"):
            inside = lib.empty(2).device
            thread = threading.Thread(target=lambda: seen.append(lib.empty(2).device))
            thread.start()
            thread.join()
        # another thread sees the default device: PyTorch's cpu, deepgrad's (cpu, or numba under DEEPGRAD_DEVICE)
        assert str(inside) == "meta" and str(seen[0]) == ("cpu" if lib is torch else str(ag.get_default_device()))


@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": 0, "keepdim": True}])
def test_zero_norm_counts_nonzeros_without_gradient(kwargs):
    values = np.array([[0.0, 1.0, -2.0], [0.0, 0.0, 3.0]])
    outs, grads = [], []
    for lib in (torch, ag):
        x = lib.tensor(values, requires_grad=True)
        norm = x.norm(0, **kwargs)
        vector = lib.linalg.vector_norm(x, 0, **kwargs)
        (norm.sum() + vector.sum() + (x * x).sum()).backward()
        outs.append((norm.detach().numpy(), vector.detach().numpy(), lib.norm(x, p=0, **kwargs).detach().numpy()))
        grads.append(x.grad.numpy())
    for got, want in zip(outs[1], outs[0]):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(grads[1], grads[0])


@pytest.mark.parametrize("call", [
    lambda m, x: m.sum(x, ()), lambda m, x: m.sum(x, (), keepdim=True), lambda m, x: m.mean(x, []),
    lambda m, x: m.var(x, ()), lambda m, x: m.std(x, ()), lambda m, x: m.nansum(x, ()),
    lambda m, x: m.count_nonzero(x, ()), lambda m, x: m.linalg.vector_norm(x, dim=(), keepdim=True),
    lambda m, x: x.norm(dim=()), lambda m, x: x.norm(p=1, dim=()), lambda m, x: m.any(x, ()),
    lambda m, x: m.amax(x, ())])
def test_an_empty_dim_tuple_reduces_as_in_pytorch(call):
    """dim=() means every dim for sum, mean, var, std, count_nonzero and the norms (deepgrad reduced nothing),
    and nothing for any/all, as in PyTorch."""
    torch = pytest.importorskip("torch")
    data = np.arange(6.0).reshape(2, 3)
    ours, theirs = call(ag, ag.tensor(data)), call(torch, torch.tensor(data))
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
