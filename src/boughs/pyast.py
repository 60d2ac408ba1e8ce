"""Python syntax trees with weak parents: `parse` source into `PyNode` trees.

Python's `ast` has no parent links, and the usual fix (``child.parent =
node`` for every node) makes every tree a reference cycle, and, because
``Load()``, ``Store()`` and the operators are singletons shared by *all*
trees, links one tree to the next. Here every position of the syntax tree
becomes its own `PyNode`, which owns its children and borrows its parent
weakly: a tree is freed by reference counting alone, shared singletons
included, and each ``Load`` knows the one ``Name`` it belongs to.

Each node mirrors one position of the `ast` tree: ``kind`` (the `ast` class
name), ``field`` and ``field_index`` (where it sits in its parent),
positions, and ``ast_node``, the original object. Children come in
`ast.iter_child_nodes` order, so a tree has exactly as many nodes as
`ast.walk` yields, and a breadth-first walk (``walk("level")``) meets the
original objects in `ast.walk`'s order.

Helpers: `enclosing` (the nearest ancestor of some types), `scope_of`,
`qualname` (as Python's ``__qualname__``), `find_all` by type,
`PyNode.source_segment`, and `to_ast` / `unparse` back to `ast` and source,
reflecting structural edits made to the boughs tree. Everything is
iterative: a tree deeper than `ast`'s own recursion allows (built with the
`ast` constructors) is handled, and where `ast` itself would recurse
(`unparse`, or a parser fed absurdly nested source) a `TooDeepError` says so.

Examples:
    >>> from boughs import pyast
    >>> tree = pyast.parse("class A:\\n    def f(self):\\n        return 1\\n")
    >>> ret = pyast.find_all(tree, "Return")[0]
    >>> ret.tree_label(), pyast.qualname(pyast.enclosing(ret, "FunctionDef"))
    ('Return (line 3)', 'A.f')
    >>> pyast.unparse(ret)
    'return 1'
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import reprlib
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final

from boughs import _storage
from boughs.copying import gc_paused
from boughs.errors import FormatError
from boughs.node import BaseNode
from boughs.traversal import postorder, preorder

if TYPE_CHECKING:
    from rich.text import Text

__all__ = [
    "PyNode",
    "TooDeepError",
    "enclosing",
    "find_all",
    "from_ast",
    "parse",
    "parse_file",
    "qualname",
    "scope_of",
    "to_ast",
    "unparse",
]

_AST: Final = ast.AST
_MISSING: Final[Any] = object()


class TooDeepError(FormatError):
    """The code is nested deeper than CPython's own `ast` machinery allows.

    Raised by `parse` when `ast.parse` gives up (a ``RecursionError`` or a
    parser ``MemoryError``) and by `unparse` when `ast.unparse` would recurse
    too deep. boughs itself has no depth limit. A `FormatError`, so also a
    ``ValueError``.

    Examples:
        >>> from boughs import pyast
        >>> pyast.parse("-" * 100_000 + "1", "deep.py")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        boughs.pyast.TooDeepError: deep.py: the code is nested too deeply for Python's parser (...
        >>> issubclass(pyast.TooDeepError, ValueError)
        True
    """


class _Source:
    """The text a tree was parsed from, shared by all of its nodes (immutable)."""

    __slots__ = ("_lines", "filename", "text")

    def __init__(self, text: str | None, filename: str | None) -> None:
        self.text = text
        self.filename = filename
        self._lines: list[str] | None = None

    def lines(self) -> list[str]:
        lines = self._lines
        if lines is None:
            assert self.text is not None
            lines = self._lines = _LINE.findall(self.text)
        return lines

    def __deepcopy__(self, memo: dict[int, Any]) -> _Source:
        return self

    def __reduce__(self) -> Any:
        return (_Source, (self.text, self.filename))


_LINE: Final = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
"""A line with its ending, split as `ast.get_source_segment` splits (not on form feeds)."""

_short = reprlib.Repr()
_short.maxstring = 32
_short.maxother = 32
_short.maxlong = 32


_SHOWN_FIELDS: Final = ("name", "id", "attr", "arg", "module", "asname", "rest")
_PLAIN, _CONSTANT, _FROM, _NAMES = 0, 1, 2, 3


def _name_label(kind: str, a: Any) -> str:
    return f"{kind} {a.id!r} {a.ctx.__class__.__name__}"


def _attribute_label(kind: str, a: Any) -> str:
    return f"{kind} {a.attr!r} {a.ctx.__class__.__name__}"


def _definition_label(kind: str, a: Any) -> str:
    return f"{kind} {a.name!r} (line {a.lineno})"


def _statement_label(kind: str, a: Any) -> str:
    return f"{kind} (line {a.lineno})"


_FAST_LABELS: Final[dict[type, Callable[[str, Any], str]]] = {
    ast.Name: _name_label,
    ast.Attribute: _attribute_label,
    ast.FunctionDef: _definition_label,
    ast.AsyncFunctionDef: _definition_label,
    ast.ClassDef: _definition_label,
}
"""Formatters for the most common parents, equal to the general rule when fields are sound."""


class _Plan:
    """What a label shows for one `ast` class, worked out once per class."""

    __slots__ = ("bare", "ctx", "fast", "shown", "special", "statement")

    def __init__(self, cls: type) -> None:
        fields = getattr(cls, "_fields", ())
        self.shown = tuple(f for f in _SHOWN_FIELDS if f in fields)
        self.special = (
            _CONSTANT
            if issubclass(cls, ast.Constant)
            else _FROM
            if issubclass(cls, ast.ImportFrom)
            else _NAMES
            if issubclass(cls, (ast.Global, ast.Nonlocal))
            else _PLAIN
        )
        self.ctx = "ctx" in fields
        self.statement = issubclass(cls, (ast.stmt, ast.excepthandler))
        self.bare = not (self.shown or self.special or self.ctx or self.statement)
        self.fast = _FAST_LABELS.get(cls)
        if self.fast is None and self.statement and not (self.shown or self.special or self.ctx):
            self.fast = _statement_label


_PLANS: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Plan(cls)
    return plan


def _detail(a: ast.AST, plan: _Plan) -> str:
    """The words after the kind in a label: names, values, contexts."""
    words: list[str] = []
    for attr in plan.shown:
        value = getattr(a, attr, None)
        if isinstance(value, str):
            if attr == "module":
                value = "." * (getattr(a, "level", 0) or 0) + value
            words.append(("as " if attr == "asname" else "") + repr(value))
    special = plan.special
    if special == _CONSTANT:
        words.append(_short.repr(getattr(a, "value", None)))
    elif special == _FROM:
        if getattr(a, "module", None) is None:
            words.append(repr("." * (getattr(a, "level", 0) or 0)))
    elif special == _NAMES:
        words.append(", ".join(map(repr, getattr(a, "names", ()))))
    if plan.ctx:
        ctx = getattr(a, "ctx", None)
        if ctx is not None:
            words.append(ctx.__class__.__name__)
    return " ".join(words)


def _line_note(a: ast.AST, plan: _Plan) -> str:
    if plan.statement:
        line = getattr(a, "lineno", None)
        if line is not None:
            return f"(line {line})"
    return ""


class PyNode(BaseNode):
    """One position of a Python syntax tree, owning its children, borrowing its parent.

    Attributes:
        ast_node: the original `ast` object (shared singletons such as
            ``Load()`` stay shared; their `PyNode`s do not).
        kind: the `ast` class name: ``"FunctionDef"``, ``"Name"``, ``"Load"``.
        field: the field of the parent that holds this node (``"body"``,
            ``"test"``, ``"targets"``), ``None`` for a root.
        field_index: the position in that list field as parsed, ``None`` for
            a single-node field. Only `field` and the children's order count
            for `to_ast`: set ``node.field`` when you move a node to another
            field; ``field_index`` is not renumbered by edits.

    Build trees with `parse`, `parse_file` or `from_ast`; ``PyNode(ast_node)``
    makes one node, without nodes for the `ast` object's children (so its
    `to_ast` has empty node fields until you add children).

    Examples:
        >>> from boughs import pyast
        >>> tree = pyast.parse("x = y")
        >>> load = tree.find(kind="Load")
        >>> load.field, load.parent.tree_label(), load.parent.field, load.parent.line
        ('ctx', "Name 'y' Load", 'value', 1)
    """

    __slots__ = ("_source", "ast_node", "field", "field_index", "kind")

    ast_node: ast.AST
    kind: str
    field: str | None
    field_index: int | None
    _source: _Source | None

    def __init__(
        self,
        ast_node: ast.AST,
        field: str | None = None,
        field_index: int | None = None,
        *,
        parent: BaseNode | None = None,
        children: Iterable[BaseNode] = (),
    ) -> None:
        if not isinstance(ast_node, _AST):
            raise TypeError(
                f"PyNode wraps an ast.AST object, not {type(ast_node).__name__}; "
                "use pyast.parse(source) or pyast.from_ast(tree) to build whole trees"
            )
        self.ast_node = ast_node
        self.kind = type(ast_node).__name__
        self.field = field
        self.field_index = field_index
        self._source = None
        super().__init__(parent=parent, children=children)

    # ------------------------------------------------------- positions --

    @property
    def line(self) -> int | None:
        """First line (1-based), or ``None`` for nodes without positions.

        Examples:
            >>> from boughs import pyast
            >>> tree = pyast.parse("x = [\\n    1,\\n]\\n")
            >>> tree.find(kind="List").line, tree.find(kind="Load").line
            (1, None)

        Complexity: O(1).
        """
        return getattr(self.ast_node, "lineno", None)

    @property
    def col(self) -> int | None:
        """Start column as a UTF-8 byte offset (as in `ast`), or ``None``.

        Examples:
            >>> from boughs import pyast
            >>> pyast.parse("'é' + x").find(kind="Name").col  # 'é' is 2 bytes in UTF-8
            7

        Complexity: O(1).
        """
        return getattr(self.ast_node, "col_offset", None)

    @property
    def end_line(self) -> int | None:
        """Last line (1-based), or ``None``.

        Examples:
            >>> from boughs import pyast
            >>> pyast.parse("x = [\\n    1,\\n]\\n").find(kind="List").end_line
            3

        Complexity: O(1).
        """
        return getattr(self.ast_node, "end_lineno", None)

    @property
    def end_col(self) -> int | None:
        """End column as a UTF-8 byte offset, or ``None``.

        Examples:
            >>> from boughs import pyast
            >>> name = pyast.parse("total = price").find(kind="Name", field="value")
            >>> name.col, name.end_col
            (8, 13)

        Complexity: O(1).
        """
        return getattr(self.ast_node, "end_col_offset", None)

    @property
    def source(self) -> str | None:
        """The whole text this node was parsed from, if it was kept (see `parse`).

        Examples:
            >>> from boughs import pyast
            >>> pyast.parse("a = 1\\nb = 2\\n").children[1].source
            'a = 1\\nb = 2\\n'
            >>> pyast.parse("a = 1", keep_source=False).source is None
            True

        Complexity: O(1).
        """
        src = self._source
        return None if src is None else src.text

    @property
    def filename(self) -> str | None:
        """The file name given to `parse` or `parse_file`, or ``None`` (`from_ast`).

        Examples:
            >>> from boughs import pyast
            >>> pyast.parse("pass", "setup.py").first_child.filename
            'setup.py'

        Complexity: O(1).
        """
        src = self._source
        return None if src is None else src.filename

    def source_segment(self, *, padded: bool = False) -> str | None:
        """The source text of this node, as `ast.get_source_segment` gives it.

        Every node keeps a reference to the text it was parsed from (not to
        its root), so this works on a subtree you kept after dropping the
        tree, and on a node moved into another tree.

        Args:
            padded: pad the first line of a multi-line segment with spaces
                to its original column.

        Returns:
            The text, or ``None`` if the node has no positions or the source
            was not kept.

        Examples:
            >>> from boughs import pyast
            >>> tree = pyast.parse("total = price * (1 + rate)")
            >>> tree.find(kind="BinOp").source_segment()
            'price * (1 + rate)'

        Complexity: O(length of the segment) (the lines are split once per source).
        """
        src = self._source
        if src is None or src.text is None:
            return None
        a: Any = self.ast_node
        try:
            first: int = a.lineno - 1
            last: int = a.end_lineno - 1
            start: int = a.col_offset
            end: int | None = a.end_col_offset
        except (AttributeError, TypeError):  # no positions, or end positions left None
            return None
        if end is None:
            return None
        lines = src.lines()
        if not 0 <= first <= last < len(lines):
            return None
        if first == last:
            return lines[first].encode()[start:end].decode()
        head = lines[first].encode()
        pad = ""
        if padded:
            pad = "".join(c if c in "\f\t" else " " for c in head[:start].decode())
        return "".join(
            [
                pad + head[start:].decode(),
                *lines[first + 1 : last],
                lines[last].encode()[:end].decode(),
            ]
        )

    def children_in(self, field: str) -> list[PyNode]:
        """The children that sit in ``field``, in order.

        Examples:
            >>> from boughs import pyast
            >>> tree = pyast.parse("if a:\\n    b\\nelse:\\n    c\\n    d\\n")
            >>> [n.kind for n in tree.first_child.children_in("orelse")]
            ['Expr', 'Expr']

        Complexity: O(number of children).
        """
        return [c for c in _storage.live(self._children) if c.field == field]

    # ---------------------------------------------------------- labels --

    def tree_label(self) -> str:
        """``kind``, then names, values and context, then the line of a statement.

        Examples:
            >>> from boughs import pyast
            >>> tree = pyast.parse("\\n\\ndef foo(x):\\n    return x")
            >>> [n.tree_label() for n in tree.walk() if n.kind in ("FunctionDef", "Name")]
            ["FunctionDef 'foo' (line 3)", "Name 'x' Load"]

        Complexity: O(1) (O(number of names) for ``global``/``nonlocal``).
        """
        a = self.ast_node
        plan = _PLANS.get(a.__class__) or _plan(a.__class__)
        if plan.bare:
            return self.kind
        fast = plan.fast
        if fast is not None:
            try:
                return fast(self.kind, a)
            except Exception:  # a hand-made ast object with missing fields: the general rule
                pass
        detail = _detail(a, plan)
        note = _line_note(a, plan)
        if not detail:
            return f"{self.kind} {note}" if note else self.kind
        return f"{self.kind} {detail} {note}" if note else f"{self.kind} {detail}"

    def rich_label(self) -> Text:
        """`tree_label` in colour, led by the field in the parent (``body[0]:``).

        Examples:
            >>> from boughs import pyast, render_text
            >>> print(render_text(pyast.parse("f(x)")))
            Module
            └── body[0]: Expr (line 1)
                └── value: Call
                    ├── func: Name 'f' Load
                    │   └── ctx: Load
                    └── args[0]: Name 'x' Load
                        └── ctx: Load

        Complexity: O(1).
        """
        from rich.text import Text

        a = self.ast_node
        label = Text()
        if self.field is not None:
            where = self.field if self.field_index is None else f"{self.field}[{self.field_index}]"
            label.append(f"{where}: ", style="dim")
        if isinstance(a, ast.stmt):
            style = "bold blue"
        elif isinstance(a, ast.expr):
            style = "bold green"
        elif isinstance(a, ast.expr_context):
            style = "dim"
        else:
            style = "magenta"
        label.append(self.kind, style=style)
        plan = _plan(a.__class__)
        detail = _detail(a, plan)
        if detail:
            label.append(" " + detail, style="yellow")
        note = _line_note(a, plan)
        if note:
            label.append(" " + note, style="dim")
        return label

    def __rich_repr__(self) -> Iterator[tuple[Any, ...]]:
        yield (self.kind,)
        yield ("field", self.field, None)
        yield ("field_index", self.field_index, None)
        yield ("line", self.line, None)

    def __repr__(self) -> str:
        where = ""
        if self.field is not None:
            index = "" if self.field_index is None else f"[{self.field_index}]"
            where = f" {self.field}{index}:"
        return f"<PyNode{where} {self.tree_label()}>"


# ------------------------------------------------------------- building --


def parse(
    source: str,
    filename: str = "<string>",
    *,
    mode: str = "exec",
    type_comments: bool = False,
    feature_version: int | tuple[int, int] | None = None,
    keep_source: bool = True,
) -> PyNode:
    """Parse Python ``source`` into a tree of `PyNode`, as `ast.parse` would.

    Args:
        source: the code, as ``str`` (use `parse_file` for a file, which
            honours its encoding declaration).
        filename: the name used in ``SyntaxError`` messages and kept as
            `PyNode.filename`.
        mode: ``"exec"``, ``"eval"``, ``"single"`` or ``"func_type"``.
        type_comments: as in `ast.parse`.
        feature_version: as in `ast.parse`, e.g. ``(3, 8)``.
        keep_source: keep the text, for `PyNode.source_segment`.

    Returns:
        The root: a ``Module`` (``Expression``, ``Interactive`` or
        ``FunctionType`` in the other modes).

    Raises:
        SyntaxError: the code is not valid Python, unchanged from `ast.parse`
            (with ``filename``, ``lineno`` and ``offset``).
        TypeError: ``source`` is not a ``str``.
        TooDeepError: the code is nested deeper than CPython's parser allows.

    Examples:
        >>> from boughs import pyast
        >>> tree = pyast.parse("a = b = 1")
        >>> [(n.kind, n.field, n.field_index) for n in tree.find_all(kind="Name")]
        [('Name', 'targets', 0), ('Name', 'targets', 1)]

    Complexity: O(n) for n syntax-tree nodes, iterative; plus `ast.parse`.
    """
    if not isinstance(source, str):
        if isinstance(source, _AST):
            hint = "wrap an existing tree with pyast.from_ast()"
        elif isinstance(source, (bytes, bytearray, memoryview)):
            hint = "decode it first, or read the file with pyast.parse_file()"
        else:
            hint = "pass the code as a string"
        raise TypeError(f"parse() needs the source as str, not {type(source).__name__}; {hint}")
    if not isinstance(filename, str):
        raise TypeError(f"filename must be a str, not {type(filename).__name__}")
    try:
        tree = ast.parse(
            source,
            filename,
            mode,
            type_comments=type_comments,
            feature_version=feature_version,
        )
    except (RecursionError, MemoryError) as e:
        why = str(e) or type(e).__name__
        raise TooDeepError(
            f"{filename}: the code is nested too deeply for Python's parser ({why}); "
            "CPython refuses such code, so it cannot run either"
        ) from None
    return _build(tree, _Source(source if keep_source else None, filename), None, None, False)


def parse_file(
    path: str | os.PathLike[str],
    *,
    mode: str = "exec",
    type_comments: bool = False,
    feature_version: int | tuple[int, int] | None = None,
    keep_source: bool = True,
) -> PyNode:
    """Read a ``.py`` file (honouring its encoding declaration) and `parse` it.

    Args:
        path: the file; its name becomes `PyNode.filename`.
        mode: as in `parse`.
        type_comments: as in `parse`.
        feature_version: as in `parse`.
        keep_source: as in `parse`.

    Raises:
        OSError: the file cannot be read.
        SyntaxError: the code is not valid Python (or its encoding is bad).
        TooDeepError: as in `parse`.

    Examples:
        >>> import json
        >>> from boughs import pyast
        >>> tree = pyast.parse_file(json.__file__)
        >>> tree.kind, tree.filename == json.__file__
        ('Module', True)

    Complexity: O(size of the file).
    """
    name = os.fspath(path)
    with open(name, "rb") as file:
        raw = file.read()
    text = importlib.util.decode_source(raw)
    return parse(
        text,
        name,
        mode=mode,
        type_comments=type_comments,
        feature_version=feature_version,
        keep_source=keep_source,
    )


def from_ast(node: ast.AST, *, source: str | None = None, filename: str | None = None) -> PyNode:
    """Wrap an existing `ast` tree (or any node of one) in a `PyNode` tree.

    The `ast` objects are not copied or changed: each `PyNode` refers to
    its original as ``ast_node``.

    Args:
        node: the top of the tree to wrap; its `PyNode` gets ``field=None``.
        source: the text it was parsed from, for `PyNode.source_segment`.
        filename: kept as `PyNode.filename`.

    Raises:
        TypeError: ``node`` is not an ``ast.AST``.
        ValueError: the `ast` objects form a cycle (a node is its own
            ancestor), which would make the tree infinite.

    Examples:
        >>> import ast
        >>> from boughs import pyast
        >>> expr = ast.parse("-x", mode="eval").body
        >>> [n.kind for n in pyast.from_ast(expr).walk()]
        ['UnaryOp', 'USub', 'Name', 'Load']

    Complexity: O(n), iterative.
    """
    if not isinstance(node, _AST):
        raise TypeError(f"from_ast() needs an ast.AST object, not {type(node).__name__}")
    if source is not None and not isinstance(source, str):
        raise TypeError(f"source must be a str or None, not {type(source).__name__}")
    record = _Source(source, filename) if source is not None or filename is not None else None
    return _build(node, record, None, None, True)


def _build(
    top: ast.AST,
    source: _Source | None,
    field: str | None,
    field_index: int | None,
    check_cycles: bool,
) -> PyNode:
    """Make the tree in one pass, linking each family in bulk (parents before children)."""
    cls = PyNode
    new = cls.__new__
    Tree = _AST
    new_family = _storage.new_family
    store = _storage.store
    expanded: set[int] = set()
    with gc_paused():
        root = new(cls)
        root.ast_node = top
        root.kind = top.__class__.__name__
        root.field = field
        root.field_index = field_index
        root._source = source
        root._parent_ref = None
        root._children = None
        root._index = 0
        stack = [root]
        pop, push = stack.pop, stack.extend
        while stack:
            parent = pop()
            a = parent.ast_node
            kids: list[PyNode] = []
            add = kids.append
            for name in a._fields:
                value = getattr(a, name, None)
                if value is None:
                    continue
                if isinstance(value, Tree):
                    n = new(cls)
                    n.ast_node = value
                    n.kind = value.__class__.__name__
                    n.field = name
                    n.field_index = None
                    n._source = source
                    n._children = None
                    add(n)
                elif isinstance(value, list):
                    i = 0
                    for item in value:
                        if isinstance(item, Tree):
                            n = new(cls)
                            n.ast_node = item
                            n.kind = item.__class__.__name__
                            n.field = name
                            n.field_index = i
                            n._source = source
                            n._children = None
                            add(n)
                        i += 1
            if kids:
                if check_cycles:
                    key = id(a)
                    if key in expanded:
                        _check_not_cyclic(parent)
                    expanded.add(key)
                family = new_family(parent)
                for k in kids:
                    k._parent_ref = family
                store(parent, kids)
                push(kids)
    return root


def _check_not_cyclic(node: PyNode) -> None:
    """A repeated inner `ast` object is fine (a DAG) unless it is its own ancestor."""
    a = node.ast_node
    for above in node.ancestors():
        if above.ast_node is a:  # type: ignore[attr-defined]
            raise ValueError(
                f"the ast objects form a cycle: {type(a).__name__} object at {id(a):#x} "
                "contains itself, so its tree would be infinite"
            )


# ------------------------------------------------------ back to ast --


def to_ast(node: PyNode) -> ast.AST:
    """The `ast` tree that ``node``'s subtree stands for, reflecting edits.

    A subtree whose structure was not changed gives back its original `ast`
    object. A node whose children were added, removed, reordered or moved
    to another field (by `PyNode.field`) gets a *new* `ast` object of the
    same class: each field that holds nodes is rebuilt from the children
    with that ``field``, in children order (a ``None`` in a list, as in
    ``Dict.keys`` for ``**spread`` or ``arguments.kw_defaults``, stays before
    the entry it preceded); the other fields and the positions are copied
    from the original. Unchanged subtrees are shared with the original tree,
    which is never modified. Call `ast.fix_missing_locations` before
    compiling a tree that mixes in nodes without positions.

    Raises:
        TypeError: ``node`` is not a `PyNode`, or has non-`PyNode` descendants.
        ValueError: a child's ``field`` is not a field of its parent's class,
            or several children claim a single-node field.

    Examples:
        >>> import ast
        >>> from boughs import pyast
        >>> tree = pyast.parse("a = 1\\nb = 2")
        >>> to_ast(tree) is tree.ast_node
        True
        >>> tree.sort_children(key=lambda n: -n.line)
        >>> ast.unparse(to_ast(tree))
        'b = 2\\na = 1'

    Complexity: O(n), iterative.
    """
    _require(node, "to_ast()")
    built: dict[int, ast.AST] = {}
    with gc_paused():  # new ast objects form no cycles
        for n in postorder(node):
            if not isinstance(n, PyNode):
                raise TypeError(
                    f"to_ast() found {n!r} among the nodes below {node!r}: not a PyNode"
                )
            kids: Any = _storage.live(n._children)
            a = n.ast_node
            if not _same_layout(a, kids, built):
                a = _rebuilt(n, kids, built)
            built[id(n)] = a
            for k in kids:
                del built[id(k)]
    return built[id(node)]


def _same_layout(a: ast.AST, kids: list[PyNode], built: dict[int, ast.AST]) -> bool:
    """True iff ``kids`` (already converted) are exactly ``a``'s child positions."""
    j = 0
    n = len(kids)
    for name in a._fields:
        value = getattr(a, name, None)
        if isinstance(value, _AST):
            items: Any = (value,)
        elif isinstance(value, list):
            items = value
        else:
            continue
        for item in items:
            if isinstance(item, _AST):
                if j == n:
                    return False
                k = kids[j]
                if k.field != name or built[id(k)] is not item:
                    return False
                j += 1
    return j == n


def _rebuilt(n: PyNode, kids: list[PyNode], built: dict[int, ast.AST]) -> ast.AST:
    a = n.ast_node
    cls = type(a)
    fields = cls._fields
    groups: dict[str, list[ast.AST]] = {}
    for k in kids:
        f = k.field
        if f not in fields:
            raise ValueError(
                f"cannot rebuild {n!r}: its child {k!r} has field {f!r}, but ast.{cls.__name__} "
                f"has the fields {fields}; set that child's .field to one of them"
            )
        groups.setdefault(f, []).append(built[id(k)])
    values: dict[str, Any] = {}
    for f in fields:
        old = getattr(a, f, _MISSING)
        got = groups.get(f)
        if isinstance(old, list):
            values[f] = _merge(old, got or [])
        elif got is not None:
            if len(got) > 1:
                raise ValueError(
                    f"cannot rebuild {n!r}: field {f!r} of ast.{cls.__name__} holds one node, "
                    f"but {len(got)} children have field {f!r}; move or remove the extra ones"
                )
            values[f] = got[0]
        elif isinstance(old, _AST):
            values[f] = None  # its node was removed
        elif old is not _MISSING:
            values[f] = old
    for attr in cls._attributes:
        value = getattr(a, attr, _MISSING)
        if value is not _MISSING:
            values[attr] = value
    return cls(**values)


def _merge(old: list[Any], items: list[ast.AST]) -> list[Any]:
    """``items``, with the non-node entries of ``old`` kept before the same-numbered item."""
    out: list[Any] = []
    rank = 0
    holes: list[tuple[int, Any]] = []
    for entry in old:
        if isinstance(entry, _AST):
            rank += 1
        else:
            holes.append((rank, entry))
    h = 0
    for i, item in enumerate(items):
        while h < len(holes) and holes[h][0] <= i:
            out.append(holes[h][1])
            h += 1
        out.append(item)
    out.extend(entry for _, entry in holes[h:])
    return out


def unparse(node: PyNode) -> str:
    """Source code for ``node``'s subtree (with edits), by `ast.unparse` of `to_ast`.

    Raises:
        TooDeepError: the subtree is nested deeper than `ast.unparse`, which
            recurses, can follow.

    Examples:
        >>> from boughs import pyast
        >>> tree = pyast.parse("if a:\\n    pass\\nelse:\\n    x = 1\\n")
        >>> stmt = tree.first_child
        >>> for n in stmt.children_in("orelse"):
        ...     n.field = "body"
        >>> stmt.remove(stmt.children_in("body")[0])
        <PyNode body[0]: Pass (line 2)>
        >>> print(pyast.unparse(tree))
        if a:
            x = 1

    Complexity: O(n) plus `ast.unparse`.
    """
    tree = to_ast(node)
    try:
        return ast.unparse(tree)
    except RecursionError:
        pass
    raise TooDeepError(
        f"{node!r} is {node.height:,} levels deep, more than ast.unparse can follow "
        f"with the recursion limit of {sys.getrecursionlimit():,}; "
        "unparse a smaller subtree, or raise sys.setrecursionlimit() with care"
    )


# -------------------------------------------------------------- helpers --

_MODULES: Final = frozenset({"Module", "Expression", "Interactive", "FunctionType"})
_FUNCTIONS: Final = frozenset({"FunctionDef", "AsyncFunctionDef", "Lambda"})
_COMPREHENSIONS: Final = frozenset({"ListComp", "SetComp", "DictComp", "GeneratorExp"})
_INLINED: Final = (
    frozenset({"ListComp", "SetComp", "DictComp"}) if sys.version_info >= (3, 12) else frozenset()
)
"""Comprehensions that PEP 709 (Python 3.12) inlines: no code object, no qualified name."""
_SCOPE_NAMES: Final = {
    "Lambda": "<lambda>",
    "ListComp": "<listcomp>",
    "SetComp": "<setcomp>",
    "DictComp": "<dictcomp>",
    "GeneratorExp": "<genexpr>",
}
_DEFINITIONS: Final = frozenset({"FunctionDef", "AsyncFunctionDef", "ClassDef"})
_STATEMENTS: Final = (ast.stmt, ast.excepthandler, ast.match_case)
_TYPES_CACHE: dict[Any, tuple[type, ...]] = {}


def _require(node: object, where: str) -> PyNode:
    if not isinstance(node, PyNode):
        raise TypeError(
            f"{where} needs a PyNode (from pyast.parse or pyast.from_ast), "
            f"not {type(node).__name__}"
        )
    return node


def _ast_types(types: tuple[Any, ...], where: str) -> tuple[type, ...]:
    """Classes for ``types``: `ast` classes, or their names (``"FunctionDef"``, ``"stmt"``)."""
    found = _TYPES_CACHE.get(types)
    if found is not None:
        return found
    if not types:
        raise TypeError(f"{where} needs at least one ast type, e.g. ast.FunctionDef or 'ClassDef'")
    classes: list[type] = []
    for t in types:
        if isinstance(t, str):
            cls = getattr(ast, t, None)
            if not (isinstance(cls, type) and issubclass(cls, _AST)):
                raise ValueError(f"{where}: {t!r} is not the name of an ast node class")
            classes.append(cls)
        elif isinstance(t, type) and issubclass(t, _AST):
            classes.append(t)
        else:
            raise TypeError(
                f"{where} takes ast node classes or their names, not {t!r}; "
                "e.g. ast.FunctionDef or 'FunctionDef'"
            )
    result = tuple(classes)
    if len(_TYPES_CACHE) < 256:
        _TYPES_CACHE[types] = result
    return result


def enclosing(node: PyNode, *types: type[ast.AST] | str) -> PyNode | None:
    """The nearest strict ancestor whose `ast` object is an instance of one of ``types``.

    Args:
        node: where to start (not itself a candidate).
        types: `ast` classes (abstract ones such as ``ast.stmt`` work) or
            their names (``"FunctionDef"``).

    Returns:
        That ancestor, or ``None``.

    Examples:
        >>> import ast
        >>> from boughs import pyast
        >>> tree = pyast.parse("class A:\\n    def f(self):\\n        return self\\n")
        >>> ret = tree.find(kind="Return")
        >>> pyast.enclosing(ret, ast.FunctionDef, ast.ClassDef).tree_label()
        "FunctionDef 'f' (line 2)"
        >>> pyast.enclosing(ret, "ClassDef").kind
        'ClassDef'

    Complexity: O(depth).
    """
    _require(node, "enclosing()")
    classes = _ast_types(types, "enclosing()")
    for above in node.ancestors():
        a = getattr(above, "ast_node", None)
        if a is not None and isinstance(a, classes):
            return above  # type: ignore[return-value]
    return None


def find_all(node: PyNode, *types: type[ast.AST] | str) -> list[PyNode]:
    """Every node of ``node``'s subtree (itself included) of one of ``types``, in source order.

    Examples:
        >>> import ast
        >>> from boughs import pyast
        >>> tree = pyast.parse("x = 1\\nprint(x)")
        >>> [n.tree_label() for n in pyast.find_all(tree, ast.Name)]
        ["Name 'x' Store", "Name 'print' Load", "Name 'x' Load"]
        >>> len(pyast.find_all(tree, "stmt"))
        2

    Complexity: O(n).
    """
    _require(node, "find_all()")
    classes = _ast_types(types, "find_all()")
    return [n for n in preorder(node) if isinstance(getattr(n, "ast_node", None), classes)]


def scope_of(node: PyNode) -> PyNode | None:
    """The scope ``node`` is evaluated in: the nearest enclosing module, function,
    lambda, class or comprehension, following Python's rules.

    Decorators, default values, annotations, return annotations, base
    classes and the first iterable of a comprehension belong to the scope
    *around* the definition; parameters, bodies and the rest of a
    comprehension belong to it. Definitions and lambdas are evaluated in the
    scope around them. PEP 695 annotation scopes are not modelled.

    Returns:
        The scope node, or ``None`` if the subtree has no enclosing scope.

    Examples:
        >>> from boughs import pyast
        >>> tree = pyast.parse("@deco\\ndef f(x=d):\\n    return [y for y in x]\\n")
        >>> for name in tree.find_all(kind="Name"):
        ...     print(name.ast_node.id, pyast.scope_of(name).kind)
        d Module
        y ListComp
        y ListComp
        x FunctionDef
        deco Module

    Complexity: O(depth).
    """
    _require(node, "scope_of()")
    path: list[PyNode] = [node]  # node, its parent, ...: the last three matter
    child = node
    above: Any = node.parent
    while above is not None:
        kind = getattr(above, "kind", None)
        if kind in _MODULES:
            return above  # type: ignore[no-any-return]
        if kind in _FUNCTIONS:
            if child.field == "body":
                return above  # type: ignore[no-any-return]
            if child.field == "args":
                below = path[-2] if len(path) >= 2 else None
                if below is None:
                    return above  # type: ignore[no-any-return]
                if below.field not in ("defaults", "kw_defaults") and len(path) == 2:
                    return above  # type: ignore[no-any-return]  # a parameter itself
        elif kind == "ClassDef":
            if child.field == "body":
                return above  # type: ignore[no-any-return]
        elif kind in _COMPREHENSIONS:
            outside = False
            if child.field == "generators" and len(path) >= 2 and path[-2].field == "iter":
                first = next(c for c in above.children if c.field == "generators")
                outside = first is child
            if not outside:
                return above  # type: ignore[no-any-return]
        path.append(above)
        child = above
        above = above.parent
    return None


def _declares_global(scope: PyNode, name: str) -> bool:
    """True iff ``scope``'s own statements (not nested scopes) say ``global name``."""
    stack = scope.children_in("body")
    while stack:
        n = stack.pop()
        a = n.ast_node
        if isinstance(a, ast.Global):
            if name in a.names:
                return True
        elif not isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stack.extend(
                c for c in _storage.live(n._children) if isinstance(c.ast_node, _STATEMENTS)
            )
    return False


def qualname(node: PyNode) -> str:
    """The qualified name Python gives a definition's ``__qualname__``.

    Works for ``FunctionDef``, ``AsyncFunctionDef``, ``ClassDef``,
    ``Lambda`` and ``GeneratorExp`` (and the other comprehensions before
    Python 3.12), with ``<locals>`` after each enclosing function, and a
    plain name for a definition whose name its enclosing scope declares
    ``global``. A fragment made with `from_ast` counts as a module.

    Raises:
        TypeError: ``node`` is not a definition.

    Examples:
        >>> from boughs import pyast
        >>> src = "class A:\\n    def f(self):\\n        def g(): pass\\n        return g\\n"
        >>> tree = pyast.parse(src)
        >>> [pyast.qualname(n) for n in tree.find_all(kind="FunctionDef")]
        ['A.f', 'A.f.<locals>.g']

    Complexity: O(depth), plus the statements of each enclosing scope that
    holds a named definition (to look for ``global``).
    """
    _require(node, "qualname()")
    kind = node.kind
    if kind not in _DEFINITIONS and (kind not in _SCOPE_NAMES or kind in _INLINED):
        extra = " (comprehensions other than generator expressions are inlined)"
        raise TypeError(
            f"qualname() needs a def, class, lambda or comprehension, not {node!r}"
            + (extra if kind in _INLINED else "; try qualname(enclosing(node, 'FunctionDef'))")
        )
    parts: list[str] = []
    current = node
    while True:
        kind = current.kind
        name = current.ast_node.name if kind in _DEFINITIONS else _SCOPE_NAMES[kind]  # type: ignore[attr-defined]
        parts.append(name)
        scope = scope_of(current)
        while scope is not None and scope.kind in _INLINED:
            scope = scope_of(scope)
        if scope is None or scope.kind in _MODULES:
            break
        if kind in _DEFINITIONS and scope.kind != "Lambda" and _declares_global(scope, name):
            break
        if scope.kind in _FUNCTIONS:
            parts.append("<locals>")
        current = scope
    return ".".join(reversed(parts))
