"""keras.utils.FeatureSpace: one object that preprocesses and encodes a dict of structured features (numbers,
integer and string categories, hashed values, crosses of features) into one vector per sample, or a dict of
encoded features, by composing Keras's preprocessing layers (Normalization, Rescaling, Discretization,
IntegerLookup, StringLookup, Hashing, HashedCrossing, CategoryEncoding).

Keras runs FeatureSpace through tf.data; here adapt() reads a dict of arrays or lists, or any iterable of dict
batches (an nn.data DataLoader over dict examples, a generator, a list of dicts; (dict, label) items are read
as their dict), and calls work on NumPy data and Tensors.
"""
import numpy as np

import autograd as ag

from . import layers
from .layer import Layer
from .naming import unique_name
from .saving.serialization import add_builtins, deserialize_keras_object, serialize_keras_object
from .symbolic import KerasTensor

_FEATURE_MODES = ("int", "one_hot", "float")


class Cross:
    """A cross of features (hashed together into `crossing_dim` bins), as FeatureSpace.cross makes it."""

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        if output_mode not in ("int", "one_hot"):
            raise ValueError(f"FeatureSpace.cross: output_mode must be 'int' or 'one_hot', got {output_mode!r}")
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self):
        """The cross's name: its feature names joined by '_X_'."""
        return "_X_".join(self.feature_names)

    def get_config(self):
        """The constructor's arguments."""
        return {"feature_names": self.feature_names, "crossing_dim": self.crossing_dim,
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        """A Cross from get_config's dict."""
        return cls(**config)


class Feature:
    """One feature's spec: its input dtype, the preprocessing layer applied to it and how the result is encoded
    ('int', 'one_hot' or 'float')."""

    def __init__(self, dtype, preprocessor, output_mode):
        if output_mode not in _FEATURE_MODES:
            raise ValueError(f"FeatureSpace.feature: output_mode must be one of {', '.join(map(repr, _FEATURE_MODES))}"
                             f", got {output_mode!r}")
        self.dtype = dtype
        if isinstance(preprocessor, dict):
            preprocessor = deserialize_keras_object(preprocessor)
        self.preprocessor = preprocessor
        self.output_mode = output_mode

    def get_config(self):
        """The dtype, the serialized preprocessor and the output mode."""
        return {"dtype": self.dtype, "preprocessor": serialize_keras_object(self.preprocessor),
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        """A Feature from get_config's dict."""
        return cls(**config)


class FloatIdentity(Layer):
    """The preprocessor of 'float' features: the values as float32, unchanged."""

    def call(self, inputs):
        return inputs if inputs.dtype == np.float32 else inputs.astype(np.float32)


def _feature_name(name, kind):
    return name or unique_name(kind)


class FeatureSpace(Layer):
    """Preprocesses and encodes a dict of structured features. `features` maps each name to a type name
    ('float', 'float_rescaled', 'float_normalized', 'float_discretized', 'integer_categorical',
    'string_categorical', 'integer_hashed', 'string_hashed') or a spec from the FeatureSpace.* constructors;
    `crosses` lists tuples of feature names (or FeatureSpace.cross specs) hashed together. output_mode 'concat'
    gives one float32 vector per sample, 'dict' one encoded value per feature and cross. Call adapt(data)
    before use when a feature learns from data (normalization, vocabularies, quantile bins)."""

    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode="one_hot"):
        """A cross of `feature_names` hashed into `crossing_dim` bins."""
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode):
        """A custom feature: inputs of `dtype` through the `preprocessor` layer, encoded per `output_mode`."""
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None):
        """Float values passed through unchanged."""
        name = _feature_name(name, "float")
        return Feature("float32", FloatIdentity(dtype="float32", name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None):
        """Float values times `scale` plus `offset` (a Rescaling layer)."""
        name = _feature_name(name, "float_rescaled")
        return Feature("float32", layers.Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_normalized(cls, name=None):
        """Float values standardized with the mean and variance adapt learns (a Normalization layer)."""
        name = _feature_name(name, "float_normalized")
        return Feature("float32", layers.Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
        """Float values bucketed into `num_bins` quantile bins learnt by adapt, or by `bin_boundaries` (then pass
        num_bins=None, as Keras's Discretization takes only one of the two)."""
        name = _feature_name(name, "float_discretized")
        layer = layers.Discretization(num_bins=num_bins, bin_boundaries=bin_boundaries, name=f"{name}_preprocessor")
        return Feature("float32", layer, output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
        """Integer categories indexed by a vocabulary adapt learns (an IntegerLookup layer)."""
        name = _feature_name(name, "integer_categorical")
        layer = layers.IntegerLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                                     num_oov_indices=num_oov_indices)
        return Feature("int32", layer, output_mode)

    @classmethod
    def string_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
        """String categories indexed by a vocabulary adapt learns (a StringLookup layer)."""
        name = _feature_name(name, "string_categorical")
        layer = layers.StringLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                                    num_oov_indices=num_oov_indices)
        return Feature("string", layer, output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode="one_hot", name=None):
        """Strings hashed into `num_bins` bins (a Hashing layer)."""
        name = _feature_name(name, "string_hashed")
        return Feature("string", layers.Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode="one_hot", name=None):
        """Integers hashed into `num_bins` bins (a Hashing layer)."""
        name = _feature_name(name, "integer_hashed")
        return Feature("int32", layers.Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    def __init__(self, features, output_mode="concat", crosses=None, crossing_dim=32, hashing_dim=32,
                 num_discretization_bins=32, name=None):
        super().__init__(name=name)
        if not features:
            raise ValueError("FeatureSpace: the `features` argument cannot be None or empty; pass a dict "
                             "{name: feature type or FeatureSpace.<type>(...)}")
        if output_mode not in ("dict", "concat"):
            raise ValueError(f"FeatureSpace: output_mode must be 'dict' or 'concat', got {output_mode!r}")
        self.crossing_dim, self.hashing_dim = crossing_dim, hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.output_mode = output_mode
        self.features = {key: self._standardize_feature(key, value) for key, value in features.items()}
        self.crosses = [self._standardize_cross(cross, set(features)) for cross in crosses or ()]
        self.crosses_by_name = {cross.name: cross for cross in self.crosses}
        self.inputs = {key: layers.Input(shape=(1,), dtype=spec.dtype, name=key)
                       for key, spec in self.features.items()}
        self.preprocessors = {key: spec.preprocessor for key, spec in self.features.items()}
        self.crossers = {cross.name: layers.HashedCrossing(cross.crossing_dim, name=cross.name)
                         for cross in self.crosses}
        for key, layer in list(self.preprocessors.items()) + list(self.crossers.items()):
            self.add_module(f"preprocessor_{key}" if key in self.preprocessors else f"crosser_{key}", layer)
        self.one_hot_encoders = {}
        self.concat = None
        self.encoded_features = None
        self._is_adapted = False
        self._sublayers_built = False

    def _standardize_feature(self, name, feature):
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            return deserialize_keras_object(feature)
        makers = {"float": lambda: self.float(name=name),
                  "float_normalized": lambda: self.float_normalized(name=name),
                  "float_rescaled": lambda: self.float_rescaled(name=name),
                  "float_discretized": lambda: self.float_discretized(self.num_discretization_bins, name=name),
                  "integer_categorical": lambda: self.integer_categorical(name=name),
                  "string_categorical": lambda: self.string_categorical(name=name),
                  "integer_hashed": lambda: self.integer_hashed(self.hashing_dim, name=name),
                  "string_hashed": lambda: self.string_hashed(self.hashing_dim, name=name)}
        if not isinstance(feature, str) or feature not in makers:
            raise ValueError(f"FeatureSpace: invalid feature type {feature!r} for feature {name!r}; use one of "
                             f"{', '.join(map(repr, makers))} or a FeatureSpace.<type>(...) spec")
        return makers[feature]()

    def _standardize_cross(self, cross, known):
        if isinstance(cross, dict):
            cross = deserialize_keras_object(cross)
        if isinstance(cross, Cross):
            return cross
        if not self.crossing_dim:
            raise ValueError("FeatureSpace: when specifying `crosses`, the argument `crossing_dim` "
                             "(dimensionality of the crossing space) should be specified as well")
        unknown = [key for key in cross if key not in known]
        if unknown:
            raise ValueError(f"FeatureSpace: all features referenced in the `crosses` argument should be present in "
                             f"the `features` dict; received unknown features {unknown} in cross {tuple(cross)}")
        return Cross(cross, crossing_dim=self.crossing_dim)

    # ----- adapt -----------------------------------------------------------------------------------------------
    def _adaptable(self):
        names = []
        for key, layer in self.preprocessors.items():
            if isinstance(layer, layers.Normalization) and layer._given is not None:
                continue   # statistics given at construction: nothing to learn
            if isinstance(layer, layers.TextVectorization) and getattr(layer, "_has_input_vocabulary", False):
                continue
            if isinstance(layer, layers.Discretization) and layer.num_bins is None:
                continue   # fixed bin_boundaries (Keras would try to adapt them and fail)
            if hasattr(layer, "adapt"):
                names.append(key)
        return names

    def adapt(self, dataset):
        """Learn each adaptable feature's state (mean and variance, vocabulary, bin boundaries) from `dataset`: a
        dict of arrays or lists (one entry per sample), or an iterable of such dicts (batches, or single
        samples), e.g. an nn.data DataLoader over dict examples. (dict, label) items are read as their dict."""
        names = self._adaptable()
        batches = _columns(dataset, names)
        for key in names:
            self.preprocessors[key].adapt(iter(batches[key]))
        self._is_adapted = True
        self.get_encoded_features()   # builds the encoders and the concatenation
        self.built = True
        self._sublayers_built = True

    def _check_if_adapted(self):
        if not self._is_adapted:
            if self._adaptable():
                raise ValueError("FeatureSpace: you need to call `.adapt(dataset)` on the FeatureSpace before you "
                                 "can start using it")
            self._is_adapted = True

    def _check_if_built(self):
        if not self._sublayers_built:
            self._check_if_adapted()
            self.get_encoded_features()
            self._sublayers_built = True

    # ----- symbolic use ----------------------------------------------------------------------------------------
    def get_inputs(self):
        """The dict of keras.Input objects, one per feature (shape (None, 1), the feature's dtype)."""
        self._check_if_built()
        return self.inputs

    def get_encoded_features(self):
        """The encoded symbolic tensors of get_inputs(): one tensor ('concat') or a dict ('dict'), to build a
        functional model on."""
        self._check_if_adapted()
        if self.encoded_features is None:
            preprocessed = self._preprocess(self.inputs)
            self.encoded_features = self._merge(preprocessed, self._cross(preprocessed))
        return self.encoded_features

    # ----- computation -----------------------------------------------------------------------------------------
    def _preprocess(self, data):
        return {key: self.preprocessors[key](data[key]) for key in self.features}

    def _cross(self, preprocessed):
        return {cross.name: self.crossers[cross.name]([preprocessed[key] for key in cross.feature_names])
                for cross in self.crosses}

    def _cardinality(self, name, spec):
        layer = self.preprocessors.get(name) or self.crossers.get(name)
        if isinstance(layer, (layers.IntegerLookup, layers.StringLookup)):
            return layer.vocabulary_size()
        if isinstance(layer, layers.CategoryEncoding):
            return layer.num_tokens
        if isinstance(layer, layers.Discretization):
            # Keras reads num_bins, which is None for fixed boundaries; their count is known, so use it
            return layer.num_bins if layer.num_bins is not None else len(layer.bin_boundaries) + 1
        if isinstance(layer, (layers.HashedCrossing, layers.Hashing)):
            return layer.num_bins
        raise ValueError(f"FeatureSpace: feature {name!r} has output_mode='one_hot', but it isn't a standard feature "
                         "and the size of its output space is not known, so it cannot be one-hot encoded; use "
                         "output_mode='int'")

    def _merge(self, preprocessed, crossed):
        names = sorted(preprocessed) + sorted(crossed)
        values = {**preprocessed, **crossed}
        specs = {**self.features, **self.crosses_by_name}
        encoded = {}
        for name in names:
            value, spec = values[name], specs[name]
            if spec.output_mode == "one_hot":
                if name not in self.one_hot_encoders:
                    dtype = np.dtype(value.dtype) if not isinstance(value, list) else np.dtype(object)
                    if dtype.kind not in "iu":
                        raise ValueError(f"FeatureSpace: feature {name!r} has output_mode='one_hot', so its "
                                         f"preprocessor should return an integer dtype; it returns {dtype.name}")
                    self.one_hot_encoders[name] = layers.CategoryEncoding(
                        num_tokens=self._cardinality(name, spec), output_mode="multi_hot")
                    self.add_module(f"one_hot_{name}", self.one_hot_encoders[name])
                value = self.one_hot_encoders[name](value)
            encoded[name] = value
        if self.output_mode == "dict":
            return encoded
        for name in names:
            dtype = encoded[name].dtype if not isinstance(encoded[name], list) else "string"
            if dtype == "string" or np.dtype(dtype).kind not in "f":
                raise ValueError(f"FeatureSpace: cannot concatenate the features because feature {name!r} has not "
                                 f"been encoded (it has dtype {dtype}); use output_mode='dict', or an encoding "
                                 "output_mode ('one_hot' or 'float') for that feature")
        if self.concat is None:
            self.concat = layers.Concatenate(axis=-1)
            self.add_module("concat", self.concat)
        parts = [encoded[name] for name in names]
        return self.concat(parts) if len(parts) > 1 else parts[0]

    def __call__(self, data):
        """Encode a dict of feature values (a batch of arrays/lists/Tensors, or one sample of scalars) into one
        float32 Tensor ('concat') or a dict of Tensors ('dict'); a sample of scalars gives unbatched results."""
        self._check_if_built()
        if not isinstance(data, dict):
            raise ValueError(f"FeatureSpace: a FeatureSpace can only be called with a dict of feature values; got "
                             f"{type(data).__name__}")
        missing = [key for key in self.features if key not in data]
        if missing:
            raise ValueError(f"FeatureSpace: the data lacks the features {missing} (it has {sorted(data)})")
        if any(isinstance(v, KerasTensor) for v in data.values()):
            preprocessed = self._preprocess(data)
            return self._merge(preprocessed, self._cross(preprocessed))
        arrays, rebatched = {}, False
        for key in self.features:
            array = _host_column(data[key], self.features[key].dtype, key)
            if array.ndim == 0:
                array, rebatched = array.reshape(1, 1), True
            elif array.ndim == 1:
                array = array[:, None]
            arrays[key] = array
        preprocessed = self._preprocess(arrays)
        merged = self._merge(preprocessed, self._cross(preprocessed))
        if rebatched:
            if self.output_mode == "concat":
                return merged[0]
            return {k: v[0] if v.ndim == 2 and v.shape[0] == 1 else v for k, v in merged.items()}
        return merged

    # ----- config and saving -----------------------------------------------------------------------------------
    def get_config(self):
        """Keras's config: the serialized features and crosses, output_mode and the default dimensions."""
        return {"features": serialize_keras_object(self.features), "output_mode": self.output_mode,
                "crosses": serialize_keras_object(self.crosses), "crossing_dim": self.crossing_dim,
                "hashing_dim": self.hashing_dim, "num_discretization_bins": self.num_discretization_bins}

    @classmethod
    def from_config(cls, config):
        """A FeatureSpace from get_config's dict (adapted state comes back through the preprocessors' configs
        and weights)."""
        return cls(**config)

    def get_build_config(self):
        """Each preprocessor's build config, by feature name."""
        return {key: spec.preprocessor.get_build_config() for key, spec in self.features.items()}

    def build_from_config(self, config):
        """Rebuild the preprocessors (so their weights can load) and mark the FeatureSpace adapted."""
        for key, build_config in (config or {}).items():
            layer = self.features[key].preprocessor
            if not layer.built and build_config is not None:
                layer.build_from_config(build_config)
        self._is_adapted = True
        self.get_encoded_features()
        self.built = self._sublayers_built = True

    def save(self, filepath):
        """Save the FeatureSpace to a `.keras` file; keras.models.load_model reads it back."""
        from .saving.model_file import save_model
        save_model(self, filepath)


def _host_column(value, dtype, key):
    """One feature's values as a NumPy array of its spec's kind (strings stay strings)."""
    if isinstance(value, ag.Tensor):
        value = value.numpy()
    elif hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    array = np.asarray(value)
    if array.dtype == object and array.size and isinstance(array.flat[0], (list, tuple)):
        raise ValueError(f"FeatureSpace: feature {key!r} is ragged (rows of different lengths); pad it first")
    if dtype == "float32" and array.dtype.kind in "iufb":
        return array.astype(np.float32)
    if dtype == "int32" and array.dtype.kind == "b":
        return array.astype(np.int64)
    return array


def _columns(dataset, names):
    """name -> that feature's values in `dataset` as a list of batches (arrays with at least 2 axes), batched as
    Keras's adapt reads them: given batches stay as they are, single samples and dict columns go in batches of
    32."""
    if isinstance(dataset, dict):
        items, given_columns = [dataset], True
    elif hasattr(dataset, "__iter__") and not isinstance(dataset, (str, bytes, np.ndarray)):
        items, given_columns = dataset, False
    else:
        raise ValueError(f"FeatureSpace.adapt: can only be called on a dict of arrays/lists or an iterable of dict "
                         f"batches (e.g. an nn.data DataLoader); got {type(dataset).__name__}")
    batches = {key: [] for key in names}
    samples = {key: [] for key in names}
    for item in items:
        if isinstance(item, (tuple, list)) and item and isinstance(item[0], dict):
            item = item[0]
        if not isinstance(item, dict):
            raise ValueError(f"FeatureSpace.adapt: each element of the dataset must be a dict of feature values "
                             f"(or a (dict, label) pair); got {type(item).__name__}")
        for key in names:
            if key not in item:
                raise ValueError(f"FeatureSpace.adapt: the data lacks feature {key!r} (it has {sorted(item)})")
            array = _host_column(item[key], None, key)
            if array.ndim == 0 or given_columns:
                samples[key].append(array.reshape(1) if array.ndim == 0 else array)
            else:
                batches[key].append(array[:, None] if array.ndim == 1 else array)
    for key in names:
        if samples[key]:
            column = np.concatenate(samples[key])
            column = column[:, None] if column.ndim == 1 else column
            batches[key] += [column[k:k + 32] for k in range(0, len(column), 32)]
        if not batches[key]:
            raise ValueError(f"FeatureSpace.adapt: the dataset holds no values of feature {key!r}")
    return batches


add_builtins({"FeatureSpace": FeatureSpace, "Feature": Feature, "Cross": Cross, "FloatIdentity": FloatIdentity,
              "TFDIdentity": FloatIdentity}, {})   # TFDIdentity: the name in Keras-written files
