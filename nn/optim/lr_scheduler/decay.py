"""Schedules that scale the initial lr by a factor of the epoch: lambda, multiplicative, step,
multi-step, constant, linear, exponential, polynomial and cosine decay, and the linear warmup.

Each follows torch.optim.lr_scheduler's formula for `step()` (chainable where PyTorch's is: the group's
current lr times a per-epoch change) and, where PyTorch has one, its closed form for `step(epoch)`.
"""
import math
from bisect import bisect_right
from collections import Counter

from autograd.errors import ZeroArgumentError

from .base import LRScheduler, check_optimizer, current_lrs, per_group


def _lambdas(optimizer, lr_lambda, who):
    fns = per_group("lr_lambda", optimizer, lr_lambda, who)
    for fn in fns:
        if not callable(fn):
            raise TypeError(f"{who}: lr_lambda must be a function of the epoch, got {type(fn).__name__}")
    return fns


class LambdaLR(LRScheduler):
    """lr = initial_lr * lr_lambda(epoch); `lr_lambda` is one function or a list of one per group."""

    _callables = ("lr_lambdas",)   # saved as PyTorch: None for a function, a callable object's attributes

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        check_optimizer(optimizer, "LambdaLR")
        self.lr_lambdas = _lambdas(optimizer, lr_lambda, "LambdaLR")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base * fn(self.last_epoch) for base, fn in zip(self.base_lrs, self.lr_lambdas)]


class MultiplicativeLR(LRScheduler):
    """lr = previous lr * lr_lambda(epoch) at every step after the first; one function or one per group."""

    _callables = ("lr_lambdas",)

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        check_optimizer(optimizer, "MultiplicativeLR")
        self.lr_lambdas = _lambdas(optimizer, lr_lambda, "MultiplicativeLR")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return current_lrs(self.optimizer)
        return [group["lr"] * fn(self.last_epoch) for group, fn in zip(self.optimizer.param_groups, self.lr_lambdas)]


class StepLR(LRScheduler):
    """Multiply the lr by gamma every step_size epochs: initial_lr * gamma ** (epoch // step_size)."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        if step_size == 0:   # a fractional or negative step_size works as in PyTorch: decay when epoch % step_size == 0
            raise ZeroArgumentError(
                f"StepLR: step_size must be positive, got {step_size!r}; it is the number of scheduler.step() calls "
                "between two decays")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return current_lrs(self.optimizer)
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        factor = self.gamma ** (self.last_epoch // self.step_size)
        return [base * factor for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the lr by gamma at each epoch in `milestones` (a milestone listed twice multiplies twice)."""

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        if not hasattr(milestones, "__iter__"):
            raise TypeError(f"'{type(milestones).__name__}' object is not iterable: MultiStepLR(milestones="
                            f"{milestones!r}) takes the list of epochs at which to decay, e.g. milestones=[30, 80] "
                            f"(for one decay every {milestones} epochs use StepLR)")
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch not in self.milestones:
            return current_lrs(self.optimizer)
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [group["lr"] * factor for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base * self.gamma ** passed for base in self.base_lrs]


class ConstantLR(LRScheduler):
    """lr = initial_lr * factor for the first total_iters epochs, initial_lr after."""

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        if not 0.0 <= factor <= 1.0:
            raise ValueError(f"ConstantLR: factor must be in [0, 1], got {factor!r}")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        groups = self.optimizer.param_groups
        if self.last_epoch == 0:
            return [group["lr"] * self.factor for group in groups]
        if self.last_epoch != self.total_iters:
            return current_lrs(self.optimizer)
        return [group["lr"] * (1.0 / self.factor) for group in groups]

    def _get_closed_form_lr(self):
        factor = self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor)
        return [base * factor for base in self.base_lrs]


class LinearLR(LRScheduler):
    """lr moves linearly from initial_lr * start_factor to initial_lr * end_factor over total_iters epochs,
    then stays."""

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1):
        if not 0.0 < start_factor <= 1.0:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1], got {start_factor!r}")
        if not 0.0 <= end_factor <= 1.0:
            raise ValueError(f"LinearLR: end_factor must be in [0, 1], got {end_factor!r}")
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        groups = self.optimizer.param_groups
        if self.last_epoch == 0:
            return [group["lr"] * self.start_factor for group in groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return current_lrs(self.optimizer)
        span = self.end_factor - self.start_factor
        change = 1.0 + span / (self.total_iters * self.start_factor + (self.last_epoch - 1) * span)
        return [group["lr"] * change for group in groups]

    def _get_closed_form_lr(self):
        factor = self.start_factor + (self.end_factor - self.start_factor) * min(self.total_iters,
                                                                                 self.last_epoch) / self.total_iters
        return [base * factor for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the lr by gamma every epoch: initial_lr * gamma ** epoch."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return current_lrs(self.optimizer)
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        return [base * self.gamma ** self.last_epoch for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """lr = initial_lr * (1 - min(epoch, total_iters) / total_iters) ** power: down to 0 at total_iters."""

    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial or self.last_epoch > self.total_iters:
            return current_lrs(self.optimizer)
        change = ((1.0 - self.last_epoch / self.total_iters) /
                  (1.0 - (self.last_epoch - 1) / self.total_iters)) ** self.power
        return [group["lr"] * change for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        factor = (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
        return [base * factor for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (initial_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2: half a cosine from the
    initial lr down to eta_min over T_max epochs, then back up (periodic). Stepped with PyTorch's
    chainable recurrence, so it composes with other changes to the lr."""

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        if T_max == 0:   # a negative T_max runs PyTorch's formula as it stands
            raise ZeroArgumentError(
                f"CosineAnnealingLR: T_max must be > 0, got {T_max!r}; it is the number of scheduler.step() calls "
                "from the initial lr down to eta_min (e.g. T_max=epochs)")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        groups, epoch, eta_min, period = self.optimizer.param_groups, self.last_epoch, self.eta_min, self.T_max
        if self._is_initial:
            return current_lrs(self.optimizer)
        if self._step_count == 1 and epoch > 0:
            return self._get_closed_form_lr()
        if (epoch - 1 - period) % (2 * period) == 0:  # at the bottom the ratio below would divide by zero
            return [group["lr"] + (base - eta_min) * (1 - math.cos(math.pi / period)) / 2
                    for base, group in zip(self.base_lrs, groups)]
        ratio = (1 + math.cos(math.pi * epoch / period)) / (1 + math.cos(math.pi * (epoch - 1) / period))
        return [ratio * (group["lr"] - eta_min) + eta_min for group in groups]

    def _get_closed_form_lr(self):
        shape = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        return [self.eta_min + (base - self.eta_min) * shape for base in self.base_lrs]


class LinearWarmup(LRScheduler):
    """Linear ramp of the lr from start_factor * initial_lr at epoch 0 to initial_lr at epoch
    warmup_steps, constant after. For start_factor > 0 this is torch's
    LinearLR(start_factor=start_factor, end_factor=1.0, total_iters=warmup_steps); start_factor=0
    (the default) begins at lr 0, the usual warmup."""

    def __init__(self, optimizer, warmup_steps, start_factor=0.0, last_epoch=-1):
        if int(warmup_steps) != warmup_steps or warmup_steps < 0:
            raise ValueError(f"LinearWarmup: warmup_steps must be an integer >= 0, got {warmup_steps!r}")
        if not 0.0 <= start_factor <= 1.0:
            raise ValueError(f"LinearWarmup: start_factor must be in [0, 1], got {start_factor!r}")
        self.warmup_steps = int(warmup_steps)
        self.start_factor = start_factor
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        done = 1.0 if self.warmup_steps == 0 else min(self.last_epoch, self.warmup_steps) / self.warmup_steps
        factor = self.start_factor + (1.0 - self.start_factor) * done
        return [base * factor for base in self.base_lrs]
