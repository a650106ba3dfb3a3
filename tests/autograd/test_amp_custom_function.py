"""ag.amp.custom_fwd / custom_bwd against PyTorch's: with cast_inputs, forward inside an autocast region sees its
floating inputs cast (float64 and integer ones untouched) and runs with autocast off; without it, forward runs
under the region's state; backward runs under the state forward saw; outside a region both do nothing. Also what PyTorch's engine does around any custom Function: a gradient is cast
to its input's dtype, a gradient of the wrong shape is named, and an exception in forward reaches the caller as
raised."""
import numpy as np
import pytest

import autograd as ag


def _program(torch):
    seen = {}

    class Product(torch.autograd.Function):
        @staticmethod
        @torch.amp.custom_fwd(device_type="cpu", cast_inputs=torch.float32)
        def forward(ctx, a, b, extras):
            seen.setdefault("forward", []).append((_name(a.dtype), _name(b.dtype), _name(extras["w"].dtype),
                                                   _name(extras["n"].dtype), torch.is_autocast_enabled("cpu")))
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        @torch.amp.custom_bwd(device_type="cpu")
        def backward(ctx, grad):
            seen["backward"] = torch.is_autocast_enabled("cpu")
            a, b = ctx.saved_tensors
            return grad * b, grad * a, None

    class Passthrough(torch.autograd.Function):
        @staticmethod
        @torch.amp.custom_fwd(device_type="cpu")
        def forward(ctx, a):
            seen["plain_forward"] = torch.is_autocast_enabled("cpu")
            return a * 3

        @staticmethod
        @torch.amp.custom_bwd(device_type="cpu")
        def backward(ctx, grad):
            seen["plain_backward"] = torch.is_autocast_enabled("cpu")
            return grad * 3

    a = torch.tensor(np.arange(4.0), dtype=torch.float16, requires_grad=True)
    b = torch.tensor(np.ones(4), dtype=torch.float64)
    extras = {"w": torch.ones(2, dtype=torch.float16), "n": torch.tensor([1, 2])}
    with torch.autocast("cpu", dtype=torch.float16):
        out = Product.apply(a, b, extras)
        plain = Passthrough.apply(a)
    (out.sum() + plain.float().sum()).backward()
    outside = Product.apply(a, b, extras)
    return seen, _name(out.dtype), _name(outside.dtype), _name(a.grad.dtype), a.grad.tolist()


def _name(dtype):
    return str(dtype).replace("torch.", "")


def test_custom_fwd_and_bwd_follow_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = _program(ag), _program(torch)
    assert ours[:4] == theirs[:4]
    assert ours[0]["forward"] == [("float32", "float64", "float32", "int64", False),   # cast, autocast off
                                  ("float16", "float64", "float16", "int64", False)]   # outside: untouched
    np.testing.assert_allclose(ours[4], theirs[4])


def test_a_custom_backward_gradient_takes_its_inputs_dtype_and_a_wrong_shape_is_named():
    class Doubled(ag.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, grad):
            return (grad * 2).double()   # PyTorch's engine casts it to the input's float32

    class Cropped(ag.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, grad):
            return grad[:, :2]

    x = ag.ones(2, 3, requires_grad=True)
    Doubled.apply(x * 1).sum().backward()
    assert x.grad.dtype == ag.float32 and x.grad.tolist() == [[2.0] * 3] * 2
    with pytest.raises(RuntimeError, match=r"Function CroppedBackward returned an invalid gradient at index 0 - got "
                                           r"\[2, 2\] but expected shape compatible with \[2, 3\]"):
        Cropped.apply(x * 1).sum().backward()


def test_device_type_must_be_a_string():
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        ag.amp.custom_fwd(device_type=None)
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        ag.amp.custom_bwd(lambda ctx, g: g, device_type=0)


def test_an_exception_in_a_custom_forward_reaches_the_caller_as_raised():
    class Broken(ag.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            raise TypeError("my own message")

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(TypeError, match="^my own message$"):
        Broken.apply(ag.ones(2, requires_grad=True))


def test_the_deprecated_cuda_spellings_warn_and_work():
    from autograd.cuda.amp import custom_bwd, custom_fwd
    with pytest.warns(FutureWarning, match="ag.amp.custom_fwd.*device_type='cuda'"):
        class Doubled(ag.autograd.Function):
            @staticmethod
            @custom_fwd(cast_inputs=ag.float32)
            def forward(ctx, a):
                return a * 2

            @staticmethod
            @custom_bwd
            def backward(ctx, grad):
                return grad * 2
    x = ag.ones(2, requires_grad=True)
    Doubled.apply(x).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]
