"""Learning-rate schedules that set each param group's 'lr', as torch.optim.lr_scheduler.

    sched = nn.optim.lr_scheduler.StepLR(opt, step_size=10)
    for epoch in range(epochs):
        train(...)          # optimizer.step() per batch
        sched.step()

Creating a scheduler applies the lr of epoch 0; `step()` follows PyTorch's formulas (chainable where
PyTorch's are), `step(epoch)` its closed forms, and `get_last_lr()`, `state_dict()`/`load_state_dict()`
and `last_epoch` mean what they mean there.
"""
from .base import LRScheduler
from .composite import ChainedScheduler, SequentialLR
from .cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from .decay import (ConstantLR, CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, LinearWarmup, MultiplicativeLR,
                    MultiStepLR, PolynomialLR, StepLR)
from .plateau import ReduceLROnPlateau

__all__ = ["LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
           "ExponentialLR", "PolynomialLR", "CosineAnnealingLR", "LinearWarmup", "CyclicLR",
           "CosineAnnealingWarmRestarts", "OneCycleLR", "SequentialLR", "ChainedScheduler", "ReduceLROnPlateau"]
