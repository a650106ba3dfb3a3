"""torch.optim.swa_utils: weight averaging of a model over training, as an average of the weights seen
(stochastic weight averaging) or an exponential moving average; the SWALR schedule that anneals to the SWA
learning rate; and update_bn, which recomputes BatchNorm statistics for the averaged weights."""
import copy
import itertools
import math

import autograd as ag

from ..layers.normalization import _BatchNorm
from ..module import Module
from .lr_scheduler.base import LRScheduler, check_optimizer, per_group


def _check_decay(decay):
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"Invalid decay value {decay} provided: it must lie in [0, 1] (e.g. 0.999)")


def get_ema_multi_avg_fn(decay=0.999):
    """An in-place update of lists of averaged tensors: ema = decay * ema + (1 - decay) * current."""
    _check_decay(decay)

    def ema_update(ema_params, current_params, num_averaged):
        with ag.no_grad():
            for ema, current in zip(ema_params, current_params):
                if ema.dtype.kind == "f":
                    ema.lerp_(current, 1 - decay)
                else:
                    ema.copy_(ema * decay + current * (1 - decay))
    return ema_update


def get_swa_multi_avg_fn():
    """An in-place update of lists of averaged tensors to the running mean of every value seen."""
    def swa_update(averaged_params, current_params, num_averaged):
        count = float(num_averaged)
        with ag.no_grad():
            for averaged, current in zip(averaged_params, current_params):
                if averaged.dtype.kind == "f":
                    averaged.lerp_(current, 1.0 / (count + 1))
                else:
                    averaged.copy_(averaged + (current - averaged) / (count + 1))
    return swa_update


def get_ema_avg_fn(decay=0.999):
    """A function (ema, current, num_averaged) -> decay * ema + (1 - decay) * current."""
    _check_decay(decay)

    def ema_update(ema_param, current_param, num_averaged):
        with ag.no_grad():
            return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn():
    """A function (averaged, current, num_averaged) -> the running mean including `current`."""
    def swa_update(averaged_param, current_param, num_averaged):
        with ag.no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


class AveragedModel(Module):
    """A copy of `model` whose weights are the average of the weights passed to update_parameters: the
    running mean (SWA, the default), or what `avg_fn` (per tensor) or `multi_avg_fn` (over lists) computes,
    e.g. get_ema_multi_avg_fn(0.999) for an exponential moving average. The first update copies the weights.
    Buffers are averaged too with use_buffers=True; otherwise they follow the model's. Calling it runs the
    averaged copy."""

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if not isinstance(model, Module):
            raise TypeError(f"AveragedModel: expected a Module to average, got {type(model).__name__}")
        if avg_fn is not None and multi_avg_fn is not None:
            raise ValueError("AveragedModel: give avg_fn or multi_avg_fn, not both")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module.to(device)
        self.register_buffer("n_averaged", ag.tensor(0, dtype=ag.int64, device=device))
        self.avg_fn, self.multi_avg_fn, self.use_buffers = avg_fn, multi_avg_fn, use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def _averaged_tensors(self, model):
        if self.use_buffers:
            return (list(itertools.chain(self.module.parameters(), self.module.buffers())),
                    list(itertools.chain(model.parameters(), model.buffers())))
        return list(self.module.parameters()), list(model.parameters())

    def update_parameters(self, model):
        """Fold `model`'s current weights into the average (the first call copies them)."""
        mine, theirs = self._averaged_tensors(model)
        if len(mine) != len(theirs):
            raise ValueError(f"AveragedModel.update_parameters: the model has {len(theirs)} tensors to average but "
                             f"the averaged copy has {len(mine)}; pass the model this AveragedModel was made from")
        first = int(self.n_averaged.item()) == 0
        with ag.no_grad():
            pairs = [(a.detach(), b.detach().to(a.device)) for a, b in zip(mine, theirs)]
            if first:
                for averaged, current in pairs:
                    averaged.copy_(current)
            elif self.avg_fn is not None:
                for averaged, current in pairs:
                    averaged.copy_(self.avg_fn(averaged, current, self.n_averaged))
            else:
                update = self.multi_avg_fn or get_swa_multi_avg_fn()
                update([a for a, _ in pairs], [b for _, b in pairs], self.n_averaged)
            if not self.use_buffers:
                for averaged, current in zip(self.module.buffers(), model.buffers()):
                    averaged.copy_(current.detach().to(averaged.device))
            self.n_averaged.add_(1)


def update_bn(loader, model, device=None):
    """Recompute the running statistics of every BatchNorm in `model` with one pass over `loader` (batches,
    or tuples whose first element is the input), as a cumulative average; other state is unchanged."""
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    try:
        with ag.no_grad():
            for batch in loader:
                if isinstance(batch, (list, tuple)):
                    batch = batch[0]
                if device is not None:
                    batch = batch.to(device)
                model(batch)
    finally:
        for module, momentum in momenta.items():
            module.momentum = momentum
        model.train(was_training)


_ANNEAL = {"cos": lambda t: (1 - math.cos(math.pi * t)) / 2, "linear": lambda t: t}


class SWALR(LRScheduler):
    """Anneals each group's lr from its value to `swa_lr` (one number or one per group) over `anneal_epochs`
    steps, by a cosine ('cos') or linear ('linear') curve, then holds it there."""

    _unsaved = ("anneal_func",)

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        check_optimizer(optimizer, "SWALR")
        for group, lr in zip(optimizer.param_groups, per_group("swa_lr", optimizer, swa_lr, "SWALR")):
            group["swa_lr"] = lr
        if anneal_strategy not in _ANNEAL:
            raise ValueError(f"SWALR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"SWALR: anneal_epochs must be an integer >= 0, got {anneal_epochs!r}")
        self._anneal_strategy, self.anneal_epochs = anneal_strategy, anneal_epochs   # PyTorch's state_dict keys
        self.anneal_func = _ANNEAL[anneal_strategy]
        super().__init__(optimizer, last_epoch)

    def load_state_dict(self, state_dict):
        """Restore a state saved by state_dict()."""
        state = dict(state_dict)
        if "anneal_strategy" in state:   # saved by deepgrad before it used PyTorch's key
            state["_anneal_strategy"] = state.pop("anneal_strategy")
        super().load_state_dict(state)
        self.anneal_func = _ANNEAL[self._anneal_strategy]

    @staticmethod
    def _start_lr(lr, swa_lr, alpha):
        # the lr the schedule started from, recovered from the lr reached at alpha
        return swa_lr if alpha == 1 else (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self):
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        span = max(1, self.anneal_epochs)
        previous_alpha = self.anneal_func(max(0.0, min(1.0, (step - 1) / span)))
        alpha = self.anneal_func(max(0.0, min(1.0, step / span)))
        return [group["swa_lr"] * alpha + self._start_lr(group["lr"], group["swa_lr"], previous_alpha) * (1 - alpha)
                for group in self.optimizer.param_groups]
