"""PyTorch's "NLP From Scratch: Translation with a Sequence to Sequence Network and Attention" tutorial as written
(its 2023 batched form), on a synthetic language pair instead of the French-English download: Lang-style index
maps with SOS/EOS, tensorFromSentence, a TensorDataset of padded index batches, EncoderRNN (Embedding, Dropout,
batch_first GRU), BahdanauAttention (Wa, Ua, Va, softmax over the scores, torch.bmm context), AttnDecoderRNN that
feeds back its own topk(1) prediction or the target (teacher forcing), NLLLoss over view(-1) of the log-softmax
outputs, two Adam optimizers, train_epoch(), and evaluate() returning decoded words and attention weights.
Dropout is 0 (no random masks). Float64 through set_default_dtype; torch.manual_seed for the weights.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from torch.utils.data import DataLoader, TensorDataset

SOS_token = 0
EOS_token = 1
MAX_LENGTH = 6


class Lang:
    def __init__(self, name):
        self.name = name
        self.word2index = {}
        self.index2word = {0: "SOS", 1: "EOS"}
        self.n_words = 2

    def addSentence(self, sentence):
        for word in sentence.split(" "):
            self.addWord(word)

    def addWord(self, word):
        if word not in self.word2index:
            self.word2index[word] = self.n_words
            self.index2word[self.n_words] = word
            self.n_words += 1


class EncoderRNN(nn.Module):
    def __init__(self, input_size, hidden_size, dropout_p=0.1):
        super(EncoderRNN, self).__init__()
        self.hidden_size = hidden_size
        self.embedding = nn.Embedding(input_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)
        self.dropout = nn.Dropout(dropout_p)

    def forward(self, input):
        embedded = self.dropout(self.embedding(input))
        output, hidden = self.gru(embedded)
        return output, hidden


class BahdanauAttention(nn.Module):
    def __init__(self, hidden_size):
        super(BahdanauAttention, self).__init__()
        self.Wa = nn.Linear(hidden_size, hidden_size)
        self.Ua = nn.Linear(hidden_size, hidden_size)
        self.Va = nn.Linear(hidden_size, 1)

    def forward(self, query, keys):
        scores = self.Va(torch.tanh(self.Wa(query) + self.Ua(keys)))
        scores = scores.squeeze(2).unsqueeze(1)
        weights = F.softmax(scores, dim=-1)
        context = torch.bmm(weights, keys)
        return context, weights


class AttnDecoderRNN(nn.Module):
    def __init__(self, hidden_size, output_size, dropout_p=0.1):
        super(AttnDecoderRNN, self).__init__()
        self.embedding = nn.Embedding(output_size, hidden_size)
        self.attention = BahdanauAttention(hidden_size)
        self.gru = nn.GRU(2 * hidden_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, output_size)
        self.dropout = nn.Dropout(dropout_p)

    def forward(self, encoder_outputs, encoder_hidden, target_tensor=None):
        batch_size = encoder_outputs.size(0)
        decoder_input = torch.empty(batch_size, 1, dtype=torch.long).fill_(SOS_token)
        decoder_hidden = encoder_hidden
        decoder_outputs = []
        attentions = []
        for i in range(MAX_LENGTH):
            decoder_output, decoder_hidden, attn_weights = self.forward_step(decoder_input, decoder_hidden,
                                                                             encoder_outputs)
            decoder_outputs.append(decoder_output)
            attentions.append(attn_weights)
            if target_tensor is not None:
                decoder_input = target_tensor[:, i].unsqueeze(1)
            else:
                _, topi = decoder_output.topk(1)
                decoder_input = topi.squeeze(-1).detach()
        decoder_outputs = torch.cat(decoder_outputs, dim=1)
        decoder_outputs = F.log_softmax(decoder_outputs, dim=-1)
        attentions = torch.cat(attentions, dim=1)
        return decoder_outputs, decoder_hidden, attentions

    def forward_step(self, input, hidden, encoder_outputs):
        embedded = self.dropout(self.embedding(input))
        query = hidden.permute(1, 0, 2)
        context, attn_weights = self.attention(query, encoder_outputs)
        input_gru = torch.cat((embedded, context), dim=2)
        output, hidden = self.gru(input_gru, hidden)
        output = self.out(output)
        return output, hidden, attn_weights


def indexesFromSentence(lang, sentence):
    return [lang.word2index[word] for word in sentence.split(" ")]


def tensorFromSentence(lang, sentence):
    indexes = indexesFromSentence(lang, sentence)
    indexes.append(EOS_token)
    return torch.tensor(indexes, dtype=torch.long).view(1, -1)


def train_epoch(dataloader, encoder, decoder, encoder_optimizer, decoder_optimizer, criterion):
    total_loss = 0
    for data in dataloader:
        input_tensor, target_tensor = data
        encoder_optimizer.zero_grad()
        decoder_optimizer.zero_grad()
        encoder_outputs, encoder_hidden = encoder(input_tensor)
        decoder_outputs, _, _ = decoder(encoder_outputs, encoder_hidden, target_tensor)
        loss = criterion(decoder_outputs.view(-1, decoder_outputs.size(-1)), target_tensor.view(-1))
        loss.backward()
        encoder_optimizer.step()
        decoder_optimizer.step()
        total_loss += loss.item()
    return total_loss / len(dataloader)


def evaluate(encoder, decoder, sentence, input_lang, output_lang):
    with torch.no_grad():
        input_tensor = tensorFromSentence(input_lang, sentence)
        encoder_outputs, encoder_hidden = encoder(input_tensor)
        decoder_outputs, decoder_hidden, decoder_attn = decoder(encoder_outputs, encoder_hidden)
        _, topi = decoder_outputs.topk(1)
        decoded_ids = topi.squeeze()
        decoded_words = []
        for idx in decoded_ids:
            if idx.item() == EOS_token:
                decoded_words.append("<EOS>")
                break
            decoded_words.append(output_lang.index2word[idx.item()])
    return decoded_words, decoder_attn


def main():
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(1906)
    src_words = ["je", "tu", "il", "suis", "es", "est", "grand", "petit", "content"]
    tgt_words = ["i", "you", "he", "am", "are", "is", "tall", "small", "happy"]
    pairs = []
    for s in range(3):
        for a in range(6, 9):
            pairs.append((f"{src_words[s]} {src_words[s + 3]} {src_words[a]}",
                          f"{tgt_words[s]} {tgt_words[s + 3]} {tgt_words[a]}"))
    input_lang, output_lang = Lang("fra"), Lang("eng")
    for src, tgt in pairs:
        input_lang.addSentence(src)
        output_lang.addSentence(tgt)
    print("vocab", input_lang.n_words, output_lang.n_words, pairs[4])
    n = len(pairs)
    input_ids = torch.zeros((n, MAX_LENGTH), dtype=torch.long)
    target_ids = torch.zeros((n, MAX_LENGTH), dtype=torch.long)
    for idx, (inp, tgt) in enumerate(pairs):
        inp_ids = indexesFromSentence(input_lang, inp) + [EOS_token]
        tgt_ids = indexesFromSentence(output_lang, tgt) + [EOS_token]
        input_ids[idx, :len(inp_ids)] = torch.tensor(inp_ids)
        target_ids[idx, :len(tgt_ids)] = torch.tensor(tgt_ids)
    print("ids", input_ids[4].tolist(), target_ids[4].tolist())
    train_dataloader = DataLoader(TensorDataset(input_ids, target_ids), batch_size=3)

    hidden_size = 12
    encoder = EncoderRNN(input_lang.n_words, hidden_size, dropout_p=0.0)
    decoder = AttnDecoderRNN(hidden_size, output_lang.n_words, dropout_p=0.0)
    print("parameters", sum(p.numel() for p in encoder.parameters()), sum(p.numel() for p in decoder.parameters()))
    encoder_optimizer = optim.Adam(encoder.parameters(), lr=0.01)
    decoder_optimizer = optim.Adam(decoder.parameters(), lr=0.01)
    criterion = nn.NLLLoss()
    for epoch in range(1, 41):
        loss = train_epoch(train_dataloader, encoder, decoder, encoder_optimizer, decoder_optimizer, criterion)
        if epoch % 5 == 0:
            print(f"epoch {epoch}: loss {loss:.6f}")
    encoder.eval()
    decoder.eval()
    for src, tgt in pairs[::3]:
        words, attn = evaluate(encoder, decoder, src, input_lang, output_lang)
        print(">", src, "=", tgt, "<", " ".join(words), attn.shape)
    words, attn = evaluate(encoder, decoder, pairs[1][0], input_lang, output_lang)
    print("attention rows", attn[0, :2])
    enc_out, enc_hidden = encoder(tensorFromSentence(input_lang, pairs[2][0]))
    print("encoder", enc_out.shape, enc_hidden.shape, enc_hidden[0, 0, :4])


if __name__ == "__main__":
    main()
