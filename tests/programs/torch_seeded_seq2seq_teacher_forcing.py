"""A GRU encoder-decoder in the style of Ben Trevett's "pytorch-seq2seq" tutorials, seeded by
torch.manual_seed(1234): the Sutskever initialisation (every parameter nn.init.uniform_(-0.08, 0.08) through
model.apply), embeddings with dropout, a teacher-forcing ratio decided per time step by a draw (torch.rand(1)
instead of random.random, so that the seed governs it), a sequence-reversal task whose source sequences come
from torch.randint, gradient clipping, CrossEntropyLoss with ignore_index for padding, epoch losses, and
greedy decoding of a few test sequences. Float32; every random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.optim as optim

PAD, SOS, EOS, VOCAB = 0, 1, 2, 10


class Encoder(nn.Module):
    def __init__(self, input_dim, emb_dim, hid_dim, dropout):
        super().__init__()
        self.embedding = nn.Embedding(input_dim, emb_dim)
        self.rnn = nn.GRU(emb_dim, hid_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, src):
        embedded = self.dropout(self.embedding(src))
        outputs, hidden = self.rnn(embedded)
        return hidden


class Decoder(nn.Module):
    def __init__(self, output_dim, emb_dim, hid_dim, dropout):
        super().__init__()
        self.output_dim = output_dim
        self.embedding = nn.Embedding(output_dim, emb_dim)
        self.rnn = nn.GRU(emb_dim + hid_dim, hid_dim)
        self.fc_out = nn.Linear(emb_dim + hid_dim * 2, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, input, hidden, context):
        input = input.unsqueeze(0)
        embedded = self.dropout(self.embedding(input))
        emb_con = torch.cat((embedded, context), dim=2)
        output, hidden = self.rnn(emb_con, hidden)
        output = torch.cat((embedded.squeeze(0), hidden.squeeze(0), context.squeeze(0)), dim=1)
        return self.fc_out(output), hidden


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, src, trg, teacher_forcing_ratio=0.5):
        trg_len, batch_size = trg.shape
        outputs = torch.zeros(trg_len, batch_size, self.decoder.output_dim)
        context = self.encoder(src)
        hidden = context
        input = trg[0, :]
        for t in range(1, trg_len):
            output, hidden = self.decoder(input, hidden, context)
            outputs[t] = output
            teacher_force = torch.rand(1).item() < teacher_forcing_ratio
            top1 = output.argmax(1)
            input = trg[t] if teacher_force else top1
        return outputs


def init_weights(m):
    for name, param in m.named_parameters():
        nn.init.uniform_(param.data, -0.08, 0.08)


def make_batch(batch_size, length=5):
    body = torch.randint(3, VOCAB, (length, batch_size))
    sos = torch.full((1, batch_size), SOS)
    eos = torch.full((1, batch_size), EOS)
    src = torch.cat([sos, body, eos])
    trg = torch.cat([sos, body.flip(0), eos])
    return src, trg


def main():
    torch.manual_seed(1234)
    model = Seq2Seq(Encoder(VOCAB, 8, 24, 0.1), Decoder(VOCAB, 8, 24, 0.1))
    print("default GRU weight before init:", [round(v, 4) for v in model.encoder.rnn.weight_hh_l0[0, :4].tolist()])
    model.apply(init_weights)
    print(f'The model has {sum(p.numel() for p in model.parameters() if p.requires_grad):,} trainable parameters')
    print("after uniform_(-0.08, 0.08):", [round(v, 4) for v in model.decoder.fc_out.weight[0, :4].tolist()])
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss(ignore_index=PAD)
    for epoch in range(8):
        model.train()
        epoch_loss = 0
        for _ in range(4):
            src, trg = make_batch(16)
            optimizer.zero_grad()
            output = model(src, trg)
            output_dim = output.shape[-1]
            loss = criterion(output[1:].view(-1, output_dim), trg[1:].reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1)
            optimizer.step()
            epoch_loss += loss.item()
        print(f'Epoch: {epoch + 1:02} | Train Loss: {epoch_loss / 4:.3f}')
    model.eval()
    src, trg = make_batch(3)
    with torch.no_grad():
        output = model(src, trg, teacher_forcing_ratio=0)
    print("source:   ", src[1:-1].T.tolist())
    print("target:   ", trg[1:-1].T.tolist())
    print("predicted:", output[1:-1].argmax(-1).T.tolist())
