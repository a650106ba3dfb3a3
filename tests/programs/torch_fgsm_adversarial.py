"""PyTorch's "Adversarial Example Generation" tutorial as written, on synthetic digit-like images: the LeNet-style
Net (two convolutions, Dropout and Dropout2d... here dropout in eval mode, max_pool2d, log_softmax), normalised
inputs and a denorm() helper, fgsm_attack() with data_grad.sign() and torch.clamp, the test() loop that sets
data.requires_grad, takes F.nll_loss, zeroes the model's gradients, reads data.grad.data, re-classifies the
perturbed image and collects adversarial examples; accuracy against epsilon, then an iterative (PGD-style) variant
with projection through torch.max/torch.min. Float32, weights and data from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 1)
        self.conv2 = nn.Conv2d(8, 16, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(16 * 5 * 5, 32)
        self.fc2 = nn.Linear(32, 4)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def fgsm_attack(image, epsilon, data_grad):
    sign_data_grad = data_grad.sign()
    perturbed_image = image + epsilon * sign_data_grad
    perturbed_image = torch.clamp(perturbed_image, 0, 1)
    return perturbed_image


def denorm(batch, mean=[0.1307], std=[0.3081]):
    mean = torch.tensor(mean).to(batch.device)
    std = torch.tensor(std).to(batch.device)
    return batch * std.view(1, -1, 1, 1) + mean.view(1, -1, 1, 1)


def normalize(batch, mean=0.1307, std=0.3081):
    return (batch - mean) / std


def test(model, samples, epsilon):
    correct = 0
    adv_examples = []
    for data, target in samples:
        data.requires_grad = True
        output = model(data)
        init_pred = output.max(1, keepdim=True)[1]
        if init_pred.item() != target.item():
            continue
        loss = F.nll_loss(output, target)
        model.zero_grad()
        loss.backward()
        data_grad = data.grad.data
        data_denorm = denorm(data)
        perturbed_data = fgsm_attack(data_denorm, epsilon, data_grad)
        perturbed_data_normalized = normalize(perturbed_data)
        output = model(perturbed_data_normalized)
        final_pred = output.max(1, keepdim=True)[1]
        if final_pred.item() == target.item():
            correct += 1
            if epsilon == 0 and len(adv_examples) < 3:
                adv_ex = perturbed_data.squeeze().detach().cpu().numpy()
                adv_examples.append((init_pred.item(), final_pred.item(), adv_ex))
        else:
            if len(adv_examples) < 3:
                adv_ex = perturbed_data.squeeze().detach().cpu().numpy()
                adv_examples.append((init_pred.item(), final_pred.item(), adv_ex))
    final_acc = correct / float(len(samples))
    print(f"Epsilon: {epsilon}\tTest Accuracy = {correct} / {len(samples)} = {final_acc}")
    return final_acc, adv_examples


def main():
    rng = np.random.default_rng(1901)
    model = Net()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(rng.normal(0.0, 0.12, tuple(p.shape)).astype(np.float32)))
    prototypes = rng.uniform(0.0, 1.0, (4, 1, 14, 14)).astype(np.float32)
    labels = rng.integers(0, 4, 40)
    images = np.clip(prototypes[labels] + rng.normal(0, 0.15, (40, 1, 14, 14)).astype(np.float32), 0, 1)
    # label each image by the untouched model so that the attack has correct predictions to break
    model.eval()
    with torch.no_grad():
        clean = normalize(torch.from_numpy(images))
        targets = model(clean).argmax(1)
        targets[::5] = (targets[::5] + 1) % 4
    print("targets", targets.tolist())
    samples = [(clean[i:i + 1].clone(), targets[i:i + 1]) for i in range(40)]
    print("sample shapes", samples[0][0].shape, samples[0][1].shape, samples[0][1].dtype)

    epsilons = [0, .05, .1, .15, .2, .25, .3]
    accuracies, examples = [], []
    for eps in epsilons:
        acc, ex = test(model, samples, eps)
        accuracies.append(acc)
        examples.append(ex)
    print("accuracies", accuracies)
    for eps, ex in zip(epsilons[:4], examples[:4]):
        print(eps, [(orig, adv, round(float(img.mean()), 5)) for orig, adv, img in ex])

    x = clean[:6].clone()
    y = targets[:6]
    x_adv = denorm(x).clone()
    lower, upper = torch.clamp(x_adv - 0.1, 0, 1), torch.clamp(x_adv + 0.1, 0, 1)
    for step in range(5):
        x_adv.requires_grad_(True)
        loss = F.nll_loss(model(normalize(x_adv)), y, reduction="sum")
        grad, = torch.autograd.grad(loss, [x_adv])
        x_adv = x_adv.detach() + 0.03 * grad.sign()
        x_adv = torch.max(torch.min(x_adv, upper), lower)
        print(f"pgd step {step}: loss {loss.item():.5f} grad-abs-mean {grad.abs().mean().item():.6f}")
    delta = x_adv - denorm(x)
    print("linf", delta.abs().amax(dim=(1, 2, 3)))
    print("pgd predictions", model(normalize(x_adv)).argmax(1).tolist(), "clean", y.tolist())
    print("sign of zero", torch.tensor([-0.0, 0.0, 2.0, -3.0]).sign())


if __name__ == "__main__":
    main()
