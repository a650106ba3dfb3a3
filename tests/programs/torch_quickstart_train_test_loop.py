"""PyTorch's "Learn the Basics" quickstart as written, with a synthetic stand-in for FashionMNIST: a TensorDataset
of 28x28 images drawn from torch.rand, the classes' names, Subset and random_split with a seeded torch.Generator,
DataLoaders, the NeuralNetwork module (nn.Flatten and a linear_relu_stack), the tutorial's train() and test()
functions with their f-string reports (loss every few batches, accuracy and average loss through argmax), the
model saved to and reloaded from a state_dict in a BytesIO buffer, and the predicted/actual printout under
model.eval() and torch.no_grad(). Float32; every random number comes from torch.manual_seed.
"""
import io

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Subset, TensorDataset, random_split

classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def make_images(n):
    labels = torch.randint(0, 10, (n,))
    base = torch.rand(10, 1, 28, 28)
    images = 0.6 * base[labels] + 0.4 * torch.rand(n, 1, 28, 28)
    return images, labels


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 64),
            nn.ReLU(),
            nn.Linear(64, 64),
            nn.ReLU(),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


def train(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 4 == 0:
            loss, current = loss.item(), (batch + 1) * len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test(dataloader, model, loss_fn):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    model.eval()
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100 * correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")
    return correct


def main():
    torch.manual_seed(0)
    images, labels = make_images(300)
    full = TensorDataset(images, labels)
    training_data, test_data = random_split(full, [0.8, 0.2], generator=torch.Generator().manual_seed(7))
    small_test = Subset(test_data, list(range(0, 60, 2)))
    print("sizes", len(training_data), len(test_data), len(small_test), test_data.indices[:6])
    batch_size = 16
    train_dataloader = DataLoader(training_data, batch_size=batch_size, shuffle=True)
    test_dataloader = DataLoader(test_data, batch_size=batch_size)
    for X, y in test_dataloader:
        print(f"Shape of X [N, C, H, W]: {X.shape}")
        print(f"Shape of y: {y.shape} {y.dtype}")
        break

    model = NeuralNetwork()
    print(model)
    print("parameter count", sum(p.numel() for p in model.parameters()))
    for name, param in model.named_parameters():
        print(f"Layer: {name} | Size: {param.size()} | Values : {param[:1, :3] if param.dim() > 1 else param[:3]} \n")

    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-1)
    epochs = 3
    for t in range(epochs):
        print(f"Epoch {t + 1}\n-------------------------------")
        train(train_dataloader, model, loss_fn, optimizer)
        test(test_dataloader, model, loss_fn)
    print("Done!")

    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    buffer.seek(0)
    model = NeuralNetwork()
    model.load_state_dict(torch.load(buffer, weights_only=True))
    print("reloaded keys", list(model.state_dict().keys()))
    test(DataLoader(small_test, batch_size=10), model, loss_fn)

    model.eval()
    x, y = test_data[0][0], test_data[0][1]
    with torch.no_grad():
        x = x.unsqueeze(0)
        pred = model(x)
        predicted, actual = classes[pred[0].argmax(0)], classes[y]
        print(f'Predicted: "{predicted}", Actual: "{actual}"')
        pred_probab = nn.Softmax(dim=1)(pred)
        print("probabilities", pred_probab)
        print("top-3", torch.topk(pred_probab, 3, dim=1))
    logits = model(torch.rand(3, 28, 28))
    print("grad-carrying logits", logits.shape, logits.requires_grad, logits.grad_fn is not None)
    print("stream after training", torch.rand(2))


if __name__ == "__main__":
    main()
