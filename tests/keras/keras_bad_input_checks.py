"""What the Keras bad-input rounds share beside tests/bad_input_checks.py: the two libraries side by side, cases
whose code names a scratch directory, and the value of a call both must accept. A Keras case's code is statements
joined by "; ", the last one an expression."""
import warnings

import numpy as np

from .oracle import real_keras


def keras_pair():
    """(nn.keras, real Keras 3 on the torch backend); the test is skipped when Keras is not installed."""
    theirs = real_keras()
    from nn import keras as ours
    return ours, theirs


def with_tmp(case, tmp_path):
    """The case with its code's {tmp} placeholder made a real directory."""
    return (case[0], case[1].replace("{tmp}", str(tmp_path)), *case[2:])


def value_of(code, keras, as_array=True):
    """The value of `code`'s last statement, run after the others with `keras` and `np` as globals; warnings are
    silenced (both libraries warn about different things). `as_array=False` returns the value as it is, for callers
    that compare mixed results such as [dtype name, values]."""
    body, _, last = code.rpartition("; ")
    names = dict(keras=keras, np=np)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(body, names)
        value = eval(last, names)
    return np.asarray(value) if as_array else value
