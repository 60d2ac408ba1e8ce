"""Graph-shaped outputs and inputs: Graphviz DOT, Mermaid and networkx.

Private to boughs; the functions are documented and exported by `boughs.formats`.
"""

from __future__ import annotations

import importlib
import itertools
import re
from collections.abc import Callable, Collection, Iterator
from typing import Any, Final, TypeVar, overload

from boughs import _build, _storage
from boughs.errors import FormatError
from boughs.limits import DEFAULT_LIMITS, Limits
from boughs.node import BaseNode, Node

__all__ = ["from_networkx", "to_dot", "to_mermaid", "to_networkx"]

N = TypeVar("N", bound=BaseNode)


def _label_function(label: Callable[[Any], object] | None) -> Callable[[Any], str]:
    if label is None:
        return lambda n: str(n.tree_label())
    if not callable(label):
        raise TypeError(f"label must be a callable taking a node, or None, not {label!r}")
    return lambda n: str(label(n))


_CONTROL: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _picture(match: re.Match[str]) -> str:
    """The Unicode control picture for a control character (``\\x1b`` -> ``␛``)."""
    code = ord(match.group())
    return "\u2421" if code == 0x7F else chr(0x2400 + code)


def _lines(text: str) -> str:
    """``text`` with ``\\r\\n`` and ``\\r`` made ``\\n`` and control characters made visible."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(_picture, text)


def _dot_string(text: str) -> str:
    r"""A quoted DOT string showing ``text`` literally (``\N``, ``<b>``... are not interpreted)."""
    text = _lines(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _preorder_with_parents(node: BaseNode) -> Iterator[tuple[int, BaseNode, int]]:
    """``(number, node, parent number or -1)`` in pre-order."""
    stack: list[tuple[BaseNode, int]] = [(node, -1)]
    number = 0
    while stack:
        n, parent = stack.pop()
        yield number, n, parent
        kids = n._children
        if kids is not None:
            stack.extend([(c, number) for c in reversed(_storage.live(kids))])
        number += 1


def to_dot(
    node: BaseNode, *, label: Callable[[Any], object] | None = None, name: str = "tree"
) -> str:
    r"""The subtree of ``node`` as a Graphviz ``digraph``.

    Nodes are numbered ``n0``, ``n1`` ... in pre-order and labelled with
    `tree_label` (or ``label(node)``). Labels are quoted and escaped, so
    quotes, backslashes, ``<``/``>`` and Graphviz's own escapes (``\N``,
    ``\l``) show literally; line breaks become ``\n`` and control
    characters their visible Unicode pictures.

    Examples:
        >>> from boughs import Node
        >>> print(to_dot(Node("say \"hi\"", children=[Node("a\\b")])), end="")
        digraph "tree" {
            n0 [label="say \"hi\""];
            n1 [label="a\\b"];
            n0 -> n1;
        }

    Complexity: O(n) plus the labels; iterative.
    """
    if not isinstance(node, BaseNode):
        raise TypeError(f"to_dot() needs a node, not {_build.short(node)}")
    text_of = _label_function(label)
    lines = [f"digraph {_dot_string(str(name))} {{"]
    for number, n, parent in _preorder_with_parents(node):
        lines.append(f"    n{number} [label={_dot_string(text_of(n))}];")
        if parent >= 0:
            lines.append(f"    n{parent} -> n{number};")
    lines.append("}")
    return "\n".join(lines) + "\n"


_MERMAID_ESCAPES: Final = str.maketrans(
    {'"': "#34;", "#": "#35;", "&": "#38;", "<": "#60;", ">": "#62;", "`": "#96;"}
)
_DIRECTIONS: Final = ("TD", "TB", "BT", "LR", "RL")


def _mermaid_string(text: str) -> str:
    return '"' + _lines(text).translate(_MERMAID_ESCAPES).replace("\n", "<br>") + '"'


def to_mermaid(
    node: BaseNode, *, label: Callable[[Any], object] | None = None, direction: str = "TD"
) -> str:
    """The subtree of ``node`` as a Mermaid flowchart.

    Nodes are numbered ``n0``, ``n1`` ... in pre-order and labelled with
    `tree_label` (or ``label(node)``). Labels are quoted and the characters
    Mermaid would interpret (``"``, ``#``, ``&``, ``<``, ``>``, backtick) are
    written as Mermaid entity codes (``#34;`` ...); line breaks become ``<br>``.

    Args:
        node: the top of the subtree.
        label: a callable giving each node's text.
        direction: ``"TD"`` (top down), ``"LR"``, ``"BT"`` or ``"RL"``.

    Examples:
        >>> from boughs import Node
        >>> print(to_mermaid(Node("<root>", children=[Node('say "hi"')])), end="")
        flowchart TD
            n0["#60;root#62;"]
            n1["say #34;hi#34;"]
            n0 --> n1

    Complexity: O(n) plus the labels; iterative.
    """
    if not isinstance(node, BaseNode):
        raise TypeError(f"to_mermaid() needs a node, not {_build.short(node)}")
    if direction not in _DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(_DIRECTIONS)}, not {direction!r}")
    text_of = _label_function(label)
    lines = [f"flowchart {direction}"]
    for number, n, parent in _preorder_with_parents(node):
        lines.append(f"    n{number}[{_mermaid_string(text_of(n))}]")
        if parent >= 0:
            lines.append(f"    n{parent} --> n{number}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------ networkx --


def _networkx(what: str) -> Any:
    try:
        networkx = importlib.import_module("networkx")
    except ImportError as e:
        raise ImportError(
            f"boughs.formats.{what}() needs networkx, an optional dependency: "
            "pip install boughs[networkx]",
            name="networkx",
        ) from e
    return networkx


def to_networkx(
    node: BaseNode, *, name_key: str = "name", attrs: bool | Collection[str] = True
) -> Any:
    """The subtree of ``node`` as a ``networkx.DiGraph`` (needs ``boughs[networkx]``).

    Graph nodes are the integers 0, 1 ... in pre-order (0 is ``node``), with
    the name under ``name_key`` and the attributes (as `to_dict` selects them)
    as node data; edges go from parent to child, in child order;
    ``graph.graph["root"]`` is 0.

    Examples:
        >>> from boughs import Node
        >>> graph = to_networkx(Node("r", children=[Node("a", size=3)]))  # doctest: +SKIP
        >>> list(graph.edges), graph.nodes[1]  # doctest: +SKIP
        ([(0, 1)], {'name': 'a', 'size': 3})

    Complexity: O(n) plus the attributes; iterative.
    """
    nx = _networkx("to_networkx")
    if not isinstance(node, BaseNode):
        raise TypeError(f"to_networkx() needs a node, not {_build.short(node)}")
    items = _build.items_function(name_key, "\x00children", attrs, json=False)
    graph = nx.DiGraph(root=0)
    for number, n, parent in _preorder_with_parents(node):
        graph.add_node(number, **dict(items(n)))
        if parent >= 0:
            graph.add_edge(parent, number)
    return graph


@overload
def from_networkx(
    graph: Any, root: Any = ..., *, name_key: str = ..., limits: Limits = ...
) -> Node: ...


@overload
def from_networkx(
    graph: Any, root: Any = ..., *, node_class: type[N], name_key: str = ..., limits: Limits = ...
) -> N: ...


def from_networkx(
    graph: Any,
    root: Any = None,
    *,
    node_class: type[BaseNode] = Node,
    name_key: str = "name",
    limits: Limits = DEFAULT_LIMITS,
) -> BaseNode:
    """Build a tree from a networkx graph that is one (needs ``boughs[networkx]``).

    A directed graph's root is its one node without incoming edges (or
    ``root``, whose descendants are then taken; nodes it does not reach are
    ignored); an undirected graph needs ``root``. Each graph node becomes
    ``node_class(name, **data)``, its name being ``data[name_key]`` if present,
    else the graph node itself; children follow the graph's edge order.

    Raises:
        FormatError: the graph is not a tree (a cycle, a node with several
            parents, several roots and no ``root`` given), naming a culprit;
            or a node's data cannot make a node.
        LimitError: the tree exceeds ``limits``.

    Examples:
        >>> import networkx as nx  # doctest: +SKIP
        >>> tree = from_networkx(nx.DiGraph([("r", "a"), ("r", "b")]))  # doctest: +SKIP
        >>> [c.name for c in tree.children]  # doctest: +SKIP
        ['a', 'b']

    Complexity: O(n + edges); iterative.
    """
    nx = _networkx("from_networkx")
    if not isinstance(graph, nx.Graph):
        raise TypeError(f"from_networkx() needs a networkx graph, not {_build.short(graph)}")
    directed = graph.is_directed()
    own_root = root is None
    if root is None:
        if not directed:
            raise FormatError("an undirected graph has no root of its own; pass root=<a node>")
        roots = [n for n, d in graph.in_degree() if d == 0]
        if len(roots) != 1:
            if not roots:
                reason = "every node has a parent, so there is a cycle"
                if not graph:
                    reason = "the graph is empty"
                raise FormatError(f"the graph has no root: {reason}")
            shown = ", ".join(_build.short(r) for r in roots[:5])
            more = ", ..." if len(roots) > 5 else ""
            raise FormatError(
                f"the graph has {len(roots):,} roots ({shown}{more}), so it is a forest; "
                "pass root= to choose one"
            )
        root = roots[0]
    elif root not in graph:
        raise FormatError(f"root {_build.short(root)} is not a node of the graph")
    reached: dict[Any, Any] = {root: None}  # graph node -> its parent in the tree

    def make(key: Any) -> tuple[BaseNode, Any]:
        data = dict(graph.nodes[key])
        name = data.pop(name_key, key)
        attrs = {k: v for k, v in data.items() if isinstance(k, str)}
        if len(attrs) != len(data):
            raise _build.Bad("node data keys must be strings")
        node = _build.construct(node_class, name, attrs, limits)
        kids = []
        short = _build.short
        for k in graph.successors(key) if directed else graph.neighbors(key):
            if not directed:
                if graph.is_multigraph() and graph.number_of_edges(key, k) > 1:
                    raise _build.Bad(f"it has parallel edges to {short(k)}, so there is a cycle")
                if k == reached[key]:
                    continue
            if k in reached:
                if k == key:
                    raise _build.Bad("it has an edge to itself, so the graph is not a tree")
                raise _build.Bad(
                    f"it leads to {short(k)}, which is already in the tree (an ancestor or "
                    "a node with another parent), so the graph is not a tree"
                )
            if directed and graph.in_degree(k) != 1:
                parents = ", ".join(short(p) for p in itertools.islice(graph.predecessors(k), 3))
                raise _build.Bad(
                    f"its child {short(k)} has {graph.in_degree(k)} incoming edges "
                    f"(from {parents}), so the graph is not a tree"
                )
            reached[k] = key
            kids.append(k)
        return node, kids

    def describe(key: Any, trail: list[int]) -> tuple[str, None]:
        return f"graph node {_build.short(key)}", None  # a graph has no paths: the message says

    tree = _build.assemble(root, make, describe, limits)
    if own_root and len(reached) < len(graph):
        missed = [n for n in graph if n not in reached][:5]
        raise FormatError(
            f"nodes {', '.join(_build.short(n) for n in missed)} cannot be reached from the root "
            f"{_build.short(root)}: they lie on a cycle, so the graph is not a tree"
        )
    return tree  # type: ignore[no-any-return]
