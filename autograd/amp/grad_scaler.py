"""`ag.amp.GradScaler` (torch.amp.GradScaler): loss scaling, so that small float16 gradients do not flush to zero.

    scaler = ag.amp.GradScaler("cpu")            # or "cuda"; numba counts as cpu
    scaler.scale(loss).backward()                # gradients come out multiplied by the scale
    scaler.unscale_(optimizer)                   # optional: divide them back (e.g. before clipping)
    scaler.step(optimizer)                       # unscales if needed; skips the step if any is inf/NaN
    scaler.update()                              # halve the scale after a skip, double it after 2000 good steps

The scale and the step counter live on the host (Python numbers) and the scale as a 0-d float32 tensor on each
device that scaled outputs live on. unscale_ multiplies each gradient in place by the float32 reciprocal of the
scale and keeps one combined not-finite flag per device without reading it; step() reads it once.
"""
import numbers
import warnings
from collections import abc

import numpy as np

import backends

from .. import arrays
from ..capture import CaptureError, state as capture
from ..errors import ArgumentError, StateAssertionError
from ..creation import full
from ..tensor import Tensor

READY, UNSCALED, STEPPED = "ready", "unscaled", "stepped"
_NOT_SCALED = ("This may mean the script did not call scaler.scale(loss) earlier in this iteration; scale the "
               "loss before backward")


def _float32(value):
    """value rounded to float32, as PyTorch keeps the scale (a float32 tensor)."""
    return float(np.float32(value))


class GradScaler:
    """Scales losses (and so gradients) by a factor that adapts: divided by `backoff_factor`'s inverse after a
    step with inf/NaN gradients (the step is skipped), multiplied by `growth_factor` after `growth_interval`
    steps in a row without. With enabled=False every method passes through (step just calls
    optimizer.step()). `device` is the device type of the gradients ('cuda', 'cpu'; 'numba' counts as cpu); as
    in PyTorch, 'cuda' on a machine without a CUDA device warns and disables the scaler."""

    def __init__(self, device="cuda", init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        self._device = device
        self._enabled = bool(enabled)
        if self._enabled and str(device).partition(":")[0] == "cuda" and not backends.available("cuda"):
            warnings.warn("GradScaler: enabled for 'cuda', but CUDA is not available (no CuPy device here); "
                          "disabling it.", stacklevel=2)
            self._enabled = False
        if not self._enabled:
            return
        if not growth_factor > 1.0:
            raise ArgumentError(f"GradScaler: The growth factor must be > 1.0, got growth_factor={growth_factor}")
        if not backoff_factor < 1.0:
            raise ArgumentError(f"GradScaler: The backoff factor must be < 1.0, got backoff_factor={backoff_factor}")
        self._init_scale = float(init_scale)
        self._growth_factor = float(growth_factor)
        self._backoff_factor = float(backoff_factor)
        self._growth_interval = int(growth_interval)
        self._init_growth_tracker = 0
        self._scale_value = None     # the current scale (a float32 value) once scale() has run
        self._growth_tracker = 0
        self._scales = {}            # device -> the scale as a 0-d float32 tensor there
        self._per_optimizer = {}     # id(optimizer) -> {"stage": ..., "found_inf": {device: flag array}}

    # ----- scaling -----------------------------------------------------------------------------
    def _scale_on(self, device):
        t = self._scales.get(device)
        if t is None:
            if self._scale_value is None:
                self._scale_value = _float32(self._init_scale)
                self._growth_tracker = self._init_growth_tracker
            t = self._scales[device] = full((), self._scale_value, dtype=np.float32, device=device)
        return t

    def scale(self, outputs):
        """outputs (a tensor, or lists/tuples of them, nested) multiplied by the current scale; unchanged when
        disabled. Call backward on the result."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, Tensor):
            return outputs * self._scale_on(outputs.device)
        if isinstance(outputs, abc.Iterable):
            scaled = map(self.scale, outputs)
            return type(outputs)(scaled) if isinstance(outputs, (list, tuple)) else scaled
        raise ValueError(f"GradScaler.scale: outputs must be a Tensor or an iterable of Tensors, got "
                         f"{type(outputs).__name__}")

    def _check_scaled(self, call):
        if capture.recorder is not None:
            raise CaptureError(f"GradScaler.{call} inside an ag.jit-compiled step: whether to skip the step is "
                               "decided on the host from the gradients, which a replay cannot repeat; compile the "
                               "forward and backward only and call scaler.step(optimizer) and update() after it")
        if self._scale_value is None:
            raise StateAssertionError(f"GradScaler.{call}: no scale yet. {_NOT_SCALED}.")

    # ----- unscaling ---------------------------------------------------------------------------
    def _state(self, optimizer):
        """This iteration's record for an optimizer: its stage, and its not-finite flags by device name."""
        return self._per_optimizer.setdefault(id(optimizer), {"stage": READY, "found_inf": {}})

    def _unscale_grads(self, optimizer, inv_scale, allow_fp16):
        """Multiply every gradient of the optimizer by inv_scale in place; one not-finite flag per device."""
        found = {}
        for group in optimizer.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if not allow_fp16 and g.dtype == np.float16:
                    raise ValueError(f"GradScaler.unscale_: a gradient is float16 (parameter of shape {p.shape}); "
                                     "keep the parameters in float32 and let ag.autocast cast them in forward, so "
                                     "their gradients are float32")
                a = arrays.writable(g)
                xp = g.device.xp
                ok = xp.isfinite(a).all()
                key = g.device.name
                found[key] = ok if key not in found else found[key] & ok
                if inv_scale != 1.0:
                    xp.multiply(a, a.dtype.type(inv_scale), out=a)
                    arrays.mark_changed(g)
        return found

    def unscale_(self, optimizer):
        """Divide the optimizer's gradients by the scale, in place (the float32 reciprocal, as PyTorch), and
        note whether any is inf or NaN. Optional: step() does it when not done; call it once per optimizer
        between update()s, e.g. before nn.utils.clip_grad_norm_."""
        if not self._enabled:
            return
        self._check_scaled("unscale_")
        state = self._state(optimizer)
        if state["stage"] == UNSCALED:
            raise RuntimeError("GradScaler.unscale_: unscale_() has already been called on this optimizer since "
                               "the last update(); call it at most once per optimizer and iteration")
        if state["stage"] == STEPPED:
            raise RuntimeError("GradScaler.unscale_: unscale_() is being called after step(); unscale before "
                               "step() (or not at all: step() unscales)")
        inv_scale = _float32(1.0 / np.float64(self._scale_value))
        state["found_inf"] = self._unscale_grads(optimizer, inv_scale, allow_fp16=False)
        state["stage"] = UNSCALED

    def _found_inf(self, state):
        """True when some unscaled gradient was inf or NaN: one host read per device, once per iteration."""
        if "inf" not in state:
            state["inf"] = any(not bool(ok) for ok in state["found_inf"].values())
        return state["inf"]

    def step(self, optimizer, *args, **kwargs):
        """Unscale the gradients (unless unscale_ did) and call optimizer.step(*args, **kwargs) unless one of
        them is inf or NaN; returns what optimizer.step returned, or None when the step was skipped."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("GradScaler.step: a closure is not supported while the scaler is enabled; compute "
                               "the loss, scale(loss).backward(), then call step(optimizer)")
        self._check_scaled("step")
        state = self._state(optimizer)
        if state["stage"] == STEPPED:
            raise RuntimeError("GradScaler.step: step() has already been called since the last update(); call "
                               "update() once per iteration, after the step of every optimizer")
        if state["stage"] == READY:
            self.unscale_(optimizer)
        if not state["found_inf"]:
            raise StateAssertionError("GradScaler.step: No inf checks were recorded for this optimizer: none of its "
                                      "parameters has a gradient, so nothing was checked for inf/NaN; call "
                                      "scaler.scale(loss).backward() before step")
        result = None if self._found_inf(state) else optimizer.step(*args, **kwargs)
        state["stage"] = STEPPED
        return result

    # ----- adapting the scale ------------------------------------------------------------------
    def update(self, new_scale=None):
        """Adapt the scale for the next iteration: times backoff_factor if any step of this iteration found
        inf/NaN gradients; times growth_factor after growth_interval clean iterations in a row (if that stays
        finite in float32). new_scale (a number or a 1-element tensor) sets it instead."""
        if not self._enabled:
            return
        self._check_scaled("update")
        if new_scale is not None:
            self._set_scale(self._new_scale_value(new_scale))
        else:
            states = [s for s in self._per_optimizer.values() if s["found_inf"]]
            if not states:
                raise StateAssertionError("GradScaler.update: No inf checks were recorded prior to update; call "
                                          "scaler.step(optimizer) (or unscale_) before update()")
            if any(self._found_inf(s) for s in states):
                self._set_scale(_float32(self._scale_value * self._backoff_factor))
                self._growth_tracker = 0
            elif self._growth_tracker + 1 == self._growth_interval:
                grown = _float32(self._scale_value * self._growth_factor)
                if np.isfinite(grown):
                    self._set_scale(grown)
                self._growth_tracker = 0
            else:
                self._growth_tracker += 1
        self._per_optimizer = {}

    def _new_scale_value(self, new_scale):
        if isinstance(new_scale, Tensor):
            if new_scale.numel() != 1 or new_scale.requires_grad or new_scale.dtype.kind == "c":
                raise ArgumentError(f"GradScaler.update: new_scale must be a number or a 1-element real tensor "
                                    f"without requires_grad, got shape {new_scale.shape} {new_scale.dtype} "
                                    f"requires_grad={new_scale.requires_grad}")
            return _float32(new_scale.item())
        if isinstance(new_scale, numbers.Real):
            return _float32(new_scale)
        raise TypeError(f"GradScaler.update: new_scale must be a float or a 1-element tensor, got "
                        f"{type(new_scale).__name__}")

    def _set_scale(self, value):
        self._scale_value = value
        for t in self._scales.values():
            arrays.assign_(t, value)

    # ----- getters, setters, state -------------------------------------------------------------
    def get_scale(self):
        """The current scale as a Python float (init_scale before the first scale(); 1.0 when disabled)."""
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale_value is None else self._scale_value

    def get_growth_factor(self):
        """The factor the scale grows by after growth_interval clean steps."""
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        """Set the factor the scale grows by."""
        self._growth_factor = new_factor

    def get_backoff_factor(self):
        """The factor the scale shrinks by after a step with inf/NaN gradients."""
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        """Set the factor the scale shrinks by."""
        self._backoff_factor = new_factor

    def get_growth_interval(self):
        """How many clean steps in a row make the scale grow."""
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        """Set how many clean steps in a row make the scale grow."""
        self._growth_interval = new_interval

    def _get_growth_tracker(self):
        """Clean steps in a row since the scale last changed (0 when disabled)."""
        if not self._enabled:
            return 0
        return self._init_growth_tracker if self._scale_value is None else self._growth_tracker

    def is_enabled(self):
        """Whether this scaler scales (False when built with enabled=False, or for 'cuda' without CUDA)."""
        return self._enabled

    def state_dict(self):
        """{'scale', 'growth_factor', 'backoff_factor', 'growth_interval', '_growth_tracker'} as PyTorch's (empty
        when disabled); save it after update()."""
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor, "growth_interval": self._growth_interval,
                "_growth_tracker": self._get_growth_tracker()}

    def load_state_dict(self, state_dict):
        """Restore what state_dict() returned (a no-op when disabled)."""
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("GradScaler.load_state_dict: the state dict is empty, as a disabled scaler saves "
                               "it; load one saved from an enabled GradScaler")
        self._init_scale = float(state_dict["scale"])
        if self._scale_value is not None:
            self._set_scale(_float32(self._init_scale))
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._init_growth_tracker = int(state_dict["_growth_tracker"])
        if self._scale_value is not None:
            self._growth_tracker = self._init_growth_tracker

    def __repr__(self):
        return (f"GradScaler(device={self._device!r}, scale={self.get_scale()}, enabled={self._enabled})")
