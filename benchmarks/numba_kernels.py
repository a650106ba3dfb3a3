"""Times every Numba kernel against the cpu device's way of doing the same, at realistic sizes.

    python -m benchmarks.numba_kernels [--repeats 50] [--dtype float32] [--only NAME] [--min]

Prints kernel, NumPy ms, Numba ms, speedup and whether the numba device uses it (the rule: at
least 1.5x faster, else the NumPy kernel stays). The NumPy side is the cpu device's kernel, or for
the fused optimiser updates nn.optim's formula. Medians after warm-up; compile time excluded.
"""
import argparse
import time
from functools import partial

import numpy as np

def median_ms(fn, repeats, warmup=3, min_seconds=0.25, statistic=np.median):
    """Median (or `statistic`) wall time of fn() in milliseconds after `warmup` untimed calls, over
    at least `repeats` calls and `min_seconds` of timing (fast kernels get more samples)."""
    for _ in range(warmup):
        fn()
    times = []
    began = time.perf_counter()
    while len(times) < repeats or time.perf_counter() - began < min_seconds:
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * float(statistic(times))


def workloads(backend, dtype, seed=0):
    """(row name, method name, activation name or None, args) at LeNet-5 / MLP / LSTM / optimiser
    sizes; `backend` makes the RNN caches, whose layout is each backend's own."""
    rng = np.random.default_rng(seed)

    def randn(*shape):
        return rng.standard_normal(shape).astype(dtype)

    rows = []
    for tag, shape in (("lenet pool1", (64, 6, 28, 28)), ("lenet pool2", (64, 16, 10, 10))):
        x = randn(*shape)
        _, argmax = backend.max_pool2d(x, (2, 2), (2, 2), (0, 0), (1, 1), False)
        rows.append((f"max_pool2d_grad {tag}", "max_pool2d_grad", None, (randn(*argmax.shape), argmax, shape)))
    table, index, src = randn(10000, 128), rng.integers(0, 10000, 32 * 35), randn(32 * 35, 128)
    rows += [(f"{method} embedding 10000x128 <- 1120", method, None, (table, index, src))
             for method in ("index_add", "scatter_add")]
    x, gy = randn(128, 256), randn(128, 256)
    for name in ("relu", "sigmoid", "tanh", "gelu", "gelu_tanh", "silu"):
        y = backend.act_forward(name, x)
        rows += [(f"act_forward {name} 128x256", "act_forward", name, (name, x)),
                 (f"act_backward {name} 128x256", "act_backward", name, (name, x, y, gy))]
    for tag, shape in (("128x10", (128, 10)), ("128x256", (128, 256))):
        x, gy = randn(*shape), randn(*shape)
        rows += [(f"softmax {tag}", "softmax", None, (x, -1)),
                 (f"softmax_grad {tag}", "softmax_grad", None, (backend.softmax(x, -1), gy, -1)),
                 (f"log_softmax {tag}", "log_softmax", None, (x, -1)),
                 (f"log_softmax_grad {tag}", "log_softmax_grad", None, (backend.log_softmax(x, -1), gy, -1))]
    logits, target = randn(128, 10), rng.integers(0, 10, 128)
    rows += [("cross_entropy 128x10", "cross_entropy", None, (logits, target, -100, 0.0)),
             ("cross_entropy_grad 128x10", "cross_entropy_grad", None,
              (backend.log_softmax(logits, -1), target, randn(128), -100, 0.0))]
    batch, hidden = 32, 128
    gates, c_prev = randn(batch, 4 * hidden), randn(batch, hidden)
    gi, gh, h_prev = randn(batch, 3 * hidden), randn(batch, 3 * hidden), randn(batch, hidden)
    lstm_cache, gru_cache = backend.lstm_cell(gates, c_prev)[2], backend.gru_cell(gi, gh, h_prev)[1]
    rows += [("lstm_cell B=32 H=128", "lstm_cell", None, (gates, c_prev)),
             ("lstm_cell_grad B=32 H=128", "lstm_cell_grad", None,
              (lstm_cache, c_prev, randn(batch, hidden), randn(batch, hidden))),
             ("gru_cell B=32 H=128", "gru_cell", None, (gi, gh, h_prev)),
             ("gru_cell_grad B=32 H=128", "gru_cell_grad", None, (gru_cache, h_prev, randn(batch, hidden)))]
    param, grad, buf = randn(784, 256), randn(784, 256), randn(784, 256)
    m, v, vmax = (np.zeros_like(param) for _ in range(3))
    rows += [("sgd_step momentum 784x256", "sgd_step", None,
              (param, grad, buf, 0.01, 0.9, 0.0, False, 0.0, False)),
             ("adam_step 784x256", "adam_step", None,
              (param, grad, m, v, vmax, 10, 1e-3, 0.9, 0.999, 1e-8, 0.0, False, False))]
    return rows + _conv_rows(randn) + _batch_norm_rows(randn)


def _conv_rows(randn):
    """Convolutions whose passes the numba device compiles: depthwise (b32 128ch 28x28), a 3x3 layer
    that takes Winograd (b32 64ch 28x28, compiled transforms) and a stride-2 input gradient (col2im)."""
    rows = []
    one, pad = (1, 1), (1, 1)
    x, w, gy = randn(32, 128, 28, 28), randn(128, 1, 3, 3), randn(32, 128, 28, 28)
    rows += [("conv2d depthwise b32 128ch 28x28", "conv2d", None, (x, w, one, pad, one, 128)),
             ("conv2d_grad_input depthwise b32 128ch 28x28", "conv2d_grad_input", None,
              (gy, w, x.shape, one, pad, one, 128)),
             ("conv2d_grad_weight depthwise b32 128ch 28x28", "conv2d_grad_weight", None,
              (gy, x, w.shape, one, pad, one, 128))]
    x, w, gy = randn(32, 64, 28, 28), randn(64, 64, 3, 3), randn(32, 64, 28, 28)
    rows += [("conv2d 3x3 b32 64ch 28x28", "conv2d", None, (x, w, one, pad, one, 1)),
             ("conv2d_grad_input 3x3 b32 64ch 28x28", "conv2d_grad_input", None, (gy, w, x.shape, one, pad, one, 1)),
             ("conv2d_grad_weight 3x3 b32 64ch 28x28", "conv2d_grad_weight", None,
              (gy, x, w.shape, one, pad, one, 1))]
    x, w, gy = randn(32, 64, 56, 56), randn(128, 64, 3, 3), randn(32, 128, 28, 28)
    rows.append(("conv2d_grad_input 3x3 s2 b32 64->128 56x56", "conv2d_grad_input", None,
                 (gy, w, x.shape, (2, 2), pad, one, 1)))
    return rows


def _batch_norm_rows(randn):
    """BatchNorm2d's passes on a ResNet-8 activation, b64 16ch 32x32 viewed (N, C, H * W)."""
    x, gy = randn(64, 16, 1024) + 1, randn(64, 16, 1024)
    mean, scale, shift = randn(16), randn(16), randn(16)
    invstd = np.abs(randn(16)) + 1
    tag = "b64 16ch 32x32"
    return [(f"batch_norm_stats {tag}", "batch_norm_stats", None, (x,)),
            (f"batch_norm_normalize {tag}", "batch_norm_normalize", None, (x, mean, scale, shift)),
            (f"batch_norm_backward {tag}", "batch_norm_backward", None, (gy, x, mean, scale, invstd, True, True))]


def _uses_numba(method, activation_name, dtype):
    """True when the numba device runs its own kernel for `method` (and this activation and dtype)."""
    from backends import numba_backend
    if method not in numba_backend.NumbaBackend.__dict__:
        return False
    if activation_name is None:
        return True
    return np.dtype(dtype) in numba_backend.FAST_ACTIVATIONS.get(activation_name, ())


def measure(dtype=np.float32, repeats=50, only="", statistic=np.median):
    """Rows (name, numpy ms, numba ms, speedup, used) for every kernel the numba package has."""
    from backends import numba_backend
    from backends.numba_kernels import activation
    from backends.numpy_backend import NumpyBackend
    from nn.optim.adam import adam_update
    from nn.optim.sgd import sgd_update

    numpy_backend = NumpyBackend()
    numba_device = numba_backend.NumbaBackend()
    # time the Numba kernels even where the device keeps NumPy's, to show why
    kernel_of = {"act_forward": activation.act_forward, "act_backward": activation.act_backward}
    # the cpu device has no optimiser kernels: nn.optim runs its formulas there
    reference_of = {"sgd_step": partial(sgd_update, np), "adam_step": partial(adam_update, np)}
    results = []
    pairs = zip(workloads(numpy_backend, dtype), workloads(numba_device, dtype))
    for (name, method, act, args_np), (_, _, _, args_nb) in pairs:
        if only not in name:
            continue
        copies = [[a.copy() if isinstance(a, np.ndarray) else a for a in args] for args in (args_np, args_nb)]
        ours = kernel_of.get(method, getattr(numba_device, method))
        reference = reference_of.get(method) or getattr(numpy_backend, method)
        t_np = median_ms(lambda: reference(*copies[0]), repeats, statistic=statistic)
        t_nb = median_ms(lambda: ours(*copies[1]), repeats, statistic=statistic)
        results.append((name, t_np, t_nb, t_np / t_nb, _uses_numba(method, act, dtype)))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--only", default="", help="time only rows whose name contains this text")
    parser.add_argument("--min", action="store_true",
                        help="report the fastest call instead of the median (steadier on a busy machine)")
    args = parser.parse_args(argv)
    statistic = np.min if args.min else np.median
    print(f"{'kernel':44s} {'numpy ms':>9s} {'numba ms':>9s} {'speedup':>8s}  used")
    for name, t_np, t_nb, ratio, used in measure(np.dtype(args.dtype), args.repeats, args.only, statistic):
        print(f"{name:44s} {t_np:9.3f} {t_nb:9.3f} {ratio:7.2f}x  {'yes' if used else 'no'}")


if __name__ == "__main__":
    main()
