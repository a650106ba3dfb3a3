"""Keras-style training on every nn.Module: compile, fit, evaluate, predict.

Importing this package gives `nn.Module` those four methods and a `stop_training` flag:

    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=10, batch_size=64, validation_split=0.1)
    model.evaluate(x_test, y_test)   # {"loss": ..., "accuracy": ...}
    model.predict(x_test)            # Tensor of outputs
"""
from ..module import Module
from . import metrics
from .compile import compile
from .evaluate import evaluate
from .fit import fit
from .history import History
from .metrics import (Accuracy, F1Score, Mean, MeanAbsoluteError, MeanSquaredError, Metric, Precision, Recall,
                      TopKAccuracy)
from .predict import predict
from .progress import ProgressBar

Module.compile = compile
Module.fit = fit
Module.evaluate = evaluate
Module.predict = predict
Module.stop_training = False  # set True (e.g. by a callback) to end fit after the current batch

__all__ = ["compile", "fit", "evaluate", "predict", "History", "ProgressBar", "metrics", "Metric", "Mean",
           "Accuracy", "TopKAccuracy", "Precision", "Recall", "F1Score", "MeanAbsoluteError", "MeanSquaredError"]
