#!/usr/bin/env python
"""boughs.pyast over the whole standard library: correctness, then speed.

Run from the repository root::

    python benchmarks/pyast_stdlib.py              # every .py file of the stdlib
    python benchmarks/pyast_stdlib.py --limit 200  # a quicker, evenly spread sample
    python benchmarks/pyast_stdlib.py --json out.json

What it does, file by file (all ``.py`` files under ``sysconfig.get_paths()["stdlib"]``,
``site-packages`` excluded, sorted; each read and decoded once, outside the timings):

* **check**: ``pyast.parse`` must give exactly as many nodes as ``ast.walk`` yields on the
  same ``ast`` objects, meet them in the same order in a breadth-first walk (by identity),
  and give every node the children ``ast.iter_child_nodes`` gives, with parent links and
  ``field``/``field_index`` that point back at the node. Files that ``ast.parse`` rejects
  (test data that is invalid on purpose) must make ``pyast.parse`` raise the same
  exception type. Any difference is a mismatch; the run fails if there is one.
* **time**, in the same process and alternating which runs first from file to file:

  - ``ast.parse + ast.walk``: what plain ``ast`` users pay to parse and visit every node;
  - ``ast + parent hack``: ``ast.parse`` plus the usual ``child.parent = node`` loop over
    ``ast.walk`` (the strong, cyclic parent links boughs replaces);
  - ``pyast.parse``: ``ast.parse`` plus building the boughs tree;
  - ``pyast.from_ast``: building the boughs tree alone, from an already parsed ``ast``.

  Each is the sum over all files of the best of ``--repeats`` runs (default 1); the cyclic
  garbage collector is left as users have it (on), and is collected between files.
"""

from __future__ import annotations

import argparse
import ast
import gc
import importlib.util
import json
import os
import platform
import sys
import sysconfig
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from boughs import __version__, pyast
from boughs.pyast import PyNode


def stdlib_files() -> list[str]:
    root = sysconfig.get_paths()["stdlib"]
    files: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "__pycache__"))
        files += [os.path.join(folder, n) for n in sorted(names) if n.endswith(".py")]
    return files


def mismatches(tree: PyNode) -> list[str]:
    """Every way ``tree`` differs from its ``ast`` (empty when it mirrors it exactly)."""
    problems: list[str] = []
    expected = list(ast.walk(tree.ast_node))
    level = list(tree.walk("level"))
    if len(level) != len(expected):
        problems.append(f"{len(level)} nodes, ast.walk yields {len(expected)}")
    for node, original in zip(level, expected):
        if node.ast_node is not original:
            problems.append(f"breadth-first order differs at {node!r}")
            break
        kids = node.children
        if [k.ast_node for k in kids] != list(ast.iter_child_nodes(original)):
            problems.append(f"children of {node!r} differ from ast.iter_child_nodes")
            break
        for k in kids:
            held = getattr(original, k.field or "", None)
            at = held if k.field_index is None else held[k.field_index]  # type: ignore[index]
            if k.parent is not node or at is not k.ast_node:
                problems.append(f"parent link or field of {k!r} is wrong")
                break
    return problems


def best(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
        gc.collect()
    return min(times), result


def plain_walk(text: str, path: str) -> int:
    return sum(1 for _ in ast.walk(ast.parse(text, path)))


def parent_hack(text: str, path: str) -> ast.AST:
    tree = ast.parse(text, path)
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node  # type: ignore[attr-defined]
    return tree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--limit", type=int, default=None, help="an evenly spread sample")
    parser.add_argument("--repeats", type=int, default=1, help="timed runs per file (best)")
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    args = parser.parse_args(argv)

    warnings.simplefilter("ignore")  # invalid escape sequences and the like in old files
    files = stdlib_files()
    if args.limit is not None and args.limit < len(files):
        step = len(files) / args.limit
        files = [files[int(i * step)] for i in range(args.limit)]

    totals = {"walk": 0.0, "hack": 0.0, "pyast": 0.0, "build": 0.0}
    nodes = parsed = invalid = 0
    bad: list[str] = []
    started = time.perf_counter()
    for number, path in enumerate(files):
        with open(path, "rb") as file:
            raw = file.read()
        try:
            text = importlib.util.decode_source(raw)
        except (SyntaxError, UnicodeDecodeError):
            invalid += 1
            continue
        try:
            reference = ast.parse(text, path)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
            invalid += 1
            try:
                pyast.parse(text, path)
                bad.append(f"{path}: ast.parse raised {type(e).__name__}, pyast.parse did not")
            except type(e):
                pass
            except pyast.TooDeepError:
                if not isinstance(e, (RecursionError, MemoryError)):
                    raise
            continue

        tree = pyast.parse(text, path)
        problems = mismatches(tree)
        bad.extend(f"{path}: {p}" for p in problems)
        count = sum(1 for _ in ast.walk(reference))
        nodes += count
        parsed += 1
        del tree

        runs: list[tuple[str, Callable[[], Any]]] = [
            ("walk", partial(plain_walk, text, path)),
            ("hack", partial(parent_hack, text, path)),
            ("pyast", partial(pyast.parse, text, path)),
            ("build", partial(pyast.from_ast, reference)),
        ]
        if number % 2:
            runs.reverse()
        for key, run in runs:
            seconds, _ = best(run, args.repeats)
            totals[key] += seconds
        if number % 100 == 99:
            print(f"  {number + 1:,} files ...", file=sys.stderr)
    elapsed = time.perf_counter() - started

    def rate(key: str) -> str:
        t = totals[key]
        return f"{t:8.2f} s  {parsed / t:8.1f} files/s  {nodes / t / 1e3:8.1f} k nodes/s"

    print(f"Python {platform.python_version()} on {platform.machine()}, boughs {__version__}")
    print(f"stdlib: {sysconfig.get_paths()['stdlib']}")
    print(
        f"files: {len(files):,} ({parsed:,} parsed, {invalid:,} invalid on purpose); "
        f"nodes: {nodes:,}; mismatches: {len(bad)}"
    )
    print(f"  ast.parse + ast.walk   {rate('walk')}")
    print(f"  ast + parent hack      {rate('hack')}   ({totals['hack'] / totals['walk']:.2f}x)")
    print(f"  pyast.parse            {rate('pyast')}   ({totals['pyast'] / totals['walk']:.2f}x)")
    print(f"  pyast.from_ast alone   {rate('build')}   ({totals['build'] / totals['walk']:.2f}x)")
    print(f"wall time with checks: {elapsed:.1f} s")
    for line in bad[:20]:
        print("MISMATCH", line)
    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {
                    "python": platform.python_version(),
                    "machine": platform.machine(),
                    "boughs": __version__,
                    "files": len(files),
                    "parsed": parsed,
                    "invalid": invalid,
                    "nodes": nodes,
                    "mismatches": bad,
                    "seconds": totals,
                    "repeats": args.repeats,
                },
                indent=2,
            )
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
