"""Regenerate the terminal pictures the docs show: ``python docs/gen_pictures.py``.

Each picture is what the boughs renderer prints, exported by rich as SVG, so
the pages can never show output the code no longer produces. The trees are
not built here: each picture runs the ```python blocks of the page that shows
it (as the tests do) and draws what that page's code printed, so a picture
shows exactly the tree its page builds. Everything that could vary is pinned
(width, colours, theme, the SVG's ids, the environment rich reads), so running
the script twice gives byte-identical files; the tests check that the
committed files are what it gives now.
"""

from __future__ import annotations

import contextlib
import gc
import io
import re
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.terminal_theme import DEFAULT_TERMINAL_THEME

from boughs import render, render_forest

DOCS = Path(__file__).resolve().parent
HERE = DOCS / "images"
WIDTH = 72
"""Columns of every picture."""

_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def run_page(name: str, blocks: int | None = None) -> dict[str, Any]:
    """The names that the first ``blocks`` (default: all) code blocks of a docs page
    leave behind, run in order, their output discarded."""
    namespace: dict[str, Any] = {"__name__": f"docs_{Path(name).stem}"}
    code_blocks = _BLOCK.findall((DOCS / name).read_text("utf-8"))[:blocks]
    was_enabled = gc.isenabled()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for number, code in enumerate(code_blocks, 1):
                exec(compile(code, f"{name}[block {number}]", "exec"), namespace)
    finally:
        if was_enabled:
            gc.enable()
    return namespace


def _console() -> Console:
    return Console(
        record=True,
        width=WIDTH,
        color_system="truecolor",
        force_terminal=True,
        force_jupyter=False,
        legacy_windows=False,
        no_color=False,
        file=io.StringIO(),
        _environ={},  # neither COLUMNS, NO_COLOR nor TERM can change a picture
    )


def _save(console: Console, name: str, title: str) -> Path:
    HERE.mkdir(exist_ok=True)
    path = HERE / f"{name}.svg"
    svg = console.export_svg(title=title, theme=DEFAULT_TERMINAL_THEME, unique_id=f"boughs-{name}")
    path.write_text(svg, encoding="utf-8", newline="\n")
    return path


def orphan() -> Path:
    """Tutorial, section 4: ``para`` after its root was dropped, marked as an orphan."""
    tutorial = run_page("tutorial.md")
    console = _console()
    console.print(render(tutorial["para"]))
    return _save(console, "orphan", "an orphan knows its parent was collected")


def forest() -> Path:
    """Tutorial, section 4: the orphan, a root and a detached subtree, told apart."""
    tutorial = run_page("tutorial.md")
    console = _console()
    console.print(render_forest([tutorial["para"], tutorial["kept"], tutorial["cut_item"]]))
    return _save(console, "forest", "render_forest: roots, detached subtrees, orphans")


def big() -> Path:
    """Render big trees, first example: a wide tree cut explicitly."""
    page = run_page("rendering.md", blocks=1)  # later blocks change the tree
    console = _console()
    console.print(render(page["root"], max_children=3))
    return _save(console, "truncated", "big trees are cut, and the cut is said")


def main() -> int:
    for make in (orphan, forest, big):
        print(make())
    return 0


if __name__ == "__main__":
    sys.exit(main())
