"""`ag.amp` (torch.amp): automatic mixed precision: `autocast` regions and the `GradScaler`.

    scaler = ag.amp.GradScaler("cuda")
    with ag.autocast("cuda"):                    # ag.autocast is ag.amp.autocast
        loss = loss_fn(model(x), y)
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()

policy.py holds PyTorch's op lists and does the casting; autocast_mode.py the switches; grad_scaler.py the
scaler; legacy.py the deprecated `ag.cuda.amp` / `ag.cpu.amp` names.
"""
from . import policy  # noqa: F401  (installs the casting into autograd.autocast_state)
from .autocast_mode import autocast, is_autocast_available
from .custom_function import custom_bwd, custom_fwd
from .grad_scaler import GradScaler

__all__ = ["autocast", "custom_bwd", "custom_fwd", "is_autocast_available", "GradScaler"]
