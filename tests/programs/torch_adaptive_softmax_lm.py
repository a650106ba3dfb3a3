"""A word-level language model with an adaptive softmax in float64, written for PyTorch; tests run it as is and with
only its imports changed, and compare what both print. Tokens drawn from a Zipf-like distribution are embedded
(nn.Embedding with max_norm renormalising the rows it looks up, and scale_grad_by_freq), run through a GRU, and
scored by nn.AdaptiveLogSoftmaxWithLoss (cutoffs, div_value, head_bias): its (output, loss) result, log_prob over
the full vocabulary, predict, and the head / tail cluster parameters are printed, the loss is checked against
F.nll_loss on log_prob, and the model is trained with Adagrad (initial_accumulator_value, lr_decay). Data and
weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class LM(nn.Module):
    def __init__(self, vocab, dim=8):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim, max_norm=1.5, scale_grad_by_freq=True)
        self.rnn = nn.GRU(dim, 12, batch_first=True)
        self.out = nn.AdaptiveLogSoftmaxWithLoss(12, vocab, cutoffs=[4, 12, 24], div_value=2.0, head_bias=True)

    def forward(self, tokens, targets):
        h, _ = self.rnn(self.embed(tokens))
        return self.out(h.reshape(-1, h.shape[-1]), targets.reshape(-1)), h


def main():
    rng = np.random.default_rng(31)
    vocab = 40
    probs = 1.0 / np.arange(1, vocab + 1) ** 1.1
    probs /= probs.sum()
    data = torch.from_numpy(rng.choice(vocab, size=(6, 9), p=probs))
    inputs, targets = data[:, :-1], data[:, 1:]
    model = LM(vocab).double()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(0.5 * rng.standard_normal(tuple(p.shape))))
    print("head", tuple(model.out.head.weight.shape), "tails", [tuple(t[0].weight.shape) + tuple(t[1].weight.shape)
                                                              for t in model.out.tail],
          "shortlist", model.out.shortlist_size, "clusters", model.out.n_clusters)
    norms_before = model.embed.weight.norm(dim=1)
    print("rows over max_norm before", int((norms_before > 1.5).sum()))
    (out, loss), h = model(inputs, targets)
    print("rows over max_norm after lookup", int((model.embed.weight.norm(dim=1) > 1.5 + 1e-9).sum()),
          "looked-up rows renormalised", model.embed.weight[inputs.unique()].norm(dim=1).max().item())
    print("adaptive output", out[:6], "loss", loss.item())
    with torch.no_grad():
        flat = h.reshape(-1, 12)
        logp = model.out.log_prob(flat)
        print("log_prob sums to one", logp.exp().sum(1)[:4], "nll", F.nll_loss(logp, targets.reshape(-1)).item())
        print("gathered = output", (logp.gather(1, targets.reshape(-1, 1)).squeeze(1) - out).abs().max().item() < 1e-12)
        print("predict", model.out.predict(flat)[:10].tolist(), "argmax", logp.argmax(1)[:10].tolist())

    opt = optim.Adagrad(model.parameters(), lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)
    for step in range(12):
        (out, loss), _ = model(inputs, targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.10f} ppl {loss.exp().item():.6f} "
              f"embed grad {model.embed.weight.grad.norm().item():.10f} "
              f"tail grad {model.out.tail[2][1].weight.grad.norm().item():.10f}")
    state = opt.state[model.out.head.weight]
    print("adagrad state", state["step"].item(), state["sum"].flatten()[:4])
    with torch.no_grad():
        h, _ = model.rnn(model.embed(inputs))
        print("final predict", model.out.predict(h[0]).tolist(), "targets", targets[0].tolist())


if __name__ == "__main__":
    main()
