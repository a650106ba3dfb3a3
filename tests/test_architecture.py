"""The layering of the packages, checked from their source: which module may import which.

backends <- autograd <- nn: arrows only point down, nothing imports in a circle, and inside autograd the
Tensor type, the Function machinery, the ops and the engine stand on separate floors.
"""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = ("backends", "autograd", "nn")

# autograd's floors: a module imports only from floors below its own (ops may also import sibling ops)
AUTOGRAD_FLOORS = {
    "autograd.complex_forms": -1,
    "autograd.numpy_warnings": -4,   # the filter that keeps NumPy's floating-point warnings out of the ops
    "autograd.unsigned_limits": -1,   # PyTorch's refusals on uint16/32/64, read by dtypes and Function.apply
    # bfloat16 (optional ml_dtypes): the dtype at the very bottom; its float32 forms of ops, read by Function.apply
    "autograd.bf16_dtype": -2, "autograd.half_forms": -1.5,
    # torch.dtype's attributes written onto the NumPy dtype classes (on import: bf16_dtype imports it)
    "autograd.dtype_attributes": -3,
    "autograd.type_objects": 0, "autograd.torch_aliases_api": 7.6,
    "autograd.cuda_devices": -0.5, "autograd.cuda_memory": -0.4,
    "autograd.dtypes": 0, "autograd.errors": 0, "autograd.grad_mode": 0, "autograd.versions": 0,
    "autograd.broadcast": 0, "autograd.hooks": 0, "autograd.warn_once": 0, "autograd.cuda": 0.1, "autograd.capture": 0,
    "autograd.dtype_info": 0.5, "autograd.compile_api": 0,
    "autograd.tensor": 1, "autograd.accelerator": 1, "autograd.backend_flags": 1, "autograd.determinism_api": 0,
    "autograd.device_module_api": 1.5,   # get_device_module: reads the accelerator
    "autograd.from_file": 1.5,
    "autograd.printing": 0, "autograd.size": 0, "autograd.return_types": 0,
    # torch.nested: the marker ops test for at the bottom, the ragged size symbol, the jagged tensor over the ops
    "autograd.nested_kind": 0, "autograd.nested.ragged": 0, "autograd.nested.ops": 7.7,
    "autograd.nested_dispatch": 0.01,   # the decorator by which an op hands a nested argument's call over
    "autograd.nested.call_forms": 7.685,   # how nested_call reads the call: NumPy's spellings folded, over ops.dims
    # what both layouts share (their base class and padding, attention's argument rules), under ops
    "autograd.nested.common": 7.69, "autograd.nested.attention_checks": 0,
    "autograd.nested.jagged_structure": 7.701, "autograd.nested.jagged_select": 7.701,   # cut, join, pick: over ops
    "autograd.nested.jagged_shape": 7.701,
    "autograd.nested.strided": 7.705,   # the strided (default-layout) nested tensor: components, ops per component
    "autograd.nested.tensor": 7.71, "autograd.nested.construct": 7.72, "autograd.nested": 7.73,
    "autograd.linspace_steps": 0,
    "autograd.legacy_complex": 0,   # complex values given to the legacy constructors (read by Tensor)
    "autograd.numpy_operands": 0,   # how PyTorch's operators read NumPy arrays and scalars (read by the ops)
    # a Python int stored into an integer tensor (read by Tensor, the creation functions and the ops)
    "autograd.int_fit": 0,
    # grad_fn.register_hook / register_prehook (read by Function and the engine); backward(inputs=...) over the engine
    "autograd.node_hooks": 0.2, "autograd.backward_inputs": 6,
    # nodes under PyTorch's class names (read by Tensor.grad_fn); torch.autograd.graph's Node / GradientEdge (read by
    # the engine's grad)
    "autograd.node_names": 0.2, "autograd.saved_fields": 0.1, "autograd.graph_edges": 4.8,
    # sparse COO tensors: what one holds (read by Tensor, Function and the engine) and its printing at the bottom,
    # the ops in autograd.ops, the methods and torch.sparse on top
    "autograd.sparse_storage": 0.5, "autograd.sparse_printing": 0.6, "autograd.methods_sparse": 6.05,
    "autograd.sparse_api": 7, "autograd.masked_api": 7.5,   # torch.masked: reads linalg_api
    # torch.profiler (ag.profiler): the switch the ops read at the bottom, the profiler itself under autograd_api
    "autograd.profile_state": 0, "autograd.profiler.table": 6.9, "autograd.profiler.actions": 6.9,
    "autograd.profiler.record_function": 6.9, "autograd.profiler.events": 6.91, "autograd.profiler.recorder": 6.92,
    "autograd.profiler.profile": 6.93, "autograd.profiler.legacy": 6.94, "autograd.profiler": 6.95,
    "autograd.function": 2, "autograd.arrays": 2, "autograd.random_generator": 2, "autograd.saved_hooks": 1.5,
    # Tensor subclasses: what ops on them return (asked by Function.apply), and torch.overrides' dispatch of calls
    "autograd.tensor_subclasses": 1.5, "autograd.overrides": 1.6,
    "autograd.saved_graph": 2.5, "autograd.composed_backward": 2.6,
    "autograd.shown_nodes": 2.1,   # the display-only nodes of PyTorch's graph where deepgrad fuses (over Function)
    # in-place changes through views: the links ops make (under Function), the write-through over it
    "autograd.view_links": 1.5, "autograd.view_inplace": 2.5,
    # torch.autograd.graph / forward_ad / Variable, over the engine
    "autograd.saved_mutation": 6.79,   # allow_mutation_on_saved_tensors, over saved_tensors_hooks
    "autograd.autograd_graph": 6.8, "autograd.forward_ad": 6.87, "autograd.autograd_variable": 6.8,
    "autograd.ops": 3, "autograd.tensor_function": 3,
    # a custom Function's jvp in forward mode: the stand-in node the Function's backward becomes (tensor_function)
    "autograd.custom_jvp": 2.7,
    "autograd.graph_xp": 4, "autograd.creation": 4, "autograd.random_api": 4.5, "autograd.engine": 5,
    "autograd.gradcheck": 6, "autograd.methods_convert": 6, "autograd.methods_inplace": 6, "autograd.random_fills": 6,
    "autograd.activation_api": 6.5,
    # torch.as_strided / empty_strided / frombuffer and torch.binomial, over the ops; the top-level in-place
    # function forms (torch.exp_, ...), over the bound Tensor methods
    "autograd.strided_views": 4.6, "autograd.binomial_draws": 4.6, "autograd.inplace_function_forms": 7.6,
    "autograd.copy_forms": 7.6, "autograd.torch_norm_forms": 7.6,
    "autograd.torch_runtime_extras": 7.6,
    # torch.svd_lowrank / pca_lowrank (random draws), cond / while_loop, to_dlpack / from_dlpack, set_ / resize_
    "autograd.lowrank_api": 4.7, "autograd.control_flow_api": 6.5, "autograd.dlpack_api": 4.7,
    "autograd.utils.dlpack": 7.8, "autograd.methods_storage": 6.05, "autograd.storage": 6.05, "autograd.version": 0,
    "autograd.autograd_functional": 6.8, "autograd.autograd_function": 6.8, "autograd.autograd_api": 7,
    "autograd.special_api": 7,
    "autograd.linalg_api": 7, "autograd.methods_info": 6.05, "autograd.torch_misc_api": 7, "autograd.testing": 7,
    "autograd.legacy_api": 7, "autograd.methods_legacy": 6.05, "autograd.fft": 7,
    # torch.onnx: export over the trace (ag.jit's recorder); the op converters and the graph builder import no floor
    "autograd.onnx": 7, "autograd.onnx_trace": 6.9, "autograd.onnx_dynamic": 6.4, "autograd.onnx_ops": 0,
    "autograd.onnx_graph": 0, "autograd.onnx_math_ops": 0.5, "autograd.onnx_index_ops": 0.5,
    "autograd.atomic_file": 0,
    "autograd.multiprocessing": 0,
    # stft/istft and the window factories sit just under autograd.methods, which binds Tensor.stft/istft
    "autograd.spectral": 6.9, "autograd.windows": 6.9, "autograd.signal.windows": 7, "autograd.signal": 7.05,
    # torch.quasirandom: the direction-number table (NumPy only), the engine (creation ops and the generator)
    "autograd.quasirandom.sobol_directions": 0, "autograd.quasirandom.sobol": 4.6, "autograd.quasirandom": 7.05,
    "autograd.methods": 7,
    # torch.func's transforms (ag.func): pytrees and the random-number policy below, the transforms over the engine
    "autograd.pytree": 0, "autograd.func_random": 0, "autograd.func_levels": 0, "autograd.func_core": 6.85,
    "autograd.func_jac": 6.86,
    "autograd.func_vmap": 6.86, "autograd.func_api": 7,
    # the jit tracer (autograd/jit/) stands on the engine: its modules in their own order between 6 and 7
    "autograd.jit.refs": 6.1, "autograd.jit.tree": 6.2, "autograd.jit.backward": 6.2, "autograd.jit.recorder": 6.3,
    "autograd.jit.lowering": 6.21, "autograd.jit.program": 6.22, "autograd.jit.emit": 6.25,
    "autograd.jit.plan": 6.3, "autograd.jit.guards": 6.3, "autograd.jit.cuda_graph": 6.4, "autograd.jit.tracer": 6.5,
    "autograd.jit.compiled": 6.6, "autograd.jit": 6.7,
    "autograd.jit.annotations": 0,   # torch.jit.annotations: typing names only
    "autograd.foreach_api": 7,   # torch._foreach_*: the tensor methods over lists
    # torch.distributions' counterpart, built from the ops and creation functions
    "autograd.distributions.distribution": 7.1, "autograd.distributions.normal": 7.2,
    "autograd.distributions.discrete": 7.2, "autograd.distributions.kl": 7.3, "autograd.distributions": 7.4,
    "autograd.distributions.constraints": 7.05, "autograd.distributions.gamma_special": 7.05,
    "autograd.distributions.beta_special": 7.05,
    "autograd.distributions.constrained": 7.15, "autograd.distributions.transform_base": 7.15,
    "autograd.distributions.transforms": 7.16, "autograd.distributions.constraint_registry": 7.2,
    "autograd.distributions.transformed": 7.2, "autograd.distributions.continuous": 7.2,
    "autograd.distributions.gamma_family": 7.2, "autograd.distributions.multivariate": 7.2,
    "autograd.distributions.counts": 7.2, "autograd.distributions.mixture": 7.25,
    "autograd.distributions.dirichlet": 7.25, "autograd.distributions.derived": 7.25,
    "autograd.distributions.one_hot": 7.25, "autograd.distributions.relaxed": 7.25,
    "autograd.distributions.kl_pairs": 7.35, "autograd.distributions.utils": 7.2,
    # the transforms on structure and on matrices (re-exported by transforms), ExponentialFamily, the families
    # added in the third round (each in the file named as PyTorch's module), their KL pairs, and PyTorch's
    # submodule paths that only re-export a class
    "autograd.distributions.structured_transforms": 7.155, "autograd.distributions.matrix_transforms": 7.155,
    "autograd.distributions.exp_family": 7.18, "autograd.distributions.kl_pairs_more": 7.37,
    "autograd.distributions.kl_pairs_cross": 7.38,
    "autograd.distributions.weibull": 7.3, "autograd.distributions.pareto": 7.3,
    "autograd.distributions.generalized_pareto": 7.3, "autograd.distributions.inverse_gamma": 7.3,
    "autograd.distributions.kumaraswamy": 7.3, "autograd.distributions.fishersnedecor": 7.3,
    "autograd.distributions.negative_binomial": 7.3, "autograd.distributions.logistic_normal": 7.3,
    "autograd.distributions.one_hot_categorical": 7.3, "autograd.distributions.von_mises": 7.3,
    "autograd.distributions.continuous_bernoulli": 7.3, "autograd.distributions.lowrank_multivariate_normal": 7.3,
    "autograd.distributions.wishart": 7.3, "autograd.distributions.lkj_cholesky": 7.3,
    "autograd.distributions.bernoulli": 7.38, "autograd.distributions.beta": 7.38,
    "autograd.distributions.binomial": 7.38, "autograd.distributions.categorical": 7.38,
    "autograd.distributions.cauchy": 7.38, "autograd.distributions.chi2": 7.38,
    "autograd.distributions.exponential": 7.38, "autograd.distributions.gamma": 7.38,
    "autograd.distributions.geometric": 7.38, "autograd.distributions.gumbel": 7.38,
    "autograd.distributions.half_cauchy": 7.38, "autograd.distributions.half_normal": 7.38,
    "autograd.distributions.independent": 7.38, "autograd.distributions.laplace": 7.38,
    "autograd.distributions.log_normal": 7.38, "autograd.distributions.mixture_same_family": 7.38,
    "autograd.distributions.multinomial": 7.38, "autograd.distributions.multivariate_normal": 7.38,
    "autograd.distributions.poisson": 7.38, "autograd.distributions.relaxed_bernoulli": 7.38,
    "autograd.distributions.relaxed_categorical": 7.38, "autograd.distributions.studentT": 7.38,
    "autograd.distributions.transformed_distribution": 7.38, "autograd.distributions.uniform": 7.38,
    # automatic mixed precision: its switches sit on floor 0 (Function.apply reads them); the policy, which casts
    # through ops, installs itself there from above
    "autograd.autocast_state": 0, "autograd.amp.policy": 7.5, "autograd.amp.autocast_mode": 7.5,
    "autograd.amp.grad_scaler": 7.5, "autograd.amp.custom_function": 7.55, "autograd.amp.legacy": 7.6,
    "autograd.amp": 7.7,
    # torch.utils's counterpart (activation checkpointing), over the engine, saved_tensors_hooks and autocast
    "autograd.utils.checkpoint": 7.8, "autograd.utils": 7.9,
    # torch.utils.tensorboard's counterpart: over the whole of autograd (add_graph runs a model)
    "autograd.utils.tensorboard.arrays": 8.1, "autograd.utils.tensorboard.summaries": 8.2,
    "autograd.utils.tensorboard.graph": 8.2, "autograd.utils.tensorboard.writer": 8.3,
    "autograd.utils.tensorboard": 8.4,
    # torch.utils.benchmark's counterpart: the measurement (NumPy only), the timer and the table over it
    "autograd.utils.benchmark.measurement": 8.1, "autograd.utils.benchmark.timer": 8.2,
    "autograd.utils.benchmark.compare": 8.2, "autograd.utils.benchmark": 8.4,
    # optional integrations (autograd.interop): einops's backend over the ops and bound methods; the watcher that
    # loads it when einops is imported sits just under autograd's __init__
    "autograd.interop.einops_backend": 7.95, "autograd.interop.einops_hook": 7.96, "autograd.interop": 7.97,
    "autograd": 8,
}


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules():
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(importer, node):
    """The project modules an import statement loads (anywhere in the file, functions included)."""
    is_package = MODULES[importer].name == "__init__.py"
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] in PACKAGES]
    base = node.module or ""
    if node.level:
        anchor = importer.split(".") if is_package else importer.split(".")[:-1]
        anchor = anchor[:len(anchor) - (node.level - 1)]
        base = ".".join(anchor + ([base] if base else []))
    if base.split(".")[0] not in PACKAGES:
        return []
    targets = []
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        targets.append(sub if sub in MODULES else base)
    return targets


def _graph():
    edges = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(), str(path))
        deps = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                deps.update(t for t in _resolve(name, node) if t in MODULES and t != name)
        edges[name] = deps
    return edges


GRAPH = _graph()


@pytest.mark.parametrize("lower, upper", [("backends", "autograd"), ("backends", "nn"), ("autograd", "nn")])
def test_no_upward_imports(lower, upper):
    bad = [f"{m} imports {d}" for m, deps in GRAPH.items() if m.split(".")[0] == lower
           for d in deps if d.split(".")[0] == upper]
    assert not bad, "imports that point up: " + "; ".join(bad)


def test_nn_uses_autograd_not_backends():
    bad = [f"{m} imports {d}" for m, deps in GRAPH.items() if m.split(".")[0] == "nn"
           for d in deps if d.split(".")[0] == "backends"]
    assert not bad, "nn must reach devices through autograd: " + "; ".join(bad)


def _floor(module):
    while module not in AUTOGRAD_FLOORS:
        module = module.rpartition(".")[0]
    return AUTOGRAD_FLOORS[module]


def test_autograd_floors():
    bad = []
    for m, deps in GRAPH.items():
        if not m.startswith("autograd"):
            continue
        for d in deps:
            if not d.startswith("autograd"):
                continue
            same_ops = m.startswith("autograd.ops.") and d.startswith("autograd.ops.")
            if not same_ops and _floor(d) >= _floor(m):
                bad.append(f"{m} (floor {_floor(m)}) imports {d} (floor {_floor(d)})")
    assert not bad, "autograd imports across floors the wrong way: " + "; ".join(bad)


def test_no_import_cycles():
    index, low, on_stack, stack, cycles = {}, {}, set(), [], []
    counter = [0]

    def visit(v):   # Tarjan's strongly connected components, written out for a graph of ~150 nodes
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not cycles, f"modules that import each other in a circle: {cycles}"


def test_no_private_tensor_fields_outside_autograd():
    private = ("._data", "._device", "._node", "._make(", "._bump_version(")
    bad = []
    for name, path in MODULES.items():
        if not name.startswith("nn"):
            continue
        for lineno, line in enumerate(path.read_text().splitlines(), 1):
            if any(p in line for p in private):
                bad.append(f"{path.relative_to(ROOT)}:{lineno}")
    assert not bad, "nn touches Tensor internals (use autograd.arrays): " + ", ".join(bad)
