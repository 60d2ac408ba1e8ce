"""Exceptions raised by boughs.

Every exception also subclasses the matching builtin, so callers that only
know the standard library (``ValueError``, ``LookupError``) still catch them.
"""

from __future__ import annotations

__all__ = ["FormatError", "LimitError", "LoopError", "NotAChildError", "ResolveError", "TreeError"]


class TreeError(Exception):
    """Base class of every error about the shape of a tree.

    Examples:
        >>> from boughs import Node, TreeError
        >>> root = Node("root")
        >>> try:
        ...     root.append(root)
        ... except TreeError as e:
        ...     print(type(e).__name__)
        LoopError
    """


class LoopError(TreeError, ValueError):
    """Raised when a change would make a node its own ancestor.

    Examples:
        >>> from boughs import LoopError, Node
        >>> root = Node("root", children=[Node("a")])
        >>> try:
        ...     root.children[0].append(root)
        ... except LoopError as e:
        ...     print(str(e).split(":")[0])
        cannot put Node('root') under its descendant Node('a')
    """


class NotAChildError(TreeError, ValueError):
    """Raised when a node that must be a child of some parent is not.

    Examples:
        >>> from boughs import Node, NotAChildError
        >>> try:
        ...     Node("root").remove(Node("stranger"))
        ... except NotAChildError as e:
        ...     print(str(e).split(",")[0])
        Node('stranger') is not a child of Node('root')
    """


class ResolveError(TreeError, LookupError):
    """Raised when a path does not lead to a node.

    Examples:
        >>> from boughs import Node
        >>> try:
        ...     Node("root", children=[Node("a")]).resolve("a/b")
        ... except LookupError as e:  # a ResolveError
        ...     print(str(e).split(" (")[0])
        path 'a/b': Node('a') has no child named 'b'
    """


class FormatError(TreeError, ValueError):
    """Raised when input cannot become a tree (or a tree cannot be written out).

    The message says where: ``line`` and ``column`` (1-based) for text such as
    JSON or XML, ``path`` (like ``children[3].children[0]``, and ``""`` for
    the top mapping itself) for nested data. Those that are not known are
    ``None``. A message shortens a deep path to its first and last steps;
    ``path`` always holds all of it.

    Examples:
        >>> from boughs.formats import from_json
        >>> try:
        ...     from_json('{"name": "a", "children": [}')
        ... except FormatError as e:
        ...     print(e.line, e.column)
        1 28
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.path = path


class LimitError(FormatError):
    """Raised when input exceeds one of its `boughs.limits.Limits` (size, nodes, depth ...).

    Examples:
        >>> from boughs import LimitError, Limits
        >>> from boughs.formats import from_json
        >>> try:
        ...     from_json('{"name": "a", "children": [{"name": "b"}]}', limits=Limits(max_nodes=1))
        ... except LimitError as e:
        ...     print(str(e).split(";")[0])
        at children[0]: more nodes than max_nodes=1
    """
