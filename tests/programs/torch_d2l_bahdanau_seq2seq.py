"""Sequence to sequence learning with Bahdanau attention in the style of Dive into Deep Learning (d2l.ai), written
for PyTorch; tests run it as is and with only its imports changed, and compare what both print. A Seq2SeqEncoder
(nn.Embedding, permute(1, 0, 2), a two-layer nn.GRU), d2l's AttentionDecoder with additive attention whose query
is hidden_state[-1].unsqueeze(1) and whose context is concatenated onto the embedded input, the enc_valid_lens
carried in the state, MaskedSoftmaxCELoss (nn.CrossEntropyLoss subclass with reduction='none' set in forward and
a sequence_mask of weights), teacher forcing with a <bos> column concatenated in front, gradient clipping by
hand, a copy-reversed toy task trained for a few epochs, greedy decoding that stops at <eos>, the attention
weights collected per step, and a BLEU score written by hand. Float32, weights and data from NumPy.
"""
import collections
import math

import numpy as np
import torch
import torch.nn as nn

PAD, BOS, EOS = 0, 1, 2


def sequence_mask(X, valid_len, value=0):
    maxlen = X.size(1)
    mask = torch.arange((maxlen), dtype=torch.float32, device=X.device)[None, :] < valid_len[:, None]
    X[~mask] = value
    return X


def masked_softmax(X, valid_lens):
    if valid_lens is None:
        return nn.functional.softmax(X, dim=-1)
    shape = X.shape
    valid_lens = torch.repeat_interleave(valid_lens, shape[1]) if valid_lens.dim() == 1 else valid_lens.reshape(-1)
    X = sequence_mask(X.reshape(-1, shape[-1]), valid_lens, value=-1e6)
    return nn.functional.softmax(X.reshape(shape), dim=-1)


class AdditiveAttention(nn.Module):
    def __init__(self, num_hiddens):
        super().__init__()
        self.W_k = nn.Linear(num_hiddens, num_hiddens, bias=False)
        self.W_q = nn.Linear(num_hiddens, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)

    def forward(self, queries, keys, values, valid_lens):
        features = torch.tanh(self.W_q(queries).unsqueeze(2) + self.W_k(keys).unsqueeze(1))
        self.attention_weights = masked_softmax(self.w_v(features).squeeze(-1), valid_lens)
        return torch.bmm(self.attention_weights, values)


class Seq2SeqEncoder(nn.Module):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers)

    def forward(self, X):
        X = self.embedding(X).permute(1, 0, 2)
        output, state = self.rnn(X)
        return output, state


class Seq2SeqAttentionDecoder(nn.Module):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers):
        super().__init__()
        self.attention = AdditiveAttention(num_hiddens)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, enc_valid_lens):
        outputs, hidden_state = enc_outputs
        return (outputs.permute(1, 0, 2), hidden_state, enc_valid_lens)

    def forward(self, X, state):
        enc_outputs, hidden_state, enc_valid_lens = state
        X = self.embedding(X).permute(1, 0, 2)
        outputs, self._attention_weights = [], []
        for x in X:
            query = torch.unsqueeze(hidden_state[-1], dim=1)
            context = self.attention(query, enc_outputs, enc_outputs, enc_valid_lens)
            x = torch.cat((context, torch.unsqueeze(x, dim=1)), dim=-1)
            out, hidden_state = self.rnn(x.permute(1, 0, 2), hidden_state)
            outputs.append(out)
            self._attention_weights.append(self.attention.attention_weights)
        outputs = self.dense(torch.cat(outputs, dim=0))
        return outputs.permute(1, 0, 2), [enc_outputs, hidden_state, enc_valid_lens]


class EncoderDecoder(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def forward(self, enc_X, dec_X, enc_valid_lens):
        enc_outputs = self.encoder(enc_X)
        dec_state = self.decoder.init_state(enc_outputs, enc_valid_lens)
        return self.decoder(dec_X, dec_state)


class MaskedSoftmaxCELoss(nn.CrossEntropyLoss):
    def forward(self, pred, label, valid_len):
        weights = torch.ones_like(label)
        weights = sequence_mask(weights, valid_len)
        self.reduction = "none"
        unweighted_loss = super().forward(pred.permute(0, 2, 1), label)
        return (unweighted_loss * weights).mean(dim=1)


def grad_clipping(net, theta):
    params = [p for p in net.parameters() if p.requires_grad]
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm


def make_data(rng, n, num_steps, vocab_size):
    src, tgt, src_len, tgt_len = [], [], [], []
    for _ in range(n):
        length = int(rng.integers(2, num_steps - 1))
        tokens = list(rng.integers(3, vocab_size, length))
        s = tokens + [EOS]
        t = tokens[::-1] + [EOS]
        src.append(s + [PAD] * (num_steps - len(s)))
        tgt.append(t + [PAD] * (num_steps - len(t)))
        src_len.append(len(s))
        tgt_len.append(len(t))
    return torch.tensor(src), torch.tensor(tgt), torch.tensor(src_len), torch.tensor(tgt_len)


def bleu(pred_seq, label_seq, k):
    len_pred, len_label = len(pred_seq), len(label_seq)
    score = math.exp(min(0, 1 - len_label / len_pred)) if len_pred else 0.0
    for n in range(1, min(k, len_pred) + 1):
        num_matches, label_subs = 0, collections.defaultdict(int)
        for i in range(len_label - n + 1):
            label_subs[tuple(label_seq[i: i + n])] += 1
        for i in range(len_pred - n + 1):
            if label_subs[tuple(pred_seq[i: i + n])] > 0:
                num_matches += 1
                label_subs[tuple(pred_seq[i: i + n])] -= 1
        score *= math.pow(num_matches / (len_pred - n + 1), math.pow(0.5, n))
    return score


def predict(net, src_tokens, num_steps):
    net.eval()
    enc_X = torch.tensor(src_tokens + [PAD] * (num_steps - len(src_tokens))).unsqueeze(0)
    enc_outputs = net.encoder(enc_X)
    dec_state = net.decoder.init_state(enc_outputs, torch.tensor([len(src_tokens)]))
    dec_X = torch.unsqueeze(torch.tensor([BOS], dtype=torch.long), dim=0)
    output_seq, attention_weight_seq = [], []
    for _ in range(num_steps):
        Y, dec_state = net.decoder(dec_X, dec_state)
        dec_X = Y.argmax(dim=2)
        pred = dec_X.squeeze(dim=0).type(torch.int32).item()
        attention_weight_seq.append(net.decoder._attention_weights[0])
        if pred == EOS:
            break
        output_seq.append(pred)
    net.train()
    return output_seq, attention_weight_seq


def main():
    rng = np.random.default_rng(9)
    vocab_size, embed_size, num_hiddens, num_layers, num_steps = 10, 8, 16, 2, 7
    encoder = Seq2SeqEncoder(vocab_size, embed_size, num_hiddens, num_layers)
    decoder = Seq2SeqAttentionDecoder(vocab_size, embed_size, num_hiddens, num_layers)
    net = EncoderDecoder(encoder, decoder)
    with torch.no_grad():
        for name, p in net.named_parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.3, tuple(p.shape)).astype(np.float32)))
    X = torch.zeros((4, 7), dtype=torch.long)
    state = decoder.init_state(encoder(X), None)
    output, state = decoder(X, state)
    print("decoder output:", output.shape, len(state), state[0].shape, len(state[1]), state[1][0].shape)

    loss = MaskedSoftmaxCELoss()
    print("masked loss:", [round(v, 5) for v in loss(torch.ones(3, 4, 10), torch.ones((3, 4), dtype=torch.long),
                                                     torch.tensor([4, 2, 0])).tolist()])

    src, tgt, src_len, tgt_len = make_data(rng, 48, num_steps, vocab_size)
    print("data:", src[0].tolist(), tgt[0].tolist(), src_len[:6].tolist())
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    net.train()
    for epoch in range(30):
        total, tokens = 0.0, 0
        for i in range(0, 48, 16):
            X, Y, X_len, Y_len = src[i:i + 16], tgt[i:i + 16], src_len[i:i + 16], tgt_len[i:i + 16]
            optimizer.zero_grad()
            bos = torch.tensor([BOS] * Y.shape[0]).reshape(-1, 1)
            dec_input = torch.cat([bos, Y[:, :-1]], 1)
            Y_hat, _ = net(X, dec_input, X_len)
            l = loss(Y_hat, Y, Y_len)
            l.sum().backward()
            grad_clipping(net, 1)
            optimizer.step()
            with torch.no_grad():
                total += l.sum().item()
                tokens += Y_len.sum().item()
        if epoch % 5 == 4:
            print(f"epoch {epoch + 1}: loss {total / tokens:.4f}")

    for i in range(3):
        source = src[i, :src_len[i]].tolist()
        target = tgt[i, :tgt_len[i] - 1].tolist()
        out, weights = predict(net, source, num_steps)
        attn = torch.cat(weights, 0).reshape((1, 1, -1, num_steps))
        print(source, "=>", out, f"bleu {bleu(out, target, k=2):.3f}", tuple(attn.shape),
              [round(v, 3) for v in attn[0, 0, 0, :len(source)].tolist()])
