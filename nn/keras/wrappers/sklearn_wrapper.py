"""The scikit-learn estimators of keras.wrappers, as Keras 3 defines them: `model` is a compiled keras Model
(cloned, compile settings included, at every fit) or a callable `model(X=..., y=..., **model_kwargs)` returning
one; fit validates X and y the scikit-learn way and trains with `fit_kwargs` updated by fit's own keyword
arguments; classifiers one-hot encode their labels and decode predictions by arg-max. Importing this module
imports scikit-learn."""
import copy

import numpy as np

try:
    import sklearn
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
    from sklearn.utils.multiclass import type_of_target as _sklearn_type_of_target
    from sklearn.utils.validation import check_is_fitted, validate_data
except ImportError as error:   # pragma: no cover - the message is what matters, and it is tested by name only
    raise ImportError("keras.wrappers (SKLearnClassifier, SKLearnRegressor, SKLearnTransformer) needs scikit-learn "
                      f"1.6 or later, which could not be imported ({error}): run `pip install -U scikit-learn`") \
        from error

from ..cloning import clone_model
from ..model import Model


def _type_of_target(y):
    kind = _sklearn_type_of_target(y)
    if kind == "unknown":
        raise ValueError(f"Unknown label type for data: {y!r}")
    return kind


def _check_compiled(model):
    if not model.compiled or not getattr(model, "loss", None) or not getattr(model, "optimizer", None):
        raise RuntimeError("Given model needs to be compiled, and have a loss and an optimizer. Call "
                           "model.compile(optimizer=..., loss=...) before wrapping it, or have the model callable "
                           "return a compiled model.")


class TargetReshaper(TransformerMixin, BaseEstimator):
    """Makes 1-D targets (n,) into (n, 1) columns and turns (n, 1) predictions back into (n,) when fit on 1-D."""

    def fit(self, y):
        """Remember y's rank; returns self."""
        self.ndim_ = y.ndim
        return self

    def transform(self, y):
        """y with at least two dimensions."""
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def inverse_transform(self, y):
        """y squeezed back to one dimension when fit on 1-D targets and given one column."""
        check_is_fitted(self)
        return np.squeeze(y, axis=1) if self.ndim_ == 1 and y.ndim == 2 else y


class SKLBase(BaseEstimator):
    """What the three wrappers share: fit (clone or build the model, train it), predict and target encoding.
    Attributes after fit: model_ (the trained Model), history_ (fit's History) and n_features_in_."""

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def __sklearn_clone__(self):
        """An unfitted copy with the same parameters (`model` shared when callable, as a Model is, else deep-copied;
        fit clones a Model anyway). Keras's copy drops fit_kwargs, so a cloned estimator (cross_val_score,
        GridSearchCV) trains with fit's defaults; ours keeps them."""
        model = self.model if callable(self.model) else copy.deepcopy(self.model)
        return type(self)(model=model, warm_start=self.warm_start, model_kwargs=self.model_kwargs,
                          fit_kwargs=self.fit_kwargs)

    @property
    def epoch_(self):
        """How many epochs the last fit ran (0 before fit). Keras's reads history_ as a dict and so fails once
        fitted, history_ being a History."""
        history = getattr(self, "history_", None)
        return 0 if history is None else len(history.epoch)

    def set_fit_request(self, **kwargs):
        """Request metadata (param=alias) through scikit-learn's metadata routing, which must be enabled
        (sklearn.set_config(enable_metadata_routing=True)); returns self."""
        if not sklearn.get_config().get("enable_metadata_routing", False):
            raise RuntimeError("This method is only available when metadata routing is enabled. You can enable it "
                               "using sklearn.set_config(enable_metadata_routing=True).")
        self._metadata_request = sklearn.utils.metadata_routing.MetadataRequest(owner=type(self).__name__)
        for param, alias in kwargs.items():
            self._metadata_request.score.add_request(param=param, alias=alias)
        return self

    def _get_model(self, X, y):
        if isinstance(self.model, Model):
            return clone_model(self.model)
        if not callable(self.model):
            raise TypeError(f"{type(self).__name__}: model must be a compiled keras.Model or a callable "
                            f"model(X=..., y=..., **model_kwargs) returning one, got {type(self.model).__name__}")
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X, y, **kwargs):
        """Train a fresh model on X (n_samples, n_features) and y; `kwargs` go to Model.fit over fit_kwargs."""
        X, y = validate_data(self, X, y)
        y = self._process_target(y, reset=True)
        model = self._get_model(X, y)
        _check_compiled(model)
        self.history_ = model.fit(X, y, **{**(self.fit_kwargs or {}), **kwargs})
        self.model_ = model
        return self

    def predict(self, X):
        """The fitted model's predictions for X, decoded to targets' form."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self._reverse_process_target(self.model_.predict(X))

    def _process_target(self, y, reset=False):
        _type_of_target(y)
        if reset:
            self._target_encoder = TargetReshaper().fit(y)
        return self._target_encoder.transform(y)

    def _reverse_process_target(self, y):
        return self._target_encoder.inverse_transform(y)


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """A scikit-learn classifier around a keras Model with one output unit per class: labels (binary or multiclass)
    are one-hot encoded for training, predict returns the arg-max label. classes_: the sorted labels."""

    def decision_function(self, X):
        """The model's raw outputs for X."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.predict(X)

    def _process_target(self, y, reset=False):
        kind = _type_of_target(y)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"Only binary and multiclass target types are supported. Target type: {kind}")
        if reset:
            self._target_encoder = sklearn.pipeline.make_pipeline(
                TargetReshaper(), sklearn.preprocessing.OneHotEncoder(sparse_output=False)).fit(y)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("Classifier can't train when only one class is present.")
        return self._target_encoder.transform(y)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


class SKLearnRegressor(RegressorMixin, SKLBase):
    """A scikit-learn regressor around a keras Model; predict returns (n,) for 1-D targets."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


class SKLearnTransformer(TransformerMixin, SKLBase):
    """A scikit-learn transformer around a keras Model: transform(X) is the fitted model's predict(X)."""

    def transform(self, X):
        """The fitted model's outputs for X."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags


for _public in (SKLearnClassifier, SKLearnRegressor, SKLearnTransformer):
    _public.__module__ = "nn.keras.wrappers"
