"""python -m tests.sweep [ops|graphs|indexing|modules|grads ...]: run the sweeps (all by default) and print what
differs from PyTorch, one line each, then a count per sweep; lines where only PyTorch refuses are counted apart,
since deepgrad accepting more (`mean` of integers, `flip` without dims) is allowed."""
import sys
import warnings

from . import grads, graphs, indexing, modules, ops

SWEEPS = {"ops": ops, "graphs": graphs, "indexing": indexing, "modules": modules, "grads": grads}


def main(names):
    import torch
    warnings.filterwarnings("ignore")
    for name in names or SWEEPS:
        found = SWEEPS[name].lines(torch)
        refused = [line for line in found if "PyTorch raises" in line]
        for line in found:
            if line not in refused:
                print(line)
        print(f"== {name}: {len(found) - len(refused)} differences, and {len(refused)} calls PyTorch refuses that "
              "deepgrad runs", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
