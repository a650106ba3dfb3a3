"""backends.cupy_kernels.compile_check without CuPy: a clear message with the install command, and a
non-zero exit status, not a traceback. (CuPy is hidden from the child process, so this runs anywhere.)"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WITHOUT_CUPY = ("import runpy, sys; sys.modules['cupy'] = None; "  # makes `import cupy` fail as if not installed
                "runpy.run_module('backends.cupy_kernels.compile_check', run_name='__main__', alter_sys=True)")


def test_compile_check_without_cupy_says_how_to_install_it():
    result = subprocess.run([sys.executable, "-c", WITHOUT_CUPY], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert 'pip install -e ".[cuda]"' in result.stderr and "needs CuPy" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
