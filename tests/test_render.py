"""Tests for `boughs.render`: golden pictures, truncation, markers, forests, options."""

from __future__ import annotations

import gc
import io
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
import rich
from rich.console import Console
from rich.panel import Panel
from rich.pretty import pretty_repr
from rich.text import Text

from boughs import BaseNode, Node, render, render_forest, render_text
from boughs.render import (
    DEFAULT_MAX_CHILDREN,
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_NODES,
    LEVELS_WALK,
    LEVELS_WALK_TOTAL,
    RenderedForest,
    RenderedTree,
    _Painter,
)


def draw(renderable: Any, width: int = 80, **console: Any) -> str:
    """What a plain console of ``width`` columns prints."""
    out = Console(
        file=io.StringIO(), width=width, color_system=None, legacy_windows=False, **console
    )
    out.print(renderable)
    return out.file.getvalue()  # type: ignore[attr-defined,no-any-return]


def ansi(renderable: Any, width: int = 80) -> str:
    """What a colour terminal of ``width`` columns receives."""
    out = Console(file=io.StringIO(), width=width, color_system="standard", force_terminal=True)
    out.print(renderable)
    return out.file.getvalue()  # type: ignore[attr-defined,no-any-return]


def doc() -> Node:
    return Node(
        "html",
        children=[
            Node("head", children=[Node("title")]),
            Node("body", children=[Node("h1"), Node("p", children=[Node("em")]), Node("footer")]),
        ],
    )


def grid(k: int = 4) -> Node:
    """A root with k children, each with k children."""
    return Node(
        "root",
        children=[Node(f"n{i}", children=[Node(f"n{i}.{j}") for j in range(k)]) for i in range(k)],
    )


def build_chain(depth: int) -> tuple[Node, Node]:
    gc.disable()
    try:
        root = top = Node(0)
        for i in range(1, depth):
            top = top.append(Node(i))
        return root, top
    finally:
        gc.enable()


@pytest.fixture
def walked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """After each depth cut line: the hidden nodes its picture has visited so far."""
    totals: list[int] = []
    count_levels = _Painter.levels_below

    def levels_below(self: _Painter, node: BaseNode) -> tuple[int, bool]:
        result = count_levels(self, node)
        totals.append(self.walked)
        return result

    monkeypatch.setattr(_Painter, "levels_below", levels_below)
    return totals


class Bomb(Node):
    """A node that must never be drawn (or even labelled)."""

    def rich_label(self) -> Text:
        raise AssertionError(f"{self!r} is hidden and must not be labelled")

    def tree_label(self) -> str:
        raise AssertionError(f"{self!r} is hidden and must not be labelled")


# ----------------------------------------------------------- guide styles --

GOLDEN = {
    "unicode": """\
html
├── head
│   └── title
└── body
    ├── h1
    ├── p
    │   └── em
    └── footer
""",
    "ascii": """\
html
+-- head
|   `-- title
`-- body
    +-- h1
    +-- p
    |   `-- em
    `-- footer
""",
    "bold": """\
html
┣━━ head
┃   ┗━━ title
┗━━ body
    ┣━━ h1
    ┣━━ p
    ┃   ┗━━ em
    ┗━━ footer
""",
    "double": """\
html
╠══ head
║   ╚══ title
╚══ body
    ╠══ h1
    ╠══ p
    ║   ╚══ em
    ╚══ footer
""",
}


@pytest.mark.parametrize("guide", list(GOLDEN))
def test_guide_styles(guide: str) -> None:
    root = doc()
    assert draw(render(root, guide=guide)) == GOLDEN[guide]
    assert render_text(root, guide=guide) == GOLDEN[guide][:-1]  # no final newline


def test_rich_print_and_console_print_draw_the_subtree(capsys: pytest.CaptureFixture[str]) -> None:
    root = doc()
    assert draw(root) == GOLDEN["unicode"]
    body = root.children[1]
    assert draw(body) == "body\n├── h1\n├── p\n│   └── em\n└── footer\n"
    rich.print(root)
    assert capsys.readouterr().out == GOLDEN["unicode"]


def test_a_leaf_is_one_line() -> None:
    assert render_text(Node("solo")) == "solo"
    assert render_text(BaseNode()) == "BaseNode"
    assert render_text(Node()) == "Node"  # a Node without a name shows its class


def test_an_ascii_only_console_gets_ascii_guides() -> None:
    class AsciiFile(io.StringIO):
        encoding = "ascii"

    out = Console(file=AsciiFile(), width=80, color_system=None)
    out.print(render(grid(2), max_children=1, guide="double"))
    assert out.file.getvalue() == "root\n+-- n0\n|   +-- n0.0\n|   `-- ... 1 more\n`-- ... 1 more\n"  # type: ignore[attr-defined]


def test_guides_are_dimmed_and_cut_lines_dim_italic() -> None:
    picture = ansi(render(Node("a", children=[Node("b"), Node("c")]), max_children=1))
    assert picture == "a\n\x1b[2m├── \x1b[0mb\n\x1b[2m└── \x1b[0m\x1b[2;3m… 1 more\x1b[0m\n"


# ------------------------------------------------------------- truncation --


def test_max_children() -> None:
    assert render_text(grid(), max_children=2) == (
        "root\n"
        "├── n0\n"
        "│   ├── n0.0\n"
        "│   ├── n0.1\n"
        "│   └── … 2 more\n"
        "├── n1\n"
        "│   ├── n1.0\n"
        "│   ├── n1.1\n"
        "│   └── … 2 more\n"
        "└── … 2 more"
    )
    assert render_text(grid(2), max_children=0) == "root\n└── … 2 children"


def test_many_children_counted_with_separators() -> None:
    root = Node("root")
    root.extend(Node(i) for i in range(10_000))
    text = render_text(root, max_children=5)
    assert text.splitlines()[-2:] == ["├── 4", "└── … 9,995 more"]
    assert len(text.splitlines()) == 7


def test_max_depth() -> None:
    assert render_text(grid(2), max_depth=1) == (
        "root\n├── n0\n│   └── … 2 children, 1 more level (max depth 1)\n"
        "└── n1\n    └── … 2 children, 1 more level (max depth 1)"
    )
    assert (
        render_text(grid(2), max_depth=0) == "root\n└── … 2 children, 2 more levels (max depth 0)"
    )
    single = Node("a", children=[Node("b", children=[Node("c")])])
    assert render_text(single, max_depth=1) == (
        "a\n└── b\n    └── … 1 child, 1 more level (max depth 1)"
    )
    assert render_text(single, max_depth=2) == "a\n└── b\n    └── c"
    assert render_text(single, max_depth="auto") == render_text(single)


def test_a_depth_cut_says_how_many_levels_it_hides(walked: list[int]) -> None:
    root = Node("root", children=[Node("a"), Node("b")])
    root.children[0].append(Node("a1", children=[Node("a2")]))
    root.children[1].extend([Node("b1"), Node("b2", children=[Node("b3", children=[Node("b4")])])])
    assert render_text(root, max_depth=1) == (
        "root\n"
        "├── a\n"
        "│   └── … 1 child, 2 more levels (max depth 1)\n"
        "└── b\n"
        "    └── … 2 children, 3 more levels (max depth 1)"
    )
    assert walked == [2, 6]  # every hidden node, once
    # A lone hidden node leaves holes in a large family: they are skipped.
    wide = Node("wide", children=[Node(i) for i in range(40)])
    for child in wide.children[1:30]:
        child.detach()
    assert render_text(Node("top", children=[wide]), max_depth=0) == (
        "top\n└── … 1 child, 2 more levels (max depth 0)"
    )


def test_hidden_levels_are_counted_within_a_budget(walked: list[int]) -> None:
    root, _ = build_chain(LEVELS_WALK + 10)
    assert render_text(root, max_depth=2).splitlines()[-1] == (
        f"        └── … 1 child, {LEVELS_WALK:,}+ more levels (max depth 2)"
    )
    assert walked == [LEVELS_WALK]
    exact, _ = build_chain(LEVELS_WALK + 3)  # 0, 1 and 2 shown: the rest fits the budget
    assert render_text(exact, max_depth=2).endswith(
        f"… 1 child, {LEVELS_WALK:,} more levels (max depth 2)"
    )


def test_all_the_cut_lines_of_a_picture_share_one_budget(walked: list[int]) -> None:
    lines = LEVELS_WALK_TOTAL // LEVELS_WALK + 3
    top = Node("top")
    for i in range(lines):
        branch, _ = build_chain(LEVELS_WALK + 10)
        branch.name = f"b{i}"
        top.append(branch)
    text = render_text(top, max_depth=1, max_children=None).splitlines()
    every = LEVELS_WALK_TOTAL // LEVELS_WALK
    assert text[2] == f"│   └── … 1 child, {LEVELS_WALK:,}+ more levels (max depth 1)"
    assert text[2 * every + 2] == "│   └── … 1 child, 1+ more levels (max depth 1)"
    assert text[-1] == "    └── … 1 child, 1+ more levels (max depth 1)"
    assert walked[-1] == LEVELS_WALK_TOTAL  # whatever the size of the hidden part


def test_max_nodes_is_a_budget_for_the_whole_picture() -> None:
    assert render_text(grid(), max_nodes=7) == (
        "root\n"
        "├── n0\n"
        "│   ├── n0.0\n"
        "│   ├── n0.1\n"
        "│   ├── n0.2\n"
        "│   └── n0.3\n"
        "├── n1\n"
        "│   └── … 4 children (max nodes 7)\n"
        "└── … 2 more (max nodes 7)"
    )
    assert render_text(grid(), max_nodes=1) == "root\n└── … 4 children (max nodes 1)"
    # max_children cuts first where both apply; each line says which limit cut it
    assert render_text(grid(), max_nodes=7, max_children=1) == (
        "root\n├── n0\n│   ├── n0.0\n│   └── … 3 more\n└── … 3 more"
    )


def test_no_limits() -> None:
    root = Node("root")
    root.extend(Node(i) for i in range(DEFAULT_MAX_NODES + 50))
    text = render_text(root, max_children=None, max_nodes=None)
    assert len(text.splitlines()) == DEFAULT_MAX_NODES + 51
    assert "more" not in text


def test_default_limits() -> None:
    assert (DEFAULT_MAX_DEPTH, DEFAULT_MAX_CHILDREN, DEFAULT_MAX_NODES) == (50, 100, 1000)
    root = Node("root")
    root.extend(Node(i) for i in range(150))
    assert render_text(root).splitlines()[-1] == "└── … 50 more"
    big = Node("big", children=[Node(i, children=[Node(j) for j in range(20)]) for i in range(100)])
    lines = render_text(big).splitlines()
    assert len([line for line in lines if "more" not in line and "children" not in line]) == 1000
    # 1 + 47 * 21 = 988 nodes, then the 48th child and 11 of its children
    assert lines[-3:] == [
        "│   ├── 10",
        "│   └── … 9 more (max nodes 1,000)",
        "└── … 52 more (max nodes 1,000)",
    ]


def test_the_automatic_depth_fits_the_width() -> None:
    root, _ = build_chain(30)
    lines = render_text(root, width=80).splitlines()
    # every line keeps 40 cells for its text, cut lines included: 9 levels at width 80
    assert lines[9] == " " * 32 + "└── 9"
    assert lines[10] == " " * 36 + "└── … 1 child, 20 more levels (width 80)"
    assert len(lines) == 11
    wider = render_text(root, width=200).splitlines()
    assert len(wider) == 30 and wider[-1] == " " * 112 + "└── 29"
    # at small widths, half the width is kept for text, and a cut line wraps
    assert render_text(root, width=20) == (
        "0\n└── 1\n    └── … 1 child,\n        28 more\n        levels\n        (width 20)"
    )
    # DEFAULT_MAX_DEPTH bounds the automatic depth, whatever the width
    assert render_text(root, width=1000, max_depth="auto") == render_text(root, width=1000)
    deep, _ = build_chain(60)
    assert render_text(deep, width=1000).splitlines()[-1] == (
        " " * 200 + "└── … 1 child, 9 more levels (max depth 50)"
    )


def test_an_explicit_max_depth_is_honoured_whatever_the_width() -> None:
    root, _ = build_chain(40)
    lines = render_text(root, width=80, max_depth=30).splitlines()
    assert len(lines) == 32
    assert lines[30] == " " * 116 + "└── 30"
    assert lines[31] == " " * 120 + "└── … 1 child, 9 more levels (max depth 30)"
    assert len(render_text(root, width=80, max_depth=None).splitlines()) == 40
    # Deep text is never squeezed into a sliver: it keeps 40 cells, and wraps there.
    node = root
    for _ in range(24):
        node = node.children[0]
    node.append(Node("x" * 50))
    assert render_text(root, width=80, max_depth=30).splitlines()[-2:] == [
        " " * 96 + "└── " + "x" * 40,
        " " * 100 + "x" * 10,
    ]


def test_console_print_crops_lines_wider_than_the_console_unless_soft_wrap() -> None:
    root, _ = build_chain(40)
    picture = render(root, max_depth=30)
    lines = draw(picture, width=80).splitlines()
    assert len(lines) == 32 and max(len(line) for line in lines) == 80
    assert lines[19] == " " * 72 + "└── 19"
    assert lines[31] == " " * 80  # cropped at the right edge, as rich crops everything
    whole = draw(picture, width=80, soft_wrap=True)
    assert whole == render_text(root, width=80, max_depth=30) + "\n"


def test_hidden_nodes_are_never_visited() -> None:
    root = Node("root")
    root.extend([Node("shown"), Bomb("hidden sibling")])
    root.children[0].append(Bomb("hidden child", children=[Bomb("deeper")]))
    assert render_text(root, max_children=1, max_depth=1) == (
        "root\n├── shown\n│   └── … 1 child, 2 more levels (max depth 1)\n└── … 1 more"
    )
    assert render_text(root, max_nodes=2) == (
        "root\n├── shown\n│   └── … 1 child (max nodes 2)\n└── … 1 more (max nodes 2)"
    )


def test_a_million_deep_chain_renders_with_the_defaults(walked: list[int]) -> None:
    root, leaf = build_chain(1_000_000)
    text = render_text(root)
    lines = text.splitlines()
    assert lines[0] == "0"
    assert lines[-2:] == [
        " " * 36 + "└── … 1 child, 10,000+ more levels (width",
        " " * 40 + "80)",
    ]
    assert len(lines) == 12
    assert walked == [LEVELS_WALK]
    assert (
        render_text(root, width=400)
        .splitlines()[-1]
        .endswith("└── … 1 child, 10,000+ more levels (max depth 50)")
    )
    assert render_text(leaf) == "999999"
    assert len(draw(render(root, max_depth=100), width=80).splitlines()) == 103  # cut wraps
    assert walked[-1] == LEVELS_WALK


def test_a_million_wide_node_renders_with_the_defaults(walked: list[int]) -> None:
    root = Node("wide")
    gc.disable()
    try:
        root.extend([Node(i) for i in range(1_000_000)])
    finally:
        gc.enable()
    lines = render_text(root).splitlines()
    assert len(lines) == 102
    assert lines[-2:] == ["├── 99", "└── … 999,900 more"]
    assert walked == []  # no depth cut: nothing hidden was visited
    top = Node("top", children=[root])
    assert render_text(top, max_depth=0) == "top\n└── … 1 child, 2+ more levels (max depth 0)"
    assert walked == [LEVELS_WALK]


# ------------------------------------------------------------ label lines --


@pytest.mark.parametrize(
    "name",
    ["list[int]", "[/]x", "[bold]b[/bold]", "[link=http://x]y[/link]", ":smile:", "\\[x]", "[/]"],
)
def test_names_are_never_markup(name: str) -> None:
    root = Node(name, children=[Node(name)])
    assert render_text(root) == f"{name}\n└── {name}"
    assert ansi(root).count(name) == 2  # no style was made of it either


def test_control_characters_become_visible() -> None:
    assert render_text(Node("a\x1b[31mb\tc\x00\x7f")) == "a␛[31mb␉c␀␡"
    assert render_text(Node("bell\x07")) == "bell"  # rich's Text drops BEL, BS, VT, FF, CR


def test_lone_surrogates_become_replacement_characters() -> None:
    # No encoding can write a lone surrogate (json.loads('"\\ud800"') makes one).
    root = Node("a\ud800b", children=[Node("\udcff" * 3)])
    assert render_text(root) == "a\ufffdb\n└── \ufffd\ufffd\ufffd"
    assert render_text(root, label=lambda n: Text(str(n.name))) == render_text(root)
    picture = draw(root)
    assert picture == "a\ufffdb\n└── \ufffd\ufffd\ufffd\n"
    picture.encode("utf-8")  # what a terminal is sent can be encoded
    assert render_text(Node("\ud83d\ude00")) == "\ufffd\ufffd"  # a pair as two code points


def test_multi_line_and_long_labels_keep_their_guides() -> None:
    root = Node("a", children=[Node("multi\nline", children=[Node("x")]), Node("b")])
    assert render_text(root) == "a\n├── multi\n│   line\n│   └── x\n└── b"
    long = Node("a", children=[Node("word " * 8, children=[Node("x")]), Node("b")])
    assert render_text(long, width=20, max_depth=None) == (
        "a\n├── word word word\n│   word word word\n│   word word\n│   └── x\n└── b"
    )


def test_label_option() -> None:
    root = Node("root", children=[Node("a", size=3), Node("b", size=4)])
    text = render_text(root, label=lambda n: f"{n.name} [{getattr(n, 'size', '-')}]")
    assert text == "root [-]\n├── a [3]\n└── b [4]"  # a str is literal, never markup
    styled = render(root, label=lambda n: Text(str(n.name), style="red"))
    assert (
        ansi(styled) == "\x1b[31mroot\x1b[0m\n"
        "\x1b[2m├── \x1b[0m\x1b[31ma\x1b[0m\n"
        "\x1b[2m└── \x1b[0m\x1b[31mb\x1b[0m\n"
    )
    boxed = render_text(
        Node("r", children=[Node("c")]), label=lambda n: Panel(str(n.name), width=7)
    )
    assert boxed == "╭─────╮\n│ r   │\n╰─────╯\n└── ╭─────╮\n    │ c   │\n    ╰─────╯"


def test_rich_label_is_the_one_method_to_override() -> None:
    class Tag(Node):
        def rich_label(self) -> Text:
            return Text.assemble(("<", "blue"), (str(self.name), "bold"), (">", "blue"))

    root = Tag("div", children=[Tag("span"), Node("plain [text]")])
    assert render_text(root) == "<div>\n├── <span>\n└── plain [text]"
    assert "\x1b[1mspan\x1b[0m" in ansi(root)


def test_highlight_by_predicate_node_and_collection() -> None:
    root = doc()
    p = root.find(name="p")
    assert p is not None
    for highlight in (lambda n: n.name == "p", p, [p], {p}, weakref.WeakSet([p])):
        picture = ansi(render(root, highlight=highlight))
        lines = picture.splitlines()
        assert lines[5] == "\x1b[2m    ├── \x1b[0m\x1b[1;7mp\x1b[0m"
        assert picture.count("\x1b[1;7m") == 1
        assert render_text(root, highlight=highlight) == GOLDEN["unicode"][:-1]
    assert ansi(render(root, highlight=root)).startswith("\x1b[1;7mhtml\x1b[0m\n")


# ------------------------------------------------------ collected parents --


def test_collected_parent_marker() -> None:
    p = Node("body", children=[Node("p", children=[Node("em")])]).children[0]
    assert p.parent_collected
    assert render_text(p) == "⟂ parent collected (was 'body')\np\n└── em"
    assert render_text(p, guide="ascii") == "! parent collected (was 'body')\np\n`-- em"
    assert ansi(p).startswith("\x1b[1;31m⟂ parent collected (was 'body')\x1b[0m\n")
    assert render_text(p.children[0]) == "em"  # only the top of the picture is marked


def test_the_marker_quotes_the_label_literally() -> None:
    orphan = Node("it's [b]", children=[Node("x")]).children[0]
    assert render_text(orphan).splitlines()[0] == """⟂ parent collected (was "it's [b]")"""


def test_roots_have_no_marker() -> None:
    parent = Node("parent")
    kept = parent.append(Node("kept"))
    assert render_text(kept.detach()) == "kept"  # detached, its parent still alive
    del parent
    assert render_text(kept) == "kept"
    child = Node("body").append(Node("p"))
    child.detach()  # an explicit detach clears the marker
    assert render_text(child) == "p"
    assert render_text(Node("new")) == "new"


# --------------------------------------------------------------- forests --


def test_forest_labels_each_kind_of_root() -> None:
    root = doc()
    body = root.children[1]
    p = body.children[1]
    aside = body.append(Node("aside", children=[Node("ul")])).detach()
    orphan = Node("main", children=[Node("q")]).children[0]
    picture = render_forest([p, root, aside, body, orphan, Node("new")])
    assert isinstance(picture, RenderedForest)
    assert picture.roots == (root, aside, orphan, picture.roots[3])
    assert draw(picture) == (
        "forest: 4 trees (2 roots, 1 detached, 1 orphan)\n"
        "\n"
        "● root (never attached)\n" + GOLDEN["unicode"] + "\n"
        "✂ detached subtree\n"
        "aside\n"
        "└── ul\n"
        "\n"
        "⟂ parent collected (was 'main')\n"
        "q\n"
        "\n"
        "● root (never attached)\n"
        "new\n"
    )


def test_forest_of_a_weakset_of_everything() -> None:
    made: weakref.WeakSet[Node] = weakref.WeakSet()

    def make(*args: Any, **kwargs: Any) -> Node:
        node = Node(*args, **kwargs)
        made.add(node)
        return node

    root = make("root")
    keep = root.append(make("keep"))
    keep.append(make("leaf"))
    root.append(make("gone"))
    del root
    assert len(made) == 2  # "root" and "gone" were freed at once
    text = render_forest(made).to_text()
    assert text == (
        "forest: 1 tree (0 roots, 0 detached, 1 orphan)\n\n"
        "⟂ parent collected (was 'root')\nkeep\n└── leaf"
    )


def test_forest_ascii_and_empty() -> None:
    nodes = [Node("a"), Node("b", parent=Node("x")).detach()]
    assert render_forest(nodes, guide="ascii").to_text() == (
        "forest: 2 trees (1 root, 1 detached, 0 orphans)\n\n* root (never attached)\na\n\n"
        "~ detached subtree\nb"
    )
    assert render_forest([]).to_text() == "forest: 0 trees (0 roots, 0 detached, 0 orphans)"


def test_forest_budget_and_options() -> None:
    nodes = [Node(f"t{i}", children=[Node("c1"), Node("c2")]) for i in range(5)]
    assert render_forest(nodes, max_nodes=4, max_children=1).to_text() == (
        "forest: 5 trees (5 roots, 0 detached, 0 orphans)\n\n"
        "● root (never attached)\nt0\n├── c1\n└── … 1 more\n\n"
        "● root (never attached)\nt1\n├── c1\n└── … 1 more\n"
        "… 3 more trees (max nodes 4)"
    )


def test_forest_tree_attached_after_grouping() -> None:
    lone = Node("lone")
    picture = render_forest([lone])
    Node("host").append(lone)  # the host dies at once: lone becomes an orphan
    assert picture.to_text().splitlines()[:3] == [
        "forest: 1 tree (0 roots, 0 detached, 1 orphan)",
        "",
        "⟂ parent collected (was 'host')",
    ]
    host = Node("host2")
    host.append(lone)
    assert picture.to_text().splitlines()[2] == "○ subtree (now under 'host2')"


def test_forest_groups_a_deep_tree_in_linear_time() -> None:
    root, leaf = build_chain(100_000)
    nodes = list(root.walk())
    nodes.reverse()  # from the leaf up: each climb stops at a node already seen
    picture = render_forest(nodes)
    assert picture.roots == (root,)
    assert render_forest([leaf, root, leaf]).roots == (root,)


def test_forest_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match=r"wrap a single node in a list"):
        render_forest(Node("x"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"render_forest\(\) needs a node, not str 'x'"):
        render_forest(["x"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        render_forest(3)  # type: ignore[arg-type]


# -------------------------------------------------------------- options --


def test_unknown_guide() -> None:
    with pytest.raises(
        ValueError,
        match=r"unknown guide 'fancy': choose one of 'unicode', 'ascii', 'bold', 'double'",
    ):
        render(Node("x"), guide="fancy")
    with pytest.raises(ValueError, match="unknown guide"):
        render_text(Node("x"), guide="ASCII")
    with pytest.raises(ValueError, match="unknown guide"):
        render_forest([], guide=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("option", "value", "error", "message"),
    [
        ("max_depth", -1, ValueError, r"max_depth must be >= 0 \(or None for no limit\), not -1"),
        ("max_children", -5, ValueError, r"max_children must be >= 0"),
        ("max_nodes", 0, ValueError, r"max_nodes must be >= 1"),
        ("max_depth", 1.5, TypeError, r"max_depth must be an int, None or 'auto', not 1.5"),
        ("max_depth", "AUTO", TypeError, r"max_depth must be an int, None or 'auto'"),
        ("max_children", "3", TypeError, r"max_children must be an int or None"),
        ("max_nodes", True, TypeError, r"max_nodes must be an int or None, not True"),
        ("label", "name", TypeError, r"label must be a callable"),
        ("highlight", "p", TypeError, r"highlight must be a predicate, a node or an iterable"),
        ("highlight", 3, TypeError, r"highlight must be a predicate"),
        ("highlight", [Node("a"), "b"], TypeError, r"highlight must contain only nodes, not 'b'"),
    ],
)
def test_bad_options(option: str, value: object, error: type[Exception], message: str) -> None:
    for function in (render, render_text):
        with pytest.raises(error, match=message):
            function(Node("x"), **{option: value})
    with pytest.raises(error, match=message):
        render_forest([Node("x")], **{option: value})


def test_bad_node_and_width() -> None:
    with pytest.raises(TypeError, match=r"render\(\) needs a node, not str 'x'"):
        render("x")  # type: ignore[type-var]
    with pytest.raises(ValueError, match="width must be a positive int, not 0"):
        render_text(Node("x"), width=0)
    with pytest.raises(ValueError, match="width must be a positive int"):
        render(Node("x")).to_text(width=True)


def test_render_text_has_no_colour_even_when_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "20")
    root = Node("a", children=[Node("b" * 30)])
    assert render_text(root, highlight=root) == "a\n└── " + "b" * 30


# ------------------------------------------------- robustness and reprs --


def test_the_picture_is_read_when_printed() -> None:
    root = Node("root")
    picture = render(root)
    assert isinstance(picture, RenderedTree) and picture.node is root
    root.append(Node("late"))
    assert picture.to_text() == "root\n└── late"
    assert repr(picture) == "<RenderedTree of Node('root')>"


def test_a_label_that_changes_the_tree_does_not_break_the_picture() -> None:
    root = Node("root", children=[Node(i) for i in range(20)])

    def label(node: Node) -> str:
        if node.name == 3:
            root.children = root.children[:5]  # drops the siblings still to come
        return str(node.name)

    assert render_text(root, label=label) == "root\n├── 0\n├── 1\n├── 2\n├── 3\n└── 4"


def test_rich_repr_is_short_and_never_walks() -> None:
    a = Node("a", colour="red")
    b = Node("b", link=a, parent=a, data=[1, {"k": "list[int]"}])
    assert pretty_repr(a) == "Node('a', colour='red')"
    assert pretty_repr(b) == "Node('b', link=Node('a', colour='red'), data=[1, {'k': 'list[int]'}])"
    top = Node(0)
    for i in range(1, 20_000):  # a chain through attributes, not children
        top = Node(i, link=top)
    assert len(pretty_repr(top)) < 200
    big = Node("big")
    big.extend(Node(i) for i in range(100_000))
    assert pretty_repr(big) == "Node('big')" and repr(big) == "Node('big')"

    class Slotted(BaseNode):
        __slots__ = ("name",)

    s = Slotted()
    s.name = "s"
    assert pretty_repr(s) == "Slotted('s')"


def test_jupyter_mime_bundle() -> None:
    bundle = render(Node("a", children=[Node("b")]))._repr_mimebundle_([], [])
    assert "└── b" in bundle["text/plain"]
    assert "text/html" in bundle


@pytest.fixture
def no_gc() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_rendering_makes_no_cycles(no_gc: None) -> None:
    root = doc()
    watch = weakref.ref(root.children[1].children[1])
    draw(render(root, highlight=lambda n: True))
    draw(render_forest([root]))
    del root
    assert watch() is None  # freed by reference counting: the renderer kept nothing


def test_render_text_draws_exactly_what_rich_prints_without_colours() -> None:
    """render_text writes plain lines itself; rich printing the same picture must agree."""
    import random

    from rich.table import Table

    from boughs.render import _plain

    rng = random.Random(1)
    names = ["x", "list[int]", "[/]x", "a\x1bb", "emoji 😀", "中文字符" * 3, "long " * 30]
    names += ["two\nlines", "", "  spaced  ", "tab\tx"]

    def table(n: Node) -> Table:
        t = Table()
        t.add_column("c")
        t.add_row(str(n.name))
        return t

    labels: list[Any] = [None, lambda n: Text(str(n.name), style="red"), lambda n: str(n.name) * 2]
    for trial in range(150):
        nodes = [Node(rng.choice(names))]
        for i in range(1, rng.randrange(1, 60)):
            nodes.append(Node(rng.choice(names) + str(i), parent=rng.choice(nodes)))
        top = rng.choice(nodes)
        if trial % 10 == 0 and nodes[0].children:
            top = nodes[0].children[0]
            del nodes  # the picture starts with the collected-parent marker
            assert top.parent_collected
        options: dict[str, Any] = {
            "max_depth": rng.choice([None, 0, 1, 3, 50, "auto"]),
            "max_children": rng.choice([None, 1, 3, 100]),
            "max_nodes": rng.choice([None, 5, 1000]),
            "guide": rng.choice(["unicode", "ascii", "bold", "double"]),
            "label": table if trial % 17 == 0 else rng.choice(labels),
            "highlight": rng.choice([None, lambda n: len(str(n.name)) % 2]),
        }
        width = rng.choice([1, 5, 20, 40, 80, 200])
        assert render_text(top, width=width, **options) == _plain(render(top, **options), width)
