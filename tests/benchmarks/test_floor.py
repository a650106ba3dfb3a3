"""The BLAS floor of the mlp and lstm rows: FLOP counts of their products, the peak rate, the report line."""
import numpy as np
import pytest

from benchmarks.case import OURS, Row
from benchmarks.floor import FLOOR, floor_side, lstm_flops, mlp_flops, peak_flops
from benchmarks.report import table_rows
from benchmarks.timing import Stats
from benchmarks.workloads import lstm, mlp


def _product_flops(a_shape, b_shape):
    return 2 * a_shape[0] * a_shape[1] * b_shape[1]


def test_mlp_flops_count_every_product_of_a_training_step():
    batch, sizes = 8, (5, 4, 3)
    expected = (_product_flops((8, 5), (5, 4)) + _product_flops((8, 4), (4, 3))        # forward
                + _product_flops((5, 8), (8, 4)) + _product_flops((4, 8), (8, 3))      # weight gradients
                + _product_flops((8, 3), (3, 4)))                                      # input gradient of layer 2
    assert mlp_flops(batch, sizes) == expected


def test_lstm_flops_count_projection_recurrence_and_weight_gradients():
    seq, batch, inputs, hidden = 3, 2, 5, 4
    per_step = _product_flops((batch, hidden), (hidden, 4 * hidden))
    projection = _product_flops((seq * batch, inputs), (inputs, 4 * hidden))
    expected = (projection + seq * per_step                                            # forward
                + seq * per_step                                                       # h gradients
                + _product_flops((4 * hidden, seq * batch), (seq * batch, hidden))     # w_hh gradient
                + _product_flops((4 * hidden, seq * batch), (seq * batch, inputs)))    # w_ih gradient
    assert lstm_flops(seq, batch, inputs, hidden) == expected


def test_peak_rate_and_floor_side_are_positive_and_consistent():
    pytest.importorskip("threadpoolctl")
    rate = peak_flops(1, size=128, calls=2)
    assert 1e6 < rate < 1e14
    sample = floor_side(2e9, 1).sampler()
    assert 0 < sample < 2e9 / 1e6 * 1e3


def test_cpu_rows_carry_the_floor_and_cuda_rows_do_not():
    from benchmarks.case import Config
    config = Config(quick=True)
    (row,) = lstm.cases("cpu", config)
    assert FLOOR in row.builders
    assert FLOOR in mlp.cases("numba", config)[0].builders
    assert FLOOR not in mlp.cases("cuda", config)[0].builders


def test_report_gives_the_floor_over_torch():
    row = Row("lstm", "cpu", "ms/step",
              stats={OURS: Stats([6.0]), "torch": Stats([5.0]), FLOOR: Stats([np.float64(3.5)])})
    (cells,), _ = table_rows([row])
    assert "floor/torch 0.70" in cells[-1]
