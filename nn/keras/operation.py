"""keras.Operation: the base of a computation that works on tensors and, called on KerasTensors, records a node of
a functional graph. A subclass defines `call` and may define `compute_output_spec` (else the output shapes are
found by running `call` on zeros). Every keras layer counts as an Operation (isinstance), as in Keras, where
Layer subclasses Operation; an Operation is no Layer (isinstance), though it shares Layer's machinery here."""
from .layer import Layer
from .symbolic_ops import Operation as _OpNode


class _OperationType(type(Layer)):
    """Makes isinstance(layer, keras.Operation) true for every Keras layer, as Keras's class tree has it."""

    def __instancecheck__(cls, instance):
        if cls is Operation and type.__instancecheck__(Layer, instance):   # keras.ops nodes too, though no Layer
            return True
        return super().__instancecheck__(instance)


class Operation(Layer, metaclass=_OperationType):
    """A named computation: `call(*args, **kwargs)` on tensors; called on KerasTensors it returns
    `compute_output_spec(*args, **kwargs)` and records a node (so it can sit in a keras.Model or a
    keras.Function). Its arguments are not cast to a dtype and it holds no weights."""

    _is_operation = True
    _convert_input_args = False

    def __init__(self, name=None):
        super().__init__(name=name)
        self.supports_masking = False

    def call(self, *args, **kwargs):
        """The computation; a subclass defines it."""
        raise NotImplementedError(f"Operation {type(self).__name__} ({self.name}) must define call(*args, **kwargs)")

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensors shaped as call's outputs on inputs shaped as these KerasTensors (found by running call on
        zeros, every unknown size tried at two values)."""
        return _OpNode._probe(self, args, kwargs)

    def _probe(self, args, kwargs):
        return self.compute_output_spec(*args, **kwargs)

    def _build_for(self, inputs):
        self.built = True

    def get_config(self):
        """{'name': ..., and the arguments the constructor was given}, as Keras's Operation records them."""
        config = {"name": self.name}
        arguments = dict(self.__dict__.get("_constructor_arguments") or {})
        arguments.pop("name", None)
        arguments.pop("self", None)
        kwargs = arguments.pop("kwargs", None)
        config.update(arguments)
        if isinstance(kwargs, dict):
            config.update(kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        """An operation made from get_config's dict."""
        return cls(**config)

    def __repr__(self):
        return f"<Operation name={self.name}>"
