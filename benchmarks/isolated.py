"""Measuring each side of a case in a process of its own (`python -m benchmarks --isolate`).

In one process the libraries' idle threads meet: OpenBLAS's workers keep polling for a while after each
product and PyTorch's OpenMP threads after each op, each taking the core the other library's next step
wants (PyTorch's oneDNN LSTM step took 3.1-4.4 ms alone and 4.5-8.9 ms beside deepgrad), while a
neighbour's spinning thread can also keep a core awake that would otherwise have to wake up. With
--isolate every side is built in a child process (one per side and case, kept for the whole case) that
calibrates its step and answers one sample per request, so the samples still alternate between the
sides round by round, as in one process, but each library runs as a user runs it: alone (each sample
starts SETTLE_S after the previous one ended, when the other library's threads have gone to sleep).
"""
import json
import subprocess
import sys
import time

from .case import Config, Row
from .child import REPO_ROOT, child_env
from .timing import calibrate, describe_error, interleave, timed_sampler
from .workloads import cases_for

#: a pause before each sample, so that the threads the previous side left polling (OpenBLAS's wait
#: about 0.1 s before they sleep) are asleep when the next side starts
SETTLE_S = 0.15


class SideProcess:
    """A child process holding one built side of a case; `sample()` asks it for one sample."""

    def __init__(self, module, workload, device, side, config):
        args = [module, workload, device, side, json.dumps(config.__dict__)]
        self.process = subprocess.Popen([sys.executable, "-m", "benchmarks.isolated", *args],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        env=child_env(device), cwd=REPO_ROOT, text=True)
        ready = self._reply()
        self.timed = ready["timed"]
        self.details = {}

    def _reply(self):
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            err = self.process.stderr.read().strip().splitlines()
            raise RuntimeError(err[-1] if err else f"side process exited with {self.process.returncode}")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    def sample(self):
        """One sample from the child: seconds per call for a timed side, else the side's own unit."""
        time.sleep(SETTLE_S)
        self.process.stdin.write("sample\n")
        self.process.stdin.flush()
        reply = self._reply()
        self.details = reply.get("details", {})
        return reply["value"]

    def close(self):
        """End the child (it closes its side first)."""
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=60)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


def measure_isolated(module, case, config):
    """Measure every side of `case` (from workload module `module`), each in its own process -> Row."""
    processes, errors = {}, {}
    try:
        for name in case.builders:
            try:
                processes[name] = SideProcess(module, case.workload, case.device, name, config)
            except Exception as exc:
                errors[name] = f"unavailable: {describe_error(exc)}"
        stats, run_errors = interleave({name: p.sample for name, p in processes.items()},
                                       case.rounds or config.rounds)
    finally:
        for process in processes.values():
            process.close()
    errors.update(run_errors)
    for name, process in processes.items():
        if name in stats and process.timed:
            stats[name] = stats[name].convert(case.convert)
    details = {name: dict(p.details) for name, p in processes.items() if p.details}
    return Row(case.workload, case.device, case.unit, stats=stats, errors=errors, details=details,
               higher_is_better=case.higher_is_better, goal=case.goal, note=case.note)


def _reply(message):
    print(json.dumps(message), flush=True)


def serve(module, workload, device, side_name, config_json):
    """In the child: build one side of one case, then answer each 'sample' line on stdin with one sample."""
    config = Config(**json.loads(config_json))
    try:
        case = next((c for c in cases_for(module, device, config) if c.workload == workload), None)
        if case is None:
            raise LookupError(f"workload {module!r} has no case {workload!r} on {device}")
        side = case.builders[side_name]()
        if side.sampler is None:
            number = calibrate(side.step, side.sync, config.target_s, config.warmup)
            sampler = timed_sampler(side.step, side.sync, number)
        else:
            sampler = side.sampler
    except Exception as exc:
        _reply({"error": describe_error(exc)})
        return
    _reply({"timed": side.sampler is None})
    try:
        for line in sys.stdin:
            if line.strip() != "sample":
                break
            try:
                _reply({"value": float(sampler()), "details": side.details})
            except Exception as exc:
                _reply({"error": describe_error(exc)})
                return
    finally:
        if side.close is not None:
            side.close()


if __name__ == "__main__":
    serve(*sys.argv[1:6])
