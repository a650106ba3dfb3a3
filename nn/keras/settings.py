"""The session-wide settings behind keras.config and keras.backend (Keras 3's global state): floatx, epsilon,
image_data_format, the dtype policy's slot, interactive logging, unsafe deserialization, max epochs/steps, and the
flash attention and traceback filtering flags. floatx and epsilon are read when used (layers made after a
fresh dtype policy, inputs, initializers, losses and metrics follow them)."""
import logging
import numbers
import sys
import warnings

_state = {"floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last", "dtype_policy": None,
          "interactive_logging": True, "unsafe_deserialization": False, "max_epochs": None,
          "max_steps_per_epoch": None, "flash_attention": None, "traceback_filtering": True,
          "global_seed_generator": None}   # keras.random's global SeedGenerator, made by its first unseeded draw
_SESSION_DEFAULTS = {"dtype_policy": None, "interactive_logging": True, "flash_attention": None,
                     "traceback_filtering": True,
                     "global_seed_generator": None}   # what clear_session resets (Keras's global_state)


def reset_session_state():
    """Back to the defaults of the settings clear_session resets (floatx, epsilon and the layout stay)."""
    _state.update(_SESSION_DEFAULTS)


def backend():
    """The name of the backend: 'deepgrad'."""
    return "deepgrad"


KERAS_BACKENDS = ("tensorflow", "jax", "torch", "numpy", "openvino")


def set_backend(backend):
    """Keras's backend switch: nn.keras always runs on deepgrad, whose numbers follow Keras's torch backend, so
    'deepgrad' changes nothing and one of Keras's backend names warns that it is not switched to; another name
    is a ValueError."""
    name = backend
    import warnings
    if name == "deepgrad":
        return
    if name not in KERAS_BACKENDS:
        raise ValueError(f"keras.config.set_backend: unknown backend {name!r}; Keras's are {KERAS_BACKENDS} and "
                         "nn.keras runs on 'deepgrad'")
    warnings.warn(f"keras.config.set_backend({name!r}): nn.keras runs on deepgrad whatever the backend asked for "
                  "(its numbers follow Keras's torch backend); import real Keras to run on another backend",
                  UserWarning, stacklevel=2)


def floatx():
    """The default float dtype's name ('float32' unless set_floatx changed it)."""
    return _state["floatx"]


def set_floatx(value):
    """Set the default float dtype: 'bfloat16', 'float16', 'float32' or 'float64'. keras.Input, initializers,
    creation ops, fit's float data and the default dtype policy (made by the first layer after start-up or
    clear_session, as in Keras) follow it, and with that policy the layers' weights and computations."""
    accepted = {"bfloat16", "float16", "float32", "float64"}
    if value not in accepted:
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of {accepted}")
    _state["floatx"] = str(value)


def epsilon():
    """The fuzz factor used in numeric expressions (1e-7 unless set_epsilon changed it)."""
    return _state["epsilon"]


def set_epsilon(value):
    """Set the fuzz factor epsilon() returns (the losses, metrics, norm ops and constraints read it each call)."""
    _state["epsilon"] = value


def image_data_format():
    """The default image layout, 'channels_last' or 'channels_first'."""
    return _state["image_data_format"]


def set_image_data_format(data_format):
    """Set the default image layout ('channels_last' or 'channels_first') layers take when data_format=None."""
    data_format = str(data_format).lower()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError("The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
                         f"Received: data_format={data_format}")
    _state["image_data_format"] = data_format


def standardize_data_format(data_format):
    """`data_format`, or image_data_format() when None; ValueError for anything but the two layouts."""
    if data_format is None:
        return image_data_format()
    data_format = str(data_format).lower()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError("The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
                         f"Received: data_format={data_format}")
    return data_format


def enable_unsafe_deserialization():
    """Allow loading configs that hold code (Keras's lambdas); deepgrad still never runs stored bytecode."""
    _state["unsafe_deserialization"] = True


def enable_interactive_logging():
    """Turn interactive logging (progress bars and messages on stdout) on."""
    _state["interactive_logging"] = True


def disable_interactive_logging():
    """Turn interactive logging off (Keras sends its messages to the `logging` module instead)."""
    _state["interactive_logging"] = False


def is_interactive_logging_enabled():
    """Whether interactive logging is on (the default)."""
    return _state["interactive_logging"]


def set_max_epochs(max_epochs):
    """Cap the epochs of every fit call (None: no cap)."""
    _state["max_epochs"] = max_epochs


def max_epochs():
    """The cap set by set_max_epochs (None by default)."""
    return _state["max_epochs"]


def set_max_steps_per_epoch(max_steps_per_epoch):
    """Cap the steps of every epoch of fit/evaluate/predict (None: no cap)."""
    _state["max_steps_per_epoch"] = max_steps_per_epoch


def max_steps_per_epoch():
    """The cap set by set_max_steps_per_epoch (None by default)."""
    return _state["max_steps_per_epoch"]


def enable_flash_attention():
    """Let attention layers use flash attention where available (Keras's default, None: automatic)."""
    _state["flash_attention"] = None


def disable_flash_attention():
    """Keep attention layers off flash attention."""
    _state["flash_attention"] = False


def is_flash_attention_enabled():
    """None (automatic, the default) or False after disable_flash_attention()."""
    return _state["flash_attention"]


def enable_traceback_filtering():
    """Turn traceback filtering on (recorded only: deepgrad does not rewrite tracebacks)."""
    _state["traceback_filtering"] = True


def disable_traceback_filtering():
    """Turn traceback filtering off."""
    _state["traceback_filtering"] = False


def is_traceback_filtering_enabled():
    """Whether traceback filtering is on (the default)."""
    return _state["traceback_filtering"]


def is_nnx_enabled():
    """False: Flax NNX is a JAX-backend feature."""
    return False


class _LoggingStream:
    """A text stream that hands each complete line to the 'keras' logger (where Keras sends its messages
    when interactive logging is off)."""

    def __init__(self):
        self._pending = ""

    def write(self, text):
        lines = (self._pending + text.replace("\r", "\n")).split("\n")
        self._pending = lines.pop()
        for line in lines:
            if line.strip():
                logging.getLogger("keras").info(line)
        return len(text)

    def flush(self):
        if self._pending.strip():
            logging.getLogger("keras").info(self._pending)
        self._pending = ""


_LOG_STREAM = _LoggingStream()


def message_stream():
    """Where Keras-style progress messages go: stdout, or the 'keras' logger after disable_interactive_logging()."""
    return sys.stdout if _state["interactive_logging"] else _LOG_STREAM


def capped_epochs(epochs):
    """`epochs`, lowered to max_epochs() (with Keras's warning) when that is set and smaller."""
    cap = _state["max_epochs"]
    if cap and cap < epochs:
        warnings.warn("Limiting epochs to %d" % cap)
        return cap
    return epochs


class StepsTypeError(ValueError, TypeError):
    """A number of steps that is no whole number (1.5, 'a'): the ValueError nn.keras raised first, and Keras's
    TypeError."""


def capped_steps(steps):
    """The steps per epoch, lowered to max_steps_per_epoch() (with Keras's warning) when that is set and smaller
    (or no steps were given). 0 means all the data, as None: Keras tests `steps or <the whole pass>`."""
    if steps is not None:
        whole = isinstance(steps, numbers.Real) and not isinstance(steps, bool) and float(steps).is_integer()
        if not whole or steps < 0:   # Keras's range(steps) refuses a fraction with a TypeError
            raise (ValueError if whole else StepsTypeError)(
                f"steps (steps_per_epoch, validation_steps or steps=) must be a positive whole number or None, got "
                f"{steps!r}; leave it None to go through all the data")
    cap = _state["max_steps_per_epoch"]
    if cap and (not steps or cap < steps):
        warnings.warn("Limiting steps_per_epoch to %d" % cap)
        return cap
    return steps or None
