"""`torch.profiler` for deepgrad: time ops, backward nodes, optimizer steps and record_function ranges.

    with ag.profiler.profile(record_shapes=True) as prof:
        loss = model(x).sum(); loss.backward()
    print(prof.key_averages().table(sort_by="cpu_time_total", row_limit=10))

While no profiler records, the ops pay one flag read (autograd/profile_state.py).
"""
from .actions import ProfilerAction, ProfilerActivity, schedule, supported_activities
from .events import EventList, FunctionEvent, FunctionEventAvg
from .profile import profile, tensorboard_trace_handler
from .record_function import record_function
from . import legacy

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "ProfilerAction", "ProfilerActivity", "profile",
           "record_function", "schedule", "supported_activities", "tensorboard_trace_handler"]
