"""Reduced-precision training and sampling code seeded by torch.manual_seed alone: a bfloat16 MLP and a float16
one with nn.Dropout in training (masks drawn and scaled in the low-precision dtype), a three-layer bidirectional
ReLU nn.RNN with inter-layer dropout, a full nn.Transformer with dropout, random draws in float16 / bfloat16 /
float64 / integer dtypes from the global stream and from a torch.Generator (rand, randn, randint, randperm,
normal, bernoulli, poisson, cauchy_), bfloat16 RReLU in training, and Tensor.random_ on int32 / uint8 / bool / float16 tensors, whose draw
counts must match PyTorch's for everything after them to agree. Float32 (and lower).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def main():
    torch.manual_seed(17)
    x = torch.randn(8, 6)
    y = torch.randint(0, 3, (8,))
    for dtype in (torch.bfloat16, torch.float16):
        net = nn.Sequential(nn.Linear(6, 12), nn.GELU(), nn.Dropout(0.3), nn.Linear(12, 3)).to(dtype)
        opt = torch.optim.SGD(net.parameters(), lr=0.1)
        losses = []
        for step in range(4):
            opt.zero_grad()
            loss = F.cross_entropy(net(x.to(dtype)).float(), y)
            loss.backward()
            opt.step()
            losses.append(round(loss.item(), 4))
        print(f"{dtype} losses:", losses)
        print(f"{dtype} dropped row:", F.dropout(x[0].to(dtype), 0.4))
        print(f"{dtype} first weight:", net[0].weight[0, :4])

    rnn = nn.RNN(3, 4, num_layers=3, nonlinearity="relu", dropout=0.4, bidirectional=True)
    seq = torch.randn(5, 2, 3)
    out, h = rnn(seq)
    print("rnn out:", tuple(out.shape), "h:", tuple(h.shape))
    print("rnn out last:", out[-1])
    print("rnn h sum:", h.sum().item())

    tr = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16,
                        dropout=0.25)
    src, tgt = torch.randn(4, 2, 8), torch.randn(3, 2, 8)
    mask = tr.generate_square_subsequent_mask(3)
    o = tr(src, tgt, tgt_mask=mask)
    print("transformer out[0]:", o[0])
    tr.eval()
    print("transformer eval abs sum:", tr(src, tgt, tgt_mask=mask).abs().sum().item())

    print("rand float64:", torch.rand(3, dtype=torch.float64))
    print("rand float16:", torch.rand(3, dtype=torch.float16), "randn bfloat16:", torch.randn(3, dtype=torch.bfloat16))
    print("randint int8:", torch.randint(-5, 5, (4,), dtype=torch.int8).tolist(),
          "wide:", torch.randint(0, 2 ** 40, (2,)).tolist())
    print("randperm int32:", torch.randperm(6, dtype=torch.int32).tolist(),
          "float:", torch.randperm(4, dtype=torch.float64).tolist())

    g = torch.Generator().manual_seed(3)
    print("gen randn float64:", torch.randn(3, generator=g, dtype=torch.float64))
    print("gen rand float16:", torch.rand(2, 2, generator=g, dtype=torch.float16))
    print("gen randint/randperm:", torch.randint(3, 9, (4,), generator=g).tolist(),
          torch.randperm(30, generator=g)[:5].tolist())
    print("gen normal:", torch.normal(torch.zeros(3), torch.ones(3), generator=g),
          "cauchy:", torch.empty(3).cauchy_(generator=g))
    print("gen bernoulli/poisson:", torch.bernoulli(torch.full((4,), 0.5), generator=g).tolist(),
          torch.poisson(torch.ones(3) * 3, generator=g).tolist())
    print("complex randn:", torch.randn(2, dtype=torch.complex64))

    print("random_ int32:", torch.empty(3, dtype=torch.int32).random_().tolist())
    print("random_ float16:", torch.empty(2, dtype=torch.float16).random_().tolist())
    print("random_ bool/uint8:", torch.empty(4, dtype=torch.bool).random_().tolist(),
          torch.empty(3, dtype=torch.uint8).random_(0, 200).tolist())
    print("uniform_ float64 / normal_ float16:", torch.empty(2, dtype=torch.float64).uniform_(),
          torch.empty(3, dtype=torch.float16).normal_())
    print("rrelu bfloat16:", F.rrelu(torch.randn(8).bfloat16(), 0.1, 0.3, training=True))
    print("global stream after:", torch.rand(2))
