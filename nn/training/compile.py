"""model.compile: resolve optimiser, loss and metric names (or objects) into what fit and evaluate use."""
import re

import numpy as np

from autograd import arrays

from .. import optim
from ..losses import BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss, L1Loss, MSELoss
from .metrics import (Accuracy, F1Score, FunctionMetric, Mean, MeanAbsoluteError, MeanSquaredError, Metric,
                      Precision, Recall, TopKAccuracy)
from .steps import Steps

# name -> (optimiser class, learning rate); the rates are Keras's defaults for these names
OPTIMIZERS = {"sgd": (optim.SGD, 0.01), "adam": (optim.Adam, 1e-3), "adamw": (optim.AdamW, 1e-3),
              "rmsprop": (optim.RMSprop, 1e-3), "adagrad": (optim.Adagrad, 1e-3)}

METRICS = {"accuracy": Accuracy, "acc": Accuracy, "precision": Precision, "recall": Recall, "f1": F1Score,
           "f1_score": F1Score, "mae": MeanAbsoluteError, "mean_absolute_error": MeanAbsoluteError,
           "mse": MeanSquaredError, "mean_squared_error": MeanSquaredError,
           "top_k_accuracy": lambda: TopKAccuracy(5)}
_TOP_K = re.compile(r"top(\d+)_accuracy")


class Compiled:
    """What compile settled: the optimiser, the checked loss and the metric objects.

    The training loop (fit, evaluate) talks to it through `compute_loss`, `update_metrics`, `results`,
    `reset_metrics` and `seen`; nn.keras supplies another class with the same methods and Keras's rules.
    """

    def __init__(self, optimizer, loss, metrics, jit_compile=False):
        self.optimizer, self.loss, self.metrics = optimizer, loss, metrics
        self.steps = Steps(jit_compile)
        self._loss_mean = Mean("loss")

    def compute_loss(self, model, output, target, weight=None):
        """The batch's loss (a one-element Tensor to differentiate), also added to the epoch's mean."""
        if weight is not None:
            raise ValueError("fit: per-example weights need a loss that takes them; use nn.keras for sample_weight")
        loss = self.loss(output, target)
        if loss.ndim != 0 and loss.size != 1:
            raise ValueError(f"fit: the loss returned shape {loss.shape}; it must be a single number (use "
                             "reduction='mean')")
        self._loss_mean.update(loss.item(), len(target))
        return loss

    def add_loss(self, loss, target):
        """Add a batch loss computed elsewhere (by a compiled step) to the epoch's mean."""
        self._loss_mean.update(loss.item(), len(target))

    def running_metrics(self):
        """The running loss mean and metric objects (what nn.distributed combines across ranks)."""
        return [self._loss_mean, *self.metrics]

    def update_metrics(self, output, target, weight=None):
        """Add the batch to every metric."""
        for metric in self.metrics:
            metric.update(output, target)

    def reset_metrics(self):
        """Start a new epoch (or evaluation) for the loss mean and the metrics."""
        self._loss_mean.reset()
        for metric in self.metrics:
            metric.reset()

    @property
    def seen(self):
        """How many examples the loss mean holds since the last reset."""
        return self._loss_mean._count

    def results(self):
        """{"loss": ..., metric name: value, ...} over the batches since the last reset."""
        results = {"loss": self._loss_mean.result()}
        results.update((m.name, m.result()) for m in self.metrics)
        return results


def _by_name(table, name, what, alternatives):
    """table[name.lower()], or a ValueError naming `name`, the accepted names and then `alternatives`."""
    key = name.lower()
    if key not in table:
        raise ValueError(f"compile: unknown {what} {name!r}; accepted names: {', '.join(table)}{alternatives}")
    return table[key]


def compile(model, optimizer, loss, metrics=None, jit_compile=False):
    """Prepare the model for `fit` and `evaluate`.

    - `optimizer`: a name ("sgd", "adam", "adamw", "rmsprop", "adagrad"; Keras's default learning rates),
      an `nn.optim` optimiser built on `model.parameters()`, or an optimiser class / function
      `params -> optimizer`. It is kept as `model.optimizer`.
    - `loss`: a name — "cross_entropy" / "sparse_categorical_crossentropy" (logits, integer class targets),
      "categorical_crossentropy" (logits, one-hot or probability targets), "binary_crossentropy" (one
      logit per example, 0/1 targets), "mse", "mae", "hinge" — or any callable `loss(output, target)`
      returning a scalar Tensor (e.g. an nn loss module).
    - `metrics`: names ("accuracy", "top5_accuracy" (any k), "precision", "recall", "f1", "mae", "mse"),
      `nn.training.metrics.Metric` objects, or functions `fn(output, target) -> number` on NumPy arrays.
    - `jit_compile`: run fit/evaluate/predict batches as `ag.jit` compiled steps (captured once per batch
      shape, then replayed without Python dispatch).
    Returns the model.
    """
    loss = resolve_loss(loss)
    compiled = Compiled(resolve_optimizer(optimizer, model), loss,
                        resolve_metrics(metrics, logits_threshold=loss.binary_logits), bool(jit_compile))
    model._compiled = compiled
    model.optimizer = compiled.optimizer
    return model


def resolve_optimizer(optimizer, model):
    """The optimiser `optimizer` names or builds, over the model's trainable parameters."""
    if isinstance(optimizer, optim.Optimizer):
        mine = {id(p) for p in model.parameters()}
        if not any(id(p) in mine for group in optimizer.param_groups for p in group["params"]):
            raise ValueError("compile: the optimizer was built on parameters that are not this model's; build it "
                             "on model.parameters()")
        return optimizer
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError(f"compile: {type(model).__name__} has no trainable parameters (none, or all frozen with "
                         "requires_grad_(False)), so there is nothing to optimise")
    if isinstance(optimizer, str):
        cls, lr = _by_name(OPTIMIZERS, optimizer, "optimizer", " (or pass an nn.optim optimizer object)")
        return cls(params, lr=lr)
    if callable(optimizer):
        built = optimizer(params)
        if not isinstance(built, optim.Optimizer):
            raise TypeError(f"compile: optimizer {optimizer!r} returned {type(built).__name__}, not an nn.optim "
                            "optimizer")
        return built
    raise TypeError(f"compile: optimizer must be a name ({', '.join(OPTIMIZERS)}), an nn.optim optimizer, or a "
                    f"function params -> optimizer; got {type(optimizer).__name__}")


class CheckedLoss:
    """A loss function that first checks the model's outputs and the targets fit it, with a clear error
    naming the loss, the shapes and dtypes, and the fix. `binary_logits` marks a loss on single logits."""

    def __init__(self, name, fn, prepare=None, binary_logits=False):
        self.name, self.fn, self.prepare, self.binary_logits = name, fn, prepare, binary_logits

    def __call__(self, output, target):
        if self.prepare is not None:
            output, target = self.prepare(self.name, output, target)
        return self.fn(output, target)

    def __repr__(self):
        return f"CheckedLoss({self.name!r})"


def _sparse_classes(name, output, target):
    if output.ndim < 2:
        raise ValueError(f"loss {name!r} needs class scores (logits) shaped (N, num_classes), but the model outputs "
                         f"shape {output.shape}; end the model with Linear(..., num_classes), or use "
                         "'binary_crossentropy' for one logit per example")
    if target.dtype.kind == "f":
        raise ValueError(f"loss {name!r} needs integer class indices as targets, got {target.dtype} targets of "
                         f"shape {target.shape}; cast class numbers with y.astype(np.int64), or use "
                         "'categorical_crossentropy' for one-hot / probability targets")
    if target.dtype.kind not in "iu":
        raise ValueError(f"loss {name!r} needs integer class indices as targets, got {target.dtype}")
    if target.shape != output.shape[:-1]:
        raise ValueError(f"loss {name!r}: outputs of shape {output.shape} need targets of shape "
                         f"{output.shape[:-1]} (one class index per example), got {target.shape}")
    classes = output.shape[-1]
    values = arrays.array(target)
    if target.size and bool(((values < 0) | (values >= classes)).any()):  # one sync on a GPU
        values = target.numpy()
        low, high = int(values.min()), int(values.max())
        if low < 0 or high >= classes:
            raise ValueError(f"loss {name!r}: targets hold class {high if high >= output.shape[-1] else low}, but "
                             f"the model outputs {output.shape[-1]} class scores (classes 0-{output.shape[-1] - 1})")
    if output.ndim > 2:  # class axis last (Keras layout): flatten the positions into examples
        output, target = output.reshape(-1, output.shape[-1]), target.reshape(-1)
    return output, target.astype(np.int64) if target.dtype != np.int64 else target


def _dense_classes(name, output, target):
    if output.ndim < 2 or target.shape != output.shape:
        raise ValueError(f"loss {name!r} needs logits (N, num_classes) and one-hot or probability targets of the "
                         f"same shape, got outputs {output.shape} and targets {target.shape}; for integer class "
                         "targets use 'sparse_categorical_crossentropy'")
    if output.ndim > 2:
        output, target = output.reshape(-1, output.shape[-1]), target.reshape(-1, target.shape[-1])
    return output, _float_like(target, output)


def _same_size(name, output, target):
    if target.shape != output.shape:
        if target.size != output.size:
            raise ValueError(f"loss {name!r} needs one target per output value: outputs {output.shape}, targets "
                             f"{target.shape}")
        target = target.reshape(output.shape)
    return output, _float_like(target, output)


def _float_like(target, output):
    return target if target.dtype == output.dtype else target.astype(output.dtype)


LOSSES = {
    "sparse_categorical_crossentropy": (CrossEntropyLoss, _sparse_classes),
    "cross_entropy": (CrossEntropyLoss, _sparse_classes),
    "categorical_crossentropy": (CrossEntropyLoss, _dense_classes),
    "binary_crossentropy": (BCEWithLogitsLoss, _same_size),
    "mse": (MSELoss, _same_size), "mean_squared_error": (MSELoss, _same_size),
    "mae": (L1Loss, _same_size), "mean_absolute_error": (L1Loss, _same_size),
    "hinge": (HingeLoss, _same_size),
}


def resolve_loss(loss):
    """The CheckedLoss for a loss name or callable."""
    if isinstance(loss, str):
        cls, prepare = _by_name(LOSSES, loss, "loss", " (or pass a callable loss(output, target))")
        key = loss.lower()
        return CheckedLoss(key, cls(), prepare, binary_logits=key in ("binary_crossentropy", "hinge"))
    if not callable(loss):
        raise TypeError(f"compile: loss must be a name ({', '.join(LOSSES)}) or a callable loss(output, target), "
                        f"got {type(loss).__name__}")
    if isinstance(loss, CheckedLoss):
        return loss
    return CheckedLoss(type(loss).__name__ if not hasattr(loss, "__name__") else loss.__name__, loss,
                       binary_logits=isinstance(loss, BCEWithLogitsLoss))


def resolve_metrics(metrics, logits_threshold=False):
    """Metric objects for names, Metric objects and functions (accuracy on logits when `logits_threshold`)."""
    if metrics is None:
        return []
    if isinstance(metrics, (str, Metric)) or callable(metrics):
        metrics = [metrics]
    resolved = []
    for m in metrics:
        if isinstance(m, str):
            top = _TOP_K.fullmatch(m.lower())
            if top:
                metric = TopKAccuracy(int(top.group(1)))
            else:
                metric = _by_name(METRICS, m, "metric",
                                  ", top<k>_accuracy (e.g. top5_accuracy), or Metric objects / functions")()
        elif isinstance(m, Metric):
            metric = m
        elif isinstance(m, type) and issubclass(m, Metric):
            metric = m()
        elif callable(m):
            metric = FunctionMetric(m)
        else:
            raise TypeError(f"compile: a metric must be a name, a Metric or a function, got {type(m).__name__}")
        if logits_threshold and hasattr(metric, "threshold") and isinstance(m, str):
            metric.threshold = 0.0  # the model outputs logits: positive means class 1
        resolved.append(metric)
    names = [m.name for m in resolved]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"compile: metrics {repeated} are given more than once")
    if "loss" in names:
        raise ValueError("compile: a metric may not be named 'loss'; that name is the loss's")
    return resolved
