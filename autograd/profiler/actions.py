"""ProfilerActivity, ProfilerAction and schedule(): what a profiler records and at which steps (PyTorch's)."""
import enum
import warnings

from ..errors import ArgumentError


class ProfilerActivity(enum.Enum):
    """The activity groups a profiler can record. deepgrad times host-side work; CUDA is accepted (ops on a
    cuda device are timed as the host sees them, launch included)."""

    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    """What the profiler does at a step: NONE (idle), WARMUP (ready, not recording), RECORD, and
    RECORD_AND_SAVE (the last recording step of a cycle: its trace goes to on_trace_ready)."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def supported_activities():
    """The activities this build can record: {ProfilerActivity.CPU}, plus CUDA when a cuda device works."""
    found = {ProfilerActivity.CPU}
    try:
        import backends
        if any(name.startswith("cuda") for name in backends.available()):
            found.add(ProfilerActivity.CUDA)
    except Exception:   # a broken GPU stack only means no CUDA activity
        pass
    return found


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """A schedule for profile(schedule=...): skip `skip_first` steps, then cycles of `wait` idle steps,
    `warmup` steps and `active` recording steps (the last one RECORD_AND_SAVE), `repeat` times (0: forever).
    With `skip_first_wait` the first cycle starts without its wait."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise ArgumentError(f"schedule: invalid arguments wait={wait} (need >= 0), warmup={warmup} (need >= 0), "
                         f"active={active} (need > 0), repeat={repeat} (need >= 0), skip_first={skip_first} "
                         "(need >= 0)")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results", stacklevel=2)
    cycle = wait + warmup + active

    def action_at(step):
        if step < 0:
            raise ArgumentError(f"schedule: step must be non-negative, got {step}")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait:
            step += wait
        if repeat > 0 and step >= repeat * cycle:
            return ProfilerAction.NONE
        phase = step % cycle
        if phase < wait:
            return ProfilerAction.NONE
        if phase < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if phase < cycle - 1 else ProfilerAction.RECORD_AND_SAVE

    return action_at
