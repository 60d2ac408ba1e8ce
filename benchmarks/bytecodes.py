#!/usr/bin/env python
"""Bytecodes per operation: build, reparent and detach, boughs against the strong floor.

Run from the repository root::

    python benchmarks/bytecodes.py              # a 20,000-node random tree
    python benchmarks/bytecodes.py --nodes 5000

Counts the bytecode instructions CPython executes (``sys.settrace`` opcode events)
for the workloads of ``benchmarks/run.py``, on the same random tree and the same
moves: a machine-independent measure of the work each operation does in Python,
which no other process can disturb. Time also goes to C (allocation, weak references)
and to cache misses, which this does not count: use ``run.py`` for times.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as R  # the harness: same adapters, same trees, same moves


def count(fn: Any, *args: Any) -> collections.Counter[str]:
    """Bytecodes executed by ``fn(*args)``, by function name."""
    counts: collections.Counter[str] = collections.Counter()

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        if event == "opcode":
            counts[frame.f_code.co_name] += 1
        return tracer

    sys.settrace(tracer)
    try:
        fn(*args)
    finally:
        sys.settrace(None)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=20_000, help="tree size (20,000)")
    parser.add_argument("--ops", type=int, default=4_000, help="reparents/detaches (4,000)")
    args = parser.parse_args()
    n, ops = args.nodes, args.ops
    names = [f"n{i}" for i in range(n)]
    rng = random.Random(R.SEED)
    parents = [-1] + [rng.randrange(i) for i in range(1, n)]
    moves, _, _ = R.model_moves(parents, ops)
    victims, _, _ = R.model_detaches(parents, ops)
    print(f"random tree of {n:,} nodes; bytecodes per operation (the benchmark's loop included)")
    print(f"{'library':10s} {'build':>8s} {'reparent':>9s} {'detach':>8s}")
    for adapter in (R.FloorAdapter(), R.BoughsAdapter()):
        build = count(adapter.build, names, parents)
        h = adapter.build(names, parents)
        reparent = count(adapter.reparent, h, adapter.resolve_pairs(h, moves))
        h = adapter.build(names, parents)
        detach = count(adapter.detach, h, adapter.resolve_nodes(h, victims))
        row = [sum(build.values()) / n, sum(reparent.values()) / ops, sum(detach.values()) / ops]
        print(f"{adapter.key:10s} {row[0]:8.1f} {row[1]:9.1f} {row[2]:8.1f}")


if __name__ == "__main__":
    main()
