"""ag.jit: compiled steps replay eager training bit for bit, re-capture on guard changes, refuse host reads."""
import gc
import tracemalloc

import numpy as np
import pytest

import autograd as ag
import nn

STEPS = 20


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5)
        self.pool = nn.MaxPool2d(2)
        self.f1, self.f2, self.f3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(ag.relu(self.c1(x)))
        x = self.pool(ag.relu(self.c2(x))).flatten(1)
        return self.f3(ag.relu(self.f2(ag.relu(self.f1(x)))))


class LSTMClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(6, 12, batch_first=True)
        self.head = nn.Linear(12, 10)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


MODELS = {
    "mlp": (lambda: nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 10)), (8,)),
    "lenet5": (LeNet5, (1, 32, 32)),
    "lstm": (LSTMClassifier, (7, 6)),
    "batchnorm_dropout": (lambda: nn.Sequential(nn.Linear(8, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.3),
                                                nn.Linear(32, 10)), (8,)),
}
OPTIMIZERS = {
    "sgd_momentum": lambda params: nn.optim.SGD(params, lr=0.05, momentum=0.9),
    "adam": lambda params: nn.optim.Adam(params, lr=1e-2),
}


def _batches(shape, n=STEPS, batch=4):
    rng = np.random.default_rng(1)
    return [(rng.standard_normal((batch,) + shape).astype(np.float32), rng.integers(0, 10, batch)) for _ in range(n)]


def _train(model_name, opt_name, device, compiled):
    make, shape = MODELS[model_name]
    ag.manual_seed(0)
    model = make().to(device)
    opt = OPTIMIZERS[opt_name](model.parameters())
    loss_fn = nn.CrossEntropyLoss()

    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    run = ag.jit(step) if compiled else step
    losses = []
    for x, y in _batches(shape):
        losses.append(run(ag.tensor(x, device=device), ag.tensor(y, device=device)).numpy().copy())
    state = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    grads = [p.grad.numpy().copy() for p in model.parameters()]
    return losses, state, grads, run


@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("model_name", sorted(MODELS))
def test_replay_equals_eager_bit_for_bit(model_name, opt_name, device):
    eager = _train(model_name, opt_name, device, False)
    compiled = _train(model_name, opt_name, device, True)
    step = compiled[3]
    assert (step.eager_calls, step.captures, step.replays) == (1, 1, STEPS - 2)
    for a, b in zip(eager[0], compiled[0]):
        np.testing.assert_array_equal(a, b)
    assert eager[1].keys() == compiled[1].keys()
    for k in eager[1]:
        np.testing.assert_array_equal(eager[1][k], compiled[1][k], err_msg=k)
    for a, b in zip(eager[2], compiled[2]):
        np.testing.assert_array_equal(a, b)


def _counting_step(model, x_shape=(8,)):
    opt = nn.optim.SGD(model.parameters(), lr=0.1)

    @ag.jit
    def step(x, y):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def _xy(batch, features=8):
    rng = np.random.default_rng(batch)
    return ag.tensor(rng.standard_normal((batch, features)).astype(np.float32)), ag.tensor(rng.integers(0, 10, batch))


def test_shape_change_captures_again():
    model = nn.Sequential(nn.Linear(8, 10))
    step = _counting_step(model)
    for _ in range(3):
        step(*_xy(4))
    assert (step.eager_calls, step.captures, step.replays) == (1, 1, 1)
    for _ in range(3):
        step(*_xy(3))            # a new batch size: eager, capture, replay again
    assert (step.eager_calls, step.captures, step.replays) == (2, 2, 2)
    step(*_xy(4))                # the first signature is still cached
    assert step.replays == 3


def test_train_eval_switch_captures_again_and_matches_eager():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.Dropout(0.5), nn.Linear(16, 10))
    forward = ag.jit(lambda x: model(x))
    x, _ = _xy(4)
    with ag.no_grad():
        for _ in range(3):
            forward(x)
        model.eval()
        outs = [forward(x) for _ in range(3)]
    assert forward.captures == 2
    with ag.no_grad():
        expected = model(x)
    for out in outs:
        np.testing.assert_array_equal(out.numpy(), expected.numpy())


def test_dropout_draws_new_masks_each_replay():
    ag.manual_seed(0)
    drop = nn.Dropout(0.5)
    f = ag.jit(lambda x: drop(x))
    x = ag.ones(64)
    masks = [f(x).numpy().copy() for _ in range(5)]
    assert all(not np.array_equal(masks[i], masks[i + 1]) for i in range(4))


def test_learning_rate_changes_take_effect_in_replays():
    def run(compiled):
        ag.manual_seed(0)
        model = nn.Sequential(nn.Linear(8, 10))
        opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        sched = nn.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)

        def step(x, y):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss
        f = ag.jit(step) if compiled else step
        for i in range(8):
            f(*_xy(4))
            sched.step()
        return model[0].weight.numpy().copy()
    np.testing.assert_array_equal(run(False), run(True))


@pytest.mark.parametrize("read, name", [
    (lambda loss: loss.item(), "item()"),
    (lambda loss: print(loss), "printing"),
    (lambda loss: 1 if loss > 0 else 0, "bool()"),
    (lambda loss: float(loss), "float()"),
    (lambda loss: loss.numpy(), "numpy()"),
    (lambda loss: f"{loss:.3f}", "formatting"),
])
def test_host_reads_are_refused_during_capture(read, name):
    model = nn.Sequential(nn.Linear(8, 10))

    @ag.jit
    def step(x, y):
        loss = nn.functional.cross_entropy(model(x), y)
        read(loss)
        return loss
    x, y = _xy(4)
    step(x, y)                        # the eager call may read values
    with pytest.raises(ag.CaptureError, match=name.replace("(", r"\(").replace(")", r"\)")) as info:
        step(x, y)
    assert "shape ()" in str(info.value) and "host" in str(info.value)
    step2 = ag.jit(lambda x: model(x).sum())
    step2(x)
    step2(x)
    assert step2(x).shape == ()      # a failed capture leaves no recorder behind


def test_create_graph_backward_is_refused():
    x0 = ag.randn(3, requires_grad=True)

    @ag.jit
    def step(x):
        y = (x * x).sum()
        y.backward(create_graph=True)
        return y
    step(x0)
    with pytest.raises(ag.CaptureError, match="create_graph"):
        step(x0)


def test_outputs_structure_and_plain_values_come_back():
    model = nn.Sequential(nn.Linear(8, 10))
    f = ag.jit(lambda x, scale: {"out": model(x) * scale, "tag": "ok", "pair": (x.shape[0], model(x))})
    x, _ = _xy(4)
    with ag.no_grad():
        results = [f(x, 2.0) for _ in range(3)]
        expected = model(x) * 2.0
    for r in results:
        assert r["tag"] == "ok" and r["pair"][0] == 4
        np.testing.assert_array_equal(r["out"].numpy(), expected.numpy())
        assert r["out"].grad_fn is None


def test_batchnorm_buffers_follow_eager_in_replays():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 8), nn.BatchNorm1d(8))
    f = ag.jit(lambda x: model(x))
    x, _ = _xy(4)
    with ag.no_grad():
        for _ in range(5):
            f(x)
    bn = model[1]
    assert int(bn.num_batches_tracked.numpy()) == 5
    assert f.replays == 3


def test_no_memory_growth_over_1000_replays():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 10))
    step = _counting_step(model)
    x, y = _xy(4)
    for _ in range(20):
        step(x, y)
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(100):
            step(x, y)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(1000):
            step(x, y)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert step.replays >= 1100
    assert after - before < 20_000, f"memory grew by {after - before} bytes over 1000 replays"


def test_cache_is_bounded():
    model = nn.Sequential(nn.Linear(8, 10))
    f = ag.jit(lambda x: model(x), cache_size=2)
    with ag.no_grad():
        for batch in (1, 2, 3, 1):
            f(_xy(batch)[0])
    assert len(f._plans) == 2 and f.eager_calls == 4


def test_fit_with_jit_compile_matches_eager():
    def fit(jit_compile):
        ag.manual_seed(0)
        model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
        model.compile(nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9), "cross_entropy", metrics=["accuracy"],
                      jit_compile=jit_compile)
        rng = np.random.default_rng(0)
        x, y = rng.standard_normal((50, 8)).astype(np.float32), rng.integers(0, 3, 50)
        history = model.fit(x, y, epochs=4, batch_size=16, shuffle=True, seed=1, verbose=0)
        return history.history, model.evaluate(x, y), model.predict(x).numpy(), model
    eager, compiled = fit(False), fit(True)
    assert eager[0] == compiled[0]
    assert eager[1] == compiled[1]
    np.testing.assert_array_equal(eager[2], compiled[2])
    steps = compiled[3]._compiled.steps
    assert steps.train.replays > 0   # the full batches replayed; the last partial one got its own capture


def _gpu():
    import backends
    gpus = [d for d in backends.available() if d.startswith("cuda")]
    if not gpus:
        pytest.skip("needs a CUDA GPU (CuPy)")
    return gpus[0]


def test_cuda_replays_check_class_targets_at_the_next_synchronisation():
    gpu = _gpu()
    step = _counting_step(nn.Linear(8, 10).to(gpu))
    x, y = (t.to(gpu) for t in _xy(4))
    for _ in range(4):                       # eager, capture, replays: good targets never raise
        assert np.isfinite(step(x, y).item())
    loss = step(x, ag.tensor([0, 1, 2, 12]).to(gpu))
    with pytest.raises(IndexError, match=r"cross_entropy: target class 12 is out of range for 10 classes"):
        loss.item()
    assert np.isfinite(step(x, y).item())   # the failed verdict was read once


def test_cuda_graph_products_match_eager_steps():
    gpu = _gpu()
    eager = _train("mlp", "adam", gpu, False)
    compiled = _train("mlp", "adam", gpu, True)
    assert compiled[3].replays == STEPS - 2
    np.testing.assert_allclose(np.array(compiled[0]), np.array(eager[0]), rtol=1e-5, atol=1e-6)
    for k in eager[1]:
        np.testing.assert_allclose(compiled[1][k], eager[1][k], rtol=1e-4, atol=1e-6, err_msg=k)


def test_cuda_step_replays_as_cuda_graphs():
    import backends
    from autograd.jit.cuda_graph import CudaPlan
    gpus = [d for d in backends.available() if d.startswith("cuda")]
    if not gpus:
        pytest.skip("needs a CUDA GPU (CuPy)")
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.Dropout(0.3), nn.Linear(16, 10)).to(gpus[0])
    opt = nn.optim.Adam(model.parameters(), lr=1e-2)

    @ag.jit
    def step(x, y):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss
    x, y = (t.to(gpus[0]) for t in _xy(4))
    losses = [step(x, y).item() for _ in range(6)]
    plans = [p for p in step._plans.values() if isinstance(p, CudaPlan)]
    assert len(plans) == 1 and any(graph is not None for graph, _, _ in plans[0].steps)
    assert len(set(losses)) == len(losses)   # parameters move and Dropout masks change between replays
