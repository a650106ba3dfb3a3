"""PyTorch's top-level in-place functions (torch.exp_(x), torch.clamp_(x, 0, 1), torch.fill_(x, v),
torch.index_put_(x, indices, values), torch.zero_(x), ...): each is the Tensor method of the same name called
on its first argument, so it changes that tensor and returns it. Also torch.fill, the out-of-place fill."""
import numbers

from .function import named
from .methods_inplace import inplace
from .ops.elementwise import where
from .tensor import Tensor
from .torch_misc_api import conj_physical

#: the in-place Tensor methods that PyTorch also spells as torch.<name>(input, ...)
METHOD_NAMES = (
    "abs_ acos_ acosh_ addmv_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_ atan_ atanh_ ceil_ "
    "clamp_ clamp_max_ clamp_min_ clip_ cos_ cosh_ deg2rad_ detach_ erf_ erfc_ exp2_ exp_ expm1_ fill_ fix_ floor_ "
    "frac_ gcd_ i0_ index_put_ lcm_ ldexp_ log10_ log1p_ log2_ log_ logit_ nan_to_num_ neg_ negative_ rad2deg_ "
    "reciprocal_ resize_as_ round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ tanh_ trunc_ xlogy_ zero_ "
    "conj_physical_").split()

Tensor.conj_physical_ = inplace(conj_physical, "conj_physical_")


def _function_form(name):
    method = getattr(Tensor, name)

    def function(input, *args, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        return method(input, *args, **kwargs)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"torch.{name}(input, ...): input.{name}(...), which changes `input` and returns it."
    return function


FUNCTIONS = {name: _function_form(name) for name in METHOD_NAMES}


def fill(input, value):
    """A new tensor of input's shape and dtype with every element `value` (a number or a 0-d tensor, whose
    gradient is the sum of the result's); input gets a zero gradient, as PyTorch's."""
    if not isinstance(input, Tensor):
        raise TypeError(f"fill(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"fill: only a 0-d value tensor can fill, got one of shape {tuple(value.shape)}; pass "
                               f"value.item() or a 0-d tensor")
    elif not isinstance(value, (numbers.Number, bool)):
        raise TypeError(f"fill(): argument 'value' must be a number or a 0-d Tensor, not {type(value).__name__}")
    everywhere = Tensor._make(input.device.xp.ones(input.shape, dtype=bool), input.device, None, 0, False)
    out = where(everywhere, value, input)
    out = out if out.dtype == input.dtype else out.to(input.dtype)
    return named(out, "FillBackward1" if isinstance(value, Tensor) else "FillBackward0")
