"""Users' code is the test: a small causal Transformer language model, a nanoGPT-style model, GRU and LSTM
seq2seq models with attention, written as PyTorch tutorials write them, run on PyTorch and on deepgrad (only
the `torch` namespace differs) from the same weights, in float64; every loss, gradient and token agrees."""
import numpy as np

from tests.nn.users_torch_common import assert_same_log, grads, namespaces, start_weights


def causal_lm(torch, init, tokens, lengths, pad_id=0):
    """Three AdamW steps of a tied-embedding Transformer LM on padded batches, then greedy/top-k decoding."""
    nn = torch.nn
    F = torch.nn.functional

    class TinyLM(nn.Module):
        def __init__(self, vocab=11, d_model=8, nhead=2, nlayers=2, max_len=16):
            super().__init__()
            self.emb = nn.Embedding(vocab, d_model, padding_idx=pad_id)
            self.pos = nn.Parameter(torch.zeros(1, max_len, d_model))
            layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=16, dropout=0.0,
                                               batch_first=True, norm_first=True, activation="gelu")
            self.encoder = nn.TransformerEncoder(layer, nlayers, enable_nested_tensor=False)
            self.norm = nn.LayerNorm(d_model)
            self.head = nn.Linear(d_model, vocab, bias=False)
            self.head.weight = self.emb.weight          # weight tying

        def forward(self, idx, mask, pad_mask=None):
            T = idx.size(1)
            x = self.emb(idx) + self.pos[:, :T]
            x = self.encoder(x, mask=mask, src_key_padding_mask=pad_mask, is_causal=True)
            return self.head(self.norm(x))

    model = start_weights(torch, TinyLM(), init)
    log = [model.head.weight is model.emb.weight, sum(p.numel() for p in model.parameters()),
           [n for n, _ in model.named_parameters()]]
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.1)
    x = torch.from_numpy(tokens)
    lengths = torch.tensor(lengths)
    pad_mask = torch.arange(x.size(1))[None, :] >= lengths[:, None]
    inp, tgt = x[:, :-1], x[:, 1:].clone()
    tgt[pad_mask[:, 1:]] = -100
    T = inp.size(1)
    causal = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    for step in range(3):
        model.train()
        logits = model(inp, causal, pad_mask[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt.reshape(-1), ignore_index=-100)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        log.append([loss.item(), grads(model)])
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    float_mask = nn.Transformer.generate_square_subsequent_mask(5)
    log.append([float_mask.numpy(), bool((float_mask == torch.triu(torch.full((5, 5), float("-inf")), 1)).all())])

    model.eval()
    out = x[:1, :3]
    with torch.no_grad():
        for _ in range(4):
            mask = nn.Transformer.generate_square_subsequent_mask(out.size(1), dtype=torch.float64)
            logits = model(out, mask)[:, -1, :]
            v, ix = torch.topk(logits, 3)
            logits[logits < v[:, [-1]]] = -float("Inf")
            probs = F.softmax(logits, dim=-1)
            sample = torch.multinomial(probs, num_samples=1)         # a random draw: only its support matches
            next_id = torch.argmax(probs, dim=-1, keepdim=True)
            out = torch.cat((out, next_id), dim=1)
            log.append([v.numpy(), ix.numpy(), probs.numpy(), tuple(sample.shape), bool(probs.gather(1, sample) > 0)])
    log.append(out.numpy())
    return log


def seq2seq(torch, init, src, src_lens, trg, teacher_forcing):
    """Three SGD steps of a bidirectional-GRU encoder (packed) and an attention GRU decoder, with teacher
    forcing decided per step by the caller's coin flips."""
    nn = torch.nn
    F = torch.nn.functional
    PAD = 0

    class Encoder(nn.Module):
        def __init__(self, vocab, emb_dim, hid):
            super().__init__()
            self.embedding = nn.Embedding(vocab, emb_dim, padding_idx=PAD)
            self.rnn = nn.GRU(emb_dim, hid, batch_first=True, bidirectional=True)
            self.fc = nn.Linear(hid * 2, hid)

        def forward(self, src, lens):
            embedded = self.embedding(src)
            packed = nn.utils.rnn.pack_padded_sequence(embedded, lens, batch_first=True, enforce_sorted=False)
            packed_out, hidden = self.rnn(packed)
            outputs, _ = nn.utils.rnn.pad_packed_sequence(packed_out, batch_first=True, total_length=src.size(1))
            hidden = torch.tanh(self.fc(torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)))
            return outputs, hidden

    class Attention(nn.Module):                      # Bahdanau (additive)
        def __init__(self, hid):
            super().__init__()
            self.attn = nn.Linear(hid * 3, hid)
            self.v = nn.Linear(hid, 1, bias=False)

        def forward(self, hidden, enc_out, mask):
            src_len = enc_out.shape[1]
            hidden = hidden.unsqueeze(1).repeat(1, src_len, 1)
            energy = torch.tanh(self.attn(torch.cat((hidden, enc_out), dim=2)))
            scores = self.v(energy).squeeze(2).masked_fill(mask == 0, -1e10)
            return F.softmax(scores, dim=1)

    class Decoder(nn.Module):
        def __init__(self, vocab, emb_dim, hid):
            super().__init__()
            self.attention = Attention(hid)
            self.embedding = nn.Embedding(vocab, emb_dim)
            self.rnn = nn.GRU(hid * 2 + emb_dim, hid)
            self.fc_out = nn.Linear(hid * 3 + emb_dim, vocab)

        def forward(self, inp, hidden, enc_out, mask):
            embedded = self.embedding(inp.unsqueeze(0))
            a = self.attention(hidden, enc_out, mask).unsqueeze(1)
            weighted = torch.bmm(a, enc_out).permute(1, 0, 2)
            output, hidden = self.rnn(torch.cat((embedded, weighted), dim=2), hidden.unsqueeze(0))
            keys = enc_out[:, :, :6] + enc_out[:, :, 6:]          # Luong dot attention as a second read-out
            dot = torch.bmm(keys, output.permute(1, 2, 0)).squeeze(2).masked_fill(~mask, float("-inf"))
            dot_ctx = torch.bmm(F.softmax(dot, dim=-1).unsqueeze(1), enc_out).squeeze(1)
            context = weighted.squeeze(0) * 0.5 + dot_ctx * 0.5
            pred = self.fc_out(torch.cat((output.squeeze(0), context, embedded.squeeze(0)), dim=1))
            return pred, hidden.squeeze(0), a.squeeze(1)

    class Seq2Seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = Encoder(9, 5, 6)
            self.decoder = Decoder(10, 5, 6)

        def forward(self, src, lens, trg, teacher_forcing):
            batch_size, trg_len = trg.shape
            outputs = torch.zeros(trg_len, batch_size, 10, dtype=torch.float64)
            enc_out, hidden = self.encoder(src, lens)
            mask = src != PAD
            inp = trg[:, 0]
            attentions = []
            for t in range(1, trg_len):
                output, hidden, a = self.decoder(inp, hidden, enc_out, mask)
                outputs[t] = output
                attentions.append(a)
                inp = trg[:, t] if teacher_forcing[t] else output.argmax(1)
            return outputs, torch.stack(attentions, dim=1)

    model = start_weights(torch, Seq2Seq(), init)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    criterion = nn.CrossEntropyLoss(ignore_index=PAD)
    src, trg, lens = torch.from_numpy(src), torch.from_numpy(trg), torch.tensor(src_lens)
    log = []
    for flips in teacher_forcing:
        model.train()
        optimizer.zero_grad()
        output, attention = model(src, lens, trg, flips)
        loss = criterion(output[1:].view(-1, output.shape[-1]), trg.t()[1:].reshape(-1))
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        log.append([loss.item(), float(norm), attention.detach().numpy(), grads(model)])
        optimizer.step()
    return log


def nanogpt(torch, init, idx_np, tgt_np):
    """Karpathy-style GPT: heads with a registered tril buffer, a fused-qkv head through
    scaled_dot_product_attention(is_causal=True), apply(_init_weights), generate() with top-k."""
    nn = torch.nn
    F = torch.nn.functional
    n_embd, block_size, n_head, vocab = 8, 6, 2, 7
    class Head(nn.Module):
        def __init__(self, head_size):
            super().__init__()
            self.key = nn.Linear(n_embd, head_size, bias=False)
            self.query = nn.Linear(n_embd, head_size, bias=False)
            self.value = nn.Linear(n_embd, head_size, bias=False)
            self.register_buffer('tril', torch.tril(torch.ones(block_size, block_size)))
            self.dropout = nn.Dropout(0.0)
        def forward(self, x):
            B, T, C = x.shape
            k = self.key(x)
            q = self.query(x)
            wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5
            wei = wei.masked_fill(self.tril[:T, :T] == 0, float('-inf'))
            wei = F.softmax(wei, dim=-1)
            wei = self.dropout(wei)
            return wei @ self.value(x)
    class MultiHead(nn.Module):
        def __init__(self, num_heads, head_size):
            super().__init__()
            self.heads = nn.ModuleList([Head(head_size) for _ in range(num_heads)])
            self.proj = nn.Linear(head_size * num_heads, n_embd)
        def forward(self, x):
            return self.proj(torch.cat([h(x) for h in self.heads], dim=-1))
    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(n_embd, 3 * n_embd)
            self.c_proj = nn.Linear(n_embd, n_embd)
        def forward(self, x):
            B, T, C = x.size()
            q, k, v = self.c_attn(x).split(n_embd, dim=2)
            k = k.view(B, T, n_head, C // n_head).transpose(1, 2)
            q = q.view(B, T, n_head, C // n_head).transpose(1, 2)
            v = v.view(B, T, n_head, C // n_head).transpose(1, 2)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=True)
            y = y.transpose(1, 2).contiguous().view(B, T, C)
            return self.c_proj(y)
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.sa = MultiHead(n_head, n_embd // n_head)
            self.attn = CausalSelfAttention()
            self.ffwd = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(approximate='tanh'),
                                      nn.Linear(4 * n_embd, n_embd), nn.Dropout(0.0))
            self.ln1, self.ln2, self.ln3 = nn.LayerNorm(n_embd), nn.LayerNorm(n_embd), nn.LayerNorm(n_embd)
        def forward(self, x):
            x = x + self.sa(self.ln1(x))
            x = x + self.attn(self.ln3(x))
            return x + self.ffwd(self.ln2(x))
    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.token_embedding_table = nn.Embedding(vocab, n_embd)
            self.position_embedding_table = nn.Embedding(block_size, n_embd)
            self.blocks = nn.Sequential(*[Block() for _ in range(2)])
            self.ln_f = nn.LayerNorm(n_embd)
            self.lm_head = nn.Linear(n_embd, vocab)
            self.apply(self._init_weights)
        def _init_weights(self, module):
            if isinstance(module, nn.Linear):
                torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
                if module.bias is not None:
                    torch.nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Embedding):
                torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
        def forward(self, idx, targets=None):
            B, T = idx.shape
            tok_emb = self.token_embedding_table(idx)
            pos_emb = self.position_embedding_table(torch.arange(T))
            x = self.ln_f(self.blocks(tok_emb + pos_emb))
            logits = self.lm_head(x)
            if targets is None:
                return logits, None
            B, T, C = logits.shape
            loss = F.cross_entropy(logits.view(B * T, C), targets.view(B * T))
            loss2 = F.cross_entropy(logits.transpose(1, 2), targets, ignore_index=3, label_smoothing=0.1)
            return logits, loss + loss2
        @torch.no_grad()
        def generate(self, idx, max_new_tokens, temperature=1.0, top_k=None):
            for _ in range(max_new_tokens):
                idx_cond = idx if idx.size(1) <= block_size else idx[:, -block_size:]
                logits, _ = self(idx_cond)
                logits = logits[:, -1, :] / temperature
                if top_k is not None:
                    v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                    logits[logits < v[:, [-1]]] = -float('Inf')
                probs = F.softmax(logits, dim=-1)
                idx_next = torch.argmax(probs, dim=-1, keepdim=True)
                idx = torch.cat((idx, idx_next), dim=1)
            return idx
    model = start_weights(torch, GPT(), init)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    xb, yb = torch.from_numpy(idx_np), torch.from_numpy(tgt_np)
    log = []
    for it in range(3):
        logits, loss = model(xb, yb)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        log.append([loss.item(), grads(model)])
        optimizer.step()
    model.eval()
    log.append(model.generate(xb[:, :2], 6, temperature=0.8, top_k=4).numpy())
    return log


def lstm_seq2seq(torch, init, seqs, tgts):
    """An LSTM encoder (2 layers, packed) and an LSTMCell decoder with einsum attention, a masked mean token
    loss, LambdaLR warm-up; then the index arithmetic of a beam search step (topk, //, %, div floor)."""
    nn = torch.nn
    F = torch.nn.functional

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(12, 6, padding_idx=0)
            self.enc = nn.LSTM(6, 5, num_layers=2, batch_first=True, dropout=0.0)
            self.dec = nn.LSTMCell(6 + 5, 5)
            self.attn = nn.Linear(5, 5, bias=False)
            self.out = nn.Linear(10, 12)

        def forward(self, src, lens, tgt):
            packed = nn.utils.rnn.pack_padded_sequence(self.emb(src), lens.cpu(), batch_first=True,
                                                       enforce_sorted=False)
            enc_out, (h, c) = self.enc(packed)
            enc_out, _ = nn.utils.rnn.pad_packed_sequence(enc_out, batch_first=True)
            mask = torch.arange(enc_out.size(1))[None, :] < lens[:, None]
            hx, cx = h[-1], c[-1]
            ctx = torch.zeros_like(hx)
            logits = []
            for t in range(tgt.size(1) - 1):
                hx, cx = self.dec(torch.cat([self.emb(tgt[:, t]), ctx], -1), (hx, cx))
                score = torch.einsum("bsh,bh->bs", enc_out, self.attn(hx))
                score = score.masked_fill(~mask, float("-inf"))
                a = score.softmax(-1)
                ctx = (a.unsqueeze(-1) * enc_out).sum(1)
                logits.append(self.out(torch.cat([hx, ctx], -1)))
            return torch.stack(logits, 1)
    model = start_weights(torch, M(), init)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 2))
    src = nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], batch_first=True, padding_value=0)
    lens = torch.tensor([len(s) for s in seqs])
    tgt = nn.utils.rnn.pad_sequence([torch.tensor(t) for t in tgts], batch_first=True)
    log = [src.numpy(), tgt.numpy()]
    for step in range(3):
        logits = model(src, lens, tgt)
        loss_tok = F.cross_entropy(logits.reshape(-1, 12), tgt[:, 1:].reshape(-1), reduction="none")
        m = (tgt[:, 1:] != 0).reshape(-1).float()
        loss = (loss_tok * m).sum() / m.sum()
        opt.zero_grad()
        loss.backward()
        n = nn.utils.clip_grad_norm_(model.parameters(), max_norm=2.0, norm_type=2)
        log.append([loss.item(), n.item(), grads(model), opt.param_groups[0]["lr"]])
        opt.step()
        sched.step()
    # beam search-ish bookkeeping ops
    with torch.no_grad():
        scores = model(src, lens, tgt)[:, -1].log_softmax(-1)
        flat = scores.view(-1)
        top, idx = flat.topk(4)
        beam = torch.div(idx, 12, rounding_mode="floor")
        tok = idx % 12
        log.append([top.numpy(), beam.numpy(), tok.numpy(), (idx // 12).numpy()])
        log.append(torch.where(scores > -2.5, scores, torch.zeros_like(scores)).numpy())
    return log


def test_causal_transformer_lm_matches_torch():
    torch, ag = namespaces()
    rs = np.random.RandomState(0)
    lengths = [7, 5, 4]
    tokens = rs.randint(1, 11, size=(3, 7))
    for row, length in enumerate(lengths):
        tokens[row, length:] = 0
    torch.manual_seed(0)
    init = {}
    theirs = causal_lm(torch, init, tokens, lengths)
    assert_same_log(causal_lm(ag, init, tokens, lengths), theirs)


def test_gru_seq2seq_with_attention_matches_torch():
    torch, ag = namespaces()
    rs = np.random.RandomState(0)
    lens = [5, 3, 4, 2]
    src = rs.randint(1, 9, size=(4, 5))
    for row, length in enumerate(lens):
        src[row, length:] = 0
    trg = rs.randint(2, 10, size=(4, 6))
    trg[:, 0], trg[1, 4:] = 1, 0
    flips = [[bool(b) for b in rs.rand(6) < 0.5] for _ in range(3)]
    torch.manual_seed(0)
    init = {}
    theirs = seq2seq(torch, init, src, lens, trg, flips)
    assert_same_log(seq2seq(ag, init, src, lens, trg, flips), theirs)


def test_nanogpt_style_model_matches_torch():
    torch, ag = namespaces()
    rs = np.random.RandomState(0)
    idx, targets = rs.randint(0, 7, (3, 6)), rs.randint(0, 7, (3, 6))
    torch.manual_seed(0)
    init = {}
    theirs = nanogpt(torch, init, idx, targets)
    assert_same_log(nanogpt(ag, init, idx, targets), theirs)


def test_default_transformer_encoder_with_padding_matches_torch_in_train_and_eval():
    """The defaults (post-norm, relu, dropout 0.1) with a key padding mask, batch first. In eval PyTorch's
    nested-tensor fast path zeroes the padded positions (a documented difference): the rest must agree."""
    torch, ag = namespaces()
    rs = np.random.RandomState(0)
    x = rs.randn(3, 5, 8)
    pad = np.zeros((3, 5), bool)
    pad[1, 3:] = pad[2, 4:] = True

    def run(torch, init, train):
        nn = torch.nn
        layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)
        encoder = start_weights(torch, nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(8)), init)
        src, mask = torch.from_numpy(x), torch.from_numpy(pad)
        if not train:
            encoder.eval()
            with torch.no_grad():
                return [encoder(src, src_key_padding_mask=mask)[~mask].numpy()]
        for m in encoder.modules():               # dropout draws differ: switch them off, in train mode
            if isinstance(m, nn.Dropout):
                m.p = 0.0
            if isinstance(m, nn.MultiheadAttention):
                m.dropout = 0.0
        out = encoder(src, src_key_padding_mask=mask)
        (out * torch.from_numpy(np.cos(x))).sum().backward()
        return [out.detach().numpy(), grads(encoder)]

    for train in (True, False):
        torch.manual_seed(0)
        init = {}
        theirs = run(torch, init, train)
        assert_same_log(run(ag, init, train), theirs)


def test_lstm_seq2seq_and_beam_bookkeeping_match_torch():
    torch, ag = namespaces()
    rs = np.random.RandomState(0)
    seqs = [list(rs.randint(1, 12, n)) for n in (5, 3, 4)]
    tgts = [[1] + list(rs.randint(2, 12, n)) for n in (4, 5, 2)]
    torch.manual_seed(0)
    init = {}
    theirs = lstm_seq2seq(torch, init, seqs, tgts)
    assert_same_log(lstm_seq2seq(ag, init, seqs, tgts), theirs)
