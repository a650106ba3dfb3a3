"""`python -m benchmarks.numba_kernels`: the table of Numba kernels against the cpu device's way."""
import numpy as np
import pytest


def test_measure_times_the_fused_optimiser_steps_against_nn_optim_formulas(capsys):
    pytest.importorskip("numba")
    from benchmarks import numba_kernels
    rows = numba_kernels.measure(np.float32, repeats=1, only="_step", statistic=np.min)
    assert [row[0].split()[0] for row in rows] == ["sgd_step", "adam_step"]
    for name, t_numpy, t_numba, ratio, used in rows:
        assert t_numpy > 0 and t_numba > 0 and ratio == pytest.approx(t_numpy / t_numba) and used
    numba_kernels.main(["--repeats", "1", "--only", "softmax 128x10"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["kernel", "numpy"] and len(lines) == 3
