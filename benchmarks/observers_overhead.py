"""What mutation observers cost: `append` and `move_to`, 100,000 times each.

Scenarios (each in its own subprocess):

* ``none``: no subscription anywhere, no hooked class. The claim to check:
  this costs what mutations cost before observers existed.
* ``elsewhere``: one subscription exists, on an unrelated node of another
  tree. It turns on the observed path for every mutation of every tree.
* ``observed``: the mutated tree's root is observed (``subtree=True``) by a
  callback that does nothing: the full price of records and delivery.
* ``hooked``: no subscription, but the nodes are of a class that overrides
  `on_child_added` with a method that does nothing.
* ``baseline`` (with ``--baseline REF``, repeatable): ``none``, run on the
  boughs sources of git revision REF (extracted with ``git archive`` into a
  temporary directory and put first on ``PYTHONPATH``), e.g. the commit
  before observers were added (``94cd6cd``) and the one that added them
  (``856fa66``).

Method: scenarios are interleaved round by round (``--rounds``, 7); in each
round every scenario runs in a fresh process, makes one warm-up run of each
workload and one timed run. `gc.collect()` runs before each timed region; the
cyclic GC stays enabled. We report the median over rounds, in nanoseconds per
operation, and its ratio to ``none`` from the same rounds.

Workloads:

* ``append``: 100,000 new leaves appended, one by one, to one parent.
* ``move_to``: 100,000 moves of leaves between two siblings that share a
  parent (each move takes the first child of one and appends it to the
  other; both start with 1,000 leaves).

Run it:

    python benchmarks/observers_overhead.py
    python benchmarks/observers_overhead.py --baseline 94cd6cd --baseline 856fa66
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
SCENARIOS = ("none", "elsewhere", "observed", "hooked")
WORKLOADS = ("append", "move_to")


# ---------------------------------------------------------------- worker --


def _worker(scenario: str, n: int) -> dict[str, Any]:
    import gc

    import boughs
    from boughs import Node

    node_class: type[Node] = Node
    keep: list[Any] = []
    if scenario == "hooked":

        class Hooked(Node):
            def on_child_added(self, child: Any) -> None:
                pass

        node_class = Hooked
    if scenario == "elsewhere":
        other = Node("elsewhere")
        keep += [other, other.observe(lambda m: None, weak=False)]

    def observe(root: Any) -> None:
        if scenario == "observed":
            keep.append(root.observe(lambda m: None, weak=False))

    def append() -> float:
        parent = node_class("parent")
        observe(parent)
        leaves = [node_class(i) for i in range(n)]
        gc.collect()
        start = time.perf_counter()
        for leaf in leaves:
            parent.append(leaf)
        return time.perf_counter() - start

    def move_to() -> float:
        root = node_class("root")
        a, b = node_class("a", parent=root), node_class("b", parent=root)
        a.extend([node_class(i) for i in range(1000)])
        b.extend([node_class(i) for i in range(1000)])
        observe(root)
        sides = (a, b)
        gc.collect()
        start = time.perf_counter()
        for i in range(n):
            source = sides[i & 1]
            source.first_child.move_to(sides[1 - (i & 1)])  # type: ignore[union-attr]
        return time.perf_counter() - start

    out: dict[str, Any] = {"boughs": boughs.__file__}
    for name, run in (("append", append), ("move_to", move_to)):
        run()  # warm-up
        out[name] = run()
    return out


# ------------------------------------------------------------------ main --


def _extract(ref: str, into: Path) -> Path:
    """The ``src`` folder of git revision ``ref``, extracted under ``into``."""
    into.mkdir(parents=True)
    archive = into / "src.tar"
    subprocess.run(
        ["git", "archive", "--format=tar", "-o", str(archive), ref, "src"],
        cwd=HERE.parent.parent,
        check=True,
    )
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _run(scenario: str, n: int, pythonpath: str | None) -> dict[str, Any]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, str(HERE), "--worker", scenario, "--n", str(n)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="operations per timed run")
    parser.add_argument("--rounds", type=int, default=7, help="timed runs per scenario")
    parser.add_argument(
        "--baseline", action="append", default=[], help="a git revision to measure 'none' on too"
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated, from {', '.join(SCENARIOS)} ('none' is always run)",
    )
    parser.add_argument("--worker", choices=SCENARIOS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_worker(args.worker, args.n)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        wanted = {"none", *args.scenarios.split(",")} & set(SCENARIOS)
        plan: list[tuple[str, str, str | None]] = [(s, s, None) for s in SCENARIOS if s in wanted]
        for i, ref in enumerate(args.baseline):
            src = _extract(ref, Path(tmp) / str(i))
            plan.insert(i, (f"baseline ({ref})", "none", str(src)))
        samples: dict[str, dict[str, list[float]]] = {
            label: {w: [] for w in WORKLOADS} for label, _, _ in plan
        }
        files: dict[str, str] = {}
        for round_ in range(args.rounds):
            order = plan[round_ % len(plan) :] + plan[: round_ % len(plan)]  # rotate
            for label, scenario, path in order:
                result = _run(scenario, args.n, path)
                files[label] = result["boughs"]
                for w in WORKLOADS:
                    samples[label][w].append(result[w])

    print(f"boughs observers overhead: {args.n:,} operations per run, median of {args.rounds}")
    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.machine()}, {platform.system()}"
    )
    print()
    print(
        f"| scenario | {' | '.join(f'{w} (ns/op)' for w in WORKLOADS)} | "
        f"{' | '.join(f'{w} vs none' for w in WORKLOADS)} |"
    )
    print(f"|---|{'---:|' * (2 * len(WORKLOADS))}")
    base = {w: statistics.median(samples["none"][w]) for w in WORKLOADS}
    for label, _, _ in plan:
        medians = {w: statistics.median(samples[label][w]) for w in WORKLOADS}
        ns = " | ".join(f"{medians[w] / args.n * 1e9:,.0f}" for w in WORKLOADS)
        ratios = " | ".join(f"{medians[w] / base[w]:.2f}" for w in WORKLOADS)
        print(f"| {label} | {ns} | {ratios} |")
    print()
    for label, path in files.items():
        print(f"{label}: {path}")


if __name__ == "__main__":
    main()
