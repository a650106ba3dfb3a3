"""A pytest plugin that makes `import torch` fail, to run the suite as a user without PyTorch would:
`python -m pytest -p tests.hide_torch` (not collected: its name does not start with test_)."""
import sys
from importlib.abc import MetaPathFinder


class _NoTorch(MetaPathFinder):
    """Answers every import of torch or a torch submodule as a missing module."""

    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named '{name}' (hidden by tests/hide_torch.py)", name=name)
        return None


if "torch" in sys.modules:
    raise RuntimeError("tests.hide_torch: torch was imported before the plugin loaded; load it with -p")
sys.meta_path.insert(0, _NoTorch())
