"""keras.wrappers: scikit-learn estimators around compiled keras Models (SKLearnClassifier, SKLearnRegressor,
SKLearnTransformer). scikit-learn stays optional: it is imported the first time one of the names is used, and a
missing install raises an ImportError that says what to install."""

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]


def __getattr__(name):
    if name in __all__:
        from . import sklearn_wrapper   # imports scikit-learn, or raises the ImportError naming it
        return getattr(sklearn_wrapper, name)
    raise AttributeError(f"module 'nn.keras.wrappers' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
