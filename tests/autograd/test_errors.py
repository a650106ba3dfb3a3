"""Misuse gives a clear error that names the op, the shapes or devices involved, and the fix."""
import os
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
import backends

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# op, the op's name in the message
ELEMENTWISE = [(lambda a, b: a + b, "add"), (lambda a, b: a - b, "sub"), (lambda a, b: a * b, "mul"),
               (lambda a, b: a / b, "div"), (lambda a, b: a ** b, "pow"), (ag.maximum, "maximum"),
               (ag.minimum, "minimum")]


@pytest.mark.parametrize("op,name", ELEMENTWISE, ids=[e[1] for e in ELEMENTWISE])
def test_mismatched_shapes_in_elementwise_ops_name_the_op_and_shapes(device, op, name):
    a = ag.ones((2, 3), device=device, requires_grad=True)
    b = ag.ones((4,), device=device)
    with pytest.raises(ValueError, match=rf"{name}.*\(2, 3\).*\(4,\).*broadcast") as info:
        op(a, b)
    assert "unsqueeze" in str(info.value)  # says how to fix it


def test_mismatched_shapes_in_where_name_the_shapes(device):
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
        ag.where(np.ones((2, 3), dtype=bool), ag.ones((2, 3), device=device), ag.ones((4,), device=device))


@pytest.mark.parametrize("shapes,match", [
    (((2, 3), (4, 5)), r"matmul.*Size\(\[2, 3\]\).*Size\(\[4, 5\]\).*not aligned.*3.*4"),
    (((3,), (4,)), r"matmul.*Size\(\[3\]\).*Size\(\[4\]\)"),
    (((2, 2, 3), (3, 3, 2)), r"matmul.*Size\(\[2, 2, 3\]\).*Size\(\[3, 3, 2\]\).*broadcast"),
    (((), (3,)), r"matmul.*at least 1 dimension.*Size\(\[\]\).*Size\(\[3\]\)"),
], ids=["2d", "1d", "batch", "0d"])
def test_matmul_shape_errors_name_the_op_and_shapes(device, shapes, match):
    a = ag.ones(shapes[0], device=device, requires_grad=True)
    b = ag.ones(shapes[1], device=device)
    with pytest.raises(ValueError, match=match):
        a @ b


def test_backward_on_a_non_scalar_without_a_gradient(device):
    y = ag.ones((2, 3), device=device, requires_grad=True) * 2
    with pytest.raises(ag.GraphError, match=r"Size\(\[2, 3\]\).*(sum|gradient)"):
        y.backward()


def test_backward_with_a_gradient_of_the_wrong_shape(device):
    y = ag.ones((2, 3), device=device, requires_grad=True) * 2
    with pytest.raises(ag.GraphError, match=r"\(3,\).*Size\(\[2, 3\]\)"):
        y.backward(ag.ones(3, device=device))


def test_backward_on_a_tensor_without_a_graph(device):
    with pytest.raises(ag.GraphError, match="requires_grad"):
        ag.ones(2, device=device).sum().backward()


def test_second_backward_through_a_freed_graph_mentions_retain_graph(device):
    x = ag.tensor([1.0, 2.0], device=device, requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(ag.GraphError, match="retain_graph=True"):
        y.backward()


def test_mixing_devices_names_both(device, second_host_device):
    a = ag.ones(3, device=device)
    b = ag.ones(3, device=second_host_device, requires_grad=True)
    with pytest.raises(backends.DeviceError, match=rf"add.*{device}.*{second_host_device}.*\.to\("):
        a + b
    with pytest.raises(backends.DeviceError, match=rf"{second_host_device}.*{device}"):
        ag.matmul(b, a)


def test_a_registered_device_appears_in_available(second_host_device):
    assert second_host_device in backends.available()
    t = ag.ones(2, device=second_host_device)
    assert t.device.name == second_host_device


def _run_with_device(value, code):
    env = dict(os.environ, DEEPGRAD_DEVICE=value, PYTHONPATH=REPO)
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def test_unknown_deepgrad_device_names_the_value_and_the_available_devices():
    result = _run_with_device("tpu", "import autograd as ag; ag.zeros(2)")
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "DeviceError" in last and "'tpu'" in last
    assert "cpu" in last.split("vailable")[-1]  # lists what is available here


def test_deepgrad_device_is_read_at_import_and_used():
    result = _run_with_device("numba", "import autograd as ag; print(ag.zeros(2).device)")
    if "numba" not in backends.available():
        pytest.skip("numba is not available here")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "numba"


def test_unknown_device_name_in_code(device):
    with pytest.raises(backends.DeviceError, match="'tpu:0'.*cpu"):
        ag.zeros(2, device="tpu:0")


# ways to change a tensor that a graph saved, after the graph was built
def _modify_saved_input(x):
    h = x * 1.0
    y = (h * h).sum()  # mul saves h
    with ag.no_grad():
        h += 1.0
    return y


def _modify_saved_leaf(x):
    y = (x * x).sum()
    with ag.no_grad():
        x.fill_(3.0)
    return y


def _modify_saved_output(x):
    e = x.exp()  # exp saves its output
    y = (e + 1.0).sum()  # add saves nothing
    with ag.no_grad():
        e[0] = 5.0
    return y


@pytest.mark.parametrize("modify,op", [(_modify_saved_input, "mul"), (_modify_saved_leaf, "mul"),
                                       (_modify_saved_output, "exp")], ids=["input", "leaf", "output"])
def test_in_place_change_of_a_saved_tensor_fails_at_backward(device, modify, op):
    x = ag.tensor([1.0, 2.0], device=device, requires_grad=True)
    y = modify(x)
    with pytest.raises(ag.GraphError, match=rf"{op}.*modified in place"):
        y.backward()


def test_in_place_change_of_a_leaf_that_requires_grad_is_refused(device):
    x = ag.tensor([1.0, 2.0], device=device, requires_grad=True)
    with pytest.raises(ag.GraphError, match=r"zero_.*leaf.*no_grad"):
        x.zero_()
    with pytest.raises(ag.GraphError, match="leaf.*no_grad"):
        x += 1.0


@pytest.mark.parametrize("dtype", [ag.int64, ag.int32, ag.bool_])
def test_requires_grad_on_a_non_float_tensor(device, dtype):
    with pytest.raises(TypeError, match=rf"floating.*{np.dtype(dtype).name}.*astype"):
        ag.tensor([1, 0], dtype=dtype, device=device, requires_grad=True)
    with pytest.raises(TypeError, match="floating"):
        ag.zeros(2, dtype=dtype, device=device).requires_grad_()


def test_gradcheck_refuses_float32_inputs(device):
    x = ag.tensor([1.0], device=device, requires_grad=True)
    with pytest.raises(TypeError, match="gradcheck.*float64"):
        ag.gradcheck(ag.exp, [x])


def test_gradcheck_reports_a_wrong_gradient(device):
    class WrongSquare(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, gy):
            return gy * ctx.saved_tensors[0]  # missing the factor 2

    x = ag.tensor([1.0, 2.0], dtype=ag.float64, device=device, requires_grad=True)
    assert ag.gradcheck(WrongSquare.apply, [x], raise_exception=False) is False
    with pytest.raises(RuntimeError, match="gradcheck: input 0"):   # PyTorch's default raises
        ag.gradcheck(WrongSquare.apply, [x])
