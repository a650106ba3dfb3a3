"""A PyTorch training program, written for PyTorch; tests run it as is and with only its imports changed.

It starts from a deterministic state (no random numbers), so both libraries must print the same numbers.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 16)
        self.fc2 = nn.Linear(16, 3)
        self.cell = nn.LSTMCell(3, 4)
        self.head = nn.Linear(4 + 3, 3)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        h = F.relu(self.fc1(x))
        logits = self.fc2(h)
        hx, cx = self.cell(torch.tanh(logits))
        return self.head(torch.cat([hx, logits], dim=1))


def deterministic_init(model):
    with torch.no_grad():
        for i, (name, p) in enumerate(model.named_parameters()):
            n = p.numel()
            values = torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + i) * 0.3
            p.copy_(values.view_as(p))


def make_data():
    t = torch.linspace(-1, 1, 96)
    x = torch.stack([t, t.pow(2), torch.sin(3 * t), torch.cos(2 * t), t * 0.5, torch.exp(-t * t)], dim=1)
    x = x.view(96, 2, 3)
    score = x[:, 0, 0] + x[:, 1, 2] - x[:, 0, 1]
    y = torch.zeros(96, dtype=torch.long)
    y[score > 0.3] = 1
    y[score > 1.0] = 2
    return x, y


def main():
    torch.manual_seed(0)
    x, y = make_data()
    model = Net()
    deterministic_init(model)
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=False)
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    losses = []
    for epoch in range(4):
        model.train()
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            out = model(xb)
            loss = F.cross_entropy(out, yb) + 0.01 * F.smooth_l1_loss(out.max(dim=1).values, yb.float())
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
            optimizer.step()
            total += loss.item() * xb.size(0)
        scheduler.step()
        losses.append(total / len(loader.dataset))
        print(f"epoch {epoch}: loss {losses[-1]:.5f}")
    model.eval()
    with torch.no_grad():
        out = model(x)
        pred = out.argmax(dim=1)
        accuracy = (pred == y).float().mean().item()
        top_values, top_index = out.topk(2, dim=1)
        spread = (top_values[:, 0] - top_values[:, 1]).mean().item()
        probs = F.softmax(out, dim=1)
        entropy = -(probs * probs.log()).sum(dim=1).mean()
    first_sample = out[0].tolist()
    print(f"accuracy {accuracy:.4f}, spread {spread:.4f}, entropy {entropy:.4f}")
    grad_fn = (model(x).sum() * 2).grad_fn
    assert grad_fn.name() == "MulBackward0" and grad_fn.next_functions[0][0].name() == "SumBackward0"
    sizes = [tuple(p.size()) for p in model.parameters()]
    assert sizes[0] == (16, 6) and math.isfinite(losses[-1])
    return {"losses": losses, "accuracy": accuracy, "spread": spread, "entropy": float(entropy),
            "first_sample": first_sample}


if __name__ == "__main__":
    main()
