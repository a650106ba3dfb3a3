"""A character-level RNN that classifies names by language, written for PyTorch in the shape of its "NLP from
scratch: classifying names" tutorial; tests run it as is and with only its imports changed, and compare what both
print. unicodeToAscii through unicodedata, one-hot letter tensors built with torch.zeros and index assignment, a
hand-written RNN module (nn.Linear i2h/h2h/h2o, torch.cat, nn.LogSoftmax) stepped through the characters,
nn.NLLLoss, the manual update p.data.add_(p.grad.data, alpha=-learning_rate), categoryFromOutput and predict through
topk, a confusion matrix filled in a loop and normalised row by row; then a batched variant on nn.RNN over
variable-length names (F.one_hot, pad_sequence, pack_sequence with enforce_sorted=False, pack_padded_sequence of
a batch_first batch, pad_packed_sequence, a Dataset with a collate_fn, optim.SGD). Python's random module seeded
for the training samples; float64 weights from a seeded NumPy generator.
"""
import random
import string
import unicodedata

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence
from torch.utils.data import DataLoader, Dataset

all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)

NAMES = {
    "English": ["Abbott", "Baker", "Clarke", "Dawson", "Fletcher", "Hughes", "Kemp", "Marsh", "Ramsey", "Whitley"],
    "French": ["Beaulieu", "Chevalier", "Dubois", "Fontaine", "Lefèvre", "Moreau", "Rousseau", "Thérèse", "Vidal"],
    "Italian": ["Abbadelli", "Bianchi", "Caruso", "Esposito", "Ferrari", "Galli", "Lombardi", "Romano", "Zanetti"],
    "Japanese": ["Abe", "Fujita", "Hayashi", "Inoue", "Kobayashi", "Matsumoto", "Sato", "Takahashi", "Yamada"],
    "Polish": ["Adamczyk", "Dąbrowski", "Gorski", "Jankowski", "Kowalski", "Łukasiewicz", "Nowak", "Wójcik"],
}


def unicodeToAscii(s):
    return "".join(c for c in unicodedata.normalize("NFD", s)
                   if unicodedata.category(c) != "Mn" and c in all_letters)


def letterToIndex(letter):
    return all_letters.find(letter)


def letterToTensor(letter):
    tensor = torch.zeros(1, n_letters, dtype=torch.float64)
    tensor[0][letterToIndex(letter)] = 1
    return tensor


def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters, dtype=torch.float64)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(input_size, hidden_size)
        self.h2h = nn.Linear(hidden_size, hidden_size)
        self.h2o = nn.Linear(hidden_size + input_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, input, hidden):
        hidden = torch.tanh(self.i2h(input) + self.h2h(hidden))
        combined = torch.cat((hidden, input), 1)
        output = self.softmax(self.h2o(combined))
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size, dtype=torch.float64)


class BatchedRNN(nn.Module):
    """The same task on nn.RNN, a batch of names at a time."""

    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size, num_layers=2, batch_first=True)
        self.h2o = nn.Linear(hidden_size, output_size)

    def forward(self, packed):
        out, h_n = self.rnn(packed)
        return F.log_softmax(self.h2o(h_n[-1]), dim=1), out


class CharRNN(nn.Module):
    """The newer tutorial's model: nn.RNN over a whole (length, 1, n_letters) name, the last hidden state."""

    def __init__(self, input_size, hidden_size, output_size):
        super(CharRNN, self).__init__()
        self.rnn = nn.RNN(input_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, line_tensor):
        rnn_out, hidden = self.rnn(line_tensor)
        output = self.h2o(hidden[0])
        output = self.softmax(output)
        return output


class NamesData(Dataset):
    """(label tensor, one-hot name, label, name) items, as the newer tutorial's NamesDataset."""

    def __init__(self, category_lines):
        self.labels_uniq = sorted(set(category_lines))
        self.data, self.data_tensors, self.labels, self.labels_tensors = [], [], [], []
        for label, lines in category_lines.items():
            for line in lines:
                self.data.append(line)
                self.data_tensors.append(lineToTensor(line))
                self.labels.append(label)
        for label in self.labels:
            self.labels_tensors.append(torch.tensor([self.labels_uniq.index(label)], dtype=torch.long))

    def __len__(self):
        return len(self.data)

    def __getitem__(self, idx):
        return self.labels_tensors[idx], self.data_tensors[idx], self.labels[idx], self.data[idx]


def set_weights(model, rng):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.uniform(-0.3, 0.3, size=tuple(p.shape))))


def categoryFromOutput(output, all_categories):
    top_n, top_i = output.topk(1)
    category_i = top_i[0].item()
    return all_categories[category_i], category_i


class NamesDataset(Dataset):
    def __init__(self, pairs, all_categories):
        self.pairs = pairs
        self.all_categories = all_categories

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, idx):
        category, line = self.pairs[idx]
        indices = torch.tensor([letterToIndex(c) for c in line])
        return F.one_hot(indices, n_letters).double(), self.all_categories.index(category)


def collate(batch):
    lines = [line for line, _ in batch]
    lengths = torch.tensor([len(line) for line in lines])
    return lines, lengths, torch.tensor([label for _, label in batch])


def main():
    rng = np.random.default_rng(31)
    random.seed(5)
    print(unicodeToAscii("Ślusàrski"), unicodeToAscii("Łukasiewicz"), n_letters)
    category_lines = {lang: [unicodeToAscii(n) for n in names] for lang, names in NAMES.items()}
    all_categories = list(category_lines)
    n_categories = len(all_categories)
    print(letterToTensor("J").nonzero().tolist(), lineToTensor("Jones").size(), lineToTensor("Jones").sum().item())

    n_hidden = 24
    rnn = RNN(n_letters, n_hidden, n_categories).double()
    set_weights(rnn, rng)
    input = lineToTensor("Albert")
    hidden = torch.zeros(1, n_hidden, dtype=torch.float64)
    output, next_hidden = rnn(input[0], hidden)
    print("first output", output.tolist()[0])
    print(output)
    print(letterToTensor("J"))
    print(next_hidden[:, :6])
    print(categoryFromOutput(output, all_categories))

    def randomTrainingExample():
        category = random.choice(all_categories)
        line = random.choice(category_lines[category])
        category_tensor = torch.tensor([all_categories.index(category)], dtype=torch.long)
        return category, line, category_tensor, lineToTensor(line)

    criterion = nn.NLLLoss()
    learning_rate = 0.05

    def train(category_tensor, line_tensor):
        hidden = rnn.initHidden()
        rnn.zero_grad()
        for i in range(line_tensor.size()[0]):
            output, hidden = rnn(line_tensor[i], hidden)
        loss = criterion(output, category_tensor)
        loss.backward()
        # add parameters' gradients to their values, multiplied by learning rate
        for p in rnn.parameters():
            p.data.add_(p.grad.data, alpha=-learning_rate)
        return output, loss.item()

    n_iters, print_every, plot_every = 300, 50, 25
    current_loss, all_losses = 0, []
    for iter in range(1, n_iters + 1):
        category, line, category_tensor, line_tensor = randomTrainingExample()
        output, loss = train(category_tensor, line_tensor)
        current_loss += loss
        if iter % print_every == 0:
            guess, guess_i = categoryFromOutput(output, all_categories)
            correct = "✓" if guess == category else "✗ (%s)" % category
            print("%d %d%% %.10f %s / %s %s" % (iter, iter / n_iters * 100, loss, line, guess, correct))
        if iter % plot_every == 0:
            all_losses.append(current_loss / plot_every)
            current_loss = 0
    print("losses", all_losses)

    def evaluate(line_tensor):
        hidden = rnn.initHidden()
        for i in range(line_tensor.size()[0]):
            output, hidden = rnn(line_tensor[i], hidden)
        return output

    # keep track of correct guesses in a confusion matrix
    confusion = torch.zeros(n_categories, n_categories)
    for category in all_categories:
        for line in category_lines[category]:
            output = evaluate(lineToTensor(line))
            guess, guess_i = categoryFromOutput(output, all_categories)
            category_i = all_categories.index(category)
            confusion[category_i][guess_i] += 1
    print("counts", confusion.tolist(), confusion.dtype)
    # normalize by dividing every row by its sum
    for i in range(n_categories):
        confusion[i] = confusion[i] / confusion[i].sum()
    print("confusion", confusion.tolist())
    print("diagonal", confusion.diag().mean().item())

    def predict(input_line, n_predictions=3):
        print("\n> %s" % input_line)
        with torch.no_grad():
            output = evaluate(lineToTensor(input_line))
            # get top N categories
            topv, topi = output.topk(n_predictions, 1, True)
            for i in range(n_predictions):
                value = topv[0][i].item()
                category_index = topi[0][i].item()
                print("(%.10f) %s" % (value, all_categories[category_index]))

    predict("Dovesky")
    predict("Jackson")
    predict("Satoshi")

    # the newer tutorial: nn.RNN per name, mini-batches of summed losses, clip_grad_norm_, optim.SGD
    alldata = NamesData(category_lines)
    print("dataset", len(alldata), alldata.labels_uniq, alldata[3][0].tolist(), alldata[3][1].shape)
    char_rnn = CharRNN(n_letters, 12, len(alldata.labels_uniq)).double()
    set_weights(char_rnn, rng)
    test_idx = list(range(0, len(alldata), 5))
    train_idx = [i for i in range(len(alldata)) if i % 5]
    optimizer = optim.SGD(char_rnn.parameters(), lr=0.2)
    criterion = nn.NLLLoss()
    for epoch in range(1, 5):
        char_rnn.train()
        current_loss = 0
        batches = list(train_idx)
        random.shuffle(batches)
        batches = np.array_split(batches, len(batches) // 8)
        for idx, batch in enumerate(batches):
            batch_loss = 0
            for i in batch:
                (label_tensor, text_tensor, label, text) = alldata[i]
                output = char_rnn.forward(text_tensor)
                loss = criterion(output, label_tensor)
                batch_loss += loss
            # optimize parameters
            batch_loss.backward()
            norm = nn.utils.clip_grad_norm_(char_rnn.parameters(), 3)
            optimizer.step()
            optimizer.zero_grad()
            current_loss += batch_loss.item() / len(batch)
        print("epoch", epoch, "average batch loss", current_loss / len(batches), "last norm", norm.item())

    confusion = torch.zeros(len(alldata.labels_uniq), len(alldata.labels_uniq))
    char_rnn.eval()
    with torch.no_grad():
        for i in test_idx:
            (label_tensor, text_tensor, label, text) = alldata[i]
            output = char_rnn(text_tensor)
            guess, guess_i = categoryFromOutput(output, alldata.labels_uniq)
            label_i = alldata.labels_uniq.index(label)
            confusion[label_i][guess_i] += 1
        # unbatched input: a (length, n_letters) name gives a (layers, hidden) state
        out, h = char_rnn.rnn(lineToTensor("Kowalski").squeeze(1))
        print("unbatched", tuple(out.shape), tuple(h.shape), h.sum().item())
    for i in range(len(alldata.labels_uniq)):
        denom = confusion[i].sum()
        if denom > 0:
            confusion[i] = confusion[i] / denom
    print("test confusion", confusion.numpy().round(6).tolist())

    # the batched variant: variable-length names through nn.RNN
    pairs = [(c, line) for c in all_categories for line in category_lines[c]]
    random.shuffle(pairs)
    model = BatchedRNN(n_letters, 16, n_categories).double()
    set_weights(model, rng)
    loader = DataLoader(NamesDataset(pairs, all_categories), batch_size=9, shuffle=False, collate_fn=collate)
    optimizer = optim.SGD(model.parameters(), lr=0.2, momentum=0.5)
    for epoch in range(3):
        total = 0.0
        for lines, lengths, labels in loader:
            packed = pack_sequence(lines, enforce_sorted=False)
            optimizer.zero_grad()
            output, _ = model(packed)
            loss = F.nll_loss(output, labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(lines)
        print("epoch", epoch, "loss", total / len(pairs), "batch_sizes", packed.batch_sizes.tolist())
    print("sorted_indices", packed.sorted_indices.tolist(), "unsorted", packed.unsorted_indices.tolist())

    # the same batch padded (batch_first) and packed from its lengths
    with torch.no_grad():
        # (the tutorial's loop variable `iter` shadows the builtin here)
        lines, lengths, labels = next(loader.__iter__())
        padded = pad_sequence(lines, batch_first=True)
        packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
        output, out = model(packed)
        unpacked, out_lengths = pad_packed_sequence(out, batch_first=True)
        print("padded", tuple(padded.shape), "unpacked", tuple(unpacked.shape), out_lengths.tolist())
        print("last steps equal h_n", torch.allclose(unpacked[torch.arange(len(lines)), out_lengths - 1],
                                                   model.rnn(packed)[1][-1]))
        print("batch output", output.exp().sum(1).tolist()[:3], output.argmax(1).tolist(), labels.tolist())
        print("padded tail", unpacked[0, -1].abs().sum().item(), unpacked.sum().item())


if __name__ == "__main__":
    main()
