"""Optimisers that update parameters in place from their gradients, and learning-rate schedules.

    opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = nn.optim.lr_scheduler.StepLR(opt, step_size=10)
"""
from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .lr_scheduler import (ChainedScheduler, ConstantLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR,
                           ExponentialLR, LambdaLR, LinearLR, LinearWarmup, LRScheduler, MultiplicativeLR, MultiStepLR,
                           OneCycleLR, PolynomialLR, ReduceLROnPlateau, SequentialLR, StepLR)
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "lr_scheduler", "LRScheduler", "LambdaLR",
           "StepLR", "ExponentialLR", "CosineAnnealingLR", "LinearWarmup", "OneCycleLR", "ReduceLROnPlateau",
           "MultiStepLR", "LinearLR", "ConstantLR", "MultiplicativeLR", "PolynomialLR", "CosineAnnealingWarmRestarts",
           "CyclicLR", "SequentialLR", "ChainedScheduler"]
from .adadelta import Adadelta
from .adamax import Adamax
from .lbfgs import LBFGS
from .nadam import NAdam

__all__ += ["Adadelta", "Adamax", "LBFGS", "NAdam"]
from .adafactor import Adafactor
from .asgd import ASGD
from .radam import RAdam
from .rprop import Rprop

__all__ += ["Adafactor", "ASGD", "RAdam", "Rprop"]
from .sparse_adam import SparseAdam

__all__ += ["SparseAdam"]
from .muon import Muon

__all__ += ["Muon"]
from . import swa_utils
