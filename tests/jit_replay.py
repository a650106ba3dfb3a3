"""The check behind the jit replay audits: a step run through ag.jit on new inputs each call returns what
eager mode returns, bit for bit, outputs and gradients (a value baked into the capture shows up as a replay
that repeats the capture step's numbers)."""
import numpy as np

import autograd as ag

CALLS = 4   # eager, capture, then two replays


def vary(array, rng):
    """New values in the same domain as `array`: float values shuffled and scaled by 0.9-1.1 (signs, zeros,
    NaNs and infinities keep their meaning), integer and bool values shuffled; 0-d floats only scaled."""
    a = np.asarray(array)
    if a.size > 1 and a.dtype.kind in "fiub":
        a = rng.permutation(a.reshape(-1)).reshape(a.shape)
    if a.dtype.kind == "f":
        a = a * rng.uniform(0.9, 1.1, a.shape)
    return np.array(a, dtype=np.asarray(array).dtype)


def tensors_in(out):
    """The Tensors and plain values of a result, nested tuples and lists flattened, in order."""
    if isinstance(out, (tuple, list)):
        return [leaf for item in out for leaf in tensors_in(item)]
    return [out]


def _host(value):
    if isinstance(value, ag.Tensor):
        return value.detach().numpy().copy()
    return value


def _cotangent(t, k):
    """A fixed cotangent for output k (a constant made inside the step, the same on every call)."""
    n = max(t.numel(), 1)
    values = (1.0 + (np.arange(n) % 7) / 8.0 + k / 16.0)[: t.numel()].reshape(t.shape)
    return ag.tensor(values, dtype=t.dtype, device=t.device)


def make_step(call, device, grad, leaves_holder):
    """step(*tensors): call on them and, with `grad`, backward of sum(out * cotangent) into zero leaves
    added to the float inputs (so the input gradients land in .grad of tensors that outlive the step)."""
    def step(*ts):
        if "leaves" not in leaves_holder:
            leaves_holder["leaves"] = [ag.zeros(t.shape, dtype=t.dtype, device=device, requires_grad=True)
                                       if grad and t.dtype.kind == "f" else None for t in ts]
        leaves = leaves_holder["leaves"]
        for p in leaves:
            if p is not None:
                p.grad = None
        xs = [t if p is None else t + p for t, p in zip(ts, leaves)]
        out = call(*xs)
        if grad:
            diff = [o for o in tensors_in(out) if isinstance(o, ag.Tensor) and o.requires_grad]
            if diff:
                sum((o * _cotangent(o, k)).sum() for k, o in enumerate(diff)).backward()
        return out
    return step


def run_calls(call, arrays, device, grad, compiled, seed=0, extra_state=None):
    """CALLS calls of call(*tensors) on new inputs each (the first on `arrays` themselves, or `arrays` a list
    of CALLS input lists); per call the host values of the outputs, input gradients and extra_state()."""
    rng = np.random.default_rng(seed)
    holder = {}
    step = make_step(call, device, grad, holder)
    if compiled:
        step = ag.jit(step)
    results = []
    for k in range(CALLS):
        if callable(arrays):
            inputs = [ag.tensor(a, device=device) for a in arrays(k)]
        else:
            inputs = [ag.tensor(a if k == 0 else vary(a, rng), device=device) for a in arrays]
        out = [_host(o) for o in tensors_in(step(*inputs))]
        grads = [None if p is None or p.grad is None else _host(p.grad) for p in holder.get("leaves", [])]
        state = [_host(s) for s in extra_state()] if extra_state else []
        results.append((out, grads, state))
    if compiled:
        assert step.replays == CALLS - 2, f"expected {CALLS - 2} replays, got {step.replays}"
    return results


def same(a, b):
    """Equal bit for bit (NaN equals NaN), including dtype and shape."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype != b.dtype or a.shape != b.shape:
            return False
        if a.dtype.kind in "fc":
            return bool(np.array_equal(a, b, equal_nan=True)) and bool(np.array_equal(np.signbit(a), np.signbit(b)))
        return bool(np.array_equal(a, b))
    return a == b or (a != a and b != b)


def assert_replays_equal_eager(call, arrays, device="cpu", grad=True, fresh_state=None):
    """ag.jit(step) equals the eager step on CALLS different inputs: outputs and input gradients. `arrays`:
    the first call's input arrays (later calls vary them), or a function k -> call k's input arrays.

    `fresh_state`: for stateful calls, a function that (re)builds the state (a module) and returns
    (call, extra_state) so eager and compiled runs start from the same state."""
    runs = {}
    for compiled in (False, True):
        this_call, extra = fresh_state() if fresh_state else (call, None)
        runs[compiled] = run_calls(this_call, arrays, device, grad, compiled, extra_state=extra)
    for k, (eager, jit) in enumerate(zip(runs[False], runs[True])):
        for part, e_part, j_part in zip(("output", "gradient", "state"), eager, jit):
            assert len(e_part) == len(j_part), f"call {k}: {part} count {len(e_part)} != {len(j_part)}"
            for i, (e, j) in enumerate(zip(e_part, j_part)):
                assert (e is None) == (j is None) and (e is None or same(e, j)), \
                    f"call {k} ({'eager' if k == 0 else 'capture' if k == 1 else 'replay'}): {part} {i} differs" \
                    f"\neager {e}\njit   {j}"
