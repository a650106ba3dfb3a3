"""PyTorch's "Language Modeling with nn.Transformer" tutorial as written, on a synthetic vocabulary instead of
WikiText-2: the TransformerModel (nn.Embedding scaled by math.sqrt(d_model), the PositionalEncoding module with its
registered pe buffer, nn.TransformerEncoderLayer and nn.TransformerEncoder, a Linear decoder, init_weights with
uniform_ and zero_), nn.Transformer.generate_square_subsequent_mask, batchify() and get_batch() over bptt chunks,
train() with clip_grad_norm_(0.5), SGD (lr 1.0: the tutorial's 5.0 amplifies float32 rounding chaotically) with
StepLR(1.0, gamma=0.95), evaluate() with math.exp perplexity and the best model kept through copy.deepcopy. Dropout is 0 so that the numbers do not depend on the
dropout draws. Float32; torch.manual_seed for the weights, the corpus from a seeded NumPy generator.
"""
import copy
import math

import numpy as np
import torch
import torch.nn as nn
from torch import Tensor
from torch.nn import TransformerEncoder, TransformerEncoderLayer


class TransformerModel(nn.Module):
    def __init__(self, ntoken, d_model, nhead, d_hid, nlayers, dropout=0.5):
        super().__init__()
        self.model_type = "Transformer"
        self.pos_encoder = PositionalEncoding(d_model, dropout)
        encoder_layers = TransformerEncoderLayer(d_model, nhead, d_hid, dropout)
        self.transformer_encoder = TransformerEncoder(encoder_layers, nlayers, enable_nested_tensor=False)
        self.embedding = nn.Embedding(ntoken, d_model)
        self.d_model = d_model
        self.linear = nn.Linear(d_model, ntoken)
        self.init_weights()

    def init_weights(self) -> None:
        initrange = 0.1
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.linear.bias.data.zero_()
        self.linear.weight.data.uniform_(-initrange, initrange)

    def forward(self, src: Tensor, src_mask: Tensor = None) -> Tensor:
        src = self.embedding(src) * math.sqrt(self.d_model)
        src = self.pos_encoder(src)
        if src_mask is None:
            src_mask = nn.Transformer.generate_square_subsequent_mask(len(src))
        output = self.transformer_encoder(src, src_mask)
        output = self.linear(output)
        return output


class PositionalEncoding(nn.Module):
    def __init__(self, d_model: int, dropout: float = 0.1, max_len: int = 5000):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.pe[:x.size(0)]
        return self.dropout(x)


def batchify(data: Tensor, bsz: int) -> Tensor:
    seq_len = data.size(0) // bsz
    data = data[:seq_len * bsz]
    data = data.view(bsz, seq_len).t().contiguous()
    return data


bptt = 8


def get_batch(source: Tensor, i: int):
    seq_len = min(bptt, len(source) - 1 - i)
    data = source[i:i + seq_len]
    target = source[i + 1:i + 1 + seq_len].reshape(-1)
    return data, target


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(19)
    ntokens = 20
    # a corpus with structure: each token is usually followed by (token * 3 + 1) % ntokens
    tokens = [0]
    for _ in range(700):
        tokens.append((tokens[-1] * 3 + 1) % ntokens if rng.random() < 0.8 else int(rng.integers(ntokens)))
    data = torch.tensor(tokens, dtype=torch.long)
    train_data = batchify(data[:500], 6)
    val_data = batchify(data[500:], 4)
    print("batchified", train_data.shape, val_data.shape, train_data.dtype)
    print("first batch", get_batch(train_data, 0)[0][:3].tolist(), get_batch(train_data, 0)[1][:6].tolist())
    print("mask", nn.Transformer.generate_square_subsequent_mask(4))

    model = TransformerModel(ntokens, 16, 2, 32, 2, 0.0)
    print("parameters", sum(p.numel() for p in model.parameters()), "buffers", [n for n, _ in model.named_buffers()])
    print("pe rows", model.pos_encoder.pe[1:3, 0, :4])
    criterion = nn.CrossEntropyLoss()
    lr = 1.0
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.95)

    def train(model: nn.Module, epoch) -> None:
        model.train()
        total_loss = 0.
        log_interval = 4
        num_batches = len(train_data) // bptt
        for batch, i in enumerate(range(0, train_data.size(0) - 1, bptt)):
            data, targets = get_batch(train_data, i)
            output = model(data)
            output_flat = output.view(-1, ntokens)
            loss = criterion(output_flat, targets)
            optimizer.zero_grad()
            loss.backward()
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
            optimizer.step()
            total_loss += loss.item()
            if batch % log_interval == 0 and batch > 0:
                lr = scheduler.get_last_lr()[0]
                cur_loss = total_loss / log_interval
                ppl = math.exp(cur_loss)
                print(f"| epoch {epoch:3d} | {batch:5d}/{num_batches:5d} batches | lr {lr:02.2f} | "
                      f"loss {cur_loss:5.2f} | ppl {ppl:8.2f} | norm {norm.item():.4f}")
                total_loss = 0

    def evaluate(model: nn.Module, eval_data: Tensor) -> float:
        model.eval()
        total_loss = 0.
        with torch.no_grad():
            for i in range(0, eval_data.size(0) - 1, bptt):
                data, targets = get_batch(eval_data, i)
                seq_len = data.size(0)
                output = model(data)
                output_flat = output.view(-1, ntokens)
                total_loss += seq_len * criterion(output_flat, targets).item()
        return total_loss / (len(eval_data) - 1)

    best_val_loss = float("inf")
    best_model = None
    for epoch in range(1, 4):
        train(model, epoch)
        val_loss = evaluate(model, val_data)
        val_ppl = math.exp(val_loss)
        print(f"| end of epoch {epoch:3d} | valid loss {val_loss:5.2f} | valid ppl {val_ppl:8.2f}")
        if val_loss < best_val_loss:
            best_val_loss = val_loss
            best_model = copy.deepcopy(model)
        scheduler.step()
    print("best", round(best_val_loss, 5), "lr now", scheduler.get_last_lr())
    best_model.eval()
    with torch.no_grad():
        out = best_model(torch.tensor([[0], [1], [4]]))
    print("next-token argmax", out.argmax(-1).view(-1).tolist(), out.shape)
    print("last-step probs", torch.softmax(out[-1, 0], -1)[:6])


if __name__ == "__main__":
    main()
