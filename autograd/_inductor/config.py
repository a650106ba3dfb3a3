"""torch._inductor.config: the knobs ported programs set before `compile` (llm.c's `train_gpt2.py` sets
`config.coordinate_descent_tuning = True`).

deepgrad's `compile` runs the model eagerly (autograd/compile_api.py), so no setting here changes what runs: each
is held with PyTorch's default so a program may read and set it. As in PyTorch, reading or setting a name the
config does not have raises AttributeError (a misspelt knob is not silently ignored)."""
import sys
import types


class _Knobs(types.ModuleType):
    """A namespace whose known names may be read and set; an unknown name raises AttributeError."""

    def __init__(self, qualname, settings, sections=()):
        super().__init__(qualname)
        object.__setattr__(self, "_known", dict(settings))
        object.__setattr__(self, "_sections", dict(sections))
        for name, value in self._known.items():
            object.__setattr__(self, name, value)
        for name, section in self._sections.items():
            object.__setattr__(self, name, section)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"{self.__name__}.{name} does not exist")

    def __setattr__(self, name, value):
        if name not in self._known:
            raise AttributeError(f"{self.__name__}.{name} does not exist")
        object.__setattr__(self, name, value)

    def get_config_copy(self):
        """Every top-level setting and its current value (sections as dotted names), as PyTorch's."""
        out = {name: getattr(self, name) for name in self._known}
        for section_name, section in self._sections.items():
            out.update({f"{section_name}.{k}": v for k, v in section.get_config_copy().items()})
        return out


_TRITON = {"unique_kernel_names": True, "cudagraphs": False, "cudagraph_trees": True,
           "cudagraph_skip_dynamic_graphs": False, "descriptive_names": "original_aten", "autotune_pointwise": True,
           "max_tiles": None}
_CPP = {"threads": -1, "simdlen": None, "enable_kernel_profile": False}
_TOP = {"coordinate_descent_tuning": False, "coordinate_descent_check_all_directions": False,
        "coordinate_descent_search_radius": 1, "max_autotune": False, "max_autotune_gemm": False,
        "max_autotune_pointwise": False, "epilogue_fusion": True, "fx_graph_cache": True,
        "fx_graph_remote_cache": None, "freezing": False, "conv_1x1_as_mm": False,
        "force_fuse_int_mm_with_mul": False, "use_mixed_mm": True, "shape_padding": True, "permute_fusion": False,
        "aggressive_fusion": False, "debug": False, "compile_threads": 2, "split_reductions": True,
        "benchmark_kernel": False, "verbose_progress": False, "fallback_random": False, "implicit_fallbacks": True,
        "cpp_wrapper": False, "memory_planning": False, "reorder_for_compute_comm_overlap": False,
        "size_asserts": True, "unroll_reductions_threshold": 8, "dynamic_scale_rblock": True}

_config = _Knobs(__name__, _TOP, {"triton": _Knobs(__name__ + ".triton", _TRITON),
                                  "cpp": _Knobs(__name__ + ".cpp", _CPP)})
object.__setattr__(_config, "__file__", __file__)
object.__setattr__(_config, "__doc__", __doc__)
sys.modules[__name__] = _config
