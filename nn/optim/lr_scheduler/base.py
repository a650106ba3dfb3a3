"""The base every epoch-based learning-rate schedule shares: step(), get_last_lr(), state_dict()."""
import copy
import types
import warnings
from abc import ABC, abstractmethod

from autograd import Tensor

from ..optimizer import Optimizer


#: the warnings start as PyTorch's do, so that a filter written for PyTorch's messages matches ours
STEP_ORDER_WARNING = ("Detected call of `lr_scheduler.step()` before `optimizer.step()`. Call `optimizer.step()` "
                      "first and the scheduler after it: called the other way round, the schedule's first learning rate "
                      "is never used.")
EPOCH_WARNING = ("The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. "
                 "Call `scheduler.step()` without it; while it is given, the schedule's closed form sets the lr "
                 "where it has one.")


class _Checkpointable:
    """get_last_lr and state_dict/load_state_dict shared by every scheduler."""

    #: attributes left out of state_dict (besides the optimizer)
    _unsaved = ()

    def get_last_lr(self):
        """The learning rate of each param group as last set by this scheduler."""
        return list(self._last_lr)

    #: attributes holding the user's functions (one, or a list per group), saved as PyTorch saves them (below)
    _callables = ()

    def state_dict(self):
        """The scheduler's state (every attribute but the optimizer) as a dict; a user's function is saved as None
        when it is a plain function or lambda, and as its attributes when it is a callable object, as PyTorch."""
        skip = ("optimizer",) + self._unsaved + self._callables
        state = copy.deepcopy({k: v for k, v in self.__dict__.items() if k not in skip})
        for name in self._callables:
            value = self.__dict__.get(name)
            state[name] = [_callable_state(fn) for fn in value] if isinstance(value, list) else _callable_state(value)
        return state

    def load_state_dict(self, state_dict):
        """Restore a state saved by state_dict() (a callable object's saved attributes go back onto it)."""
        check_saved_state(self, state_dict)
        skip = self._unsaved + self._callables
        self.__dict__.update(copy.deepcopy({k: v for k, v in state_dict.items() if k not in skip}))
        for name in self._callables:
            saved, current = state_dict.get(name), self.__dict__.get(name)
            if saved is None or current is None:
                continue
            for fn, attributes in (zip(current, saved) if isinstance(current, list) else [(current, saved)]):
                if attributes is not None:
                    fn.__dict__.update(attributes)


def _callable_state(fn):
    """What PyTorch keeps of a user's function in a scheduler's state: None for a plain function (or none at all),
    a copy of a callable object's attributes."""
    if fn is None or isinstance(fn, types.FunctionType):
        return None
    return dict(fn.__dict__)


class NotAnOptimizerError(TypeError, AttributeError):
    """A scheduler given something that is not an optimizer: PyTorch's TypeError for most schedulers, and the
    AttributeError its LambdaLR and MultiplicativeLR raise reading `param_groups`."""


def check_optimizer(optimizer, who):
    """Raise NotAnOptimizerError unless `optimizer` is one of ours."""
    if not isinstance(optimizer, Optimizer):
        hint = " (a model: pass its optimizer, e.g. optim.SGD(model.parameters(), lr=0.1))" \
            if hasattr(optimizer, "parameters") else ""
        raise NotAnOptimizerError(f"{who}: expected an nn.optim Optimizer, got {type(optimizer).__name__}{hint}; "
                                  f"schedulers change the lr of an optimizer's param_groups")


def per_group(name, optimizer, value, who):
    """`value` as a list with one entry per param group (a list/tuple must have exactly one per group)."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{who}: got {len(value)} {name} values for {n} param groups; pass one number or "
                             f"one value per group")
        return list(value)
    return [value] * n


def current_lrs(optimizer):
    """Each param group's lr as it stands (a copy of a Tensor lr, which later steps fill in place)."""
    return [_copy(group["lr"]) for group in optimizer.param_groups]


def _copy(lr):
    return lr.clone() if isinstance(lr, Tensor) else lr


def set_lr(group, lr):
    """Give param `group` the learning rate `lr`: written into a Tensor lr in place, as PyTorch's schedulers do (so
    the tensor the user holds sees it), assigned otherwise."""
    if isinstance(group["lr"], Tensor):
        group["lr"].fill_(lr)
    else:
        group["lr"] = lr


class LRScheduler(_Checkpointable, ABC):
    """Base of the epoch-based schedules, stepped as torch.optim.lr_scheduler.LRScheduler.

    `step()` advances `last_epoch` by one and sets each group's lr from `get_lr()`, which (as in PyTorch)
    may be chainable: it scales the group's current lr, so schedulers combined with ChainedScheduler or
    other changes to the lr compose. `step(epoch)` jumps to `epoch` and uses the closed form
    `_get_closed_form_lr()` from `base_lrs` where the schedule has one. `last_epoch=-1` starts a new
    schedule from each group's current lr (kept as 'initial_lr'); another value resumes one, which needs
    'initial_lr' in every group (load the optimizer's state_dict first). Creating a scheduler applies
    the lr of epoch 0; call `step()` after each epoch's (or batch's) `optimizer.step()`.
    """

    def __init__(self, optimizer, last_epoch=-1):
        check_optimizer(optimizer, type(self).__name__)
        self.optimizer = optimizer
        groups = optimizer.param_groups
        if last_epoch == -1:
            for group in groups:
                group.setdefault("initial_lr", _copy(group["lr"]))
        else:
            for k, group in enumerate(groups):
                if "initial_lr" not in group:
                    raise KeyError(f"{type(self).__name__}: param group {k} has no 'initial_lr'; resuming with "
                                   f"last_epoch={last_epoch} needs it (load the optimizer's state_dict first, "
                                   "or start with last_epoch=-1)")
        self.base_lrs = [group["initial_lr"] for group in groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self):
        """The step made on construction: chainable schedules keep the lr they find there."""
        self._step_count = 0
        self._is_initial = True
        self._get_lr_called_within_step = False   # unused here: kept so that state_dict() has PyTorch's keys
        try:
            self.step()
        finally:
            self._is_initial = False

    @abstractmethod
    def get_lr(self):
        """The lr of each param group at epoch `self.last_epoch` (called by step())."""

    def step(self, epoch=None):
        """Advance one epoch (or jump to `epoch`, deprecated as in PyTorch, with its warning) and set every
        group's lr for it. The first step after construction warns, as PyTorch's does, when the optimizer has
        not stepped yet: the schedule's first value would then never be used."""
        if self._step_count == 1 and not getattr(self.optimizer, "_opt_called", False):
            warnings.warn(STEP_ORDER_WARNING, UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch=None):
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            values = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            set_lr(group, lr)
        self._last_lr = current_lrs(self.optimizer)


def check_saved_state(scheduler, state_dict):
    """Refuse a scheduler state that is not a dict (a list, a path), with PyTorch's TypeError."""
    if not isinstance(state_dict, dict):
        raise TypeError(f"{type(scheduler).__name__}.load_state_dict: expected the dict scheduler.state_dict() "
                        f"returns, got {type(state_dict).__name__} (cannot convert dictionary update sequence); "
                        f"pass scheduler.state_dict(), or torch.load(path) of a saved one")
