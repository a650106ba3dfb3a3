"""Where a convolution step's time goes, layer by layer: `python -m benchmarks.conv_parts --device cuda`.

For each convolution of the `large_conv` network (batch 256; --batch to change) it times deepgrad's three
kernels (forward, input gradient, weight gradient) beside PyTorch's on the same device, and on `cuda` the
pieces inside deepgrad's kernels (the im2col gather, each cuBLAS product, the layout copies, col2im)
and a weight-gradient product split along its long reduction (split-K by hand), checked against the
plain product. Times are medians of host-clocked repeats with the device synchronised at both ends.
"""
import argparse
import statistics
import time

import numpy as np

import backends

#: (C_in, C_out, side) of large_conv's three 3x3, padding 1 layers
LAYERS = ((3, 64, 32), (64, 128, 16), (128, 256, 8))


def median_ms(fn, sync, repeats=15, number=5):
    """Median milliseconds per call of `fn` over `repeats` samples of `number` calls each (after one warm-up)."""
    fn()
    sync()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        sync()
        samples.append((time.perf_counter() - start) / number * 1e3)
    return statistics.median(samples)


def _torch_side(device, x, w, gy):
    """PyTorch's forward, input- and weight-gradient calls for the same tensors, or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    dev = "cuda" if device.startswith("cuda") else "cpu"
    if dev == "cuda":
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.benchmark = True
    tx, tw, tgy = (torch.from_numpy(np.asarray(a)).to(dev) for a in (x, w, gy))
    conv_bwd = torch.ops.aten.convolution_backward
    sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)
    calls = {
        "forward": lambda: torch.nn.functional.conv2d(tx, tw, padding=1),
        "grad_input": lambda: conv_bwd(tgy, tx, tw, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1,
                                       [True, False, False]),
        "grad_weight": lambda: conv_bwd(tgy, tx, tw, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1,
                                        [False, True, False]),
    }
    return calls, sync


def _cuda_parts(be, x, w, gy):
    """deepgrad's cuda kernels taken apart: {piece: (call, result or None)}."""
    import cupy
    from backends.cupy_kernels import conv as cuda_conv
    n, c, h, wd = x.shape
    co = w.shape[0]
    col = cuda_conv._im2col(x, (3, 3), h, wd, (1, 1), (1, 1), (1, 1))
    w2 = w.reshape(co, -1)
    gy_rows = cuda_conv._gy_rows(gy, 1)[0]
    y_rows = w2 @ col

    def split_k(parts=16):
        length = col.shape[1] // parts
        a = gy_rows.reshape(co, parts, length).transpose(1, 0, 2)
        b = col.reshape(col.shape[0], parts, length).transpose(1, 2, 0)
        return cupy.matmul(a, b).sum(axis=0)

    return {
        "im2col": lambda: cuda_conv._im2col(x, (3, 3), h, wd, (1, 1), (1, 1), (1, 1)),
        "fwd_gemm": lambda: w2 @ col,
        "fwd_to_nchw": lambda: cuda_conv._swap_leading(y_rows, co, n, h * wd),
        "cupy_transpose": lambda: cupy.ascontiguousarray(y_rows.reshape(co, n, h, wd).transpose(1, 0, 2, 3)),
        "gy_rows": lambda: cuda_conv._gy_rows(gy, 1),
        "gin_gemm": lambda: w2.T @ gy_rows,
        "col2im": lambda: cuda_conv._COL2IM[cuda_conv._index_type(col, x)](
            col, *cuda_conv._geometry_args(x.shape, (3, 3), h, wd, (1, 1), (1, 1), (1, 1)), cupy.empty_like(x)),
        "gw_gemm": lambda: gy_rows @ col.T,
        "gw_split_k16": split_k,
    }, float(cupy.abs(split_k() - gy_rows @ col.T).max() / cupy.abs(gy_rows @ col.T).max())


def profile(device, batch):
    """Print one table per layer of milliseconds per call, deepgrad beside PyTorch."""
    be = backends.get_backend(device)
    rng = np.random.default_rng(0)
    for c_in, c_out, side in LAYERS:
        x = rng.standard_normal((batch, c_in, side, side)).astype(np.float32)
        w = (rng.standard_normal((c_out, c_in, 3, 3)) / np.sqrt(9 * c_in)).astype(np.float32)
        gy = rng.standard_normal((batch, c_out, side, side)).astype(np.float32)
        dx, dw, dgy = be.asarray(x), be.asarray(w), be.asarray(gy)
        one = ((1, 1), (1, 1), (1, 1), 1)
        ours = {
            "forward": lambda: be.conv2d(dx, dw, *one),
            "grad_input": lambda: be.conv2d_grad_input(dgy, dw, dx.shape, *one),
            "grad_weight": lambda: be.conv2d_grad_weight(dgy, dx, dw.shape, *one),
        }
        flops = 2.0 * batch * c_out * c_in * 9 * side * side
        print(f"\nlayer {c_in}->{c_out} {side}x{side}, batch {batch}: {flops / 1e9:.2f} GFLOP per direction")
        theirs = _torch_side(device, x, w, gy)
        for name, call in ours.items():
            mine = median_ms(call, be.synchronize)
            line = f"  {name:12s} deepgrad {mine:8.3f} ms ({flops / mine / 1e6:8.0f} GFLOP/s)"
            if theirs is not None:
                t = median_ms(theirs[0][name], theirs[1])
                line += f"   torch {t:8.3f} ms ({flops / t / 1e6:8.0f} GFLOP/s)   ours/torch {mine / t:5.2f}"
            print(line, flush=True)
        if be.name.startswith("cuda"):
            parts, split_error = _cuda_parts(be, dx, dw, dgy)
            for name, call in parts.items():
                print(f"    {name:14s} {median_ms(call, be.synchronize):8.3f} ms", flush=True)
            print(f"    split-K relative error against the plain product: {split_error:.2e}")


def main(argv=None):
    """Parse arguments and print the per-layer tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.conv_parts", description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args(argv)
    profile(args.device, args.batch)


if __name__ == "__main__":
    main()
