"""The sampler loops of backends/torch_sampler_steps.py (PyTorch's per-element gamma, binomial and Poisson
rejection loops) compiled by Numba. backends/torch_samplers.py runs them for every host device, `cpu` included;
importing this module makes the steps callable from compiled code."""
import math

from numba.extending import overload, register_jitable

from .. import torch_sampler_steps as steps
from . import jit

for _step in (steps.rounded, steps.uniform, steps.normal, steps.gamma, steps._stirling_tail, steps._inversion,
              steps._btrs, steps.binomial, steps._as_count, steps.poisson):
    register_jitable(error_model="numpy")(_step)


@overload(steps.log_factorial, jit_options={"error_model": "numpy"})
def _log_factorial(k):
    # Numba's lgamma calls the C library's, which PyTorch calls (Python's math.lgamma is its own)
    return lambda k: math.lgamma(k + 1.0)


gamma_loop = jit.kernel(steps.gamma_loop)
binomial_loop = jit.kernel(steps.binomial_loop)
poisson_loop = jit.kernel(steps.poisson_loop)
