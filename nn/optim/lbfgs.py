"""L-BFGS, as torch.optim.LBFGS: quasi-Newton steps from a limited history, optional strong-Wolfe line search.

The algorithm, its stopping rules, its state entries and the order of its floating-point operations
are PyTorch's, so that both take the same steps from the same start. It works on one flat vector
of all parameters (raw arrays through autograd.arrays). Scalars such as dot products stay NumPy
scalars of the parameters' dtype: with NumPy's rules for mixing them with Python numbers they are
rounded exactly as PyTorch rounds its 0-d tensors.
"""
import numbers

import numpy as np

from autograd import Tensor, arrays, enable_grad, no_grad

from .optimizer import Optimizer

_ARRAY_KEYS = ("d", "prev_flat_grad")
_LIST_KEYS = ("old_dirs", "old_stps")


def _scalar(value):
    """A 0-d array result (NumPy or CuPy) as a NumPy scalar of its dtype."""
    return value if isinstance(value, np.generic) else value.dtype.type(value.item())


def _cubic_minimum(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2, kept within bounds
    (default: between x1 and x2); the middle of the bounds when the cubic has no minimum."""
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    disc = d1 ** 2 - g1 * g2
    if disc < 0:
        return (lo + hi) / 2.0
    d2 = np.sqrt(disc)
    if x1 <= x2:
        at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        at = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(at, lo), hi)


def _strong_wolfe(evaluate, xp, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """A step length t along d satisfying the strong Wolfe conditions (More and Thuente's bracketing and
    zoom, as PyTorch runs it) -> (loss, flat gradient, t, evaluations). evaluate(t) -> (loss, gradient)."""
    d_norm = _scalar(xp.abs(d).max())
    g = g.copy()
    f_new, g_new = evaluate(t)
    evals = 1
    gtd_new = _scalar(xp.dot(g_new, d))
    # the last two trial points, as [step, loss, gradient, slope]
    prev = [0, f, g, gtd]
    done = False
    tries = 0
    bracket = None
    while tries < max_ls:
        if f_new > f + c1 * t * gtd or (tries > 1 and f_new >= prev[1]):
            bracket = [prev, [t, f_new, g_new.copy(), gtd_new]]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket = [[t, f_new, g_new, gtd_new]]
            done = True
            break
        if gtd_new >= 0:
            bracket = [prev, [t, f_new, g_new.copy(), gtd_new]]
            break
        # extrapolate: at least 1% beyond t, at most 10 t
        t_next = _cubic_minimum(prev[0], prev[1], prev[3], t, f_new, gtd_new,
                                bounds=(t + 0.01 * (t - prev[0]), t * 10))
        prev = [t, f_new, g_new.copy(), gtd_new]
        t = t_next
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = _scalar(xp.dot(g_new, d))
        tries += 1
    if bracket is None:   # out of evaluations while extrapolating
        bracket = [[0, f, g, None], [t, f_new, g_new, None]]

    # zoom: shrink the bracket until a point satisfies the conditions
    stalled = False
    low, high = (0, 1) if bracket[0][1] <= bracket[-1][1] else (1, 0)
    while not done and tries < max_ls:
        a, b = bracket[0][0], bracket[1][0]
        if abs(b - a) * d_norm < tolerance_change:
            break
        t = _cubic_minimum(bracket[0][0], bracket[0][1], bracket[0][3], bracket[1][0], bracket[1][1],
                           bracket[1][3])
        # keep away from the ends of the bracket: after two close calls, move 10% of its width inside
        top, bottom = max(a, b), min(a, b)
        margin = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < margin:
            if stalled or t >= top or t <= bottom:
                t = top - margin if abs(t - top) < abs(t - bottom) else bottom + margin
                stalled = False
            else:
                stalled = True
        else:
            stalled = False
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = _scalar(xp.dot(g_new, d))
        tries += 1
        if f_new > f + c1 * t * gtd or f_new >= bracket[low][1]:
            bracket[high] = [t, f_new, g_new.copy(), gtd_new]
            low, high = (0, 1) if bracket[0][1] <= bracket[1][1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high][0] - bracket[low][0]) >= 0:
                bracket[high] = list(bracket[low])
            bracket[low] = [t, f_new, g_new.copy(), gtd_new]
    t, f_new, g_new, _ = bracket[low]
    return f_new, g_new, t, evals


class LBFGS(Optimizer):
    """L-BFGS over all parameters as one vector (one param group only); step(closure) runs up to max_iter
    iterations, each a two-loop-recursion direction from the last history_size curvature pairs and a
    step of lr (the first scaled by min(1, 1/|g|_1)) or a strong-Wolfe line search
    (line_search_fn='strong_wolfe'). It stops early when the largest gradient entry is at most
    tolerance_grad, or a step or loss change is below tolerance_change, or after max_eval closure calls
    (default max_iter * 5 // 4). The closure clears the gradients, computes the loss, calls backward
    and returns the loss."""

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                 history_size=100, line_search_fn=None):
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, history_size=history_size,
                                      line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS: parameter groups (per-parameter options) are not supported; pass one list "
                             "of parameters")
        self._params = self.param_groups[0]["params"]

    def _check_group(self, group):
        super()._check_group(group)
        for name in ("max_iter", "max_eval", "history_size"):
            value = group[name]
            if not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(f"LBFGS: {name} must be an int >= 1, got {value!r}")
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise ValueError(f"LBFGS: line_search_fn must be None or 'strong_wolfe', got {group['line_search_fn']!r}")

    def add_param_group(self, param_group):
        """LBFGS has exactly one param group; a second is refused."""
        if self.param_groups:
            raise ValueError("LBFGS: parameter groups (per-parameter options) are not supported")
        super().add_param_group(param_group)

    # ----- the flat parameter vector -----------------------------------------------------------
    @property
    def _xp(self):
        return self._params[0].device.xp

    def _flat_grad(self):
        xp = self._xp
        parts = [xp.zeros(arrays.array(p).size, arrays.array(p).dtype) if p.grad is None
                 else arrays.array(p.grad).reshape(-1) for p in self._params]
        return xp.concatenate(parts)

    def _update(self, p, update, state, group):
        """Add `update` (an array of p's shape) to parameter p in place."""
        param = arrays.array(p)
        param += update
        arrays.mark_changed(p)

    def _move(self, t, d):
        """Every parameter moved by t times its slice of the flat direction d."""
        offset = 0
        group = self.param_groups[0]
        for p in self._params:
            param = arrays.array(p)
            n = param.size
            self._update(p, t * d[offset:offset + n].reshape(param.shape), None, group)
            offset += n

    def _evaluate(self, closure):
        with enable_grad():
            return closure()

    # ----- the step ----------------------------------------------------------------------------
    def step(self, closure=None):
        """One L-BFGS step of up to max_iter iterations; `closure` re-evaluates the model and returns the
        loss (with gradients computed). Returns the loss the first closure call gave."""
        if closure is None:
            raise TypeError("LBFGS.step needs a closure that zeroes the gradients, computes the loss, calls "
                            "loss.backward() and returns the loss")
        with no_grad():
            return self._step(closure)

    def _step(self, closure):
        xp = self._xp
        group = self.param_groups[0]
        lr, max_iter, max_eval = float(group["lr"]), group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = self._evaluate(closure)
        try:
            loss = float(orig_loss)
        except (TypeError, ValueError) as exc:   # the type float() raised: PyTorch's own call raises the same
            raise type(exc)(f"LBFGS.step: the closure must return the loss (a one-element Tensor or a number), got "
                            f"{type(orig_loss).__name__}; end it with `return loss` ({exc})") from None
        evals = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if _scalar(xp.abs(flat_grad).max()) <= tolerance_grad:
            return orig_loss

        d, t, prev_flat_grad, prev_loss = (_unwrap(state.get(k)) for k in ("d", "t", "prev_flat_grad", "prev_loss"))
        old_dirs, old_stps = ([_unwrap(v) for v in state.get(k) or []] for k in _LIST_KEYS)
        ro, H_diag = list(state.get("ro") or []), state.get("H_diag")
        iteration = 0
        while iteration < max_iter:
            iteration += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                d, H_diag = self._direction(xp, state, flat_grad, prev_flat_grad, d, t, old_dirs, old_stps, ro,
                                            H_diag, history_size)
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            t = min(1.0, 1.0 / _scalar(xp.abs(flat_grad).sum())) * lr if state["n_iter"] == 1 else lr
            gtd = _scalar(xp.dot(flat_grad, d))
            if gtd > -tolerance_change:   # not a descent direction
                break

            used = 0
            if group["line_search_fn"] == "strong_wolfe":
                start = [arrays.array(p).copy() for p in self._params]

                def along(step):
                    self._move(step, d)
                    value = float(self._evaluate(closure))
                    grad = self._flat_grad()
                    for p, saved in zip(self._params, start):
                        arrays.assign_(p, saved)
                    return value, grad

                loss, flat_grad, t, used = _strong_wolfe(along, xp, t, d, loss, flat_grad, gtd,
                                                         max_ls=max_eval - evals)
                self._move(t, d)
                converged = _scalar(xp.abs(flat_grad).max()) <= tolerance_grad
            else:
                self._move(t, d)
                converged = False
                if iteration != max_iter:   # the last iteration's loss is the next step's first evaluation
                    loss = float(self._evaluate(closure))
                    flat_grad = self._flat_grad()
                    converged = _scalar(xp.abs(flat_grad).max()) <= tolerance_grad
                    used = 1
            evals += used
            state["func_evals"] += used

            if iteration == max_iter or evals >= max_eval or converged:
                break
            if _scalar(xp.abs(d * t).max()) <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                break

        device = self._params[0].device
        state.update(d=arrays.wrap(d, device), t=t, old_dirs=[arrays.wrap(v, device) for v in old_dirs],
                     old_stps=[arrays.wrap(v, device) for v in old_stps], ro=ro, H_diag=H_diag,
                     prev_flat_grad=arrays.wrap(prev_flat_grad, device), prev_loss=prev_loss)
        return orig_loss

    @staticmethod
    def _direction(xp, state, flat_grad, prev_flat_grad, d, t, old_dirs, old_stps, ro, H_diag, history_size):
        """Update the curvature history with the last step, then -H g by the two-loop recursion ->
        (direction, H_diag). The history lists are changed in place."""
        y = flat_grad - prev_flat_grad
        s = d * t
        ys = _scalar(xp.dot(y, s))
        if ys > 1e-10:   # keep only pairs with positive curvature
            if len(old_dirs) == history_size:
                del old_dirs[0], old_stps[0], ro[0]
            old_dirs.append(y)
            old_stps.append(s)
            ro.append(1.0 / ys)
            H_diag = ys / _scalar(xp.dot(y, y))
        if "al" not in state:
            state["al"] = [None] * history_size
        al = state["al"]
        q = -flat_grad
        for i in range(len(old_dirs) - 1, -1, -1):
            al[i] = _scalar(xp.dot(old_stps[i], q)) * ro[i]
            q -= al[i] * old_dirs[i]
        r = q * H_diag
        for i in range(len(old_dirs)):
            beta = _scalar(xp.dot(old_dirs[i], r)) * ro[i]
            r += (al[i] - beta) * old_stps[i]
        return r, H_diag

    # ----- checkpoints -------------------------------------------------------------------------
    def load_state_dict(self, state_dict):
        """Restore options and state saved by state_dict() (ours or torch.optim.LBFGS's)."""
        if not isinstance(state_dict, dict) or "state" not in state_dict or "param_groups" not in state_dict:
            raise ValueError("LBFGS.load_state_dict: expected a dict with 'state' and 'param_groups', as made by "
                             "state_dict()")
        groups = state_dict["param_groups"]
        if len(groups) != 1 or len(groups[0]["params"]) != len(self._params):
            raise ValueError(f"LBFGS.load_state_dict: expected one param group of {len(self._params)} parameters, "
                             f"got {[len(g['params']) for g in groups]}")
        group = self.param_groups[0]
        for key, value in groups[0].items():
            if key in self.defaults:
                group[key] = value
        saved = state_dict["state"]
        values = saved.get(0, saved.get("0", {})) if saved else {}
        device = self._params[0].device
        dtype = arrays.array(self._params[0]).dtype
        restored = {}
        for key, value in values.items():
            if key in _ARRAY_KEYS:
                restored[key] = _to_device(value, device, dtype)
            elif key in _LIST_KEYS:
                restored[key] = [_to_device(v, device, dtype) for v in value]
            elif key in ("ro", "al"):
                restored[key] = [None if v is None else _to_scalar(v, dtype) for v in value]
            elif key in ("t", "H_diag"):
                restored[key] = _to_scalar(value, dtype)
            else:
                restored[key] = value
        self.state.clear()
        if restored:
            self.state[self._params[0]] = restored


def _unwrap(value):
    return arrays.array(value) if isinstance(value, Tensor) else value


def _host(value):
    """A tensor (ours or torch's), array or number as a NumPy array."""
    if hasattr(value, "detach"):
        value = value.detach()
        value = value.cpu() if hasattr(value, "cpu") else value
        return np.asarray(value.numpy())
    return np.asarray(value)


def _to_device(value, device, dtype):
    return arrays.wrap(device.asarray(_host(value).astype(dtype, copy=True)), device)


def _to_scalar(value, dtype):
    """A saved scalar (0-d tensor or number) as PyTorch would hold it: a 0-d tensor becomes a NumPy scalar
    of the parameters' dtype, a Python number stays one."""
    if isinstance(value, numbers.Number) and not isinstance(value, np.generic):
        return value
    return dtype.type(_host(value))
