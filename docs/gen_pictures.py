"""Regenerate the terminal pictures the docs show: ``python docs/gen_pictures.py``.

Each picture is what the boughs renderer prints, exported by rich as SVG, so
the pages can never show output the code no longer produces.
"""

from __future__ import annotations

import gc
import io
import sys
from pathlib import Path

from rich.console import Console

from boughs import Node, render, render_forest

HERE = Path(__file__).resolve().parent / "images"


def _console() -> Console:
    return Console(
        record=True, width=72, color_system="truecolor", force_terminal=True, file=io.StringIO()
    )


def _save(console: Console, name: str, title: str) -> Path:
    HERE.mkdir(exist_ok=True)
    path = HERE / f"{name}.svg"
    console.save_svg(str(path), title=title)
    return path


def orphan() -> Path:
    """An inner node kept after its root was dropped: the collected-parent marker."""
    console = _console()
    root = Node("html")
    body = root.append(Node("body"))
    article = body.append(Node("article", children=[Node("h1"), Node("p")]))
    del root, body
    gc.collect()
    console.print(render(article))
    return _save(console, "orphan", "an orphan knows its parent was collected")


def forest() -> Path:
    """The teaching picture: a root, a detached subtree and an orphan."""
    console = _console()
    page = Node("page", children=[Node("header"), Node("main", children=[Node("p")])])
    menu = Node("menu", children=[Node("item"), Node("item")])
    cut = menu.children[0].detach()
    kept = Node("tmp").append(Node("kept", children=[Node("leaf")]))
    console.print(render_forest([page, cut, kept]))
    return _save(console, "forest", "render_forest: roots, detached subtrees, orphans")


def big() -> Path:
    """A wide and deep tree cut explicitly by the default limits."""
    console = _console()
    root = Node("root")
    for i in range(3):
        branch = root.append(Node(f"branch {i}"))
        branch.extend(Node(f"leaf {i}.{j}") for j in range(2_000))
    console.print(render(root, max_children=4))
    return _save(console, "truncated", "big trees are cut, and the cut is said")


def main() -> int:
    for make in (orphan, forest, big):
        print(make())
    return 0


if __name__ == "__main__":
    sys.exit(main())
