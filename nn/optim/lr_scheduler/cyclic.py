"""Schedules that cycle: CyclicLR, CosineAnnealingWarmRestarts and OneCycleLR (torch.optim.lr_scheduler's
formulas), the first and last also cycling the momentum (SGD) or beta1 (Adam-like) against the lr."""
import math

from autograd.errors import ZeroArgumentError

from .base import LRScheduler, check_optimizer, check_saved_state, current_lrs, per_group, set_lr


def _momentum_key(optimizer, who):
    """True when the optimiser's momentum is beta1 of 'betas', False when it is 'momentum'."""
    if "betas" in optimizer.defaults:
        return True
    if "momentum" not in optimizer.defaults:
        raise ValueError(f"{who}: cycle_momentum=True needs an optimizer with momentum or betas; "
                         f"{type(optimizer).__name__} has neither (pass cycle_momentum=False)")
    return False


def _set_momentum(group, value, beta1):
    if beta1:
        group["betas"] = (value, *group["betas"][1:])
    else:
        group["momentum"] = value


class CyclicLR(LRScheduler):
    """The cyclical learning rate policy, stepped after every batch: the lr goes linearly from base_lr up
    to max_lr over step_size_up steps and back down over step_size_down (default step_size_up), the
    amplitude scaled per cycle by mode 'triangular' (1), 'triangular2' (halved each cycle) or 'exp_range'
    (gamma ** step), or by a custom `scale_fn` of the cycle number or step (`scale_mode`). With
    cycle_momentum the momentum (or beta1) moves the opposite way between max_momentum and base_momentum."""

    _callables = ("_scale_fn_custom",)   # saved as PyTorch: None for a function, a callable object's attributes

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular",
                 gamma=1.0, scale_fn=None, scale_mode="cycle", cycle_momentum=True, base_momentum=0.8,
                 max_momentum=0.9, last_epoch=-1):
        check_optimizer(optimizer, "CyclicLR")
        base_lrs = per_group("base_lr", optimizer, base_lr, "CyclicLR")
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                set_lr(group, lr)
        self.max_lrs = per_group("max_lr", optimizer, max_lr, "CyclicLR")
        if step_size_up <= 0 or (step_size_down is not None and step_size_down <= 0):
            # PyTorch divides by the cycle's length at the first step: a ZeroDivisionError for a 0
            raise (ZeroArgumentError if 0 in (step_size_up, step_size_down) else ValueError)(
                f"CyclicLR: step_size_up ({step_size_up}) and step_size_down ({step_size_down}) must be > 0; they are "
                "the numbers of scheduler.step() calls (batches) from base_lr up to max_lr and back")
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError(f"CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range' (or pass "
                             f"scale_fn), got {mode!r}")
        if scale_fn is not None and scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"CyclicLR: scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}")
        self.mode, self.gamma, self._scale_fn_custom = mode, gamma, scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else ("iterations" if mode == "exp_range" else "cycle")
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _momentum_key(optimizer, "CyclicLR")
            self.base_momentums = per_group("base_momentum", optimizer, base_momentum, "CyclicLR")
            self.max_momentums = per_group("max_momentum", optimizer, max_momentum, "CyclicLR")
            if last_epoch == -1:
                for high, low, group in zip(self.max_momentums, self.base_momentums, optimizer.param_groups):
                    _set_momentum(group, high, self.use_beta1)
                    group["max_momentum"], group["base_momentum"] = high, low
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x):
        """The amplitude factor at cycle (or step) x."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def get_lr(self):
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        height = x / self.step_ratio if x <= self.step_ratio else (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base + (top - base) * height * scale for base, top in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, low, high in zip(self.optimizer.param_groups, self.base_momentums, self.max_momentums):
                _set_momentum(group, high - (high - low) * height * scale, self.use_beta1)
        return lrs


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing from the initial lr to eta_min over T_0 epochs, then a restart at the initial lr,
    each period T_mult times longer than the last (SGDR). step(epoch) takes fractional epochs too, e.g.
    `scheduler.step(epoch + i / iters)` inside an epoch."""

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        if not isinstance(T_0, int) or T_0 <= 0:
            raise ValueError(f"CosineAnnealingWarmRestarts: T_0 must be a positive integer, got {T_0!r}")
        if not isinstance(T_mult, int) or T_mult < 1:
            raise ValueError(f"CosineAnnealingWarmRestarts: T_mult must be an integer >= 1, got {T_mult!r}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(f"CosineAnnealingWarmRestarts: eta_min must be a number, got {type(eta_min).__name__}")
        self.T_0, self.T_i, self.T_mult, self.eta_min = T_0, T_0, T_mult, eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        shape = (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
        return [self.eta_min + (base - self.eta_min) * shape for base in self.base_lrs]

    def step(self, epoch=None):
        """Advance one epoch, or go to `epoch` (may be fractional), and set every group's lr."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur %= self.T_i
                self.T_i *= self.T_mult
        elif epoch < 0:
            raise ValueError(f"CosineAnnealingWarmRestarts: epoch must be >= 0, got {epoch!r}")
        elif epoch >= self.T_0:
            if self.T_mult == 1:
                self.T_cur = epoch % self.T_0
            else:
                n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
                self.T_i = self.T_0 * self.T_mult ** n
        else:
            self.T_i = self.T_0
            self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            set_lr(group, lr)
        self._last_lr = current_lrs(self.optimizer)


#: the fields of one OneCycleLR phase, as PyTorch names them
_PHASE_KEYS = ("end_step", "start_lr", "end_lr", "start_momentum", "end_momentum")


class OneCycleLR(LRScheduler):
    """The 1cycle policy, as torch.optim.lr_scheduler.OneCycleLR, stepped after every batch: the lr rises
    from max_lr / div_factor to max_lr over the first pct_start of total_steps, then falls to
    max_lr / (div_factor * final_div_factor) (three_phase: back to the start over as many steps, then down
    to the minimum); cosine or linear (`anneal_strategy`). With cycle_momentum the momentum (SGD) or
    beta1 (Adam-like) moves the opposite way between max_momentum and base_momentum. total_steps, or
    epochs and steps_per_epoch; stepping past the end is an error."""

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
                 anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
                 div_factor=25.0, final_div_factor=1e4, three_phase=False, last_epoch=-1):
        check_optimizer(optimizer, "OneCycleLR")
        groups = optimizer.param_groups
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("OneCycleLR: pass total_steps, or both epochs and steps_per_epoch")
            if int(epochs) != epochs or epochs < 1 or int(steps_per_epoch) != steps_per_epoch or steps_per_epoch < 1:
                raise ValueError(f"OneCycleLR: epochs and steps_per_epoch must be positive integers, got {epochs!r} "
                                 f"and {steps_per_epoch!r}")
            total_steps = int(epochs) * int(steps_per_epoch)
        if int(total_steps) != total_steps or total_steps < 1:
            raise ValueError(f"OneCycleLR: total_steps must be a positive integer, got {total_steps!r}")
        if not 0.0 <= pct_start <= 1.0:
            raise ValueError(f"OneCycleLR: pct_start must be in [0, 1], got {pct_start!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        self.total_steps = int(total_steps)
        max_lrs = list(max_lr) if isinstance(max_lr, (list, tuple)) else [max_lr] * len(groups)
        if len(max_lrs) != len(groups):
            raise ValueError(f"OneCycleLR: got {len(max_lrs)} max_lr values for {len(groups)} param groups")
        up = float(pct_start * self.total_steps) - 1
        if three_phase:
            phases = [(up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                      (2 * up, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                      (self.total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        else:
            phases = [(up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                      (self.total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]
        # PyTorch's attribute names and shapes, so that state_dict() matches its keys and values
        self._schedule_phases = [dict(zip(_PHASE_KEYS, phase)) for phase in phases]
        self._anneal_func_type, self.cycle_momentum = anneal_strategy, cycle_momentum
        if last_epoch == -1:
            for group, top in zip(groups, max_lrs):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        if cycle_momentum:
            self.use_beta1 = _momentum_key(optimizer, "OneCycleLR")
            bases = list(base_momentum) if isinstance(base_momentum, (list, tuple)) else [base_momentum] * len(groups)
            tops = list(max_momentum) if isinstance(max_momentum, (list, tuple)) else [max_momentum] * len(groups)
            if last_epoch == -1:
                for group, low, high in zip(groups, bases, tops):
                    _set_momentum(group, high, self.use_beta1)
                    group["max_momentum"], group["base_momentum"] = high, low
        super().__init__(optimizer, last_epoch)

    def load_state_dict(self, state_dict):
        """Restore a state saved by state_dict(): PyTorch's, or one saved by deepgrad before it used PyTorch's
        names ('_beta1', 'anneal_strategy', '_phases' as tuples)."""
        check_saved_state(self, state_dict)
        state = dict(state_dict)
        for old, new in (("_beta1", "use_beta1"), ("anneal_strategy", "_anneal_func_type")):
            if old in state:
                state.setdefault(new, state.pop(old))
        if "_phases" in state:
            state.setdefault("_schedule_phases", [dict(zip(_PHASE_KEYS, p)) for p in state.pop("_phases")])
        super().load_state_dict(state)

    def _anneal(self, start, end, pct):
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self):
        step = self.last_epoch
        if step > self.total_steps:
            # PyTorch's words exactly (programs print them); the fix: total_steps (or epochs * steps_per_epoch)
            # must cover every step
            raise ValueError(f"Tried to step {step} times. The specified number of total steps is {self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for k, phase in enumerate(self._schedule_phases):
                end, lr_from, lr_to, m_from, m_to = (phase[key] for key in _PHASE_KEYS)
                if step <= end or k == len(self._schedule_phases) - 1:
                    pct = (step - start) / (end - start)
                    lrs.append(self._anneal(group[lr_from], group[lr_to], pct))
                    if self.cycle_momentum:
                        _set_momentum(group, self._anneal(group[m_from], group[m_to], pct), self.use_beta1)
                    break
                start = end
        return lrs
