"""LoRA (low-rank adaptation) on Dense, EinsumDense and Embedding, as Keras 3 has it.

`layer.enable_lora(rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros")` on a built layer
freezes its kernel (or embedding table) W and adds two trainable float32 weights A (W's shape with the last axis
replaced by `rank`) and B (rank, W's last axis). From then on the layer's `kernel` (`embeddings`) is the
effective weight W + (lora_alpha / rank) * A @ B, which its call uses; `_kernel` (`_embeddings`) is W itself.
`lora_rank=` in the constructor enables it when the layer is built.

Saving merges, as Keras: save_own_variables, save_weights and model.save store the effective weight in W's place
and leave A and B out; loading puts the stored weight into W and sets A and B to zero (so a loaded model predicts
what the saved one did, and its config, which lists lora_rank, enables LoRA again on build).
"""
import autograd as ag

from .. import initializers
from ..layer_lock import state_unlocked


class LoraWeight:
    """Class attribute for the adapted weight `name`: reading it on a layer gives the stored weight, or, with LoRA
    enabled, the weight plus the scaled low-rank product of the layer's A and B weights."""

    def __init__(self, name, a, b):
        self.name, self.a, self.b = name, a, b

    def __get__(self, layer, owner=None):
        if layer is None:
            return self
        state = layer.__dict__
        if self.name not in state:
            raise AttributeError(f"You must build the layer before accessing `{self.name}`.")
        weight = state[self.name]
        if not state.get("lora_enabled"):
            return weight
        delta = ag.matmul(state[self.a], state[self.b]) * (layer.lora_alpha / layer.lora_rank)
        return weight + delta.astype(weight.dtype)

    def __set__(self, layer, value):   # Module.__setattr__ stores weights in __dict__ itself, past this
        layer.__dict__[self.name] = value


class LoraMixin:
    """enable_lora and LoRA-aware saving for a layer whose adapted weight is `_lora_target` ('kernel' or
    'embeddings'), with A and B named `_lora_names`; the layer keeps `lora_rank`, `lora_alpha`, `lora_enabled`."""

    _lora_target, _lora_names = "kernel", ("lora_kernel_a", "lora_kernel_b")
    _lora_constraint_words = ("kernel constraints", "kernel_constraint")
    _lora_alpha_on_build = True   # Keras's Dense and Embedding enable it on build without the configured alpha

    def _init_lora(self, lora_rank, lora_alpha):
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False

    def _build_lora(self):
        """The end of build: enable LoRA when the constructor was given a rank."""
        if self.lora_rank:
            self.built = True   # as Keras's build, which marks the layer built before enabling it
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha if self._lora_alpha_on_build else None)

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freeze the layer's kernel (embedding table) and train a rank-`rank` update of it, scaled by
        lora_alpha / rank (lora_alpha defaults to rank); once per built layer."""
        words, argument = self._lora_constraint_words
        if getattr(self, f"{self._lora_target}_constraint", None):
            raise ValueError(f"Lora is incompatible with {words}. In order to enable lora on this layer, remove "
                             f"the `{argument}` argument.")
        if not self.built:
            raise ValueError("Cannot enable lora on a layer that isn't yet built.")
        if self.lora_enabled:
            raise ValueError("lora is already enabled. This can only be done once per layer.")
        weight = self.__dict__[self._lora_target]
        shape = self._adapted_shape()
        regularizer = getattr(self, f"{self._lora_target}_regularizer", None)
        a_name, b_name = self._lora_names
        with state_unlocked(self):   # a built layer takes the two new weights, as Keras's enable_lora unlocks it
            self.add_weight(tuple(shape[:-1]) + (rank,), initializers.get(a_initializer), dtype="float32",
                            regularizer=regularizer, name=a_name)
            self.add_weight((rank, shape[-1]), initializers.get(b_initializer), dtype="float32",
                            regularizer=regularizer, name=b_name)
        if weight.trainable:   # an int8 kernel (layers/quantized.py) is frozen already
            weight.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def _lora_config(self, config):
        """`config` with lora_rank and lora_alpha last, present only once a rank is set (Keras's rule)."""
        config.pop("lora_rank", None)
        config.pop("lora_alpha", None)
        if self.lora_rank:
            config.update(lora_rank=self.lora_rank, lora_alpha=self.lora_alpha)
        return config

    def lora_adapters(self):
        """The A and B weights when LoRA is enabled, else []."""
        return [self.__dict__[n] for n in self._lora_names] if self.__dict__.get("lora_enabled") else []

    def _adapted_shape(self):
        """The shape of the weight LoRA adapts (a packed int4 kernel reports its unpacked shape)."""
        return tuple(self.__dict__[self._lora_target].shape)

    def _keras_variable_order(self):
        """The own weights in the order Keras saves them: all but A and B, in creation order."""
        adapters = {id(w) for w in self.lora_adapters()}
        return [w for w in self._own_weights() if id(w) not in adapters]

    def _lora_merged_values(self):
        """{id(weight): the value weight files store in its place}: the kernel merged with A @ B when LoRA is on."""
        if not self.lora_adapters():
            return {}
        return {id(self.__dict__[self._lora_target]): getattr(self, self._lora_target).detach().numpy()}

    def _serialized_weights(self):
        """The own weights Keras's Dense / EinsumDense / Embedding save and load: those its serialization spec
        names (`_keras_order`: kernel and bias, or the embeddings), not A and B, nor a subclass's extra variables
        (Keras leaves those to the subclass's own save_own_variables)."""
        state, names = self.__dict__, set(self._weight_names)
        return [state[n] if n in state else getattr(self, n) for n in self._keras_order if n in names]

    def _saved_variables(self):
        """What save_own_variables stores: the serialized weights, the kernel merged with A and B."""
        adapters = self.lora_adapters()
        target = self.__dict__.get(self._lora_target)
        return [getattr(self, self._lora_target).detach() if w is target and adapters else w
                for w in self._serialized_weights()]

    def save_own_variables(self, store):
        """Keras's store: '0', '1', ... = the kernel (merged with the LoRA update when enabled), then the other
        weights; A and B are not stored."""
        if not self.built:
            return
        for k, value in enumerate(self._saved_variables()):
            store[str(k)] = value.numpy()

    def load_own_variables(self, store):
        """Set the weights from a store save_own_variables wrote, in Keras's order (the kernel first); with LoRA
        enabled the kernel takes the stored (merged) kernel, A and B are zeroed, and extra entries are ignored."""
        if not self.built:
            return
        ids = {id(w) for w in self.lora_adapters()}
        own = self._serialized_weights()
        if not ids and len(store.keys()) != len(own):
            raise ValueError(f"Layer '{self.name}' expected {len(own)} variables, but received {len(store.keys())} "
                             f"variables during loading. Expected: {[w.name for w in own]}")
        for k, weight in enumerate(own):
            weight.assign(store[str(k)])
        zero_adapters(self)


def zero_adapters(layer):
    """Set a LoRA layer's A and B weights to zero (what loading merged weights leaves them at, as Keras)."""
    for weight in layer.lora_adapters():
        weight.assign(ag.zeros(*weight.shape, dtype=weight.dtype))


def lora_layers(model):
    """The layers of `model` (itself included) with LoRA enabled."""
    return [m for m in model.modules() if isinstance(m, LoraMixin) and m.__dict__.get("lora_enabled")]


def saved_weights(model, weights):
    """(weights as weight files hold them, {id(kernel): merged value}) for `weights` of `model`: the A and B of
    LoRA layers left out, their kernels stored merged (None, {} when no layer has LoRA enabled)."""
    layers = lora_layers(model)
    if not layers:
        return None, {}
    adapters = {id(w) for layer in layers for w in layer.lora_adapters()}
    merged = {key: value for layer in layers for key, value in layer._lora_merged_values().items()}
    return [w for w in weights if id(w) not in adapters], merged
