"""The beginner's CNN tutorial loop, written for PyTorch; tests run it as is and with only its imports changed,
and compare what both print: device selection, print(model), a parameter table, outputs.data and torch.max
(whose named tuple prints), running loss and accuracy, class-weighted CrossEntropyLoss, ReduceLROnPlateau,
random_split. Deterministic: weights and data from seeded NumPy generators.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import TensorDataset, DataLoader, random_split

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 4, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(4, 8, 3)
        self.fc1 = nn.Linear(8 * 2 * 2, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        x = F.adaptive_avg_pool2d(F.relu(self.conv2(x)), (2, 2))
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


def main():
    rng = np.random.default_rng(13)
    images = rng.standard_normal((60, 1, 8, 8)).astype(np.float32)
    labels = (images[:, 0, :4].mean(axis=(1, 2)) > 0).astype(np.int64) + (images[:, 0, 4:].mean(axis=(1, 2)) > 0.1)
    dataset = TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))
    net = Net().to(device)
    with torch.no_grad():
        for name, p in sorted(net.named_parameters()):
            p.copy_(torch.from_numpy(rng.uniform(-0.3, 0.3, tuple(p.shape)).astype(np.float32)))
    print(net)
    for name, param in net.named_parameters():
        print(f"{name:12s} {str(tuple(param.shape)):14s} {param.requires_grad}")
    print("total", sum(p.numel() for p in net.parameters() if p.requires_grad))
    criterion = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5]))
    optimizer = optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=0)
    loader = DataLoader(dataset, batch_size=12, shuffle=False)
    for epoch in range(4):
        running_loss, correct, total = 0.0, 0, 0
        for i, data in enumerate(loader, 0):
            inputs, targets = data[0].to(device), data[1].to(device)
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, targets)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            _, predicted = torch.max(outputs.data, 1)
            total += targets.size(0)
            correct += (predicted == targets).sum().item()
        scheduler.step(running_loss)
        print(f"[{epoch + 1}] loss: {running_loss / len(loader):.5f} acc: {100 * correct / total:.2f}% "
              f"lr: {optimizer.param_groups[0]['lr']}")
    train_set, test_set = random_split(dataset, [48, 12], generator=torch.Generator().manual_seed(42))
    print(len(train_set), len(test_set), type(train_set).__name__)
    with torch.no_grad():
        outputs = net(torch.from_numpy(images[:4]))
        print(outputs)
        print(F.softmax(outputs, dim=1).sum(dim=1), outputs.argmax(1), predicted.dtype)
        print(torch.max(outputs, 1), outputs.max().item())
        print(net.conv1.weight.grad.shape, net.conv1.weight.data.norm().item())


if __name__ == "__main__":
    main()
