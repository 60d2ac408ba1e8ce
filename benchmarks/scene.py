#!/usr/bin/env python
"""Scene layer: cost of keeping world transforms up to date in boughs.scene.

Run from the repository root (boughs installed, no peers needed)::

    python benchmarks/scene.py                  # sizes 1e3, 1e4, 1e5; about a minute
    python benchmarks/scene.py --quick          # sizes 1e3, 1e4; seconds
    python benchmarks/scene.py --sizes 1e5 --repeats 7 --json benchmarks/results/scene.json

Method: for each size N, one 4-ary tree of N `SceneNode`s (depth log4 N), each
moved by (1, 0, 0) from its parent, built once and read once. Each workload
then runs one untimed warm-up and ``--repeats`` timed runs (5 by default),
with ``gc.collect()`` before each; we report the median and the
`boughs.scene.stats` counters of the last run (world transforms recomputed,
nodes checked by reads that missed the O(1) fast path). The workloads:

* ``move root, read all``: move the root of the whole N-node tree under
  another parent (alternating between two translated parents), then read
  every node's ``world_transform`` in pre-order: N recomputations, O(N).
* ``move root, read 1 leaf``: the same move, then read the deepest leaf only:
  depth + 1 recomputations, O(depth), however large N is.
* ``change 1 leaf, read it``: assign a leaf's ``position`` and read its world
  transform: one recomputation, and no other node is invalidated.
* ``change 1 leaf, read all``: the same, then read every node: still one
  recomputation; every other read is an O(1) cache hit.
* ``change root, read all``: assign the root's ``position``, read every node.
* ``toggle root visible, read all``: every ``visible_in_tree`` changes, yet no
  matrix is recomputed.
* ``eager full pass (baseline)``: what a renderer that recomputes every world
  matrix each frame pays (three.js ``updateMatrixWorld`` on a dirty root): a
  pre-order walk doing ``parent_world @ local`` for every node, no cache.
* ``build (N appends)``: building the tree, for scale (scene nodes have
  hooks, which invalidate caches: each append runs them after the change,
  on the same fast path as plain nodes when nobody observes the tree).

Timings depend on the machine and its load; the counters do not. On a
shared machine, ``--clock cpu`` times with `time.process_time` (CPU time of
this process) instead of the wall clock.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from boughs import Node, SceneNode, Transform
from boughs.scene import stats

SHIFT = Transform(translation=(1.0, 0.0, 0.0))


def build(n: int) -> list[SceneNode]:
    nodes = [SceneNode("n0", transform=SHIFT)]
    for i in range(1, n):
        nodes.append(nodes[(i - 1) // 4].append(SceneNode(f"n{i}", transform=SHIFT)))
    return nodes


def build_plain(n: int) -> list[Node]:
    nodes = [Node("n0")]
    for i in range(1, n):
        nodes.append(nodes[(i - 1) // 4].append(Node(f"n{i}")))
    return nodes


def read_all(nodes: list[SceneNode]) -> None:
    for node in nodes:
        node.world_transform  # noqa: B018


def eager_pass(root: SceneNode) -> None:
    """Recompute every world matrix from scratch, iteratively (the no-cache baseline)."""
    stack: list[tuple[SceneNode, Transform]] = [(root, Transform.identity())]
    while stack:
        node, parent_world = stack.pop()
        world = parent_world @ node.transform
        kids = node.children
        if len(kids):
            stack.extend((kid, world) for kid in kids)


def workloads(nodes: list[SceneNode]) -> dict[str, Callable[[], None]]:
    root, leaf = nodes[0], nodes[-1]
    parents = [SceneNode("left", position=(0.0, 1.0, 0.0)), SceneNode("right", scale=2.0)]
    for p in parents:
        p.world_transform  # noqa: B018
    turn = [0]
    positions = [(0.5, 0.0, 0.0), (1.5, 0.0, 0.0)]

    def move() -> None:
        turn[0] ^= 1
        root.move_to(parents[turn[0]])

    def move_read_all() -> None:
        move()
        read_all(nodes)

    def move_read_leaf() -> None:
        move()
        leaf.world_transform  # noqa: B018

    def change_leaf() -> None:
        turn[0] ^= 1
        leaf.position = positions[turn[0]]

    def change_leaf_read_it() -> None:
        change_leaf()
        leaf.world_transform  # noqa: B018

    def change_leaf_read_all() -> None:
        change_leaf()
        read_all(nodes)

    def change_root_read_all() -> None:
        turn[0] ^= 1
        root.position = positions[turn[0]]
        read_all(nodes)

    def toggle_read_all() -> None:
        root.visible = not root.visible
        for node in nodes:
            node.visible_in_tree  # noqa: B018

    return {
        "move root, read all": move_read_all,
        "move root, read 1 leaf": move_read_leaf,
        "change 1 leaf, read it": change_leaf_read_it,
        "change 1 leaf, read all": change_leaf_read_all,
        "change root, read all": change_root_read_all,
        "toggle root visible, read all": toggle_read_all,
        "eager full pass (baseline)": lambda: eager_pass(root),
    }


clock = time.perf_counter


def measure(fn: Callable[[], None], repeats: int) -> tuple[float, int, int]:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        gc.collect()
        stats.reset()
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times), stats.recomputed, stats.validated


def timed_build(n: int, repeats: int) -> tuple[float, float]:
    scene, plain = [], []
    for _ in range(repeats):
        gc.collect()
        start = clock()
        built: Any = build(n)
        scene.append(clock() - start)
        del built
        gc.collect()
        start = clock()
        built = build_plain(n)
        plain.append(clock() - start)
        del built
    return statistics.median(scene), statistics.median(plain)


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds:8.3f} s "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e3,1e4,1e5", help="comma-separated N values")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="sizes 1e3,1e4 and 3 repeats")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument(
        "--clock", choices=("wall", "cpu"), default="wall", help="cpu: time.process_time"
    )
    args = parser.parse_args(argv)
    global clock
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    sizes = [1_000, 10_000] if args.quick else [int(float(s)) for s in args.sizes.split(",")]
    repeats = 3 if args.quick else args.repeats
    results: dict[str, Any] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "repeats": repeats,
        "clock": args.clock,
        "cases": [],
    }
    print(f"boughs.scene, Python {results['python']}, median of {repeats} runs, {args.clock} clock")
    for n in sizes:
        nodes = build(n)
        read_all(nodes)
        depth = nodes[-1].depth
        print(f"\nN = {n:,} (4-ary tree, leaf depth {depth})")
        print(f"  {'workload':32} {'median':>11} {'recomputed':>11} {'checked':>9}")
        for name, fn in workloads(nodes).items():
            median, recomputed, validated = measure(fn, repeats)
            shown = "-" if name.startswith("eager") else f"{recomputed:,}"
            checked = "-" if name.startswith("eager") else f"{validated:,}"
            print(f"  {name:32} {fmt_time(median)} {shown:>11} {checked:>9}")
            results["cases"].append(
                {
                    "n": n,
                    "workload": name,
                    "median_s": median,
                    "recomputed": recomputed,
                    "validated": validated,
                }
            )
        del nodes
        scene_build, plain_build = timed_build(n, max(1, repeats // 2))
        print(f"  {'build (N appends)':32} {fmt_time(scene_build)}   (plain Node: ", end="")
        print(f"{fmt_time(plain_build).strip()}, x{scene_build / plain_build:.1f})")
        results["cases"].append({"n": n, "workload": "build", "median_s": scene_build})
        results["cases"].append({"n": n, "workload": "build Node", "median_s": plain_build})
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(f"\nraw results: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
