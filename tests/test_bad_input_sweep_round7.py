"""Round 7 of newcomer mistakes in PyTorch spelling (rounds 1-6: tests/test_bad_input_sweep.py, _round2.py ...
_round6.py): the tensor ops where deepgrad raised a plain ValueError, IndexError or TypeError and PyTorch raises
RuntimeError (or NotImplementedError, or IndexError for a dim that is not there): dim shuffles (movedim, rot90,
roll, diagonal), shape checks of block_diag, cartesian_prod, combinations, vander, meshgrid, renorm, trace and
the flips, counting and binning (bincount, histc, histogram, histogramdd), order statistics (kthvalue, aminmax),
the scatter family (index_reduce, scatter_reduce, scatter, masked_scatter, slice/select/diagonal_scatter), diff,
trapezoid, tril_indices / triu_indices and logcumsumexp of integers. Each must raise the exception type PyTorch
raises, still an instance of the type deepgrad raised before, with a message naming the op, the shapes, dtypes or
values involved and the fix; where PyTorch accepts a nearby call, we accept it and give PyTorch's result."""
import warnings

import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle, pytorch_names, value_of

X3 = "torch.ones(2, 3, 4)"
M4 = "torch.ones(4, 4)"
I = "torch.tensor([0])"

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it; the new type's base where we accepted the call), substrings the message must hold
SHAPES = [
    ("movedim_lengths_differ", f"torch.movedim({X3}, (0, 1), (0,))", RuntimeError, ValueError,
     ("movedim", "(0, 1)", "(0,)", "one destination per source dim")),
    ("Tensor_movedim_lengths_differ", f"{X3}.movedim((0, 1), (0,))", RuntimeError, ValueError,
     ("movedim", "differ in length")),
    ("moveaxis_lengths_differ", f"torch.moveaxis({X3}, (0, 1), (0,))", RuntimeError, ValueError, ("movedim",)),
    ("movedim_repeated_source", f"torch.movedim({X3}, (0, 0), (1, 2))", RuntimeError, ValueError,
     ("movedim", "repeated dim in source", "(2, 3, 4)", "once")),
    ("movedim_repeated_destination", f"torch.movedim({X3}, (0, 1), (1, 1))", RuntimeError, ValueError,
     ("movedim", "repeated dim in destination", "(1, 1)")),
    ("block_diag_of_3d", "torch.block_diag(torch.ones(2, 2, 2))", RuntimeError, ValueError,
     ("block_diag", "(2, 2, 2)", "tensors[0]", "reshape")),
    ("block_diag_second_3d", "torch.block_diag(torch.ones(2, 2), torch.ones(1, 2, 2))", RuntimeError, ValueError,
     ("block_diag", "(1, 2, 2)", "tensors[1]")),
    ("cartesian_prod_of_2d", "torch.cartesian_prod(torch.ones(2, 2))", RuntimeError, ValueError,
     ("cartesian_prod", "(2, 2)", "flatten")),
    ("cartesian_prod_second_2d", "torch.cartesian_prod(torch.ones(2), torch.ones(2, 2))", RuntimeError, ValueError,
     ("cartesian_prod", "tensors[1]")),
    ("cartesian_prod_of_0d", "torch.cartesian_prod(torch.tensor(1.0))", RuntimeError, ValueError,
     ("cartesian_prod", "()")),
    ("combinations_of_2d", "torch.combinations(torch.ones(2, 2))", RuntimeError, ValueError,
     ("combinations", "(2, 2)", "flatten")),
    ("combinations_negative_r", "torch.combinations(torch.ones(3), r=-1)", RuntimeError, ValueError,
     ("combinations", "-1", "(3,)", "r >= 0")),
    ("combinations_fractional_r", "torch.combinations(torch.ones(3), r=1.5)", TypeError, ValueError,
     ("combinations", "float", "int(r)")),
    ("vander_of_2d", "torch.vander(torch.ones(2, 2))", RuntimeError, ValueError, ("vander", "(2, 2)", "flatten")),
    ("vander_negative_N", "torch.vander(torch.ones(2), -1)", RuntimeError, ValueError, ("vander", "-1", "N >= 0")),
    ("vander_fractional_N", "torch.vander(torch.ones(2), 1.5)", TypeError, ValueError, ("vander", "float", "int(N)")),
    ("renorm_of_1d", "torch.renorm(torch.ones(3), 2, 0, 1.0)", RuntimeError, ValueError,
     ("renorm", "at least 2 dimensions", "(3,)", "unsqueeze(0)")),
    ("Tensor_renorm_of_1d", "torch.ones(3).renorm(2, 0, 1.0)", RuntimeError, ValueError, ("renorm", "(3,)")),
    ("renorm_negative_p", "torch.renorm(torch.ones(3, 3), -1, 0, 1.0)", RuntimeError, ValueError,
     ("renorm", "p must be > 0", "-1", "p=2")),
    ("renorm_zero_p", "torch.renorm(torch.ones(3, 3), 0, 0, 1.0)", RuntimeError, ValueError, ("renorm", "got 0")),
    ("renorm_negative_maxnorm", "torch.renorm(torch.ones(3, 3), 2, 0, -1.0)", RuntimeError, ValueError,
     ("renorm", "maxnorm", "-1.0", "(3, 3)")),
    ("renorm_of_int", "torch.renorm(torch.ones(3, 3, dtype=torch.int64), 2, 0, 1.0)", RuntimeError, TypeError,
     ("renorm", "int64", ".float()")),
    ("trace_of_3d", "torch.trace(torch.ones(2, 2, 2))", RuntimeError, ValueError,
     ("trace", "[2, 2, 2]", "diagonal(dim1=-2, dim2=-1)")),
    ("fliplr_of_1d", "torch.fliplr(torch.ones(3))", RuntimeError, ValueError, ("fliplr", "(3,)", "flip(x, 0)")),
    ("flipud_of_0d", "torch.flipud(torch.tensor(1.0))", RuntimeError, ValueError, ("flipud", "0-d")),
    ("roll_two_shifts_without_dims", "torch.roll(torch.ones(3), (1, 2))", RuntimeError, ValueError,
     ("roll", "(1, 2)", "(3,)", "pass dims")),
    ("roll_shifts_and_dims_differ", "torch.roll(torch.ones(3, 3), (1, 2), (0,))", RuntimeError, ValueError,
     ("roll", "(1, 2)", "(0,)", "one shift per dim")),
    ("rot90_of_1d", "torch.rot90(torch.ones(3), 1, (0, 1))", RuntimeError, ValueError, ("rot90", "(3,)")),
    ("rot90_one_dim", "torch.rot90(torch.ones(3, 3), 1, (0,))", RuntimeError, ValueError,
     ("rot90", "dims=(0,)", "(3, 3)")),
    ("rot90_same_dims", "torch.rot90(torch.ones(3, 3), 1, (0, 0))", RuntimeError, ValueError,
     ("rot90", "(0, 0)", "different dims")),
    ("diagonal_of_1d", "torch.diagonal(torch.ones(3))", IndexError, ValueError, ("diagonal", "(3,)", "diag(x)")),
    ("diagonal_same_dims", "torch.diagonal(torch.ones(3, 3), 0, 0, 0)", RuntimeError, ValueError,
     ("diagonal", "must differ", "(3, 3)")),
    ("meshgrid_bad_indexing", "torch.meshgrid(torch.ones(2), torch.ones(3), indexing='xx')", RuntimeError,
     ValueError, ("meshgrid", "'xx'", "'ij'", "'xy'")),
    ("meshgrid_of_2d", "torch.meshgrid(torch.ones(2, 2), torch.ones(3), indexing='ij')", RuntimeError, ValueError,
     ("meshgrid", "(2, 2)", "flatten")),
    ("take_along_dim_fewer_dims", "torch.take_along_dim(torch.ones(3, 3), torch.tensor([0]), 0)", RuntimeError,
     ValueError, ("take_along_dim", "number of dims")),
    ("diff_negative_n", "torch.diff(torch.ones(3), n=-1)", RuntimeError, ValueError,
     ("diff", "non-negative", "-1", "(3,)", "n=1")),
    ("Tensor_diff_negative_n", "torch.ones(3).diff(n=-1)", RuntimeError, ValueError, ("diff", "-1")),
    ("diff_of_0d", "torch.diff(torch.tensor(1.0))", RuntimeError, ValueError, ("diff", "0-d", "reshape(1)")),
    ("diff_prepend_fewer_dims", "torch.diff(torch.ones(3, 3), prepend=torch.ones(3))", RuntimeError, ValueError,
     ("diff", "prepend", "(3,)", "(3, 3)", "unsqueeze")),
    ("diff_append_other_shape", "torch.diff(torch.ones(3, 3), append=torch.ones(2, 2))", RuntimeError, ValueError,
     ("diff", "append", "(2, 2)", "(3, 3)", "dim 1")),
    ("diff_0d_prepend", "torch.diff(torch.ones(3), prepend=torch.tensor(0.0))", RuntimeError, ValueError,
     ("diff", "prepend", "()", "(3,)", "unsqueeze")),
    ("diff_number_prepend", "torch.diff(torch.ones(3), prepend=0.0)", TypeError, TypeError,
     ("diff", "prepend", "float", "ag.tensor")),
    ("trapezoid_x_too_long", "torch.trapezoid(torch.ones(3), torch.ones(4))", RuntimeError, ValueError,
     ("trapezoid", "x has 4", "y has 3", "length 3")),
    ("trapezoid_x_too_short", "torch.trapezoid(torch.ones(3, 3), torch.ones(2))", RuntimeError, ValueError,
     ("trapezoid", "(3, 3)")),
    ("trapz_x_too_long", "torch.trapz(torch.ones(3), torch.ones(4))", RuntimeError, ValueError, ("trapezoid",)),
    ("cumulative_trapezoid_x_too_long", "torch.cumulative_trapezoid(torch.ones(3), torch.ones(4))", RuntimeError,
     ValueError, ("cumulative_trapezoid", "x has 4")),
    ("tril_indices_negative_row", "torch.tril_indices(-1, 3)", RuntimeError, ValueError,
     ("tril_indices", "row", "-1", ">= 0")),
    ("tril_indices_negative_col", "torch.tril_indices(3, -1)", RuntimeError, ValueError, ("tril_indices", "col")),
    ("triu_indices_negative_row", "torch.triu_indices(-1, 3)", RuntimeError, ValueError, ("triu_indices", "row")),
    ("triu_indices_negative_col", "torch.triu_indices(3, -2)", RuntimeError, ValueError, ("triu_indices", "-2")),
    ("tril_indices_float_row", "torch.tril_indices(3.0, 3)", TypeError, ValueError,
     ("tril_indices", "row", "float", "int(row)")),
    ("tril_indices_float_offset", "torch.tril_indices(3, 3, offset=1.5)", TypeError, TypeError,
     ("tril_indices", "offset", "float")),
    ("bucketize_2d_boundaries", "torch.bucketize(torch.ones(2), torch.ones(2, 2))", RuntimeError, ValueError,
     ("bucketize", "(2, 2)", "searchsorted")),
]

COUNTS = [
    ("bincount_negative", "torch.bincount(torch.tensor([1, -1]))", RuntimeError, ValueError,
     ("bincount", "non-negative", "-1", "(2,)", "x - x.min()")),
    ("Tensor_bincount_negative", "torch.tensor([1, -1]).bincount()", RuntimeError, ValueError, ("bincount", "-1")),
    ("bincount_of_2d", "torch.bincount(torch.tensor([[1, 2]]))", RuntimeError, TypeError,
     ("bincount", "(1, 2)", "flatten")),
    ("bincount_of_float", "torch.bincount(torch.tensor([1.0, 2.0]))", NotImplementedError, TypeError,
     ("bincount", "float32", ".long()")),
    ("bincount_of_bool", "torch.bincount(torch.tensor([True, False]))", NotImplementedError, TypeError,
     ("bincount", "bool", ".long()")),
    ("bincount_weights_too_long", "torch.bincount(torch.tensor([1, 2]), weights=torch.ones(3))", RuntimeError,
     ValueError, ("bincount", "weights", "(3,)", "(2,)", "one weight per input element")),
    ("bincount_negative_minlength", "torch.bincount(torch.tensor([1, 2]), minlength=-1)", RuntimeError, ValueError,
     ("bincount", "minlength", "-1", "pass 0")),
    ("bincount_fractional_minlength", "torch.bincount(torch.tensor([1, 2]), minlength=1.5)", TypeError, ValueError,
     ("bincount", "minlength", "float", "int(minlength)")),
    ("histc_zero_bins", "torch.histc(torch.ones(3), bins=0)", RuntimeError, ValueError,
     ("histc", "bins must be a positive int", "got 0", ">= 1")),
    ("histc_negative_bins", "torch.histc(torch.ones(3), bins=-1)", RuntimeError, ValueError, ("histc", "-1")),
    ("histc_fractional_bins", "torch.histc(torch.ones(3), bins=2.5)", TypeError, ValueError,
     ("histc", "float", "int(bins)")),
    ("histc_min_above_max", "torch.histc(torch.ones(3), bins=4, min=2, max=1)", RuntimeError, ValueError,
     ("histc", "max must be larger than min", "min=2", "max=1", "swap")),
    ("Tensor_histc_zero_bins", "torch.ones(3).histc(bins=0)", RuntimeError, ValueError, ("histc", "got 0")),
    ("Tensor_histc_min_above_max", "torch.ones(3).histc(bins=4, min=2, max=1)", RuntimeError, ValueError,
     ("histc", "min=2")),
    ("histc_nan_min", "torch.histc(torch.ones(3), bins=4, min=float('nan'), max=1)", RuntimeError, ValueError,
     ("histc", "not finite", "nan", "finite min and max")),
    ("histc_inf_max", "torch.histc(torch.ones(3), bins=4, min=0, max=float('inf'))", RuntimeError, ValueError,
     ("histc", "inf")),
    ("histogram_zero_bins", "torch.histogram(torch.ones(3), bins=0)", RuntimeError, ValueError,
     ("histogram", "bins", "got 0")),
    ("histogram_negative_bins", "torch.histogram(torch.ones(3), bins=-1)", RuntimeError, ValueError,
     ("histogram", "-1")),
    ("histogram_fractional_bins", "torch.histogram(torch.ones(3), bins=2.5)", TypeError, ValueError,
     ("histogram", "float", "bin edges")),
    ("histogram_min_above_max", "torch.histogram(torch.ones(3), bins=4, range=(2.0, 1.0))", RuntimeError,
     ValueError, ("histogram", "min should not exceed max", "(2.0, 1.0)", "min <= max")),
    ("Tensor_histogram_zero_bins", "torch.ones(3).histogram(bins=0)", RuntimeError, ValueError, ("histogram",)),
    ("Tensor_histogram_min_above_max", "torch.ones(3).histogram(4, range=(2.0, 1.0))", RuntimeError, ValueError,
     ("histogram", "(2.0, 1.0)")),
    ("histogram_infinite_range", "torch.histogram(torch.ones(3), bins=4, range=(0.0, float('inf')))", RuntimeError,
     ValueError, ("histogram", "not finite", "inf")),
    ("histogram_one_edge", "torch.histogram(torch.ones(3), bins=torch.tensor([1.0]))", RuntimeError, ValueError,
     ("histogram", "at least 2 edges", "(1,)", "linspace")),
    ("histogram_no_edges", "torch.histogram(torch.ones(3), bins=torch.tensor([], dtype=torch.float32))",
     RuntimeError, ValueError, ("histogram", "(0,)")),
    ("histogram_2d_edges", "torch.histogram(torch.ones(3), bins=torch.ones(2, 2))", RuntimeError, ValueError,
     ("histogram", "1-D", "(2, 2)")),
    ("histogram_weight_too_short", "torch.histogram(torch.ones(3), bins=4, weight=torch.ones(2))", RuntimeError,
     ValueError, ("histogram", "weight", "(2,)", "(3,)", "one weight per element")),
    ("histogram_float64_weight", "torch.histogram(torch.ones(3), bins=4, weight=torch.ones(3, dtype=torch.float64))",
     RuntimeError, TypeError, ("histogram", "float64", "float32", ".to(input.dtype)")),
    ("histogram_float64_edges", "torch.histogram(torch.ones(3), bins=torch.tensor([1.0, 2.0], dtype=torch.float64))",
     RuntimeError, TypeError, ("histogram", "float64", ".to(input.dtype)")),
    ("histogramdd_zero_bins", "torch.histogramdd(torch.ones(3, 2), bins=0)", RuntimeError, ValueError,
     ("histogram", "got 0")),
    ("histogramdd_negative_bins", "torch.histogramdd(torch.ones(3, 2), bins=[2, -1])", RuntimeError, ValueError,
     ("histogram", "-1")),
    ("histogramdd_of_0d", "torch.histogramdd(torch.tensor(1.0), bins=2)", IndexError, ValueError,
     ("histogramdd", "0-d", "reshape(-1, 1)")),
    ("histogramdd_bins_per_dim_count", "torch.histogramdd(torch.ones(3, 2), bins=[2, 2, 2])", RuntimeError,
     ValueError, ("histogramdd", "3 entries", "2 coordinates")),
    ("histogramdd_short_range", "torch.histogramdd(torch.ones(3, 2), bins=2, range=[0.0, 1.0])", RuntimeError,
     ValueError, ("histogramdd", "4 numbers", "got 2", "[min0, max0")),
    ("histogramdd_weight_shape", "torch.histogramdd(torch.ones(3, 2), bins=2, weight=torch.ones(2))", RuntimeError,
     ValueError, ("histogramdd", "weight", "(2,)", "(3,)", "one weight per point")),
    ("histogramdd_min_above_max", "torch.histogramdd(torch.ones(3, 2), bins=2, range=[1.0, 0.0, 0.0, 1.0])",
     RuntimeError, ValueError, ("min should not exceed max", "(1.0, 0.0)")),
]

ORDER_AND_SCANS = [
    ("aminmax_of_empty", "torch.aminmax(torch.ones(0))", RuntimeError, ValueError,
     ("aminmax", "(0,)", "empty", "pass a dim")),
    ("Tensor_aminmax_of_empty", "torch.ones(0).aminmax()", RuntimeError, ValueError, ("aminmax", "(0,)")),
    ("aminmax_along_empty_dim", "torch.aminmax(torch.ones(0, 3), dim=0)", IndexError, ValueError,
     ("aminmax", "(0, 3)")),
    ("kthvalue_k_0", "torch.kthvalue(torch.ones(3), 0)", RuntimeError, IndexError,
     ("kthvalue", "k=0", "length 3", "(3,)", "1 <= k <= 3")),
    ("kthvalue_k_past_end", "torch.kthvalue(torch.ones(3), 4)", RuntimeError, IndexError, ("kthvalue", "k=4")),
    ("Tensor_kthvalue_k_0", "torch.ones(3).kthvalue(0)", RuntimeError, IndexError, ("kthvalue", "k=0")),
    ("Tensor_kthvalue_k_past_end", "torch.ones(3).kthvalue(4)", RuntimeError, IndexError, ("kthvalue", "k=4")),
    ("kthvalue_negative_k", "torch.kthvalue(torch.ones(3), -1)", RuntimeError, IndexError, ("kthvalue", "k=-1")),
    ("kthvalue_k_past_dim_0", "torch.kthvalue(torch.ones(2, 3), 3, dim=0)", RuntimeError, IndexError,
     ("kthvalue", "dim 0 of length 2", "(2, 3)")),
    ("kthvalue_k_of_0d", "torch.kthvalue(torch.tensor(1.0), 2)", RuntimeError, IndexError, ("kthvalue", "k=2")),
    ("kthvalue_fractional_k", "torch.kthvalue(torch.ones(3), 1.5)", TypeError, TypeError,
     ("kthvalue", "k", "float", "int(k)")),
    ("logcumsumexp_of_int", "torch.logcumsumexp(torch.tensor([1, 2]), 0)", NotImplementedError, TypeError,
     ("logcumsumexp", "int64", "(2,)", ".float()")),
    ("Tensor_logcumsumexp_of_int", "torch.tensor([1, 2]).logcumsumexp(0)", NotImplementedError, TypeError,
     ("logcumsumexp", "int64")),
    ("logcumsumexp_of_bool", "torch.logcumsumexp(torch.tensor([True]), 0)", NotImplementedError, TypeError,
     ("logcumsumexp", "bool")),
]

SCATTERS = [
    ("index_reduce_sum", f"torch.ones(3).index_reduce(0, {I}, torch.ones(1), 'sum')", RuntimeError, ValueError,
     ("index_reduce", "'sum'", "prod, mean, amax, amin", "(3,)", "index_add")),
    ("Tensor_index_reduce__bad", f"torch.ones(3).index_reduce_(0, {I}, torch.ones(1), 'bad')", RuntimeError,
     ValueError, ("index_reduce", "'bad'")),
    ("index_reduce_bad", f"torch.index_reduce(torch.ones(3), 0, {I}, torch.ones(1), 'bad')", RuntimeError,
     ValueError, ("index_reduce", "'bad'")),
    ("index_reduce_float64_source", f"torch.ones(3).index_reduce(0, {I}, torch.ones(1, dtype=torch.float64), 'prod')",
     RuntimeError, TypeError, ("index_reduce", "float64", "float32", ".to(input.dtype)")),
    ("index_reduce_source_shape", f"torch.ones(3, 2).index_reduce(0, {I}, torch.ones(1, 3), 'prod')", RuntimeError,
     ValueError, ("index_reduce", "[1, 3]", "[3, 2]", "(1, 2)", "reshape source")),
    ("index_add_source_shape", f"torch.ones(3, 2).index_add(0, {I}, torch.ones(1, 3))", RuntimeError, ValueError,
     ("index_add", "[1, 3]", "[3, 2]")),
    ("index_copy_source_count", f"torch.ones(3).index_copy(0, {I}, torch.ones(2))", IndexError, ValueError,
     ("index_copy", "[2]", "(1,)")),
    ("index_add_2d_index", "torch.ones(3).index_add(0, torch.tensor([[0]]), torch.ones(1))", IndexError, ValueError,
     ("index_add", "0-d or 1-D", "(1, 1)", "index.flatten()")),
    ("index_fill_2d_index", "torch.ones(3).index_fill(0, torch.tensor([[0]]), 1.0)", RuntimeError, ValueError,
     ("index_fill", "(1, 1)")),
    ("index_put_float64_values", "torch.ones(3).index_put((torch.tensor([0]),), torch.ones(1, dtype=torch.float64))",
     RuntimeError, TypeError, ("index_put", "float64", "float32", "values.to(input.dtype)")),
    ("scatter_reduce_bad", f"torch.ones(3).scatter_reduce(0, {I}, torch.ones(1), 'bad')", RuntimeError, ValueError,
     ("scatter_reduce", "'bad'", "sum, prod, mean, amax, amin")),
    ("Tensor_scatter_reduce__bad", f"torch.ones(3).scatter_reduce_(0, {I}, torch.ones(1), 'bad')", RuntimeError,
     ValueError, ("scatter_reduce", "'bad'")),
    ("scatter_reduce_float64_src", f"torch.ones(3).scatter_reduce(0, {I}, torch.ones(1, dtype=torch.float64), 'sum')",
     RuntimeError, TypeError, ("scatter_reduce", "float64", "float32", ".to(input.dtype)")),
    ("scatter_reduce_src_too_small", "torch.ones(3).scatter_reduce(0, torch.tensor([0, 1]), torch.ones(1), 'sum')",
     RuntimeError, ValueError, ("scatter_reduce", "(1,)", "(2,)")),
    ("scatter_bad_reduce", f"torch.ones(3).scatter(0, {I}, torch.ones(1), reduce='mean')", RuntimeError,
     ValueError, ("scatter", "'mean'", "'add' or 'multiply'", "scatter_reduce")),
    ("masked_scatter_short_source", "torch.ones(3).masked_scatter(torch.tensor([True, True, True]), torch.ones(2))",
     RuntimeError, ValueError, ("masked_scatter", "3 True elements", "has only 2", "one per True element")),
    ("Tensor_masked_scatter__short_source",
     "torch.ones(3).masked_scatter_(torch.tensor([True, True, True]), torch.ones(2))", RuntimeError, ValueError,
     ("masked_scatter", "has only 2")),
    ("masked_scatter_short_source_function",
     "torch.masked_scatter(torch.ones(3), torch.tensor([True, True, True]), torch.ones(2))", RuntimeError,
     ValueError, ("masked_scatter",)),
    ("masked_scatter_float64_source",
     "torch.ones(3).masked_scatter(torch.tensor([True, True, True]), torch.ones(3, dtype=torch.float64))",
     RuntimeError, TypeError, ("masked_scatter", "float64", "float32", "source.to(input.dtype)")),
    ("slice_scatter_wrong_size", f"torch.slice_scatter({M4}, torch.ones(2, 4), 0, 0, 3)", RuntimeError, ValueError,
     ("slice_scatter", "(3, 4)", "(2, 4)", "(4, 4)", "reshape src")),
    ("Tensor_slice_scatter_wrong_size", f"{M4}.slice_scatter(torch.ones(2, 4), 0, 0, 3)", RuntimeError, ValueError,
     ("slice_scatter", "(2, 4)")),
    ("slice_scatter_stepped_wrong_size", f"torch.slice_scatter({M4}, torch.ones(2, 4), 0, 0, 2, 2)", RuntimeError,
     ValueError, ("slice_scatter", "(1, 4)")),
    ("select_scatter_wrong_size", f"torch.select_scatter({M4}, torch.ones(3), 0, 0)", RuntimeError, ValueError,
     ("select_scatter", "(4,)", "(3,)")),
    ("Tensor_select_scatter_wrong_size", f"{M4}.select_scatter(torch.ones(3), 0, 0)", RuntimeError, ValueError,
     ("select_scatter", "(3,)")),
    ("diagonal_scatter_wrong_size", f"torch.diagonal_scatter({M4}, torch.ones(3))", RuntimeError, ValueError,
     ("diagonal_scatter", "(4,)", "(3,)")),
    ("Tensor_diagonal_scatter_wrong_size", f"{M4}.diagonal_scatter(torch.ones(3))", RuntimeError, ValueError,
     ("diagonal_scatter", "(3,)")),
    ("diagonal_scatter_of_1d", "torch.diagonal_scatter(torch.ones(4), torch.ones(4))", IndexError, ValueError,
     ("diagonal_scatter", "(4,)", "dim1, dim2")),
    ("diagonal_scatter_same_dims", "torch.diagonal_scatter(torch.ones(3, 3), torch.ones(3), 0, 1, 1)", RuntimeError,
     ValueError, ("diagonal_scatter", "must differ", "(3, 3)")),
    ("take_int32_index", "torch.take(torch.ones(3), torch.tensor([1], dtype=torch.int32))", RuntimeError, TypeError,
     ("take", "int32", ".long()")),
]

E = "torch.empty(0)"
# the out= forms: the same mistakes raise the same types (these functions did not take out= before)
OUT_FORMS = [
    ("diff_negative_n_out", f"torch.diff(torch.ones(3), n=-1, out={E})", RuntimeError, ValueError, ("diff", "-1")),
    ("histc_zero_bins_out", f"torch.histc(torch.ones(3), bins=0, out={E})", RuntimeError, ValueError,
     ("histc", "got 0")),
    ("histogram_zero_bins_out", f"torch.histogram(torch.ones(3), bins=0, out=({E}, {E}))", RuntimeError, ValueError,
     ("histogram", "got 0")),
    ("renorm_of_1d_out", f"torch.renorm(torch.ones(3), 2, 0, 1.0, out={E})", RuntimeError, ValueError,
     ("renorm", "(3,)")),
    ("renorm_float64_out", "torch.renorm(torch.ones(3, 3), 2, 0, 1.0, out=torch.empty(0, dtype=torch.float64))",
     RuntimeError, TypeError, ("renorm", "float64", "float32")),
    ("aminmax_of_empty_out", f"torch.aminmax(torch.ones(0), out=({E}, {E}))", RuntimeError, ValueError,
     ("aminmax", "(0,)")),
    ("logcumsumexp_of_int_out", f"torch.logcumsumexp(torch.tensor([1, 2]), 0, out={E})", RuntimeError, TypeError,
     ("logcumsumexp", "int64")),
    ("index_reduce_bad_out", f"torch.index_reduce(torch.ones(3), 0, {I}, torch.ones(1), 'bad', out={E})",
     RuntimeError, ValueError, ("index_reduce", "'bad'")),
    ("kthvalue_k_0_out", f"torch.kthvalue(torch.ones(3), 0, out=({E}, torch.empty(0, dtype=torch.int64)))",
     RuntimeError, IndexError, ("kthvalue", "k=0")),
]

# the same kind of mistake in the ops beside them (transpose, repeat_interleave, searchsorted, quantile, multinomial,
# cdist, fill_diagonal_, unique_consecutive)
NEIGHBOURS = [
    ("t_of_3d", "torch.ones(2, 2, 2).t()", RuntimeError, ValueError, ("t:", "[2, 2, 2]", "transpose(dim0, dim1)")),
    ("repeat_interleave_negative", "torch.repeat_interleave(torch.ones(3), -1)", RuntimeError, ValueError,
     ("repeat_interleave", "-1", "(3,)", "0 or more")),
    ("repeat_interleave_2d_counts", "torch.repeat_interleave(torch.tensor([[1, 2]]))", RuntimeError, ValueError,
     ("repeat_interleave", "1-D integer tensor", "[1, 2]")),
    ("repeat_interleave_negative_counts", "torch.repeat_interleave(torch.tensor([1, -2]))", RuntimeError,
     ValueError, ("repeat_interleave", "[1, -2]", "0 or more")),
    ("repeat_interleave_wrong_output_size",
     "torch.repeat_interleave(torch.ones(2), torch.tensor([1, 2]), output_size=5)", RuntimeError, ValueError,
     ("repeat_interleave", "output_size=5", "3 elements", "pass output_size=3")),
    ("searchsorted_bad_side", "torch.searchsorted(torch.tensor([1.0, 2.0]), torch.ones(2), side='middle')",
     RuntimeError, ValueError, ("searchsorted", "'middle'", "'left' or 'right'")),
    ("searchsorted_right_and_left", "torch.searchsorted(torch.tensor([1.0, 2.0]), torch.ones(2), right=True, "
                                    "side='left')", RuntimeError, ValueError, ("searchsorted", "contradict")),
    ("searchsorted_nd_leading_dims", "torch.searchsorted(torch.ones(2, 3), torch.ones(3, 2))", RuntimeError,
     ValueError, ("searchsorted", "[2, 3]", "[3, 2]", "1-D sequence")),
    ("searchsorted_short_sorter", "torch.searchsorted(torch.tensor([1.0, 2.0]), torch.ones(2), "
                                  "sorter=torch.tensor([0]))", RuntimeError, ValueError,
     ("searchsorted", "sorter", "[1]", "[2]", "argsort()")),
    ("quantile_bad_interpolation", "torch.quantile(torch.ones(3), 0.5, interpolation='bad')", RuntimeError,
     ValueError, ("quantile", "'bad'", "'linear'")),
    ("quantile_2d_q", "torch.quantile(torch.ones(3), torch.ones(2, 2) / 2)", RuntimeError, ValueError,
     ("quantile", "(2, 2)", "flatten")),
    ("quantile_float64_q", "torch.quantile(torch.ones(3), torch.tensor([0.5], dtype=torch.float64))", RuntimeError,
     TypeError, ("quantile", "float64", "float32", "q.to(input.dtype)")),
    ("quantile_q_above_1", "torch.quantile(torch.ones(3), 1.5)", RuntimeError, ValueError,
     ("quantile", "[1.5]", "(3,)", "not percents")),
    ("fill_diagonal_uneven_3d", "torch.ones(2, 3, 4).fill_diagonal_(1.0)", RuntimeError, ValueError,
     ("fill_diagonal_", "[2, 3, 4]", "diagonal_scatter")),
    ("slice_scatter_zero_step", "torch.slice_scatter(torch.ones(4), torch.ones(2), 0, 0, 4, 0)", RuntimeError,
     ValueError, ("slice_scatter", "got 0", "(4,)")),
    ("slice_scatter_negative_step", "torch.slice_scatter(torch.ones(4), torch.ones(2), 0, 0, 4, -1)", RuntimeError,
     ValueError, ("slice_scatter", "-1", "flip src")),
    ("slice_scatter_fractional_step", "torch.slice_scatter(torch.ones(4), torch.ones(2), 0, 0, 4, 1.5)", TypeError,
     ValueError, ("slice_scatter", "float", "int(step)")),
    ("unique_consecutive_other_dim_empty", "torch.unique_consecutive(torch.ones(3, 0), dim=0)", RuntimeError,
     ValueError, ("unique_consecutive", "(3, 0)", "dim=None")),
    ("multinomial_zero_samples", "torch.multinomial(torch.ones(3), 0)", RuntimeError, ValueError,
     ("multinomial", "got 0", "(3,)", "1 or more")),
    ("multinomial_fractional_samples", "torch.multinomial(torch.ones(3), 1.5)", TypeError, ValueError,
     ("multinomial", "float", "int(num_samples)")),
    ("multinomial_zero_weights", "torch.multinomial(torch.zeros(3), 1)", RuntimeError, ValueError,
     ("multinomial", "sums to 0", "positive weight")),
    ("multinomial_too_many_without_replacement", "torch.multinomial(torch.ones(3), 5)", RuntimeError, ValueError,
     ("multinomial", "5 samples", "3 categories", "replacement=True")),
    ("multinomial_of_3d", "torch.multinomial(torch.ones(2, 2, 2), 1)", RuntimeError, TypeError,
     ("multinomial", "[2, 2, 2]", "one row per draw")),
    ("multinomial_of_int", "torch.multinomial(torch.ones(3, dtype=torch.int64), 1)", RuntimeError, TypeError,
     ("multinomial", "int64")),
    ("cdist_negative_p", "torch.cdist(torch.ones(2, 3), torch.ones(2, 3), p=-1)", RuntimeError, ValueError,
     ("cdist", "-1", "(2, 3)", "p=2.0")),
]

CASES = SHAPES + COUNTS + ORDER_AND_SCANS + SCATTERS + OUT_FORMS + NEIGHBOURS

# calls near the mistakes above that PyTorch accepts: ours run and give PyTorch's result (the last line's value)
ACCEPTED = [
    ("movedim_several", f"torch.movedim({X3}, (0, 1), (2, 0)).shape"),
    ("block_diag_of_0d_1d_2d", "torch.block_diag(torch.tensor(2.0), torch.ones(2), torch.ones(2, 2))"),
    ("renorm_inf_p", "torch.renorm(torch.tensor([[3.0, 4.0], [0.3, 0.4]]), float('inf'), 0, 1.0)"),
    ("bincount_weights_minlength", "torch.bincount(torch.tensor([1, 3]), torch.tensor([0.5, 2.0]), 5)"),
    ("aminmax_along_full_dim", "torch.aminmax(torch.ones(3, 0), dim=0)"),
    ("kthvalue_last", "torch.kthvalue(torch.tensor([3.0, 1.0, 2.0]), 3)"),
    ("index_reduce_amax", "torch.ones(3).index_reduce(0, torch.tensor([0, 0]), torch.tensor([4.0, 2.0]), 'amax')"),
    ("masked_scatter_long_source", "torch.zeros(3).masked_scatter(torch.tensor([True, False, True]), "
                                   "torch.arange(5.0))"),
    ("diagonal_scatter_offset", "torch.diagonal_scatter(torch.zeros(4, 4), torch.ones(3), 1, 0, 1)"),
    ("slice_scatter_float64_src", "torch.slice_scatter(torch.zeros(4), torch.ones(2, dtype=torch.float64), 0, 0, 2)"),
    ("histogram_decreasing_edges", "torch.histogram(torch.ones(3), bins=torch.tensor([2.0, 1.0]))"),
    ("histc_of_data_range", "torch.histc(torch.tensor([1.0, 2.0, 2.0, 4.0]), bins=3)"),
    ("diff_n_0", "torch.diff(torch.tensor([1.0, 4.0]), n=0)"),
    ("diff_prepend_and_append", "torch.diff(torch.tensor([[1.0, 4.0]]), prepend=torch.tensor([[0.0]]), "
                                "append=torch.tensor([[9.0]]))"),
    ("trapezoid_2d_x", "torch.trapezoid(torch.ones(3), x=torch.tensor([[0.0, 1.0], [0.0, 2.0]]))"),
    ("tril_indices_negative_offset", "torch.tril_indices(3, 3, -5)"),
    ("tril_indices_zero_rows", "torch.tril_indices(0, 3)"),
    ("combinations_r_0", "torch.combinations(torch.ones(3), r=0).shape"),
    ("logcumsumexp_float16", "torch.logcumsumexp(torch.tensor([1.0, 2.0], dtype=torch.float16), 0).float()"),
    ("logcumsumexp_complex", "torch.logcumsumexp(torch.tensor([1.0 + 1j, 2.0]), 0).abs()"),
    ("pairwise_distance_negative_p", "torch.nn.functional.pairwise_distance(torch.tensor([[1.0, 2.0, 3.0]]), "
                                     "torch.tensor([[0.0, 0.0, 1.0]]), p=-1)"),
    ("pairwise_distance_p_0", "torch.nn.functional.pairwise_distance(torch.tensor([[1.0, 2.0]]), "
                              "torch.tensor([[1.0, 0.0]]), p=0)"),
    ("PairwiseDistance_negative_p", "torch.nn.PairwiseDistance(p=-1)(torch.tensor([[1.0, 2.0, 3.0]]), "
                                    "torch.tensor([[2.0, 4.0, 6.0]]))"),
    ("normalize_negative_p", "torch.nn.functional.normalize(torch.tensor([[1.0, 2.0, 3.0]]), p=-1)"),
    ("normalize_p_0", "torch.nn.functional.normalize(torch.tensor([[1.0, 2.0, 3.0]]), p=0)"),
    ("repeat_interleave_output_size", "torch.repeat_interleave(torch.ones(2), torch.tensor([1, 2]), output_size=3)"),
    ("quantile_1d_q", "torch.quantile(torch.tensor([1.0, 2.0, 4.0]), torch.tensor([0.0, 0.5, 1.0]))"),
    ("diff_out", "o = torch.empty(0)\ntorch.diff(torch.tensor([1.0, 4.0, 9.0]), out=o)\no"),
    ("histc_out", "o = torch.empty(0)\ntorch.histc(torch.tensor([1.0, 2.0, 2.0]), bins=2, out=o)\no"),
    ("histogram_out", "h, e = torch.empty(0), torch.empty(0)\ntorch.histogram(torch.tensor([1.0, 2.0, 2.0]), 2, "
                      "out=(h, e))\n[h, e]"),
    ("aminmax_out", "a, b = torch.empty(0), torch.empty(0)\ntorch.aminmax(torch.tensor([3.0, 1.0]), out=(a, b))\n"
                    "[a, b]"),
    ("logcumsumexp_out", "o = torch.empty(0)\ntorch.logcumsumexp(torch.tensor([0.0, 1.0]), 0, out=o)\no"),
    ("renorm_out", "o = torch.empty(0)\ntorch.renorm(torch.tensor([[3.0, 4.0], [0.3, 0.4]]), 2, 0, 1.0, out=o)\no"),
    ("index_reduce_out", "o = torch.empty(0)\ntorch.index_reduce(torch.ones(3), 0, torch.tensor([1]), "
                         "torch.tensor([5.0]), 'amax', out=o)\no"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_mistake_raises_pytorchs_type_naming_the_op_and_shapes(case):
    check_mistake(case, pytorch_names())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_pytorch_raises_the_type_we_match(case):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_oracle(case, pytorch_names(), pytorch_names(torch))


def _plain(value):
    """Nested lists of numbers as a float array, anything else as it is."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return value


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_pytorch_accepts_run_and_match(case):
    torch = pytest.importorskip("torch")
    _, code = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = _plain(value_of(code, pytorch_names())), _plain(value_of(code, pytorch_names(torch)))
    if isinstance(theirs, np.ndarray):
        np.testing.assert_allclose(ours, theirs, rtol=1e-3)
    else:
        assert ours == theirs
