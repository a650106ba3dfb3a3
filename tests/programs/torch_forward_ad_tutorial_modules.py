"""PyTorch's "Forward-mode Automatic Differentiation" tutorial as written, extended through common layers: dual
tensors made with fwAD.make_dual inside fwAD.dual_level, fwAD.unpack_dual and its named fields, tangents of
non-dual inputs, "Usage with Modules" (parameters swapped for dual tensors by deleting and setting attributes),
the functional Module API (functional_call with a dict of dual parameters), a custom Function with a jvp staticmethod
(the tutorial's Fn, keeping its result on ctx, given a backward too), and torch.func.jvp and jacfwd through a Conv1d / LayerNorm / GELU /
LSTM model, each tangent checked against a reverse-mode directional derivative. Float64, torch.manual_seed.
"""
import torch
import torch.autograd.forward_ad as fwAD
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, jacfwd, jvp


def fn(x, y):
    return x ** 2 + y ** 2


class Fn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, foo):
        result = torch.exp(foo)
        ctx.result = result
        return result

    @staticmethod
    def jvp(ctx, gI):
        gO = gI * ctx.result
        del ctx.result
        return gO

    @staticmethod
    def backward(ctx, gO):
        return gO * ctx.result


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(2, 4, 3, padding=1)
        self.norm = nn.LayerNorm(4)
        self.lstm = nn.LSTM(4, 3, batch_first=True)
        self.head = nn.Linear(3, 2)

    def forward(self, x):
        h = F.gelu(self.conv(x)).transpose(1, 2)
        h = self.norm(h)
        out, (hn, cn) = self.lstm(h)
        return self.head(out[:, -1]) + cn[0].sum(-1, keepdim=True)


def main():
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(1903)
    primal = torch.randn(10, 10)
    tangent = torch.randn(10, 10)
    with fwAD.dual_level():
        dual_input = fwAD.make_dual(primal, tangent)
        print("is dual", fwAD.unpack_dual(dual_input).tangent is tangent)
        plain_tensor = torch.randn(10, 10)
        dual_output = fn(dual_input, plain_tensor)
        jvp_out = fwAD.unpack_dual(dual_output).tangent
        print("fn tangent", jvp_out[0, :4], torch.allclose(jvp_out, 2 * primal * tangent))
        print("plain tangent", fwAD.unpack_dual(plain_tensor).tangent is None)
        unpacked = fwAD.unpack_dual(dual_output)
        print("named fields", type(unpacked).__name__, unpacked.primal.shape, unpacked._fields)
    print("outside level", fwAD.unpack_dual(dual_output).tangent is None)

    model = nn.Linear(5, 5)
    input = torch.randn(16, 5)
    params = {name: p for name, p in model.named_parameters()}
    tangents = {name: torch.rand_like(p) for name, p in params.items()}
    with fwAD.dual_level():
        for name, p in params.items():
            delattr(model, name)
            setattr(model, name, fwAD.make_dual(p, tangents[name]))
        out = model(input)
        jvp_mod = fwAD.unpack_dual(out).tangent
    print("module jvp", jvp_mod.shape, jvp_mod[0].detach())
    print("module jvp check", torch.allclose(jvp_mod, input @ tangents["weight"].t() + tangents["bias"]))

    model = nn.Linear(5, 5)
    dual_params = {}
    with fwAD.dual_level():
        for name, p in params.items():
            dual_params[name] = fwAD.make_dual(p, tangents[name])
        out = functional_call(model, dual_params, input)
        jvp_fc = fwAD.unpack_dual(out).tangent
    print("functional_call jvp equal", torch.allclose(jvp_fc, jvp_mod))

    x = torch.randn(10, 10)
    x_t = torch.randn(10, 10)
    with fwAD.dual_level():
        dual_x = fwAD.make_dual(x, x_t)
        dual_out = Fn.apply(dual_x)
        jvp_fn = fwAD.unpack_dual(dual_out).tangent
    print("custom jvp", torch.allclose(jvp_fn, x_t * x.exp()), jvp_fn[0, :3])
    print("gradcheck forward", torch.autograd.gradcheck(Fn.apply, (x[:2, :2].clone().requires_grad_(),),
                                                        check_forward_ad=True, check_backward_ad=False,
                                                        check_undefined_grad=False, check_batched_grad=False))

    enc = Encoder()
    seq = torch.randn(3, 2, 6)
    direction = torch.randn(3, 2, 6)
    y, y_dot = jvp(enc, (seq,), (direction,))
    print("encoder out", y)
    print("encoder tangent", y_dot)
    seq_r = seq.clone().requires_grad_()
    cotangent = torch.randn(3, 2)
    g, = torch.autograd.grad(enc(seq_r), seq_r, cotangent)
    print("adjoint identity", torch.allclose((g * direction).sum(), (cotangent * y_dot).sum()))
    with fwAD.dual_level():
        dual_seq = fwAD.make_dual(seq, direction)
        y_fw = fwAD.unpack_dual(enc(dual_seq))
    print("dual level equals jvp", torch.allclose(y_fw.tangent, y_dot), torch.allclose(y_fw.primal, y))
    J = jacfwd(enc)(seq[:1])
    print("jacfwd", J.shape, J[0, 1, 0, 1])
    w_tan = {n: torch.ones_like(p) * 0.01 for n, p in enc.named_parameters()}
    p0 = {n: p.detach() for n, p in enc.named_parameters()}
    _, dp = jvp(lambda p: functional_call(enc, p, (seq,)), (p0,), (w_tan,))
    print("parameter-direction tangent", dp)


if __name__ == "__main__":
    main()
