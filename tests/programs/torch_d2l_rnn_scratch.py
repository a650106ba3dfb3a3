"""A character-level RNN language model from scratch in the style of Dive into Deep Learning (d2l.ai), written for
PyTorch; tests run it as is and with only its imports changed, and compare what both print. A tiny corpus turned
into a vocabulary by collections.Counter, random and sequential minibatch partitioning driven by NumPy offsets,
F.one_hot of the transposed batch, d2l's get_params / init_rnn_state / rnn (a loop over time steps with
torch.tanh(torch.mm(X, W_xh) + torch.mm(H, W_hh) + b_h) and torch.cat of the outputs), RNNModelScratch with
begin_state, gradient clipping by hand (the norm over every parameter's grad, then `param.grad[:] *= theta /
norm`), manual SGD, perplexity as exp of the mean cross-entropy, state detached between sequential minibatches
(detach_() in place), greedy prediction after a prefix, and the same cell checked against nn.RNN. Float32,
weights from NumPy.
"""
import collections
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TEXT = ("the time machine by h g wells the time traveller for so it will be convenient to speak of him "
        "was expounding a recondite matter to us his grey eyes shone and twinkled and his usually pale face "
        "was flushed and animated the fire burned brightly and the soft radiance of the incandescent lights")


class Vocab:
    def __init__(self, tokens):
        counter = collections.Counter(tokens)
        self.token_freqs = sorted(counter.items(), key=lambda x: (-x[1], x[0]))
        self.idx_to_token = ["<unk>"] + [t for t, _ in self.token_freqs]
        self.token_to_idx = {t: i for i, t in enumerate(self.idx_to_token)}

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, 0)
        return [self.__getitem__(token) for token in tokens]


def seq_data_iter_sequential(corpus, batch_size, num_steps, offset):
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = torch.tensor(corpus[offset: offset + num_tokens])
    Ys = torch.tensor(corpus[offset + 1: offset + 1 + num_tokens])
    Xs, Ys = Xs.reshape(batch_size, -1), Ys.reshape(batch_size, -1)
    num_batches = Xs.shape[1] // num_steps
    for i in range(0, num_steps * num_batches, num_steps):
        yield Xs[:, i: i + num_steps], Ys[:, i: i + num_steps]


def get_params(vocab_size, num_hiddens, rng):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return torch.from_numpy(rng.normal(0, 0.01, shape).astype(np.float32))

    W_xh = normal((num_inputs, num_hiddens))
    W_hh = normal((num_hiddens, num_hiddens))
    b_h = torch.zeros(num_hiddens)
    W_hq = normal((num_hiddens, num_outputs))
    b_q = torch.zeros(num_outputs)
    params = [W_xh, W_hh, b_h, W_hq, b_q]
    for param in params:
        param.requires_grad_(True)
    return params


def init_rnn_state(batch_size, num_hiddens):
    return (torch.zeros((batch_size, num_hiddens)),)


def rnn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        H = torch.tanh(torch.mm(X, W_xh) + torch.mm(H, W_hh) + b_h)
        Y = torch.mm(H, W_hq) + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H,)


class RNNModelScratch:
    def __init__(self, vocab_size, num_hiddens, rng):
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.params = get_params(vocab_size, num_hiddens, rng)

    def __call__(self, X, state):
        X = F.one_hot(X.T, self.vocab_size).type(torch.float32)
        return rnn(X, state, self.params)

    def begin_state(self, batch_size):
        return init_rnn_state(batch_size, self.num_hiddens)


def predict(prefix, num_preds, net, vocab):
    state = net.begin_state(batch_size=1)
    outputs = [vocab[prefix[0]]]
    get_input = lambda: torch.tensor([outputs[-1]]).reshape((1, 1))
    for y in prefix[1:]:
        _, state = net(get_input(), state)
        outputs.append(vocab[y])
    for _ in range(num_preds):
        y, state = net(get_input(), state)
        outputs.append(int(y.argmax(dim=1).reshape(1)))
    return "".join([vocab.idx_to_token[i] for i in outputs])


def grad_clipping(params, theta):
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm
    return norm


def main():
    rng = np.random.default_rng(6)
    tokens = list(TEXT)
    vocab = Vocab(tokens)
    corpus = [vocab[t] for t in tokens]
    print("vocab:", len(vocab), vocab.idx_to_token[:8], "corpus:", len(corpus), corpus[:10])
    X, Y = next(seq_data_iter_sequential(corpus, 2, 5, 3))
    print("first minibatch:", X.tolist(), Y.tolist())
    print("one-hot:", F.one_hot(torch.tensor([0, 2]), len(vocab)).shape, F.one_hot(X.T, 28).shape)

    num_hiddens, batch_size, num_steps = 32, 4, 8
    net = RNNModelScratch(len(vocab), num_hiddens, rng)
    state = net.begin_state(X.shape[0])
    Y_hat, new_state = net(X, state)
    print("forward:", Y_hat.shape, len(new_state), new_state[0].shape)
    print("untrained:", predict("time ", 10, net, vocab))

    lr, theta = 2.0, 0.25
    for epoch in range(12):
        state = None
        l_sum, n = 0.0, 0
        norms = []
        for X, Y in seq_data_iter_sequential(corpus, batch_size, num_steps, int(rng.integers(0, num_steps))):
            if state is None:
                state = net.begin_state(batch_size=X.shape[0])
            else:
                for s in state:
                    s.detach_()
            y = Y.T.reshape(-1)
            y_hat, state = net(X, state)
            l = F.cross_entropy(y_hat, y.long()).mean()
            for p in net.params:
                p.grad = None
            l.backward()
            norms.append(grad_clipping(net.params, theta).item())
            with torch.no_grad():
                for param in net.params:
                    param -= lr * param.grad
            l_sum += l.item() * y.numel()
            n += y.numel()
        if epoch % 3 == 2:
            print(f"epoch {epoch + 1}: perplexity {math.exp(l_sum / n):.3f} max grad norm {max(norms):.3f}",
                  sum(v > theta for v in norms))
    print("trained:", predict("the ", 12, net, vocab))
    print("clipped norm:", round(torch.sqrt(sum((p.grad ** 2).sum() for p in net.params)).item(), 5))

    ref = nn.RNN(len(vocab), num_hiddens)
    W_xh, W_hh, b_h, W_hq, b_q = net.params
    with torch.no_grad():
        ref.weight_ih_l0.copy_(W_xh.T)
        ref.weight_hh_l0.copy_(W_hh.T)
        ref.bias_ih_l0.copy_(b_h)
        ref.bias_hh_l0.zero_()
        X = torch.tensor([corpus[:6], corpus[6:12]])
        outs, h_n = ref(F.one_hot(X.T, len(vocab)).float())
        mine, (H,) = net(X, net.begin_state(2))
        print("nn.RNN agrees:", torch.allclose(outs.reshape(-1, num_hiddens) @ W_hq + b_q, mine, atol=1e-5),
              torch.allclose(h_n[0], H, atol=1e-6), round(H.abs().sum().item(), 4))
