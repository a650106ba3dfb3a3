"""The ops sweep's calls beyond the plain unary / binary / reduction tables (tests/sweep/ops.py): each case is a
label and a function of (lib, x), lib being torch or autograd and x a tensor of lib, run over every dtype and the
group's shapes; creation cases take (lib, dtype) instead. The awkward arguments are the point: 0-d and empty
inputs, integer and bool tensors, negative dims, Python numbers, keyword arguments and `out=`."""
import nn  # noqa: F401  (installs the torch-level forms of nn's ops: ag.gru_cell, ag.constant_pad_nd ...)

#: shapes per group
ANY_SHAPES = ((), (0, 3), (2, 3))
MATRIX_SHAPES = ((3, 3), (2, 3, 3), (0, 3, 3))


def _idx(lib, *values):
    return lib.tensor(list(values))


def _zeros_index(lib, x):
    return lib.zeros_like(x, dtype=lib.int64)


def _well(lib, a):
    """`a` with 4 added to its diagonal (so float matrices are well conditioned; integer ones stay integer)."""
    return a + lib.eye(a.shape[-1], dtype=a.dtype) * 4


def _spd(lib, a):
    """A symmetric (Hermitian) positive definite matrix made from `a`."""
    return a @ a.mT.conj() + lib.eye(a.shape[-1], dtype=a.dtype) * 3


def _shape_dtype(t):
    """zeros in `t`'s shape and dtype (for results whose values are uninitialised or random)."""
    return t.new_zeros(tuple(t.shape))


def _out(lib, fn, dtype, shape):
    """fn(out) run with an out= tensor of `dtype` and `shape`: the result, the out tensor and whether they are one."""
    o = lib.zeros(shape, dtype=getattr(lib, dtype))
    r = fn(o)
    return r, o, r is o


# ----- any shape: (), (0, 3), (2, 3) ---------------------------------------------------------------------------
ANY = [
    ("clamp", lambda L, x: x.clamp(-1, 2)), ("clamp_float_min", lambda L, x: x.clamp(min=1.5)),
    ("clamp_tensors", lambda L, x: L.clamp(x, min=L.zeros_like(x), max=L.ones_like(x))),
    ("clamp_max", lambda L, x: L.clamp_max(x, 1)), ("clamp_min_tensor", lambda L, x: x.clamp_min(L.ones_like(x))),
    ("clip", lambda L, x: L.clip(x, max=0.5)), ("clamp_none", lambda L, x: x.clamp()),
    ("nan_to_num_kw", lambda L, x: L.nan_to_num(x / (x * 0), nan=0.5, posinf=9.0)),
    ("float_power_number", lambda L, x: x.float_power(2)), ("float_power_base", lambda L, x: L.float_power(2, x)),
    ("ldexp", lambda L, x: L.ldexp(x, L.ones_like(x, dtype=L.int64))), ("frexp", lambda L, x: L.frexp(x)),
    ("heaviside", lambda L, x: L.heaviside(x, L.ones_like(x))), ("positive", lambda L, x: L.positive(x)),
    ("rsub_alpha", lambda L, x: L.rsub(x, 2, alpha=3)), ("sub_alpha", lambda L, x: L.sub(x, x, alpha=2)),
    ("add_alpha_float", lambda L, x: L.add(x, x, alpha=0.5)),
    ("div_floor", lambda L, x: L.div(x, 2, rounding_mode="floor")),
    ("div_trunc", lambda L, x: x.div(x.flip(-1), rounding_mode="trunc")),
    ("quantile", lambda L, x: L.quantile(x, 0.25)),
    ("quantile_dim", lambda L, x: L.quantile(x, 0.5, dim=-1, keepdim=True, interpolation="midpoint")),
    ("quantile_q_tensor", lambda L, x: x.quantile(L.tensor([0.2, 0.9], dtype=x.dtype), dim=0)),
    ("nanquantile", lambda L, x: L.nanquantile(x / (x > 0), 0.5, dim=-1, interpolation="lower")),
    ("nanquantile_nearest", lambda L, x: x.nanquantile(0.3, interpolation="nearest")),
    ("msort", lambda L, x: L.msort(x)), ("unique", lambda L, x: L.unique(x)),
    ("unique_all", lambda L, x: L.unique(x, sorted=True, return_inverse=True, return_counts=True)),
    ("unique_dim", lambda L, x: x.unique(dim=-1, return_counts=True)),
    ("unique_consecutive", lambda L, x: L.unique_consecutive(x.flatten().sort().values, return_counts=True)),
    ("unique_consecutive_dim", lambda L, x: x.unique_consecutive(return_inverse=True, dim=0)),
    ("nonzero", lambda L, x: L.nonzero(x)), ("nonzero_tuple", lambda L, x: x.nonzero(as_tuple=True)),
    ("argwhere", lambda L, x: L.argwhere(x)), ("count_nonzero_dim", lambda L, x: x.count_nonzero(dim=-1)),
    ("histc", lambda L, x: L.histc(x, bins=4, min=-3, max=3)), ("histc_auto", lambda L, x: x.histc(3)),
    ("histogram", lambda L, x: L.histogram(x, bins=3)),
    ("histogram_range", lambda L, x: x.histogram(4, range=(-2.0, 2.0), density=True)),
    ("bincount", lambda L, x: L.bincount(x.flatten().abs())),
    ("bincount_weights", lambda L, x: x.flatten().abs().bincount(L.ones(x.numel()), minlength=5)),
    ("bucketize", lambda L, x: L.bucketize(x, L.tensor([-1.0, 0.0, 2.0]), right=True)),
    ("bucketize_int32", lambda L, x: L.bucketize(x, L.tensor([-1, 0, 2]), out_int32=True)),
    ("searchsorted", lambda L, x: L.searchsorted(L.tensor([-1.0, 0.0, 2.0]), x, side="right")),
    ("searchsorted_scalar", lambda L, x: L.searchsorted(x.flatten().sort().values, 1)),
    ("isin", lambda L, x: L.isin(x, L.tensor([0, 1]))), ("isin_invert", lambda L, x: L.isin(x, 1, invert=True)),
    ("rot90", lambda L, x: x.rot90(1, (0, 1))), ("rot90_neg", lambda L, x: L.rot90(x, -3, [-1, -2])),
    ("fliplr", lambda L, x: L.fliplr(x)), ("flipud", lambda L, x: x.flipud()),
    ("movedim", lambda L, x: L.movedim(x, 0, -1)), ("moveaxis", lambda L, x: x.moveaxis((0,), (-1,))),
    ("swapaxes", lambda L, x: L.swapaxes(x, 0, -1)), ("swapdims", lambda L, x: x.swapdims(-1, 0)),
    ("transpose", lambda L, x: L.transpose(x, -1, 0)), ("permute", lambda L, x: L.permute(x, tuple(range(x.ndim))[::-1])),
    ("narrow", lambda L, x: L.narrow(x, -1, 1, 1)), ("narrow_tensor_start", lambda L, x: x.narrow(0, L.tensor(0), 0)),
    ("narrow_copy", lambda L, x: L.narrow_copy(x, -1, 0, 2)), ("select", lambda L, x: L.select(x, -1, -1)),
    ("squeeze_dims", lambda L, x: L.squeeze(x[None], (0, -1))), ("squeeze_dim", lambda L, x: x.squeeze(-1)),
    ("unsqueeze", lambda L, x: L.unsqueeze(x, -1)), ("unflatten", lambda L, x: L.unflatten(x, -1, (1, -1))),
    ("flatten", lambda L, x: L.flatten(x, 0, -1)), ("flatten_start", lambda L, x: x.flatten(-1)),
    ("ravel", lambda L, x: L.ravel(x)), ("tile", lambda L, x: L.tile(x, (2,))), ("tile_more", lambda L, x: x.tile(2, 1, 1)),
    ("repeat_interleave", lambda L, x: L.repeat_interleave(x, 2)),
    ("repeat_interleave_dim", lambda L, x: x.repeat_interleave(2, dim=-1)),
    ("repeat_interleave_tensor", lambda L, x: x.repeat_interleave(L.tensor([1, 2, 0]), dim=-1)),
    ("repeat_interleave_counts", lambda L, x: L.repeat_interleave(x.flatten().abs().long())),
    ("chunk", lambda L, x: L.chunk(x, 2, -1)), ("unsafe_chunk", lambda L, x: x.unsafe_chunk(2, 0)),
    ("tensor_split", lambda L, x: L.tensor_split(x, 2, dim=-1)), ("tensor_split_list", lambda L, x: x.tensor_split([1], 0)),
    ("tensor_split_tensor", lambda L, x: x.tensor_split(L.tensor([1, 2]), -1)),
    ("split_with_sizes", lambda L, x: L.split_with_sizes(x, [1, 2], -1)), ("unsafe_split", lambda L, x: x.unsafe_split(1, -1)),
    ("split_list", lambda L, x: x.split([2, 1], dim=-1)),
    ("hsplit", lambda L, x: L.hsplit(x, [1])), ("vsplit", lambda L, x: x.vsplit([1])), ("dsplit", lambda L, x: L.dsplit(x, 1)),
    ("unbind", lambda L, x: L.unbind(x, -1)),
    ("atleast_1d", lambda L, x: L.atleast_1d(x)), ("atleast_2d", lambda L, x: L.atleast_2d(x)),
    ("atleast_3d", lambda L, x: L.atleast_3d(x)), ("atleast_3d_many", lambda L, x: L.atleast_3d(x, x[None])),
    ("broadcast_to", lambda L, x: L.broadcast_to(x, (2, *x.shape))), ("broadcast_to_neg", lambda L, x: x.broadcast_to(-1, *x.shape)),
    ("broadcast_tensors", lambda L, x: L.broadcast_tensors(x, L.ones(3))),
    ("meshgrid_xy", lambda L, x: L.meshgrid(x.flatten(), x.flatten()[:2], indexing="xy")),
    ("meshgrid_ij", lambda L, x: L.meshgrid([x.flatten()], indexing="ij")),
    ("cat_promote", lambda L, x: L.cat([x, L.ones_like(x, dtype=L.float64)])),
    ("cat_legacy_empty", lambda L, x: L.cat([x, L.zeros(0)], dim=-1)), ("cat_dim", lambda L, x: L.concat((x, x), dim=-1)),
    ("concatenate", lambda L, x: L.concatenate((x, x), axis=0)),
    ("stack_promote", lambda L, x: L.stack([x, L.zeros_like(x, dtype=L.int16)], dim=-1)),
    ("hstack", lambda L, x: L.hstack([x, x])), ("vstack", lambda L, x: L.vstack((x, x))),
    ("dstack", lambda L, x: L.dstack([x, x])), ("column_stack", lambda L, x: L.column_stack([x, x])),
    ("row_stack", lambda L, x: L.row_stack([x, x])),
    ("take_along_dim", lambda L, x: L.take_along_dim(x, x.argsort(-1), dim=-1)),
    ("take_along_dim_flat", lambda L, x: x.take_along_dim(L.tensor([0]))),
    ("index_add", lambda L, x: x.index_add(-1, _idx(L, 0), x.narrow(-1, 0, 1), alpha=2)),
    ("index_copy", lambda L, x: L.index_copy(x, -1, _idx(L, 2, 0), x.narrow(-1, 0, 2))),
    ("index_fill", lambda L, x: x.index_fill(-1, _idx(L, 1), -1)),
    ("index_fill_tensor", lambda L, x: L.index_fill(x, 0, _idx(L, 0), L.tensor(2))),
    ("index_reduce", lambda L, x: x.index_reduce(-1, _idx(L, 0, 0), x.narrow(-1, 1, 2), "prod", include_self=False)),
    ("index_reduce_mean", lambda L, x: L.index_reduce(x, 0, _idx(L, 1, 1), x, "mean")),
    ("index_put", lambda L, x: L.index_put(x, (_idx(L, 0, 0),), x[0], accumulate=True)),
    ("masked_fill_float", lambda L, x: x.masked_fill(x > 0, 2.5)),
    ("masked_fill_0d", lambda L, x: L.masked_fill(x, x < 0, L.tensor(7))),
    ("masked_scatter", lambda L, x: x.masked_scatter(x > 0, x.reshape(-1).flip(0))),
    ("scatter", lambda L, x: L.scatter(x, -1, _zeros_index(L, x), x.flip(-1) if x.ndim else x)),
    ("scatter_value", lambda L, x: x.scatter(-1, _zeros_index(L, x), 1.5)),
    ("scatter_reduce_arg", lambda L, x: x.scatter(-1, _zeros_index(L, x), x, reduce="add")),
    ("scatter_add", lambda L, x: L.scatter_add(x, 0, _zeros_index(L, x), x)),
    ("scatter_reduce", lambda L, x: x.scatter_reduce(-1, _zeros_index(L, x), x, "amax", include_self=False)),
    ("scatter_reduce_mean", lambda L, x: L.scatter_reduce(x, 0, _zeros_index(L, x), x, "mean")),
    ("put", lambda L, x: x.put(_idx(L, 0, -1), x.reshape(-1)[:2], accumulate=True)),
    ("select_scatter", lambda L, x: L.select_scatter(x, x.select(-1, 0), -1, 0)),
    ("slice_scatter", lambda L, x: x.slice_scatter(x.narrow(-1, 0, 1), -1, 0, 1)),
    ("diagonal_scatter", lambda L, x: L.diagonal_scatter(x, x.diagonal(), 0)),
    ("as_strided", lambda L, x: L.as_strided(x, (2,), (1,))), ("as_strided_offset", lambda L, x: x.as_strided((1, 2), (1, 2), 1)),
    ("as_strided_scatter", lambda L, x: L.as_strided_scatter(x, L.zeros_like(x).as_strided((2,), (2,)), (2,), (2,))),
    ("diag", lambda L, x: L.diag(x)), ("diag_offset", lambda L, x: x.diag(1)), ("diagflat", lambda L, x: L.diagflat(x, -1)),
    ("diagonal_dims", lambda L, x: L.diagonal(x, offset=1, dim1=-1, dim2=0)), ("trace", lambda L, x: L.trace(x)),
    ("combinations", lambda L, x: L.combinations(x.flatten()[:3], r=2, with_replacement=True)),
    ("vander", lambda L, x: L.vander(x.flatten(), N=3, increasing=True)),
    ("cov", lambda L, x: L.cov(x)), ("cov_kw", lambda L, x: x.cov(correction=0, fweights=L.tensor([1, 2, 3]))),
    ("corrcoef", lambda L, x: L.corrcoef(x)), ("cumulative_trapezoid", lambda L, x: L.cumulative_trapezoid(x, dim=-1)),
    ("trapz_dx", lambda L, x: L.trapz(x, dx=0.5)), ("trapezoid_x", lambda L, x: L.trapezoid(x, x=L.ones_like(x).cumsum(-1))),
    ("mm", lambda L, x: L.mm(x, x.mT)), ("mv", lambda L, x: x.mv(x[0])), ("bmm", lambda L, x: L.bmm(x[None], x.mT[None])),
    ("addmm", lambda L, x: L.addmm(x[:, :1], x, x.mT, beta=2, alpha=0.5)),
    ("addmv", lambda L, x: L.addmv(x[:, 0], x, x[0])), ("addr", lambda L, x: x.addr(x[:, 0], x[0], alpha=2)),
    ("addbmm", lambda L, x: L.addbmm(x[:, :1], x[None], x.mT[None])),
    ("dot", lambda L, x: L.dot(x.flatten(), x.flatten())), ("vdot", lambda L, x: L.vdot(x.flatten(), x.flatten())),
    ("inner", lambda L, x: L.inner(x, x)), ("ger", lambda L, x: L.ger(x.flatten(), x.flatten()[:2])),
    ("chain_matmul", lambda L, x: L.chain_matmul(x, x.mT, x)),
    ("new_zeros", lambda L, x: x.new_zeros((2,))), ("new_ones_dtype", lambda L, x: x.new_ones(3, dtype=L.float64)),
    ("new_full", lambda L, x: x.new_full((2,), 7)), ("new_full_float", lambda L, x: x.new_full((2, 1), 2.5)),
    ("new_empty", lambda L, x: _shape_dtype(x.new_empty((0, 2)))), ("new_tensor", lambda L, x: x.new_tensor([1, 2])),
    ("full_like", lambda L, x: L.full_like(x, 2.5)), ("full_like_bool", lambda L, x: L.full_like(x, True, dtype=L.bool)),
    ("zeros_like_dtype", lambda L, x: L.zeros_like(x, dtype=L.bool)), ("ones_like", lambda L, x: L.ones_like(x)),
    ("empty_like", lambda L, x: _shape_dtype(L.empty_like(x, dtype=L.int32))),
    ("double", lambda L, x: x.double()), ("half", lambda L, x: x.half()), ("bfloat16", lambda L, x: x.bfloat16()),
    ("bool", lambda L, x: x.bool()), ("byte", lambda L, x: x.byte()), ("char", lambda L, x: x.char()),
    ("short", lambda L, x: x.short()), ("int", lambda L, x: x.int()), ("long", lambda L, x: x.long()),
    ("float", lambda L, x: x.float()), ("cfloat", lambda L, x: x.cfloat()), ("cdouble", lambda L, x: x.cdouble()),
    ("to_int8", lambda L, x: x.to(L.int8)), ("to_dtype_kw", lambda L, x: x.to(dtype=L.float16, copy=True)),
    ("type_dtype", lambda L, x: x.type(L.float64)), ("type_as", lambda L, x: x.type_as(L.ones(1, dtype=L.int32))),
    ("item", lambda L, x: x.item()), ("tolist", lambda L, x: x.tolist()), ("element_size", lambda L, x: x.element_size()),
    ("is_signed", lambda L, x: x.is_signed()), ("is_floating_point", lambda L, x: L.is_floating_point(x)),
    ("is_complex", lambda L, x: x.is_complex()), ("is_nonzero", lambda L, x: L.is_nonzero(x)),
    ("is_same_size", lambda L, x: x.is_same_size(x.flatten())), ("is_conj", lambda L, x: L.is_conj(x.conj())),
    ("is_neg", lambda L, x: x.is_neg()), ("ndimension", lambda L, x: (x.ndimension(), x.nelement(), x.dim())),
    ("expand_as", lambda L, x: x.expand_as(L.zeros(2, *x.shape))), ("view_as", lambda L, x: x.view_as(x.flatten())),
    ("reshape_as", lambda L, x: x.reshape_as(x.flatten())), ("sum_to_size", lambda L, x: x.sum_to_size(1, x.shape[-1])),
    ("mean_dtype", lambda L, x: x.mean(dtype=L.float64)), ("sum_dtype", lambda L, x: L.sum(x, -1, dtype=L.int32)),
    ("prod_dtype", lambda L, x: x.prod(0, keepdim=True, dtype=L.float32)),
    ("cumsum_dtype", lambda L, x: L.cumsum(x, dim=-1, dtype=L.float64)),
    ("max_other", lambda L, x: L.max(x, x.flip(-1))), ("min_dim_kw", lambda L, x: x.min(dim=-1, keepdim=True)),
    ("argmax_keepdim", lambda L, x: L.argmax(x, dim=-1, keepdim=True)), ("kthvalue", lambda L, x: x.kthvalue(1, -1)),
    ("topk", lambda L, x: L.topk(x, 1, largest=False, sorted=True)), ("mode", lambda L, x: L.mode(x, -1)),
    ("sort_stable", lambda L, x: L.sort(x, dim=0, descending=True, stable=True)),
    ("norm_dim", lambda L, x: L.norm(x, dim=-1, p=1)), ("norm_fro", lambda L, x: x.norm("fro")),
    ("std_unbiased", lambda L, x: L.std(x, -1, False)), ("var_correction", lambda L, x: x.var(correction=2)),
    ("renorm", lambda L, x: x.renorm(1, 0, 2)), ("lerp_number", lambda L, x: L.lerp(x, L.ones_like(x), 0.25)),
    ("addcmul", lambda L, x: L.addcmul(x, x, x, value=2)), ("addcdiv", lambda L, x: x.addcdiv(x, x + 10, value=0.5)),
    ("where_scalars", lambda L, x: L.where(x > 0, 1, 0.5)), ("where_cond", lambda L, x: L.where(x > 0)),
    ("where_promote", lambda L, x: L.where(x > 0, x, L.zeros_like(x, dtype=L.float64))),
    ("logit_eps", lambda L, x: L.logit(x, eps=0.25)), ("polygamma", lambda L, x: L.polygamma(2, x)),
    ("mvlgamma", lambda L, x: L.mvlgamma(x + 5, p=2)), ("special_multigammaln", lambda L, x: L.special.multigammaln(x + 5, 3)),
    ("special_polygamma", lambda L, x: L.special.polygamma(1, x)), ("special_logit", lambda L, x: L.special.logit(x, 0.1)),
    ("special_softmax", lambda L, x: L.special.softmax(x, -1, dtype=L.float64)),
    ("special_log_softmax", lambda L, x: L.special.log_softmax(x, 0)),
    ("special_logsumexp", lambda L, x: L.special.logsumexp(x, (0,), keepdim=True)),
    ("special_round", lambda L, x: L.special.round(x, decimals=1)), ("round_decimals", lambda L, x: x.round(decimals=-1)),
    ("special_zeta_number", lambda L, x: L.special.zeta(x, 2.0)),
    ("special_xlog1py_number", lambda L, x: L.special.xlog1py(2, x)),
    ("special_chebyshev_int_n", lambda L, x: L.special.chebyshev_polynomial_t(x, 3)),
    ("special_hermite_number_x", lambda L, x: L.special.hermite_polynomial_h(0.5, x)),
    ("fft_n_dim", lambda L, x: L.fft.fft(x, n=4, dim=0, norm="ortho")), ("fft_rfft_n", lambda L, x: L.fft.rfft(x, 5)),
    ("fft_irfft_n", lambda L, x: L.fft.irfft(x, n=4, norm="forward")), ("fft_hfft", lambda L, x: L.fft.hfft(x, 4)),
    ("fft_fft2_s", lambda L, x: L.fft.fft2(x, s=(3, 2))), ("fft_ifftn_dim", lambda L, x: L.fft.ifftn(x, dim=(-1,))),
    ("fft_rfftn_s", lambda L, x: L.fft.rfftn(x, s=(4,), dim=(0,))), ("fft_irfft2", lambda L, x: L.fft.irfft2(x)),
    ("fft_ihfftn", lambda L, x: L.fft.ihfftn(x, norm="ortho")), ("fft_hfft2", lambda L, x: L.fft.hfft2(x, s=(2, 4))),
    ("fft_fftshift_dim", lambda L, x: L.fft.fftshift(x, dim=-1)), ("fft_ifftshift", lambda L, x: L.fft.ifftshift(x)),
    ("F_one_hot", lambda L, x: _functional(L).one_hot(x.abs().long(), 5)),
    ("F_one_hot_auto", lambda L, x: _functional(L).one_hot(x)),
    ("F_pixel_shuffle", lambda L, x: _functional(L).pixel_shuffle(x.reshape(1, 4, 1, -1)[:, :, :, :1], 2)),
    ("F_prelu", lambda L, x: _functional(L).prelu(x, L.tensor([0.25], dtype=x.dtype))),
    ("F_dropout_eval", lambda L, x: _functional(L).dropout(x, 0.5, training=False)),
    ("F_relu_", lambda L, x: _functional(L).relu_(x.clone())),
    ("F_dropout1d_eval", lambda L, x: _functional(L).dropout1d(x, 0.5, training=False)),
    ("F_dropout3d_eval", lambda L, x: _functional(L).dropout3d(x[None, None], 0.5, training=False)),
    ("F_max_pool1d_with_indices", lambda L, x: _functional(L).max_pool1d_with_indices(x[None], 2, ceil_mode=True)),
    ("F_adaptive_max_pool1d_with_indices", lambda L, x: _functional(L).adaptive_max_pool1d_with_indices(x[None], 2)),
    ("F_upsample", lambda L, x: _functional(L).upsample(x[None], scale_factor=2, mode="nearest")),
    ("F_native_channel_shuffle", lambda L, x: _functional(L).native_channel_shuffle(x.reshape(1, -1, 1)[:, :2], 2)),
    ("F_hardtanh_", lambda L, x: _functional(L).hardtanh_(x.clone(), -1.0, 1.0)),
    ("F_threshold_", lambda L, x: _functional(L).threshold_(x.clone(), 0.5, -2.0)),
    ("F_leaky_relu_", lambda L, x: _functional(L).leaky_relu_(x.clone(), 0.2)),
    ("F_elu_", lambda L, x: _functional(L).elu_(x.clone())), ("F_celu_", lambda L, x: _functional(L).celu_(x.clone(), 2.0)),
    ("F_selu_", lambda L, x: _functional(L).selu_(x.clone())),
    ("F_rrelu_eval", lambda L, x: _functional(L).rrelu_(x.clone(), training=False)),
    ("F_softmax_dtype", lambda L, x: _functional(L).softmax(x, -1, dtype=L.float64)),
    ("alias_copy", lambda L, x: L.alias_copy(x)), ("detach_copy", lambda L, x: L.detach_copy(x)),
    ("diagonal_copy", lambda L, x: L.diagonal_copy(x, 1)), ("expand_copy", lambda L, x: L.expand_copy(x, (2, *x.shape))),
    ("permute_copy", lambda L, x: L.permute_copy(x, tuple(range(x.ndim))[::-1])),
    ("select_copy", lambda L, x: L.select_copy(x, -1, 1)), ("slice_copy", lambda L, x: L.slice_copy(x, -1, 1, None, 2)),
    ("split_copy", lambda L, x: L.split_copy(x, 2, -1)), ("split_with_sizes_copy", lambda L, x: L.split_with_sizes_copy(x, [1, 2], -1)),
    ("squeeze_copy", lambda L, x: L.squeeze_copy(x)), ("t_copy", lambda L, x: L.t_copy(x)),
    ("transpose_copy", lambda L, x: L.transpose_copy(x, 0, -1)), ("unbind_copy", lambda L, x: L.unbind_copy(x, -1)),
    ("unfold_copy", lambda L, x: L.unfold_copy(x, -1, 2, 1)), ("unsqueeze_copy", lambda L, x: L.unsqueeze_copy(x, 0)),
    ("view_copy", lambda L, x: L.view_copy(x, (-1,))), ("view_copy_dtype", lambda L, x: L.view_copy(x, L.int8)),
    ("as_strided_copy", lambda L, x: L.as_strided_copy(x, (2,), (2,))),
    ("unsafe_split_with_sizes", lambda L, x: L.unsafe_split_with_sizes(x, [2, 1], -1)),
    ("view_as_real_copy", lambda L, x: L.view_as_real_copy(x)),
    ("view_as_complex", lambda L, x: L.view_as_complex(L.stack([x, x], -1))),
    ("view_as_complex_copy", lambda L, x: L.view_as_complex_copy(L.stack([x, -x], -1))),
    ("constant_pad_nd", lambda L, x: L.constant_pad_nd(x, (1, 2), 7)), ("constant_pad_nd_neg", lambda L, x: L.constant_pad_nd(x, [-1, 0, 1, 1])),
    ("frobenius_norm", lambda L, x: L.frobenius_norm(x, (0, -1))), ("nuclear_norm", lambda L, x: L.nuclear_norm(x, keepdim=True)),
    ("unravel_index", lambda L, x: L.unravel_index(x.abs().long(), (2, 3))),
    ("histogramdd", lambda L, x: L.histogramdd(x.reshape(-1, 1), bins=[3])),
    ("nonzero_static", lambda L, x: L.nonzero_static(x, size=4, fill_value=-2)),
    ("segment_reduce", lambda L, x: L.segment_reduce(x, "sum", lengths=L.tensor([1, 1]), axis=0, unsafe=False)),
    ("native_layer_norm", lambda L, x: L.native_layer_norm(x, x.shape[-1:], None, None, 1e-5)),
    ("native_norm", lambda L, x: L.native_norm(x, 3)), ("norm_except_dim", lambda L, x: L.norm_except_dim(x, 2, 0)),
    ("broadcast_shapes", lambda L, x: L.broadcast_shapes(x.shape, (1,) * x.ndim, (2, 1, *x.shape))),
    ("promote_types", lambda L, x: str(L.promote_types(x.dtype, L.int16)).split(".")[-1]),
    ("result_type", lambda L, x: str(L.result_type(x, 2.5)).split(".")[-1]),
    ("can_cast", lambda L, x: L.can_cast(x.dtype, L.int32)), ("fill", lambda L, x: L.fill(x, 3)),
    ("contiguous", lambda L, x: x.mT.contiguous()), ("view", lambda L, x: x.view(-1)), ("view_dtype", lambda L, x: x.view(L.uint8)),
    ("is_contiguous", lambda L, x: (x.is_contiguous(), x.mT.is_contiguous(), x[..., ::2].storage_offset())),
    ("dim_order", lambda L, x: x.mT.dim_order()), ("cpu", lambda L, x: x.cpu()),
    ("apply_", lambda L, x: x.clone().apply_(lambda v: v * 2)), ("map_", lambda L, x: x.clone().map_(x, lambda a, b: a + b)),
    ("new_legacy", lambda L, x: _shape_dtype(x.new(2))), ("new_legacy_data", lambda L, x: x.new([1, 2])),
    ("new_empty_strided", lambda L, x: _shape_dtype(x.new_empty_strided((2, 3), (1, 2)))),
    ("resize_", lambda L, x: _shape_dtype(x.clone().resize_(2, 2))),
    ("resize_as_", lambda L, x: _shape_dtype(x.clone().resize_as_(L.zeros(1)))),
    ("F_gumbel_hard_shape", lambda L, x: _shape_dtype(_functional(L).gumbel_softmax(x, hard=True))),
]

# ----- square matrices: (3, 3), (2, 3, 3), (0, 3, 3) ---------------------------------------------------------------
MATRIX = [
    ("linalg.eigh", lambda L, a: L.linalg.eigh(a + a.mT, UPLO="U").eigenvalues),
    ("linalg.eigvals", lambda L, a: L.linalg.eigvals(_well(L, a))), ("linalg.eig_values", lambda L, a: L.linalg.eig(a)[0]),
    ("linalg.svd_S", lambda L, a: L.linalg.svd(a, full_matrices=False).S),
    ("linalg.svd_shapes", lambda L, a: [t.abs() * 0 for t in L.linalg.svd(a[..., :2], full_matrices=True)]),
    ("linalg.inv_ex", lambda L, a: L.linalg.inv_ex(_well(L, a))), ("linalg.inv_ex_singular", lambda L, a: L.linalg.inv_ex(a * 0).info),
    ("linalg.cholesky_ex", lambda L, a: L.linalg.cholesky_ex(_spd(L, a), upper=True)),
    ("linalg.cholesky_ex_fail", lambda L, a: L.linalg.cholesky_ex(-_spd(L, a)).info),
    ("linalg.solve_ex", lambda L, a: L.linalg.solve_ex(_well(L, a), a[..., 0])),
    ("linalg.solve_left", lambda L, a: L.linalg.solve(_well(L, a), a, left=False)),
    ("linalg.lu_factor", lambda L, a: L.linalg.lu_factor(_well(L, a))), ("linalg.lu_factor_ex", lambda L, a: L.linalg.lu_factor_ex(a)),
    ("linalg.lu", lambda L, a: L.linalg.lu(a)), ("linalg.lu_tall", lambda L, a: L.linalg.lu(a[..., :2], pivot=True)),
    ("linalg.lu_solve", lambda L, a: L.linalg.lu_solve(*L.linalg.lu_factor(_well(L, a)), a, adjoint=True)),
    ("linalg.ldl_factor", lambda L, a: L.linalg.ldl_factor(_spd(L, a))),
    ("linalg.ldl_factor_ex", lambda L, a: L.linalg.ldl_factor_ex(_spd(L, a), hermitian=True)),
    ("orgqr", lambda L, a: L.orgqr(*L.geqrf(_well(L, a)))), ("ormqr", lambda L, a: L.ormqr(*L.geqrf(_well(L, a)), a, transpose=True)),
    ("linalg.ldl_solve", lambda L, a: L.linalg.ldl_solve(*L.linalg.ldl_factor(_spd(L, a)), a)),
    ("linalg.householder_product", lambda L, a: L.linalg.householder_product(a, a[..., 0, :2])),
    ("linalg.solve_triangular", lambda L, a: L.linalg.solve_triangular(_well(L, a).triu(), a, upper=True)),
    ("linalg.solve_triangular_right", lambda L, a: L.linalg.solve_triangular(_well(L, a).tril(), a, upper=False,
                                                                             left=False, unitriangular=True)),
    ("linalg.tensorinv", lambda L, a: L.linalg.tensorinv(_well(L, a).reshape(3, 3, *a.shape[:-2]).movedim(-1, 0)
                                                         if a.ndim == 3 else _well(L, a), ind=1)),
    ("linalg.tensorsolve", lambda L, a: L.linalg.tensorsolve(_well(L, a[..., :, :]).reshape(-1, 3)[:3], a[..., 0].flatten()[:3])),
    ("linalg.vecdot", lambda L, a: L.linalg.vecdot(a, a.flip(-1), dim=-2)), ("linalg.vander", lambda L, a: L.linalg.vander(a[..., 0], N=4)),
    ("linalg.matrix_rank", lambda L, a: L.linalg.matrix_rank(a)), ("linalg.matrix_rank_tol", lambda L, a: L.linalg.matrix_rank(a, atol=1.0, hermitian=False)),
    ("linalg.diagonal", lambda L, a: L.linalg.diagonal(a, offset=-1)), ("linalg.det", lambda L, a: L.linalg.det(a)),
    ("linalg.norm_ord", lambda L, a: L.linalg.norm(a, ord=-2)), ("linalg.norm_dim", lambda L, a: L.linalg.norm(a, 3, dim=-1)),
    ("linalg.matrix_norm_inf", lambda L, a: L.linalg.matrix_norm(a, float("-inf"), keepdim=True)),
    ("linalg.vector_norm_dtype", lambda L, a: L.linalg.vector_norm(a, 0, dtype=L.float64)),
    ("linalg.matrix_exp", lambda L, a: L.linalg.matrix_exp(a)), ("linalg.matrix_power_neg", lambda L, a: L.linalg.matrix_power(_well(L, a), -2)),
    ("linalg.pinv_hermitian", lambda L, a: L.linalg.pinv(a + a.mT, hermitian=True)),
    ("linalg.lstsq_driver", lambda L, a: L.linalg.lstsq(_well(L, a), a[..., :1], driver="gelsd").solution),
    ("linalg.cond_p", lambda L, a: L.linalg.cond(_well(L, a), "fro")), ("linalg.slogdet", lambda L, a: L.linalg.slogdet(a)),
    ("linalg.cholesky_upper", lambda L, a: L.linalg.cholesky(_spd(L, a), upper=True)),
    ("linalg.qr_mode", lambda L, a: L.linalg.qr(_well(L, a), mode="r")[1]),
    ("inverse", lambda L, a: L.inverse(_well(L, a))), ("pinverse", lambda L, a: a.pinverse()),
    ("logdet", lambda L, a: L.logdet(_spd(L, a))), ("det", lambda L, a: a.det()),
    ("cholesky_inverse", lambda L, a: L.cholesky_inverse(L.linalg.cholesky(_spd(L, a)))),
    ("cholesky_solve", lambda L, a: L.cholesky_solve(a, L.linalg.cholesky(_spd(L, a)), upper=False)),
    ("triangular_solve", lambda L, a: L.triangular_solve(a, _well(L, a).triu())),
    ("lu_legacy", lambda L, a: L.lu(_well(L, a), get_infos=True)),
    ("lu_unpack", lambda L, a: L.lu_unpack(*L.linalg.lu_factor(_well(L, a)))),
    ("lu_solve_legacy", lambda L, a: L.lu_solve(a, *L.linalg.lu_factor(_well(L, a)))),
    ("svd_legacy_S", lambda L, a: L.svd(a, some=True)[1]), ("matrix_exp", lambda L, a: a.matrix_exp()),
    ("geqrf_shapes", lambda L, a: [t * 0 for t in L.geqrf(a)]),
]

# ----- creation: fn(lib, dtype) -------------------------------------------------------------------------------------
CREATION = [
    ("arange", lambda L, d: L.arange(5, dtype=d)), ("arange_float_step", lambda L, d: L.arange(0, 2.5, 0.5, dtype=d)),
    ("arange_negative", lambda L, d: L.arange(3, -2, -1.5, dtype=d)), ("range", lambda L, d: L.range(0, 3, dtype=d)),
    ("linspace", lambda L, d: L.linspace(-1, 2, 4, dtype=d)), ("linspace_one", lambda L, d: L.linspace(2, 5, 1, dtype=d)),
    ("logspace", lambda L, d: L.logspace(0, 2, 3, base=2, dtype=d)), ("full", lambda L, d: L.full((2,), 3, dtype=d)),
    ("full_0d", lambda L, d: L.full((), 1.5, dtype=d)), ("zeros_empty", lambda L, d: L.zeros((0, 3), dtype=d)),
    ("ones", lambda L, d: L.ones(2, 1, dtype=d)), ("eye", lambda L, d: L.eye(2, 3, dtype=d)),
    ("tril_indices", lambda L, d: L.tril_indices(3, 2, 1, dtype=d)), ("triu_indices", lambda L, d: L.triu_indices(3, 3, -1, dtype=d)),
    ("scalar_tensor", lambda L, d: L.scalar_tensor(2.5, dtype=d)), ("tensor_list", lambda L, d: L.tensor([1, 2.5], dtype=d)),
    ("as_tensor", lambda L, d: L.as_tensor([[1, 2]], dtype=d)), ("asarray", lambda L, d: L.asarray([True, 2], dtype=d)),
    ("hann_window", lambda L, d: L.hann_window(5, dtype=d)), ("hamming_window", lambda L, d: L.hamming_window(4, periodic=False, dtype=d)),
    ("blackman_window", lambda L, d: L.blackman_window(6, dtype=d)), ("bartlett_window", lambda L, d: L.bartlett_window(1, dtype=d)),
    ("kaiser_window", lambda L, d: L.kaiser_window(6, beta=5.0, dtype=d)),
    ("hamming_window_ab", lambda L, d: L.hamming_window(5, True, 0.5, 0.5, dtype=d)),
    ("fftfreq", lambda L, d: L.fft.fftfreq(5, d=0.5, dtype=d)), ("rfftfreq", lambda L, d: L.fft.rfftfreq(6, dtype=d)),
    ("empty", lambda L, d: _shape_dtype(L.empty((2, 3), dtype=d))),
    ("empty_strided", lambda L, d: _shape_dtype(L.empty_strided((2, 3), (1, 2), dtype=d))),
    ("full_bool_fill", lambda L, d: L.full((2,), True)), ("full_int_fill", lambda L, d: L.full((1,), 2)),
    ("zeros_like_number", lambda L, d: L.zeros_like(L.tensor(3), dtype=d)),
    ("arange_out", lambda L, d: _out(L, lambda o: L.arange(4, out=o), str(d).split(".")[-1], (4,))),
    ("linspace_out", lambda L, d: _out(L, lambda o: L.linspace(0, 1, 3, out=o), str(d).split(".")[-1], (3,))),
]

# ----- out=: (name, fn(lib, out, *operands)) over every input and out dtype -------------------------------------------
OUT_UNARY = "exp abs neg sqrt floor sin sigmoid logical_not bitwise_not".split()
OUT_BINARY = "add mul div atan2 maximum eq remainder pow bitwise_and".split()
OUT_REDUCTIONS = [("sum", {"dim": -1}), ("mean", {"dim": 0}), ("amax", {"dim": -1}), ("cumsum", {"dim": 0}),
                  ("prod", {"dim": 0, "keepdim": True}), ("argmax", {"dim": -1}), ("logsumexp", {"dim": 0})]

# ----- in place ------------------------------------------------------------------------------------------------------
INPLACE_UNARY = ("abs_ absolute_ acos_ arccos_ acosh_ arccosh_ asin_ arcsin_ asinh_ arcsinh_ atan_ arctan_ atanh_ "
                 "arctanh_ ceil_ cos_ cosh_ deg2rad_ rad2deg_ erf_ erfc_ erfinv_ exp_ exp2_ expm1_ fix_ floor_ frac_ "
                 "i0_ log_ log10_ log1p_ log2_ neg_ negative_ reciprocal_ relu_ round_ rsqrt_ sigmoid_ sign_ sgn_ "
                 "sin_ sinc_ sinh_ sqrt_ square_ tan_ tanh_ trunc_ digamma_ lgamma_ logit_ nan_to_num_ bitwise_not_ "
                 "logical_not_ zero_ t_ squeeze_ conj_physical_").split()
INPLACE_BINARY = ("add_ sub_ mul_ div_ true_divide_ floor_divide_ remainder_ fmod_ pow_ atan2_ arctan2_ hypot_ "
                  "copysign_ float_power_ ldexp_ xlogy_ heaviside_ gcd_ lcm_ bitwise_and_ bitwise_or_ bitwise_xor_ "
                  "bitwise_left_shift_ bitwise_right_shift_ eq_ ne_ lt_ le_ gt_ ge_ greater_ less_ greater_equal_ "
                  "less_equal_ not_equal_ logical_and_ logical_or_ logical_xor_ nextafter_ igamma_ igammac_ "
                  "subtract_ multiply_ divide_ clamp_max_ clamp_min_ lerp_").split()
INPLACE_CALLS = [
    ("clamp_", lambda L, x: x.clamp_(-1, 1.5)), ("clip_", lambda L, x: x.clip_(min=0)),
    ("unsqueeze_", lambda L, x: x.unsqueeze_(-1)), ("transpose_", lambda L, x: x.transpose_(0, -1)),
    ("swapaxes_", lambda L, x: x.swapaxes_(0, -1)), ("fill_", lambda L, x: x.fill_(2.5)),
    ("fill_0d_tensor", lambda L, x: x.fill_(L.tensor(3))), ("cumsum_", lambda L, x: x.cumsum_(-1)),
    ("cumprod_", lambda L, x: x.cumprod_(0)), ("swapdims_", lambda L, x: x.swapdims_(-1, 0)),
    ("index_reduce_", lambda L, x: x.index_reduce_(-1, _idx(L, 0, 0), x[..., 1:].clone(), "amin")),
    ("addmv_", lambda L, x: x[:, 0].addmv_(x.clone(), x[0].clone(), beta=2)),
    ("addbmm_", lambda L, x: x[:, :2].addbmm_(x[None].clone(), x.mT[None].clone()[:, :, :2])),
    ("as_strided_", lambda L, x: x.as_strided_((2,), (1,))), ("detach_", lambda L, x: x.detach_()), ("masked_fill_", lambda L, x: x.masked_fill_(x > 0, -1)),
    ("index_fill_", lambda L, x: x.index_fill_(-1, _idx(L, 0), 9)), ("index_add_", lambda L, x: x.index_add_(0, _idx(L, 0, 0), x[:1].expand(2, *x.shape[1:]).clone())),
    ("index_copy_", lambda L, x: x.index_copy_(-1, _idx(L, 1), x.narrow(-1, 0, 1))),
    ("scatter_", lambda L, x: x.scatter_(-1, _zeros_index(L, x), 2)), ("scatter_add_", lambda L, x: x.scatter_add_(0, _zeros_index(L, x), x)),
    ("scatter_reduce_", lambda L, x: x.scatter_reduce_(0, _zeros_index(L, x), x, "prod")),
    ("put_", lambda L, x: x.put_(_idx(L, -1), x.reshape(-1)[:1])), ("masked_scatter_", lambda L, x: x.masked_scatter_(x < 0, x.reshape(-1).clone())),
    ("index_put_", lambda L, x: x.index_put_((x > 0,), L.tensor(1))), ("fill_diagonal_", lambda L, x: x.fill_diagonal_(5, wrap=True)),
    ("tril_", lambda L, x: x.tril_(-1)), ("triu_", lambda L, x: x.triu_(1)), ("renorm_", lambda L, x: x.renorm_(2, 0, 1.0)),
    ("addcmul_", lambda L, x: x.addcmul_(x, x, value=2)), ("addcdiv_", lambda L, x: x.addcdiv_(x, x + 9, value=3)),
    ("addmm_", lambda L, x: x[:, :2].addmm_(x[:, :1].clone(), x[:1, :2].clone())),
    ("addr_", lambda L, x: x.addr_(x[:, 0].clone(), x[0].clone())),
    ("baddbmm_", lambda L, x: x[None].baddbmm_(x[None, :, :2].clone(), x[None, :2].clone(), beta=0)),
    ("copy_promote", lambda L, x: x.copy_(L.ones_like(x, dtype=L.float64) * 1.7)), ("copy_broadcast", lambda L, x: x.copy_(L.tensor(2))),
    ("mvlgamma_", lambda L, x: (x + 5).mvlgamma_(2)), ("polygamma_", lambda L, x: x.polygamma_(1)),
    ("nan_to_num_kw_", lambda L, x: x.nan_to_num_(nan=1.0, posinf=2.0)), ("round_decimals_", lambda L, x: x.round_(decimals=1)),
]


def _functional(lib):
    """The library's nn.functional."""
    return __import__("nn").functional if lib.__name__ == "autograd" else lib.nn.functional

