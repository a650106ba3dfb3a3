"""StandardScaler: per-feature standardisation of tabular data, fitted on a training set (scikit-learn's
semantics: mean_, scale_ (population standard deviation; 1 where it is 0), var_, n_samples_seen_)."""
import numpy as np

from autograd import Tensor

from .transform_base import Transform


class StandardScaler(Transform):
    """`(x - mean_) / scale_` per feature (column) of (N, F) batches; `fit` learns mean_ and scale_.

    As a transform (`scaler(batch)`, e.g. in a DataLoader's Compose) it applies `transform`.
    """

    def __init__(self, with_mean=True, with_std=True):
        self.with_mean, self.with_std = bool(with_mean), bool(with_std)
        self.mean_ = self.var_ = self.scale_ = None
        self.n_samples_seen_ = 0

    @staticmethod
    def _as_array(x, who):
        x = x.numpy() if isinstance(x, Tensor) else np.asarray(x)
        if x.ndim != 2:
            raise ValueError(f"StandardScaler.{who}: expects a 2-D array (samples, features), got shape {x.shape}")
        return x

    def fit(self, x, y=None):
        """Learn each feature's mean and standard deviation from x (N, F); returns self."""
        x = self._as_array(x, "fit").astype(np.float64)
        if len(x) == 0:
            raise ValueError("StandardScaler.fit: needs at least one sample, got 0")
        self.n_samples_seen_ = len(x)
        self.mean_ = x.mean(axis=0) if self.with_mean else None
        if self.with_std:
            self.var_ = x.var(axis=0)
            scale = np.sqrt(self.var_)
            # features that do not vary are left unscaled, as scikit-learn does
            self.scale_ = np.where(scale < 10 * np.finfo(np.float64).eps * np.maximum(np.abs(x.mean(axis=0)), 1),
                                   1.0, scale)
        else:
            self.var_ = self.scale_ = None
        return self

    def _check_fitted(self, who, x):
        if self.n_samples_seen_ == 0:
            raise ValueError(f"StandardScaler.{who}: call fit(x) first")
        size = len(self.mean_ if self.mean_ is not None else self.scale_ if self.scale_ is not None else x[0])
        if x.shape[1] != size:
            raise ValueError(f"StandardScaler.{who}: fitted on {size} features, got an array of shape {x.shape}")

    def transform(self, x):
        """x standardised with the fitted statistics (float32 unless x is float64)."""
        x = self._as_array(x, "transform")
        self._check_fitted("transform", x)
        dtype = np.float64 if x.dtype == np.float64 else np.float32
        out = x.astype(np.float64)
        if self.mean_ is not None:
            out = out - self.mean_
        if self.scale_ is not None:
            out = out / self.scale_
        return out.astype(dtype)

    def fit_transform(self, x, y=None):
        """fit(x), then transform(x)."""
        return self.fit(x).transform(x)

    def inverse_transform(self, x):
        """Undo transform: x * scale_ + mean_."""
        x = self._as_array(x, "inverse_transform")
        self._check_fitted("inverse_transform", x)
        dtype = np.float64 if x.dtype == np.float64 else np.float32
        out = x.astype(np.float64)
        if self.scale_ is not None:
            out = out * self.scale_
        if self.mean_ is not None:
            out = out + self.mean_
        return out.astype(dtype)

    def apply(self, batch):
        """The batch standardised (transform)."""
        return self.transform(batch)
