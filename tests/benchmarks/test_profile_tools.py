"""The two profiling tools that gpu_check.sh runs on a GPU (benchmarks/conv_parts.py, benchmarks/jit_parts.py),
run here on the cpu device with tiny sizes: every table they print is there."""
import re

from benchmarks import conv_parts, jit_parts


def test_conv_parts_prints_each_layer_and_direction(capsys, monkeypatch):
    monkeypatch.setattr(conv_parts, "median_ms", lambda fn, sync, repeats=15, number=5: (fn(), sync(), 1.0)[2])
    conv_parts.main(["--device", "cpu", "--batch", "2"])
    out = capsys.readouterr().out
    assert out.count("layer ") == len(conv_parts.LAYERS)
    for direction in ("forward", "grad_input", "grad_weight"):
        assert len(re.findall(rf"{direction}\s+deepgrad\s+1\.000 ms", out)) == len(conv_parts.LAYERS)


def test_jit_parts_times_eager_and_replay_and_profiles_the_replay(capsys):
    jit_parts.main(["--device", "cpu", "--calls", "2", "--rows", "3"])
    out = capsys.readouterr().out
    assert re.search(r"ops on cpu: eager [\d.]+ ms/step, replay [\d.]+ ms/step", out)
    assert re.search(r"mlp on cpu: eager [\d.]+ ms/step, replay [\d.]+ ms/step", out)
    assert out.count("ncalls") == 2
