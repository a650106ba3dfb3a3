"""log(0), x / 0 and 0 * inf inside deepgrad's ops are silent, as in PyTorch, while NumPy code of the user's own
still warns: NumPy's floating-point RuntimeWarnings are ignored only when raised from deepgrad's modules."""
import subprocess
import sys

PROGRAM = """
import numpy as np
import autograd as ag
import nn
x = ag.tensor([0.0, 1.0], requires_grad=True)
y = ag.log(x) + ag.tensor([1.0, 2.0]) / 0 + ag.tensor([0.0, 1.0]) * float("inf")
y.sum().backward()
nn.functional.cross_entropy(ag.tensor([[float("inf"), 0.0]]), ag.tensor([1]))
print("ops silent")
try:
    np.log(np.zeros(1))
except RuntimeWarning:
    print("user's numpy warns")
"""


def test_deepgrads_float_warnings_are_silent_and_the_users_are_not():
    # -W error turns any warning into an exception: deepgrad's ops must not raise one; the user's np.log must
    done = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", "-c", PROGRAM], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["ops silent", "user's numpy warns"]
