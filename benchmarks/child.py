"""Running a piece of a workload in a fresh Python process, and reading back the JSON it prints."""
import json
import os
import subprocess
import sys
from pathlib import Path

#: the folder holding the `benchmarks`, `autograd`, `nn` and `backends` packages
REPO_ROOT = Path(__file__).resolve().parent.parent


def child_env(device):
    """This process's environment, with DEEPGRAD_DEVICE=`device` and the repository importable."""
    env = dict(os.environ)
    env["DEEPGRAD_DEVICE"] = str(device)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def run_child(code, args, device, timeout=300):
    """Run `python -c code *args` with DEEPGRAD_DEVICE=`device`; return the JSON object on its last stdout line.

    Raises RuntimeError with the end of the child's stderr when it fails.
    """
    proc = subprocess.run([sys.executable, "-c", code, *map(str, args)], env=child_env(device), cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=timeout)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        err = proc.stderr.strip().splitlines()
        raise RuntimeError(f"child process exited with {proc.returncode}: {err[-1] if err else 'no output'}")
    return json.loads(lines[-1])
