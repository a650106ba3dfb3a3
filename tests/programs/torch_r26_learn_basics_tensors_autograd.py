"""The pytorch.org "Learn the Basics" chapters that the quickstart leaves out, written as the tutorials write them:
Tensors (from data, from NumPy, *_like with dtype overrides, attributes as f-strings, indexing and slicing with
assignment, cat, the three spellings of matmul and elementwise products with out=, item() of a sum, in-place add_,
the NumPy bridge sharing memory both ways), Transforms (a target Lambda building one-hot vectors with scatter_),
Build the Neural Network (the model's printout, Softmax over logits, argmax, Flatten / Linear / ReLU applied one
at a time, nn.Sequential, named_parameters with sizes and the first rows), Automatic Differentiation (binary
cross entropy with logits, the grad_fn names, gradients, torch.no_grad and detach, the Jacobian-vector product
through out.backward(ones_like(out), retain_graph=True) accumulating and then zeroed), and Optimization (a short
SGD loop with the loss printed per batch). Float32; every random number comes from torch.manual_seed.
"""
import numpy as np
import torch
from torch import nn


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 32),
            nn.ReLU(),
            nn.Linear(32, 32),
            nn.ReLU(),
            nn.Linear(32, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


def tensors():
    data = [[1, 2], [3, 4]]
    x_data = torch.tensor(data)
    np_array = np.array(data)
    x_np = torch.from_numpy(np_array)
    print(x_data, x_np, x_np.dtype)
    x_ones = torch.ones_like(x_data)
    print(f"Ones Tensor: \n {x_ones} \n")
    x_rand = torch.rand_like(x_data, dtype=torch.float)
    print(f"Random Tensor: \n {x_rand} \n")
    shape = (2, 3,)
    print(torch.rand(shape), torch.ones(shape), torch.zeros(shape))
    tensor = torch.rand(3, 4)
    print(f"Shape of tensor: {tensor.shape}")
    print(f"Datatype of tensor: {tensor.dtype}")
    print(f"Device tensor is stored on: {tensor.device}")
    tensor = torch.ones(4, 4)
    print(f"First row: {tensor[0]}")
    print(f"First column: {tensor[:, 0]}")
    print(f"Last column: {tensor[..., -1]}")
    tensor[:, 1] = 0
    print(tensor)
    t1 = torch.cat([tensor, tensor, tensor], dim=1)
    print(t1, t1.shape)
    tensor = tensor * torch.arange(1.0, 5.0)
    y1 = tensor @ tensor.T
    y2 = tensor.matmul(tensor.T)
    y3 = torch.rand_like(y1)
    torch.matmul(tensor, tensor.T, out=y3)
    print(y1, torch.equal(y1, y2), torch.equal(y2, y3))
    z1 = tensor * tensor
    z2 = tensor.mul(tensor)
    z3 = torch.rand_like(tensor)
    torch.mul(tensor, tensor, out=z3)
    print(z3, torch.equal(z1, z2))
    agg = tensor.sum()
    agg_item = agg.item()
    print(agg_item, type(agg_item))
    print(f"{tensor} \n")
    tensor.add_(5)
    print(tensor)
    t = torch.ones(5)
    print(f"t: {t}")
    n = t.numpy()
    print(f"n: {n}")
    t.add_(1)
    print(f"t: {t}")
    print(f"n: {n}")
    n = np.ones(5)
    t = torch.from_numpy(n)
    np.add(n, 1, out=n)
    print(f"t: {t}")
    print(f"n: {n}")


def transforms():
    target_transform = lambda y: torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1)
    print(target_transform(3), target_transform(9).dtype)
    to_tensor = lambda img: torch.from_numpy(img).float().div(255).unsqueeze(0)
    img = np.arange(16, dtype=np.uint8).reshape(4, 4) * 16
    out = to_tensor(img)
    print(out.shape, out.dtype, out[0, 1])


def build_model():
    model = NeuralNetwork()
    print(model)
    X = torch.rand(1, 28, 28)
    logits = model(X)
    pred_probab = nn.Softmax(dim=1)(logits)
    y_pred = pred_probab.argmax(1)
    print(f"Predicted class: {y_pred}")
    print(pred_probab)
    input_image = torch.rand(3, 28, 28)
    print(input_image.size())
    flatten = nn.Flatten()
    flat_image = flatten(input_image)
    print(flat_image.size())
    layer1 = nn.Linear(in_features=28 * 28, out_features=8)
    hidden1 = layer1(flat_image)
    print(hidden1.size())
    print(f"Before ReLU: {hidden1}\n\n")
    hidden1 = nn.ReLU()(hidden1)
    print(f"After ReLU: {hidden1}")
    seq_modules = nn.Sequential(flatten, layer1, nn.ReLU(), nn.Linear(8, 10))
    logits = seq_modules(input_image)
    softmax = nn.Softmax(dim=1)
    pred_probab = softmax(logits)
    print(pred_probab.sum(1), logits.grad_fn.name(), pred_probab.grad_fn.name())
    print(f"Model structure: {model}\n\n")
    for name, param in model.named_parameters():
        print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2, :3] if param.dim() == 2 else param[:2]} \n")
    return model


def autograd_chapter():
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    print(f"Gradient function for z = {type(z.grad_fn).__name__}")
    print(f"Gradient function for loss = {type(loss.grad_fn).__name__}")
    print(type(z.grad_fn.next_functions[0][0]).__name__, type(z.grad_fn.next_functions[1][0]).__name__)
    loss.backward()
    print(w.grad)
    print(b.grad)
    z = torch.matmul(x, w) + b
    print(z.requires_grad)
    with torch.no_grad():
        z = torch.matmul(x, w) + b
    print(z.requires_grad)
    z = torch.matmul(x, w) + b
    z_det = z.detach()
    print(z_det.requires_grad, z_det)
    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"First call\n{inp.grad}")
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"\nSecond call\n{inp.grad}")
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"\nCall after zeroing gradients\n{inp.grad}")
    print(out.grad_fn.name(), out.grad_fn.next_functions[0][0].name())


def optimization(model):
    images = torch.rand(24, 28, 28)
    labels = torch.randint(0, 10, (24,))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-1)
    model.train()
    for batch in range(3):
        X, y = images[batch * 8:(batch + 1) * 8], labels[batch * 8:(batch + 1) * 8]
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        print(f"loss: {loss.item():>7f}  [{(batch + 1) * len(X):>5d}/{len(images):>5d}]")
    model.eval()
    with torch.no_grad():
        pred = model(images)
        correct = (pred.argmax(1) == labels).type(torch.float).sum().item()
    print(f"Accuracy: {(100 * correct / len(images)):>0.1f}%", pred.argmax(1)[:8])


def main():
    torch.manual_seed(2602)
    tensors()
    transforms()
    model = build_model()
    autograd_chapter()
    optimization(model)


if __name__ == "__main__":
    main()
