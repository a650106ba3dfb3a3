"""The keras.ops nodes of a functional config written by real Keras ('module': 'keras.src.ops.numpy',
'class_name': 'NotEqual', ...): Keras records them, for instance, for the mask an Embedding(mask_zero=True)
passes on. Each becomes nn.keras's weightless `Operation` calling the same-named op (NotEqual ->
keras.ops.not_equal), with the arguments its config holds (a Sum's axis, ...) passed to the op."""
import functools

from ..naming import snake_case


def is_operation_config(entry):
    """Whether a functional config's layer entry is a keras.ops node rather than a layer."""
    module = entry.get("module") if isinstance(entry, dict) else None
    return isinstance(module, str) and module.startswith("keras.src.ops.")


class OperationFactory:
    """from_config for one keras.ops class name, as the deserializer expects of a class."""

    def __init__(self, class_name):
        self.__name__ = class_name

    def from_config(self, config):
        """The Operation node calling the op with the config's arguments (all but its name)."""
        from .. import ops
        from ..symbolic_ops import Operation
        op_name = snake_case(self.__name__)
        fn = getattr(ops, op_name, None)
        if fn is None or not callable(fn):
            raise ValueError(f"load_model: the model applies the Keras op {self.__name__} (keras.ops.{op_name}), "
                             "which nn.keras does not have")
        arguments = {k: v for k, v in config.items() if k != "name"}
        return Operation(functools.partial(fn, **arguments) if arguments else fn, op_name, name=config.get("name"))


def operation_objects(config):
    """{class name: OperationFactory} for every keras.ops node in a (rewritten) model config, to pass to the
    deserializer as custom objects."""
    found = {}

    def walk(value):
        if isinstance(value, dict):
            if is_operation_config(value):
                found[value["class_name"]] = OperationFactory(value["class_name"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(config)
    return found
