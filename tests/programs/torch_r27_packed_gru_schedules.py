"""A variable-length sequence classifier trained the way a practitioner tunes one: a bidirectional two-layer
GRU over pack_padded_sequence(enforce_sorted=False) with pad_packed_sequence(batch_first=True, total_length=)
and the final hidden states gathered per direction, BatchNorm1d in the head; OneCycleLR(three_phase=True,
anneal_strategy='linear') with momentum cycling on SGD printed step by step beside CyclicLR('exp_range') and
CosineAnnealingWarmRestarts(T_mult=2) with fractional epochs on their own optimisers; then stochastic weight
averaging with AveragedModel (default and EMA multi_avg_fn), SWALR's annealing, and update_bn over a DataLoader.
Float32; every random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from torch.optim.lr_scheduler import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from torch.optim.swa_utils import SWALR, AveragedModel, get_ema_multi_avg_fn, update_bn
from torch.utils.data import DataLoader, TensorDataset


class Classifier(nn.Module):
    def __init__(self, vocab=12, emb=5, hidden=6, classes=3):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb, padding_idx=0)
        self.gru = nn.GRU(emb, hidden, num_layers=2, batch_first=True, bidirectional=True, dropout=0.0)
        self.norm = nn.BatchNorm1d(2 * hidden)
        self.out = nn.Linear(2 * hidden, classes)

    def forward(self, tokens, lengths, total_length=None):
        packed = pack_padded_sequence(self.embed(tokens), lengths, batch_first=True, enforce_sorted=False)
        out, h_n = self.gru(packed)
        padded, out_lengths = pad_packed_sequence(out, batch_first=True, total_length=total_length)
        last = torch.cat([h_n[-2], h_n[-1]], dim=-1)
        return self.out(self.norm(last)), padded, out_lengths


def make_batch(n, max_len):
    lengths = torch.randint(2, max_len + 1, (n,))
    tokens = torch.randint(1, 12, (n, max_len))
    mask = torch.arange(max_len).unsqueeze(0) < lengths.unsqueeze(1)
    tokens = tokens * mask
    labels = (tokens.sum(1) + lengths) % 3
    return tokens, lengths, labels


def main():
    torch.manual_seed(2709)
    tokens, lengths, labels = make_batch(8, 7)
    model = Classifier()
    logits, padded, out_lengths = model(tokens, lengths, total_length=9)
    print(lengths, out_lengths, padded.shape, logits.grad_fn.name())
    print(padded[0, lengths[0] - 1:lengths[0] + 1, :3], padded[:, 7:].abs().sum())
    packed = pack_padded_sequence(tokens, lengths, batch_first=True, enforce_sorted=False)
    print(packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)

    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=0.2, total_steps=8, pct_start=0.25, three_phase=True, anneal_strategy="linear",
                       base_momentum=0.8, max_momentum=0.95, div_factor=10.0, final_div_factor=100.0)
    for step in range(8):
        opt.zero_grad()
        loss = F.cross_entropy(model(tokens, lengths)[0], labels)
        loss.backward()
        opt.step()
        sched.step()
        group = opt.param_groups[0]
        print(step, f"{loss.item():.6f}", f"{group['lr']:.6f}", f"{group['momentum']:.4f}")

    w = nn.Parameter(torch.zeros(2))
    opt2 = torch.optim.SGD([w], lr=0.01, momentum=0.9)
    cyc = CyclicLR(opt2, base_lr=0.01, max_lr=0.1, step_size_up=2, mode="exp_range", gamma=0.9)
    opt3 = torch.optim.Adam([nn.Parameter(torch.zeros(2))], lr=0.05)
    warm = CosineAnnealingWarmRestarts(opt3, T_0=2, T_mult=2, eta_min=0.001)
    lrs = []
    for i in range(7):
        opt2.step()
        cyc.step()
        warm.step(i * 0.5)
        lrs.append((round(cyc.get_last_lr()[0], 6), round(opt2.param_groups[0]["momentum"], 4),
                    round(warm.get_last_lr()[0], 6), warm.T_cur, warm.T_i))
    print(lrs)

    swa = AveragedModel(model)
    ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.9))
    swa_sched = SWALR(opt, swa_lr=0.05, anneal_epochs=3, anneal_strategy="cos")
    loader = DataLoader(TensorDataset(tokens, lengths, labels), batch_size=4, shuffle=True)
    for epoch in range(3):
        for tok, ln, lab in loader:
            opt.zero_grad()
            F.cross_entropy(model(tok, ln)[0], lab).backward()
            opt.step()
        swa.update_parameters(model)
        ema.update_parameters(model)
        swa_sched.step()
        print(epoch, swa.n_averaged, f"{opt.param_groups[0]['lr']:.6f}", swa.module.out.bias, ema.module.out.bias)

    class Wrapped(nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, batch):
            return self.inner(batch, lengths[:batch.shape[0]])

    bn_loader = DataLoader(tokens, batch_size=4)
    before = swa.module.norm.running_mean.clone()
    update_bn(bn_loader, Wrapped(swa.module))
    print(before, swa.module.norm.running_mean, swa.module.norm.num_batches_tracked)
    swa.eval()
    print(swa(tokens, lengths)[0].argmax(-1), labels)
