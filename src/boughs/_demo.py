"""The ownership lesson that ``boughs demo`` tells, step by step.

Every number it prints is measured while it runs: weak-reference callbacks
count the nodes as they are freed, and ``gc.collect()`` with
``gc.DEBUG_SAVEALL`` shows what the cyclic collector found.
"""

from __future__ import annotations

import gc
import weakref
from typing import Any

from rich.console import Console
from rich.text import Text

from boughs import _storage
from boughs.node import BaseNode, Node
from boughs.render import render, render_forest

__all__ = ["Element", "lesson"]


class Element(Node):
    """A DOM-like element: the tag is its name, keyword arguments its attributes.

    It overrides `tree_label` (plain, also what an orphan remembers of its
    parent) and `rich_label` (its coloured line in the picture).
    """

    def attributes(self) -> dict[str, Any]:
        """The element's attributes (no text). Complexity: O(attributes)."""
        getstate = getattr(object, "__getstate__", None)
        extra = getattr(self, "__dict__", None) if getstate is None else getstate(self)[0]
        return dict(extra) if extra else {}

    def tree_label(self) -> str:
        """``<tag key="value">``. Complexity: O(attributes)."""
        attrs = "".join(f' {k}="{v}"' for k, v in self.attributes().items())
        return f"<{self.name}{attrs}>"

    def rich_label(self) -> Text:
        """`tree_label`, coloured. Complexity: O(attributes)."""
        label = Text.assemble(("<", "blue"), (str(self.name), "bold blue"))
        for key, value in self.attributes().items():
            label.append(f" {key}=", style="yellow")
            label.append(f'"{value}"', style="green")
        label.append(">", style="blue")
        return label


class StrongNode:
    """The usual design, for contrast: a child holds its parent strongly."""

    def __init__(self, name: str, parent: StrongNode | None = None) -> None:
        self.name = name
        self.parent = parent
        self.children: list[StrongNode] = []
        if parent is not None:
            parent.children.append(self)


def _build() -> Element:
    html = Element("html")
    head = html.append(Element("head"))
    head.append(Element("title"))
    body = html.append(Element("body"))
    nav = body.append(Element("nav"))
    nav.extend([Element("a", href="/"), Element("a", href="/docs")])
    main = body.append(Element("main", id="content"))
    main.append(Element("h1"))
    para = main.append(Element("p", lang="en"))
    para.append(Element("em"))
    aside = body.append(Element("aside"))
    aside.append(Element("ul")).extend([Element("li"), Element("li")])
    return html


def _watch(obj: object, label: str, freed: list[str]) -> weakref.ref[Any]:
    """A weak reference to ``obj`` that appends ``label`` to ``freed`` when it dies."""

    def callback(_: weakref.ref[Any]) -> None:
        freed.append(label)  # never touches obj: it is gone

    return weakref.ref(obj, callback)


def _ours(garbage: list[Any]) -> int:
    return sum(isinstance(o, (BaseNode, _storage.Family, _storage.Kids)) for o in garbage)


def _collect() -> tuple[int, int]:
    """``gc.collect()``, and how many of the objects it found were boughs objects."""
    gc.set_debug(gc.DEBUG_SAVEALL)  # keep what it finds in gc.garbage, to look at
    try:
        found = gc.collect()
        ours = _ours(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    gc.collect()  # now free what was kept
    return found, ours


def lesson(console: Console, *, guide: str = "unicode") -> None:
    """Print the lesson on ``console``, with tree guides in style ``guide``.

    Complexity: O(1): the trees are a dozen nodes.
    """
    say = console.print
    code = _code(console)
    step = _steps(console)

    say(
        "[bold]boughs demo[/]: a parent [bold]owns[/] its children (a strong list); a child "
        "only [bold]borrows[/] its parent (a weak reference). So a tree holds no reference "
        "cycle, and dropping its root frees it at once.",
        highlight=False,
    )

    step("Build a small document")
    code('html = Element("html"); body = html.append(Element("body")); ...')
    html = _build()
    tracked: weakref.WeakSet[BaseNode] = weakref.WeakSet(html.walk())
    freed: list[str] = []
    watchers = [_watch(n, n.tree_label(), freed) for n in tracked]
    say(render(html, guide=guide))
    say(
        f"{len(tracked)} nodes, each watched by a weak reference whose callback counts it when "
        "it is freed.",
        highlight=False,
    )

    step("Keep one inner node, detach another, make a new root")
    code('keep = html.resolve("body/main/p")     # an inner node (and its <em>)')
    code('aside = html.resolve("body/aside").detach()')
    code('footer = Element("footer")              # never attached')
    keep = html.resolve("body/main/p")
    aside = html.resolve("body/aside").detach()
    footer = Element("footer")
    tracked.add(footer)
    say(render(html, guide=guide, highlight=keep))

    step("Drop the root, with the cyclic garbage collector switched off")
    code("gc.disable()")
    code("del html")
    code("gc.collect()")
    gc.collect()  # start clean: leave nothing of anyone's for the collector
    gc.disable()
    try:  # measure first, print afterwards: printing makes garbage of its own
        before = len(freed)
        del html
        by_refcount = freed[before:]
        found, ours = _collect()
        by_collector = len(freed) - before - len(by_refcount)

        root = StrongNode("html")
        strong = [root]
        for name in ("head", "title", "body", "nav", "a", "a", "main", "h1", "p", "em"):
            strong.append(StrongNode(name, parent=strong[len(strong) // 2]))
        gone: list[str] = []
        refs = [_watch(n, n.name, gone) for n in strong]
        size = len(strong)
        del strong, root
        strong_by_refcount = len(gone)
        strong_found, _ = _collect()
        strong_by_collector = len(gone) - strong_by_refcount
        del refs
    finally:
        gc.enable()
    say(
        f"Freed by [bold]del html[/] itself: [bold green]{len(by_refcount)} nodes[/] "
        f"({', '.join(by_refcount)}).",
        highlight=False,
    )
    found_text = (
        "it found nothing at all to collect"
        if found == 0
        else f"it found {found} unreachable objects, {ours} of them from boughs"
    )
    say(
        f"Freed by [bold]gc.collect()[/]: [bold green]{by_collector} nodes[/]; "
        f"{found_text}. Reference counting had already freed the tree.",
        highlight=False,
    )
    say(
        f"Still alive: {len(tracked)} nodes: the ones you hold, and their children.",
        highlight=False,
    )

    step("For contrast: a strong parent link, as in anytree")
    code("root = StrongNode('html'); StrongNode('head', parent=root); ...")
    code("gc.disable(); del root; gc.collect()")
    say(
        f"Freed by [bold]del root[/]: [bold red]{strong_by_refcount} of {size} nodes[/]. "
        "Each parent and child hold each other: a reference cycle that only the cyclic "
        "collector can break.",
        highlight=False,
    )
    say(
        f"Freed by [bold]gc.collect()[/]: [bold red]{strong_by_collector} nodes[/] "
        f"({strong_found} unreachable objects). Until it ran, the whole tree was kept "
        "in memory.",
        highlight=False,
    )

    step("The survivor knows what happened")
    code("keep.parent, keep.parent_collected, keep.collected_parent_label")
    say(Text(repr((keep.parent, keep.parent_collected, keep.collected_parent_label))))
    say(render(keep, guide=guide))

    step("Everything still alive, tree by tree")
    code("render_forest(tracked)   # tracked: a WeakSet of every node made")
    say(render_forest(tracked, guide=guide))
    del watchers, aside, footer, keep


def _code(console: Console) -> Any:
    def code(line: str) -> None:
        console.print(Text(">>> " + line, style="cyan"))

    return code


def _steps(console: Console) -> Any:
    number = 0

    def step(title: str) -> None:
        nonlocal number
        number += 1
        console.print()
        console.print(Text(f"{number}. {title}", style="bold underline"))

    return step
