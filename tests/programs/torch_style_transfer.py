"""Neural style transfer written for PyTorch in the shape of its style-transfer tutorial; tests run it as is and with
only its imports changed, and compare what both print. A small VGG-like feature extractor (nn.Sequential of
Conv2d/ReLU/MaxPool2d with fixed seeded weights, copied with copy.deepcopy), a Normalization module with view(-1, 1, 1)
buffers, ContentLoss and StyleLoss layers (targets detached, Gram matrices through view + mm and batched through bmm)
inserted into a fresh nn.Sequential by walking cnn.children(), the model trimmed after its last loss layer, the
input image optimised in place by optim.LBFGS with a closure that clamps input_img.data under torch.no_grad, the
style and content scores printed every few closure calls; then the same with the strong-Wolfe line search and a
content-only reconstruction from noise. Float64, weights and images from a seeded NumPy generator.
"""
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


def gram_matrix(input):
    a, b, c, d = input.size()  # a=batch size, b=number of feature maps, (c, d)=dimensions of a map
    features = input.view(a * b, c * d)
    G = torch.mm(features, features.t())
    return G.div(a * b * c * d)


def batched_gram(input):
    """One Gram matrix per image of the batch, through bmm."""
    a, b, c, d = input.size()
    features = input.view(a, b, c * d)
    return torch.bmm(features, features.transpose(1, 2)) / (b * c * d)


class ContentLoss(nn.Module):
    def __init__(self, target):
        super().__init__()
        # a stated value, not a variable of the graph: detach it
        self.target = target.detach()

    def forward(self, input):
        self.loss = F.mse_loss(input, self.target)
        return input


class StyleLoss(nn.Module):
    def __init__(self, target_feature):
        super().__init__()
        self.target = gram_matrix(target_feature).detach()

    def forward(self, input):
        G = gram_matrix(input)
        self.loss = F.mse_loss(G, self.target)
        return input


class BatchedStyleLoss(nn.Module):
    """The same loss through batched Gram matrices, summed over the batch."""

    def __init__(self, target_feature):
        super().__init__()
        self.register_buffer("target", batched_gram(target_feature).detach())

    def forward(self, input):
        self.loss = ((batched_gram(input) - self.target) ** 2).sum(dim=(1, 2)).mean()
        return input


class Normalization(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        # view the mean and std as [C x 1 x 1] so they broadcast against [B x C x H x W] images
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        self.std = torch.tensor(std).view(-1, 1, 1)

    def forward(self, img):
        return (img - self.mean) / self.std


def make_cnn(rng):
    cnn = nn.Sequential(
        nn.Conv2d(3, 8, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(8, 8, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(8, 12, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(12, 12, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(12, 16, kernel_size=3, padding=1), nn.ReLU(inplace=True),
    ).double()
    with torch.no_grad():
        for p in cnn.parameters():
            fan_in = int(np.prod(p.shape[1:])) if p.dim() > 1 else 8
            p.copy_(torch.from_numpy(rng.normal(0.0, np.sqrt(2.0 / fan_in), size=tuple(p.shape))))
    return cnn.eval()


def get_style_model_and_losses(cnn, normalization_mean, normalization_std, style_img, content_img,
                               content_layers, style_layers, style_loss_cls=StyleLoss):
    cnn = copy.deepcopy(cnn)
    normalization = Normalization(normalization_mean, normalization_std)
    content_losses, style_losses = [], []
    model = nn.Sequential(normalization)

    i = 0  # increment every time we see a conv
    for layer in cnn.children():
        if isinstance(layer, nn.Conv2d):
            i += 1
            name = "conv_{}".format(i)
        elif isinstance(layer, nn.ReLU):
            name = "relu_{}".format(i)
            # the in-place version does not play well with the loss layers inserted below
            layer = nn.ReLU(inplace=False)
        elif isinstance(layer, nn.MaxPool2d):
            name = "pool_{}".format(i)
        else:
            raise RuntimeError("Unrecognized layer: {}".format(layer.__class__.__name__))
        model.add_module(name, layer)

        if name in content_layers:
            target = model(content_img).detach()
            content_loss = ContentLoss(target)
            model.add_module("content_loss_{}".format(i), content_loss)
            content_losses.append(content_loss)

        if name in style_layers:
            target_feature = model(style_img).detach()
            style_loss = style_loss_cls(target_feature)
            model.add_module("style_loss_{}".format(i), style_loss)
            style_losses.append(style_loss)

    # trim off the layers after the last content and style losses
    for i in range(len(model) - 1, -1, -1):
        if isinstance(model[i], ContentLoss) or isinstance(model[i], (StyleLoss, BatchedStyleLoss)):
            break
    model = model[:(i + 1)]
    return model, style_losses, content_losses


def run_style_transfer(cnn, mean, std, content_img, style_img, input_img, num_steps, style_weight=1000000,
                       content_weight=1, line_search_fn=None, style_loss_cls=StyleLoss, every=5, lbfgs=None,
                       content_layers=("conv_4",), style_layers=("conv_1", "conv_2", "conv_3", "conv_4", "conv_5")):
    model, style_losses, content_losses = get_style_model_and_losses(
        cnn, mean, std, style_img, content_img, content_layers, style_layers, style_loss_cls)
    print("model:", " ".join(name for name, _ in model.named_children()))

    # optimise the input and not the model parameters
    input_img.requires_grad_(True)
    model.eval()
    model.requires_grad_(False)
    optimizer = optim.LBFGS([input_img], line_search_fn=line_search_fn, **(lbfgs or {}))

    run = [0]
    while run[0] <= num_steps:

        def closure():
            # correct the values of the updated input image
            with torch.no_grad():
                input_img.data.clamp_(0, 1)

            optimizer.zero_grad()
            model(input_img)
            style_score = 0
            content_score = 0

            for sl in style_losses:
                style_score += sl.loss
            for cl in content_losses:
                content_score += cl.loss

            style_score *= style_weight
            content_score *= content_weight

            loss = style_score + content_score
            loss.backward()

            run[0] += 1
            if run[0] % every == 0:
                print("run {}:".format(run))
                print("Style Loss : {:.10e} Content Loss: {:.10e}".format(style_score.item(), content_score.item()))
            return style_score + content_score

        first_loss = optimizer.step(closure)
        if lbfgs:
            print("step returned", first_loss.item())

    # a last correction
    with torch.no_grad():
        input_img.clamp_(0, 1)
    state = optimizer.state[optimizer.param_groups[0]["params"][0]]
    print("lbfgs n_iter", state["n_iter"], "func_evals", state["func_evals"], "history", len(state["old_dirs"]))
    return input_img


def main():
    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    torch.set_default_device(device)
    rng = np.random.default_rng(2024)
    imsize = 16
    # a "style" of stripes and a "content" of a bright square on a gradient
    yy, xx = np.meshgrid(np.linspace(0, 1, imsize), np.linspace(0, 1, imsize), indexing="ij")
    style = np.stack([0.5 + 0.5 * np.sin(6 * xx + c) * np.cos(3 * yy) for c in range(3)])
    content = np.stack([0.2 + 0.6 * yy * (c + 1) / 3 for c in range(3)])
    content[:, 4:11, 5:12] = 0.9
    style_img = torch.from_numpy(np.clip(style + rng.normal(0, 0.05, style.shape), 0, 1)).unsqueeze(0).to(device)
    content_img = torch.from_numpy(np.clip(content + rng.normal(0, 0.05, content.shape), 0, 1)).unsqueeze(0).to(
        device, torch.float64)
    assert style_img.size() == content_img.size(), "we need to import style and content images of the same size"
    print("images", tuple(style_img.shape), style_img.dtype, style_img.mean().item(), content_img.mean().item())

    cnn = make_cnn(rng).to(device)
    cnn_normalization_mean = [0.485, 0.456, 0.406]
    cnn_normalization_std = [0.229, 0.224, 0.225]
    # the tutorial's Normalization makes float32 buffers from Python lists: keep them float64 here
    mean64 = torch.tensor(cnn_normalization_mean, dtype=torch.float64)
    std64 = torch.tensor(cnn_normalization_std, dtype=torch.float64)

    with torch.no_grad():
        feats = cnn[:5](content_img)
        print("features", tuple(feats.shape), feats.sum().item(), "gram", gram_matrix(feats).trace().item(),
              "batched", batched_gram(torch.cat([feats, feats.flip(-1)])).sum(dim=(1, 2)).tolist())

    input_img = content_img.clone()
    output = run_style_transfer(cnn, mean64, std64, content_img, style_img, input_img, num_steps=30)
    print("output", output.min().item(), output.max().item(), output.mean().item(), output.requires_grad,
          output.is_leaf)
    print("pixel", output[0, :, 7, 7].tolist())
    print(output[0, :, 6:8, 6:9])
    print(gram_matrix(cnn[:3](output))[:3, :3])

    # the strong-Wolfe line search, a different style weight and the batched Gram loss
    input_img = content_img.clone()
    output = run_style_transfer(cnn, mean64, std64, content_img, style_img, input_img, num_steps=12,
                                style_weight=1000, line_search_fn="strong_wolfe", style_loss_cls=BatchedStyleLoss,
                                every=3)
    print("wolfe output", output.sum().item(), output[0, 1, 3].tolist()[:4])

    # the tutorial's own Normalization: float32 buffers from Python lists against a float64 image, and a short
    # L-BFGS history
    output = run_style_transfer(cnn, cnn_normalization_mean, cnn_normalization_std, content_img, style_img,
                                content_img.clone(), num_steps=14, style_weight=10000, every=7,
                                lbfgs=dict(lr=0.8, max_iter=7, history_size=4))
    print("float32 stats output", output.dtype, output.std().item(), output[0, 2, 8].tolist()[:5])

    # content reconstruction from white noise: no style layers
    noise = torch.from_numpy(rng.uniform(0, 1, size=tuple(content_img.shape)))
    output = run_style_transfer(cnn, mean64, std64, content_img, style_img, noise, num_steps=10, style_weight=0,
                                style_layers=("conv_1",), content_layers=("conv_2",), every=4)
    with torch.no_grad():
        print("reconstruction error", F.mse_loss(output, content_img).item(),
              "l1", F.l1_loss(output, content_img, reduction="sum").item())
    # drop the default device set above
    torch.set_default_device(None)


if __name__ == "__main__":
    main()
