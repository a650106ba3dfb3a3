"""A miniature GPT in the style of minGPT / nanoGPT, seeded by torch.manual_seed(1337): token and learned position
embeddings, pre-norm blocks with nn.MultiheadAttention under a causal attn_mask (need_weights=True, so its
attention dropout is the ordinary dropout on the weights), GPT-2's initialisation through self.apply
(normal_(0, 0.02) on Linear and Embedding, zeroed biases, the residual projections scaled by
0.02 / sqrt(2 * n_layer)), nn.Dropout on the embeddings and the MLP, batches of random windows picked with
torch.randint, AdamW with weight decay on the matrices only, and generation by top-k sampling
(torch.topk, then torch.multinomial). Float32; every random number comes from torch.manual_seed.
"""
import math

import torch
import torch.nn as nn
from torch.nn import functional as F

# a counting language: "a b c d e f g h" repeated with a twist every few symbols
stream = []
for i in range(300):
    stream.append(i % 8)
    if i % 5 == 4:
        stream.append(8)


class Block(nn.Module):
    def __init__(self, n_embd, n_head, dropout):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = nn.MultiheadAttention(n_embd, n_head, dropout=dropout, batch_first=True)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(), nn.Linear(4 * n_embd, n_embd),
                                 nn.Dropout(dropout))

    def forward(self, x, mask):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, attn_mask=mask)[0]
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size=9, block_size=16, n_layer=2, n_head=2, n_embd=16, dropout=0.1):
        super().__init__()
        self.block_size = block_size
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.drop = nn.Dropout(dropout)
        self.h = nn.ModuleList([Block(n_embd, n_head, dropout) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith('mlp.2.weight') or pn.endswith('out_proj.weight'):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets=None):
        b, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long)
        x = self.drop(self.wte(idx) + self.wpe(pos))
        mask = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
        for block in self.h:
            x = block(x, mask)
        logits = self.lm_head(self.ln_f(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        return logits, loss

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, temperature=1.0, top_k=None):
        for _ in range(max_new_tokens):
            idx_cond = idx if idx.size(1) <= self.block_size else idx[:, -self.block_size:]
            logits, _ = self(idx_cond)
            logits = logits[:, -1, :] / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                logits[logits < v[:, [-1]]] = -float('Inf')
            probs = F.softmax(logits, dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1)
            idx = torch.cat((idx, idx_next), dim=1)
        return idx


def main():
    torch.manual_seed(1337)
    data = torch.tensor(stream, dtype=torch.long)
    model = GPT()
    print("number of parameters: %d" % sum(p.numel() for p in model.parameters()))
    print("wte[1]:", [round(v, 5) for v in model.wte.weight[1, :5].tolist()])
    print("out_proj std:", round(model.h[0].attn.out_proj.weight.std().item(), 5),
          "in_proj (xavier, MHA's own):", [round(v, 4) for v in model.h[0].attn.in_proj_weight[0, :3].tolist()])
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1},
                                   {'params': no_decay, 'weight_decay': 0.0}], lr=5e-3, betas=(0.9, 0.95))
    block_size, batch_size = 16, 8
    for it in range(60):
        model.train()
        ix = torch.randint(len(data) - block_size, (batch_size,))
        x = torch.stack([data[i:i + block_size] for i in ix])
        y = torch.stack([data[i + 1:i + 1 + block_size] for i in ix])
        logits, loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if it % 10 == 0 or it == 59:
            print(f"iter {it}: loss {loss.item():.4f}")
    model.eval()
    start = torch.tensor([[0, 1, 2]])
    print("top-k sample:", model.generate(start, 12, top_k=3)[0].tolist())
    print("hot sample:  ", model.generate(start, 12, temperature=1.5)[0].tolist())
    with torch.no_grad():
        _, val_loss = model(data[None, 100:116], data[None, 101:117])
    print(f"held-out window loss {val_loss.item():.4f}")
