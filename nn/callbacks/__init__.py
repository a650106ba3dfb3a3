"""Callbacks for Keras-style training: objects whose hooks fit/evaluate/predict call as they run.

    model.fit(x, y, validation_split=0.1, callbacks=[nn.callbacks.EarlyStopping(patience=3)])
"""
from .base import Callback, CallbackList
from .checkpoint import ModelCheckpoint
from .csv_logger import CSVLogger
from .early_stopping import EarlyStopping
from .learning_rate import LearningRateScheduler, ReduceLROnPlateau
from .monitor import Monitor
from .terminate_on_nan import TerminateOnNaN

__all__ = ["Callback", "CallbackList", "Monitor", "EarlyStopping", "ModelCheckpoint", "LearningRateScheduler",
           "ReduceLROnPlateau", "CSVLogger", "TerminateOnNaN"]
