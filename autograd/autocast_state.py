"""Autocast's switches (PyTorch's torch.autocast state): per thread, which device types cast and to which dtype.

`active` is the one thing the normal path reads: it is False unless some thread has autocast on, so
Function.apply and the few composite ops with a policy (`if autocast.active and autocast.state.casting:`)
pay one attribute read when nobody uses autocast. The casting itself lives in autograd/amp/policy.py,
which installs `cast_inputs` and `run` here when autograd is imported (this floor imports no op).
"""
import functools
import threading

import numpy as np

#: the device types autocast knows, as PyTorch names them; deepgrad's `numba` device is a CPU device
DEVICE_TYPES = ("cpu", "cuda")
_SAME_AS = {"numba": "cpu"}
#: PyTorch's default autocast dtypes: float16 on cuda; bfloat16 on cpu, None here until autocast first needs it
#: (autocast_mode.py resolves it: the optional ml_dtypes package that holds it is imported only then)
_DEFAULT_DTYPES = {"cpu": None, "cuda": np.dtype(np.float16)}


class _State(threading.local):
    """This thread's autocast switches (a new thread starts with autocast off, as in PyTorch)."""

    def __init__(self):
        self.enabled = dict.fromkeys(DEVICE_TYPES, False)
        self.dtype = dict(_DEFAULT_DTYPES)
        self.cache_enabled = True
        self.nesting = 0
        self.cache = {}
        #: some device type casts and no policy op is running its inside (what the op guards read)
        self.casting = False
        self.suspended = 0


state = _State()
active = False            # True while any thread may have autocast enabled
_threads_on = 0           # how many threads have some device type enabled
_lock = threading.Lock()


def device_type_of(name):
    """The autocast device type for a device type or name ('cuda:1' -> 'cuda', 'numba' -> 'cpu'), or None."""
    if not isinstance(name, str):
        return None
    kind = name.partition(":")[0]
    kind = _SAME_AS.get(kind, kind)
    return kind if kind in DEVICE_TYPES else None


def set_enabled(device_type, enabled):
    """Turn autocast on or off for `device_type` (an autocast device type) in this thread."""
    global active, _threads_on
    st = state
    was_on = any(st.enabled.values())
    st.enabled[device_type] = bool(enabled)
    now_on = any(st.enabled.values())
    st.casting = now_on and not st.suspended
    if was_on != now_on:
        with _lock:
            _threads_on += 1 if now_on else -1
            active = _threads_on > 0


def suspend():
    """Stop casting in this thread (inside a policy op, whose own ops run as written); undo with resume()."""
    st = state
    st.suspended += 1
    st.casting = False


def resume():
    """Undo one suspend()."""
    st = state
    st.suspended -= 1
    st.casting = not st.suspended and any(st.enabled.values())


def key():
    """This thread's autocast settings as a hashable value (a jit guard: a step re-captures when they change)."""
    if not active:
        return None
    st = state
    return tuple((t, st.enabled[t], st.dtype[t]) for t in DEVICE_TYPES if st.enabled[t]) or None


def cast_inputs(cls, args):
    """`args` of Function `cls` cast by autocast's policy (installed by autograd.amp.policy)."""
    return args


def run(op, fn, *args, **kwargs):
    """Run the composite op `op` (the function `fn`) under autocast's policy (installed by autograd.amp.policy)."""
    return fn(*args, **kwargs)


def guarded(op):
    """Decorator for a composite op whose checks come before its Function (torch.linalg's): under ag.autocast it
    runs by `op`'s policy (autocast.run), otherwise as written."""
    def wrap(fn):
        @functools.wraps(fn)
        def guarded_op(*args, **kwargs):
            if active and state.casting:
                return run(op, fn, *args, **kwargs)
            return fn(*args, **kwargs)
        return guarded_op
    return wrap
