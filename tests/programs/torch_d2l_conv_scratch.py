"""Convolutions and pooling from scratch in the style of Dive into Deep Learning (d2l.ai), written for PyTorch;
tests run it as is and with only its imports changed, and compare what both print. d2l's corr2d by two loops
writing into a zeros tensor, a Conv2D module built on it, edge detection with the [1, -1] kernel and learning that
kernel back by gradient descent (`conv2d.weight.data[:] -= lr * conv2d.weight.grad`), padding and stride through
comp_conv2d, multiple input and output channels (sum over a generator of corr2d, torch.stack of outputs), a 1x1
convolution as a matrix product, pooling by loops in 'max' and 'avg' mode against nn.MaxPool2d / nn.AvgPool2d
with padding and stride, and an unfold-based (im2col) convolution with stride, padding and dilation checked
against F.conv2d, gradients included. Float64, weights and data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def corr2d(X, K):
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


class Conv2D(nn.Module):
    def __init__(self, weight):
        super().__init__()
        self.weight = nn.Parameter(weight)
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return corr2d(x, self.weight) + self.bias


def comp_conv2d(conv2d, X):
    X = X.reshape((1, 1) + X.shape)
    Y = conv2d(X)
    return Y.reshape(Y.shape[2:])


def corr2d_multi_in(X, K):
    return sum(corr2d(x, k) for x, k in zip(X, K))


def corr2d_multi_in_out(X, K):
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    c_o = K.shape[0]
    X = X.reshape((c_i, h * w))
    K = K.reshape((c_o, c_i))
    Y = torch.matmul(K, X)
    return Y.reshape((c_o, h, w))


def pool2d(X, pool_size, mode="max"):
    p_h, p_w = pool_size
    Y = torch.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if mode == "max":
                Y[i, j] = X[i: i + p_h, j: j + p_w].max()
            elif mode == "avg":
                Y[i, j] = X[i: i + p_h, j: j + p_w].mean()
    return Y


def conv2d_unfold(x, weight, bias, stride, padding, dilation):
    n, c, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    cols = F.unfold(x, (kh, kw), dilation=dilation, padding=padding, stride=stride)
    out_h = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    out_w = (w + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    out = weight.view(c_out, -1) @ cols + bias.view(1, -1, 1)
    return out.view(n, c_out, out_h, out_w)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(4)
    X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    print("corr2d:", corr2d(X, K).tolist())

    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    K = torch.tensor([[1.0, -1.0]])
    Y = corr2d(X, K)
    print("edges:", Y[0].tolist(), "transposed finds none:", corr2d(X.t(), K).abs().sum().item())

    conv2d = nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)
    conv2d.weight.data[:] = torch.from_numpy(rng.normal(0, 1, (1, 1, 1, 2)))
    X, Y = X.reshape((1, 1, 6, 8)), Y.reshape((1, 1, 6, 7))
    lr = 3e-2
    for i in range(10):
        Y_hat = conv2d(X)
        l = (Y_hat - Y) ** 2
        conv2d.zero_grad()
        l.sum().backward()
        conv2d.weight.data[:] -= lr * conv2d.weight.grad
        if (i + 1) % 2 == 0:
            print(f"epoch {i + 1}, loss {l.sum():.6f}")
    print("learned kernel:", [round(v, 6) for v in conv2d.weight.data.reshape((1, 2)).flatten().tolist()])
    hand = Conv2D(conv2d.weight.data.reshape(1, 2).clone())
    print("Conv2D module agrees:", torch.allclose(hand(X[0, 0]), conv2d(X)[0, 0]))

    X = torch.from_numpy(rng.normal(0, 1, (8, 8)))
    print("same padding:", comp_conv2d(nn.Conv2d(1, 1, kernel_size=3, padding=1), X).shape,
          comp_conv2d(nn.Conv2d(1, 1, kernel_size=(5, 3), padding=(2, 1)), X).shape)
    print("strided:", comp_conv2d(nn.Conv2d(1, 1, kernel_size=3, padding=1, stride=2), X).shape,
          comp_conv2d(nn.Conv2d(1, 1, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4)), X).shape)

    X = torch.from_numpy(rng.normal(0, 1, (2, 4, 5)))
    K = torch.from_numpy(rng.normal(0, 1, (2, 2, 2)))
    K3 = torch.stack((K, K + 1, K + 2), 0)
    Y_multi = corr2d_multi_in_out(X, K3)
    print("multi in/out:", tuple(Y_multi.shape), torch.allclose(Y_multi, F.conv2d(X[None], K3)[0]),
          [round(v, 6) for v in Y_multi[2, 1].tolist()])
    X = torch.from_numpy(rng.normal(0, 1, (3, 3, 3)))
    K = torch.from_numpy(rng.normal(0, 1, (2, 3, 1, 1)))
    Y1, Y2 = corr2d_multi_in_out_1x1(X, K), corr2d_multi_in_out(X, K)
    print("1x1 as matmul:", float(torch.abs(Y1 - Y2).sum()) < 1e-6, round(Y1.sum().item(), 6))

    X = torch.arange(16, dtype=torch.float64).reshape((4, 4))
    print("max pool:", pool2d(X, (2, 2)).tolist())
    print("avg pool:", pool2d(X, (2, 2), "avg").tolist())
    X4 = X.reshape((1, 1, 4, 4))
    print("nn pools:", nn.MaxPool2d(3)(X4).tolist(), nn.MaxPool2d(3, padding=1, stride=2)(X4).flatten().tolist(),
          nn.MaxPool2d((2, 3), stride=(2, 3), padding=(0, 1))(X4).flatten().tolist())
    X2 = torch.cat((X4, X4 + 1), 1)
    print("channels kept:", nn.AvgPool2d(3, padding=1, stride=2)(X2).flatten().tolist())
    print("loops == module:", torch.equal(pool2d(X, (2, 2)), nn.MaxPool2d(2, stride=1)(X4)[0, 0]),
          torch.allclose(pool2d(X, (3, 3), "avg"), F.avg_pool2d(X4, 3, stride=1)[0, 0]))

    x = torch.from_numpy(rng.normal(0, 1, (2, 3, 9, 9))).requires_grad_()
    w = torch.from_numpy(rng.normal(0, 0.3, (4, 3, 3, 3))).requires_grad_()
    b = torch.from_numpy(rng.normal(0, 0.1, 4)).requires_grad_()
    for stride, padding, dilation in [(1, 0, 1), (2, 1, 1), (1, 2, 2), (3, 1, 2)]:
        mine = conv2d_unfold(x, w, b, stride, padding, dilation)
        ref = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)
        g_mine = torch.autograd.grad(mine.square().sum(), (x, w, b))
        g_ref = torch.autograd.grad(ref.square().sum(), (x, w, b))
        print(f"unfold conv s={stride} p={padding} d={dilation}:", tuple(mine.shape), torch.allclose(mine, ref),
              all(torch.allclose(a, c) for a, c in zip(g_mine, g_ref)), round(g_mine[1].sum().item(), 6))
