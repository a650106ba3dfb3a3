"""ReduceLROnPlateau: lower the lr when a metric stops improving (torch.optim.lr_scheduler's rules)."""
import math
import warnings

from .base import EPOCH_WARNING, _Checkpointable, check_optimizer, current_lrs, set_lr


class ReduceLROnPlateau(_Checkpointable):
    """Multiply every group's lr by `factor` once a metric has not improved for more than `patience`
    calls to step(metric), then wait `cooldown` calls before counting again; lr never goes below min_lr.

    mode 'min' (lower is better) or 'max'; an improvement beats the best so far by more than `threshold`,
    relative (threshold_mode='rel': best * (1 -/+ threshold)) or absolute ('abs': best -/+ threshold).
    Changes smaller than `eps` are skipped.
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0, eps=1e-8):
        check_optimizer(optimizer, "ReduceLROnPlateau")
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be < 1.0 (it multiplies the lr), got {factor!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        n = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)) and len(min_lr) != n:
            raise ValueError(f"ReduceLROnPlateau: got {len(min_lr)} min_lr values for {n} param groups")
        # attributes set in PyTorch's order: state_dict() lists them in this order, as PyTorch's does
        self.factor = factor
        self.optimizer = optimizer
        if isinstance(min_lr, (list, tuple)):
            self.default_min_lr, self.min_lrs = None, list(min_lr)
        else:
            self.default_min_lr, self.min_lrs = min_lr, [min_lr] * n
        self.patience, self.cooldown, self.eps = patience, cooldown, eps
        self.last_epoch = 0
        self._last_lr = current_lrs(optimizer)
        self.mode_worse = math.inf if mode == "min" else -math.inf   # the starting `best`
        self.mode, self.threshold, self.threshold_mode = mode, threshold, threshold_mode
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def is_better(self, current, best):
        """True when `current` improves on `best` by more than the threshold."""
        if self.mode == "min":
            bar = best * (1 - self.threshold) if self.threshold_mode == "rel" else best - self.threshold
            return current < bar
        bar = best * (1 + self.threshold) if self.threshold_mode == "rel" else best + self.threshold
        return current > bar

    @property
    def in_cooldown(self):
        """True while the cooldown after a reduction lasts (no bad epochs are counted)."""
        return self.cooldown_counter > 0

    def step(self, metrics, epoch=None):
        """Record this epoch's metric (a number or one-element tensor) and reduce the lr if it has plateaued.
        `epoch` (deprecated in PyTorch, with its warning) sets last_epoch instead of counting up."""
        current = float(metrics)
        if epoch is not None:
            warnings.warn(EPOCH_WARNING, UserWarning, stacklevel=2)
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._match_groups()
            for group, floor in zip(self.optimizer.param_groups, self.min_lrs):
                old = float(group["lr"])
                new = max(old * self.factor, floor)
                if old - new > self.eps:
                    set_lr(group, new)
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = current_lrs(self.optimizer)

    def _match_groups(self):
        """min_lrs for param groups added since construction: min_lr again, as PyTorch (a per-group list cannot
        be extended, so that raises)."""
        n = len(self.optimizer.param_groups)
        if n == len(self.min_lrs):
            return
        if self.default_min_lr is None:
            raise RuntimeError(f"ReduceLROnPlateau: the optimizer has {n} param groups but min_lr gave "
                               f"{len(self.min_lrs)} (a param group was added since); set scheduler.min_lrs to "
                               "one value per group")
        self.min_lrs = [self.default_min_lr] * n
