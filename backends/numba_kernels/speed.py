"""Times every Numba kernel against the NumPy kernel it would replace, at realistic sizes.

    python -m backends.numba_kernels.speed [--repeats 50] [--dtype float32]

Prints kernel, NumPy ms, Numba ms, speedup and whether the numba device uses it (the rule: at
least 1.5x faster, else the NumPy kernel stays). Medians after warm-up; compile time excluded.
"""
import argparse
import time

import numpy as np

#: the speedup a Numba kernel must reach to replace the NumPy one
REQUIRED_SPEEDUP = 1.5


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


def workloads(dtype, seed=0):
    """(row name, method name, activation or None, args) at LeNet-5 / MLP / LSTM / optimiser sizes."""
    rng = np.random.default_rng(seed)

    def randn(*shape):
        return rng.standard_normal(shape).astype(dtype)

    rows = []
    one, none = (1, 1), (0, 0)
    for tag, x, w, pad in (("lenet conv1", randn(64, 1, 28, 28), randn(6, 1, 5, 5), (2, 2)),
                           ("lenet conv2", randn(64, 6, 14, 14), randn(16, 6, 5, 5), none)):
        gy = randn(x.shape[0], w.shape[0], x.shape[2] + 2 * pad[0] - 4, x.shape[3] + 2 * pad[1] - 4)
        rows += [(f"conv2d {tag}", "conv2d", None, (x, w, one, pad, one, 1)),
                 (f"conv2d_grad_input {tag}", "conv2d_grad_input", None, (gy, w, x.shape, one, pad, one, 1)),
                 (f"conv2d_grad_weight {tag}", "conv2d_grad_weight", None, (gy, x, w.shape, one, pad, one, 1))]
    for tag, shape in (("lenet pool1", (64, 6, 28, 28)), ("lenet pool2", (64, 16, 10, 10))):
        x = randn(*shape)
        gy = randn(shape[0], shape[1], shape[2] // 2, shape[3] // 2)
        argmax = (np.arange(gy.size) % 4).reshape(gy.shape)   # any valid positions time the same
        rows += [(f"max_pool2d {tag}", "max_pool2d", None, (x, (2, 2), (2, 2), none, one, False)),
                 (f"max_pool2d_grad {tag}", "max_pool2d_grad", None, (gy, argmax, shape)),
                 (f"avg_pool2d {tag}", "avg_pool2d", None, (x, (2, 2), (2, 2), none, False, True)),
                 (f"avg_pool2d_grad {tag}", "avg_pool2d_grad", None, (gy, shape, (2, 2), (2, 2), none, False, True))]
    table = randn(10000, 128)
    index = rng.integers(0, 10000, 32 * 35)
    src = randn(32 * 35, 128)
    rows += [("index_add embedding 10000x128 <- 1120", "index_add", None, (table, index, src)),
             ("scatter_add embedding 10000x128 <- 1120", "scatter_add", None, (table, index, src))]
    x, gy = randn(128, 256), randn(128, 256)
    for name in ("relu", "sigmoid", "tanh", "gelu", "gelu_tanh", "silu"):
        y = np.asarray(x)   # timing only: backward cost does not depend on y's values
        rows += [(f"act_forward {name} 128x256", "act_forward", name, (name, x)),
                 (f"act_backward {name} 128x256", "act_backward", name, (name, x, y, gy))]
    for tag, shape in (("128x10", (128, 10)), ("128x256", (128, 256))):
        x, gy = randn(*shape), randn(*shape)
        probs = np.exp(x) / np.exp(x).sum(1, keepdims=True)
        rows += [(f"softmax {tag}", "softmax", None, (x, -1)),
                 (f"softmax_grad {tag}", "softmax_grad", None, (probs, gy, -1)),
                 (f"log_softmax {tag}", "log_softmax", None, (x, -1)),
                 (f"log_softmax_grad {tag}", "log_softmax_grad", None, (np.log(probs), gy, -1))]
    logits = randn(128, 10)
    target = rng.integers(0, 10, 128)
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    rows += [("cross_entropy 128x10", "cross_entropy", None, (logits, target, -100, 0.0)),
             ("cross_entropy_grad 128x10", "cross_entropy_grad", None, (logp, target, randn(128), -100, 0.0))]
    batch, hidden = 32, 128
    rows += [("lstm_cell B=32 H=128", "lstm_cell", None, (randn(batch, 4 * hidden), randn(batch, hidden))),
             ("gru_cell B=32 H=128", "gru_cell", None,
              (randn(batch, 3 * hidden), randn(batch, 3 * hidden), randn(batch, hidden)))]
    param, grad = randn(784, 256), randn(784, 256)
    buf, m, v, vmax = randn(784, 256), np.zeros_like(param), np.zeros_like(param), np.zeros_like(param)
    rows += [("sgd_step momentum 784x256", "sgd_step", None, (param, grad, buf, 0.01, 0.9, 0.0, False, 0.0, False)),
             ("adam_step 784x256", "adam_step", None,
              (param, grad, m, v, vmax, 10, 1e-3, 0.9, 0.999, 1e-8, 0.0, False, False))]
    return rows


def _grad_rows(backend, dtype, seed=0):
    """Backward rows of the RNN cells, whose caches each backend must make itself."""
    rng = np.random.default_rng(seed)

    def randn(*shape):
        return rng.standard_normal(shape).astype(dtype)

    batch, hidden = 32, 128
    c_prev, h_prev = randn(batch, hidden), randn(batch, hidden)
    _, _, lstm_cache = backend.lstm_cell(randn(batch, 4 * hidden), c_prev)
    _, gru_cache = backend.gru_cell(randn(batch, 3 * hidden), randn(batch, 3 * hidden), h_prev)
    return [("lstm_cell_grad B=32 H=128", "lstm_cell_grad", None,
             (lstm_cache, c_prev, randn(batch, hidden), randn(batch, hidden))),
            ("gru_cell_grad B=32 H=128", "gru_cell_grad", None, (gru_cache, h_prev, randn(batch, hidden)))]


def _uses_numba(method, activation_name=None):
    """True when the numba device runs its own kernel for `method` (and this activation)."""
    from backends import numba_backend
    if method not in numba_backend.NumbaBackend.__dict__:
        return False
    if activation_name is None:
        return True
    chosen = numba_backend.FAST_FORWARD if method == "act_forward" else numba_backend.FAST_BACKWARD
    return activation_name in chosen


def _has_kernel(method):
    """True when backends.numba_kernels has a kernel for `method` (the others were never faster)."""
    from backends import numba_backend
    return method in numba_backend.NumbaBackend.__dict__


def measure(dtype=np.float32, repeats=50, only="", statistic=np.median):
    """Rows (name, numpy ms, numba ms, speedup, used) for every kernel the numba device may override."""
    from backends.numba_backend import NumbaBackend
    from backends.numpy_backend import NumpyBackend

    numba_backend, numpy_backend = NumbaBackend(), NumpyBackend()
    results = []
    rows = workloads(dtype)
    rows = rows[:-2] + [("rnn grads", None, None, None)] + rows[-2:]
    for name, method, act, args in rows:
        if only and only not in (name if method else "lstm_cell_grad gru_cell_grad"):
            continue
        if method is not None and not _has_kernel(method):
            continue
        if method is None:   # the RNN backward rows need caches from each backend's own forward
            pairs = zip(_grad_rows(numpy_backend, dtype), _grad_rows(numba_backend, dtype))
            for (name2, method2, _, args_np), (_, _, _, args_nb) in pairs:
                t_np = median_ms(lambda: getattr(numpy_backend, method2)(*args_np), repeats, statistic=statistic)
                t_nb = median_ms(lambda: getattr(numba_backend, method2)(*args_nb), repeats, statistic=statistic)
                results.append((name2, t_np, t_nb, t_np / t_nb, _uses_numba(method2)))
            continue
        copies = [[a.copy() if isinstance(a, np.ndarray) else a for a in args] for _ in range(2)]
        t_np = median_ms(lambda: getattr(numpy_backend, method)(*copies[0]), repeats, statistic=statistic)
        t_nb = median_ms(lambda: getattr(numba_backend, method)(*copies[1]), repeats, statistic=statistic)
        results.append((name, t_np, t_nb, t_np / t_nb, _uses_numba(method, act)))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--only", default="", help="time only rows whose name contains this text")
    parser.add_argument("--min", action="store_true",
                        help="report the fastest call instead of the median (steadier on a busy machine)")
    args = parser.parse_args(argv)
    print(f"{'kernel':44s} {'numpy ms':>9s} {'numba ms':>9s} {'speedup':>8s}  used")
    for name, t_np, t_nb, ratio, used in measure(np.dtype(args.dtype), args.repeats, args.only, np.min if args.min else np.median):
        print(f"{name:44s} {t_np:9.3f} {t_nb:9.3f} {ratio:7.2f}x  {'yes' if used else 'no'}")


if __name__ == "__main__":
    main()
