"""The custom Functions of PyTorch's "Extending PyTorch" notes and the "Double Backward with Custom Functions"
tutorial, as written: LinearFunction in the setup_context style (forward without ctx, needs_input_grad, a bias that
may be None) wrapped in a Module with extra_repr, MulConstant with a non-tensor argument, MyCube returning two
outputs with mark_non_differentiable, the tutorial's Square, Exp saving its output, Sinh saving intermediates
through ctx attributes and a second Function for its double backward, and a once_differentiable Function; every
one checked by torch.autograd.gradcheck and gradgradcheck (with the failure caught as the tutorial shows) and
printed with grad_fn names. Float64, inputs from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.autograd import Function
from torch.autograd.function import once_differentiable


class LinearFunction(Function):
    @staticmethod
    def forward(input, weight, bias):
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def setup_context(ctx, inputs, output):
        input, weight, bias = inputs
        ctx.save_for_backward(input, weight, bias)

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


class Linear(nn.Module):
    def __init__(self, input_features, output_features, bias=True):
        super().__init__()
        self.input_features = input_features
        self.output_features = output_features
        self.weight = nn.Parameter(torch.empty(output_features, input_features))
        if bias:
            self.bias = nn.Parameter(torch.empty(output_features))
        else:
            self.register_parameter("bias", None)
        self.weight.data.uniform_(-0.1, 0.1)
        if self.bias is not None:
            self.bias.data.uniform_(-0.1, 0.1)

    def forward(self, input):
        return LinearFunction.apply(input, self.weight, self.bias)

    def extra_repr(self):
        return "input_features={}, output_features={}, bias={}".format(
            self.input_features, self.output_features, self.bias is not None)


class MulConstant(Function):
    @staticmethod
    def forward(tensor, constant):
        return tensor * constant

    @staticmethod
    def setup_context(ctx, inputs, output):
        _, constant = inputs
        ctx.constant = constant

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None


class MyCube(Function):
    @staticmethod
    def forward(x):
        result = x ** 3
        dx = 3 * x ** 2
        ind = x.argmax(-1)
        return result, dx, ind

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result, dx, ind = output
        ctx.mark_non_differentiable(ind)
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx, grad_ind):
        x, dx = ctx.saved_tensors
        result = grad_output * dx + grad_dx * 6 * x
        return result


class Square(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2

    @staticmethod
    def backward(ctx, grad_out):
        x, = ctx.saved_tensors
        return grad_out * 2 * x


class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        result = torch.exp(x)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_out):
        result, = ctx.saved_tensors
        return result * grad_out


def cosh(x):
    return (torch.exp(x) + torch.exp(-x)) / 2


class Sinh(Function):
    @staticmethod
    def forward(ctx, x):
        expx = torch.exp(x)
        expnegx = torch.exp(-x)
        ctx.save_for_backward(expx, expnegx)
        return (expx - expnegx) / 2, expx, expnegx

    @staticmethod
    def backward(ctx, grad_out, _grad_out_exp, _grad_out_negexp):
        expx, expnegx = ctx.saved_tensors
        grad_input = grad_out * (expx + expnegx) / 2
        grad_input += _grad_out_exp * expx
        grad_input -= _grad_out_negexp * expnegx
        return grad_input


def sinh(x):
    return Sinh.apply(x)[0]


class SquareOnce(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        x, = ctx.saved_tensors
        return grad_out * 2 * x


def main():
    rng = np.random.default_rng(1902)
    torch.manual_seed(3)
    x = torch.from_numpy(rng.standard_normal((4, 3))).requires_grad_()
    w = torch.from_numpy(rng.standard_normal((2, 3))).requires_grad_()
    b = torch.from_numpy(rng.standard_normal(2)).requires_grad_()
    out = LinearFunction.apply(x, w, b)
    print("linear", out, out.grad_fn.name())
    out.sum().backward()
    print("grads", x.grad.sum().item(), w.grad, b.grad)
    print("gradcheck linear", torch.autograd.gradcheck(LinearFunction.apply, (x, w, b), eps=1e-6, atol=1e-4))
    print("gradcheck no bias", torch.autograd.gradcheck(LinearFunction.apply, (x, w, None)))

    torch.set_default_dtype(torch.float64)
    layer = Linear(3, 2)
    print(layer)
    y = layer(x.detach())
    print("module out", y.shape, y.requires_grad, layer.weight.requires_grad)
    y.pow(2).mean().backward()
    print("module grads", layer.weight.grad, layer.bias.grad)

    c = MulConstant.apply(x, 2.5)
    gx, = torch.autograd.grad(c.sum(), x)
    print("mul constant", gx[0], torch.autograd.gradcheck(lambda t: MulConstant.apply(t, -1.5), (x,)))

    v = torch.from_numpy(rng.standard_normal((2, 4))).requires_grad_()
    cube, dx, ind = MyCube.apply(v)
    print("cube", cube.grad_fn is not None, dx.requires_grad, ind.requires_grad, ind)
    (cube.sum() + dx.sum()).backward()
    print("cube grad", v.grad)
    print("gradcheck cube", torch.autograd.gradcheck(lambda t: MyCube.apply(t)[:2], (v,)))

    s = torch.from_numpy(rng.standard_normal((3, 3))).requires_grad_()
    print("gradcheck square", torch.autograd.gradcheck(Square.apply, s),
          torch.autograd.gradgradcheck(Square.apply, s))
    print("gradcheck exp", torch.autograd.gradcheck(Exp.apply, s), torch.autograd.gradgradcheck(Exp.apply, s))
    print("gradcheck sinh", torch.autograd.gradcheck(sinh, s), torch.autograd.gradgradcheck(sinh, s))
    g1, = torch.autograd.grad(sinh(s).sum(), s, create_graph=True)
    g2, = torch.autograd.grad(g1.sum(), s)
    print("sinh first", torch.allclose(g1, cosh(s)), "second", torch.allclose(g2, torch.sinh(s)))
    print("second grads", g2[0])

    q = torch.from_numpy(rng.standard_normal(4)).requires_grad_()
    first, = torch.autograd.grad(SquareOnce.apply(q).sum(), q, create_graph=True)
    print("once first", first, first.requires_grad)
    try:
        torch.autograd.grad(first.sum(), q)
        print("double backward ran")
    except RuntimeError as e:
        print("double backward refused:", "once_differentiable" in str(e) or "twice" in str(e))
    print("gradcheck once", torch.autograd.gradcheck(SquareOnce.apply, (q,)))
    try:
        torch.autograd.gradgradcheck(SquareOnce.apply, (q,))
        print("gradgradcheck once passed")
    except RuntimeError:
        print("gradgradcheck once raised RuntimeError")
    print("names", [f.name() for f in (LinearFunction.apply(x, w, b).grad_fn, Exp.apply(s).grad_fn,
                                        Sinh.apply(s)[0].grad_fn)])


if __name__ == "__main__":
    main()
