"""Optimizer: the base every optimiser shares (param groups, per-parameter state, state_dict)."""
import numbers
import os
import sys
import warnings
from collections import defaultdict
from itertools import chain

import numpy as np

from autograd import Tensor, arrays, enable_grad, no_grad
from autograd.errors import ShapeError

from ._buffers import check_betas, zeros_like_param
from .sparse_gradients import gradient_for_step
from ._profiled_step import wrap_class
from ._step_hooks import (_register, hook_class, hooks_of, register_optimizer_step_post_hook,  # noqa: F401
                          register_optimizer_step_pre_hook)
from ._step_state import restore as restore_scalar
from . import _state_dict_hooks

# Options a param group may carry besides the optimiser's own: 'initial_lr' is set by lr schedulers.
_BOOKKEEPING = ("params", "initial_lr")
# Options of some optimiser: one of these in a group of an optimiser that does not use it is most likely a mistake
# (PyTorch keeps it silently; we keep it too, and warn).
_OPTION_NAMES = frozenset(("lr", "momentum", "dampening", "nesterov", "weight_decay", "betas", "eps", "amsgrad",
                           "alpha", "centered", "lr_decay", "rho", "etas", "step_sizes", "momentum_decay",
                           "decoupled_weight_decay", "lambd", "t0", "initial_accumulator_value", "maximize",
                           "ns_coefficients", "ns_steps", "adjust_lr_fn"))
_UNORDERED = ("{}: params must be an ordered collection (list, tuple, generator); a set has no stable order, "
              "so state_dict indices would change between runs")


class _RequiredParameter:
    """The default of an option every param group must set (`lr=required` in a custom optimiser's signature)."""

    def __repr__(self):
        return "<required parameter>"


#: PyTorch's sentinel default: a group left without the option is refused when it is added
required = _RequiredParameter()


class OptimizerStateError(ValueError, KeyError):
    """An optimizer state dict that does not fit: a ValueError, as deepgrad raised before, and a KeyError as
    PyTorch raises (a missing 'param_groups', or at step() an option the saved groups lack)."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class OptimizerStateTypeError(OptimizerStateError, TypeError, AttributeError):
    """load_state_dict given something that is not a dict at all: also a TypeError or an AttributeError, as PyTorch
    raises one or the other (a list is indexed by a string; a number or None has no .copy())."""


def _number(value):
    return value.item() if isinstance(value, Tensor) else value


def plain_options(group):
    """`group` itself, or a copy whose Tensor options (an lr, betas given as tensors, as PyTorch takes them) are
    Python numbers, as the update formulas and device kernels read them."""
    if not any(isinstance(v, Tensor) or (isinstance(v, tuple) and any(isinstance(b, Tensor) for b in v))
               for k, v in group.items() if k != "params"):
        return group
    return {k: v if k == "params" else tuple(map(_number, v)) if isinstance(v, tuple) else _number(v)
            for k, v in group.items()}


def _outside_optim():
    """The warnings stacklevel of the first caller outside nn.optim (the user's line that built the optimiser)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_OPTIM_DIR):
        frame, level = frame.f_back, level + 1
    return level


_OPTIM_DIR = os.path.dirname(os.path.abspath(__file__))
_OWN_PACKAGE = __name__.rpartition(".")[0]   # 'nn.optim': the optimisers whose options _check_group checks


#: the device types where PyTorch's optimizers take capturable=True (its CUDA-graph form); a CPU parameter is
#: refused at step() with its AssertionError
_CAPTURABLE_DEVICES = ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla']


def _check_capturable(name, p):
    if p.device.type not in _CAPTURABLE_DEVICES:
        raise AssertionError(f"If capturable=True, params and state_steps must be on supported devices: "
                             f"{_CAPTURABLE_DEVICES}. ({name}: a parameter of shape {tuple(p.shape)} is on "
                             f"{p.device.type}; capturable is for CUDA graphs, leave it False on the CPU)")


class Optimizer:
    """Updates parameters in place from their `.grad`, one param group at a time.

    Built-in optimisers define `_update` (one parameter's update, which the shared `step` calls); a user's
    subclass may instead override `step` itself, as with PyTorch's torch.optim.Optimizer.

    `params` is an iterable of Tensors, or of dicts (param groups) each with a 'params' entry and any
    options that override `defaults` for that group, e.g. `[{'params': body}, {'params': head, 'lr': 1e-2}]`.
    `param_groups` is the list of groups (edit `group['lr']` to change a learning rate);
    `state[p]` holds a parameter's running buffers (a dict keyed by the Tensor object itself).
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        hook_class(cls)   # step pre/post hooks run around the step ...
        _state_dict_hooks.hook_class(cls)   # state_dict hooks around the outermost (load_)state_dict
        wrap_class(cls)   # ... and profiles show both as 'Optimizer.step#<Class>.step', as PyTorch's

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = defaultdict(dict)  # Tensor hashes by identity, so lookups never call the elementwise ==
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError(f"{self._name}: params should be an iterable of Tensors or of dicts, got a single "
                            "Tensor; wrap it in a list: [p]")
        if isinstance(params, dict):
            params = [params]
        if not hasattr(params, "__iter__"):
            what = f"a {type(params).__name__} module" if hasattr(params, "parameters") else type(params).__name__
            raise TypeError(f"{self._name}: params should be an iterable of Tensors or of dicts, got {what}; pass "
                            "model.parameters()")
        params = list(params)
        if not params:
            raise ValueError(f"{self._name}: got an empty parameter list; pass model.parameters() of a model "
                             "that has parameters (a generator from model.parameters() is used up by the first "
                             "optimizer given it: call model.parameters() again for another)")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    @property
    def _name(self):
        return type(self).__name__

    def register_step_pre_hook(self, hook):
        """Call hook(optimizer, args, kwargs) before each step (it may return (new_args, new_kwargs)); returns
        a handle whose .remove() unregisters it."""
        return _register(hooks_of(self, "pre"), hook)

    def register_step_post_hook(self, hook):
        """Call hook(optimizer, args, kwargs) after each step; returns a handle whose .remove() unregisters it."""
        return _register(hooks_of(self, "post"), hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """Call hook(optimizer) before each state_dict() (first of them when `prepend`); returns a handle whose
        .remove() unregisters it."""
        return _state_dict_hooks.register(self, "state_dict_pre", hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """Call hook(optimizer, state_dict) after each state_dict(); a dict it returns is returned instead."""
        return _state_dict_hooks.register(self, "state_dict_post", hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """Call hook(optimizer, state_dict) before each load_state_dict(); a dict it returns is loaded instead."""
        return _state_dict_hooks.register(self, "load_state_dict_pre", hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """Call hook(optimizer) after each load_state_dict()."""
        return _state_dict_hooks.register(self, "load_state_dict_post", hook, prepend)

    # ----- param groups ------------------------------------------------------------------------
    def add_param_group(self, param_group):
        """Add a dict with 'params' (and options overriding the defaults) as a new param group."""
        if not isinstance(param_group, dict):
            raise TypeError(f"{self._name}.add_param_group: expected a dict with a 'params' entry, "
                            f"got {type(param_group).__name__}")
        if "params" not in param_group:
            raise MissingParamsError(f"{self._name}.add_param_group: the group has no 'params' entry (its keys: "
                                     f"{', '.join(map(repr, param_group)) or 'none'}); give each group its tensors: "
                                     "{'params': model.parameters(), 'lr': ...}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(_UNORDERED.format(self._name))
        params = list(params)
        params, names = self._split_names(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{self._name}: can only optimise Tensors, got {type(p).__name__}")
            if not (p.is_leaf or p.retains_grad or self.defaults.get("differentiable")):
                raise ValueError(f"{self._name}: cannot optimise a non-leaf Tensor (shape {p.shape}, made by "
                                 f"{p.grad_fn.name()}); optimise the leaf it was computed from")
        if len({id(p) for p in params}) != len(params):
            counts = self.__dict__.setdefault("_listings", {})   # id -> how often its group lists it (SGD reads it)
            for p in params:
                counts[id(p)] = counts.get(id(p), 0) + 1
            warnings.warn(f"{self._name}: optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error (as PyTorch warns); each step updates such a parameter "
                          "once per listing: list each parameter once", UserWarning, stacklevel=_outside_optim())
        taken = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in taken for p in params):
            raise ValueError(f"{self._name}: some parameters appear in more than one parameter group; "
                             "give each parameter to exactly one group")
        # extra keys stay in the group, as PyTorch keeps them (schedulers and user code read keys like 'lr_scale')
        unused = [k for k in param_group if k in _OPTION_NAMES and k not in self.defaults]
        if unused:
            warnings.warn(f"{self._name}: option(s) {', '.join(map(repr, unused))} in a param group are not used "
                          f"by {self._name} (its options: {', '.join(self.defaults)}); they are kept in the group "
                          "but have no effect", UserWarning, stacklevel=_outside_optim())
        group = dict(param_group, params=params)
        if names is not None:   # as PyTorch: the names follow 'params' and go into state_dict()
            keyed = {}
            for key, value in group.items():
                keyed[key] = value
                if key == "params":
                    keyed["param_names"] = names
            group = keyed
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}"
                                 f" ({self._name}: pass {name}= to the optimizer or put it in each group)")
            group.setdefault(name, default)
        self._check_group(group)
        self.param_groups.append(group)

    def _split_names(self, params):
        """(tensors, names) from params that may be model.named_parameters()'s (name, tensor) pairs (names None
        when they are plain tensors); every group of one optimizer has names, or none does, as in PyTorch."""
        named = [isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) for p in params]
        if any(named) and not all(named):
            raise ValueError(f"{self._name}: all optimizer params should be with/without names: pass "
                             "model.named_parameters() or model.parameters(), not a mix (some param names are "
                             "missing)")
        has_names = bool(params) and all(named)
        if self.param_groups and ("param_names" in self.param_groups[0]) != has_names:
            raise ValueError(f"{self._name}: all optimizer param groups should be with/without names: this "
                             f"optimizer's groups {'have' if not has_names else 'have no'} names, the new group "
                             f"{'has' if has_names else 'has none'}")
        if not has_names:
            return params, None
        return [p for _, p in params], [name for name, _ in params]

    def _check_group(self, group):
        """Raise ValueError when an option of `group` is out of range: lr and `_nonnegative` below zero, betas
        outside [0, 1) (subclasses add their own checks). An optimiser written by the user on Optimizer alone is not
        checked, as PyTorch's base class checks nothing (timm's Adan has three betas, Adafactor may have no lr);
        differentiable=True is still refused where the base step() would run its update."""
        if any(cls is not Optimizer and cls.__module__.startswith(_OWN_PACKAGE) for cls in type(self).__mro__):
            self._check_options(group)
        # a subclass with its own step() decides for itself what differentiable means, as in PyTorch
        if group.get("differentiable") and self._graph_step is None and type(self).step is Optimizer.step:
            raise ValueError(f"{self._name}: differentiable=True (an update recorded in the graph, for gradients "
                             f"through the optimiser step) is not supported by {self._name}; use one of the "
                             "torch.optim classes (SGD, Adam, ...) or write the update with tensor ops")

    def _check_options(self, group):
        """lr and `_nonnegative` at or above zero, betas in [0, 1): deepgrad's own optimisers' range checks."""
        for name in ("lr",) + self._nonnegative:
            value = group[name]
            # PyTorch takes a 1-element tensor lr (schedulers fill it), and tensor options for differentiable=True
            if isinstance(value, Tensor) and (name == "lr" or group.get("differentiable")):
                if value.numel() != 1 or value.dtype.kind not in "fiu":
                    raise ValueError(f"{self._name}: a Tensor {name} must be a real 1-element tensor, got shape "
                                     f"{tuple(value.shape)} of {value.dtype}")
                value = value.item()
            if not isinstance(value, numbers.Real):
                raise TypeError(f"{self._name}: {name} must be a number, got {type(value).__name__} {value!r}")
            if value < 0:
                raise ValueError(f"{self._name}: invalid {name} {value!r}; it must be >= 0")
        if "betas" in group:
            check_betas(self._name, group["betas"])

    #: options that must be >= 0, checked for every group
    _nonnegative = ()

    #: the update written with tensor ops, recorded in the graph, for differentiable=True (_differentiable.py):
    #: fn(param, grad, state, group) changing param in place; None where differentiable=True is refused
    _graph_step = None

    #: what step() does with a sparse COO gradient (sparse_gradients.py): refuse it (None), hand _update the
    #: dense gradient it stands for ("dense") or the sparse one ("sparse")
    _sparse_gradients = None

    # ----- updates -----------------------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Clear every parameter's gradient: drop it (default) or fill it with zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                elif g.grad_fn is not None or g.requires_grad:
                    # a gradient recorded with create_graph: start from plain zeros outside the graph
                    p.grad = zeros_like_param(g)
                else:
                    arrays.assign_(g, 0)

    def step(self, closure=None):
        """Update every parameter that has a gradient; `closure` (re-evaluates the loss) is called first
        with gradients enabled, and its result returned."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            state, update, array = self.state, self._update, arrays.array
            for group in self.param_groups:
                if group.get("differentiable"):
                    self._graph_steps(group)
                    continue
                maximize = group.get("maximize", False)
                options = plain_options(group)
                writes = self._version_writes(options)
                for p in group["params"]:
                    g = p.grad
                    if g is None:
                        continue
                    if group.get("capturable") and not group.get("fused"):   # PyTorch's fused kernels take it
                        _check_capturable(self._name, p)
                    grad = gradient_for_step(self, array(g), p)
                    target = p
                    if grad.dtype.kind == "c":   # as PyTorch: a complex parameter updates as its real view
                        target, grad = _real_view(p), _real_array(grad)
                    try:
                        update(target, _negated(grad) if maximize else grad, state[p], options)
                    except ValueError as exc:
                        _explain_resized(self._name, p, state[p], exc)
                        raise
                    arrays.mark_changed(p, writes=writes)
        return loss

    def _graph_steps(self, group):
        """Update the group's parameters with self._graph_step under grad mode (differentiable=True), reading each
        .grad as the tensor it is (a gradient made with create_graph=True carries its graph along)."""
        with enable_grad():
            for p in group["params"]:
                if p.grad is not None:
                    self._graph_step(p, -p.grad if group.get("maximize") else p.grad, self.state[p], group)

    def _version_writes(self, group):
        """How many in-place writes PyTorch's step makes to each parameter of `group`: its _version's tick per step
        (1 here; an optimiser whose PyTorch code writes a parameter more often says so)."""
        return 1

    def _update(self, p, grad, state, group):
        """Update parameter `p` in place (through arrays.array(p)) from the raw gradient array `grad`
        (already negated when maximizing), with its `state` dict and its group's options."""
        raise NotImplementedError(f"{self._name}.step: an Optimizer subclass must define step(self, closure=None) "
                                  f"(updating each p in self.param_groups under torch.no_grad()), as in PyTorch")

    # ----- checkpoints -------------------------------------------------------------------------
    def state_dict(self):
        """A snapshot of the optimiser in PyTorch's layout: {'state': {index: {...}}, 'param_groups':
        [{options..., 'params': [indices]}]}, parameters numbered in group order. As PyTorch's, the state entries
        are the optimiser's own (later steps show in them): deep-copy the result to keep a snapshot."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        params = {id(p): p for group in self.param_groups for p in group["params"]}
        state = {}
        for key in sorted(self.state, key=lambda p: index.get(id(p), -1)):
            if id(key) in params and self.state[key]:
                state[index[id(key)]] = self.state[key]
        return {"state": state, "param_groups": groups}

    def _check_same_kind(self, saved_groups):
        """Refuse groups saved by another optimizer kind: ones holding options this one does not take (Adam's betas
        in SGD) and lacking options it needs (SGD's momentum). PyTorch loads them and fails at step() with a
        KeyError; missing options alone are an older checkpoint, and foreign ones alone a user's own keys."""
        for k, saved in enumerate(saved_groups):
            foreign = sorted(o for o in saved if o in _OPTION_NAMES and o not in self.defaults)
            missing = sorted(o for o in self.defaults if o in _OPTION_NAMES and o not in saved)
            if foreign and missing:
                raise OptimizerStateError(
                    f"{self._name}.load_state_dict: param group {k} of the state dict has options {foreign} that "
                    f"{self._name} does not take and lacks {missing} that it needs: it was saved by another optimizer "
                    f"kind; load it into the optimizer class that saved it")

    def load_state_dict(self, state_dict):
        """Restore options and buffers saved by state_dict() (ours or torch.optim's, same layout); buffers
        are put on each parameter's device and dtype (those already there are shared, not copied, as in
        PyTorch)."""
        if not isinstance(state_dict, dict) or "state" not in state_dict or "param_groups" not in state_dict:
            have = sorted(map(str, state_dict)) if isinstance(state_dict, dict) else type(state_dict).__name__
            error = OptimizerStateError if isinstance(state_dict, dict) else OptimizerStateTypeError
            raise error(f"{self._name}.load_state_dict: expected a dict with 'state' and "
                                      f"'param_groups', as made by optimizer.state_dict(), got {have}")
        saved_groups = state_dict["param_groups"]
        self._check_same_kind(saved_groups)
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{self._name}.load_state_dict: the state dict has {len(saved_groups)} param groups, "
                             f"this optimiser has {len(self.param_groups)}")
        for k, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"{self._name}.load_state_dict: param group {k} has {len(saved['params'])} "
                                 f"parameters in the state dict, {len(group['params'])} in this optimiser")
        by_index = {int(i): p for i, p in zip(chain.from_iterable(g["params"] for g in saved_groups),
                                               chain.from_iterable(g["params"] for g in self.param_groups))}
        state = defaultdict(dict)
        for i, values in state_dict["state"].items():
            if int(i) not in by_index:
                raise ValueError(f"{self._name}.load_state_dict: state for parameter index {i}, but the param "
                                 f"groups only list indices {sorted(by_index)}")
            p = by_index[int(i)]
            state[p] = {k: _restore(v, p, k, self._name) for k, v in values.items() if v is not None}
        for saved, group in zip(saved_groups, self.param_groups):
            for k, v in saved.items():   # every saved key, the user's own ('name', 'lr_scale') too, as PyTorch
                if k != "params":
                    group[k] = tuple(v) if isinstance(self.defaults.get(k), tuple) else v
        self.state = state

    def __repr__(self):
        lines = [f"{self._name} ("]
        for k, group in enumerate(self.param_groups):
            lines += [""] * (k > 0) + [f"Parameter Group {k}"]   # a blank line between groups, as PyTorch
            lines += [f"    {name}: {group[name]}" for name in sorted(group) if name != "params"]   # PyTorch's order
        return "\n".join(lines) + "\n)"


# ----- helpers of the optimisers' formulas -------------------------------------------------------------
class MissingParamsError(ValueError, KeyError, TypeError):
    """A param group without 'params': a KeyError, as PyTorch raises for a list of such groups (a TypeError for one
    bare dict, whose keys it takes for the tensors), and a ValueError, as we raised before."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


def _explain_resized(name, p, state, exc):
    """A ShapeError (a RuntimeError, as PyTorch's) when `exc` came from a parameter that no longer has the shape of
    its optimiser state (resized through .data after a step), naming both; otherwise nothing (exc goes on)."""
    shapes = {k: tuple(np.shape(v)) for k, v in state.items() if np.ndim(v) > 0}
    if not shapes or "broadcast" not in str(exc) or all(s == tuple(p.shape) for s in shapes.values()):
        return
    listed = ", ".join(f"{k} {s}" for k, s in shapes.items())
    raise ShapeError(f"{name}.step: a parameter of shape {tuple(p.shape)} does not match its optimizer state "
                     f"({listed}): it was resized after an earlier step (e.g. through .data); build a new optimizer "
                     "for the new parameters, or clear its state (del optimizer.state[p])") from exc


def _negated(grad):
    """-grad as an array: NumPy gives the negation of a 0-d array as a scalar, which the devices' fused
    update kernels do not take."""
    out = -grad
    return np.asarray(out) if isinstance(out, np.generic) else out


def _with_decay(xp, grad, param, weight_decay):
    """grad + weight_decay * param as a new array (the parameter's .grad is never changed)."""
    out = xp.multiply(param, weight_decay)
    out += grad
    return out


def decay_l2_or_decoupled(xp, grad, param, group):
    """The gradient after the group's weight decay: grad + wd * param, or, with decoupled_weight_decay, grad as
    it is and the parameter array shrunk in place by (1 - lr * wd) (AdamW's way)."""
    weight_decay = group["weight_decay"]
    if weight_decay == 0:
        return grad
    if group["decoupled_weight_decay"]:
        param *= 1 - group["lr"] * weight_decay
        return grad
    return _with_decay(xp, grad, param, weight_decay)


def _check_grad(who, param, grad):
    """ValueError unless the gradient array has the parameter array's shape (a smaller one would broadcast)."""
    if grad.shape != param.shape:
        raise ValueError(f"{who}: a parameter of shape {tuple(param.shape)} has a gradient of shape "
                         f"{tuple(grad.shape)}; .grad must have its parameter's shape")


def _restore(value, p, key, who):
    """A saved state entry as this optimiser keeps it: 'step' as a 0-d float tensor (PyTorch's form), buffers on
    p's device in p's dtype. As in PyTorch, a Tensor already in that form is taken as it is, not copied: an
    optimiser loaded from another's live state_dict() shares its buffers, and a step of either updates both."""
    if key == "step":
        return restore_scalar(value, p, key, who)
    if isinstance(value, Tensor) and value.device == p.device and value.dtype == p.dtype:
        if tuple(value.shape) != p.shape:
            raise ShapeError(f"{who}.load_state_dict: state '{key}' has shape {tuple(value.shape)}, but its "
                             f"parameter has shape {p.shape}; load a state_dict saved from parameters of these "
                             "shapes")
        return value
    if isinstance(value, Tensor):
        value = value.numpy() if not (value.device.host_memory and p.device.host_memory) else arrays.array(value)
    elif not isinstance(value, np.ndarray) and hasattr(value, "detach"):
        value = value.detach().cpu().numpy()  # a torch tensor
    array = p.device.asarray(value, dtype=p.dtype).copy()
    if tuple(array.shape) != p.shape:
        raise ShapeError(f"{who}.load_state_dict: state '{key}' has shape {tuple(array.shape)}, but its "
                         f"parameter has shape {p.shape}; load a state_dict saved from parameters of these shapes")
    return arrays.wrap(array, p.device)


def _real_array(values):
    """A complex array seen as real pairs: shape (..., 2), sharing memory."""
    values = values if values.flags.c_contiguous else values.copy()
    return values[..., None].view(values.real.dtype)


def _real_view(p):
    """A tensor over a complex parameter's memory as real pairs, so that every update rule applies unchanged."""
    return arrays.wrap(_real_array(arrays.array(p)), p.device)


hook_class(Optimizer)   # the base step and zero_grad, which most optimizers inherit
_state_dict_hooks.hook_class(Optimizer)
wrap_class(Optimizer)
