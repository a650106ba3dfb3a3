"""Users' code is the test: a transfer-learning script written as PyTorch tutorials write it (init_fn
through apply, a pretrained checkpoint loaded with strict=False, frozen layers, parameter groups,
unfreezing later with add_param_group, parameters_to_vector, eval/train and inference_mode), run on
PyTorch and on deepgrad (only the `torch` namespace differs), every logged value compared in float64."""
import copy

import numpy as np

from tests.nn.users_torch_common import assert_same_log, grads, namespaces, start_weights


def _models(torch):
    nn = torch.nn
    F = torch.nn.functional

    class Backbone(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
            self.bn1 = nn.BatchNorm2d(4)
            self.conv2 = nn.Conv2d(4, 6, 3, stride=2, padding=1)
            self.pool = nn.AdaptiveAvgPool2d((1, 1))
            self.register_buffer("mean", torch.tensor(0.5, dtype=torch.float64))
            self.register_buffer("scratch", torch.zeros(2), persistent=False)

        def forward(self, x):
            x = x - self.mean
            x = F.relu(self.bn1(self.conv1(x)))
            x = F.relu(self.conv2(x))
            return torch.flatten(self.pool(x), 1)

    class Classifier(nn.Module):
        def __init__(self, n_classes):
            super().__init__()
            self.backbone = Backbone()
            self.dropout = nn.Dropout(0.5)
            self.fc = nn.Linear(6, n_classes)

        def forward(self, x):
            return self.fc(self.dropout(self.backbone(x)))

    return Classifier


def finetune(torch, pretrained, head_init, X, Y):
    """Fine-tunes a 3-class head on a backbone pretrained with a 5-class head; returns everything it saw."""
    nn = torch.nn
    F = torch.nn.functional
    Classifier = _models(torch)

    def init_weights(m):
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.constant_(m.bias, 0.0)

    log = []
    model = Classifier(3).double()
    visited = []
    model.apply(lambda m: visited.append(type(m).__name__))
    model.apply(init_weights)
    log.append([visited, [n for n, _ in model.named_modules()], [n for n, _ in model.named_children()]])
    log.append([(n, tuple(p.shape), p.requires_grad) for n, p in model.named_parameters()])
    log.append([(n, tuple(b.shape)) for n, b in model.named_buffers()])
    log.append(list(model.state_dict().keys()))

    checkpoint = {k: torch.from_numpy(v.copy()) for k, v in pretrained.items() if not k.startswith("fc.")}
    checkpoint["backbone.old_proj.weight"] = torch.zeros(2, 2, dtype=torch.float64)
    result = model.load_state_dict(checkpoint, strict=False)
    missing, unexpected = result
    log.append([result.missing_keys, result.unexpected_keys, missing == result.missing_keys, unexpected])
    try:
        model.load_state_dict(checkpoint)
    except RuntimeError as e:
        log.append(["fc.weight" in str(e), "old_proj" in str(e)])
    with torch.no_grad():
        model.fc.weight.copy_(torch.from_numpy(head_init[0]))
        model.fc.bias.copy_(torch.from_numpy(head_init[1]))

    # freeze the whole backbone, train the head; later unfreeze conv2 with its own lr
    for param in model.backbone.parameters():
        param.requires_grad = False
    model.backbone.bn1.requires_grad_(False)
    optimizer = torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=1e-2, momentum=0.9,
                                weight_decay=1e-4)
    frozen = torch.nn.utils.parameters_to_vector(model.backbone.conv1.parameters()).clone()
    x, y = torch.from_numpy(X), torch.from_numpy(Y)
    for epoch in range(4):
        if epoch == 2:
            for name, p in model.named_parameters():
                if name.startswith("backbone.conv2"):
                    p.requires_grad_(True)
            optimizer.add_param_group({"params": model.backbone.conv2.parameters(), "lr": 1e-3})
        model.train()
        model.backbone.bn1.eval()       # keep the pretrained statistics
        model.dropout.eval()            # dropout draws differ between libraries
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y, label_smoothing=0.05)
        loss.backward()
        log.append([loss.item(), grads(model), [n for n, p in model.named_parameters() if p.requires_grad],
                    [g["lr"] for g in optimizer.param_groups], model.training, model.backbone.bn1.training])
        optimizer.step()
    vector = torch.nn.utils.parameters_to_vector(model.parameters())
    log.append([vector.detach().numpy(), vector.numel() == sum(p.numel() for p in model.parameters())])
    log.append(torch.equal(frozen, torch.nn.utils.parameters_to_vector(model.backbone.conv1.parameters())))
    torch.nn.utils.vector_to_parameters(vector * 2, model.parameters())
    log.append(model.fc.bias.detach().numpy())

    model.eval()
    log.append([m.training for m in model.modules()])
    with torch.inference_mode():
        out = model(x)
        log.append([out.numpy(), out.requires_grad, torch.is_inference_mode_enabled()])
    log.append(torch.is_inference_mode_enabled())
    with torch.no_grad():
        log.append(model(x).softmax(dim=1).numpy())
    state = model.state_dict()
    log.append([[k for k in state if "scratch" in k], int(state["backbone.bn1.num_batches_tracked"])])
    return log


def model_surgery(torch, init, X):
    """Replacing a head and children in place, freezing BatchNorm by named_modules, a forward hook for
    features, deepcopy, listing options, zero_grad(set_to_none=False), load_state_dict(assign=False)."""
    nn = torch.nn
    model = nn.Sequential()
    model.add_module("features", nn.Sequential(nn.Conv2d(1, 3, 3), nn.BatchNorm2d(3), nn.ReLU()))
    model.add_module("pool", nn.AdaptiveAvgPool2d(1))
    model.add_module("flat", nn.Flatten())
    model.add_module("fc", nn.Linear(3, 4))
    model = start_weights(torch, model, init)
    log = []
    feats = {}

    def hook(module, inp, out):
        feats["features"] = out.detach()
    h = model.features.register_forward_hook(hook)
    model.fc = nn.Linear(model.fc.in_features, 2).double()
    with torch.no_grad():
        model.fc.weight.fill_(0.1)
        model.fc.bias.zero_()
    model.flat = nn.Identity()
    model.pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
    for name, module in model.named_modules():
        if isinstance(module, nn.BatchNorm2d):
            module.eval()
            module.weight.requires_grad = False
            module.bias.requires_grad = False
    n_train = sum(p.numel() for p in model.parameters() if p.requires_grad)
    log.append([n_train, [n for n, _ in model.named_parameters()], [n for n, _ in model.named_parameters(prefix="m")],
                len(list(model.parameters(recurse=False))), list(dict(model.named_children()).keys())])
    twin = copy.deepcopy(model)
    out = model(torch.from_numpy(X))
    out.pow(2).sum().backward()
    log.append([out.detach().numpy(), feats["features"].numpy(), grads(model)])
    h.remove()
    feats.clear()
    model(torch.from_numpy(X))
    log.append(len(feats))
    model.train(False)
    log.append([m.training for m in model.modules()])
    model.zero_grad(set_to_none=False)
    log.append([p.grad is None for p in model.parameters()])
    log.append([float(p.grad.abs().sum()) for p in model.parameters() if p.grad is not None])
    sd = twin.state_dict()
    res = model.load_state_dict(sd, assign=False)
    log.append(list(res.missing_keys))
    nrm = nn.utils.clip_grad_norm_(model.parameters(), 1.0, error_if_nonfinite=True)
    log.append(float(nrm))
    log.append(str(model.fc))
    return log


def test_transfer_learning_script_matches_torch():
    torch, ag = namespaces()
    rs = np.random.RandomState(0)
    torch.manual_seed(0)
    pretrained = {}
    start_weights(torch, _models(torch)(5), pretrained)
    X, Y = rs.rand(6, 1, 8, 8), rs.randint(0, 3, 6)
    head = (0.1 * rs.randn(3, 6), 0.1 * rs.randn(3))
    theirs = finetune(torch, pretrained, head, X, Y)
    assert_same_log(finetune(ag, pretrained, head, X, Y), theirs)


def test_model_surgery_script_matches_torch():
    torch, ag = namespaces()
    X = np.random.RandomState(0).randn(2, 1, 6, 6)
    torch.manual_seed(0)
    init = {}
    theirs = model_surgery(torch, init, X)
    assert_same_log(model_surgery(ag, init, X), theirs)
