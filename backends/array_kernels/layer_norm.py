"""Layer normalisation over the last axis of a 2-D array (the op flattens its normalised dims into it),
written once over the array module `xp`: the reference, and the kernel of devices without their own."""


def forward(xp, x, weight, bias, eps, row_mean=None):
    """x (M, D) normalised per row, times weight (D,), plus bias (D,) (each may be None) ->
    (y (M, D), mean (M,), invstd (M,)), the statistics in x's dtype. `row_mean(a)`, when given, is a device's
    cheaper form of a.mean(axis=1) with the same bits."""
    mean = x.mean(axis=1) if row_mean is None else row_mean(x)
    xhat = x - mean[:, None]
    variance = xp.mean(xhat * xhat, axis=1) if row_mean is None else row_mean(xhat * xhat)
    invstd = 1.0 / xp.sqrt(variance + eps)
    xhat *= invstd[:, None]
    y = xhat * weight if weight is not None else xhat
    if bias is not None:
        y += bias
    return y, mean.astype(x.dtype, copy=False), invstd.astype(x.dtype, copy=False)


def backward(xp, gy, x, mean, invstd, weight, need_input, need_weight, need_bias, row_mean=None):
    """Gradients of forward for the output gradient gy (M, D) -> (gx or None, g_weight or None,
    g_bias or None); `row_mean` as in forward."""
    xhat = (x - mean[:, None]) * invstd[:, None]
    g_weight = (gy * xhat).sum(axis=0) if need_weight else None
    g_bias = gy.sum(axis=0) if need_bias else None
    gx = None
    if need_input:
        means = row_mean if row_mean is not None else (lambda a: a.mean(axis=1))
        g = gy * weight if weight is not None else gy
        gx = g - means(g)[:, None]
        gx -= xhat * means(g * xhat)[:, None]
        gx *= invstd[:, None]
    return gx, g_weight, g_bias
