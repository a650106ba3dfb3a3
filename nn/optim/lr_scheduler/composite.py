"""Schedulers made of other schedulers: SequentialLR (one after another at milestones) and
ChainedScheduler (all stepped together, their chainable changes multiplying)."""
import copy
from bisect import bisect_right

from .base import LRScheduler, check_saved_state, current_lrs, set_lr
from .plateau import ReduceLROnPlateau


def _check_parts(who, optimizer, schedulers):
    if len(schedulers) < 1:
        raise ValueError(f"{who}: expects at least one scheduler, got none")
    for k, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise TypeError(f"{who}: the scheduler at index {k} ({type(scheduler).__name__}) has no optimizer; "
                            "pass nn.optim.lr_scheduler objects")
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(f"{who}: ReduceLROnPlateau (index {k}) cannot be combined, its step() needs the "
                             "metric; step it separately")
        if scheduler.optimizer is not optimizer:
            raise ValueError(f"{who}: every scheduler must drive the same optimizer; the one at index {k} "
                             f"({type(scheduler).__name__}) was built on another")


class _Composite(LRScheduler):
    """state_dict/load_state_dict that save the parts' states in '_schedulers'."""

    def state_dict(self):
        """This scheduler's state with each part's state_dict under '_schedulers'."""
        state = copy.deepcopy({k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")})
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        """Restore this scheduler and its parts from state_dict()."""
        check_saved_state(self, state_dict)
        for scheduler, saved in zip(self._schedulers, state_dict["_schedulers"]):
            scheduler.load_state_dict(saved)
        self.__dict__.update(copy.deepcopy({k: v for k, v in state_dict.items() if k != "_schedulers"}))


class SequentialLR(_Composite):
    """Run `schedulers` one after another: the k-th takes over at epoch milestones[k-1] (restarted at its
    epoch 0 then), as torch.optim.lr_scheduler.SequentialLR."""

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        schedulers, milestones = list(schedulers), list(milestones)
        _check_parts("SequentialLR", optimizer, schedulers)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR: expects one milestone fewer than schedulers, got {len(schedulers)} "
                             f"schedulers and {len(milestones)} milestones")
        self._schedulers, self._milestones = schedulers, milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            set_lr(group, group["initial_lr"])
        self._undo_initial_steps(self)
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def _undo_initial_steps(self, scheduler):
        """Take back the step every part (nested ones too) made when it was created."""
        for part in getattr(scheduler, "_schedulers", ()):
            if hasattr(part, "_schedulers"):
                self._undo_initial_steps(part)
            else:
                part.last_epoch -= 1

    def get_lr(self):
        return current_lrs(self.optimizer)

    def step(self):
        """Advance one epoch; at a milestone the next scheduler starts from its epoch 0."""
        self.last_epoch += 1
        k = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[k]
        if k > 0 and self._milestones[k - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_Composite):
    """Step every scheduler in `schedulers` together each epoch, so their (chainable) changes to the lr
    multiply, as torch.optim.lr_scheduler.ChainedScheduler."""

    def __init__(self, schedulers, optimizer=None):
        schedulers = list(schedulers)
        if not schedulers:
            raise ValueError("ChainedScheduler: expects at least one scheduler, got none")
        optimizer = optimizer or schedulers[0].optimizer
        _check_parts("ChainedScheduler", optimizer, schedulers)
        self._schedulers, self.optimizer = schedulers, optimizer
        self._last_lr = current_lrs(optimizer)

    def get_lr(self):
        return current_lrs(self.optimizer)

    def step(self):
        """Step every scheduler once, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = current_lrs(self.optimizer)
