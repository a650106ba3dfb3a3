"""Every nn layer and loss with a small example input, and the PyTorch module that does the same: the table
the reliability tests (empty batches, non-Tensor inputs, dtype rules) run over.

A layer row: (build ours, build torch's from `torch.nn`, per-example input shapes, input kind). Input
shapes leave out the batch dimension, which the tests choose (0 for empty batches); recurrent layers are
built with batch_first=True so that the batch comes first for them too. Kind 'int' means class indices.
"""
import numpy as np

import autograd as ag
import nn

LAYERS = {
    "Linear": (lambda: nn.Linear(3, 2), lambda tnn: tnn.Linear(3, 2), [(3,)], "float"),
    "Bilinear": (lambda: nn.Bilinear(3, 4, 2), lambda tnn: tnn.Bilinear(3, 4, 2), [(3,), (4,)], "float"),
    "Conv1d": (lambda: nn.Conv1d(2, 3, 3, padding=1), lambda tnn: tnn.Conv1d(2, 3, 3, padding=1), [(2, 5)], "float"),
    "Conv2d": (lambda: nn.Conv2d(2, 3, 3, padding=1), lambda tnn: tnn.Conv2d(2, 3, 3, padding=1), [(2, 5, 5)],
               "float"),
    "ConvTranspose2d": (lambda: nn.ConvTranspose2d(2, 3, 3), lambda tnn: tnn.ConvTranspose2d(2, 3, 3), [(2, 4, 4)],
                        "float"),
    "MaxPool1d": (lambda: nn.MaxPool1d(2), lambda tnn: tnn.MaxPool1d(2), [(2, 6)], "float"),
    "MaxPool2d": (lambda: nn.MaxPool2d(2), lambda tnn: tnn.MaxPool2d(2), [(2, 4, 4)], "float"),
    "AvgPool1d": (lambda: nn.AvgPool1d(2), lambda tnn: tnn.AvgPool1d(2), [(2, 6)], "float"),
    "AvgPool2d": (lambda: nn.AvgPool2d(2), lambda tnn: tnn.AvgPool2d(2), [(2, 4, 4)], "float"),
    "AdaptiveAvgPool2d": (lambda: nn.AdaptiveAvgPool2d((2, 2)), lambda tnn: tnn.AdaptiveAvgPool2d((2, 2)),
                          [(2, 4, 4)], "float"),
    "BatchNorm1d": (lambda: nn.BatchNorm1d(3), lambda tnn: tnn.BatchNorm1d(3), [(3,)], "float"),
    "BatchNorm2d": (lambda: nn.BatchNorm2d(2), lambda tnn: tnn.BatchNorm2d(2), [(2, 3, 3)], "float"),
    "LayerNorm": (lambda: nn.LayerNorm(3), lambda tnn: tnn.LayerNorm(3), [(3,)], "float"),
    "GroupNorm": (lambda: nn.GroupNorm(2, 4), lambda tnn: tnn.GroupNorm(2, 4), [(4, 3)], "float"),
    "InstanceNorm1d": (lambda: nn.InstanceNorm1d(2, affine=True), lambda tnn: tnn.InstanceNorm1d(2, affine=True),
                       [(2, 5)], "float"),
    "InstanceNorm2d": (lambda: nn.InstanceNorm2d(2), lambda tnn: tnn.InstanceNorm2d(2), [(2, 3, 3)], "float"),
    "InstanceNorm3d": (lambda: nn.InstanceNorm3d(2), lambda tnn: tnn.InstanceNorm3d(2), [(2, 2, 2, 2)], "float"),
    "Embedding": (lambda: nn.Embedding(5, 3), lambda tnn: tnn.Embedding(5, 3), [(4,)], "int"),
    "RNN": (lambda: nn.RNN(3, 4, batch_first=True), lambda tnn: tnn.RNN(3, 4, batch_first=True), [(2, 3)],
            "float"),
    "LSTM": (lambda: nn.LSTM(3, 4, batch_first=True), lambda tnn: tnn.LSTM(3, 4, batch_first=True), [(2, 3)],
             "float"),
    "GRU": (lambda: nn.GRU(3, 4, batch_first=True), lambda tnn: tnn.GRU(3, 4, batch_first=True), [(2, 3)],
            "float"),
    "RNNCell": (lambda: nn.RNNCell(3, 4), lambda tnn: tnn.RNNCell(3, 4), [(3,)], "float"),
    "LSTMCell": (lambda: nn.LSTMCell(3, 4), lambda tnn: tnn.LSTMCell(3, 4), [(3,)], "float"),
    "GRUCell": (lambda: nn.GRUCell(3, 4), lambda tnn: tnn.GRUCell(3, 4), [(3,)], "float"),
    "ReLU": (lambda: nn.ReLU(), lambda tnn: tnn.ReLU(), [(3,)], "float"),
    "LeakyReLU": (lambda: nn.LeakyReLU(0.1), lambda tnn: tnn.LeakyReLU(0.1), [(3,)], "float"),
    "ELU": (lambda: nn.ELU(), lambda tnn: tnn.ELU(), [(3,)], "float"),
    "GELU": (lambda: nn.GELU(), lambda tnn: tnn.GELU(), [(3,)], "float"),
    "SiLU": (lambda: nn.SiLU(), lambda tnn: tnn.SiLU(), [(3,)], "float"),
    "Sigmoid": (lambda: nn.Sigmoid(), lambda tnn: tnn.Sigmoid(), [(3,)], "float"),
    "Tanh": (lambda: nn.Tanh(), lambda tnn: tnn.Tanh(), [(3,)], "float"),
    "Softplus": (lambda: nn.Softplus(), lambda tnn: tnn.Softplus(), [(3,)], "float"),
    "Softmax": (lambda: nn.Softmax(1), lambda tnn: tnn.Softmax(1), [(3,)], "float"),
    "LogSoftmax": (lambda: nn.LogSoftmax(1), lambda tnn: tnn.LogSoftmax(1), [(3,)], "float"),
    "Dropout": (lambda: nn.Dropout(0.5), lambda tnn: tnn.Dropout(0.5), [(3,)], "float"),
    "Dropout1d": (lambda: nn.Dropout1d(0.5), lambda tnn: tnn.Dropout1d(0.5), [(2, 5)], "float"),
    "Dropout2d": (lambda: nn.Dropout2d(0.5), lambda tnn: tnn.Dropout2d(0.5), [(2, 3, 3)], "float"),
    "Dropout3d": (lambda: nn.Dropout3d(0.5), lambda tnn: tnn.Dropout3d(0.5), [(2, 2, 2, 2)], "float"),
    "Flatten": (lambda: nn.Flatten(), lambda tnn: tnn.Flatten(), [(2, 3)], "float"),
    "Unflatten": (lambda: nn.Unflatten(1, (2, 3)), lambda tnn: tnn.Unflatten(1, (2, 3)), [(6,)], "float"),
    "Identity": (lambda: nn.Identity(), lambda tnn: tnn.Identity(), [(3,)], "float"),
    "PixelShuffle": (lambda: nn.PixelShuffle(2), lambda tnn: tnn.PixelShuffle(2), [(4, 2, 2)], "float"),
    "PixelUnshuffle": (lambda: nn.PixelUnshuffle(2), lambda tnn: tnn.PixelUnshuffle(2), [(1, 4, 4)], "float"),
    "Upsample": (lambda: nn.Upsample(scale_factor=2), lambda tnn: tnn.Upsample(scale_factor=2), [(2, 3, 3)],
                 "float"),
    "UpsamplingNearest2d": (lambda: nn.UpsamplingNearest2d(scale_factor=2),
                            lambda tnn: tnn.UpsamplingNearest2d(scale_factor=2), [(2, 3, 3)], "float"),
    "UpsamplingBilinear2d": (lambda: nn.UpsamplingBilinear2d(scale_factor=2),
                             lambda tnn: tnn.UpsamplingBilinear2d(scale_factor=2), [(2, 3, 3)], "float"),
    "CosineSimilarity": (lambda: nn.CosineSimilarity(1), lambda tnn: tnn.CosineSimilarity(1), [(3,), (3,)], "float"),
    "PairwiseDistance": (lambda: nn.PairwiseDistance(), lambda tnn: tnn.PairwiseDistance(), [(3,), (3,)], "float"),
}

#: loss rows: (build ours, build torch's, input shape per example, target kind: 'same' float, 'prob', 'class')
LOSSES = {
    "MSELoss": (nn.MSELoss, "MSELoss", (3,), "same"),
    "L1Loss": (nn.L1Loss, "L1Loss", (3,), "same"),
    "HuberLoss": (nn.HuberLoss, "HuberLoss", (3,), "same"),
    "SmoothL1Loss": (nn.SmoothL1Loss, "SmoothL1Loss", (3,), "same"),
    "BCELoss": (nn.BCELoss, "BCELoss", (3,), "prob"),
    "BCEWithLogitsLoss": (nn.BCEWithLogitsLoss, "BCEWithLogitsLoss", (3,), "prob"),
    "KLDivLoss": (nn.KLDivLoss, "KLDivLoss", (3,), "prob"),
    "CrossEntropyLoss": (nn.CrossEntropyLoss, "CrossEntropyLoss", (4,), "class"),
    "CrossEntropyLoss(probs)": (nn.CrossEntropyLoss, "CrossEntropyLoss", (4,), "prob"),
    "NLLLoss": (nn.NLLLoss, "NLLLoss", (4,), "class"),
}

#: layers whose parameters fix the dtype of their input (the others compute in the input's dtype)
PARAMETRIZED = [name for name, row in LAYERS.items() if list(row[0]().parameters()) and row[3] == "float"]


def example_inputs(name, batch, dtype=np.float32, seed=0):
    """Host arrays for layer `name` with `batch` examples."""
    _, _, shapes, kind = LAYERS[name]
    rng = np.random.default_rng(seed)
    if kind == "int":
        return [rng.integers(0, 5, (batch,) + s) for s in shapes]
    return [rng.standard_normal((batch,) + s).astype(dtype) for s in shapes]


def loss_arrays(name, batch, seed=0):
    """(input, target) host arrays for loss `name` with `batch` examples."""
    _, _, shape, kind = LOSSES[name]
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.05, 0.95, (batch,) + shape).astype(np.float32)
    if name in ("NLLLoss", "KLDivLoss"):
        x = np.log(x)
    if kind == "class":
        return x, rng.integers(0, shape[0], batch)
    target = rng.uniform(0.0, 1.0, (batch,) + shape).astype(np.float32)
    if kind == "prob" and name.startswith("CrossEntropy"):
        target = target / target.sum(axis=1, keepdims=True)
    return x, target


def torch_twin(name, ours):
    """PyTorch's module for layer `name` with the same parameters and buffers as `ours`."""
    import torch
    theirs = LAYERS[name][1](torch.nn)
    state = {k: torch.from_numpy(np.array(v.numpy())) for k, v in ours.state_dict().items()}
    theirs.load_state_dict(state, strict=True)
    return theirs


def outputs(result):
    """The tensors a layer returned, flattened ((output, (h, c)) -> [output, h, c])."""
    if isinstance(result, (tuple, list)):
        return [t for r in result for t in outputs(r)]
    return [result]


def as_tensors(arrays, device, requires_grad=True):
    """Our tensors for host arrays (float ones requiring grad)."""
    return [ag.tensor(a, device=device, requires_grad=requires_grad and a.dtype.kind == "f") for a in arrays]
