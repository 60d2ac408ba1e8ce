"""Drawing trees with rich: `render`, `render_text` and `render_forest`.

`rich.print(node)` and ``Console().print(node)`` draw a node's subtree through
`render` with its default options. Each node's line is its `rich_label`
(override that one method in a subclass), or whatever the ``label`` option
returns; a plain ``str`` is always shown literally, never parsed as markup.

The renderer is iterative (an explicit stack, no recursion) and its cost is
proportional to what it shows, never to the size of the tree: hidden children
are counted with an O(1) ``len``, and hidden levels are counted by a walk with
a fixed budget. Every cut is said on screen:

* ``… 9,995 more`` — siblings beyond ``max_children`` (``… 4 children``
  when none of them is shown);
* ``… 2 more (max nodes 1,000)`` — nodes beyond the ``max_nodes`` budget of
  the whole picture;
* ``… 3 children, 12 more levels (max depth 50)`` — a node's children lie
  deeper than ``max_depth``. The hidden levels are counted by walking the
  hidden subtree, at most `LEVELS_WALK` nodes for one cut line and
  `LEVELS_WALK_TOTAL` for the whole picture; past that the line gives a
  lower bound, ``… 1 child, 10,000+ more levels``;
* ``… 1 child, 10,000+ more levels (width 80)`` — with
  ``max_depth="auto"`` (the default), at most `DEFAULT_MAX_DEPTH` levels are
  drawn, and only as many as keep 40 cells for the text of every line, cut
  lines included (half the width, if that is less): rich's own ``Tree``
  silently drops deep levels at normal widths.

An explicit ``max_depth`` (a number or ``None``) is honoured whatever the
width. A line's text is never laid out in fewer cells than that, so lines
deeper than the automatic depth are wider than the console: `render_text`
and ``boughs show`` keep them whole (a terminal wraps them), while
``Console.print`` crops them at its right edge, as rich crops everything it
prints, unless it is given ``soft_wrap=True``.

A picture whose top node lost its parent to the garbage collector starts with
a marker line, ``⟂ parent collected (was 'body')``.

Options shared by all three functions:

* ``max_depth``: levels shown below the top node (0 shows only the top
  node); ``None`` for no limit; ``"auto"`` (the default) for
  `DEFAULT_MAX_DEPTH`, or fewer if the console is too narrow for them.
* ``max_children`` (default `DEFAULT_MAX_CHILDREN`): children shown per node;
  ``None`` for no limit.
* ``max_nodes`` (default `DEFAULT_MAX_NODES`): nodes shown in the whole
  picture, so that a million-node tree renders in milliseconds; ``None`` for
  no limit.
* ``guide``: ``"unicode"`` (default), ``"ascii"``, ``"bold"`` or ``"double"``.
  A console that can only write ASCII gets ASCII guides whatever the choice.
* ``label``: a callable ``label(node) -> str | RenderableType`` used instead
  of `BaseNode.rich_label`.
* ``highlight``: a predicate ``highlight(node) -> bool``, a node, or an
  iterable of nodes; those nodes are drawn in bold reverse video.

Examples:
    >>> from boughs import Node, render_text
    >>> root = Node("html", children=[Node("head"), Node("body", children=[Node("p")])])
    >>> print(render_text(root))
    html
    ├── head
    └── body
        └── p
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final, Generic, Literal, TypeAlias, TypeVar

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.jupyter import JupyterMixin
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from boughs import _storage
from boughs.node import BaseNode

__all__ = [
    "DEFAULT_MAX_CHILDREN",
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_NODES",
    "GUIDES",
    "LEVELS_WALK",
    "LEVELS_WALK_TOTAL",
    "RenderedForest",
    "RenderedTree",
    "render",
    "render_forest",
    "render_text",
]

N = TypeVar("N", bound=BaseNode)

DEFAULT_MAX_DEPTH: Final = 50
"""Levels shown below the top node with ``max_depth="auto"``, if the console is wide enough."""
DEFAULT_MAX_CHILDREN: Final = 100
"""Children shown per node unless ``max_children`` says otherwise."""
DEFAULT_MAX_NODES: Final = 1000
"""Nodes shown in one picture unless ``max_nodes`` says otherwise."""

GUIDES: Final[dict[str, tuple[str, str, str, str]]] = {
    "unicode": ("    ", "│   ", "├── ", "└── "),
    "ascii": ("    ", "|   ", "+-- ", "`-- "),
    "bold": ("    ", "┃   ", "┣━━ ", "┗━━ "),
    "double": ("    ", "║   ", "╠══ ", "╚══ "),
}
"""Guide lines by style name: (space, continue, fork, end), each 4 cells wide."""

_UNICODE_SYMBOLS: Final = ("…", "⟂", "●", "✂", "○")
_ASCII_SYMBOLS: Final = ("...", "!", "*", "~", "o")
"""Ellipsis, collected-parent marker, root, detached subtree, attached subtree."""

LEVELS_WALK: Final = 10_000
"""Hidden nodes one depth cut line may visit to count the levels it hides."""
LEVELS_WALK_TOTAL: Final = 100_000
"""Hidden nodes all the depth cut lines of one picture may visit together."""

_MIN_LABEL_WIDTH: Final = 40
"""Cells kept for a line's text (or half the width, if less), however deep the line."""

GUIDE_STYLE: Final = Style(dim=True)
MORE_STYLE: Final = Style(dim=True, italic=True)
COLLECTED_STYLE: Final = Style(color="red", bold=True)
ROOT_STYLE: Final = Style(color="green", bold=True)
DETACHED_STYLE: Final = Style(color="yellow", bold=True)
HIGHLIGHT_STYLE: Final = Style(bold=True, reverse=True)

_UNPRINTABLE: Final = re.compile("[\x00-\x09\x0b-\x1f\x7f\ud800-\udfff]")
"""What a label must not send to a terminal: control characters (except newline),
and lone surrogates, which no encoding can write."""

Label: TypeAlias = Callable[[N], RenderableType | str]
MaxDepth: TypeAlias = int | Literal["auto"] | None
Highlight: TypeAlias = Callable[[N], object] | BaseNode | Iterable[BaseNode]


def _picture(match: re.Match[str]) -> str:
    """What stands for an unprintable character: its control picture (``\\x1b`` -> ``␛``),
    or U+FFFD (``�``) for a lone surrogate."""
    code = ord(match.group())
    if code >= 0xD800:
        return "\ufffd"
    return "\u2421" if code == 0x7F else chr(0x2400 + code)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


# ------------------------------------------------------------- options --


class _Settings:
    """Validated rendering options."""

    __slots__ = ("guide", "highlight", "label", "max_children", "max_depth", "max_nodes")

    def __init__(
        self,
        *,
        max_depth: MaxDepth,
        max_children: int | None,
        max_nodes: int | None,
        guide: str,
        label: Callable[[BaseNode], RenderableType | str] | None,
        highlight: Callable[[BaseNode], object] | None,
    ) -> None:
        self.max_depth = max_depth
        self.max_children = max_children
        self.max_nodes = max_nodes
        self.guide = guide
        self.label = label
        self.highlight = highlight


def _limit(name: str, value: object, minimum: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int or None, not {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum} (or None for no limit), not {value!r}")
    return value


def _max_depth(value: object) -> MaxDepth:
    if value == "auto" and isinstance(value, str):
        return "auto"
    if isinstance(value, bool) or not (value is None or isinstance(value, int)):
        raise TypeError(f"max_depth must be an int, None or 'auto', not {value!r}")
    return _limit("max_depth", value, 0)


def _highlighter(highlight: object) -> Callable[[BaseNode], object] | None:
    if highlight is None:
        return None
    if isinstance(highlight, BaseNode):
        return lambda node: node is highlight
    if callable(highlight):
        return highlight
    if isinstance(highlight, (str, bytes)) or not isinstance(highlight, Iterable):
        raise TypeError(
            "highlight must be a predicate, a node or an iterable of nodes, "
            f"not {type(highlight).__name__}"
        )
    nodes = list(highlight)
    for item in nodes:
        if not isinstance(item, BaseNode):
            raise TypeError(f"highlight must contain only nodes, not {item!r}")
    ids = {id(item) for item in nodes}

    def is_highlighted(node: BaseNode, _alive: list[BaseNode] = nodes) -> bool:
        return id(node) in ids  # _alive keeps the nodes, so their ids stay theirs

    return is_highlighted


def _settings(
    *,
    max_depth: object,
    max_children: object,
    max_nodes: object,
    guide: object,
    label: object,
    highlight: object,
) -> _Settings:
    if not isinstance(guide, str) or guide not in GUIDES:
        choices = ", ".join(repr(g) for g in GUIDES)
        raise ValueError(f"unknown guide {guide!r}: choose one of {choices}")
    if label is not None and not callable(label):
        raise TypeError(f"label must be a callable taking a node, or None, not {label!r}")
    return _Settings(
        max_depth=_max_depth(max_depth),
        max_children=_limit("max_children", max_children, 0),
        max_nodes=_limit("max_nodes", max_nodes, 1),
        guide=guide,
        label=label,
        highlight=_highlighter(highlight),
    )


def _check_node(node: object, what: str) -> BaseNode:
    if not isinstance(node, BaseNode):
        raise TypeError(f"{what} needs a node, not {type(node).__name__} {node!r}")
    return node


# ------------------------------------------------------------- painter --


class _Painter:
    """Turns trees into Segments for one console and one set of options."""

    def __init__(self, console: Console, options: ConsoleOptions, settings: _Settings) -> None:
        self.console = console
        # Labels are laid out the same whatever Console.print was told (soft_wrap ...).
        self.options = options.update(height=None, highlight=False, no_wrap=False, overflow=None)
        self.settings = settings
        self.width = width = max(options.max_width, 1)
        ascii_only = settings.guide == "ascii" or options.ascii_only
        self.guides = GUIDES["ascii"] if options.ascii_only else GUIDES[settings.guide]
        self.symbols = _ASCII_SYMBOLS if ascii_only else _UNICODE_SYMBOLS
        max_nodes = settings.max_nodes
        self.budget = sys.maxsize if max_nodes is None else max_nodes
        self.budget_reason = f"max nodes {self.budget:,}"
        # Every line keeps this many cells for its text; a guide that leaves fewer
        # (an explicit max_depth deeper than the width allows) makes the line wider.
        self.min_room = max(min(_MIN_LABEL_WIDTH, width // 2), 1)
        max_depth = settings.max_depth
        # The deepest lines are depth cut lines, one level below the last shown.
        fit = max((width - self.min_room) // 4 - 1, 0)
        if max_depth == "auto" and fit < DEFAULT_MAX_DEPTH:
            self.depth = fit
            self.depth_reason = f"width {width}"
        else:
            depth = DEFAULT_MAX_DEPTH if max_depth == "auto" else max_depth
            self.depth = sys.maxsize if depth is None else int(depth)
            self.depth_reason = f"max depth {self.depth:,}"
        self.walk_left = LEVELS_WALK_TOTAL
        self.walked = 0
        """Hidden nodes visited so far to count hidden levels (for tests)."""
        self.newline = Segment.line()

    def note(self, text: str, style: Style, first: str = "") -> Iterator[Segment]:
        """A line of the renderer's own (marker, heading or cut), after guide ``first``."""
        rest = first[:-4] + self.guides[0] if first else ""
        return self.line(Text(text, style=style), None, first, rest)

    def line(
        self, label: RenderableType | str, style: Style | None, first: str, rest: str
    ) -> Iterator[Segment]:
        """The lines of one label: guide ``first`` before the first, ``rest`` before others."""
        if isinstance(label, str):
            label = Text(label)
        width = max(self.width - len(first), self.min_room)  # guides: one cell a character
        lines: Iterable[Iterable[Segment]]
        if isinstance(label, Text):
            plain = label.plain
            if _UNPRINTABLE.search(plain) is not None:
                label = label.copy()
                label.plain = _UNPRINTABLE.sub(_picture, plain)
            if "\n" not in plain and label.cell_len <= width:
                lines = (self.text_segments(label, style),)
            else:
                wrapped = label.wrap(self.console, width)
                for part in wrapped:
                    part.rstrip()  # in place: no trailing spaces where a line wrapped
                lines = [self.text_segments(part, style) for part in wrapped]
        else:
            options = self.options.update_width(width)
            lines = self.console.render_lines(label, options, style=style, pad=False)
        guide = first
        guide_style = GUIDE_STYLE
        newline = self.newline
        for segments in lines or ((),):
            if guide:
                yield Segment(guide, guide_style)
            yield from segments
            yield newline
            guide = rest

    def text_segments(self, text: Text, style: Style | None) -> Iterable[Segment]:
        """The Segments of a one-line ``text``, with ``style`` under its own."""
        if text.spans:
            segments: Iterable[Segment] = text.render(self.console)
        elif text.style:
            segments = (Segment(text.plain, self.console.get_style(text.style)),)
        else:
            segments = (Segment(text.plain),)
        return segments if style is None else Segment.apply_style(segments, style)

    def tree(self, top: BaseNode) -> Iterator[Segment]:
        """All the lines of ``top``'s subtree, spending ``self.budget``."""
        settings = self.settings
        space, cont, fork, end = self.guides
        ellipsis = self.symbols[0]
        label_of = settings.label
        highlight = settings.highlight
        max_children = sys.maxsize if settings.max_children is None else settings.max_children
        max_depth = self.depth
        count = _storage.count
        child_at = _storage.child_at
        line = self.line

        if top.parent_collected:
            was = top.collected_parent_label
            marker = f"{self.symbols[1]} parent collected"
            yield from self.note(
                marker if was is None else f"{marker} (was {was!r})", COLLECTED_STYLE
            )
        yield from line(
            top.rich_label() if label_of is None else label_of(top),
            HIGHLIGHT_STYLE if highlight is not None and highlight(top) else None,
            "",
            "",
        )
        self.budget -= 1
        # A frame: [parent, next child position, guide of the parent's children, their depth]
        stack: list[list[Any]] = []
        if count(top._children):
            if max_depth >= 1:
                stack.append([top, 0, "", 1])
            else:
                yield from self.depth_cut(top, "")
        while stack:
            frame = stack[-1]
            parent, i, guide, depth = frame
            kids = parent._children
            n = count(kids)
            if i >= n:
                stack.pop()
                continue
            if i >= max_children or self.budget <= 0:
                hidden = f"{n - i:,} more" if i else _plural(n, "child", "children")
                if i < max_children:
                    hidden += f" ({self.budget_reason})"
                yield from self.note(f"{ellipsis} {hidden}", MORE_STYLE, guide + end)
                stack.pop()
                continue
            child = child_at(parent, i)
            frame[1] = i + 1
            last = i + 1 >= n
            first = guide + (end if last else fork)
            rest = guide + (space if last else cont)
            yield from line(
                child.rich_label() if label_of is None else label_of(child),
                HIGHLIGHT_STYLE if highlight is not None and highlight(child) else None,
                first,
                rest,
            )
            self.budget -= 1
            if count(child._children):
                if depth < max_depth:
                    stack.append([child, 0, rest, depth + 1])
                else:
                    yield from self.depth_cut(child, rest)

    def depth_cut(self, node: BaseNode, guide: str) -> Iterator[Segment]:
        """The line that stands for the children of ``node`` below the depth limit."""
        hidden = _plural(_storage.count(node._children), "child", "children")
        levels, exact = self.levels_below(node)
        more = _plural(levels, "more level", "more levels") if exact else f"{levels:,}+ more levels"
        text = f"{self.symbols[0]} {hidden}, {more} ({self.depth_reason})"
        return self.note(text, MORE_STYLE, guide + self.guides[3])

    def levels_below(self, node: BaseNode) -> tuple[int, bool]:
        """The height of ``node`` (which has children), and whether it is exact.

        A depth-first walk of at most `LEVELS_WALK` nodes, and of what is left of
        `LEVELS_WALK_TOTAL` for the picture; when it stops early, the height is
        a lower bound: the deepest level it reached.
        """
        allowed = min(LEVELS_WALK, self.walk_left)
        count = _storage.count
        deepest = 1
        visited = 0
        exact = True
        # One iterator per level being walked; the raw storage, whose holes are None.
        stack: list[Iterator[BaseNode | None]] = [iter(node._children)]
        while stack:
            for child in stack[-1]:
                if child is None:
                    continue
                if visited >= allowed:
                    exact = False
                    stack.clear()
                    break
                visited += 1
                deepest = max(deepest, len(stack))  # the level of ``child``
                kids = child._children
                if count(kids):
                    stack.append(iter(kids))
                    break
            else:
                stack.pop()
        self.walk_left -= visited
        self.walked += visited
        return deepest, exact


class _TextPainter(_Painter):
    """The same traversal as `_Painter`, yielding plain lines instead of Segments.

    `render_text` uses it: a label that is a ``str`` or a `Text` on one line
    becomes ``guide + text`` directly, which is what rich would print with no
    colours and ``soft_wrap=True``, without making a Segment per guide and
    label. Anything else (a label that wraps, a renderable that is not `Text`)
    is rendered by rich, line by line, so the picture is the same.
    """

    def line(  # type: ignore[override]
        self, label: RenderableType | str, style: Style | None, first: str, rest: str
    ) -> Iterator[str]:
        if label.__class__ is str:
            plain: str = label
        elif isinstance(label, Text):
            plain = label.plain
        else:
            plain = "\n"  # not Text: rich lays it out
        if "\n" not in plain:
            if _UNPRINTABLE.search(plain) is not None:
                plain = _UNPRINTABLE.sub(_picture, plain)
            room = max(self.width - len(first), self.min_room)
            if (len(plain) if plain.isascii() else cell_len(plain)) <= room:
                yield first + plain + "\n"
                return
        # As Console.print(soft_wrap=True) does: split into lines, never crop them.
        for segments in Segment.split_and_crop_lines(
            super().line(label, style, first, rest), sys.maxsize, pad=False
        ):
            yield "".join([s.text for s in segments if not s.control])

    def text(self, top: BaseNode) -> str:
        """The whole picture, without the final newline."""
        return "".join(self.tree(top))[:-1]  # type: ignore[arg-type]


# --------------------------------------------------------- renderables --


class RenderedTree(JupyterMixin, Generic[N]):
    """A rich renderable drawing one subtree; made by `render`.

    The tree is read when the renderable is printed, so it shows the tree as
    it is then.
    """

    __slots__ = ("_node", "_settings")

    def __init__(self, node: N, settings: _Settings) -> None:
        self._node = node
        self._settings = settings

    @property
    def node(self) -> N:
        """The top node of the picture.

        Examples:
            >>> from boughs import Node, render
            >>> root = Node("root")
            >>> render(root).node is root
            True

        Complexity: O(1).
        """
        return self._node

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from _Painter(console, options, self._settings).tree(self._node)

    def to_text(self, width: int = 80) -> str:
        """The picture as plain text, without colour codes; see `render_text`.

        Examples:
            >>> from boughs import Node, render
            >>> picture = render(Node("root", children=[Node("a"), Node("b")]))
            >>> print(picture.to_text())
            root
            ├── a
            └── b

        Complexity: as printing the picture.
        """
        console = _text_console(width)
        return _TextPainter(console, console.options, self._settings).text(self._node)

    def __repr__(self) -> str:
        return f"<RenderedTree of {self._node!r}>"


class RenderedForest(JupyterMixin):
    """A rich renderable drawing several trees, one per distinct root; made by `render_forest`."""

    __slots__ = ("_roots", "_settings")

    def __init__(self, roots: list[BaseNode], settings: _Settings) -> None:
        self._roots = roots
        self._settings = settings

    @property
    def roots(self) -> tuple[BaseNode, ...]:
        """The top node of each tree, in order of first appearance.

        Examples:
            >>> from boughs import Node, render_forest
            >>> root = Node("root", children=[Node("a"), Node("b")])
            >>> render_forest([*root.children, Node("solo")]).roots
            (Node('root'), Node('solo'))

        Complexity: O(number of trees).
        """
        return tuple(self._roots)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        painter = _Painter(console, options, self._settings)
        ellipsis, _, root_mark, detached_mark, subtree_mark = painter.symbols
        kinds = [_kind(root) for root in self._roots]
        tally = [
            _plural(kinds.count("root"), "root", "roots"),
            f"{kinds.count('detached'):,} detached",
            _plural(kinds.count("orphan"), "orphan", "orphans"),
        ]
        if "subtree" in kinds:
            tally.append(_plural(kinds.count("subtree"), "subtree", "subtrees"))
        trees = _plural(len(kinds), "tree", "trees")
        yield from painter.note(f"forest: {trees} ({', '.join(tally)})", Style(bold=True))
        for i, (root, kind) in enumerate(zip(self._roots, kinds, strict=True)):
            if painter.budget <= 0:
                more = _plural(len(kinds) - i, "more tree", "more trees")
                yield from painter.note(f"{ellipsis} {more} ({painter.budget_reason})", MORE_STYLE)
                break
            yield painter.newline
            if kind == "root":
                yield from painter.note(f"{root_mark} root (never attached)", ROOT_STYLE)
            elif kind == "detached":
                yield from painter.note(f"{detached_mark} detached subtree", DETACHED_STYLE)
            elif kind == "subtree":
                parent = root.parent
                yield from painter.note(
                    f"{subtree_mark} subtree (now under {parent and parent.tree_label()!r})",
                    ROOT_STYLE,
                )
            yield from painter.tree(root)  # an orphan's tree starts with its own marker

    def to_text(self, width: int = 80) -> str:
        """The picture as plain text, without colour codes; see `render_text`.

        Examples:
            >>> from boughs import Node, render_forest
            >>> b = Node("b", parent=Node("x")).detach()
            >>> print(render_forest([Node("a"), b]).to_text())
            forest: 2 trees (1 root, 1 detached, 0 orphans)
            <BLANKLINE>
            ● root (never attached)
            a
            <BLANKLINE>
            ✂ detached subtree
            b

        Complexity: as printing the picture.
        """
        return _plain(self, width)

    def __repr__(self) -> str:
        return f"<RenderedForest of {len(self._roots)} trees>"


def _kind(node: BaseNode) -> str:
    if node.parent is not None:
        return "subtree"  # it was a root when the forest was made
    if node.parent_collected:
        return "orphan"
    return "detached" if node.detached else "root"


# ------------------------------------------------------------------ API --


def render(
    node: N,
    *,
    max_depth: MaxDepth = "auto",
    max_children: int | None = DEFAULT_MAX_CHILDREN,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    guide: str = "unicode",
    label: Label[N] | None = None,
    highlight: Highlight[N] | None = None,
) -> RenderedTree[N]:
    """A rich renderable that draws ``node``'s subtree.

    Args:
        node: the top node of the picture.
        max_depth: levels shown below ``node``; ``None`` for no limit;
            ``"auto"`` for `DEFAULT_MAX_DEPTH`, or fewer on a console too
            narrow for them. A number or ``None`` is honoured whatever the width.
        max_children: children shown per node; ``None`` for no limit.
        max_nodes: nodes shown in all; ``None`` for no limit.
        guide: ``"unicode"``, ``"ascii"``, ``"bold"`` or ``"double"``.
        label: ``label(node)`` gives a node's line instead of its `rich_label`.
        highlight: a predicate, a node or an iterable of nodes to emphasise.

    Raises:
        ValueError: an unknown ``guide`` or a negative limit (``max_nodes < 1``).
        TypeError: ``node`` is not a node, or an option has the wrong type.

    Examples:
        >>> from rich.console import Console
        >>> from boughs import Node, render
        >>> root = Node("root", children=[Node(f"n{i}") for i in range(5)])
        >>> Console(width=40).print(render(root, max_children=2, guide="ascii"))
        root
        +-- n0
        +-- n1
        `-- ... 3 more

    Complexity: O(1) to make; printing it costs O(shown nodes * depth shown),
    plus at most `LEVELS_WALK_TOTAL` hidden nodes visited to count hidden
    levels, whatever the size of the tree.
    """
    settings = _settings(
        max_depth=max_depth,
        max_children=max_children,
        max_nodes=max_nodes,
        guide=guide,
        label=label,
        highlight=highlight,
    )
    return RenderedTree(_check_node(node, "render()"), settings)  # type: ignore[arg-type]


def render_text(
    node: N,
    *,
    max_depth: MaxDepth = "auto",
    max_children: int | None = DEFAULT_MAX_CHILDREN,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    guide: str = "unicode",
    label: Label[N] | None = None,
    highlight: Highlight[N] | None = None,
    width: int = 80,
) -> str:
    """The picture `render` draws, as plain text without colour codes.

    The text does not end with a newline (``print`` adds one). Long labels
    wrap at ``width`` cells, as they would in a terminal that wide; a line
    that an explicit ``max_depth`` makes wider than ``width`` is kept whole,
    never cropped. For a forest, use ``render_forest(...).to_text()``.

    Examples:
        >>> from boughs import Node, render_text
        >>> chain = Node("a", children=[Node("b", children=[Node("c")])])
        >>> print(render_text(chain, max_depth=1, guide="double"))
        a
        ╚══ b
            ╚══ … 1 child, 1 more level (max depth 1)

    Complexity: as printing `render`'s result.
    """
    picture = render(
        node,
        max_depth=max_depth,
        max_children=max_children,
        max_nodes=max_nodes,
        guide=guide,
        label=label,
        highlight=highlight,
    )
    return picture.to_text(width)


def render_forest(
    nodes: Iterable[N],
    *,
    max_depth: MaxDepth = "auto",
    max_children: int | None = DEFAULT_MAX_CHILDREN,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    guide: str = "unicode",
    label: Label[N] | None = None,
    highlight: Highlight[N] | None = None,
) -> RenderedForest:
    """A rich renderable that draws every distinct tree the given nodes belong to.

    The nodes are grouped by root now (``nodes`` may be a `weakref.WeakSet`
    of everything you made); each tree is drawn once, in order of first
    appearance, under a heading that tells a root that was never attached
    (``● root``) from an explicitly detached subtree (``✂ detached subtree``)
    and from an orphan whose parent was collected (``⟂ parent collected``).
    ``max_nodes`` is a budget for the whole forest.

    Raises:
        TypeError: ``nodes`` is not an iterable of nodes.

    Examples:
        >>> from boughs import Node, render_text, render_forest
        >>> keep = Node("tmp", children=[Node("p")]).children[0]  # "tmp" is collected
        >>> print(render_forest([Node("solo"), keep]).to_text())
        forest: 2 trees (1 root, 0 detached, 1 orphan)
        <BLANKLINE>
        ● root (never attached)
        solo
        <BLANKLINE>
        ⟂ parent collected (was 'tmp')
        p

    Complexity: O(n + a) to group n nodes with a distinct ancestors between
    them and their roots; printing costs as for `render`.
    """
    settings = _settings(
        max_depth=max_depth,
        max_children=max_children,
        max_nodes=max_nodes,
        guide=guide,
        label=label,
        highlight=highlight,
    )
    if isinstance(nodes, BaseNode) or not isinstance(nodes, Iterable):
        raise TypeError(
            f"render_forest() needs an iterable of nodes, not {type(nodes).__name__}; "
            "wrap a single node in a list: [node]"
        )
    roots: list[BaseNode] = []
    # id -> root for every node met on the way up; they all stay alive, held by
    # their roots, which ``roots`` holds.
    root_of: dict[int, BaseNode] = {}
    for item in list(nodes):
        cursor = _check_node(item, "render_forest()")
        climbed: list[BaseNode] = []
        root = root_of.get(id(cursor))
        while root is None:
            climbed.append(cursor)
            parent = cursor.parent
            if parent is None:
                root = cursor
                roots.append(root)
            else:
                cursor = parent
                root = root_of.get(id(cursor))
        for seen in climbed:
            root_of[id(seen)] = root
    return RenderedForest(roots, settings)


class _Shown:
    """A value that `rich.pretty` shows as its repr, without looking inside."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _pretty(value: object) -> object:
    # A node-valued attribute is shown by its short repr: rich.pretty would
    # otherwise follow node after node, recursively.
    return _Shown(repr(value)) if isinstance(value, BaseNode) else value


def rich_repr_fields(node: BaseNode) -> Iterator[tuple[Any, ...]]:
    """The fields of ``node`` for `rich.pretty` (``__rich_repr__``): what `repr` shows.

    The name (if the node has one) and the node's own attributes; never its
    parent or children.

    Complexity: O(number of attributes).
    """
    name = getattr(node, "name", _MISSING)
    if name is not _MISSING:
        yield (_pretty(name),)
    # On 3.11, reading node.__dict__ would leave a dict in the node: ask __getstate__.
    getstate = getattr(object, "__getstate__", None)  # None before Python 3.11
    extra = getattr(node, "__dict__", None) if getstate is None else getstate(node)[0]
    if isinstance(extra, dict):
        for key, value in extra.items():
            yield (key, _pretty(value))


_MISSING: Final = object()


def _plain(renderable: RenderableType, width: int) -> str:
    console = _text_console(width)
    console.print(renderable, soft_wrap=True)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return text[:-1] if text.endswith("\n") else text  # type: ignore[no-any-return]


def _text_console(width: int) -> Console:
    """A console that writes plain text ``width`` cells wide into a string."""
    if isinstance(width, bool) or not isinstance(width, int) or width < 1:
        raise ValueError(f"width must be a positive int, not {width!r}")
    return Console(
        file=io.StringIO(),
        width=width,
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        force_interactive=False,
        legacy_windows=False,
        emoji=False,
        markup=False,
        highlight=False,
    )
