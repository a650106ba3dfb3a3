"""autograd.utils.tensorboard.SummaryWriter against torch.utils.tensorboard.SummaryWriter: the same calls write the
same events (every field but the wall time): scalars (old and new style), add_scalars' sub-runs, histograms with
TensorFlow's default edges, NumPy bins and max_bins, images and image grids in every layout, text, hparams runs,
purge_step; add_graph writes a GraphDef TensorBoard can read; the mistakes raise clear errors."""
import glob
import os

import numpy as np
import pytest

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader  # noqa: E402

import autograd as ag  # noqa: E402
from tests.helpers import require_torch  # noqa: E402

RNG = np.random.default_rng(0)
VALUES = RNG.standard_normal(500).astype(np.float32)
IMAGE = RNG.random((3, 10, 12)).astype(np.float32)
BATCH = RNG.random((11, 1, 6, 7)).astype(np.float32)
UINT8 = RNG.integers(0, 256, (9, 8, 3), dtype=np.uint8)


def _write(lib, writer_class, log_dir):
    t = lambda a: lib.tensor(a)   # noqa: E731
    with writer_class(log_dir, purge_step=2) as w:
        for step in range(3):
            w.add_scalar("loss/train", 1.0 / (step + 1), step)
            w.add_scalar("loss/val", t(np.float32(0.5 * step)), step, new_style=True)
        w.add_scalar("precise", 1.0 / 3, 0, new_style=True, double_precision=True)
        w.add_scalars("run/pair", {"a": 1.5, "b": t(np.float32(2.5))}, 7)
        w.add_histogram("weights", t(VALUES), 1)
        w.add_histogram("weights_np_bins", VALUES, 1, bins=10)
        w.add_histogram("weights_max_bins", t(VALUES), 1, max_bins=30)
        w.add_histogram("ints", np.arange(20), 2, bins="auto")
        w.add_image("chw", t(IMAGE), 0)
        w.add_image("hwc_uint8", UINT8, 0, dataformats="HWC")
        w.add_image("hw", t(IMAGE[0]), 0, dataformats="HW")
        w.add_images("grid", t(BATCH), 0)
        w.add_text("notes", "lr **0.1**, batch 32", 4)
        w.add_hparams({"lr": 0.1, "optimizer": "adam", "layers": 3, "bn": True}, {"hparam/accuracy": 0.91},
                      hparam_domain_discrete={"optimizer": ["adam", "sgd"]}, run_name="trial")


def _events(log_dir):
    """{relative run directory: [event without its wall time, as text]} for every event file under log_dir."""
    found = {}
    for path in sorted(glob.glob(os.path.join(log_dir, "**", "events.out.tfevents.*"), recursive=True)):
        run = os.path.relpath(os.path.dirname(path), log_dir)
        events = []
        for event in EventFileLoader(path).Load():
            event.ClearField("wall_time")
            events.append(str(event))
        found[run] = events
    return found


def test_events_equal_pytorchs(tmp_path):
    torch = require_torch()
    pytest.importorskip("PIL")
    from torch.utils.tensorboard import SummaryWriter as TorchWriter
    from autograd.utils.tensorboard import SummaryWriter
    _write(ag, SummaryWriter, str(tmp_path / "ours"))
    _write(torch, TorchWriter, str(tmp_path / "theirs"))
    ours, theirs = _events(str(tmp_path / "ours")), _events(str(tmp_path / "theirs"))
    assert sorted(ours) == sorted(theirs)
    for run in theirs:
        assert ours[run] == theirs[run], run


def test_add_graph_writes_a_graph_with_the_parameters(tmp_path):
    import nn
    from autograd.utils.tensorboard import SummaryWriter
    from tensorboard.compat.proto.graph_pb2 import GraphDef
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
    with SummaryWriter(str(tmp_path)) as w:
        w.add_graph(model, ag.randn(2, 4))
    [path] = glob.glob(str(tmp_path / "events.out.tfevents.*"))
    graphs = [GraphDef.FromString(e.graph_def) for e in EventFileLoader(path).Load() if e.graph_def]
    assert len(graphs) == 1
    names = {node.name for node in graphs[0].node}
    assert {"0.weight", "0.bias", "2.weight", "2.bias", "input/0", "output/0"} <= names
    ops = {node.op for node in graphs[0].node}
    assert "Parameter" in ops and "IO Node" in ops and len(graphs[0].node) > 7


def test_default_log_dir_is_runs_date_host_comment(tmp_path, monkeypatch):
    from autograd.utils.tensorboard import SummaryWriter
    monkeypatch.chdir(tmp_path)
    with SummaryWriter(comment="_lr0.1") as w:
        assert w.get_logdir().startswith("runs" + os.sep) and w.get_logdir().endswith("_lr0.1")
    assert os.path.isdir(w.get_logdir())


@pytest.mark.parametrize("call, kind, match", [
    (lambda w: w.add_scalar("x", ag.ones(3)), ValueError, "expects one number"),
    (lambda w: w.add_histogram("h", np.array([])), ValueError, "empty"),
    (lambda w: w.add_image("i", ag.rand(3, 4, 4), dataformats="HWC?"), ValueError, "dataformats"),
    (lambda w: w.add_image("i", ag.rand(3, 4, 4), dataformats="HW"), ValueError, "dataformats"),
    (lambda w: w.add_hparams([("lr", 0.1)], {}), TypeError, "dictionaries"),
    (lambda w: w.add_hparams({"lr": [0.1]}, {}), ValueError, "must be an int, float, str"),
    (lambda w: w.add_graph(lambda x: x), ValueError, "input_to_model"),
    (lambda w: w.add_scalar("x", "high"), ValueError, "expects a number"),
    (lambda w: w.add_scalar("x", [1.0]), NotImplementedError, "SummaryWriter"),
])
def test_mistakes_are_named(tmp_path, call, kind, match):
    from autograd.utils.tensorboard import SummaryWriter
    with SummaryWriter(str(tmp_path)) as w:
        with pytest.raises(kind, match=match):
            call(w)
