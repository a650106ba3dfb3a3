"""A spatial transformer network written for PyTorch in the shape of its STN tutorial, on small three-channel,
non-square images; tests run it as is and with only its imports changed, and compare what both print. The tutorial's
Net (conv, Dropout2d, F.dropout with training=self.training, a localisation net of Conv2d/MaxPool2d/ReLU, fc_loc
whose last Linear starts at the identity: fc_loc[2].weight.data.zero_() and the bias copied in), F.affine_grid
with x.size() and align_corners=False, F.grid_sample, F.nll_loss on log_softmax, SGD with momentum over a
DataLoader of a TensorDataset, the tutorial's test loop (reduction='sum', output.max(1, keepdim=True)[1],
pred.eq(target.view_as(pred))), and its convert_image_np on what the STN makes of a batch; then zooms through
affine_grid to another output size and a gradient check of theta. Float64, data and weights from a seeded
NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

H, W = 12, 16
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class Net(nn.Module):
    def __init__(self, drop=0.0):
        super(Net, self).__init__()
        self.drop = drop
        self.conv1 = nn.Conv2d(3, 6, kernel_size=3)
        self.conv2 = nn.Conv2d(6, 8, kernel_size=3)
        self.conv2_drop = nn.Dropout2d(p=drop)
        self.fc1 = nn.Linear(8 * 1 * 2, 20)
        self.fc2 = nn.Linear(20, 4)

        # spatial transformer localization network
        self.localization = nn.Sequential(
            nn.Conv2d(3, 5, kernel_size=3),
            nn.MaxPool2d(2, stride=2),
            nn.ReLU(True),
            nn.Conv2d(5, 6, kernel_size=3),
            nn.MaxPool2d(2, stride=2),
            nn.ReLU(True),
        )

        # regressor for the 3 * 2 affine matrix
        self.fc_loc = nn.Sequential(
            nn.Linear(6 * 1 * 2, 16),
            nn.ReLU(True),
            nn.Linear(16, 3 * 2),
        )

        # initialize the weights/bias with the identity transformation
        self.fc_loc[2].weight.data.zero_()
        self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))

    # spatial transformer network forward function
    def stn(self, x):
        xs = self.localization(x)
        xs = xs.view(-1, 6 * 1 * 2)
        theta = self.fc_loc(xs)
        theta = theta.view(-1, 2, 3)

        grid = F.affine_grid(theta, x.size(), align_corners=False)
        x = F.grid_sample(x, grid, align_corners=False)
        return x

    def forward(self, x):
        # transform the input
        x = self.stn(x)

        # perform the usual forward pass
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 8 * 1 * 2)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, p=self.drop, training=self.training)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


def make_data(rng, n):
    """Coloured blobs of four kinds (a red bar, a green cross, a blue ring, a white dot), shifted and noisy."""
    target = rng.integers(0, 4, size=n)
    data = np.zeros((n, 3, H, W))
    yy, xx = np.mgrid[0:H, 0:W]
    for i, c in enumerate(target):
        cy, cx = H / 2 + rng.uniform(-2, 2), W / 2 + rng.uniform(-3, 3)
        r = np.hypot(yy - cy, xx - cx)
        if c == 0:
            data[i, 0] = (np.abs(yy - cy) < 1.5) & (np.abs(xx - cx) < 5)
        elif c == 1:
            across = (np.abs(yy - cy) < 1) & (np.abs(xx - cx) < 4)
            data[i, 1] = across | ((np.abs(xx - cx) < 1) & (np.abs(yy - cy) < 4))
        elif c == 2:
            data[i, 2] = (r > 2) & (r < 4)
        else:
            data[i] = r < 2
    data += rng.normal(0.0, 0.1, size=data.shape)
    return torch.from_numpy(data), torch.from_numpy(target)


def load_numpy_weights(model, rng):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.startswith("fc_loc.2"):
                continue
            fan_in = int(np.prod(p.shape[1:])) if p.dim() > 1 else p.shape[0]
            p.copy_(torch.from_numpy(rng.uniform(-1.0, 1.0, tuple(p.shape)) * np.sqrt(3.0 / fan_in)))


def train(model, optimizer, train_loader, epoch, log_interval=2):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % log_interval == 0:
            print("Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.12f}".format(
                epoch, batch_idx * len(data), len(train_loader.dataset),
                100. * batch_idx / len(train_loader), loss.item()))


def test(model, test_loader):
    with torch.no_grad():
        model.eval()
        test_loss = 0
        correct = 0
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            # sum up batch loss
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            # get the index of the max log-probability
            pred = output.max(1, keepdim=True)[1]
            correct += pred.eq(target.view_as(pred)).sum().item()

        test_loss /= len(test_loader.dataset)
        print("\nTest set: Average loss: {:.12f}, Accuracy: {}/{} ({:.0f}%)\n"
              .format(test_loss, correct, len(test_loader.dataset),
                      100. * correct / len(test_loader.dataset)))


def convert_image_np(inp):
    """Convert a Tensor to numpy image."""
    inp = inp.numpy().transpose((1, 2, 0))
    mean = np.array([0.485, 0.456, 0.406])
    std = np.array([0.229, 0.224, 0.225])
    inp = std * inp + mean
    inp = np.clip(inp, 0, 1)
    return inp


def main():
    rng = np.random.default_rng(77)
    x_train, y_train = make_data(rng, 32)
    x_test, y_test = make_data(rng, 16)
    x_test, y_test = x_test.to(device), y_test.to(device)
    print("train", tuple(x_train.shape), x_train.dtype, "labels", y_train[:10].tolist())
    train_loader = DataLoader(TensorDataset(x_train, y_train), batch_size=8, shuffle=False)
    test_loader = DataLoader(TensorDataset(x_test, y_test), batch_size=6)

    model = Net().double().to(device)
    load_numpy_weights(model, rng)
    print("fc_loc bias", model.fc_loc[2].bias.tolist(), "weight zero", bool((model.fc_loc[2].weight == 0).all()))
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for epoch in range(1, 4):
        train(model, optimizer, train_loader, epoch)
        test(model, test_loader)

    # the learned transforms
    with torch.no_grad():
        xs = model.localization(x_test[:3]).view(-1, 6 * 1 * 2)
        theta = model.fc_loc(xs).view(-1, 2, 3)
        for i in range(3):
            print("theta", i, theta[i].flatten().tolist())

        # visualize_stn: what the STN makes of a batch, as NumPy images
        data = x_test[:4].cpu()
        input_tensor = data.cpu()
        transformed_input_tensor = model.stn(data).cpu()
        in_grid = convert_image_np(input_tensor[0])
        out_grid = convert_image_np(transformed_input_tensor[0])
        print("visualize", in_grid.shape, float(in_grid.sum()), float(out_grid.sum()), float(out_grid[5, 7, 1]))

        # zoom in 2x into a differently sized output, and border padding
        zoom = torch.tensor([[0.5, 0.0, 0.1], [0.0, 0.5, -0.2]], dtype=torch.float64, device=device)
        zoom = zoom.unsqueeze(0).repeat(2, 1, 1)
        grid = F.affine_grid(zoom, torch.Size([2, 3, 9, 7]), align_corners=False)
        zoomed = F.grid_sample(x_test[:2], grid, mode="bilinear", padding_mode="border", align_corners=False)
        print("zoomed", tuple(zoomed.shape), zoomed.sum().item(), zoomed[1, 2, 4].tolist())

    # how the loss of one sample moves theta: gradients through grid_sample and affine_grid
    theta = torch.tensor([[1.1, 0.2, -0.1], [-0.15, 0.9, 0.05]], dtype=torch.float64, device=device,
                         requires_grad=True)
    img = x_test[:1]
    warped = F.grid_sample(img, F.affine_grid(theta.unsqueeze(0), img.size(), align_corners=False),
                           align_corners=False)
    model.eval()
    loss = F.nll_loss(F.log_softmax(model.fc2(F.relu(model.fc1(
        F.relu(F.max_pool2d(model.conv2(F.relu(F.max_pool2d(model.conv1(warped), 2))), 2)).view(-1, 16)))), dim=1),
        y_test[:1])
    loss.backward()
    print(theta.grad)
    print(warped[0, 1, :3, :4])
    print("loss", loss.item(), "theta grad", theta.grad.flatten().tolist())


if __name__ == "__main__":
    main()
