"""A description of the machine a benchmark ran on: CPU, cores, threads, BLAS, library versions, GPU."""
import os
import platform
import sys
from importlib import metadata

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS")


def cpu_model():
    """The CPU's marketing name, from /proc/cpuinfo on Linux, else what `platform` knows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def physical_cores():
    """Distinct (package, core) pairs in /proc/cpuinfo, or None where that file is missing."""
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
    except OSError:
        return None
    cores = set()
    for block in text.split("\n\n"):
        fields = dict(line.split(":", 1) for line in block.splitlines() if ":" in line)
        fields = {k.strip(): v.strip() for k, v in fields.items()}
        if "core id" in fields:
            cores.add((fields.get("physical id"), fields["core id"]))
    return len(cores) or None


def versions():
    """Installed versions of the packages that matter here (None when not installed)."""
    out = {"python": platform.python_version()}
    for name in ("numpy", "numba", "torch", "cupy", "threadpoolctl"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            cupy = [d.metadata["Name"] for d in metadata.distributions()
                    if (d.metadata["Name"] or "").lower().startswith("cupy-")] if name == "cupy" else []
            out[name] = metadata.version(cupy[0]) if cupy else None
    return out


def blas_info():
    """The BLAS libraries in use: threadpoolctl's live view if installed, else NumPy's build configuration."""
    try:
        from threadpoolctl import threadpool_info
        return [{k: pool.get(k) for k in ("internal_api", "version", "num_threads", "threading_layer",
                                           "architecture", "filepath")} for pool in threadpool_info()]
    except ImportError:
        pass
    import numpy
    try:
        blas = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return [{"internal_api": blas.get("name"), "version": blas.get("version"), "num_threads": None,
                 "source": "numpy build configuration"}]
    except Exception:  # older NumPy without mode="dicts"
        return []


def thread_counts():
    """Thread settings: environment variables, Numba's configured count and layer, PyTorch's (if imported).

    Reads configuration only: asking Numba for its live count would start its thread pool.
    """
    out = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    if "numba" in sys.modules or _installed("numba"):
        try:
            import numba
            out["numba"] = numba.config.NUMBA_NUM_THREADS
            out["numba_threading_layer"] = numba.config.THREADING_LAYER
        except Exception:
            pass
    if "torch" in sys.modules:
        out["torch"] = sys.modules["torch"].get_num_threads()
    return out


def gpu_name():
    """The first GPU's name, from CuPy or PyTorch when either sees one, else None."""
    try:
        import cupy
        if cupy.cuda.runtime.getDeviceCount():
            name = cupy.cuda.runtime.getDeviceProperties(0)["name"]
            return name.decode() if isinstance(name, bytes) else name
    except Exception:
        pass
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return None


def _installed(name):
    try:
        metadata.version(name)
        return True
    except metadata.PackageNotFoundError:
        return False


def describe():
    """Everything above as one JSON-ready dict."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {"cpu": cpu_model(), "logical_cores": os.cpu_count(), "physical_cores": physical_cores(),
            "usable_cores": usable, "os": platform.platform(), "versions": versions(), "blas": blas_info(),
            "threads": thread_counts(), "gpu": gpu_name()}


def summary_lines(info):
    """A few human-readable lines from describe()'s dict."""
    cores = f"{info['logical_cores']} logical / {info['physical_cores'] or '?'} physical, {info['usable_cores']} usable"
    blas = "; ".join(f"{b.get('internal_api')} {b.get('version') or ''}".strip()
                     + (f" ({b['num_threads']} threads)" if b.get("num_threads") else "") for b in info["blas"])
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v)
    threads = ", ".join(f"{k}={v}" for k, v in info["threads"].items() if v is not None)
    lines = [f"CPU: {info['cpu']} ({cores})", f"BLAS: {blas or 'unknown'}", f"threads: {threads or 'defaults'}",
             f"versions: {versions}"]
    if info.get("gpu"):
        lines.append(f"GPU: {info['gpu']}")
    return lines
