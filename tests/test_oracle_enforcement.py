"""DEEPGRAD_REQUIRE_ORACLE=1 (set by .ci/run) turns a missing PyTorch into a failed run, never a quiet skip;
without it, a user without torch sees the oracle tests skip and the rest pass."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SKIPS_FOR_TORCH = '''
import pytest

def test_oracle():
    pytest.skip("could not import 'torch': simulated")

def test_torch_free():
    pass
'''


def _pytest(args, require):
    env = dict(os.environ)
    env.pop("DEEPGRAD_REQUIRE_ORACLE", None)
    if require:
        env["DEEPGRAD_REQUIRE_ORACLE"] = "1"
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_required_oracle_that_cannot_be_imported_stops_the_session():
    run = _pytest(["-p", "tests.hide_torch", "tests/test_architecture.py"], require=True)
    assert run.returncode == 4, run.stdout + run.stderr
    assert "DEEPGRAD_REQUIRE_ORACLE=1 but PyTorch" in run.stderr


def test_a_test_skipped_for_torch_fails_when_the_oracle_is_required(tmp_path):
    (tmp_path / "test_simulated.py").write_text(SKIPS_FOR_TORCH)
    module_skip = tmp_path / "test_module_skip.py"
    module_skip.write_text('import pytest\npytest.skip("could not import \'torch\': simulated", '
                           'allow_module_level=True)\n')
    run = _pytest(["-p", "tests.conftest", "--continue-on-collection-errors", str(tmp_path)], require=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed, 1 passed, 1 error" in run.stdout
    assert "skipped for a missing torch under DEEPGRAD_REQUIRE_ORACLE=1" in run.stdout


def test_without_the_variable_a_missing_torch_only_skips_the_oracle_tests(tmp_path):
    (tmp_path / "test_simulated.py").write_text(SKIPS_FOR_TORCH)
    run = _pytest(["-p", "tests.conftest", str(tmp_path)], require=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 1 skipped" in run.stdout
