"""keras.mixed_precision: the dtype policy names Keras exports here (Policy and global_policy /
set_global_policy are Keras's older spellings of DTypePolicy and dtype_policy / set_dtype_policy), and the
LossScaleOptimizer."""
from .dtype_policy import DTypePolicy, dtype_policy, set_dtype_policy
from .loss_scale_optimizer import LossScaleOptimizer

Policy = DTypePolicy
global_policy = dtype_policy
set_global_policy = set_dtype_policy

__all__ = ["DTypePolicy", "LossScaleOptimizer", "Policy", "dtype_policy", "global_policy", "set_dtype_policy",
           "set_global_policy"]
