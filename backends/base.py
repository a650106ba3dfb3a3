"""The Backend interface: what every device must provide.

A backend owns an array module (`xp`: numpy or cupy, which share one API), moves arrays to and
from the host, owns a random generator, and implements the named kernels where devices must
differ (and may add fused optimiser updates). Op bodies in `autograd` and `nn` use `xp` for
everything else.

Layouts: images are NCHW, convolution weights (C_out, C_in // groups, kH, kW). Spatial arguments
(`stride`, `padding`, `dilation`, `kernel`) are always pairs of ints `(h, w)`; `padding` is
symmetric. Kernels never see Tensors, only this backend's arrays.
"""
import contextlib
import threading
from abc import ABC, abstractmethod

import numpy as np

from .array_kernels import batch_norm, layer_norm

_NO_CONTEXT = contextlib.nullcontext()
class _ScopedDevices(threading.local):
    """The devices of the `with device:` blocks open in this thread, innermost last: per thread, as PyTorch's
    device context manager (a thread-local TorchFunctionMode) is."""

    def __init__(self):
        self.stack = []

    def append(self, device):
        """Open a block of `device`."""
        self.stack.append(device)

    def pop(self):
        """Close the innermost block; its device."""
        return self.stack.pop()

    def __bool__(self):
        return bool(self.stack)

    def __len__(self):
        return len(self.stack)

    def __getitem__(self, index):
        return self.stack[index]

    def __iter__(self):
        return iter(self.stack)


#: the devices of the `with device:` blocks now open in this thread, innermost last
scoped_devices = _ScopedDevices()


class DeviceIdentity:
    """How a device object reads and scopes, from its `type`, `index` and `name`: torch.device's repr and str, and
    `with device:` making it the default device of what is created inside (get_default_device reads the
    innermost; child processes do not inherit it). Shared by Backend and registry's UnopenedDevice."""

    __slots__ = ()

    def __repr__(self):   # as torch.device's: device(type='cuda', index=1)
        return f"device(type='{self.type}'" + ("" if self.index is None else f", index={self.index}") + ")"

    def __str__(self):
        return self.name

    def __enter__(self):
        scoped_devices.append(self)
        return self

    def __exit__(self, *exc):
        scoped_devices.pop()
        return False


class Backend(DeviceIdentity, ABC):
    """One device: an array module, transfers, random numbers and the named kernels."""

    #: device type: "cpu", "numba", "cuda"
    type = "abstract"
    #: True when arrays live in host memory as NumPy arrays (moves between such devices copy nothing)
    host_memory = True

    def __init__(self, index=None):
        self.index = index
        self.name = self.type if index is None else f"{self.type}:{index}"

    # ----- identity: a backend is also the user-visible device object (DeviceIdentity) ------------
    def __eq__(self, other):
        if isinstance(other, Backend):
            return self.name == other.name
        if isinstance(other, str):
            return self.name == other or (self.index == 0 and self.type == other)
        return NotImplemented

    def __hash__(self):
        return hash(self.name)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        # a device is a shared handle (ops compare devices by identity): a deep copy of a tensor or
        # module keeps its device, and the device's random generator is not duplicated
        return self

    # ----- arrays ------------------------------------------------------------------------------
    #: the array module (numpy or cupy) whose functions op bodies call; a plain attribute because
    #: every op reads it
    xp = None

    @abstractmethod
    def asarray(self, data, dtype=None):
        """`data` (array, list, scalar, host or any device) as an array of this device."""

    @abstractmethod
    def to_host(self, array):
        """`array` of this device as a NumPy array (no copy when it already is one)."""

    def is_array(self, obj):
        """True when `obj` is an array of this backend's array module."""
        return isinstance(obj, self.xp.ndarray)

    def synchronize(self):
        """Block until queued work on this device has finished (no-op on the CPU)."""

    def activate(self):
        """A context manager that makes this device current while an op runs (nothing to do on the CPU)."""
        return _NO_CONTEXT

    # ----- random numbers ----------------------------------------------------------------------
    @abstractmethod
    def seed(self, seed):
        """Reset this device's generator to `seed`."""

    @abstractmethod
    def rand(self, shape, dtype):
        """Uniform [0, 1) samples."""

    @abstractmethod
    def randn(self, shape, dtype):
        """Standard normal samples."""

    @abstractmethod
    def randint(self, low, high, shape, dtype):
        """Integers uniform in [low, high)."""

    @abstractmethod
    def permutation(self, n):
        """A random permutation of range(n) as an int64 array."""

    def uniform(self, shape, dtype, low, high):
        """Samples uniform in [low, high) of float `dtype` (PyTorch's uniform_)."""
        return (low + (high - low) * self.rand(shape, np.float64)).astype(dtype, copy=False)

    def normal(self, shape, dtype, mean, std):
        """Samples from N(mean, std**2) of float `dtype` (PyTorch's normal_)."""
        return (mean + std * self.randn(shape, np.float64)).astype(dtype, copy=False)

    def bernoulli(self, p, shape):
        """Booleans of `shape`, each true with probability p (a number, or an array broadcast to shape)."""
        return self.rand(shape, np.float64) < p

    # ----- elementwise -------------------------------------------------------------------------
    def select(self, cond, a, b):
        """Elements of a where cond is true, else of b: xp.where(cond, a, b), same broadcasting and dtype."""
        return self.xp.where(cond, a, b)

    def leaky_relu(self, x, slope):
        """x where x > 0, else slope * x (PyTorch's leaky_relu, its bits on NaN, inf and signed zeros)."""
        if 0 < slope <= 1:      # then the larger of x and slope * x is that branch, one pass instead of a select
            # in place (0.9 against 1.3 ms on 1M float32 elements); `out` keeps a 0-d result an array
            y = self.xp.multiply(x, slope, out=self.xp.empty_like(x))
            return self.xp.maximum(x, y, out=y)
        return self.select(x > 0, x, x * slope)

    def leaky_relu_backward(self, ref, gy, slope):
        """gy where ref > 0, else slope * gy: leaky_relu's gradient, ref its input (or, for a positive
        slope, its output: the same sign test)."""
        return self.select(ref > 0, gy, gy * slope)

    def elu(self, x, alpha):
        """x where x > 0, else alpha * (exp(x) - 1) (PyTorch's elu; zeros keep their sign, as its
        expm1 keeps them)."""
        # expm1 of min(x, 0): no overflow warning from the positive side it discards
        return self.select(x >= 0, x, alpha * self.xp.expm1(self.xp.minimum(x, 0)))

    def elu_backward(self, x, gy, alpha):
        """gy where x > 0, else gy * alpha * exp(x): elu's gradient from its input (PyTorch's; from the
        output, y + alpha, it is 0 once alpha * (exp(x) - 1) rounds to -alpha)."""
        return gy * self.select(x > 0, 1.0, alpha * self.xp.exp(self.xp.minimum(x, 0)))

    # ----- convolution -------------------------------------------------------------------------
    @abstractmethod
    def conv2d(self, x, w, stride, padding, dilation, groups):
        """Cross-correlation of x (N, C_in, H, W) with w (C_out, C_in/groups, kH, kW) -> (N, C_out, Ho, Wo)."""

    @abstractmethod
    def conv2d_grad_input(self, gy, w, x_shape, stride, padding, dilation, groups):
        """Gradient of conv2d with respect to its input, shape `x_shape` (also the transposed convolution)."""

    @abstractmethod
    def conv2d_grad_weight(self, gy, x, w_shape, stride, padding, dilation, groups):
        """Gradient of conv2d with respect to its weight, shape `w_shape`."""

    # ----- pooling -----------------------------------------------------------------------------
    @abstractmethod
    def max_pool2d(self, x, kernel, stride, padding, dilation, ceil_mode):
        """Max pooling of x (N, C, H, W) -> (y, argmax); argmax holds int64 flat indices into H*W."""

    @abstractmethod
    def max_pool2d_grad(self, gy, argmax, x_shape):
        """Gradient of max pooling: gy scattered to the argmax positions, shape `x_shape`."""

    @abstractmethod
    def avg_pool2d(self, x, kernel, stride, padding, ceil_mode, count_include_pad):
        """Average pooling of x (N, C, H, W)."""

    @abstractmethod
    def avg_pool2d_grad(self, gy, x_shape, kernel, stride, padding, ceil_mode, count_include_pad):
        """Gradient of average pooling, shape `x_shape`."""

    # ----- scatter -----------------------------------------------------------------------------
    @abstractmethod
    def scatter_add(self, out, index, src):
        """out[index] += src in place, accumulating repeated indices (index: a NumPy-style index)."""

    @abstractmethod
    def index_add(self, out, index, src):
        """out[index[i]] += src[i] in place along axis 0, accumulating repeats (embedding gradients)."""

    # ----- sparse matrices ---------------------------------------------------------------------
    @abstractmethod
    def spmm(self, rows, cols, values, dense, m):
        """The (m, N) product of a sparse matrix, given as its entries, with the dense (K, N) matrix."""

    @abstractmethod
    def sddmm(self, rows, cols, a, b):
        """The (nnz,) dot products a[rows[e]] . b[cols[e]] (the sparse product's gradient for the values)."""

    # ----- fused activations -------------------------------------------------------------------
    @abstractmethod
    def act_forward(self, name, x):
        """y = act(x) for name in ACTIVATIONS."""

    @abstractmethod
    def act_backward(self, name, x, y, gy):
        """Gradient of act at x (y = act(x) is given too) times gy."""

    # ----- softmax family ----------------------------------------------------------------------
    @abstractmethod
    def softmax(self, x, axis):
        """Numerically stable softmax along axis."""

    @abstractmethod
    def softmax_grad(self, y, gy, axis):
        """Gradient of softmax given its output y."""

    @abstractmethod
    def log_softmax(self, x, axis):
        """Numerically stable log-softmax along axis."""

    @abstractmethod
    def log_softmax_grad(self, y, gy, axis):
        """Gradient of log-softmax given its output y (log-probabilities)."""

    @abstractmethod
    def cross_entropy(self, logits, target, ignore_index, label_smoothing):
        """Per-sample loss (N,) of logits (N, C) against int64 class indices; -> (loss, logp)."""

    @abstractmethod
    def cross_entropy_grad(self, logp, target, gloss, ignore_index, label_smoothing):
        """Gradient of the per-sample loss with respect to the logits, given gloss (N,)."""

    # ----- recurrent cells ---------------------------------------------------------------------
    @abstractmethod
    def lstm_cell(self, gates, c_prev):
        """One LSTM step from pre-activations (B, 4H) in gate order i, f, g, o -> (h, c, cache)."""

    @abstractmethod
    def lstm_cell_grad(self, cache, c_prev, gh, gc):
        """Backward of lstm_cell -> (g_gates (B, 4H), g_c_prev)."""

    @abstractmethod
    def gru_cell(self, gi, gh, h_prev):
        """One GRU step from input/hidden projections (B, 3H) in gate order r, z, n -> (h, cache)."""

    @abstractmethod
    def gru_cell_grad(self, cache, h_prev, gout):
        """Backward of gru_cell -> (g_gi, g_gh, g_h_prev)."""

    # ----- batch normalisation (over xp; a device may replace them with fused kernels) -----------
    # x and gy are viewed (N, C, L); per-channel vectors are (C,).
    def layer_norm(self, x, weight, bias, eps):
        """(y, mean, invstd) of x (M, D) normalised per row: see array_kernels.layer_norm.forward."""
        return layer_norm.forward(self.xp, x, weight, bias, eps)

    def layer_norm_backward(self, gy, x, mean, invstd, weight, need_input, need_weight, need_bias):
        """(gx, g_weight, g_bias), each None unless needed: see array_kernels.layer_norm.backward."""
        return layer_norm.backward(self.xp, gy, x, mean, invstd, weight, need_input, need_weight, need_bias)

    def batch_norm_stats(self, x):
        """Per-channel mean and biased variance of x (N, C, L), both float64 (C,)."""
        return batch_norm.stats(self.xp, x)

    def batch_norm_normalize(self, x, mean, scale, shift):
        """(x - mean) * scale + shift per channel (vectors in x's dtype; shift None for none)."""
        return batch_norm.normalize(self.xp, x, mean, scale, shift)

    def batch_norm_backward(self, gy, x, mean, scale, invstd, training, need_input):
        """(gx or None, sum gy, sum gy * (x - mean)): see array_kernels.batch_norm.backward."""
        return batch_norm.backward(self.xp, gy, x, mean, scale, invstd, training, need_input)

    # ----- optional fused optimiser updates --------------------------------------------------
    # nn.optim computes every update itself, over xp. A backend may offer a fused kernel of the same
    # formula (one pass, no temporaries) under one of these names; it updates in place and returns
    # True, or returns False, touching nothing, for arrays it does not take (nn.optim then runs its
    # formula). None: no such kernel.

    #: sgd_step(param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, first) -> bool:
    #: one torch.optim.SGD step (buf is used and updated when momentum != 0; first: buf starts empty)
    sgd_step = None
    #: adam_step(param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weight_decay, decoupled, amsgrad)
    #: -> bool: one Adam (decoupled=False) or AdamW step, `step` the 1-based count after it
    adam_step = None

    # ----- optional whole-sequence recurrences -------------------------------------------------
    # autograd's Recurrence (one recurrent layer direction) loops over time calling the cell kernels
    # above. A backend may instead run the whole time loop in one kernel; None: no such kernel.

    #: recurrence_forward(mode, gx, h0, c0, w_hh, b_hh, reverse) -> (ys, cs, cache) or None (arrays it
    #: does not take): mode 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu'; gx (T, B, W*H) the input part of
    #: every step's pre-activations (x @ w_ih.T + b_ih, plus b_hh except for GRU, whose b_hh is given;
    #: the kernel may overwrite it);
    #: h0, c0 (B, H) or None for zeros; ys (T, B, H) the outputs in time order, cs the LSTM cell states
    #: (else None), cache whatever recurrence_backward needs
    recurrence_forward = None
    #: recurrence_forward_inputs(mode, x2, w2, h0, c0, w_hh, reverse) -> (ys, cs, cache, rows) or None
    #: (not taken): recurrence_forward whose kernel computes the input part gx = x2 @ w2 itself, step by
    #: step (x2 (T, B, I'), w2 (I', W*H), biases carried by a column of ones in x2 and a row of w2); its
    #: cache is recurrence_forward's, read by recurrence_backward; rows (T B, H + I') each step's
    #: [state it started from, x2 row] (or None), from which backward takes every weight gradient at once
    recurrence_forward_inputs = None
    #: recurrence_backward(mode, gy, gh_n, gc_n, ys, cs, h0, c0, cache, w_hh, reverse) -> (g_x, g_hid,
    #: g_h0, g_c0): the backward of a recurrence_forward that did not return None; g_x (T, B, W*H) the
    #: gradient of gx, g_hid that of every step's h_prev @ w_hh.T + b_hh (g_x itself unless GRU),
    #: g_c0 None unless LSTM; gy, gh_n, gc_n, h0, c0 may be None (zeros)
    recurrence_backward = None

    # ----- optional CTC recursions ---------------------------------------------------------------
    # autograd's CtcLoss steps every batch row through time together over xp; a backend may run each
    # recursion as one kernel instead. None: no such kernel.

    #: ctc_alpha(lp_ext, skip, input_lengths, target_lengths) -> log alpha (N, T, W) or None (arrays it
    #: does not take): lp_ext (N, T, W) the log-probability of each extended-target position (blank,
    #: label 1, blank, ...) at each frame, skip (N, W) 0 where position s may follow s - 2 and -inf where
    #: not, the lengths host int64 (N,); entries past a row's frames or its 2 * target_length + 1
    #: positions may hold -inf or any finite value
    ctc_alpha = None
    #: ctc_beta(lp_ext, skip, input_lengths, target_lengths) -> log beta (N, T, W) or None: the same
    #: for the suffixes, each row starting from its last frame; -inf past its frames and positions
    ctc_beta = None

    # ----- optional fused elementwise chains (ag.jit's replay) ----------------------------------
    #: fused_elementwise(dtype, inputs, outputs, steps, scalars=()) -> a compiled kernel
    #: fused(*inputs, *outputs) over 1-D arrays (0-d for the inputs named in scalars), or None for a
    #: program it does not take (see backends/numba_kernels/fused.py for the program format).
    #: None: the device runs each step as its own array call.
    fused_elementwise = None
    #: the step ops fused_elementwise accepts
    fused_ops = frozenset()


#: activation names every backend's act_forward/act_backward accept
ACTIVATIONS = ("relu", "sigmoid", "tanh", "gelu", "gelu_tanh", "silu")


def unknown_activation(name):
    """The ValueError for an activation name not in ACTIVATIONS."""
    return ValueError(f"unknown activation {name!r}; accepted names: {', '.join(ACTIVATIONS)}")
