"""The profiler's switch (torch.profiler's recording state), read by Function.apply and the backward engine.

`active` is the one thing the normal path reads: it is False unless a profiler records, so an op pays one
attribute read when nobody profiles. While it is True, `recorder` (autograd/profiler/recorder.py) times each
op and each backward node. This floor imports nothing of ours, so function.py and engine.py can read it.
"""
import threading

active = False     # True while some profiler records
recorder = None    # the Recorder that receives the events while active


class _Reentry(threading.local):
    """Per thread: set while the recorder re-enters Function.apply to run the op it is timing."""

    inside = False


_reentry = _Reentry()


def outer_call():
    """True when this Function.apply call should be timed; False (once) for the recorder's own re-entry."""
    if _reentry.inside:
        _reentry.inside = False
        return False
    return True


def reenter():
    """Mark the next Function.apply call in this thread as the recorder's own (not timed a second time)."""
    _reentry.inside = True
