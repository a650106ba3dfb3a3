"""keras.config: Keras 3's session-wide settings (floatx, epsilon, image_data_format, the dtype policy, interactive
logging, unsafe deserialization, max epochs/steps, flash attention and traceback filtering flags; set_backend,
which leaves nn.keras on deepgrad).

keras.backend's getters read the same values. floatx(), epsilon() and image_data_format() are read where Keras
reads them (new layers' dtype policy, inputs and initializers; losses and metrics; data_format=None).
"""
from .dtype_policy import dtype_policy, set_dtype_policy
from .settings import (backend, disable_flash_attention, disable_interactive_logging, disable_traceback_filtering,
                       enable_flash_attention, enable_interactive_logging, enable_traceback_filtering,
                       enable_unsafe_deserialization, epsilon, floatx, image_data_format, is_flash_attention_enabled,
                       is_interactive_logging_enabled, is_nnx_enabled, is_traceback_filtering_enabled, max_epochs,
                       max_steps_per_epoch, set_backend, set_epsilon, set_floatx, set_image_data_format, set_max_epochs,
                       set_max_steps_per_epoch)

__all__ = ["backend", "floatx", "set_floatx", "epsilon", "set_epsilon", "image_data_format", "set_image_data_format",
           "dtype_policy", "set_dtype_policy", "enable_unsafe_deserialization", "enable_interactive_logging",
           "disable_interactive_logging", "is_interactive_logging_enabled", "set_max_epochs", "max_epochs",
           "set_max_steps_per_epoch", "max_steps_per_epoch", "enable_flash_attention", "disable_flash_attention",
           "is_flash_attention_enabled", "enable_traceback_filtering", "disable_traceback_filtering",
           "is_traceback_filtering_enabled", "is_nnx_enabled", "set_backend"]
